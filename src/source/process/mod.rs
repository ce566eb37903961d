//! `credential_process`: run the configured command and read the `Version: 1` JSON it prints.
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
mod signals;

pub use group::ChildTerminal;

use super::{BaseCredentials, CredentialOrigin, SourceError};
use crate::credentials::Credentials;
use crate::secret::Secret;
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt};
use zeroize::Zeroize;

/// At most this much of the child's stderr is quoted in an error (its last lines).
pub const STDERR_QUOTE_LIMIT: usize = 512;

/// At most this much of the child's stdout is read: a credentials object is well under
/// 8 KiB. A child that prints more is stopped, with everything it started.
pub const STDOUT_LIMIT: usize = 1 << 20;

/// How much of stderr's end is kept while it is drained: enough for
/// [`STDERR_QUOTE_LIMIT`] after trailing blank lines are trimmed.
const STDERR_TAIL: usize = 4 * STDERR_QUOTE_LIMIT;

/// The program a command line runs, for messages: the first word, without its directory.
///
/// `/opt/bin/vault-creds --token s3cr3t` is shown as `vault-creds`.
pub fn program_name(command: &str) -> &str {
    let first = command
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '"' || c == '\'');
    first.rsplit('/').next().unwrap_or(first)
}

/// Runs `command` and returns the credentials it printed.
///
/// The command leads a process group of its own; dropping the returned future kills the
/// whole group, and so does a SIGINT, SIGTERM or SIGHUP that ends rolecall meanwhile.
pub async fn credential_process(
    command: &str,
    terminal: ChildTerminal,
) -> Result<BaseCredentials, SourceError> {
    let program = program_name(command).to_string();
    let fail = |message: String| SourceError::Process {
        program: program.clone(),
        message,
    };
    let mut sh = tokio::process::Command::new("sh");
    sh.arg("-c")
        .arg(command)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let (mut child, mut group) =
        group::spawn(&mut sh, terminal).map_err(|e| fail(format!("cannot start it: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut out = Vec::new();
    let (read_out, err) = tokio::join!(
        async {
            let read = read_up_to_limit(stdout, &mut out).await;
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
        out.zeroize();
        return Err(fail(format!(
            "it printed more than {} MiB, far more than any credentials, and was stopped \
             (with everything it started)",
            STDOUT_LIMIT >> 20
        )));
    }
    if !status.success() {
        out.zeroize();
        let code = status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| format!("code {c}"));
        return Err(fail(format!(
            "it exited with {code}{}",
            quote_stderr(&String::from_utf8_lossy(&err))
        )));
    }
    let parsed = parse_output(&out);
    out.zeroize();
    Ok(BaseCredentials {
        credentials: parsed.map_err(fail)?,
        origin: CredentialOrigin {
            kind: "custom-process",
            location: program,
        },
    })
}

/// Reads `stdout` to its end into `out`, or until it passes [`STDOUT_LIMIT`]; says
/// whether it did.
async fn read_up_to_limit(
    stdout: impl AsyncRead + Unpin,
    out: &mut Vec<u8>,
) -> std::io::Result<bool> {
    stdout
        .take(STDOUT_LIMIT as u64 + 1)
        .read_to_end(out)
        .await?;
    Ok(out.len() > STDOUT_LIMIT)
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
mod tests {
    use super::*;

    #[test]
    fn program_names() {
        assert_eq!(
            program_name("/opt/bin/vault-creds --token s3cr3t"),
            "vault-creds"
        );
        assert_eq!(program_name("  aws-vault export x"), "aws-vault");
        assert_eq!(program_name("'/opt/creds' --x"), "creds");
        assert_eq!(program_name(""), "");
    }

    #[test]
    fn parses_the_documented_shape_case_insensitively() {
        let c = parse_output(
            br#"{"version":1,"accessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2030-01-02T03:04:05Z"}"#,
        )
        .unwrap();
        assert_eq!(c.access_key_id, "ASIAX");
        assert_eq!(c.session_token.unwrap().expose(), "t");
        assert_eq!(
            c.expiration.unwrap().to_rfc3339(),
            "2030-01-02T03:04:05+00:00"
        );
        let long_term =
            parse_output(br#"{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}"#).unwrap();
        assert!(long_term.session_token.is_none() && long_term.expiration.is_none());
    }

    #[test]
    fn bad_output_is_named_without_quoting_it() {
        for (bytes, want) in [
            (&b"SECRETSECRET"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (br#"{"AccessKeyId":"SECRETSECRET"}"#, "no Version"),
            (br#"{"Version":2,"AccessKeyId":"SECRETSECRET"}"#, "Version is not 1"),
            (br#"{"Version":1,"SecretAccessKey":"SECRETSECRET"}"#, "no AccessKeyId"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":7}"#, "not a string"),
            (
                br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"SECRETSECRET","Expiration":"soon"}"#,
                "Expiration",
            ),
        ] {
            let err = parse_output(bytes).unwrap_err();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains("SECRETSECRET"), "{err}");
        }
    }

    #[test]
    fn an_expiration_rfc_3339_cannot_write_is_refused() {
        // Found by fuzzing (fuzz/session_store; the same times reach here): in UTC the years
        // 10000 and -1, which rolecall's own credential-process output would print as
        // `+10000-…` / `-0001-…`.
        for expiration in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+00:01"] {
            let out = format!(
                r#"{{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"{expiration}"}}"#
            );
            let err = parse_output(out.as_bytes()).unwrap_err();
            assert!(err.contains("Expiration is not an RFC 3339 time"), "{err}");
        }
    }

    #[test]
    fn stderr_is_quoted_up_to_the_limit() {
        assert_eq!(quote_stderr(" \n"), "");
        assert_eq!(quote_stderr("denied\n"), ": denied");
        let long = format!("{}tail", "x".repeat(5000));
        let q = quote_stderr(&long);
        assert!(
            q.ends_with("tail") && q.len() <= STDERR_QUOTE_LIMIT + 8,
            "{}",
            q.len()
        );
    }

    #[tokio::test]
    async fn runs_the_command_and_names_only_the_program_on_failure() {
        let ok = run(r#"printf '{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}'"#)
            .await
            .unwrap();
        assert_eq!(ok.credentials.access_key_id, "AKIAX");
        assert_eq!(ok.origin.location, "printf");
        let err = run("sh -c 'echo nope >&2; exit 3' --token=TOPSECRET")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`sh`") && err.contains("code 3") && err.contains("nope"),
            "{err}"
        );
        assert!(!err.contains("TOPSECRET"), "{err}");
    }

    #[tokio::test]
    async fn dropping_the_request_kills_everything_the_command_started() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // `sh` and a grandchild that ignores SIGTERM.
        let command = format!("trap '' TERM; {}; wait", write_pids(&pids, "sleep 600"));
        let running = tokio::spawn(async move { run(&command).await });
        let started = poll(|| read_pids(&pids))
            .await
            .expect("the command never wrote its pids");
        running.abort();
        let _ = running.await;
        assert_all_end(&started).await;
    }

    #[tokio::test]
    async fn a_flood_on_stdout_is_cut_off_at_the_limit_and_everything_is_ended() {
        let err = within_a_minute(run("head -c 10000000 /dev/zero"))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`head`") && err.contains("more than 1 MiB"),
            "{err}"
        );
        // One that never stops, with a grandchild: both are ended.
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        let command = format!("{}; yes SECRETSECRET", write_pids(&pids, "sleep 600"));
        let err = within_a_minute(run(&command))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 1 MiB"), "{err}");
        assert!(
            !err.contains("SECRETSECRET") && !err.contains("600"),
            "{err}"
        );
        assert_all_end(&read_pids(&pids).expect("the pids were written")).await;
    }

    #[tokio::test]
    async fn a_flood_on_stderr_never_blocks_the_child_and_only_its_tail_is_quoted() {
        let ok = within_a_minute(run(
            r#"head -c 10000000 /dev/zero >&2; printf '{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}'"#,
        ))
        .await
        .unwrap();
        assert_eq!(ok.credentials.access_key_id, "AKIAX");
        let err = within_a_minute(run(
            "yes denied | head -c 10000000 >&2; echo last words >&2; exit 4",
        ))
        .await
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("code 4") && err.ends_with("last words"),
            "{err}"
        );
        assert!(err.len() < STDERR_QUOTE_LIMIT + 200, "{}", err.len());
    }

    /// Runs `command` as the TUI and the endpoint do.
    async fn run(command: &str) -> Result<BaseCredentials, SourceError> {
        credential_process(command, ChildTerminal::None).await
    }

    /// A shell snippet that starts `background` and then writes `$$` (the `sh` rolecall
    /// started) and the background job's pid to `file`, atomically.
    fn write_pids(file: &std::path::Path, background: &str) -> String {
        let file = file.display();
        format!("{background} & echo \"$$ $!\" > {file}.tmp; mv {file}.tmp {file}")
    }

    fn read_pids(file: &std::path::Path) -> Option<Vec<i32>> {
        let text = std::fs::read_to_string(file).ok()?;
        text.split_whitespace().map(|p| p.parse().ok()).collect()
    }

    /// Fails unless every process in `pids` ends (or waits to be reaped) within ten seconds.
    async fn assert_all_end(pids: &[i32]) {
        for &pid in pids {
            // SAFETY: kill with signal 0 only checks whether the process exists.
            let gone = || unsafe { libc::kill(pid, 0) } != 0;
            let ended = poll(|| (gone() || zombie(pid)).then_some(())).await;
            assert!(ended.is_some(), "process {pid} is still running");
        }
    }

    /// A hang (the defect these tests catch) as a failure rather than a stuck test run.
    async fn within_a_minute<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(std::time::Duration::from_secs(60), future)
            .await
            .expect("credential_process hung")
    }

    /// Polls `check` until it gives a value, for at most ten seconds.
    async fn poll<T>(check: impl Fn() -> Option<T>) -> Option<T> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(v) = check() {
                return Some(v);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Whether `pid` has exited and waits to be reaped (tokio reaps killed children lazily).
    fn zombie(pid: i32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        })
    }
}
