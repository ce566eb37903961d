//! `credential_process`: run the configured command and read the `Version: 1` JSON it prints.
//! (`mfa_process`, the command that prints an MFA code, runs the same way: `mfa.rs`.)
//!
//! rolecall runs it itself rather than through aws-config's provider for three reasons the
//! provider does not cover: the child and everything it starts are killed when the request
//! is dropped (Esc in the TUI) or rolecall is ended by a signal, the command line (which
//! often carries a vault path or a token) never reaches an error message — only the
//! program's name does, as aws-config's own log lines redact it — and its output is
//! bounded: at most [`STDOUT_LIMIT`] of stdout is read (a child printing more is stopped),
//! and stderr is drained as it comes, keeping only a tail of it to quote.
//!
//! The semantics are the AWS CLI's: the command runs through `sh -c`, with the caller's
//! environment, and must exit 0 and print one JSON object with `Version` 1,
//! `AccessKeyId`, `SecretAccessKey`, and optionally `SessionToken` and `Expiration`
//! (RFC 3339); key names are matched without regard to case, as aws-config does.

mod group;
mod mfa;
mod signals;

pub use group::ChildTerminal;
pub use mfa::{mfa_code, MfaProcess, MfaProcessError, MFA_PROCESS_TIMEOUT, MFA_STDOUT_LIMIT};

use super::{BaseCredentials, CredentialOrigin, SourceError};
use crate::credentials::Credentials;
use crate::profile::bridge::shell_words;
use crate::secret::Secret;
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt};
use zeroize::Zeroizing;

/// At most this much of the child's stderr is quoted in an error (its last lines).
pub const STDERR_QUOTE_LIMIT: usize = 512;

/// At most this much of the child's stdout is read: a credentials object is well under
/// 8 KiB. A child that prints more is stopped, with everything it started.
pub const STDOUT_LIMIT: usize = 1 << 20;

/// How much of stderr's end is kept while it is drained: enough for
/// [`STDERR_QUOTE_LIMIT`] after trailing blank lines are trimmed.
const STDERR_TAIL: usize = 4 * STDERR_QUOTE_LIMIT;

/// The program a command line runs, for messages: its first word that is not an
/// assignment (`NAME=VALUE`, whose value is often a secret) nor an `env` or `exec` prefix
/// (with their options), without its directory. A line that is more than a simple command
/// (see [`shell_words`]) and starts with an assignment is shown as `sh`, which runs it.
///
/// `/opt/bin/vault-creds --token s3cr3t` is shown as `vault-creds`, and
/// `PW=hunter2 ykman oath code x` as `ykman`.
pub fn program_name(command: &str) -> String {
    let Some(words) = shell_words(command) else {
        let first = command.split_whitespace().next().unwrap_or("");
        return if is_assignment(first) {
            "sh".into()
        } else {
            base_name(first.trim_matches(|c| c == '"' || c == '\'')).into()
        };
    };
    let mut words = words.iter().map(String::as_str).peekable();
    loop {
        match words.next() {
            None => return if command.trim().is_empty() { "" } else { "sh" }.into(),
            Some(word) if is_assignment(word) => {}
            Some(word) if matches!(base_name(word), "env" | "exec") => {
                let takes_value: &[&str] = if base_name(word) == "env" {
                    &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"]
                } else {
                    &["-a"]
                };
                while let Some(option) = words.next_if(|w| w.starts_with('-')) {
                    if takes_value.contains(&option) {
                        words.next();
                    }
                }
            }
            Some(word) => return base_name(word).into(),
        }
    }
}

/// Whether `word` is a shell assignment, `NAME=VALUE`.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `path` without its directory.
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Runs `command` and returns the credentials it printed.
///
/// The command leads a process group of its own; dropping the returned future kills the
/// whole group, and so does a SIGINT, SIGTERM or SIGHUP that ends rolecall meanwhile.
pub async fn credential_process(
    command: &str,
    terminal: ChildTerminal,
) -> Result<BaseCredentials, SourceError> {
    let program = program_name(command);
    let fail = |message: String| SourceError::Process {
        program: program.clone(),
        message,
    };
    let out = run_bounded(command, terminal, STDOUT_LIMIT)
        .await
        .map_err(|failure| {
            fail(match failure {
                RunFailure::OverLimit => format!(
                    "it printed more than {} MiB, far more than any credentials, and was \
                     stopped (with everything it started)",
                    STDOUT_LIMIT >> 20
                ),
                RunFailure::Failed(message) => message,
            })
        })?;
    Ok(BaseCredentials {
        credentials: parse_output(&out).map_err(fail)?,
        origin: CredentialOrigin {
            kind: "custom-process",
            location: program,
        },
    })
}

/// The environment variable that counts how deep in commands rolecall runs (a
/// `credential_process` or `mfa_process`) this rolecall is: each such command gets one more
/// than rolecall itself was given.
pub const DEPTH_VAR: &str = "ROLECALL_CREDENTIAL_PROCESS_DEPTH";

/// A rolecall this deep in commands rolecall runs refuses to run another: only a command
/// that runs rolecall again for the same profile (a line that is not the bridge's form,
/// which rolecall would read itself) gets this deep, and it would never end.
pub const MAX_DEPTH: u32 = 3;

