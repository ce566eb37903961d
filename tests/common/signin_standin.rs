//! A loopback stand-in for the AWS sign-in service's token endpoint (`POST /v1/token`,
//! CreateOAuth2Token, restJson1), as `aws login` sessions refresh against it.
//!
//! It checks what the real service checks of a refresh: the JSON body (`clientId`,
//! `grantType = refresh_token`, `refreshToken`), and the `DPoP` header (RFC 9449): a JWT
//! with `typ = dpop+jwt`, `alg = ES256` and the public key in `jwk`, whose ES256 signature
//! that key verifies, whose key is the one the refresh token is bound to, whose claims say
//! `htm = POST`, `htu` = the URL the request was sent to, an `iat` within 5 minutes of now,
//! and a `jti` never seen before. A good refresh answers new 15-minute credentials and a
//! new refresh token; the old one stops working (rotation).
//!
//! The sign-in itself: `GET /v1/authorize` checks what `aws login` sends (the same-device
//! client, `response_type=code`, `scope=openid`, an S256 `code_challenge`, a `state`, a
//! loopback `redirect_uri` ending in `/oauth/callback`), "signs in" [`SigninStandin::identity`]
//! and redirects (302) to the redirect URI with a code and the state. CreateOAuth2Token with
//! `grantType = authorization_code` then checks the code, that the redirect URI is the one
//! authorized, that the verifier hashes to the challenge, and the DPoP proof; it binds the
//! new refresh token to the proof's key and answers an `idToken` whose `sub` is the ARN.
//!
//! Errors as the service's model has them: the exception's name in `x-amzn-errortype`, a
//! body `{"error": <OAuth2ErrorCode>, "message": …}`: AccessDeniedException `TOKEN_EXPIRED`
//! (an unknown, used or expired refresh token), ValidationException `invalid_request` (a
//! missing or bad proof), TooManyRequestsError `rate_exceeded` with HTTP 429.

use super::read_request;
use super::Request;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Prefixes of every secret the stand-in hands out, for the no-leak checks.
pub const LOGIN_SECRET_MARKERS: [&str; 3] = ["LOGIN-SECRET-", "LOGIN-SESSION-", "LOGIN-REFRESH-"];

/// The client id the AWS CLI signs in as on the same device.
pub const CLIENT_ID: &str = "arn:aws:signin:::devtools/same-device";

#[derive(Default)]
struct State {
    /// refresh token → the public key (x, y, base64url) it is bound to.
    refresh_tokens: HashMap<String, (String, String)>,
    jtis: HashSet<String>,
    counter: u64,
    /// The next this many requests are answered 429.
    throttle: usize,
    requests: Vec<Request>,
    /// Why each refused request was refused.
    refusals: Vec<String>,
    /// code → (code_challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    /// The ARN a sign-in names.
    identity: String,
    /// Run before answering the next refresh (another process at work meanwhile), and
    /// whether the refresh token is spent by then (another refresher won the race).
    before_refresh: Option<(Box<dyn FnOnce() + Send>, bool)>,
}

