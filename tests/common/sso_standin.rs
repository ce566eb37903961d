//! A loopback stand-in for IAM Identity Center: the OIDC service (`sso-oidc`) and the
//! access portal (`sso`) on one port, speaking their restJson1 wire protocol.
//!
//! No emulator implements these two APIs (moto does not), so the tests and the discovery
//! benchmark talk to this. It answers as the real services do: JSON bodies, the exception's
//! name in `x-amzn-errortype`, HTTP 400 for OIDC's AuthorizationPending / SlowDown /
//! ExpiredToken / AccessDenied / InvalidGrant / InvalidClient, 401 Unauthorized, 403
//! Forbidden and 404 ResourceNotFound for the portal; the bearer token in
//! `x-amz-sso_bearer_token`; `nextToken` paging capped at [`Behaviour::page_size`]. It
//! records every request. Secrets it hands out carry recognisable prefixes
//! ([`SECRET_MARKERS`]) so tests can check none reaches an output.

use super::read_request;
use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Prefixes of every secret the stand-in issues.
pub const SECRET_MARKERS: [&str; 6] = [
    "SSO-ACCESS-TOKEN-",
    "SSO-REFRESH-TOKEN-",
    "SSO-CLIENT-SECRET-",
    "SSO-DEVICE-CODE-",
    "SSO-ROLE-SECRET-",
    "SSO-AUTH-CODE-",
];

/// How a device sign-in ends once the pending rounds are over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Approve,
    /// `access_denied`: the person refused in the browser.
    Deny,
    /// `expired_token`: the device code expired.
    Expire,
    /// Never approved: `authorization_pending` for ever.
    Pending,
}

/// What the stand-in does; change it between steps with [`SsoStandin::behaviour`].
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Accounts as (id, name), in the portal's order.
    pub accounts: Vec<(String, String)>,
    /// Role names of each account (by id); an account missing here has none.
    pub roles: HashMap<String, Vec<String>>,
    /// The most items one page holds, whatever `max_result` asks.
    pub page_size: usize,
    /// CreateToken polls answered `slow_down` first, then `authorization_pending`.
    pub slow_down_rounds: usize,
    pub pending_rounds: usize,
    pub outcome: Outcome,
    /// StartDeviceAuthorization's `interval` and `expiresIn`.
    pub interval: i32,
    pub device_expires_in: i32,
    /// CreateToken's `expiresIn`.
    pub token_expires_in: i32,
    /// Whether CreateToken hands out refresh tokens (when the client registered scopes).
    pub refresh_tokens: bool,
    /// (account, role) pairs GetRoleCredentials refuses with 403 ForbiddenException.
    pub forbidden: HashSet<(String, String)>,
    /// Every portal call answers 401, whatever the token.
    pub reject_all_tokens: bool,
    /// Logout answers 500.
    pub fail_logout: bool,
    /// Every request is answered with this status and body instead, which is not the
    /// services' JSON: garbage, an answer cut short, an HTML error page, a huge body.
    pub raw_answer: Option<(u16, String)>,
    /// StartDeviceAuthorization's `userCode`.
    pub user_code: String,
    /// StartDeviceAuthorization's `verificationUri` (default: the stand-in's `/device`).
    pub verification_uri: Option<String>,
    /// The authorize step redirects with this `error` instead of a code (the person
    /// refused, or a hostile value).
    pub authorize_error: Option<String>,
    /// Throttling, as the portal does it: the next this many ListAccounts and
    /// ListAccountRoles calls answer HTTP 429 `TooManyRequestsException` (a burst).
    pub throttle_next: usize,
    /// ListAccounts and ListAccountRoles calls beyond this many in any second (real time)
    /// answer 429: the portal's quota, for the discovery benchmark.
    pub calls_per_second: Option<usize>,
    /// ListAccountRoles of these accounts answers HTTP 500 this many times first.
    pub failing_accounts: HashMap<String, usize>,
    /// A portal (or proxy) that pages without end: the next this many pages of this path
    /// (`/assignment/accounts` or `/assignment/roles`) answer `nextToken` `again`, which
    /// gives the first page again, with the same token.
    pub repeating_pages: Option<(&'static str, usize)>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            accounts: Vec::new(),
            roles: HashMap::new(),
            page_size: 100,
            slow_down_rounds: 0,
            pending_rounds: 0,
            outcome: Outcome::Approve,
            interval: 1,
            device_expires_in: 600,
            token_expires_in: 8 * 3600,
            refresh_tokens: true,
            forbidden: HashSet::new(),
            reject_all_tokens: false,
            fail_logout: false,
            raw_answer: None,
            user_code: "ABCD-EFGH".into(),
            verification_uri: None,
            authorize_error: None,
            throttle_next: 0,
            calls_per_second: None,
            failing_accounts: HashMap::new(),
            repeating_pages: None,
        }
    }
}

