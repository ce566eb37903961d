//! `rolecall exec PROFILE -- CMD ARGS…` and the subshell: run a program in a session's environment.

use crate::credentials::REMOVED_VARS;
use crate::session::Session;
use std::process::{Command, ExitStatus};

/// Variables cleared before a session's are set, so nothing stale (a token from another
/// session, a profile name) can mix with the new credentials.
const CLEARED_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// A command set up to run with `session`'s environment.
pub fn command_with_session(program: &str, args: &[String], session: &Session) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for var in CLEARED_VARS.iter().chain(REMOVED_VARS) {
        cmd.env_remove(var);
    }
    for (k, v) in session.env() {
        cmd.env(k, v);
    }
    cmd
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
    let current = std::env::var("ROLECALL_PROFILE").ok()?;
    Some(format!(
        "already inside a rolecall session for '{current}' (ROLECALL_PROFILE is set); \
         run `exit` first, or pass --nested to run with '{target}' anyway"
    ))
}
