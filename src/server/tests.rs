//! Protocol tests against a running endpoint, over real HTTP on 127.0.0.1, with a scripted
//! feed and a manual clock.

use super::*;
use crate::clock::ManualClock;
use crate::credentials::Credentials;
use crate::secret::Secret;
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Empty};
use hyper::{HeaderMap, Method, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-01-01T12:00:00Z")
        .unwrap()
        .to_utc()
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

fn creds(n: u32, expiration: DateTime<Utc>) -> Credentials {
    Credentials {
        access_key_id: key(n),
        secret_access_key: Secret::new(format!("secret-access-key-number-{n}")),
        session_token: Some(Secret::new(format!("session-token-number-{n}"))),
        expiration: Some(expiration),
    }
}

/// A feed that answers from a script (repeating its last entry), counts its calls, and,
/// when gated, holds each call until the test opens the gate.
struct ScriptFeed {
    script: Mutex<VecDeque<Result<Credentials, FeedError>>>,
    calls: AtomicUsize,
    forced: AtomicUsize,
    gate: Option<watch::Receiver<bool>>,
}

impl ScriptFeed {
    fn new(script: Vec<Result<Credentials, FeedError>>) -> Arc<Self> {
        Arc::new(Self::build(script, None))
    }

    /// A feed whose calls wait until `true` is sent on the returned gate.
    fn gated(script: Vec<Result<Credentials, FeedError>>) -> (Arc<Self>, watch::Sender<bool>) {
        let (open, gate) = watch::channel(false);
        (Arc::new(Self::build(script, Some(gate))), open)
    }

    fn build(
        script: Vec<Result<Credentials, FeedError>>,
        gate: Option<watch::Receiver<bool>>,
    ) -> Self {
        ScriptFeed {
            script: Mutex::new(script.into()),
            calls: AtomicUsize::new(0),
            forced: AtomicUsize::new(0),
            gate,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl SessionFeed for Arc<ScriptFeed> {
    fn obtain(&self, force_refresh: bool) -> BoxFuture<'static, Result<Credentials, FeedError>> {
        let feed = self.clone();
        Box::pin(async move {
            feed.calls.fetch_add(1, Ordering::SeqCst);
            if force_refresh {
                feed.forced.fetch_add(1, Ordering::SeqCst);
            }
            if let Some(gate) = &feed.gate {
                let mut gate = gate.clone();
                let _ = gate.wait_for(|open| *open).await;
            }
            let mut script = feed.script.lock().unwrap();
            if script.len() > 1 {
                script.pop_front().unwrap()
            } else {
                script.front().cloned().expect("an empty script")
            }
        })
    }
}

struct Fixture {
    endpoint: CredentialServer,
    clock: Arc<ManualClock>,
    client: Client<HttpConnector, Empty<Bytes>>,
}

async fn serve(feed: &Arc<ScriptFeed>) -> Fixture {
    serve_with(feed, |_| {}).await
}

async fn serve_with(feed: &Arc<ScriptFeed>, adjust: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let clock = Arc::new(ManualClock::new(t0()));
    let mut config = ServerConfig {
        clock: clock.clone(),
        ..ServerConfig::default()
    };
    adjust(&mut config);
    let endpoint = start(Arc::new(feed.clone()), config).await.unwrap();
    let client = Client::builder(TokioExecutor::new()).build_http();
    Fixture {
        endpoint,
        clock,
        client,
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Fixture {
    fn token(&self) -> String {
        self.endpoint.served_env().token().expose().to_string()
    }

    async fn send(&self, method: Method, path: &str, auth: Option<&str>) -> Reply {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.endpoint.addr()));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = self
            .client
            .request(request.body(Empty::new()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// An authorised `GET /`.
    async fn get(&self) -> Reply {
        self.send(Method::GET, "/", Some(&self.token())).await
    }

    /// The access key id of an authorised `GET /`, asserting it is a 200.
    async fn key(&self) -> String {
        let reply = self.get().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["AccessKeyId"].as_str().unwrap().to_string()
    }
}

fn key(n: u32) -> String {
    format!("ASIATESTKEY{n:02}EXAMPLE")
}

fn assert_no_credentials(reply: &Reply) {
    let text = reply.body.to_string();
    assert!(!text.contains("AccessKeyId"), "{text}");
    assert!(!text.contains("secret-access-key"), "{text}");
    assert!(!text.contains("session-token"), "{text}");
}

/// Polls `condition` until it holds, failing after 10 s.
async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn the_token_is_required_and_the_answer_has_exactly_the_four_fields() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let token = fx.token();
    assert_eq!(token.len(), 64, "256 bits as hex");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    let missing = fx.send(Method::GET, "/", None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.body["code"], "MissingAuthorization");
    assert!(missing.body["message"]
        .as_str()
        .unwrap()
        .starts_with("rolecall: "));
    assert_no_credentials(&missing);

    // Wrong in the last character only, wrong in length, empty: all 403.
    let mut last_wrong = token.clone();
    let flipped = if last_wrong.ends_with('0') { "1" } else { "0" };
    last_wrong.replace_range(63.., flipped);
    for wrong in [last_wrong.as_str(), &token[..63], "", &format!("{token}0")] {
        let reply = fx.send(Method::GET, "/", Some(wrong)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{wrong:?}");
        assert_eq!(reply.body["code"], "InvalidAuthorization");
        assert_no_credentials(&reply);
    }
    assert_eq!(feed.calls(), 0, "a refused request must not reach the feed");

    let ok = fx.get().await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.headers["content-type"], "application/json");
    let fields: Vec<&str> = ok
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]
    );
    assert_eq!(ok.body["AccessKeyId"], key(1));
    assert_eq!(ok.body["SecretAccessKey"], "secret-access-key-number-1");
    assert_eq!(ok.body["Token"], "session-token-number-1");
    let expiration = ok.body["Expiration"].as_str().unwrap();
    assert_eq!(expiration, "2030-01-01T13:00:00Z");
    assert_eq!(
        DateTime::parse_from_rfc3339(expiration).unwrap(),
        t0() + minutes(60)
    );

    let status = fx.endpoint.status();
    assert_eq!(status.requests_refused, 5);
    assert_eq!(status.requests_served, 1);
}

#[tokio::test]
async fn other_paths_are_404_and_other_methods_405() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let token = fx.token();
    for path in [
        "/credentials",
        "/latest/meta-data/iam/security-credentials/",
        "//",
    ] {
        let reply = fx.send(Method::GET, path, Some(&token)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.body["code"], "NotFound");
        assert_no_credentials(&reply);
    }
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let reply = fx.send(method.clone(), "/", Some(&token)).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(reply.headers["allow"], "GET");
        assert_eq!(reply.body["code"], "MethodNotAllowed");
        assert_no_credentials(&reply);
    }
    // Without the token, nothing else is revealed: the answer is 401 whatever the path.
    let reply = fx.send(Method::POST, "/elsewhere", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // A query string does not change the path.
    let reply = fx.send(Method::GET, "/?x=1", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(feed.calls(), 1);
}

/// `constant_time_eq` is `subtle`'s slice comparison, which folds every byte pair into
/// its result before deciding, so where two tokens first differ cannot show in its
/// timing; whether it is constant time is that crate's property (timed in
/// `benches/endpoint_token.rs`, never in a test). What a test can pin down: it gives the
/// right answer for every kind of mismatch, and the endpoint's token check goes through it.
#[test]
fn the_token_compare_answers_right_for_every_kind_of_mismatch() {
    let token = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert!(constant_time_eq(token, token));
    assert!(constant_time_eq(b"", b""));
    let mut first = *token;
    first[0] = b'x';
    let mut last = *token;
    last[63] = b'x';
    assert!(!constant_time_eq(token, &first));
    assert!(!constant_time_eq(token, &last));
    assert!(!constant_time_eq(token, &token[..63]));
    assert!(!constant_time_eq(&token[..63], token));
    assert!(!constant_time_eq(token, b""));
    let auth = token::AuthToken::generate().unwrap();
    assert!(auth.matches(auth.secret().expose().as_bytes()));
    assert!(!auth.matches(&auth.secret().expose().as_bytes()[1..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_during_a_refresh_make_one_feed_call() {
    let (feed, open) = ScriptFeed::gated(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = Arc::new(serve(&feed).await);
    let mut workers = Vec::new();
    for _ in 0..25 {
        let fx = fx.clone();
        workers.push(tokio::spawn(async move {
            let mut keys = Vec::new();
            for _ in 0..4 {
                keys.push(fx.key().await);
            }
            keys
        }));
    }
    let cache = fx.endpoint.cache.clone();
    until("25 requests wait for the refresh", || cache.waiting() == 25).await;
    assert_eq!(feed.calls(), 1);
    assert!(fx.endpoint.status().refreshing);
    open.send_replace(true);
    let mut keys = Vec::new();
    for worker in workers {
        keys.extend(worker.await.unwrap());
    }
    assert_eq!(keys.len(), 100);
    assert!(keys.iter().all(|k| *k == key(1)));
    assert_eq!(feed.calls(), 1, "one refresh for all 100 requests");
    let status = fx.endpoint.status();
    assert_eq!(status.refreshes, 1);
    assert_eq!(status.requests_served, 100);
    assert!(!status.refreshing);
}

#[tokio::test]
async fn a_client_that_hangs_up_does_not_cancel_the_refresh() {
    let (feed, open) = ScriptFeed::gated(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = Arc::new(serve(&feed).await);
    let waiting = {
        let fx = fx.clone();
        tokio::spawn(async move { fx.get().await.status })
    };
    let cache = fx.endpoint.cache.clone();
    until("the request waits", || cache.waiting() == 1).await;
    waiting.abort();
    until("the request is gone", || cache.waiting() == 0).await;
    open.send_replace(true);
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 1);
}

#[tokio::test]
async fn refreshes_inside_the_window_and_not_before() {
    let feed = ScriptFeed::new(vec![
        Ok(creds(1, t0() + minutes(60))),
        Ok(creds(2, t0() + minutes(120))),
    ]);
    let fx = serve(&feed).await;
    assert_eq!(fx.key().await, key(1));
    // 6 minutes left: outside the 5-minute window, served from the cache.
    fx.clock.set(t0() + minutes(54));
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 1);
    // 5 minutes left: inside the window, one refresh.
    fx.clock.set(t0() + minutes(55));
    assert_eq!(fx.key().await, key(2));
    assert_eq!(fx.key().await, key(2));
    assert_eq!(feed.calls(), 2);
    assert_eq!(feed.forced.load(Ordering::SeqCst), 0);
    let status = fx.endpoint.status();
    assert_eq!(status.refreshes, 2);
    assert_eq!(status.last_refresh, Some(t0() + minutes(55)));
    assert_eq!(status.expiration, Some(t0() + minutes(120)));
}

#[tokio::test]
async fn the_window_is_configurable() {
    let feed = ScriptFeed::new(vec![
        Ok(creds(1, t0() + minutes(60))),
        Ok(creds(2, t0() + minutes(120))),
    ]);
    let fx = serve_with(&feed, |c| c.refresh_window = minutes(15)).await;
    assert_eq!(fx.key().await, key(1));
    fx.clock.set(t0() + minutes(44));
    assert_eq!(fx.key().await, key(1));
    fx.clock.set(t0() + minutes(46));
    assert_eq!(fx.key().await, key(2));
}

#[tokio::test]
async fn a_cached_answer_inside_the_window_is_asked_again_past_the_cache() {
    // The feed's cache (the store) still holds the old session; only a forced refresh helps.
    let feed = ScriptFeed::new(vec![
        Ok(creds(1, t0() + minutes(60))),
        Ok(creds(1, t0() + minutes(60))),
        Ok(creds(2, t0() + minutes(120))),
    ]);
    let fx = serve(&feed).await;
    assert_eq!(fx.key().await, key(1));
    fx.clock.set(t0() + minutes(57));
    assert_eq!(fx.key().await, key(2));
    assert_eq!(feed.calls(), 3);
    assert_eq!(feed.forced.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn short_lived_credentials_do_not_cause_a_refresh_per_request() {
    // The feed can only give credentials that are already inside the window.
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(3)))]);
    let fx = serve(&feed).await;
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 2, "cached answer, then a forced one");
    for _ in 0..5 {
        assert_eq!(fx.key().await, key(1));
    }
    assert_eq!(feed.calls(), 2);
    fx.clock.advance(RETRY_BACKOFF);
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 4);
}

#[tokio::test]
async fn a_failed_refresh_serves_the_last_good_credentials_until_they_expire() {
    let revoked = FeedError::failed("profile 'ops': AccessDenied: access revoked");
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60))), Err(revoked.clone())]);
    let fx = serve(&feed).await;
    assert_eq!(fx.key().await, key(1));

    fx.clock.set(t0() + minutes(56));
    assert_eq!(fx.key().await, key(1), "refresh failed: last good served");
    assert_eq!(feed.calls(), 2);
    let status = fx.endpoint.status();
    assert_eq!(status.last_error, Some(revoked.clone()));
    assert_eq!(status.expiration, Some(t0() + minutes(60)));
    assert_eq!(status.needs_user(), None);

    // Within the back-off the feed is left alone.
    assert_eq!(fx.key().await, key(1));
    fx.clock.advance(RETRY_BACKOFF - TimeDelta::seconds(1));
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 2);
    fx.clock.advance(TimeDelta::seconds(1));
    assert_eq!(fx.key().await, key(1));
    assert_eq!(feed.calls(), 3);

    // Expired: never served past it; the error instead.
    fx.clock.set(t0() + minutes(60));
    let reply = fx.get().await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(feed.calls(), 4);
    assert_eq!(reply.body["code"], "RefreshFailed");
    let message = reply.body["message"].as_str().unwrap();
    assert!(message.starts_with("rolecall: "), "{message}");
    assert!(
        message.contains("AccessDenied: access revoked"),
        "{message}"
    );
    assert_no_credentials(&reply);
    assert_eq!(
        fx.get().await.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "the error is served during the back-off too"
    );
    assert_eq!(feed.calls(), 4);
    let status = fx.endpoint.status();
    assert_eq!(status.failed_refreshes, 3);
    assert_eq!(status.requests_failed, 2);
}