impl Behaviour {
    /// `n` accounts `000000000001…` named `Account 1…`, each with `roles`.
    pub fn with_accounts(mut self, n: usize, roles: &[&str]) -> Self {
        for i in 1..=n {
            let id = format!("{i:012}");
            self.roles
                .insert(id.clone(), roles.iter().map(|r| r.to_string()).collect());
            self.accounts.push((id, format!("Account {i}")));
        }
        self
    }
}

/// The account a hostile (or misdirected) portal gives: its role names try to become lines
/// of the config file, escape sequences and comments; it has one ordinary role, `Good`.
pub const HOSTILE_ACCOUNT: &str = "000000000009";

/// Role names of [`HOSTILE_ACCOUNT`] that cannot be written as one line of the config file
/// (`PWNED` stands for a path the test chooses).
pub const UNWRITABLE_ROLES: [&str; 13] = [
    "Admin\n[profile x]\ncredential_process = touch PWNED",
    "Admin\n[default]\ncredential_process = touch PWNED",
    "Admin\r[profile x]\rcredential_process = touch PWNED",
    "Admin\r\n  continued = yes",
    "Admin\0NUL",
    "Admin\u{1b}]52;c;cHduZWQ=\u{7}",
    "Admin\u{9b}31m",
    "Admin\u{2028}[profile x]",
    " Admin",
    "Admin\t",
    "Admin #comment",
    "; Admin",
    "",
];

/// Role names of [`HOSTILE_ACCOUNT`] that look odd but are one safe line each: written
/// as they are (their profile names are cut to the allowed characters).
pub const ODD_BUT_WRITABLE_ROLES: [&str; 5] = [
    "Admin=[profile x]",
    "quotes\"'and#hash;semi",
    "$(touch PWNED)",
    "Ünïcødé",
    "Good",
];

impl Behaviour {
    /// [`HOSTILE_ACCOUNT`] with [`UNWRITABLE_ROLES`], [`ODD_BUT_WRITABLE_ROLES`] and a role
    /// with a 5,000-character name; an account whose id is a config-file payload (role
    /// `Dev`); and an account whose name is one (role `Ops`, written: account names only
    /// reach the config through a profile name, cut to the allowed characters).
    pub fn with_hostile_accounts(mut self, pwned: &str) -> Self {
        let long = "L".repeat(5000);
        let roles = UNWRITABLE_ROLES
            .iter()
            .chain(&ODD_BUT_WRITABLE_ROLES)
            .map(|r| r.replace("PWNED", pwned))
            .chain([long])
            .collect();
        self.roles.insert(HOSTILE_ACCOUNT.into(), roles);
        self.accounts.push((
            HOSTILE_ACCOUNT.into(),
            "Hostile\n[profile h]\ncredential_process = touch PWNED".replace("PWNED", pwned),
        ));
        let bad_id = hostile_account_id(pwned);
        self.roles.insert(bad_id.clone(), vec!["Dev".into()]);
        self.accounts.push((bad_id, "Bad id".into()));
        self.roles.insert("000000000011".into(), vec!["Ops".into()]);
        self.accounts.push((
            "000000000011".into(),
            "Evil\u{1b}[2J\n[default]\ncredential_process = x".into(),
        ));
        self
    }
}

/// The account id [`Behaviour::with_hostile_accounts`] gives an account.
pub fn hostile_account_id(pwned: &str) -> String {
    format!("000000000010\n[profile y]\ncredential_process = touch {pwned}")
}

