//! IAM Identity Center sign-in with the authorization code and PKCE, end to end: the real
//! `rolecall sso login` against the stand-in's authorize redirect and `authorization_code`
//! grant (which verify the PKCE verifier and the redirect URI), a test browser following
//! the redirect to rolecall's listener, the AWS CLI using (and refreshing) the token rolecall
//! wrote, the registration cache shared with the CLI's key, hostile callbacks, and the
//! bounded wait on a clock the test drives.

mod common;

use chrono::Utc;
use common::sso_standin::{
    follow_in_browser, http_get, s256, Behaviour, BrowserVisit, SsoStandin, LOOPBACK_REDIRECT_URI,
    SECRET_MARKERS,
};
use common::{failed, ok, Env, RecordingBrowser};
use rolecall::clock::{Clock, ManualClock};
use rolecall::sso::{SignInFlow, Sso, SsoError, SsoOptions, SsoSessionConfig};
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

const START_URL: &str = "https://corp.awsapps.com/start";

const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, codewhisperer:completions

[profile dev]
sso_session = corp
sso_account_id = 000000000001
sso_role_name = Dev
region = eu-west-1

[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 000000000002
sso_role_name = ReadOnly
region = us-east-1
";

const SCOPES: [&str; 2] = ["sso:account:access", "codewhisperer:completions"];

fn standin() -> SsoStandin {
    SsoStandin::start(Behaviour::default().with_accounts(3, &["Dev", "ReadOnly"]))
}

/// An isolated environment on the stand-in, with a browser that records what it is asked
/// to open (`BROWSER` set: the authorization code is the flow, whatever the machine).
fn env_for(standin: &SsoStandin) -> (Env, RecordingBrowser) {
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_SSO", &standin.url)
        .set("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url);
    let browser = RecordingBrowser::new(env.dir.path());
    env.set("BROWSER", &browser.var());
    (env, browser)
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    env.command(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn sha1_hex(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

fn cache_dir(env: &Env) -> PathBuf {
    env.home().join(".aws/sso/cache")
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The decoded query of `url`.
fn query(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap();
            (k.to_string(), v.into_owned())
        })
        .collect()
}

/// The registration cache key as the AWS CLI computes it, by Python's own `json.dumps`.
fn cli_registration_key(session: &str, scopes: &[&str]) -> String {
    let script = format!(
        "import hashlib, json; print(hashlib.sha1(json.dumps({{'tool': 'botocore', 'startUrl': {START_URL:?}, 'region': 'eu-west-1', 'scopes': {scopes:?}, 'session_name': {session:?}}}, sort_keys=True).encode('utf-8')).hexdigest())"
    );
    let out = std::process::Command::new(common::venv_bin("python"))
        .args(["-c", &script])
        .output()
        .unwrap();
    ok(&out).trim().to_string()
}

fn assert_no_secrets(outputs: &[&Output], also: &[&str]) {
    for out in outputs {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            for marker in SECRET_MARKERS.iter().chain(also) {
                assert!(!text.contains(marker), "{marker} leaked:\n{text}");
            }
        }
    }
}

/// Signs in through the test browser (a fresh one each time, so its URL is this
/// sign-in's); the authorize URL, what the browser saw and rolecall's output.
fn sign_in(env: &Env) -> (String, BrowserVisit, Output) {
    let dir = tempfile::tempdir_in(env.dir.path()).unwrap();
    let browser = RecordingBrowser::new(dir.path());
    let child = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(["sso", "login", "--sso-session", "corp"])
        .env("BROWSER", browser.var())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = browser.url();
    let visit = follow_in_browser(&url);
    let out = child.wait_with_output().unwrap();
    (url, visit, out)
}

#[test]
fn login_signs_in_through_the_browser_with_pkce_and_writes_the_cli_token_cache() {
    let standin = standin();
    let (env, _) = env_for(&standin);
    let (url, visit, out) = sign_in(&env);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for said in [
        "signing in to IAM Identity Center (sso-session corp) with the authorization code and PKCE (BROWSER is set",
        "opened the page with",
        "waiting for the browser to come back to http://127.0.0.1:",
        "--use-device-code` signs in on any device",
        "rolecall: signed in (sso-session corp)",
    ] {
        assert!(stderr.contains(said), "{said} missing:\n{stderr}");
    }
    assert!(stderr.contains(&url), "the URL is shown too:\n{stderr}");

    // The authorize URL: the AWS CLI's parameters.
    assert!(
        url.starts_with(&format!("{}/authorize?", standin.url)),
        "{url}"
    );
    let q = query(&url);
    let register = standin.requests_to("/client/register");
    assert_eq!(register.len(), 1);
    let register = register[0].json();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["scopes"], SCOPES.join(" "));
    assert_eq!(q["state"].len(), 32);
    assert_eq!(q["code_challenge"].len(), 43);
    let redirect = &q["redirect_uri"];
    let port: u16 = redirect
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix("/oauth/callback"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(port > 0);
    // RegisterClient: both grants, the loopback redirect without a port, the issuer.
    assert_eq!(register["clientType"], "public");
    assert_eq!(
        register["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        register["redirectUris"],
        serde_json::json!([LOOPBACK_REDIRECT_URI])
    );
    assert_eq!(register["issuerUrl"], START_URL);
    assert_eq!(register["scopes"], serde_json::json!(SCOPES));

    // The browser was redirected to rolecall's listener and shown a fixed page.
    assert_eq!(visit.authorize_status, 302);
    let location = visit.location.unwrap();
    assert!(
        location.starts_with(&format!("{redirect}?code=SSO-AUTH-CODE-")),
        "{location}"
    );
    let (status, page) = visit.page.unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Signed in. You can close this tab"), "{page}");
    assert!(
        !page.contains("SSO-AUTH-CODE") && !page.contains(&q["state"]),
        "{page}"
    );

    // CreateToken: the code, the verifier whose S256 is the challenge, the same redirect.
    let token_calls = standin.requests_to("/token");
    assert_eq!(token_calls.len(), 1);
    let create = token_calls[0].json();
    assert_eq!(create["grantType"], "authorization_code");
    assert_eq!(create["redirectUri"], redirect.as_str());
    let verifier = create["codeVerifier"].as_str().unwrap().to_string();
    assert_eq!(verifier.len(), 64);
    assert_eq!(s256(&verifier), q["code_challenge"]);
    assert!(location.contains(create["code"].as_str().unwrap()));

    // The token cache the AWS CLI reads, and the registration under the CLI's key.
    let token = read_json(&cache_dir(&env).join(format!("{}.json", sha1_hex("corp"))));
    assert_eq!(token["startUrl"], START_URL);
    assert_eq!(token["clientId"], register_client_id(&standin));
    assert!(standin.token_is_valid(token["accessToken"].as_str().unwrap()));
    assert!(token["refreshToken"]
        .as_str()
        .unwrap()
        .starts_with("SSO-REFRESH-TOKEN-"));
    let key = cli_registration_key("corp", &SCOPES);
    let registration = read_json(&cache_dir(&env).join(format!("{key}.json")));
    assert_eq!(registration["clientId"], token["clientId"]);
    assert_eq!(
        registration["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(registration["scopes"], serde_json::json!(SCOPES));
    assert_no_secrets(&[&out], &[&verifier]);

    // A second sign-in reuses the registration, with a new verifier and state.
    let (again_url, _, again) = sign_in(&env);
    ok(&again);
    assert_eq!(standin.requests_to("/client/register").len(), 1);
    let again_q = query(&again_url);
    assert_ne!(again_q["state"], q["state"]);
    assert_ne!(again_q["code_challenge"], q["code_challenge"]);
    assert_no_secrets(&[&again], &[&verifier]);
}

fn register_client_id(standin: &SsoStandin) -> String {
    let token = standin.requests_to("/token").remove(0).json();
    token["clientId"].as_str().unwrap().to_string()
}

#[test]
fn the_aws_cli_uses_and_refreshes_the_token_of_a_pkce_sign_in_and_rolecall_reads_it_back() {
    let moto = common::Moto::start();
    let standin = standin();
    // A token with 10 minutes left: the AWS CLI refreshes one within 15.
    standin.behaviour(|b| b.token_expires_in = 600);
    let (mut env, _) = env_for(&standin);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let (_, _, login) = sign_in(&env);
    ok(&login);
    standin.behaviour(|b| b.token_expires_in = 8 * 3600);
    let token_path = cache_dir(&env).join(format!("{}.json", sha1_hex("corp")));
    let ours = read_json(&token_path);

    let identity = env.aws_identity("dev");
    assert!(identity["Arn"].as_str().is_some(), "{identity}");
    // The CLI refreshed with the PKCE registration and rolecall's refresh token…
    let refreshes: Vec<_> = standin
        .requests_to("/token")
        .into_iter()
        .map(|r| r.json())
        .filter(|r| r["grantType"] == "refresh_token")
        .collect();
    assert_eq!(refreshes.len(), 1, "{refreshes:?}");
    assert_eq!(refreshes[0]["clientId"], ours["clientId"]);
    assert_eq!(refreshes[0]["refreshToken"], ours["refreshToken"]);
    // …called GetRoleCredentials with the new token, and signed in nowhere.
    let theirs = read_json(&token_path);
    assert_ne!(theirs["accessToken"], ours["accessToken"]);
    let calls = standin.requests_to("/federation/credentials");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].header("x-amz-sso_bearer_token"),
        theirs["accessToken"].as_str()
    );
    assert_eq!(standin.requests_to("/authorize").len(), 1);

    // rolecall takes the token the CLI wrote back: no new sign-in.
    let roles = env.rolecall(&["sso", "roles", "--sso-session", "corp", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&ok(&roles)).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 6);
    assert_eq!(standin.requests_to("/authorize").len(), 1);
    assert_eq!(standin.requests_to("/client/register").len(), 1);
    assert_no_secrets(&[&login, &roles], &[]);
}

#[test]
fn a_switch_of_flow_registers_afresh_under_the_one_key_the_cli_computes() {
    let standin = standin();
    let (env, _) = env_for(&standin);
    let key = cli_registration_key("corp", &SCOPES);
    let registration = cache_dir(&env).join(format!("{key}.json"));
    let device = |env: &Env| {
        let out = env.rolecall(&[
            "sso",
            "login",
            "--sso-session",
            "corp",
            "--no-browser",
            "--use-device-code",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            stderr.contains("with a device code (--use-device-code)"),
            "{stderr}"
        );
        ok(&out);
    };
    let registers = || standin.requests_to("/client/register");

    device(&env);
    assert_eq!(registers().len(), 1);
    assert!(registers()[0].json().get("grantTypes").is_none());
    assert!(read_json(&registration).get("grantTypes").is_none());
    // The authorization code does not reuse a device-code registration…
    ok(&sign_in(&env).2);
    assert_eq!(registers().len(), 2);
    assert_eq!(
        read_json(&registration)["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    ok(&sign_in(&env).2);
    assert_eq!(registers().len(), 2);
    // …nor the device code an authorization-code one.
    device(&env);
    assert_eq!(registers().len(), 3);
    assert!(read_json(&registration).get("grantTypes").is_none());
    // Each registration asked for the configured scopes.
    for r in registers() {
        assert_eq!(r.json()["scopes"], serde_json::json!(SCOPES));
    }
    let files = std::fs::read_dir(cache_dir(&env)).unwrap().count();
    assert_eq!(files, 2, "one token and one registration file");
}

#[test]
fn the_stand_in_refuses_a_wrong_verifier_or_redirect_and_rolecall_s_own_goes_through() {
    let standin = standin();
    let (env, browser) = env_for(&standin);
    let child = spawn(&env, &["sso", "login", "--sso-session", "corp"]);
    let url = browser.url();
    // Intercept the redirect instead of following it.
    let (status, head, _) = http_get(&url);
    assert_eq!(status, 302);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .unwrap()
        .trim()
        .to_string();
    let q = query(&url);
    let code = query(&location)["code"].clone();
    let key = cli_registration_key("corp", &SCOPES);
    let registration = read_json(&cache_dir(&env).join(format!("{key}.json")));
    let steal = |verifier: &str, redirect: &str| {
        post_json(
            &format!("{}/token", standin.url),
            &serde_json::json!({
                "clientId": registration["clientId"],
                "clientSecret": registration["clientSecret"],
                "grantType": "authorization_code",
                "code": code,
                "codeVerifier": verifier,
                "redirectUri": redirect,
            }),
        )
    };
    let wrong_verifier = steal(&"x".repeat(64), &q["redirect_uri"]);
    assert!(wrong_verifier.starts_with("HTTP/1.1 400") && wrong_verifier.contains("invalid_grant"));
    let wrong_redirect = steal(&"x".repeat(64), "http://127.0.0.1:1/oauth/callback");
    assert!(
        wrong_redirect.starts_with("HTTP/1.1 400"),
        "{wrong_redirect}"
    );
    // An authorize request for another redirect URI is refused outright.
    let elsewhere = url.replace("127.0.0.1%3A", "localhost%3A");
    assert_eq!(http_get(&elsewhere).0, 400);
    // The browser delivers the code; rolecall's verifier buys the token.
    let (status, _, page) = http_get(&location);
    assert_eq!(status, 200, "{page}");
    ok(&child.wait_with_output().unwrap());
    assert!(cache_dir(&env)
        .join(format!("{}.json", sha1_hex("corp")))
        .exists());
}

/// `POST url` with a JSON body; the whole response.
fn post_json(url: &str, body: &serde_json::Value) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn strangers_at_the_listener_are_ignored_and_a_hostile_error_never_reaches_the_terminal() {
    let standin = standin();
    standin.behaviour(|b| {
        b.authorize_error = Some("\u{1b}]0;pwned\u{7}access_denied\n[rolecall] fake line".into())
    });
    let (env, browser) = env_for(&standin);
    let child = spawn(&env, &["sso", "login", "--sso-session", "corp"]);
    let url = browser.url();
    let redirect = query(&url)["redirect_uri"].clone();
    // Another state, another path: answered with fixed pages, and rolecall waits on.
    for target in [
        format!("{redirect}?code=SSO-AUTH-CODE-forged&state=guess%1B%5D0%3Bx"),
        format!("{redirect}?code=SSO-AUTH-CODE-forged"),
        redirect.replace("/oauth/callback", "/favicon.ico"),
    ] {
        let (status, _, page) = http_get(&target);
        assert!(status == 400 || status == 404, "{status} {target}");
        assert!(
            !page.contains("forged") && !page.contains("guess"),
            "{page}"
        );
    }
    // The real redirect, with a hostile error and the right state.
    let visit = follow_in_browser(&url);
    let (status, page) = visit.page.unwrap();
    assert_eq!(status, 200);
    assert!(
        page.contains("did not go through") && !page.contains("pwned"),
        "{page}"
    );
    let out = child.wait_with_output().unwrap();
    let stderr = failed(&out);
    assert!(stderr.contains("failed in Authorize"), "{stderr}");
    assert!(stderr.contains("unrecognised_error"), "{stderr}");
    assert!(
        !stderr.contains("pwned") && !stderr.contains("fake line"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(standin.requests_to("/token").is_empty());
    assert!(!cache_dir(&env)
        .join(format!("{}.json", sha1_hex("corp")))
        .exists());
}

#[test]
fn a_refusal_in_the_browser_says_what_to_run() {
    let standin = standin();
    standin.behaviour(|b| b.authorize_error = Some("access_denied".into()));
    let (env, _) = env_for(&standin);
    let (_, _, out) = sign_in(&env);
    let stderr = failed(&out);
    assert!(
        stderr.contains("the sign-in was denied in the browser (access_denied); run `rolecall sso login --sso-session corp` to try again"),
        "{stderr}"
    );
}

#[test]
fn legacy_profiles_and_ci_keep_the_device_code_and_say_why() {
    let standin = standin();
    let (mut env, browser) = env_for(&standin);
    let legacy = env.rolecall(&["sso", "login", "--profile", "old", "--no-browser"]);
    let stderr = String::from_utf8_lossy(&legacy.stderr).into_owned();
    ok(&legacy);
    assert!(
        stderr.contains("with a device code (the profile has sso_start_url itself"),
        "{stderr}"
    );
    assert!(stderr.contains("ABCD-EFGH"), "{stderr}");
    env.vars.retain(|(k, _)| k != "BROWSER");
    env.set("CI", "true");
    let ci = env.rolecall(&["sso", "login", "--sso-session", "corp", "--no-browser"]);
    let stderr = String::from_utf8_lossy(&ci.stderr).into_owned();
    ok(&ci);
    assert!(stderr.contains("with a device code (CI is set"), "{stderr}");
    assert!(standin.requests_to("/authorize").is_empty());
    assert!(!browser.was_opened());
}

// ---- The library, with a clock the test drives ----

fn library_options(standin: &SsoStandin, dir: &Path, clock: Arc<dyn Clock>) -> SsoOptions {
    SsoOptions {
        token_cache_dir: dir.join("sso-cache"),
        discovery_dir: dir.join("rolecall"),
        oidc_endpoint: Some(standin.url.clone()),
        portal_endpoint: Some(standin.url.clone()),
        http: None,
        clock,
    }
}

fn library(standin: &SsoStandin, dir: &Path, clock: Arc<ManualClock>) -> Sso {
    Sso::new(library_options(standin, dir, clock))
}

fn corp() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: START_URL.into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

#[tokio::test]
async fn the_wait_for_the_browser_is_bounded_by_the_clock_and_cancelling_closes_the_port() {
    let standin = standin();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let sso = library(&standin, dir.path(), clock.clone());
    let pending = sso
        .start_sign_in(&corp(), SignInFlow::AuthCode)
        .await
        .unwrap();
    assert_eq!(pending.flow(), SignInFlow::AuthCode);
    assert_eq!(pending.user_code(), None);
    assert_eq!(
        pending.expires_at() - clock.now(),
        chrono::TimeDelta::minutes(10)
    );
    let err = pending.finish().await.unwrap_err();
    assert!(
        matches!(err, SsoError::BrowserTimedOut { minutes: 10, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("within 10 minutes (sso-session corp); run `rolecall sso login --sso-session corp` again, or `rolecall sso login --sso-session corp --use-device-code`"),
        "{err}"
    );
    assert_eq!(clock.sleeps(), [Duration::from_secs(600)]);

    // Configurable: a shorter wait, still on the clock.
    let pending = sso
        .start_sign_in(&corp(), SignInFlow::AuthCode)
        .await
        .unwrap();
    let err = pending
        .with_browser_wait(Duration::from_secs(90))
        .finish()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SsoError::BrowserTimedOut { minutes: 2, .. }),
        "{err:?}"
    );
    assert_eq!(clock.sleeps()[1], Duration::from_secs(90));
    // The registration was made once and reused.
    assert_eq!(standin.requests_to("/client/register").len(), 1);

    // Cancelling (dropping the sign-in, as Esc and Ctrl-C do) closes the listener.
    let pending = sso
        .start_sign_in(&corp(), SignInFlow::AuthCode)
        .await
        .unwrap();
    let port = pending
        .redirect_uri()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/oauth/callback")
        .to_string();
    assert!(std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_ok());
    drop(pending);
    assert!(std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err());
    assert!(!sso.token_cache().token_path(&corp()).exists());
}

#[test]
fn ctrl_c_cancels_a_login_waiting_for_the_browser_and_closes_the_port() {
    use std::os::unix::process::ExitStatusExt;
    let standin = standin();
    let (env, browser) = env_for(&standin);
    let mut child = spawn(&env, &["sso", "login", "--sso-session", "corp"]);
    let url = browser.url();
    let listener = query(&url)["redirect_uri"]
        .trim_start_matches("http://")
        .trim_end_matches("/oauth/callback")
        .to_string();
    // The listener is up: a stranger gets the fixed page.
    let (status, _, _) = http_get(&format!("http://{listener}/oauth/callback?state=guess"));
    assert_eq!(status, 400);
    // SAFETY: kill(2) on the child this test started.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
        0
    );
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    assert!(std::net::TcpStream::connect(&listener).is_err());
    assert!(!cache_dir(&env)
        .join(format!("{}.json", sha1_hex("corp")))
        .exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_browser_sign_in_shows_no_secret_in_debug_and_finishes_on_the_browser_s_return() {
    let standin = standin();
    let dir = tempfile::tempdir().unwrap();
    // The real clock's wait: the browser comes back long before it ends.
    let clock = Arc::new(rolecall::clock::SystemClock);
    let sso = Sso::new(library_options(&standin, dir.path(), clock));
    let pending = sso
        .start_sign_in(&corp(), SignInFlow::AuthCode)
        .await
        .unwrap();
    let shown = format!("{pending:?}");
    let url = pending.url().to_string();
    let browser = tokio::task::spawn_blocking(move || follow_in_browser(&url));
    let token = pending.finish().await.unwrap();
    let visit = browser.await.unwrap();
    assert_eq!(visit.page.unwrap().0, 200);
    let create = standin.requests_to("/token").remove(0).json();
    let verifier = create["codeVerifier"].as_str().unwrap();
    for secret in [
        verifier,
        create["clientSecret"].as_str().unwrap(),
        create["code"].as_str().unwrap(),
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let token_shown = format!("{token:?}");
    assert!(
        !token_shown.contains(token.access_token.expose()),
        "{token_shown}"
    );
    assert_eq!(sso.token_for(&corp()).await.unwrap(), token);
}

#[test]
fn a_registration_aws_sso_login_made_for_the_authorization_code_is_reused() {
    let standin = standin();
    standin.accept_auth_code_client("cli-client", "SSO-CLIENT-SECRET-cli", &SCOPES);
    let (env, _) = env_for(&standin);
    // As the AWS CLI (2.22+) files it after `aws sso login --sso-session corp`.
    let key = cli_registration_key("corp", &SCOPES);
    std::fs::create_dir_all(cache_dir(&env)).unwrap();
    let expires = (Utc::now() + chrono::TimeDelta::days(90)).format("%Y-%m-%dT%H:%M:%SZ");
    std::fs::write(
        cache_dir(&env).join(format!("{key}.json")),
        format!(
            r#"{{"clientId": "cli-client", "clientSecret": "SSO-CLIENT-SECRET-cli", "expiresAt": "{expires}", "scopes": ["sso:account:access", "codewhisperer:completions"], "grantTypes": ["authorization_code", "refresh_token"]}}"#
        ),
    )
    .unwrap();
    let (url, _, out) = sign_in(&env);
    ok(&out);
    assert_eq!(query(&url)["client_id"], "cli-client");
    assert!(standin.requests_to("/client/register").is_empty());
    let token = read_json(&cache_dir(&env).join(format!("{}.json", sha1_hex("corp"))));
    assert_eq!(token["clientId"], "cli-client");
    assert_no_secrets(&[&out], &[]);
}
