//! `rolecall console`: the federation flow against a loopback stand-in of the console's
//! federation endpoint (nothing emulates it) and moto_server for STS (AssumeRole,
//! GetFederationToken). The stand-in records each query, so the tests read what the
//! endpoint was sent: the session's own keys, SessionDuration where allowed, and no
//! secret anywhere but the request itself and the printed URL.

mod common;

use common::{failed, ok, Env, Moto, Reply, Request, Stub};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const LONG_TERM_KEY: &str = "AKIAI44QH8DHBEXAMPLE";
const LONG_TERM_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const SIGNIN_TOKEN: &str = "standin-signin-token+/=";

const CONFIG: &str = "\
[profile base]
region = us-east-1

[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ops
region = eu-west-1

[profile china]
role_arn = arn:aws-cn:iam::333333333333:role/Reader
source_profile = base
region = cn-north-1

[profile user]
region = eu-central-1

[profile mfa-user]
region = eu-central-1
mfa_serial = arn:aws:iam::123456789012:mfa/tester
";

fn credentials() -> String {
    format!(
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
         [user]\naws_access_key_id = {LONG_TERM_KEY}\naws_secret_access_key = {LONG_TERM_SECRET}\n\
         [mfa-user]\naws_access_key_id = {LONG_TERM_KEY}\naws_secret_access_key = {LONG_TERM_SECRET}\n"
    )
}

/// A federation endpoint stand-in answering `getSigninToken` with a fixed token.
fn federation_standin() -> Stub {
    Stub::start(|req: &Request| {
        if req.path.starts_with("/federation?")
            && query(req).get("Action").map(String::as_str) == Some("getSigninToken")
        {
            Reply::Status(
                200,
                format!(
                    r#"{{"SigninToken":"{}"}}"#,
                    SIGNIN_TOKEN.replace('/', "\\/")
                ),
            )
        } else {
            Reply::Status(400, "<html>Bad Request</html>".into())
        }
    })
}

/// The decoded query of a request.
fn query(req: &Request) -> HashMap<String, String> {
    let (_, q) = req.path.split_once('?').unwrap_or(("", ""));
    url_query(q)
}

fn url_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                percent_decode_str(&v.replace('+', " "))
                    .decode_utf8()
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect()
}

fn env_for(moto: &Moto, federation: &Stub) -> Env {
    env_with_sts(&moto.url, federation)
}

/// STS at `sts_url` (moto, or the scriptable stand-in), the federation endpoint's stand-in.
fn env_with_sts(sts_url: &str, federation: &Stub) -> Env {
    let mut env = Env::new(CONFIG, &credentials());
    env.set("AWS_ENDPOINT_URL_STS", sts_url);
    env.set(
        "ROLECALL_FEDERATION_ENDPOINT",
        &format!("{}/federation", federation.url),
    );
    env
}

/// The one request the stand-in received, waited for with a deadline.
fn the_request(federation: &Stub) -> Request {
    let req = federation
        .requests
        .recv_timeout(Duration::from_secs(10))
        .expect("the federation endpoint was called");
    assert!(
        federation.requests.try_recv().is_err(),
        "only one call to the endpoint"
    );
    req
}

/// The Session JSON of a `getSigninToken` request.
fn session_of(req: &Request) -> Value {
    let q = query(req);
    assert_eq!(q["Action"], "getSigninToken", "{q:?}");
    serde_json::from_str(&q["Session"]).unwrap()
}

/// That a Session JSON holds moto's GetFederationToken session (its fixed token), not
/// long-term keys (which have no token) or GetSessionToken's.
fn assert_federation_token(session: &Value) {
    let token = session["sessionToken"].as_str().unwrap_or_default();
    assert!(token.starts_with("AQoDYXdzEPT"), "{session}");
}

/// The printed login URL's endpoint and decoded query.
fn login_parts(stdout: &str) -> (String, HashMap<String, String>) {
    let url = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    let (endpoint, q) = url.split_once('?').expect("a query");
    (endpoint.to_string(), url_query(q))
}