/// One request as the stand-in saw it.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Default)]
struct State {
    behaviour: Behaviour,
    requests: Vec<SeenRequest>,
    counter: u64,
    /// client id → (secret, registered scopes)
    clients: HashMap<String, (String, Vec<String>)>,
    /// device code → (client id, polls so far)
    devices: HashMap<String, (String, usize)>,
    access_tokens: HashSet<String>,
    /// refresh token → client id
    refresh_tokens: HashMap<String, String>,
    /// The authorization-code side: see [`AuthCodeState`].
    auth: AuthCodeState,
    /// When the list calls of the last second were answered (for `calls_per_second`).
    recent_calls: std::collections::VecDeque<std::time::Instant>,
    /// How many list calls were answered 429.
    throttled: usize,
}

/// The running stand-in; see the module documentation. Lives as long as the test.
pub struct SsoStandin {
    pub url: String,
    state: Arc<Mutex<State>>,
}

type Reply = (u16, Option<&'static str>, serde_json::Value);

impl SsoStandin {
    pub fn start(behaviour: Behaviour) -> SsoStandin {
        let state = Arc::new(Mutex::new(State {
            behaviour,
            ..State::default()
        }));
        let shared = state.clone();
        let url = super::serve_connections(move |stream, base| serve(stream, &shared, base));
        SsoStandin { url, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes what the stand-in does from now on.
    pub fn behaviour(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.lock().behaviour);
    }

    /// Accepts `token` as a valid access token (one "`aws sso login`" obtained).
    pub fn accept_token(&self, token: &str) {
        self.lock().access_tokens.insert(token.to_string());
    }

    /// Accepts `refresh_token` for `client_id` (with `client_secret`).
    pub fn accept_refresh_token(&self, refresh_token: &str, client_id: &str, client_secret: &str) {
        let mut state = self.lock();
        state
            .clients
            .insert(client_id.into(), (client_secret.into(), Vec::new()));
        state
            .refresh_tokens
            .insert(refresh_token.into(), client_id.into());
    }

    /// Accepts `client_id` (with `client_secret`) as registered for the authorization code
    /// with the loopback redirect URI and `scopes` (one `aws sso login` registered).
    pub fn accept_auth_code_client(&self, client_id: &str, client_secret: &str, scopes: &[&str]) {
        let mut state = self.lock();
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        state
            .clients
            .insert(client_id.into(), (client_secret.into(), scopes));
        state
            .auth
            .clients
            .insert(client_id.into(), vec![LOOPBACK_REDIRECT_URI.into()]);
    }

    /// Whether `token` is still accepted (Logout revokes it).
    pub fn token_is_valid(&self, token: &str) -> bool {
        self.lock().access_tokens.contains(token)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.lock().requests.clone()
    }

    /// How many ListAccounts and ListAccountRoles calls were answered 429 so far.
    pub fn throttled(&self) -> usize {
        self.lock().throttled
    }

    /// The requests to `path` so far.
    pub fn requests_to(&self, path: &str) -> Vec<SeenRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, base: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    while let Some((request, close)) = next_request(&mut reader) {
        let mut location = None;
        let (status, error_type, body) = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            state.requests.push(request.clone());
            match state.behaviour.raw_answer.clone() {
                Some((status, body)) => (status, None, body),
                None => {
                    let (status, error_type, mut body) = handle(&mut state, &request, base);
                    if let Some(to) = body.get("location").and_then(|l| l.as_str()) {
                        location = Some(to.to_string());
                        body = serde_json::Value::Null;
                    }
                    let body = if body.is_null() {
                        String::new()
                    } else {
                        body.to_string()
                    };
                    (status, error_type, body)
                }
            }
        };
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            reason(status),
            body.len()
        );
        if let Some(t) = error_type {
            head.push_str(&format!("x-amzn-errortype: {t}\r\n"));
        }
        if let Some(to) = location {
            head.push_str(&format!("Location: {to}\r\n"));
        }
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        // One write: a head and a body sent apart wait out the peer's delayed ACK (Nagle).
        head.push_str(&body);
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        let _ = writer.flush();
        if close {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    }
}

/// One HTTP/1.1 request and whether the client asked to close the connection after it.
fn next_request(reader: &mut BufReader<TcpStream>) -> Option<(SeenRequest, bool)> {
    let request = read_request(reader)?;
    let close = request
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let (path, query) = match request.path.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (request.path.clone(), HashMap::new()),
    };
    let seen = SeenRequest {
        method: request.method,
        path,
        query,
        headers: request.headers,
        body: request.body,
    };
    Some((seen, close))
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn oauth_error(exception: &'static str, code: &str) -> Reply {
    (
        400,
        Some(exception),
        serde_json::json!({"error": code, "error_description": format!("{code} (stand-in)")}),
    )
}

fn portal_error(status: u16, exception: &'static str, message: &str) -> Reply {
    (
        status,
        Some(exception),
        serde_json::json!({"message": message}),
    )
}

fn handle(state: &mut State, req: &SeenRequest, base: &str) -> Reply {
    state.counter += 1;
    let n = state.counter;
    let body = req.json();
    let field = |name: &str| body[name].as_str().unwrap_or("").to_string();
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/client/register") => {
            let id = format!("client-{n}");
            let secret = format!("SSO-CLIENT-SECRET-{n}");
            state.auth.remember_registration(&id, &body);
            let scopes: Vec<String> = body["scopes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            state.clients.insert(id.clone(), (secret.clone(), scopes));
            (
                200,
                None,
                serde_json::json!({
                    "clientId": id,
                    "clientSecret": secret,
                    "clientIdIssuedAt": now_secs(),
                    "clientSecretExpiresAt": now_secs() + 90 * 86400,
                }),
            )
        }
        ("POST", "/device_authorization") => {
            if !client_ok(state, &field("clientId"), &field("clientSecret")) {
                return oauth_error("InvalidClientException", "invalid_client");
            }
            let code = format!("SSO-DEVICE-CODE-{n}");
            state.devices.insert(code.clone(), (field("clientId"), 0));
            let b = &state.behaviour;
            let uri = b
                .verification_uri
                .clone()
                .unwrap_or_else(|| format!("{base}/device"));
            (
                200,
                None,
                serde_json::json!({
                    "deviceCode": code,
                    "userCode": b.user_code,
                    "verificationUriComplete": format!("{uri}?user_code={}", b.user_code),
                    "verificationUri": uri,
                    "expiresIn": b.device_expires_in,
                    "interval": b.interval,
                }),
            )
        }
        ("POST", "/token") => {
            let client_id = field("clientId");
            if !client_ok(state, &client_id, &field("clientSecret")) {
                return oauth_error("InvalidClientException", "invalid_client");
            }
            match field("grantType").as_str() {
                "urn:ietf:params:oauth:grant-type:device_code" => {
                    device_token(state, &field("deviceCode"), n)
                }
                "authorization_code" => auth_code_token(state, req, n),
                "refresh_token" => {
                    let rt = field("refreshToken");
                    if state.refresh_tokens.get(&rt) != Some(&client_id) {
                        return oauth_error("InvalidGrantException", "invalid_grant");
                    }
                    state.refresh_tokens.remove(&rt);
                    issue_token(state, &client_id, n, true)
                }
                _ => oauth_error("UnsupportedGrantTypeException", "unsupported_grant_type"),
            }
        }
        ("GET", "/authorize") => authorize(state, req, n),
        (
            _,
            "/federation/credentials" | "/assignment/accounts" | "/assignment/roles" | "/logout",
        ) => {
            let token = req.header("x-amz-sso_bearer_token").unwrap_or("");
            if state.behaviour.reject_all_tokens || !state.access_tokens.contains(token) {
                return portal_error(
                    401,
                    "UnauthorizedException",
                    "Session token not found or invalid",
                );
            }
            if let Some(refused) = throttle(state, req) {
                return refused;
            }
            portal(state, req, token, n)
        }
        _ => (
            404,
            Some("UnknownOperationException"),
            serde_json::json!({"message": "no such operation"}),
        ),
    }
}

