//! `credential_process`: run the configured command and read the `Version: 1` JSON it prints.
//!
//! rolecall runs it itself rather than through aws-config's provider for three reasons the
//! provider does not cover: the child is killed when the request is dropped (Esc in the
//! TUI, Ctrl-C), the command line (which often carries a vault path or a token) never
//! reaches an error message — only the program's name does, as aws-config's own log lines
//! redact it — and only a bounded tail of the child's stderr is quoted.
//!
//! The semantics are the AWS CLI's: the command runs through `sh -c`, with the caller's
//! environment, and must exit 0 and print one JSON object with `Version` 1,
//! `AccessKeyId`, `SecretAccessKey`, and optionally `SessionToken` and `Expiration`
//! (RFC 3339); key names are matched without regard to case, as aws-config does.

use super::{BaseCredentials, Origin, SourceError};
use crate::credentials::Credentials;
use crate::secret::Secret;
use std::process::Stdio;
use tokio::io::AsyncReadExt;
use zeroize::Zeroize;

/// At most this much of the child's stderr is quoted in an error (its last lines).
pub const STDERR_QUOTE_LIMIT: usize = 512;

/// At most this much of the child's stdout is read: a credentials object is well under 8 KiB.
const STDOUT_LIMIT: u64 = 1 << 20;

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
/// Dropping the returned future kills the child.
pub async fn credential_process(command: &str) -> Result<BaseCredentials, SourceError> {
    let program = program_name(command).to_string();
    let fail = |message: String| SourceError::Process {
        program: program.clone(),
        message,
    };
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("cannot start it: {e}")))?;
    let mut stdout = child
        .stdout
        .take()
        .expect("stdout is piped")
        .take(STDOUT_LIMIT);
    let mut stderr = child
        .stderr
        .take()
        .expect("stderr is piped")
        .take(STDOUT_LIMIT);
    let mut out = Vec::new();
    let mut err = Vec::new();
    let (read_out, read_err, status) = tokio::join!(
        stdout.read_to_end(&mut out),
        stderr.read_to_end(&mut err),
        child.wait(),
    );
    let status = status.map_err(|e| fail(format!("cannot wait for it: {e}")))?;
    read_out.map_err(|e| fail(format!("cannot read its output: {e}")))?;
    let _ = read_err;
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
        origin: Origin {
            kind: "custom-process",
            location: program,
        },
    })
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
        let ok = credential_process(
            r#"printf '{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s"}'"#,
        )
        .await
        .unwrap();
        assert_eq!(ok.credentials.access_key_id, "AKIAX");
        assert_eq!(ok.origin.location, "printf");
        let err = credential_process("sh -c 'echo nope >&2; exit 3' --token=TOPSECRET")
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
    async fn dropping_the_request_kills_the_child() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let command = format!("echo $$ > {}; exec sleep 600", pid_file.display());
        let running = tokio::spawn(async move { credential_process(&command).await });
        let pid = poll(|| {
            std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|t| t.trim().parse::<i32>().ok())
        })
        .await
        .expect("the child never wrote its pid");
        running.abort();
        let _ = running.await;
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = || unsafe { libc::kill(pid, 0) } != 0;
        let reaped = poll(|| (gone() || zombie(pid)).then_some(())).await;
        assert!(
            reaped.is_some(),
            "credential_process child {pid} still running"
        );
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