#[test]
fn a_role_session_signs_in_with_its_own_keys() {
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    // The session the console must use: the one `export` obtains (and caches).
    let exported: Value =
        serde_json::from_str(&ok(&env.rolecall(&["export", "ops", "-f", "json"]))).unwrap();

    let out = env.rolecall(&["console", "ops", "--print"]);
    let stdout = ok(&out);
    let request = the_request(&federation);
    let session = session_of(&request);
    assert_eq!(session["sessionId"], exported["AccessKeyId"]);
    assert_eq!(session["sessionKey"], exported["SecretAccessKey"]);
    assert_eq!(session["sessionToken"], exported["SessionToken"]);
    // Nothing asked for a console session length.
    assert!(!query(&request).contains_key("SessionDuration"));

    let (endpoint, login) = login_parts(&stdout);
    assert_eq!(endpoint, format!("{}/federation", federation.url));
    assert_eq!(login["Action"], "login");
    assert_eq!(login["Issuer"], "rolecall");
    assert_eq!(login["SigninToken"], SIGNIN_TOKEN);
    assert_eq!(
        login["Destination"],
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in [
        SIGNIN_TOKEN,
        "standin-signin-token",
        exported["SecretAccessKey"].as_str().unwrap(),
        exported["SessionToken"].as_str().unwrap(),
    ] {
        assert!(!stderr.contains(secret), "stderr holds a secret: {stderr}");
    }
}

#[test]
fn iam_user_keys_go_through_get_federation_token() {
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    let out = env.rolecall(&["console", "user", "--print", "--service", "s3"]);
    let stdout = ok(&out);
    let session = session_of(&the_request(&federation));
    // moto's GetFederationToken answer, not the long-term keys (which have no token).
    assert_ne!(session["sessionId"], LONG_TERM_KEY);
    assert_ne!(session["sessionKey"], LONG_TERM_SECRET);
    assert_federation_token(&session);
    let (_, login) = login_parts(&stdout);
    assert_eq!(
        login["Destination"],
        "https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(LONG_TERM_SECRET));
}

#[test]
fn an_mfa_user_signs_in_without_an_mfa_session() {
    // Its session would be GetSessionToken's, which the console refuses: the long-term
    // keys go to GetFederationToken instead, and no code is asked for (stdin is closed).
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    let out = env.rolecall(&["console", "mfa-user", "--print"]);
    ok(&out);
    let session = session_of(&the_request(&federation));
    assert_federation_token(&session);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("takes no MFA code"), "{stderr}");
}

#[test]
fn get_federation_token_carries_a_name_a_policy_and_the_duration() {
    let sts = common::sts_standin::StsStandIn::start(&[]);
    let federation = federation_standin();
    let env = env_with_sts(&sts.url, &federation);
    ok(&env.rolecall(&["console", "user", "--print", "--duration", "7200"]));
    let bodies = sts.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let form = url_query(&bodies[0]);
    assert_eq!(form["Action"], "GetFederationToken");
    assert_eq!(form["Name"], "tester");
    assert_eq!(form["DurationSeconds"], "7200");
    let policy: Value = serde_json::from_str(&form["Policy"]).unwrap();
    assert_eq!(
        policy["Statement"][0],
        serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
    );
    // The console session follows the federation token: no SessionDuration.
    let q = query(&the_request(&federation));
    assert!(!q.contains_key("SessionDuration"), "{q:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&q["Session"]).unwrap()["sessionId"],
        "ASIASTANDIN01EXAMPLE"
    );
}

#[test]
fn session_duration_only_where_the_console_allows_it() {
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    // A role assumed with long-term keys: sent.
    ok(&env.rolecall(&["console", "ops", "--print", "--duration", "7200"]));
    let q = query(&the_request(&federation));
    assert_eq!(q.get("SessionDuration").map(String::as_str), Some("7200"));
    // A chained role: not sent, and the user is told why.
    let out = env.rolecall(&["console", "admin", "--print", "--duration", "7200"]);
    ok(&out);
    let q = query(&the_request(&federation));
    assert!(!q.contains_key("SessionDuration"), "{q:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("role chaining"), "{stderr}");
    // Beyond what a console session can last: refused before anything is sent.
    let err = failed(&env.rolecall(&["console", "ops", "--print", "--duration", "50000"]));
    assert!(err.contains("900 to 43200"), "{err}");
    assert!(federation.requests.try_recv().is_err());
}

#[test]
fn the_destination_is_in_the_partition_of_the_region() {
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    let stdout = ok(&env.rolecall(&["console", "china", "--print", "--service", "ec2"]));
    the_request(&federation);
    let (_, login) = login_parts(&stdout);
    assert_eq!(
        login["Destination"],
        "https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1"
    );
    let custom = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logs";
    let stdout = ok(&env.rolecall(&["console", "ops", "--print", "--destination", custom]));
    the_request(&federation);
    assert_eq!(login_parts(&stdout).1["Destination"], custom);
    let err = failed(&env.rolecall(&["console", "ops", "--service", "ec2/../iam"]));
    assert!(err.contains("service name"), "{err}");
}

#[test]
fn a_refusal_or_an_unreachable_endpoint_is_reported_without_secrets() {
    let moto = Moto::start();
    let refusing = Stub::start(|_| Reply::Status(400, "<html>Invalid credentials</html>".into()));
    let mut env = env_for(&moto, &refusing);
    let exported: Value =
        serde_json::from_str(&ok(&env.rolecall(&["export", "ops", "-f", "json"]))).unwrap();
    let secrets = [
        exported["SecretAccessKey"].as_str().unwrap().to_string(),
        exported["SessionToken"].as_str().unwrap().to_string(),
    ];
    let out = env.rolecall(&["console", "ops", "--print"]);
    let err = failed(&out);
    assert!(err.contains("HTTP 400"), "{err}");
    assert!(out.stdout.is_empty());
    // Nothing listens on a port the stub gave up.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    env.set(
        "ROLECALL_FEDERATION_ENDPOINT",
        &format!("http://127.0.0.1:{closed}/federation"),
    );
    let out = env.rolecall(&["console", "ops", "--print"]);
    let err2 = failed(&out);
    assert_eq!(
        err2,
        format!(
            "rolecall: cannot reach the console federation endpoint \
             http://127.0.0.1:{closed}/federation (Connection refused (os error 111)): check the \
             network, and ROLECALL_FEDERATION_ENDPOINT when it is set\n"
        )
    );
    for text in [&err, &err2] {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "secret in: {text}");
        }
        // The Session query (percent-encoded JSON) is not echoed either.
        assert!(
            !text.contains("sessionKey") && !text.contains("sessionKey%22"),
            "{text}"
        );
    }
}

