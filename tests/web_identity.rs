//! Web identity (AssumeRoleWithWebIdentity) through the CLI as a user runs it: a profile's
//! `web_identity_token_file`, the environment's `AWS_WEB_IDENTITY_TOKEN_FILE`, roles
//! chained on it, errors that name the file, and a token re-read at every refresh (EKS
//! rotates it). moto_server is STS; a scripted stand-in records the tokens sent.

mod common;

use common::sts_standin::{form_value, StsStandIn};
use common::{failed, ok, venv_bin, Env, Moto};
use std::path::PathBuf;

const CONFIG: &str = "\
[profile ci]
role_arn = arn:aws:iam::123456789012:role/CI
web_identity_token_file = TOKEN_FILE
role_session_name = ci-session
region = us-east-1

[profile deploy]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = ci

[profile pod]
region = us-east-2
";

/// An environment whose config names `token` (written to a file in it) as `ci`'s token.
fn env_with_token(config: &str, sts: &str, token: &str) -> (Env, PathBuf) {
    let mut env = Env::new("", "");
    let token_file = env.dir.path().join("token");
    let config = config.replace("TOKEN_FILE", &token_file.display().to_string());
    std::fs::write(env.home().join(".aws/config"), config).unwrap();
    std::fs::write(&token_file, token).unwrap();
    env.set("AWS_ENDPOINT_URL_STS", sts)
        .set("AWS_EC2_METADATA_DISABLED", "true");
    (env, token_file)
}

/// The `WebIdentityToken` of every AssumeRoleWithWebIdentity the stand-in was sent since
/// the last call.
fn tokens_sent(standin: &StsStandIn) -> Vec<String> {
    standin
        .bodies()
        .iter()
        .filter(|b| form_value(b, "Action").as_deref() == Some("AssumeRoleWithWebIdentity"))
        .filter_map(|b| form_value(b, "WebIdentityToken"))
        .collect()
}

#[test]
fn a_web_identity_profile_works_with_the_aws_cli() {
    let moto = Moto::start();
    let (env, _) = env_with_token(CONFIG, &moto.url, "eyJ.header.sig\n");
    assert_eq!(
        env.caller_arn("ci", &[]),
        "arn:aws:sts::123456789012:assumed-role/CI/ci-session"
    );
    let sessions = ok(&env.rolecall(&["sessions"]));
    assert!(
        sessions.contains("assume-role-with-web-identity"),
        "{sessions}"
    );
}

#[test]
fn roles_chain_on_web_identity() {
    let moto = Moto::start();
    let (env, _) = env_with_token(CONFIG, &moto.url, "eyJ.header.sig");
    assert_eq!(
        env.caller_arn("deploy", &[]),
        "arn:aws:sts::210987654321:assumed-role/Deploy/tester"
    );
}

