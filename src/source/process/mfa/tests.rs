use super::*;
use crate::testing::children::{assert_all_end, poll, read_pids, within_a_minute, write_pids};

/// A device whose command is `command`, set by profile 'prod'.
fn device(command: &str) -> MfaProcess {
    MfaProcess {
        command: command.to_string(),
        profile: "prod".into(),
    }
}

async fn run(command: &str) -> Result<MfaCode, MfaProcessError> {
    within_a_minute(mfa_code(&device(command), ChildTerminal::None)).await
}

#[test]
fn a_code_is_six_digits_with_whitespace_around_them() {
    for good in [&b"123456"[..], b"123456\n", b"  012345\r\n", b"\t999999 "] {
        let code = parse_code(good).expect("a code");
        assert_eq!(code.as_str().len(), 6);
    }
    for bad in [
        &b""[..],
        b"\n",
        b"12345",
        b"1234567",
        b"12 3456",
        b"12345a",
        b"123456\n654321\n",
        b"Touch your YubiKey...\n123456",
        b"\xff\xfe123456",
        "١٢٣٤٥٦".as_bytes(),
    ] {
        assert!(parse_code(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn messages_and_debug_name_the_program_only() {
    let d = device("/usr/local/bin/ykman oath accounts code --single alice@corp");
    assert_eq!(d.program(), "ykman");
    assert_eq!(
        d.waiting(),
        "waiting for ykman (mfa_process of 'prod'): touch your security key if it blinks"
    );
    let debug = format!("{d:?}");
    assert!(
        debug.contains("ykman") && !debug.contains("alice"),
        "{debug}"
    );
}

#[tokio::test]
async fn the_code_printed_is_the_code() {
    let code = run("echo 'device ready' >&2; printf ' 246810\\n'")
        .await
        .unwrap();
    assert_eq!(code.as_str(), "246810");
}

#[tokio::test]
async fn garbage_is_refused_without_quoting_it() {
    let err = run("echo 'SECRETSECRET 123456' --user=alice")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "mfa_process of 'prod' (echo) printed something that is not a six-digit code"
    );
    let err = run("printf 12345").await.unwrap_err().to_string();
    assert!(err.ends_with("not a six-digit code"), "{err}");
}

#[tokio::test]
async fn a_failure_names_the_program_and_quotes_its_stderr_not_its_arguments() {
    let err = run("sh -c 'echo no key found >&2; exit 2' --user=alice")
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "mfa_process of 'prod' (sh) exited with code 2: no key found"
    );
    let err = run("/nonexistent/ykman --user=alice")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("mfa_process of 'prod' (ykman) exited with code 127"),
        "{err}"
    );
    assert!(!err.contains("alice"), "{err}");
}

#[tokio::test]
async fn a_huge_output_is_cut_off_and_everything_is_ended() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let command = format!("{}; yes 123456", write_pids(&pids, "sleep 600"));
    let err = run(&command).await.unwrap_err().to_string();
    assert_eq!(
        err,
        "mfa_process of 'prod' (sleep) printed more than 1024 bytes, far more than a code, \
         and was stopped (with everything it started)"
    );
    assert_all_end(&read_pids(&pids).expect("the pids were written")).await;
}

#[tokio::test]
async fn dropping_the_wait_kills_the_command_and_what_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let command = format!("trap '' TERM INT; {}; wait", write_pids(&pids, "sleep 600"));
    let waiting = tokio::spawn(async move { run(&command).await });
    let started = poll(|| read_pids(&pids))
        .await
        .expect("the command never wrote its pids");
    waiting.abort();
    let _ = waiting.await;
    assert_all_end(&started).await;
}

#[tokio::test]
async fn past_its_deadline_the_command_is_stopped() {
    // A device nobody touches: `sleep` never prints. The deadline is zero, so the test
    // waits for nothing; the kill is the drop's, proven above.
    let err = mfa_code_within(&device("sleep 600"), ChildTerminal::None, Duration::ZERO)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "mfa_process of 'prod' (sleep) printed no code within 0 seconds and was stopped"
    );
}