/// The running stand-in; see the module documentation.
pub struct SigninStandin {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// A refresh's answer: (status, x-amzn-errortype, body).
type Answer = (u16, Option<&'static str>, serde_json::Value);

impl SigninStandin {
    pub fn start() -> SigninStandin {
        let state = Arc::new(Mutex::new(State {
            identity: "arn:aws:iam::111122223333:user/alice".into(),
            ..State::default()
        }));
        let shared = state.clone();
        let url = super::serve_connections(move |stream, base| serve(stream, &shared, base));
        SigninStandin { url, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Accepts `refresh_token` from the holder of the key whose public point is (x, y).
    pub fn accept(&self, refresh_token: &str, jwk: (String, String)) {
        self.lock().refresh_tokens.insert(refresh_token.into(), jwk);
    }

    /// Forgets every refresh token: the console session is over.
    pub fn end_sessions(&self) {
        self.lock().refresh_tokens.clear();
    }

    /// The next `n` requests are throttled.
    pub fn throttle(&self, n: usize) {
        self.lock().throttle = n;
    }

    /// The next refresh loses a race: before it is answered, `contents` is written to
    /// `path` and the refresh token it uses is spent.
    pub fn lose_next_race(&self, path: std::path::PathBuf, contents: String) {
        let write = move || std::fs::write(path, contents).unwrap();
        self.lock().before_refresh = Some((Box::new(write), true));
    }

    /// Runs `action` before answering the next refresh (which then succeeds).
    pub fn before_next_refresh(&self, action: impl FnOnce() + Send + 'static) {
        self.lock().before_refresh = Some((Box::new(action), false));
    }

    /// Sign-ins from now on name `arn`.
    pub fn identity(&self, arn: &str) {
        self.lock().identity = arn.into();
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    pub fn refusals(&self) -> Vec<String> {
        self.lock().refusals.clone()
    }

    /// Whether `refresh_token` still works.
    pub fn accepts(&self, refresh_token: &str) -> bool {
        self.lock().refresh_tokens.contains_key(refresh_token)
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, base: &str) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let (status, error_type, body) = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            state.requests.push(request.clone());
            let answer = answer(&mut state, &request, base);
            if answer.0 >= 400 {
                let why = answer.2["message"].as_str().unwrap_or("").to_string();
                state.refusals.push(why);
            }
            answer
        };
        let body = body.to_string();
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = error_type {
            head.push_str(&format!("x-amzn-errortype: {t}\r\n"));
        }
        if let Some(location) = (status == 302).then(|| body_location(&body)).flatten() {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        let close = request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        if writer.write_all(head.as_bytes()).is_err() || close {
            return;
        }
    }
}

fn error(status: u16, kind: &'static str, code: &str, message: &str) -> Answer {
    (
        status,
        Some(kind),
        serde_json::json!({"error": code, "message": message}),
    )
}

fn answer(state: &mut State, request: &Request, base: &str) -> Answer {
    if state.throttle > 0 {
        state.throttle -= 1;
        return error(
            429,
            "TooManyRequestsError",
            "rate_exceeded",
            "Rate exceeded",
        );
    }
    if request.method == "GET" && request.path.starts_with("/v1/authorize?") {
        return authorize(state, &request.path);
    }
    if request.method != "POST" || request.path != "/v1/token" {
        return error(
            404,
            "ResourceNotFoundException",
            "RESOURCE_NOT_FOUND",
            "no such operation",
        );
    }
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap_or_default();
    if body["clientId"] == CLIENT_ID && body["grantType"] == "authorization_code" {
        return exchange_code(state, request, &body, base);
    }
    if body["clientId"] != CLIENT_ID || body["grantType"] != "refresh_token" {
        return error(
            400,
            "ValidationException",
            "invalid_request",
            "bad clientId or grantType",
        );
    }
    let refresh_token = body["refreshToken"].as_str().unwrap_or("").to_string();
    if let Some((action, spend)) = state.before_refresh.take() {
        action();
        if spend {
            state.refresh_tokens.remove(&refresh_token);
        }
    }
    let Some(bound) = state.refresh_tokens.get(&refresh_token).cloned() else {
        return error(
            400,
            "AccessDeniedException",
            "TOKEN_EXPIRED",
            "Your session has expired",
        );
    };
    let htu = format!("{base}/v1/token");
    if let Err(why) = check_proof(state, request.header("dpop"), &htu, &bound) {
        return error(400, "ValidationException", "invalid_request", &why);
    }
    state.refresh_tokens.remove(&refresh_token);
    issue(state, bound, None)
}

/// New credentials and a refresh token bound to `key` (and an ID token, for a sign-in).
fn issue(state: &mut State, key: (String, String), id_token: Option<String>) -> Answer {
    state.counter += 1;
    let n = state.counter;
    let new_refresh = format!("LOGIN-REFRESH-{n}-ROTATED");
    state.refresh_tokens.insert(new_refresh.clone(), key);
    let mut answer = serde_json::json!({
            "accessToken": {
                "accessKeyId": format!("ASIAREFRESHED{n:04}"),
                "secretAccessKey": format!("LOGIN-SECRET-{n}"),
                "sessionToken": format!("LOGIN-SESSION-{n}"),
            },
            "tokenType": "aws_sigv4",
            "expiresIn": 900,
            "refreshToken": new_refresh,
    });
    if let Some(id_token) = id_token {
        answer["idToken"] = id_token.into();
    }
    (200, None, answer)
}

/// The query of a request target, percent-decoded.
fn query(target: &str) -> HashMap<String, String> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let (_, q) = target.split_once('?').unwrap_or((target, ""));
    q.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// `GET /v1/authorize`: checks the request, then sends the browser back with a code.
fn authorize(state: &mut State, target: &str) -> Answer {
    let q = query(target);
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let redirect = get("redirect_uri");
    let problems = [
        (get("response_type") != "code", "response_type"),
        (get("client_id") != CLIENT_ID, "client_id"),
        (
            get("code_challenge_method") != "SHA-256",
            "code_challenge_method",
        ),
        (get("scope") != "openid", "scope"),
        (get("code_challenge").len() != 43, "code_challenge"),
        (get("state").is_empty(), "state"),
        (
            !redirect.starts_with("http://127.0.0.1:") || !redirect.ends_with("/oauth/callback"),
            "redirect_uri",
        ),
    ];
    if let Some((_, what)) = problems.iter().find(|(bad, _)| *bad) {
        return error(
            400,
            "ValidationException",
            "invalid_request",
            &format!("bad {what}"),
        );
    }
    state.counter += 1;
    let code = format!("LOGIN-CODE-{}", state.counter);
    state.codes.insert(
        code.clone(),
        (get("code_challenge").to_string(), redirect.to_string()),
    );
    let location = format!("{redirect}?code={code}&state={}", get("state"));
    (302, None, serde_json::json!({"location": location}))
}

/// CreateOAuth2Token with an authorization code: PKCE, the redirect URI, the proof.
fn exchange_code(
    state: &mut State,
    request: &Request,
    body: &serde_json::Value,
    base: &str,
) -> Answer {
    let code = body["code"].as_str().unwrap_or("");
    let Some((challenge, redirect)) = state.codes.remove(code) else {
        return error(
            400,
            "AccessDeniedException",
            "AUTHCODE_EXPIRED",
            "unknown or used code",
        );
    };
    if body["redirectUri"] != redirect.as_str() {
        return error(
            400,
            "ValidationException",
            "invalid_grant",
            "the redirect URI differs",
        );
    }
    let verifier = body["codeVerifier"].as_str().unwrap_or("");
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    if rolecall::login::dpop::base64url(&digest) != challenge {
        return error(
            400,
            "ValidationException",
            "invalid_grant",
            "the PKCE verifier does not match",
        );
    }
    let Some(key) = proof_key(request.header("dpop")) else {
        return error(400, "ValidationException", "invalid_request", "no DPoP key");
    };
    let htu = format!("{base}/v1/token");
    if let Err(why) = check_proof(state, request.header("dpop"), &htu, &key) {
        return error(400, "ValidationException", "invalid_request", &why);
    }
    let claims = serde_json::json!({"sub": state.identity}).to_string();
    let id_token = format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.c2lnbmF0dXJl",
        rolecall::login::dpop::base64url(claims.as_bytes())
    );
    issue(state, key, Some(id_token))
}

/// The public key in a proof's header (x, y), unchecked.
fn proof_key(proof: Option<&str>) -> Option<(String, String)> {
    let head = unbase64url(proof?.split('.').next()?)?;
    let header: serde_json::Value = serde_json::from_slice(&head).ok()?;
    Some((
        header["jwk"]["x"].as_str()?.to_string(),
        header["jwk"]["y"].as_str()?.to_string(),
    ))
}

/// The `location` of a redirect's body.
fn body_location(body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(json["location"].as_str()?.to_string())
}

use rolecall::login::dpop::unbase64url;

/// Checks a DPoP proof; the reason it is bad otherwise.
fn check_proof(
    state: &mut State,
    proof: Option<&str>,
    htu: &str,
    bound: &(String, String),
) -> Result<(), String> {
    let proof = proof.ok_or("no DPoP header")?;
    let parts: Vec<&str> = proof.split('.').collect();
    let [head, claims, signature] = parts[..] else {
        return Err("the DPoP proof is not a JWS".into());
    };
    let json = |part: &str| -> Result<serde_json::Value, String> {
        let bytes = unbase64url(part).ok_or("a part is not base64url")?;
        serde_json::from_slice(&bytes).map_err(|_| "a part is not JSON".to_string())
    };
    let (header, claims_json) = (json(head)?, json(claims)?);
    if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
        return Err(format!("typ/alg {} {}", header["typ"], header["alg"]));
    }
    let jwk = &header["jwk"];
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return Err("jwk is not a P-256 key".into());
    }
    let (x, y) = (
        jwk["x"].as_str().unwrap_or(""),
        jwk["y"].as_str().unwrap_or(""),
    );
    if (x, y) != (bound.0.as_str(), bound.1.as_str()) {
        return Err("the proof's key is not the one the refresh token is bound to".into());
    }
    let mut point = vec![4u8];
    point.extend(unbase64url(x).ok_or("bad x")?);
    point.extend(unbase64url(y).ok_or("bad y")?);
    let key = VerifyingKey::from_sec1_bytes(&point).map_err(|_| "bad jwk point")?;
    let sig = unbase64url(signature).ok_or("bad signature encoding")?;
    let sig = Signature::from_slice(&sig).map_err(|_| "the signature is not r||s")?;
    key.verify(format!("{head}.{claims}").as_bytes(), &sig)
        .map_err(|_| "the signature does not verify")?;
    if claims_json["htm"] != "POST" || claims_json["htu"] != htu {
        return Err(format!(
            "htm/htu {} {} (want {htu})",
            claims_json["htm"], claims_json["htu"]
        ));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let iat = claims_json["iat"].as_i64().ok_or("no iat")?;
    if (now - iat).abs() > 300 {
        return Err("iat is not within 5 minutes of now".into());
    }
    let jti = claims_json["jti"].as_str().ok_or("no jti")?.to_string();
    if !state.jtis.insert(jti) {
        return Err("the jti was used before (a replayed proof)".into());
    }
    Ok(())
}

/// The test's "browser": GETs `url` and follows redirects (at most 5) to the end, as a
/// browser follows the sign-in page back to rolecall's listener; the last answer's status
/// and body. The authorize request goes to the stand-in, the redirect to rolecall.
pub fn follow(url: &str) -> (u16, String) {
    let mut url = url.to_string();
    for _ in 0..5 {
        let (status, location, body) = get(&url);
        match location {
            Some(next) if (300..400).contains(&status) => url = next,
            _ => return (status, body),
        }
    }
    panic!("too many redirects")
}

/// One HTTP/1.1 GET of a loopback `http://` URL: status, Location, body.
fn get(url: &str) -> (u16, Option<String>, String) {
    use std::io::Read;
    let rest = url.strip_prefix("http://").expect("a loopback http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("Location: ")
                .or_else(|| l.strip_prefix("location: "))
        })
        .map(str::to_string);
    (status, location, body.to_string())
}
