//! `rolecall login`: signing in to an `aws login` session the way `aws login` does on the
//! same device (awscli's `SameDeviceLoginTokenFetcher`), writing the same cache.
//!
//! 1. A new P-256 key, a PKCE verifier (64 characters of `A-Za-z0-9-._~`) and its S256
//!    challenge ([`crate::sso::Pkce`], the SSO sign-in's), a `state` (a random UUID), and
//!    the loopback listener the SSO sign-in uses ([`crate::sso::CallbackListener`]: it
//!    checks the `Host`, the method, the path and the `state` before anything else, keeps
//!    waiting after a forged request, answers with fixed pages and passes on only a plain
//!    OAuth error code).
//! 2. The browser opens `<sign-in endpoint>/v1/authorize?response_type=code&client_id=
//!    arn:aws:signin:::devtools/same-device&state=…&code_challenge_method=SHA-256&scope=openid
//!    &redirect_uri=http://127.0.0.1:PORT/oauth/callback&code_challenge=…`; the person signs
//!    in to the console there, and the page sends the browser back with `code` and `state`.
//!    The region is checked to be a region name before it goes into the URL.
//! 3. `state` must be the one sent; then CreateOAuth2Token with `grantType =
//!    authorization_code`, the code, the verifier and the redirect URI, and a DPoP proof
//!    signed with the new key.
//! 4. The answer's `idToken` names the session (`sub`, an IAM or STS ARN): the cache file is
//!    written under its SHA-256, with the key, so both tools refresh it from then on.

use super::cache::{LoginToken, SignedInAnswer};
use super::dpop::DpopKey;
use super::token::TokenCall;
use super::{LoginError, LoginSessions};
use crate::profile::login_session_account;
use crate::profile::parse::{is_region_name, REGION_NAME_RULE};
use crate::sso::{BrowserAnswer, CallbackListener, Pkce};
use aws_sdk_signin::types::CreateOAuth2TokenRequestBody;
use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
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
    listener: CallbackListener,
    key: Arc<DpopKey>,
    pkce: Pkce,
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
        let failed = |why: String| LoginError::SignInFailed {
            profile: profile.to_string(),
            why,
        };
        if !is_region_name(region) {
            return Err(failed(format!(
                "the region {REGION_NAME_RULE}; fix --region, the profile's region or AWS_REGION"
            )));
        }
        let listener = CallbackListener::bind()
            .await
            .map_err(|e| LoginError::io("listen on", std::path::Path::new("127.0.0.1"), &e))?;
        let pkce = Pkce::generate()
            .map_err(|e| failed(format!("the system gave no random numbers ({e})")))?;
        let state = super::dpop::uuid_v4();
        let query = [
            ("response_type", "code"),
            ("client_id", SAME_DEVICE_CLIENT_ID),
            ("state", state.as_str()),
            ("code_challenge_method", "SHA-256"),
            ("scope", "openid"),
            ("redirect_uri", &listener.redirect_uri()),
            ("code_challenge", &pkce.challenge),
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
            pkce,
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
        let answer = tokio::time::timeout(SIGN_IN_WAIT, self.listener.answer(&self.state))
            .await
            .map_err(|_| self.failed("the browser did not come back within 10 minutes"))?;
        let code = match answer {
            BrowserAnswer::Code(code) => code,
            BrowserAnswer::Refused(error) => {
                return Err(self.failed(&format!(
                    "the sign-in page refused it ({error}); run it again"
                )))
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
            .code(code.expose())
            .code_verifier(self.pkce.verifier.expose())
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
