//! The credential endpoint against real clients: the AWS CLI and a Rust program on
//! aws-config's default chain, each given only `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`, with moto_server as STS. The served credentials are
//! real assumed-role credentials moto issued, so `GetCallerIdentity` names the session that
//! was served, and a refresh shows as a new session name.

mod common;

use common::{venv_bin, Env, Moto};
use futures::future::BoxFuture;
use rolecall::clock::ManualClock;
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::server::{self, CredentialServer, FeedError, ServerConfig, SessionFeed};
use rolecall::sts::{AssumeRoleRequest, Sts, StsTarget};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const ROLE: &str = "arn:aws:iam::123456789012:role/Served";

fn arn(session: &str) -> String {
    format!("arn:aws:sts::123456789012:assumed-role/Served/{session}")
}

/// Real assumed-role credentials from moto, for a session named `session`.
async fn assume(moto: &Moto, session: &str, duration_seconds: u32) -> Credentials {
    let base = Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: None,
        expiration: None,
    };
    let target = StsTarget {
        endpoint_url: Some(moto.url.clone()),
        ..StsTarget::in_region("us-east-1")
    };
    let request = AssumeRoleRequest {
        role_arn: ROLE.into(),
        session_name: session.into(),
        duration_seconds: Some(duration_seconds),
        external_id: None,
        mfa: None,
    };
    Sts::new()
        .assume_role(&base, &target, &request)
        .await
        .expect("AssumeRole on moto")
}

/// A feed that answers from a script, repeating its last entry, and counts its calls.
struct Script {
    answers: Mutex<VecDeque<Result<Credentials, FeedError>>>,
    calls: AtomicUsize,
}

impl Script {
    fn new(answers: Vec<Result<Credentials, FeedError>>) -> Arc<Script> {
        Arc::new(Script {
            answers: Mutex::new(answers.into()),
            calls: AtomicUsize::new(0),
        })
    }
}

struct Feed(Arc<Script>);

impl SessionFeed for Feed {
    fn obtain(&self, _force: bool) -> BoxFuture<'static, Result<Credentials, FeedError>> {
        self.0.calls.fetch_add(1, Ordering::SeqCst);
        let mut answers = self.0.answers.lock().unwrap();
        let answer = if answers.len() > 1 {
            answers.pop_front().unwrap()
        } else {
            answers.front().cloned().unwrap()
        };
        Box::pin(async move { answer })
    }
}

/// The first session lasts 15 minutes, the second an hour: 11 minutes on, the first is
/// inside the 5-minute refresh window and the second well outside it.
async fn two_sessions(moto: &Moto) -> Vec<Result<Credentials, FeedError>> {
    vec![
        Ok(assume(moto, "first-session", 900).await),
        Ok(assume(moto, "second-session", 3600).await),
    ]
}

async fn endpoint(script: &Arc<Script>) -> (CredentialServer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let config = ServerConfig {
        clock: clock.clone(),
        ..ServerConfig::default()
    };
    let endpoint = server::start(Arc::new(Feed(script.clone())), config)
        .await
        .expect("the endpoint starts");
    (endpoint, clock)
}

/// An isolated environment with no AWS files, STS on moto, and instance metadata off (so
/// nothing but the endpoint can supply credentials).
fn isolated(moto: &Moto) -> Env {
    let mut env = Env::new("", "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_DEFAULT_REGION", "us-east-1")
        .set("AWS_EC2_METADATA_DISABLED", "true");
    env
}