/// How deep in commands rolecall runs this rolecall is (see [`DEPTH_VAR`]); 0 when it was
/// not started by one.
fn depth() -> u32 {
    std::env::var(DEPTH_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// The refusal of a rolecall [`MAX_DEPTH`] deep to run another command.
fn too_deep(depth: u32) -> String {
    format!(
        "not run: this rolecall was started by a command rolecall runs, {depth} deep \
         ({DEPTH_VAR}={depth}), so the command most likely runs rolecall for the same profile \
         again, without end. Write rolecall's bridge in the form rolecall reads itself: \
         rolecall credential-process PROFILE, optionally with --no-session"
    )
}

/// Why [`run_bounded`] has no output to give.
pub(crate) enum RunFailure {
    /// It printed more than its limit, and was stopped with everything it started.
    OverLimit,
    /// It could not be started or waited for, or it failed: a message to follow the
    /// program's name (`it exited with code 1: <its stderr's last lines>`).
    Failed(String),
}

/// Runs `command` through `sh -c` as the leader of a process group of its own (see
/// [`ChildTerminal`]) and returns what it printed on stdout, zeroised when dropped: at most
/// `limit` bytes (a child printing more is stopped, with everything it started). Its stderr
/// is drained as it comes and only its tail quoted, when it fails.
///
/// Dropping the future kills the whole group, and so does a SIGINT, SIGTERM or SIGHUP that
/// ends rolecall meanwhile: what `credential_process` and `mfa_process` share.
pub(crate) async fn run_bounded(
    command: &str,
    terminal: ChildTerminal,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, RunFailure> {
    let fail = |message: String| RunFailure::Failed(message);
    let depth = depth();
    if depth >= MAX_DEPTH {
        return Err(fail(too_deep(depth)));
    }
    let mut sh = tokio::process::Command::new("sh");
    sh.arg("-c")
        .arg(command)
        .env(DEPTH_VAR, (depth + 1).to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let (mut child, mut group) =
        group::spawn(&mut sh, terminal).map_err(|e| fail(format!("cannot start it: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    // Room for all of a small limit up front: a buffer that grows leaves copies behind.
    let mut out = Zeroizing::new(Vec::with_capacity((limit + 1).min(64 << 10)));
    let (read_out, err) = tokio::join!(
        async {
            let read = read_up_to_limit(stdout, &mut out, limit).await;
            if read.as_ref().is_ok_and(|&over| over) {
                group.kill();
            }
            read
        },
        tail_of(stderr),
    );
    // Reaped only after both pipes are done, so the group is still ours to kill until then.
    let status = child.wait().await;
    group.reaped();
    let status = status.map_err(|e| fail(format!("cannot wait for it: {e}")))?;
    let over_limit = read_out.map_err(|e| fail(format!("cannot read its output: {e}")))?;
    if over_limit {
        return Err(RunFailure::OverLimit);
    }
    if !status.success() {
        let code = status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| format!("code {c}"));
        return Err(fail(format!(
            "it exited with {code}{}",
            quote_stderr(&String::from_utf8_lossy(&err))
        )));
    }
    Ok(out)
}

/// Reads `stdout` to its end into `out`, or until it passes `limit`; says whether it did.
async fn read_up_to_limit(
    stdout: impl AsyncRead + Unpin,
    out: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<bool> {
    stdout.take(limit as u64 + 1).read_to_end(out).await?;
    Ok(out.len() > limit)
}

/// Reads `stderr` to its end, so the child never blocks on it, and keeps its last
/// [`STDERR_TAIL`] bytes.
async fn tail_of(mut stderr: impl AsyncRead + Unpin) -> Vec<u8> {
    let mut tail = Vec::with_capacity(2 * STDERR_TAIL);
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = stderr.read(&mut chunk).await {
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > STDERR_TAIL {
            tail.drain(..tail.len() - STDERR_TAIL);
        }
    }
    tail
}

/// `: <the last lines of stderr>`, bounded by [`STDERR_QUOTE_LIMIT`], or nothing.
fn quote_stderr(stderr: &str) -> String {
    let trimmed = stderr.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    if trimmed.len() <= STDERR_QUOTE_LIMIT {
        return format!(": {trimmed}");
    }
    let mut start = trimmed.len() - STDERR_QUOTE_LIMIT;
    while !trimmed.is_char_boundary(start) {
        start += 1;
    }
    format!(": …{}", &trimmed[start..])
}

/// Parses what a `credential_process` printed. The message never quotes the output,
/// which holds secrets.
pub fn parse_output(bytes: &[u8]) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "its output is not JSON (line {} column {})",
            e.line(),
            e.column()
        )
    })?;
    let serde_json::Value::Object(fields) = value else {
        return Err("its output is not a JSON object".into());
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let text = |name: &'static str| -> Result<Option<&str>, String> {
        match field(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("its output's {name} is not a string")),
        }
    };
    match field("Version") {
        Some(v) if v.as_i64() == Some(1) => {}
        Some(_) => return Err("its output's Version is not 1".into()),
        None => return Err("its output has no Version (expected 1)".into()),
    }
    let access_key_id = text("AccessKeyId")?
        .filter(|s| !s.is_empty())
        .ok_or("its output has no AccessKeyId")?;
    let secret = text("SecretAccessKey")?
        .filter(|s| !s.is_empty())
        .ok_or("its output has no SecretAccessKey")?;
    let expiration = text("Expiration")?
        .map(|e| {
            crate::credentials::parse_expiration(e)
                .ok_or_else(|| "its output's Expiration is not an RFC 3339 time".to_string())
        })
        .transpose()?;
    Ok(Credentials {
        access_key_id: access_key_id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: text("SessionToken")?
            .filter(|s| !s.is_empty())
            .map(Secret::new),
        expiration,
    })
}

#[cfg(test)]
mod tests;