/// The portal's throttling of ListAccounts and ListAccountRoles, in its own shape: HTTP
/// 429, the exception in `x-amzn-ErrorType` with the service's namespace after a colon, and
/// the message the real one gives. Then the failing accounts' 500s.
fn throttle(state: &mut State, req: &SeenRequest) -> Option<Reply> {
    if !matches!(
        req.path.as_str(),
        "/assignment/accounts" | "/assignment/roles"
    ) {
        return None;
    }
    let now = std::time::Instant::now();
    while state
        .recent_calls
        .front()
        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
    {
        state.recent_calls.pop_front();
    }
    let b = &mut state.behaviour;
    let over_quota = b
        .calls_per_second
        .is_some_and(|limit| state.recent_calls.len() >= limit);
    if b.throttle_next > 0 || over_quota {
        b.throttle_next = b.throttle_next.saturating_sub(1);
        state.throttled += 1;
        return Some(portal_error(
            429,
            "TooManyRequestsException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
            "HTTP 429 Unknown Code",
        ));
    }
    state.recent_calls.push_back(now);
    let account = req.query.get("account_id").cloned().unwrap_or_default();
    match b.failing_accounts.get_mut(&account) {
        Some(left) if *left > 0 && req.path == "/assignment/roles" => {
            *left -= 1;
            Some(portal_error(
                500,
                "InternalServerException",
                "stand-in failure",
            ))
        }
        _ => None,
    }
}