/// `aws sts get-caller-identity` as a child of the endpoint: (exit success, stdout, stderr).
async fn aws_caller_identity(env: &Env, endpoint: &CredentialServer) -> (bool, String, String) {
    let mut command = env.command(venv_bin("aws"));
    command.args(["sts", "get-caller-identity", "--output", "json"]);
    endpoint.served_env().apply(&mut command);
    // tokio's process, so the endpoint keeps answering on this runtime meanwhile.
    let out = tokio::process::Command::from(command)
        .output()
        .await
        .expect("run aws");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn arn_of(stdout: &str) -> String {
    let identity: serde_json::Value = serde_json::from_str(stdout).expect("JSON identity");
    identity["Arn"].as_str().expect("an Arn").to_string()
}

#[tokio::test]
async fn the_aws_cli_gets_the_served_identity_and_the_refreshed_one() {
    let moto = Moto::start();
    let script = Script::new(two_sessions(&moto).await);
    let (endpoint, clock) = endpoint(&script).await;
    let env = isolated(&moto);

    let (ok, stdout, stderr) = aws_caller_identity(&env, &endpoint).await;
    assert!(ok, "aws failed: {stderr}");
    assert_eq!(arn_of(&stdout), arn("first-session"));
    assert!(!stderr.contains(endpoint.served_env().token().expose()));

    clock.advance(chrono::TimeDelta::minutes(11));
    let (ok, stdout, stderr) = aws_caller_identity(&env, &endpoint).await;
    assert!(ok, "aws failed: {stderr}");
    assert_eq!(arn_of(&stdout), arn("second-session"));
    assert_eq!(script.calls.load(Ordering::SeqCst), 2);
    let status = endpoint.status();
    assert_eq!(status.refreshes, 2);
    assert!(status.requests_served >= 2);
    assert_eq!(status.requests_refused, 0);
}

#[tokio::test]
async fn the_aws_cli_shows_rolecall_s_message_when_the_refresh_needs_the_user() {
    let moto = Moto::start();
    let script = Script::new(vec![Err(FeedError::needs_user(
        server::UserAction::MfaCode,
        "profile 'admin': an MFA code is needed for arn:aws:iam::123456789012:mfa/tester",
    ))]);
    let (endpoint, _clock) = endpoint(&script).await;
    let (ok, _, stderr) = aws_caller_identity(&isolated(&moto), &endpoint).await;
    assert!(!ok, "aws succeeded without credentials");
    assert!(stderr.contains("500"), "{stderr}");
    assert!(stderr.contains("MfaCodeRequired"), "{stderr}");
    assert!(
        stderr.contains("rolecall: cannot refresh the session's credentials: profile 'admin': an MFA code is needed"),
        "{stderr}"
    );
    // botocore retries three times; the back-off keeps that to one feed call.
    assert_eq!(script.calls.load(Ordering::SeqCst), 1);
    assert!(endpoint.status().requests_failed >= 2);
}

/// Set in the environment of the Rust SDK child, which is this test binary run again.
const SDK_CHILD: &str = "ROLECALL_TEST_SDK_CHILD";
const CHILD_TEST: &str = "a_rust_program_on_the_default_chain_keeps_working_across_a_refresh";

/// Run as the parent: serves two sessions and drives a long-running child, which fetches
/// through aws-config's default chain, before and after the clock moves into the window.
/// Run as the child (with [`SDK_CHILD`] set): that program.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rust_program_on_the_default_chain_keeps_working_across_a_refresh() {
    if std::env::var_os(SDK_CHILD).is_some() {
        return sdk_child().await;
    }
    let moto = Moto::start();
    let sessions = two_sessions(&moto).await;
    let key = |i: usize| sessions[i].as_ref().unwrap().access_key_id.clone();
    let (first, second) = (key(0), key(1));
    let script = Script::new(sessions);
    let (endpoint, clock) = endpoint(&script).await;

    let mut env = isolated(&moto);
    env.set(SDK_CHILD, "1");
    let mut command = env.command(std::env::current_exe().unwrap());
    command
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    endpoint.served_env().apply(&mut command);
    let mut child = command.spawn().expect("start the child");
    let mut to_child = child.stdin.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest's own "test … " may precede the child's first line.
            if let Some(at) = line.find("CHILD ") {
                let _ = lines_tx.send(line[at + "CHILD ".len()..].to_string());
            }
        }
    });
    let mut ask = |request: &str| {
        writeln!(to_child, "{request}").unwrap();
        lines_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the child answers")
    };
    // Blocking here is fine: the test body runs on its own thread, the endpoint on the workers.
    let reply = ask("fetch");
    assert_eq!(
        reply,
        format!("key={first} ecs={first} arn={}", arn("first-session"))
    );

    clock.advance(chrono::TimeDelta::minutes(11));
    let reply = ask("fetch");
    assert_eq!(
        reply,
        format!("key={second} ecs={second} arn={}", arn("second-session"))
    );
    let reply = ask("fetch");
    assert_eq!(
        reply,
        format!("key={second} ecs={second} arn={}", arn("second-session"))
    );

    drop(to_child);
    let status = child.wait().unwrap();
    assert!(status.success(), "the child failed: {status}");
    assert_eq!(script.calls.load(Ordering::SeqCst), 2, "one refresh");
    assert_eq!(endpoint.status().refreshes, 2);
}

