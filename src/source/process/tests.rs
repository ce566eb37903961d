use super::*;
use crate::testing::children::{assert_all_end, poll, read_pids, within_a_minute, write_pids};

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
fn program_names_skip_assignments_and_env_or_exec() {
    // The value of an assignment is often a secret: it is never taken for the program.
    assert_eq!(program_name("PW=hunter2 ykman oath code x"), "ykman");
    assert_eq!(program_name("A=1 'B=two words' /usr/bin/ykman"), "ykman");
    assert_eq!(program_name("env PW=hunter2 ykman"), "ykman");
    assert_eq!(
        program_name("/usr/bin/env -i -u HOME PW=x vault-creds"),
        "vault-creds"
    );
    assert_eq!(program_name("exec PW=x op read y"), "op");
    assert_eq!(program_name("exec -a name env T=1 creds --x"), "creds");
    // A line that is more than a simple command: still no assignment named.
    assert_eq!(program_name("PW=$(pass x) ykman | head -1"), "sh");
    assert_eq!(program_name("PW=x"), "sh");
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