fn client_ok(state: &State, id: &str, secret: &str) -> bool {
    state.clients.get(id).is_some_and(|(s, _)| s == secret)
}

fn device_token(state: &mut State, device_code: &str, n: u64) -> Reply {
    let Some((client_id, polls)) = state.devices.get_mut(device_code) else {
        return oauth_error("InvalidGrantException", "invalid_grant");
    };
    *polls += 1;
    let polls = *polls;
    let client_id = client_id.clone();
    let b = &state.behaviour;
    if polls <= b.slow_down_rounds {
        return oauth_error("SlowDownException", "slow_down");
    }
    if polls <= b.slow_down_rounds + b.pending_rounds {
        return oauth_error("AuthorizationPendingException", "authorization_pending");
    }
    match b.outcome {
        Outcome::Approve => {
            state.devices.remove(device_code);
            let scoped = state
                .clients
                .get(&client_id)
                .is_some_and(|(_, s)| !s.is_empty());
            issue_token(state, &client_id, n, scoped)
        }
        Outcome::Deny => oauth_error("AccessDeniedException", "access_denied"),
        Outcome::Expire => oauth_error("ExpiredTokenException", "expired_token"),
        Outcome::Pending => oauth_error("AuthorizationPendingException", "authorization_pending"),
    }
}

fn issue_token(state: &mut State, client_id: &str, n: u64, with_refresh: bool) -> Reply {
    let access = format!("SSO-ACCESS-TOKEN-{n}");
    state.access_tokens.insert(access.clone());
    let mut out = serde_json::json!({
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": state.behaviour.token_expires_in,
    });
    if with_refresh && state.behaviour.refresh_tokens {
        let refresh = format!("SSO-REFRESH-TOKEN-{n}");
        state
            .refresh_tokens
            .insert(refresh.clone(), client_id.to_string());
        out["refreshToken"] = refresh.into();
    }
    (200, None, out)
}

/// One page of `items` from `next_token` (an offset), at most `max_result` and the
/// behaviour's page size.
fn page<T: Clone>(items: &[T], req: &SeenRequest, page_size: usize) -> (Vec<T>, Option<String>) {
    let start: usize = req
        .query
        .get("next_token")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let asked: usize = req
        .query
        .get("max_result")
        .and_then(|m| m.parse().ok())
        .unwrap_or(page_size);
    let size = asked.min(page_size).max(1);
    let end = (start + size).min(items.len());
    let slice = items.get(start..end).map(<[T]>::to_vec).unwrap_or_default();
    (slice, (end < items.len()).then(|| end.to_string()))
}