/// The child: a program that builds its configuration the way any Rust program does
/// (`aws_config::defaults`, so the default credentials chain), with the identity cache off
/// so every call goes to the chain, and, for each `fetch` line on stdin, prints the access
/// key the chain got, the one aws-config's `EcsCredentialsProvider` got, and the ARN STS
/// reports for the chain's.
async fn sdk_child() {
    use aws_credential_types::provider::ProvideCredentials;
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(rolecall::http::client())
        .identity_cache(aws_config::identity::IdentityCache::no_cache())
        .load()
        .await;
    let chain = config.credentials_provider().expect("the default chain");
    // The container provider alone too, as an application configuring it would.
    let ecs = aws_config::ecs::EcsCredentialsProvider::builder()
        .configure(
            &aws_config::provider_config::ProviderConfig::without_region()
                .with_http_client(rolecall::http::client()),
        )
        .build();
    let sts = aws_sdk_sts::Client::new(&config);
    let mut stdin = std::io::stdin().lock();
    let mut line = String::new();
    while {
        line.clear();
        stdin.read_line(&mut line).unwrap() > 0
    } {
        assert_eq!(line.trim(), "fetch");
        let credentials = chain.provide_credentials().await.expect("credentials");
        let from_ecs = ecs.provide_credentials().await.expect("ECS credentials");
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .expect("GetCallerIdentity");
        println!(
            "CHILD key={} ecs={} arn={}",
            credentials.access_key_id(),
            from_ecs.access_key_id(),
            identity.arn().unwrap()
        );
    }
}

// `rolecall exec --server`: the same clients, as children of rolecall itself.

const EXEC_CONFIG: &str = "[profile base]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n";
const EXEC_KEYS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// rolecall's environment for `exec --server`: STS on `sts`, no instance metadata.
fn exec_env(config: &str, sts: &str) -> Env {
    let mut env = Env::new(config, EXEC_KEYS);
    env.set("AWS_ENDPOINT_URL_STS", sts)
        .set("AWS_EC2_METADATA_DISABLED", "true");
    env
}

#[test]
fn exec_server_gives_the_child_the_endpoint_and_no_keys() {
    let moto = Moto::start();
    let env = exec_env(EXEC_CONFIG, &moto.url);
    // The child reports its environment, and rolecall's own command line (what `ps` shows).
    let out = env.rolecall(&[
        "exec",
        "--server",
        "admin",
        "--",
        "sh",
        "-c",
        "env | sort; echo CMDLINE=$(tr '\\0' ' ' < /proc/$PPID/cmdline); \
         echo PARENT_ENV=$(tr '\\0' ' ' < /proc/$PPID/environ); \
         echo ENVIRON_MODE=$(stat -L -c '%a %u' /proc/$$/environ); echo UID=$(id -u); exit 7",
    ]);
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars = String::from_utf8(out.stdout).unwrap();
    let value = |name: &str| {
        vars.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(str::to_string)
    };
    for absent in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_PROFILE",
    ] {
        assert_eq!(value(absent), None, "{absent} is set in the served child");
    }
    let url = value("AWS_CONTAINER_CREDENTIALS_FULL_URI").expect("the endpoint's URL");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN").expect("the token");
    assert!(token.len() >= 32, "a token of {} characters", token.len());
    assert_eq!(value("ROLECALL_PROFILE").as_deref(), Some("admin"));
    assert_eq!(value("ROLECALL_SERVED").as_deref(), Some("1"));
    assert_eq!(value("AWS_REGION").as_deref(), Some("us-east-1"));
    let cmdline = value("CMDLINE").unwrap();
    assert!(
        cmdline.contains("--server") && !cmdline.contains(&token),
        "{cmdline}"
    );
    // The token lives only in the child's environment: not in rolecall's own, and the
    // kernel lets only the child's owner read that one.
    let parent_env = value("PARENT_ENV").unwrap();
    assert!(parent_env.contains("AWS_ENDPOINT_URL_STS=") && !parent_env.contains(&token));
    let owner = value("UID").unwrap();
    assert_eq!(value("ENVIRON_MODE"), Some(format!("400 {owner}")));
}

