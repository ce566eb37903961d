//! `rolecall exec [--server] PROFILE -- CMD ARGS…`: run a program in a session's
//! environment — with the session's keys, or (`--server`) with a local credential endpoint
//! that keeps the session fresh for as long as the program runs.

use super::block_on;
use super::complete::profile_candidates;
use super::obtain::{obtain, ObtainArgs};
use super::terminal::warn;
use crate::context::Context;
use crate::server::{self, ResolverFeed, ServerConfig};
use crate::session::child_env::{command_with_env, current_session_profile};
use crate::session::Session;
use anyhow::{bail, Context as _, Result};
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::process::{Command, ExitStatus};
use std::sync::Arc;

/// `rolecall exec`'s arguments.
#[derive(Args, Debug)]
pub struct ExecArgs {
    /// The profile whose session the command runs with (`rolecall list` shows them all).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// Run even inside another rolecall session (ROLECALL_PROFILE set).
    #[arg(long)]
    pub nested: bool,
    /// Give the command a local credential endpoint instead of keys: every AWS SDK
    /// and the AWS CLI fetch from it, and it refreshes the session before it expires.
    #[arg(long)]
    pub server: bool,
    #[command(flatten)]
    pub obtain: ObtainArgs,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// Runs the command with the profile's session; returns its exit code. Inside another
/// rolecall session it refuses unless `--nested`. With `--server`, the program gets the
/// local endpoint's variables instead of keys.
pub fn run(context: &Context, args: ExecArgs) -> Result<u8> {
    let profile = &args.profile;
    if let Some(warning) = nested_warning(profile) {
        if !args.nested {
            bail!("{warning}");
        }
        warn(&warning);
    }
    if args.server {
        return block_on(run_served(context, &args))?;
    }
    let command = &args.command;
    let session = block_on(obtain(context, profile, &args.obtain))??;
    let status = command_with_session(&command[0], &command[1..], &session)
        .status()
        .with_context(|| format!("cannot run `{}`", command[0]))?;
    Ok(exit_code(status))
}

/// `exec --server`: the session first (asking for an MFA code on the terminal now, not in
/// the middle of the program's run), then an endpoint serving it on 127.0.0.1 for as long
/// as the program runs, refreshing it before it expires. Each refresh reads the files of
/// its moment (see [`Context::graph_for`]).
/// A refresh must not ask for the key file's passphrase on the program's terminal: when the
/// profile's key is in the key store, it is read now (asking here, before the program
/// starts, if the store needs it), and never asked for again in this process.
fn open_key_store_now(context: &Context, profile: &str, args: &ExecArgs) -> Result<()> {
    let graph = context.graph_for(profile);
    let plan = context
        .planner(&graph, args.obtain.mfa_mode())
        .plan(profile);
    if let Ok(crate::resolve::plan::Plan {
        source: crate::resolve::plan::BaseSource::Keyring { profile: stored },
        ..
    }) = plan
    {
        context.keys()?.get(&stored)?;
    }
    crate::keys::never_ask_for_the_passphrase();
    Ok(())
}

async fn run_served(context: &Context, args: &ExecArgs) -> Result<u8> {
    let (profile, command) = (&args.profile, &args.command);
    let session = obtain(context, profile, &args.obtain).await?;
    if !session.credentials.is_temporary() {
        bail!(
            "profile '{profile}' gives long-term keys (or a session token without an \
             expiration), which the credential endpoint cannot serve (SDKs accept only \
             temporary credentials from it); run without --server"
        );
    }
    open_key_store_now(context, profile, args)?;
    let feed = ResolverFeed {
        profile: profile.to_string(),
        context: context.clone(),
        mfa_mode: args.obtain.mfa_mode(),
    };
    let endpoint = server::start(Arc::new(feed), ServerConfig::default()).await?;
    // The first fetch now: a problem shows here, not in the program's first AWS call.
    endpoint.refresh_now().await?;
    let mut child = Command::new(&command[0]);
    child.args(&command[1..]);
    endpoint.served_env().apply_for(&mut child, &session);
    // Ctrl-C goes to the program (it is in the terminal's foreground group too); rolecall
    // stays up for as long as the program does, so its credentials keep working.
    let mut interrupts = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let mut child = tokio::process::Command::from(child)
        .spawn()
        .with_context(|| format!("cannot run `{}`", command[0]))?;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status?,
            _ = interrupts.recv() => {}
        }
    };
    endpoint.shutdown().await;
    Ok(exit_code(status))
}

/// A command set up to run with `session`'s environment.
pub fn command_with_session(program: &str, args: &[String], session: &Session) -> Command {
    command_with_env(program, args, &session.env())
}

/// The exit code a shell would report for `status` (128 + signal when killed).
pub fn exit_code(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => (code & 0xff) as u8,
        (None, Some(sig)) => (128 + sig) as u8,
        _ => 1,
    }
}

/// The warning for running inside another rolecall session, or `None` when not nested.
pub fn nested_warning(target: &str) -> Option<String> {
    let current = current_session_profile()?;
    Some(format!(
        "already inside a rolecall session for '{current}' (ROLECALL_PROFILE is set); \
         run `exit` first, or pass --nested to run with '{target}' anyway"
    ))
}