#[test]
fn the_browser_gets_the_url_and_stdout_stays_empty() {
    let moto = Moto::start();
    let federation = federation_standin();
    let mut env = env_for(&moto, &federation);
    // The "browser" writes its argument into a FIFO: reading it waits for the opener,
    // which runs in the background, without polling.
    let fifo = env.dir.path().join("opened-url");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || tx.send(std::fs::read_to_string(reader)));
    let script = env.dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", fifo.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.set("BROWSER", &script.display().to_string());
    let out = env.rolecall(&["console", "ops"]);
    assert!(
        ok(&out).is_empty(),
        "nothing on stdout when a browser opens"
    );
    the_request(&federation);
    let url = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the browser was started")
        .unwrap();
    let (_, login) = login_parts(&url);
    assert_eq!(login["SigninToken"], SIGNIN_TOKEN);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("standin-signin-token"));
}

#[test]
fn without_a_display_the_url_is_printed_and_the_reason_given() {
    let moto = Moto::start();
    let federation = federation_standin();
    let env = env_for(&moto, &federation);
    // Env has no DISPLAY, WAYLAND_DISPLAY or BROWSER.
    let out = env.rolecall(&["console", "ops"]);
    let (_, login) = login_parts(&ok(&out));
    assert_eq!(login["SigninToken"], SIGNIN_TOKEN);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(!stderr.contains("standin-signin-token"), "{stderr}");
}