#[test]
fn exec_server_serves_the_aws_cli_the_assumed_role() {
    let moto = Moto::start();
    let env = exec_env(EXEC_CONFIG, &moto.url);
    assert_eq!(
        env.caller_arn("admin", &["--server"]),
        "arn:aws:sts::222222222222:assumed-role/Admin/tester"
    );
    // Long-term keys cannot be served: refused up front, with the way out.
    let err = common::failed(&env.rolecall(&["exec", "--server", "base", "--", "true"]));
    assert!(
        err.contains("long-term keys") && err.contains("without --server"),
        "{err}"
    );
}

#[test]
fn exec_server_refuses_a_token_without_an_expiration_up_front() {
    // The protocol needs Token and Expiration; a credential_process may give a token alone.
    let config = "[profile tokenonly]\nregion = us-east-1\ncredential_process = sh -c 'echo \
        \\{\\\"Version\\\":1,\\\"AccessKeyId\\\":\\\"ASIATESTKEY01EXAMPLE\\\",\
        \\\"SecretAccessKey\\\":\\\"s\\\",\\\"SessionToken\\\":\\\"t\\\"\\}'\n";
    let env = exec_env(config, "http://127.0.0.1:9");
    assert!(
        common::ok(&env.rolecall(&["export", "tokenonly", "--format", "json"]))
            .contains("ASIATESTKEY01EXAMPLE"),
        "the profile itself works"
    );
    let err = common::failed(&env.rolecall(&["exec", "--server", "tokenonly", "--", "true"]));
    assert!(
        err.starts_with("rolecall: profile 'tokenonly'") && err.contains("without --server"),
        "{err}"
    );
    assert_eq!(err.matches("rolecall:").count(), 1, "{err}");
}

#[test]
fn exec_server_serves_a_rust_program_on_the_default_chain() {
    let moto = Moto::start();
    let mut env = exec_env(EXEC_CONFIG, &moto.url);
    env.set(SDK_CHILD, "1")
        .set("AWS_DEFAULT_REGION", "us-east-1");
    let exe = std::env::current_exe().unwrap();
    let mut rolecall = env.command(env!("CARGO_BIN_EXE_rolecall"));
    rolecall
        .args(["exec", "--server", "admin", "--"])
        .arg(&exe)
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut running = rolecall.spawn().expect("start rolecall");
    let mut to_child = running.stdin.take().unwrap();
    writeln!(to_child, "fetch").unwrap();
    drop(to_child);
    let out = running.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let reply = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.find("CHILD ").map(|at| l[at + 6..].to_string()))
        .expect("the child's answer");
    assert!(
        reply.ends_with("arn=arn:aws:sts::222222222222:assumed-role/Admin/tester"),
        "{reply}"
    );
}

#[test]
fn a_long_running_child_of_exec_server_keeps_working_across_a_refresh() {
    use common::sts_standin::StsStandIn;
    // Sessions of 301 s: one second after each is issued, it is inside the endpoint's
    // five-minute window and the next fetch refreshes it.
    let standin = StsStandIn::start(&[]);
    let config = EXEC_CONFIG.replace(
        "source_profile = base\n",
        "source_profile = base\nduration_seconds = 301\n",
    );
    let mut env = exec_env(&config, &standin.url);
    env.set("AWS_DEFAULT_REGION", "us-east-1");
    let watch = "import botocore.session, sys, time\n\
        creds = botocore.session.get_session().get_credentials()\n\
        first = creds.get_frozen_credentials().access_key\n\
        deadline = time.time() + 30\n\
        while time.time() < deadline:\n\
        \x20   now = creds.get_frozen_credentials().access_key\n\
        \x20   if now != first:\n\
        \x20       print('REFRESHED', first, now); sys.exit(0)\n\
        \x20   time.sleep(0.2)\n\
        print('NOT REFRESHED', first); sys.exit(1)\n";
    let out = env.rolecall(&[
        "exec",
        "--server",
        "admin",
        "--",
        venv_bin("python").to_str().unwrap(),
        "-c",
        watch,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("REFRESHED ASIASTANDIN"), "{stdout}");
}
