//! What the session commands share: the graph, the store, STS, and the MFA prompt.

use crate::profile::ProfileGraph;
use crate::resolve::{FixedMfa, MfaMode, MfaPrompt, ResolveOptions, Resolver};
use crate::session::{Session, SessionStore};
use crate::source::MetadataConfig;
use crate::sts::{MfaCode, Sts};
use anyhow::{Context as _, Result};
use futures::future::BoxFuture;
use std::io::{BufRead, Write};

/// Options every command that obtains a session takes.
#[derive(Debug, Clone, Default)]
pub struct ObtainArgs {
    pub mfa_code: Option<String>,
    pub refresh: bool,
    pub mfa_mode: MfaMode,
}

/// Asks for the code on the controlling terminal, once per serial.
struct TerminalMfa;

impl MfaPrompt for TerminalMfa {
    fn code<'a>(&'a self, profile: &'a str, serial: &'a str) -> BoxFuture<'a, Option<MfaCode>> {
        Box::pin(async move {
            let prompt = format!("MFA code for {serial} (profile '{profile}'): ");
            tokio::task::spawn_blocking(move || read_code_from_tty(&prompt))
                .await
                .ok()
                .flatten()
        })
    }
}

fn read_code_from_tty(prompt: &str) -> Option<MfaCode> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut writer = tty.try_clone().ok()?;
    let mut reader = std::io::BufReader::new(tty);
    for _ in 0..3 {
        write!(writer, "{prompt}").ok()?;
        writer.flush().ok()?;
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        match MfaCode::parse(&line) {
            Ok(code) => return Some(code),
            Err(e) => writeln!(writer, "{e}").ok()?,
        }
    }
    None
}

/// Obtains a session for `profile` the way every command does: cache, chain, MFA.
pub async fn obtain(graph: &ProfileGraph, profile: &str, args: &ObtainArgs) -> Result<Session> {
    let store =
        SessionStore::open(SessionStore::default_dir()).context("cannot open the session store")?;
    // Loaded on the first STS call: a cached session needs none.
    let sts = Sts::new();
    let resolver = Resolver {
        graph,
        sts: &sts,
        store: Some(&store),
        metadata: MetadataConfig::from_env(),
    };
    let options = ResolveOptions {
        force_refresh: args.refresh,
        mfa_mode: args.mfa_mode,
    };
    let session = match &args.mfa_code {
        Some(code) => {
            let code = MfaCode::parse(code).map_err(anyhow::Error::msg)?;
            resolver
                .obtain(profile, &FixedMfa(Some(code)), &options)
                .await?
        }
        None => resolver.obtain(profile, &TerminalMfa, &options).await?,
    };
    Ok(session)
}
