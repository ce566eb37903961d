//! `rolecall login`: signing in to an `aws login` session the way `aws login` does on the
//! same device (awscli's `SameDeviceLoginTokenFetcher`), writing the same cache.
//!
//! 1. A new P-256 key, a PKCE verifier (64 characters of `A-Za-z0-9-._~`) and its S256
//!    challenge, a `state` (a random UUID), and a loopback listener
//!    ([`super::redirect`]).
//! 2. The browser opens `<sign-in endpoint>/v1/authorize?response_type=code&client_id=
//!    arn:aws:signin:::devtools/same-device&state=…&code_challenge_method=SHA-256&scope=openid
//!    &redirect_uri=http://127.0.0.1:PORT/oauth/callback&code_challenge=…`; the person signs
//!    in to the console there, and the page sends the browser back with `code` and `state`.
//! 3. `state` must be the one sent; then CreateOAuth2Token with `grantType =
//!    authorization_code`, the code, the verifier and the redirect URI, and a DPoP proof
//!    signed with the new key.
//! 4. The answer's `idToken` names the session (`sub`, an IAM or STS ARN): the cache file is
//!    written under its SHA-256, with the key, so both tools refresh it from then on.

use super::cache::{LoginToken, SignedInAnswer};
use super::dpop::{base64url, DpopKey};
use super::redirect::{LoginCallback, LoginRedirectListener};
use super::token::TokenCall;
use super::{LoginError, LoginSessions};
use crate::profile::login_session_account;
use aws_sdk_signin::types::CreateOAuth2TokenRequestBody;
use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// The client the AWS CLI signs in as on the same device.
pub const SAME_DEVICE_CLIENT_ID: &str = "arn:aws:signin:::devtools/same-device";

/// How long the browser has to come back (the AWS CLI waits as long).
pub const SIGN_IN_WAIT: Duration = Duration::from_secs(10 * 60);

/// RFC 3986's unreserved characters stay as they are in the query.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A sign-in waiting for the browser: show [`LoginSignIn::authorize_url`], then await
/// [`LoginSignIn::finish`]. Dropping it cancels the sign-in. `Debug` shows no secret.
pub struct LoginSignIn {
    sessions: LoginSessions,
    profile: String,
    region: String,
    listener: LoginRedirectListener,
    key: Arc<DpopKey>,
    verifier: crate::secret::Secret,
    state: String,
    authorize_url: String,
}

impl std::fmt::Debug for LoginSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginSignIn")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("authorize_url", &self.authorize_url)
            .finish_non_exhaustive()
    }
}

/// A finished sign-in: the session it named and how long its credentials last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub session: String,
    pub account_id: String,
    pub expires_at: DateTime<Utc>,
}

impl LoginSignIn {
    /// Prepares a sign-in for `profile` in `region` (where the sign-in service is called).
    pub async fn start(
        sessions: LoginSessions,
        profile: &str,
        region: &str,
    ) -> Result<LoginSignIn, LoginError> {
        let listener = LoginRedirectListener::bind()
            .await
            .map_err(|e| LoginError::io("listen on", std::path::Path::new("127.0.0.1"), &e))?;
        let verifier = pkce_verifier();
        let state = super::dpop::uuid_v4();
        let query = [
            ("response_type", "code"),
            ("client_id", SAME_DEVICE_CLIENT_ID),
            ("state", state.as_str()),
            ("code_challenge_method", "SHA-256"),
            ("scope", "openid"),
            ("redirect_uri", &listener.redirect_uri()),
            ("code_challenge", &pkce_challenge(verifier.expose())),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY)))
        .collect::<Vec<_>>()
        .join("&");
        let authorize_url = format!("{}/v1/authorize?{query}", sessions.endpoint_for(region));
        Ok(LoginSignIn {
            sessions,
            profile: profile.to_string(),
            region: region.to_string(),
            listener,
            key: Arc::new(DpopKey::generate()),
            verifier,
            state,
            authorize_url,
        })
    }

    /// The page the person signs in on.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// Waits (at most [`SIGN_IN_WAIT`]) for the browser to come back, exchanges the code,
    /// and writes the session to the login cache.
    pub async fn finish(self) -> Result<SignedIn, LoginError> {
        let callback = tokio::time::timeout(SIGN_IN_WAIT, self.listener.callback())
            .await
            .map_err(|_| self.failed("the browser did not come back within 10 minutes"))?;
        let code = match callback {
            LoginCallback::Code { code, state } if state == self.state => code,
            LoginCallback::Code { .. } => {
                return Err(self.failed("the answer's state is not the one sent (ignored)"))
            }
            LoginCallback::Refused(why) => {
                return Err(self.failed(&format!("the sign-in page said {why}")))
            }
        };
        let now = Utc::now();
        let described = format!("the sign-in of profile '{}'", self.profile);
        let call = TokenCall {
            sessions: &self.sessions,
            profile: &self.profile,
            session: &described,
            region: &self.region,
        };
        let body = CreateOAuth2TokenRequestBody::builder()
            .client_id(SAME_DEVICE_CLIENT_ID)
            .grant_type("authorization_code")
            .code(code)
            .code_verifier(self.verifier.expose())
            .redirect_uri(self.listener.redirect_uri())
            .build()
            .expect("clientId and grantType are set");
        let output = call.send(body, self.key.clone()).await?;
        let (credentials, expires_at) = call.credentials_in(&output, now)?;
        let id_token = output.id_token().unwrap_or_default().to_string();
        let session = session_of(&id_token)
            .ok_or_else(|| self.failed("the answer's idToken names no IAM or STS ARN (sub)"))?;
        let account_id = login_session_account(&session)
            .unwrap_or_default()
            .to_string();
        let answer = SignedInAnswer {
            credentials,
            account_id: account_id.clone(),
            token_type: output.token_type().to_string(),
            refresh_token: crate::secret::Secret::new(output.refresh_token()),
            id_token,
            client_id: SAME_DEVICE_CLIENT_ID.into(),
        };
        let token = LoginToken::signed_in(answer, self.key.to_pem(), &self.region);
        self.sessions.cache.write(&session, &token)?;
        Ok(SignedIn {
            session,
            account_id,
            expires_at,
        })
    }

    fn failed(&self, why: &str) -> LoginError {
        LoginError::SignInFailed {
            profile: self.profile.clone(),
            why: why.to_string(),
        }
    }
}

/// A PKCE verifier: 64 characters of RFC 7636's unreserved set, as the AWS CLI makes it.
fn pkce_verifier() -> crate::secret::Secret {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let mut bytes = [0u8; 64];
    getrandom::getrandom(&mut bytes).expect("the system's random numbers");
    // 66 characters: a byte modulo 66 is biased by under 2%, harmless for 64 of them.
    let text: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    crate::secret::Secret::new(text)
}

/// S256: base64url (no padding) of the verifier's SHA-256.
pub fn pkce_challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

/// The `sub` of an ID token (a JWT, read without checking its signature: it came straight
/// from the token endpoint over TLS), when it is a `login_session` ARN.
pub fn session_of(id_token: &str) -> Option<String> {
    let claims = id_token.split('.').nth(1)?;
    let bytes = super::dpop::unbase64url(claims)?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let sub = json["sub"].as_str()?;
    login_session_account(sub).map(|_| sub.to_string())
}

#[cfg(test)]
mod tests;