#[test]
fn the_environment_s_web_identity_serves_a_profile_without_credentials() {
    let moto = Moto::start();
    let (mut env, token_file) = env_with_token(CONFIG, &moto.url, "eyJ.header.sig");
    env.set(
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        &token_file.display().to_string(),
    )
    .set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/FromEnv")
    .set("AWS_ROLE_SESSION_NAME", "env-session");
    assert_eq!(
        env.caller_arn("pod", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEnv/env-session"
    );
    // A profile's own web identity wins over the environment's, as in aws-config.
    assert_eq!(
        env.caller_arn("ci", &[]),
        "arn:aws:sts::123456789012:assumed-role/CI/ci-session"
    );
}

#[test]
fn a_profile_without_credentials_and_no_web_identity_in_the_environment_says_so() {
    let (env, _) = env_with_token(CONFIG, "http://127.0.0.1:9", "tok");
    let err = failed(&env.rolecall(&["export", "pod"]));
    assert!(
        err.contains("'pod' has no credentials")
            && err.contains("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"),
        "{err}"
    );
}

#[test]
fn a_missing_or_empty_token_file_is_named() {
    let (env, token_file) = env_with_token(CONFIG, "http://127.0.0.1:9", "");
    let err = failed(&env.rolecall(&["export", "deploy"]));
    assert!(
        err.contains(&format!(
            "web identity token file {} (web_identity_token_file of 'ci') is empty",
            token_file.display()
        )),
        "{err}"
    );
    std::fs::remove_file(&token_file).unwrap();
    let err = failed(&env.rolecall(&["export", "ci"]));
    assert!(
        err.contains(&format!(
            "{} (web_identity_token_file of 'ci') does not exist",
            token_file.display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("rolecall:").count(), 1, "{err}");
}

#[test]
fn a_refusal_names_the_role_and_the_file_and_never_the_token() {
    use common::sts_standin::Answer;
    let standin = StsStandIn::start(&[Answer::Error(400, "access_denied")]);
    let (env, token_file) = env_with_token(CONFIG, &standin.url, "secret-jwt-value");
    let err = failed(&env.rolecall(&["export", "ci"]));
    assert!(
        err.contains(&format!(
            "AssumeRoleWithWebIdentity of arn:aws:iam::123456789012:role/CI with the token in {}",
            token_file.display()
        )),
        "{err}"
    );
    assert!(!err.contains("secret-jwt-value"), "{err}");
}

#[test]
fn the_token_is_read_again_at_every_refresh_and_keys_no_session() {
    let standin = StsStandIn::start(&[]);
    let (env, token_file) = env_with_token(CONFIG, &standin.url, "token-1");
    ok(&env.rolecall(&["export", "ci", "--format", "json"]));
    assert_eq!(tokens_sent(&standin), ["token-1"]);
    // The token rotates: the cached session is still the profile's (same fingerprint).
    std::fs::write(&token_file, "token-2").unwrap();
    ok(&env.rolecall(&["export", "ci", "--format", "json"]));
    assert_eq!(tokens_sent(&standin), Vec::<String>::new());
    // A refresh (the TUI's `r`, the endpoint's) reads the new token.
    ok(&env.rolecall(&["export", "ci", "--format", "json", "--refresh"]));
    assert_eq!(tokens_sent(&standin), ["token-2"]);
    // A new session name is a new definition: the cached session is not reused.
    let config = std::fs::read_to_string(env.home().join(".aws/config")).unwrap();
    std::fs::write(
        env.home().join(".aws/config"),
        config.replace("ci-session", "other-session"),
    )
    .unwrap();
    ok(&env.rolecall(&["export", "ci", "--format", "json"]));
    let bodies = standin.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(
        form_value(&bodies[0], "RoleSessionName").as_deref(),
        Some("other-session")
    );
}

#[test]
fn exec_server_reads_the_rotated_token_when_it_refreshes() {
    // The role on top lasts 301 s: one second after it is issued it is inside the
    // endpoint's five-minute window, and the next fetch walks the chain again.
    let standin = StsStandIn::start(&[]);
    let config = CONFIG.replace(
        "source_profile = ci\n",
        "source_profile = ci\nduration_seconds = 301\n",
    );
    let (mut env, token_file) = env_with_token(&config, &standin.url, "token-1");
    env.set("AWS_DEFAULT_REGION", "us-east-1");
    // The child rotates the token, then waits for the endpoint to serve new keys.
    let watch = format!(
        "import botocore.session, sys, time\n\
        creds = botocore.session.get_session().get_credentials()\n\
        first = creds.get_frozen_credentials().access_key\n\
        open({file:?}, 'w').write('token-2')\n\
        deadline = time.time() + 30\n\
        while time.time() < deadline:\n\
        \x20   now = creds.get_frozen_credentials().access_key\n\
        \x20   if now != first:\n\
        \x20       print('REFRESHED'); sys.exit(0)\n\
        \x20   time.sleep(0.2)\n\
        print('NOT REFRESHED'); sys.exit(1)\n",
        file = token_file.display().to_string()
    );
    let out = env.rolecall(&[
        "exec",
        "--server",
        "deploy",
        "--",
        venv_bin("python").to_str().unwrap(),
        "-c",
        &watch,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = tokens_sent(&standin);
    assert_eq!(
        sent.first().map(String::as_str),
        Some("token-1"),
        "{sent:?}"
    );
    assert_eq!(sent.last().map(String::as_str), Some("token-2"), "{sent:?}");
}

#[test]
fn the_web_identity_call_is_unsigned_and_the_role_on_it_signed() {
    let standin = StsStandIn::start(&[]);
    let (env, _) = env_with_token(CONFIG, &standin.url, "token-1");
    ok(&env.rolecall(&["export", "deploy", "--format", "json"]));
    let signed: Vec<(String, bool)> = standin
        .requests()
        .iter()
        .map(|r| {
            (
                form_value(&r.body, "Action").unwrap_or_default(),
                r.header("authorization").is_some(),
            )
        })
        .collect();
    assert_eq!(
        signed,
        [
            ("AssumeRoleWithWebIdentity".to_string(), false),
            ("AssumeRole".to_string(), true)
        ]
    );
}

#[test]
fn the_tui_s_refresh_reads_the_rotated_token() {
    use common::sts_standin::Answer;
    use common::tmux::Tmux;
    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(15);
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    // The refresh is refused, so the screen tells it from the first assume.
    let standin = StsStandIn::start(&[Answer::Ok, Answer::Error(403, "access_denied")]);
    let (env, token_file) = env_with_token(CONFIG, &standin.url, "token-1");
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let t = Tmux::start("webid", 160, 40, env.dir.path(), &vars);
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for("Profiles 3/3", WAIT);
    t.send_text("ci");
    t.wait_for("Profiles 1/3", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for("assumed ci", WAIT);
    std::fs::write(&token_file, "token-2").unwrap();
    // The new session is selected in the sessions panel: `r` refreshes it.
    t.send_text("r");
    t.wait_for("AccessDenied", WAIT);
    t.send_text("q");
    assert_eq!(tokens_sent(&standin), ["token-1", "token-2"]);
}

#[test]
fn with_no_config_file_the_environment_s_web_identity_is_default() {
    let moto = Moto::start();
    let mut env = Env::new("", "");
    assert!(!ok(&env.rolecall(&["list"])).contains("default"));
    let token_file = env.dir.path().join("token");
    std::fs::write(&token_file, "eyJ.header.sig").unwrap();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set(
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &token_file.display().to_string(),
        )
        .set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod")
        .set("AWS_DEFAULT_REGION", "us-east-1");
    std::fs::remove_file(env.home().join(".aws/config")).unwrap();
    assert!(ok(&env.rolecall(&["list"])).contains("default"));
    let arn = env.caller_arn("default", &[]);
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/Pod/web-identity-token-"),
        "{arn}"
    );
}