#[tokio::test]
async fn a_refresh_that_needs_the_user_says_so() {
    let mfa = FeedError::needs_user(
        UserAction::MfaCode,
        "profile 'admin': an MFA code is needed for arn:aws:iam::123456789012:mfa/tester",
    );
    let feed = ScriptFeed::new(vec![Err(mfa), Ok(creds(2, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let reply = fx.get().await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.body["code"], "MfaCodeRequired");
    let message = reply.body["message"].as_str().unwrap();
    assert!(message.starts_with("rolecall: "), "{message}");
    assert!(message.contains("a new MFA code is needed"), "{message}");
    assert_eq!(fx.endpoint.status().needs_user(), Some(UserAction::MfaCode));
    // Once the user has acted, the TUI refreshes at once, back-off or not.
    assert_eq!(fx.endpoint.refresh_now().await.unwrap(), t0() + minutes(60));
    assert_eq!(fx.key().await, key(2));
    assert_eq!(fx.endpoint.status().needs_user(), None);
}

#[tokio::test]
async fn a_slow_refresh_does_not_hold_requests_while_the_old_credentials_are_valid() {
    let (feed, open) = ScriptFeed::gated(vec![
        Ok(creds(1, t0() + minutes(60))),
        Ok(creds(2, t0() + minutes(120))),
    ]);
    let fx = serve_with(&feed, |c| c.refresh_wait = Duration::from_millis(20)).await;
    // The first fetch goes through; the gate closes again for the refresh.
    open.send_replace(true);
    assert_eq!(fx.key().await, key(1));
    open.send_replace(false);
    fx.clock.set(t0() + minutes(58));
    for _ in 0..2 {
        let key_now = tokio::time::timeout(Duration::from_secs(10), fx.key())
            .await
            .expect("answered without waiting for the slow refresh");
        assert_eq!(key_now, key(1), "old but valid, while STS is slow");
    }
    assert_eq!(feed.calls(), 2, "still the one refresh");
    let mut status = fx.endpoint.subscribe();
    open.send_replace(true);
    status
        .wait_for(|s| s.refreshes == 2)
        .await
        .expect("the endpoint is running");
    assert_eq!(fx.key().await, key(2));
}

#[tokio::test]
async fn long_term_keys_are_refused_with_a_reason() {
    let mut keys = creds(1, t0());
    keys.session_token = None;
    keys.expiration = None;
    let feed = ScriptFeed::new(vec![Ok(keys)]);
    let fx = serve(&feed).await;
    let reply = fx.get().await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .contains("long-term keys"),
        "{}",
        reply.body
    );
    assert_no_credentials(&reply);
}

#[tokio::test]
async fn expired_credentials_from_the_feed_are_not_served() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() - minutes(1)))]);
    let fx = serve(&feed).await;
    let reply = fx.get().await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.body["message"].as_str().unwrap().contains("expired"));
    assert_no_credentials(&reply);
}

