//! Signing in with the authorization code and PKCE (RFC 7636, S256), as the AWS CLI does
//! for `[sso-session]` profiles since 2.22.
//!
//! [`Sso::start_sign_in`] with [`SignInFlow::AuthCode`] reuses (or makes) a client
//! registration for the `authorization_code` and `refresh_token` grants with the redirect
//! URI `http://127.0.0.1/oauth/callback`, opens a [`CallbackListener`] on a free port of
//! 127.0.0.1, and builds the authorize URL: `<oidc endpoint>/authorize?response_type=code
//! &client_id&redirect_uri&state&code_challenge_method=S256&scopes&code_challenge`. The
//! person opens it; the service redirects the browser to the listener with `code` and
//! `state`; [`super::PendingSignIn::finish`] then calls CreateToken with the code, the verifier
//! and the same redirect URI, and writes the token where the AWS CLI keeps it. The wait
//! for the browser is bounded ([`BROWSER_WAIT`], the CLI's 10 minutes, measured on the
//! [`crate::clock::Clock`], so tests do not wait it out); dropping the future cancels the
//! sign-in and closes the port.
//!
//! The verifier, the code and the tokens are [`Secret`]s; the state is a random 128-bit
//! value compared before anything else in the callback is used.

use super::cache::{ClientRegistration, SsoToken};
use super::callback::{BrowserAnswer, CallbackListener};
use super::flow::SignInFlow;
use super::oidc::{classify, token_from};
use super::{Sso, SsoError, SsoSessionConfig};
use crate::secret::Secret;
use chrono::{DateTime, TimeDelta, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long the sign-in waits for the browser to come back (the AWS CLI's 10 minutes).
pub const BROWSER_WAIT: Duration = Duration::from_secs(10 * 60);

/// The characters a verifier is made of (RFC 7636's unreserved set).
const VERIFIER_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// A verifier's length (the AWS CLI's; RFC 7636 allows 43 to 128).
const VERIFIER_LEN: usize = 64;

/// Query values as `application/x-www-form-urlencoded` leaves them: all but unreserved.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A PKCE pair: the verifier stays here, the challenge goes into the authorize URL.
#[derive(Debug)]
pub(crate) struct Pkce {
    pub(crate) verifier: Secret,
    pub(crate) challenge: String,
}

impl Pkce {
    /// A fresh pair from the system's random source.
    pub(crate) fn generate() -> Result<Self, getrandom::Error> {
        let mut verifier = String::with_capacity(VERIFIER_LEN);
        let mut bytes = [0u8; 128];
        while verifier.len() < VERIFIER_LEN {
            getrandom::getrandom(&mut bytes)?;
            // Rejection sampling keeps every character equally likely.
            let usable = 256 - 256 % VERIFIER_ALPHABET.len();
            for &b in bytes.iter().filter(|&&b| usize::from(b) < usable) {
                if verifier.len() == VERIFIER_LEN {
                    break;
                }
                verifier.push(char::from(
                    VERIFIER_ALPHABET[usize::from(b) % VERIFIER_ALPHABET.len()],
                ));
            }
        }
        bytes.fill(0);
        Ok(Self::from_verifier(Secret::new(verifier)))
    }

    /// The pair of `verifier`: the challenge is BASE64URL(SHA-256(verifier)), unpadded.
    pub(crate) fn from_verifier(verifier: Secret) -> Self {
        let digest = Sha256::digest(verifier.expose().as_bytes());
        Pkce {
            challenge: base64url(&digest),
            verifier,
        }
    }
}

/// Base64url without padding (RFC 7636 appendix A).
fn base64url(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// A random `state`: 128 bits, hex.
fn random_state() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// The authorize URL the browser is opened on (the AWS CLI's parameters, scopes separated
/// by spaces).
pub(crate) fn authorize_url(
    oidc_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    scopes: &[String],
) -> String {
    let encode = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        oidc_endpoint.trim_end_matches('/'),
        encode(client_id),
        encode(redirect_uri),
        encode(state),
        encode(&scopes.join(" ")),
        encode(challenge),
    )
}

/// An authorization-code sign-in waiting for the browser.
#[derive(Debug)]
pub(super) struct BrowserWait {
    listener: CallbackListener,
    pkce: Pkce,
    state: String,
    pub(super) authorize_url: String,
    pub(super) redirect_uri: String,
    started: DateTime<Utc>,
    pub(super) wait: Duration,
}

impl BrowserWait {
    /// When the wait ends.
    pub(super) fn expires_at(&self) -> DateTime<Utc> {
        self.started + TimeDelta::from_std(self.wait).unwrap_or(TimeDelta::MAX)
    }

    /// Waits for the browser (at most `wait`), then exchanges the code for a token.
    pub(super) async fn finish(
        self,
        sso: &Sso,
        config: &SsoSessionConfig,
        registration: &ClientRegistration,
    ) -> Result<SsoToken, SsoError> {
        let answer = tokio::select! {
            biased;
            answer = self.listener.answer(&self.state) => answer,
            () = sso.sleep(self.wait) => {
                return Err(SsoError::BrowserTimedOut {
                    session: config.describe(),
                    command: config.login_command(),
                    minutes: self.wait.as_secs().div_ceil(60),
                })
            }
        };
        drop(self.listener);
        let code = match answer {
            BrowserAnswer::Code(code) => code,
            BrowserAnswer::Refused(error) => {
                return Err(SsoError::Oidc {
                    session: config.describe(),
                    command: config.login_command(),
                    operation: "Authorize",
                    error,
                })
            }
        };
        let out = sso
            .oidc_client(&config.region)
            .create_token()
            .grant_type("authorization_code")
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .redirect_uri(&self.redirect_uri)
            .code_verifier(self.pkce.verifier.expose())
            .code(code.expose())
            .send()
            .await
            .map_err(|e| classify(sso, config, "CreateToken", e));
        if matches!(&out, Err(SsoError::Oidc { error, .. }) if error == "invalid_client") {
            // The next sign-in registers afresh.
            sso.token_cache().remove_registration(config);
        }
        let token = token_from(config, sso, out?, None, registration)?;
        sso.token_cache().write(config, &token)?;
        Ok(token)
    }
}

impl Sso {
    /// Starts an authorization-code sign-in; see the module documentation.
    pub(super) async fn start_auth_code_sign_in(
        &self,
        config: &SsoSessionConfig,
    ) -> Result<(ClientRegistration, BrowserWait), SsoError> {
        let setup_failed = |detail: String| SsoError::AuthCodeSetup {
            detail,
            command: config.login_command(),
        };
        let flow = SignInFlow::AuthCode;
        let registration = match self.token_cache().registration(config, self.now(), flow) {
            Some(r) => r,
            None => {
                let client = self.oidc_client(&config.region);
                self.register(&client, config, flow).await?
            }
        };
        let listener = CallbackListener::bind()
            .await
            .map_err(|e| setup_failed(format!("cannot listen on 127.0.0.1: {e}")))?;
        let random = |e: getrandom::Error| setup_failed(format!("no random numbers: {e}"));
        let pkce = Pkce::generate().map_err(random)?;
        let state = random_state().map_err(random)?;
        let redirect_uri = listener.redirect_uri();
        let authorize_url = authorize_url(
            &self.oidc_endpoint(&config.region),
            &registration.client_id,
            &redirect_uri,
            &state,
            &pkce.challenge,
            &flow.scopes(config),
        );
        let waiting = BrowserWait {
            listener,
            pkce,
            state,
            authorize_url,
            redirect_uri,
            started: self.now(),
            wait: BROWSER_WAIT,
        };
        Ok((registration, waiting))
    }
}

#[cfg(test)]
mod tests;
