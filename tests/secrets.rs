//! No secret in any output: distinctive secrets are planted (static keys, a session token,
//! an MFA code, a `credential_process` argument and its output) and every output path that
//! is not meant to carry them is searched: stdout and stderr of `list`, `check`, `sessions`
//! and of every failure, stderr of the commands that do hand out credentials, and the
//! `Debug` output of the public types that hold them. (The TUI's screens are searched by
//! `tui::view::tests`.)

mod common;

use common::{ok, Env, Moto};
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::session::{ListedSession, Session, SessionKind};
use rolecall::sts::MfaCode;
use std::process::Output;

const KEY_ID: &str = "AKIAPLANTED00EXAMPLE";
const SECRET_KEY: &str = "PLANTEDsecretACCESSkey0000000000000000001";
const CODE: &str = "482915";
const ARG_TOKEN: &str = "PLANTEDargTOKEN7";
const PROC_SECRET: &str = "PLANTEDprocSECRET8";
const PROC_TOKEN: &str = "PLANTEDprocTOKEN9";

fn config() -> String {
    format!(
        "[profile base]\nregion = us-east-1\n\n\
         [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/Admin\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/tester\n\n\
         [profile proc]\ncredential_process = sh -c 'printf \"%s\" \"$0\"' \
         '{{\"Version\":1,\"AccessKeyId\":\"ASIAPROC\",\"SecretAccessKey\":\"{PROC_SECRET}\",\"SessionToken\":\"{PROC_TOKEN}\",\"Expiration\":\"2099-01-01T00:00:00Z\"}}' --token={ARG_TOKEN}\n\n\
         [profile on-proc]\nrole_arn = arn:aws:iam::222222222222:role/OnProc\nsource_profile = proc\n\n\
         [profile bad-proc]\ncredential_process = sh -c 'echo failing >&2; exit 3' --token={ARG_TOKEN}\n"
    )
}

fn credentials() -> String {
    format!("[base]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET_KEY}\n")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_clean(what: &str, output: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !output.contains(secret),
            "{what} shows a secret ({secret}):\n{output}"
        );
    }
}

#[test]
fn no_output_path_shows_a_planted_secret() {
    let moto = Moto::start();
    let mut env = Env::new(&config(), &credentials());
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);

    // Commands that hand out credentials: their stdout carries them on purpose, their
    // stderr never.
    let admin = env.rolecall(&["export", "admin", "--format", "json", "--mfa-code", CODE]);
    let (admin_json, admin_err) = text(&admin);
    ok(&admin);
    let exported: serde_json::Value = serde_json::from_str(&admin_json).unwrap();
    let session_token = exported["SessionToken"].as_str().unwrap().to_string();
    let session_secret = exported["SecretAccessKey"].as_str().unwrap().to_string();
    let on_proc = env.rolecall(&["export", "on-proc"]);
    ok(&on_proc);
    let exec = env.rolecall(&["exec", "admin", "--", "true"]);
    ok(&exec);
    let env_file = env.rolecall(&["env-file", "admin"]);
    ok(&env_file);

    let secrets = [
        KEY_ID,
        SECRET_KEY,
        CODE,
        ARG_TOKEN,
        PROC_SECRET,
        PROC_TOKEN,
        &session_token,
        &session_secret,
    ];
    for (name, out) in [
        ("export admin (stderr)", &admin),
        ("export on-proc (stderr)", &on_proc),
        ("exec (stderr)", &exec),
        ("env-file (stderr)", &env_file),
    ] {
        assert_clean(name, &text(out).1, &secrets);
    }
    assert_clean("export admin (stderr)", &admin_err, &secrets);

    // Commands that never hand out credentials: neither stream.
    let failures = [
        ("export bad-proc", env.rolecall(&["export", "bad-proc"])),
        (
            "export admin, malformed code",
            env.rolecall(&["export", "admin", "--refresh", "--mfa-code", "48291x"]),
        ),
    ];
    for (name, out) in &failures {
        assert!(!out.status.success(), "{name} succeeded");
        let (stdout, stderr) = text(out);
        assert_clean(name, &format!("{stdout}{stderr}"), &secrets);
    }
    // The failing process is named by its program, and what it said is quoted.
    let (_, stderr) = text(&failures[0].1);
    assert!(
        stderr.contains("credential_process `sh` failed") && stderr.contains("failing"),
        "{stderr}"
    );
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        &["check"],
        &["sessions"],
        &["sessions", "--format", "json"],
    ] {
        let out = env.rolecall(args);
        let (stdout, stderr) = text(&out);
        assert_clean(&format!("{args:?}"), &format!("{stdout}{stderr}"), &secrets);
    }
    let sessions = ok(&env.rolecall(&["sessions"]));
    assert!(sessions.contains("custom-process (sh)"), "{sessions}");
}

#[test]
fn debug_output_of_every_type_holding_a_secret_is_masked() {
    let credentials = Credentials {
        access_key_id: KEY_ID.into(),
        secret_access_key: Secret::new(SECRET_KEY),
        session_token: Some(Secret::new(PROC_TOKEN)),
        expiration: None,
    };
    let session = Session {
        profile: "p".into(),
        kind: SessionKind::Profile,
        credentials: credentials.clone(),
        source: "test".into(),
        region: None,
        region_from_instance: false,
        obtained: chrono::Utc::now(),
        fingerprint: "f".into(),
        mfa_serial: None,
    };
    let listed = ListedSession {
        session: session.clone(),
        stale: false,
    };
    let code = MfaCode::parse(CODE).unwrap();
    let assumed = rolecall::tui::Assumed {
        session: Box::new(session.clone()),
        warnings: vec![],
    };
    let cmd = rolecall::tui::Cmd::Assume {
        profile: "p".into(),
        mfa_code: Some(code.clone()),
        refresh: true,
    };
    let shown = format!(
        "{credentials:?} {session:?} {listed:?} {code:?} {assumed:?} {cmd:?} {:?}",
        Secret::new(SECRET_KEY)
    );
    assert_clean("Debug", &shown, &[KEY_ID, SECRET_KEY, PROC_TOKEN, CODE]);
}
