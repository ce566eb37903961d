//! What the session commands share: the graph, the store, STS, and the MFA prompt.

use crate::profile::{ConfigPaths, ProfileGraph};
use crate::resolve::{FixedMfa, MfaMode, MfaPrompt, ResolveOptions, Resolver, Vars};
use crate::session::{Session, SessionStore};
use crate::source::ChildTerminal;
use crate::sso::Sso;
use crate::sts::{MfaCode, Sts};
use crate::term_text::visible;
use anyhow::Result;
use futures::future::BoxFuture;
use std::io::{BufRead, Write};

/// Options every command that obtains a session takes.
#[derive(Debug, Clone, Default)]
pub struct ObtainArgs {
    pub mfa_code: Option<String>,
    pub refresh: bool,
    pub mfa_mode: MfaMode,
}

/// The profile graph: the bundled demo's, or the user's files.
pub fn load_graph(demo: bool) -> ProfileGraph {
    if demo {
        crate::demo::graph()
    } else {
        ProfileGraph::load(&ConfigPaths::from_env())
    }
}

/// The session store, or a memory-only one (with a warning on stderr) when its directory
/// cannot be used: a broken cache must not stop anyone from getting a session.
pub fn open_store() -> SessionStore {
    let (store, warning) = SessionStore::open_or_memory(SessionStore::default_dir());
    if let Some(warning) = warning {
        warn(&warning);
    }
    store
}

/// Prints a warning the way every command does: one line, whatever the text quotes.
pub fn warn(text: &str) {
    crate::term_eprintln!("rolecall: warning: {}", visible(text));
}

/// Runs `future` to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(future))
}

/// Asks for the code on the controlling terminal, once per serial.
struct TerminalMfa;

impl MfaPrompt for TerminalMfa {
    fn code<'a>(&'a self, profile: &'a str, serial: &'a str) -> BoxFuture<'a, Option<MfaCode>> {
        Box::pin(async move {
            let prompt = format!(
                "MFA code for {} (profile '{}'): ",
                visible(serial),
                visible(profile)
            );
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
        let mut line = zeroize::Zeroizing::new(String::new());
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

/// Obtains a session for `profile` the way every command does: cache, chain, MFA. What
/// the user should know (a capped duration, a session not cached) goes to stderr.
pub async fn obtain(
    graph: &ProfileGraph,
    store: &SessionStore,
    profile: &str,
    args: &ObtainArgs,
) -> Result<Session> {
    let parts = ResolverParts::for_profile(graph, profile);
    let resolver = parts.resolver(graph, store);
    let mfa = mfa_prompt(args)?;
    let obtained = resolver
        .obtain(profile, &*mfa, &resolve_options(args))
        .await?;
    for warning in &obtained.warnings {
        warn(warning);
    }
    Ok(obtained.session)
}

/// What a command's [`Resolver`] borrows besides the graph and the store: STS, IAM
/// Identity Center, the process's environment, and the graph with discovered roles when
/// the profile asked for is one of those.
pub struct ResolverParts {
    // Loaded on the first STS call: a cached session needs none.
    sts: Sts,
    sso: Sso,
    vars: Vars<'static>,
    discovered: Option<ProfileGraph>,
}

impl ResolverParts {
    /// The parts for resolving `profile` over `graph`.
    pub fn for_profile(graph: &ProfileGraph, profile: &str) -> Self {
        let sso = Sso::from_env();
        // A name no file defines may be a role IAM Identity Center discovery found (its
        // cache: no network), named as `rolecall sso sync` would name its profile.
        let discovered = match graph.get(profile) {
            Some(_) => None,
            None => crate::sso::with_discovered(graph, &sso),
        };
        ResolverParts {
            sts: Sts::new(),
            sso,
            vars: Vars::process(),
            discovered,
        }
    }

    /// The resolver every command uses.
    pub fn resolver<'a>(
        &'a self,
        graph: &'a ProfileGraph,
        store: &'a SessionStore,
    ) -> Resolver<'a> {
        Resolver::new(
            self.discovered.as_ref().unwrap_or(graph),
            &self.sts,
            store,
            &self.vars,
            &self.sso,
        )
    }
}

/// Where MFA codes come from: `--mfa-code` (checked here), else the terminal.
pub fn mfa_prompt(args: &ObtainArgs) -> Result<Box<dyn MfaPrompt>> {
    Ok(match &args.mfa_code {
        Some(code) => {
            let code = MfaCode::parse(code).map_err(anyhow::Error::msg)?;
            Box::new(FixedMfa(Some(code)))
        }
        None => Box::new(TerminalMfa),
    })
}

/// The resolution options the flags ask for.
pub fn resolve_options(args: &ObtainArgs) -> ResolveOptions {
    ResolveOptions {
        force_refresh: args.refresh,
        // `--refresh` means everything afresh, the MFA session included.
        renew_mfa: args.refresh,
        mfa_mode: args.mfa_mode,
        // A `credential_process` may prompt on the terminal, as under the AWS CLI.
        process_terminal: ChildTerminal::Shared,
    }
}
