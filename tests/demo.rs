//! The demo from the command line, against its emulators started the way
//! `assets/demo/run.sh` starts them (`assets/demo/emulators.sh`): the IAM Identity Center
//! sign-in (device code and authorization code), discovery, role credentials and the
//! console, all on 127.0.0.1; and with the emulators down, errors that say to start them.

mod common;

use common::demo::DemoEmulators;
use common::sso_standin::{follow_in_browser, http_get, Behaviour, SsoStandin};
use common::{failed, ok, Env, RecordingBrowser};
use serde_json::Value;
use std::process::Stdio;

/// What every error says when the demo's emulators do not answer.
const START_THEM: &str =
    "the demo's emulators are not running: start them with `bash assets/demo/run.sh`";

/// An isolated environment pointed at `emulators`, as run.sh exports their variables.
fn demo_env(emulators: &DemoEmulators) -> Env {
    let mut env = Env::new("", "");
    for (name, value) in &emulators.vars {
        env.set(name, value);
    }
    env
}

/// Signs the demo in with a device code (approved by the stand-in on its own).
fn sign_in(env: &Env) -> String {
    let out = env.rolecall(&["--demo", "sso", "login", "--use-device-code"]);
    ok(&out);
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_device_code_sign_in_discovers_the_roles_and_gives_demo_sso_its_credentials() {
    let emulators = DemoEmulators::start();
    let env = demo_env(&emulators);
    let before = failed(&env.rolecall(&["--demo", "export", "demo-sso"]));
    assert!(
        before.contains("run `rolecall --demo sso login --sso-session demo-sso`"),
        "{before}"
    );

    let said = sign_in(&env);
    assert!(
        said.contains("with a device code (--use-device-code)"),
        "{said}"
    );
    assert!(
        said.contains(&format!("{}/device", emulators.sign_in_url())),
        "{said}"
    );
    assert!(said.contains("signed in (sso-session demo-sso)"), "{said}");
    assert!(said.contains("the demo's own cache"), "{said}");

    let exported: Value = serde_json::from_str(&ok(
        &env.rolecall(&["--demo", "export", "demo-sso", "--format", "json"])
    ))
    .unwrap();
    assert!(exported["AccessKeyId"]
        .as_str()
        .unwrap()
        .starts_with("ASIA"));
    assert!(exported["SessionToken"].as_str().is_some());

    let roles: Value = serde_json::from_str(&ok(
        &env.rolecall(&["--demo", "sso", "roles", "--format", "json"])
    ))
    .unwrap();
    let roles = roles.as_array().unwrap();
    assert_eq!(roles.len(), 5, "{roles:?}");
    let own = roles
        .iter()
        .find(|r| r["account_id"] == "666666666666" && r["role_name"] == "PowerUser")
        .unwrap();
    assert_eq!(own["profile"], "demo-sso");
    assert_eq!(own["account_name"], "demo-sandbox");

    // The sign-in is the demo's: kept in its cache, never in the AWS CLI's.
    assert!(std::fs::read_dir(env.dir.path().join("cache/sso"))
        .unwrap()
        .next()
        .is_some());
    assert!(!env.home().join(".aws/sso").exists());

    let out = env.rolecall(&["--demo", "sso", "logout"]);
    ok(&out);
    let after = failed(&env.rolecall(&["--demo", "export", "demo-sso"]));
    assert!(after.contains("rolecall --demo sso login"), "{after}");
}

#[test]
fn an_authorization_code_sign_in_goes_through_the_browser_and_back_on_loopback() {
    let emulators = DemoEmulators::start();
    let mut env = demo_env(&emulators);
    let browser = RecordingBrowser::new(env.dir.path());
    env.set("BROWSER", &browser.var());
    let login = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(["--demo", "sso", "login"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = browser.url();
    let authorize = format!("{}/authorize?", emulators.sign_in_url());
    assert!(url.starts_with(&authorize), "{url}");
    let visit = follow_in_browser(&url);
    assert_eq!(visit.authorize_status, 302, "{visit:?}");
    assert!(visit
        .location
        .as_deref()
        .is_some_and(|l| l.starts_with("http://127.0.0.1:")));
    assert_eq!(visit.page.as_ref().map(|p| p.0), Some(200), "{visit:?}");
    let out = login.wait_with_output().unwrap();
    ok(&out);
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.contains("with the authorization code and PKCE"),
        "{said}"
    );
    ok(&env.rolecall(&["--demo", "export", "demo-sso"]));
}

#[test]
fn the_console_signs_in_at_the_demos_stand_in_on_loopback() {
    let emulators = DemoEmulators::start();
    let mut env = demo_env(&emulators);
    sign_in(&env);
    let browser = RecordingBrowser::new(env.dir.path());
    env.set("BROWSER", &browser.var());
    let login = format!(
        "{}?Action=login&",
        emulators.var("ROLECALL_FEDERATION_ENDPOINT")
    );
    // An SSO role, a role assumed with the demo's keys (named as STS names it), and the
    // keys themselves (through GetFederationToken).
    for (profile, shown) in [
        ("demo-sso", "PowerUser"),
        (
            "demo-readonly",
            "arn:aws:sts::111111111111:assumed-role/ReadOnly/",
        ),
        ("demo-base", "access key"),
    ] {
        let out = env.rolecall(&["--demo", "console", profile]);
        ok(&out);
        let url = browser.url();
        std::fs::remove_file(env.dir.path().join("opened")).unwrap();
        assert!(url.starts_with(&login), "{profile}: {url}");
        let (status, _, page) = http_get(&url);
        assert_eq!(status, 200, "{profile}: {page}");
        assert!(page.contains("rolecall demo: AWS console"), "{page}");
        assert!(page.contains(shown), "{profile}: {page}");
    }
    let printed = ok(&env.rolecall(&["--demo", "console", "demo-ops", "--print"]));
    assert!(printed.starts_with(&login), "{printed}");
}

#[test]
fn with_the_emulators_down_each_error_says_to_start_them() {
    let mut env = Env::new("", "");
    // Nothing listens on port 9 of 127.0.0.1.
    for var in [
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
    ] {
        env.set(var, "http://127.0.0.1:9");
    }
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/")
        .set(
            "ROLECALL_FEDERATION_ENDPOINT",
            "http://127.0.0.1:9/federation",
        );
    for args in [
        &["--demo", "export", "demo-readonly"][..],
        &["--demo", "export", "demo-instance"],
        &["--demo", "sso", "login", "--use-device-code"],
        &["--demo", "console", "demo-base", "--print"],
    ] {
        let err = failed(&env.rolecall(args));
        assert!(err.contains(START_THEM), "{args:?}: {err}");
        assert_eq!(err.matches(START_THEM).count(), 1, "{err}");
    }
}

#[test]
fn the_demo_refuses_sso_sync_and_aws_login_and_writes_nothing() {
    let env = Env::new("", "");
    let sync = failed(&env.rolecall(&["--demo", "sso", "sync"]));
    assert!(
        sync.contains("`sso sync` has no config file to write to"),
        "{sync}"
    );
    let login = failed(&env.rolecall(&["--demo", "login"]));
    assert!(
        login.contains("the demo has no `aws login` session"),
        "{login}"
    );
    // The demo's files are named `assets/demo/…` in messages: nothing was written there.
    assert!(!env.dir.path().join("assets").exists());
}

#[test]
fn the_demo_opens_no_page_that_is_not_on_this_machine() {
    // A (misdirected) OIDC service on loopback whose device page is elsewhere.
    let standin = SsoStandin::start(Behaviour {
        verification_uri: Some("https://evil.example/device".into()),
        ..Behaviour::default()
    });
    let mut env = Env::new("", "");
    let browser = RecordingBrowser::new(env.dir.path());
    env.set("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url)
        .set("AWS_ENDPOINT_URL_SSO", &standin.url)
        .set("BROWSER", &browser.var());
    let out = env.rolecall(&["--demo", "sso", "login", "--use-device-code"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("the demo opens pages on this machine only"),
        "{said}"
    );
    assert!(!browser.was_opened());
}

#[test]
fn the_device_page_approves_the_code_it_is_opened_with() {
    let emulators = DemoEmulators::start();
    let mut env = demo_env(&emulators);
    let browser = RecordingBrowser::new(env.dir.path());
    env.set("BROWSER", &browser.var());
    let login = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(["--demo", "sso", "login", "--use-device-code"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = browser.url();
    let page = format!("{}/device?user_code=", emulators.sign_in_url());
    assert!(url.starts_with(&page), "{url}");
    let code = &url[page.len()..];
    let (status, _, body) = http_get(&url);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Request approved") && body.contains(code),
        "{body}"
    );
    let out = login.wait_with_output().unwrap();
    ok(&out);
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains(code), "the code is shown: {said}");
}