/// The `nextToken` of a page of `req.path`: `again` while
/// [`Behaviour::repeating_pages`] lasts, else `next`.
fn next_token(b: &mut Behaviour, req: &SeenRequest, next: Option<String>) -> Option<String> {
    match &mut b.repeating_pages {
        Some((path, left)) if *path == req.path && *left > 0 => {
            *left -= 1;
            Some("again".into())
        }
        _ => next,
    }
}

fn portal(state: &mut State, req: &SeenRequest, token: &str, n: u64) -> Reply {
    let b = &mut state.behaviour;
    let q = |k: &str| req.query.get(k).cloned().unwrap_or_default();
    match req.path.as_str() {
        "/federation/credentials" => {
            let (account, role) = (q("account_id"), q("role_name"));
            if b.forbidden.contains(&(account.clone(), role.clone())) {
                return portal_error(403, "ForbiddenException", "No access");
            }
            let known = b.roles.get(&account).is_some_and(|r| r.contains(&role));
            if !known {
                return portal_error(404, "ResourceNotFoundException", "Could not find the role");
            }
            let expiration = (now_secs() + 3600) * 1000;
            (
                200,
                None,
                serde_json::json!({"roleCredentials": {
                    "accessKeyId": format!("ASIASTANDIN{n:02}EXAMPLE"),
                    "secretAccessKey": format!("SSO-ROLE-SECRET-{n}"),
                    "sessionToken": format!("SSO-ROLE-SESSION-{n}"),
                    "expiration": expiration,
                }}),
            )
        }
        "/assignment/accounts" => {
            let (items, next) = page(&b.accounts, req, b.page_size);
            let next = next_token(b, req, next);
            let list: Vec<_> = items
                .iter()
                .map(|(id, name)| serde_json::json!({"accountId": id, "accountName": name, "emailAddress": format!("{id}@example.com")}))
                .collect();
            (
                200,
                None,
                serde_json::json!({"accountList": list, "nextToken": next}),
            )
        }
        "/assignment/roles" => {
            let account = q("account_id");
            let Some(roles) = b.roles.get(&account) else {
                return portal_error(403, "ForbiddenException", "No access");
            };
            let (items, next) = page(roles, req, b.page_size);
            let next = next_token(b, req, next);
            let list: Vec<_> = items
                .iter()
                .map(|r| serde_json::json!({"roleName": r, "accountId": account}))
                .collect();
            (
                200,
                None,
                serde_json::json!({"roleList": list, "nextToken": next}),
            )
        }
        _ => {
            if b.fail_logout {
                return portal_error(500, "InternalServerException", "logout failed (stand-in)");
            }
            state.access_tokens.remove(token);
            (200, None, serde_json::Value::Null)
        }
    }
}

// ---- The authorization code and PKCE: the authorize redirect and the grant ----

/// What the stand-in knows of the authorization-code flow.
#[derive(Default)]
struct AuthCodeState {
    /// client id → redirect URIs, for clients registered with the `authorization_code` grant.
    clients: HashMap<String, Vec<String>>,
    /// authorization code → what it was issued for.
    codes: HashMap<String, IssuedCode>,
}

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
}

/// The redirect URI a client registers for the loopback, as the AWS CLI does (no port).
pub const LOOPBACK_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

impl AuthCodeState {
    fn remember_registration(&mut self, id: &str, body: &serde_json::Value) {
        let list = |name: &str| -> Vec<String> {
            body[name]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        if list("grantTypes").iter().any(|g| g == "authorization_code") {
            self.clients.insert(id.to_string(), list("redirectUris"));
        }
    }
}

/// Whether `redirect_uri` matches a registered one: the same, or a loopback one that
/// differs only by its port (RFC 8252, section 7.3).
fn redirect_allowed(registered: &[String], redirect_uri: &str) -> bool {
    let without_port = redirect_uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(port, _)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, path)| format!("http://127.0.0.1/{path}"));
    registered
        .iter()
        .any(|r| r == redirect_uri || Some(r) == without_port.as_ref())
}