/// The kernel's view of a listening TCP socket on `port`: its local address in
/// /proc/net/tcp's hex notation, and whether any IPv6 socket listens on it.
fn listeners(port: u16) -> (Vec<String>, bool) {
    let find = |file: &str| -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (addr, local_port) = fields[1].split_once(':')?;
                (u16::from_str_radix(local_port, 16).ok()? == port && fields[3] == "0A")
                    .then(|| addr.to_string())
            })
            .collect()
    };
    (find("/proc/net/tcp"), !find("/proc/net/tcp6").is_empty())
}

#[tokio::test]
async fn it_listens_on_127_0_0_1_only() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let addr = fx.endpoint.addr();
    assert_eq!(addr.ip(), std::net::Ipv4Addr::LOCALHOST);
    assert_eq!(
        fx.endpoint.url(),
        format!("http://127.0.0.1:{}/", addr.port())
    );
    let (v4, v6) = listeners(addr.port());
    assert_eq!(v4, ["0100007F"], "one IPv4 listener, on 127.0.0.1");
    assert!(!v6, "no IPv6 listener");
}

#[tokio::test]
async fn the_token_shows_nowhere_but_in_the_child_environment() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let other = serve(&feed).await;
    let token = fx.token();
    assert_ne!(token, other.token(), "a fresh token for every endpoint");
    let shown = format!(
        "{:?} {:?} {:?}",
        fx.endpoint,
        fx.endpoint.served_env(),
        fx.endpoint.status()
    );
    assert!(!shown.contains(&token), "{shown}");
    assert!(!shown.contains(&token[..16]), "{shown}");

    // Everything the SDKs would prefer to the endpoint (see served_env.rs) is removed.
    let removed: Vec<&str> = ServedEnv::removed_vars().collect();
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
    ] {
        assert!(removed.contains(&var), "{var} is not in the removed list");
    }
    let mut command = std::process::Command::new("env");
    for var in &removed {
        command.env(var, "from-the-parent");
    }
    fx.endpoint.served_env().apply(&mut command);
    let envs: Vec<(String, Option<String>)> = command
        .get_envs()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.map(|v| v.to_string_lossy().into_owned()),
            )
        })
        .collect();
    for var in &removed {
        assert!(
            envs.contains(&(var.to_string(), None)),
            "{var} is not removed: {envs:?}"
        );
    }
    assert!(envs.contains(&(FULL_URI_VAR.into(), Some(fx.endpoint.url().into()))));
    assert!(envs.contains(&(AUTHORIZATION_TOKEN_VAR.into(), Some(token))));
    assert!(envs.contains(&("ROLECALL_SERVED".into(), Some("1".into()))));
    assert_eq!(command.get_args().count(), 0, "nothing in the arguments");
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_endpoint() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let addr = fx.endpoint.addr();
    assert_eq!(fx.key().await, key(1));
    fx.endpoint.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let fx = serve(&feed).await;
    let addr = fx.endpoint.addr();
    assert_eq!(fx.key().await, key(1));
    drop(fx);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still listening after drop");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[test]