#[test]
fn the_demo_never_sends_its_session_to_the_real_console() {
    let sts = common::sts_standin::StsStandIn::start(&[]);
    let mut env = Env::new("", "");
    let browser = common::RecordingBrowser::new(env.dir.path());
    env.set("AWS_ENDPOINT_URL_STS", &sts.url)
        .set("BROWSER", &browser.var())
        .set(
            "ROLECALL_FEDERATION_ENDPOINT",
            "https://signin.aws.amazon.com/federation",
        );
    for args in [
        &["--demo", "console", "demo-readonly"][..],
        &["--demo", "console", "demo-base", "--print"],
    ] {
        let out = env.rolecall(args);
        assert_eq!(
            failed(&out),
            "rolecall: the demo talks to nothing but this machine, and \
             ROLECALL_FEDERATION_ENDPOINT=https://signin.aws.amazon.com/federation is not a \
             loopback address: unset it, or point it at 127.0.0.1, to run the demo\n",
            "{args:?}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(!browser.was_opened());
    // Refused before any session was made: STS was not asked either.
    assert!(sts.requests().is_empty());
}

#[test]
fn the_demo_refuses_endpoints_that_leave_loopback() {
    let mut env = Env::new("", "");
    for (var, value) in [
        ("AWS_ENDPOINT_URL_STS", "https://sts.amazonaws.com"),
        (
            "AWS_ENDPOINT_URL_SSO",
            "https://portal.sso.eu-west-2.amazonaws.com",
        ),
        (
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "https://oidc.eu-west-2.amazonaws.com",
        ),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://169.254.169.254/",
        ),
        (
            "ROLECALL_FEDERATION_ENDPOINT",
            "https://signin.aws.amazon.com/federation",
        ),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ] {
        env.set(var, value);
        let err = failed(&env.rolecall(&["--demo", "export", "demo-readonly"]));
        let expected = if var == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" {
            "rolecall: the demo talks to nothing but this machine, and \
             AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would send it to AWS: unset it to run the demo\n"
                .to_string()
        } else {
            format!(
                "rolecall: the demo talks to nothing but this machine, and {var}={value} is not \
                 a loopback address: unset it, or point it at 127.0.0.1, to run the demo\n"
            )
        };
        assert_eq!(err, expected);
        env.vars.retain(|(k, _)| k != var);
    }
    // Loopback is fine, IPv6 and `localhost` included.
    for value in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
        env.set("AWS_ENDPOINT_URL_STS", value);
        let err = failed(&env.rolecall(&["--demo", "export", "demo-readonly"]));
        assert!(err.contains("could not reach STS at"), "{value}: {err}");
    }
}

#[test]
fn an_iam_user_whose_key_is_in_the_key_store_goes_through_get_federation_token() {
    let moto = Moto::start();
    let federation = federation_standin();
    let mut env = env_for(&moto, &federation);
    let file = env.home().join(".config/rolecall/keys.age");
    env.set("ROLECALL_KEYRING", "file")
        .set("ROLECALL_KEYRING_FILE", &file.display().to_string())
        .set(
            "ROLECALL_KEYRING_PASSPHRASE",
            "correct horse battery staple",
        );
    ok(&env.rolecall(&["keys", "import", "user", "mfa-user"]));
    let credentials = std::fs::read_to_string(env.home().join(".aws/credentials")).unwrap();
    assert!(!credentials.contains(LONG_TERM_SECRET), "{credentials}");
    let out = env.rolecall(&["console", "user", "--print", "--service", "s3"]);
    ok(&out);
    let session = session_of(&the_request(&federation));
    // moto's GetFederationToken answer, signed with the stored key: not the key itself,
    // nor a GetSessionToken session, which the console refuses.
    assert_ne!(session["sessionId"], LONG_TERM_KEY);
    assert_federation_token(&session);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(LONG_TERM_SECRET));
}
