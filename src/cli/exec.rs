//! `rolecall exec PROFILE -- CMD ARGS…`: run a program in a session's environment.

use super::context::{block_on, load_graph, obtain, open_store, warn, ObtainArgs};
use crate::session::env::{command_with_env, current_session_profile};
use crate::session::Session;
use anyhow::{bail, Context as _, Result};
use std::process::{Command, ExitStatus};

/// Runs `command` with `profile`'s session; returns its exit code. Inside another
/// rolecall session it refuses unless `nested`.
pub fn run(
    demo: bool,
    profile: &str,
    nested: bool,
    args: &ObtainArgs,
    command: &[String],
) -> Result<u8> {
    if let Some(warning) = nested_warning(profile) {
        if !nested {
            bail!("{warning}");
        }
        warn(&warning);
    }
    let graph = load_graph(demo);
    let store = open_store();
    let session = block_on(obtain(&graph, &store, profile, args))??;
    let status = command_with_session(&command[0], &command[1..], &session)
        .status()
        .with_context(|| format!("cannot run `{}`", command[0]))?;
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