fn the_handle_and_its_parts_can_move_between_tasks() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<CredentialServer>();
    send_sync::<ServedEnv>();
    send_sync::<ServerStatus>();
    send_sync::<FeedError>();
}

/// The start of a request whose head never ends, as a slowloris sends it.
const PARTIAL_HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: aaaa";

/// Opens `n` connections in order; every other one sends [`PARTIAL_HEAD`], the rest nothing.
async fn flood(addr: std::net::SocketAddr, n: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt;
    let mut streams = Vec::new();
    for i in 0..n {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        if i % 2 == 0 {
            stream.write_all(PARTIAL_HEAD).await.unwrap();
        }
        streams.push(stream);
    }
    streams
}

/// Waits until the server closes `stream` (end of file or a reset); returns what it sent
/// before. Fails after 10 s.
async fn closed_by_server(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut chunk = [0u8; 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server did not close the connection");
    received
}

#[tokio::test]
async fn past_the_connection_limit_the_oldest_waiting_connections_close_and_a_client_is_served() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve_with(&feed, |config| {
        config.max_connections = 4;
        // Only the limit can close them here.
        config.header_read_timeout = Duration::from_secs(3600);
    })
    .await;
    let mut streams = flood(fx.endpoint.addr(), 4 + 3).await;
    for stream in &mut streams[..3] {
        assert_eq!(
            closed_by_server(stream).await,
            b"",
            "closed without an answer"
        );
    }
    // A real client arriving at a full endpoint is served.
    assert_eq!(fx.key().await, key(1));
    assert_eq!(fx.key().await, key(1));
}

