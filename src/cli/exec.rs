//! `rolecall exec PROFILE -- CMD ARGS…`: run a program in a session's environment.

use crate::session::env::{command_with_env, current_session_profile};
use crate::session::Session;
use std::process::{Command, ExitStatus};

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