/// `GET /authorize`: checks the request as the service does, then redirects the browser to
/// the redirect URI with a code (or the behaviour's error) and the state.
fn authorize(state: &mut State, req: &SeenRequest, n: u64) -> Reply {
    let q = |k: &str| req.query.get(k).cloned().unwrap_or_default();
    let (client_id, redirect_uri) = (q("client_id"), q("redirect_uri"));
    let Some(registered) = state.auth.clients.get(&client_id) else {
        return oauth_error("InvalidClientException", "invalid_client");
    };
    if !redirect_allowed(registered, &redirect_uri) {
        return oauth_error("InvalidRequestException", "invalid_redirect_uri");
    }
    let challenge = q("code_challenge");
    let well_formed = q("response_type") == "code"
        && q("code_challenge_method") == "S256"
        && challenge.len() == 43
        && !q("state").is_empty()
        && !q("scopes").is_empty();
    if !well_formed {
        return oauth_error("InvalidRequestException", "invalid_request");
    }
    let encode = |v: &str| {
        percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let outcome = match &state.behaviour.authorize_error {
        Some(error) => format!("error={}", encode(error)),
        None => {
            let code = format!("SSO-AUTH-CODE-{n}");
            let issued = IssuedCode {
                client_id,
                redirect_uri: redirect_uri.clone(),
                challenge,
            };
            state.auth.codes.insert(code.clone(), issued);
            format!("code={code}")
        }
    };
    let location = format!("{redirect_uri}?{outcome}&state={}", encode(&q("state")));
    (302, None, serde_json::json!({ "location": location }))
}

/// CreateToken with `grant_type=authorization_code`: the code must be one issued to this
/// client for this redirect URI, and SHA-256 of the verifier must be its challenge. A code
/// buys one token; a wrong verifier does not use it up.
fn auth_code_token(state: &mut State, req: &SeenRequest, n: u64) -> Reply {
    let body = req.json();
    let field = |name: &str| body[name].as_str().unwrap_or("").to_string();
    let code = field("code");
    let Some(issued) = state.auth.codes.get(&code) else {
        return oauth_error("InvalidGrantException", "invalid_grant");
    };
    if issued.client_id != field("clientId") {
        return oauth_error("InvalidGrantException", "invalid_grant");
    }
    if issued.redirect_uri != field("redirectUri") {
        return oauth_error("InvalidRequestException", "invalid_request");
    }
    if s256(&field("codeVerifier")) != issued.challenge {
        return oauth_error("InvalidGrantException", "invalid_grant");
    }
    let client_id = issued.client_id.clone();
    state.auth.codes.remove(&code);
    let scoped = state
        .clients
        .get(&client_id)
        .is_some_and(|(_, s)| !s.is_empty());
    issue_token(state, &client_id, n, scoped)
}

/// BASE64URL(SHA-256(verifier)) without padding: RFC 7636's S256.
pub fn s256(verifier: &str) -> String {
    use sha2::Digest;
    aws_smithy_types::base64::encode(sha2::Sha256::digest(verifier.as_bytes()))
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// What a test browser saw.
#[derive(Debug)]
pub struct BrowserVisit {
    /// The authorize step's status (302 when it redirected).
    pub authorize_status: u16,
    /// Where it redirected to (rolecall's listener).
    pub location: Option<String>,
    /// The listener's answer: status and page.
    pub page: Option<(u16, String)>,
}

/// A test "browser": opens `url` (the authorize URL), follows the redirect to rolecall's
/// listener, and returns what it saw.
pub fn follow_in_browser(url: &str) -> BrowserVisit {
    let (authorize_status, head, _) = http_get(url);
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("Location: ")
                .or_else(|| l.strip_prefix("location: "))
        })
        .map(|l| l.trim().to_string());
    let page = location.as_deref().map(|to| {
        let (status, _, body) = http_get(to);
        (status, body)
    });
    BrowserVisit {
        authorize_status,
        location,
        page,
    }
}

/// `GET url` (plain HTTP on loopback): the status, the head and the body.
pub fn http_get(url: &str) -> (u16, String, String) {
    use std::io::Read;
    let rest = url.strip_prefix("http://").expect("a loopback http URL");
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    assert!(host.starts_with("127.0.0.1:"), "not loopback: {url}");
    let target = if target.is_empty() { "/" } else { target };
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test-browser\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}