#[tokio::test]
async fn idle_and_half_sent_connections_close_after_the_header_timeout() {
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve_with(&feed, |config| {
        config.header_read_timeout = Duration::from_millis(200);
    })
    .await;
    for mut stream in flood(fx.endpoint.addr(), 2).await {
        closed_by_server(&mut stream).await;
    }
    assert_eq!(fx.key().await, key(1));
}

#[tokio::test]
async fn a_request_head_past_the_bound_is_refused_and_its_connection_closed() {
    use tokio::io::AsyncWriteExt;
    let feed = ScriptFeed::new(vec![Ok(creds(1, t0() + minutes(60)))]);
    let fx = serve(&feed).await;
    let mut stream = tokio::net::TcpStream::connect(fx.endpoint.addr())
        .await
        .unwrap();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nX-Pad: {}\r\n\r\n",
        fx.token(),
        "a".repeat(2 * MAX_REQUEST_HEAD)
    );
    // The server may close before it has read everything; what it answered is what counts.
    let _ = stream.write_all(head.as_bytes()).await;
    let answer = closed_by_server(&mut stream).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        answer.lines().next().unwrap_or("nothing")
    );
    assert!(!answer.contains("AccessKeyId"));
}

#[test]
fn the_connection_limit_leaves_half_the_file_descriptors_to_the_rest() {
    assert_eq!(connection_limit(MAX_CONNECTIONS, Some(1024)), 512);
    assert_eq!(
        connection_limit(MAX_CONNECTIONS, Some(1 << 20)),
        MAX_CONNECTIONS
    );
    assert_eq!(connection_limit(MAX_CONNECTIONS, None), MAX_CONNECTIONS);
    assert_eq!(connection_limit(0, Some(1024)), 1);
}
