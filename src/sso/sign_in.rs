//! One sign-in, whichever the flow: [`Sso::start_sign_in`] starts it (the authorization
//! code in [`super::pkce`], the device code in [`super::oidc`]) and returns a
//! [`PendingSignIn`] holding what the person is shown (the URL, and the device's user code),
//! so the CLI and the TUI can each show it their own way; [`PendingSignIn::finish`] waits
//! for the person and writes the token to the AWS CLI's cache. Dropping the future cancels
//! the sign-in (and closes the authorization code's listener).

use super::cache::{ClientRegistration, SsoToken};
use super::flow::SignInFlow;
use super::oidc::DeviceWait;
use super::pkce::BrowserWait;
use super::{Sso, SsoError, SsoSessionConfig};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A sign-in waiting for the person: in the browser on this machine (the authorization
/// code) or on any device (the device code).
///
/// Show [`PendingSignIn::url`] (and, for the device code, [`PendingSignIn::user_code`]),
/// then await [`PendingSignIn::finish`].
#[derive(Debug)]
pub struct PendingSignIn {
    sso: Sso,
    config: SsoSessionConfig,
    registration: ClientRegistration,
    waiting: Waiting,
}

/// What a sign-in waits for.
#[derive(Debug)]
enum Waiting {
    Device(DeviceWait),
    Browser(BrowserWait),
}

impl PendingSignIn {
    /// Which grant this sign-in uses.
    pub fn flow(&self) -> SignInFlow {
        match &self.waiting {
            Waiting::Device(_) => SignInFlow::DeviceCode,
            Waiting::Browser(_) => SignInFlow::AuthCode,
        }
    }

    /// The page to open: the authorize URL, or the device page (with the code filled in
    /// when the service gives such a URL).
    pub fn url(&self) -> &str {
        match &self.waiting {
            Waiting::Device(d) => d
                .verification_uri_complete
                .as_deref()
                .unwrap_or(&d.verification_uri),
            Waiting::Browser(b) => &b.authorize_url,
        }
    }

    /// The device page where the person enters the user code (the authorize URL for the
    /// authorization code).
    pub fn verification_uri(&self) -> &str {
        match &self.waiting {
            Waiting::Device(d) => &d.verification_uri,
            Waiting::Browser(b) => &b.authorize_url,
        }
    }

    /// The device page with the code filled in, when the service gave one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(d) => d.verification_uri_complete.as_deref(),
            Waiting::Browser(_) => None,
        }
    }

    /// The code the person checks or types on the device page (not a secret); `None` for
    /// the authorization code.
    pub fn user_code(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(d) => Some(&d.user_code),
            Waiting::Browser(_) => None,
        }
    }

    /// Where the browser comes back to (`http://127.0.0.1:<port>/oauth/callback`), for the
    /// authorization code.
    pub fn redirect_uri(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(_) => None,
            Waiting::Browser(b) => Some(&b.redirect_uri),
        }
    }

    /// When the request stops being approvable (the device code's expiry, or the end of
    /// the wait for the browser).
    pub fn expires_at(&self) -> DateTime<Utc> {
        match &self.waiting {
            Waiting::Device(d) => d.expires_at,
            Waiting::Browser(b) => b.expires_at(),
        }
    }

    /// The polling interval the service asked for (device code only).
    pub fn interval(&self) -> Option<Duration> {
        match &self.waiting {
            Waiting::Device(d) => Some(d.interval),
            Waiting::Browser(_) => None,
        }
    }

    /// Waits at most `wait` for the browser instead of [`super::BROWSER_WAIT`] (no effect on
    /// a device code, whose expiry the service sets).
    pub fn with_browser_wait(mut self, wait: Duration) -> Self {
        if let Waiting::Browser(b) = &mut self.waiting {
            b.wait = wait;
        }
        self
    }

    /// The session being signed in.
    pub fn session(&self) -> &SsoSessionConfig {
        &self.config
    }

    /// Waits for the person, then writes the token to the AWS CLI's cache and returns it.
    /// The device code polls CreateToken (`authorization_pending` waits another interval,
    /// `slow_down` lengthens it by 5 s; the request's expiry, `expired_token` and
    /// `access_denied` end it); the authorization code waits for the browser (see
    /// the pkce module).
    pub async fn finish(self) -> Result<SsoToken, SsoError> {
        match self.waiting {
            Waiting::Device(device) => {
                device
                    .poll(&self.sso, &self.config, &self.registration)
                    .await
            }
            Waiting::Browser(browser) => {
                browser
                    .finish(&self.sso, &self.config, &self.registration)
                    .await
            }
        }
    }
}

impl Sso {
    /// Starts a sign-in for `config` with `flow` (see [`super::choose_flow`] for which one
    /// fits): the authorization code (the pkce module) or the device code. Nothing is
    /// written to the token cache until [`PendingSignIn::finish`].
    pub async fn start_sign_in(
        &self,
        config: &SsoSessionConfig,
        flow: SignInFlow,
    ) -> Result<PendingSignIn, SsoError> {
        let (registration, waiting) = match flow {
            SignInFlow::AuthCode => {
                let (registration, browser) = self.start_auth_code_sign_in(config).await?;
                (registration, Waiting::Browser(browser))
            }
            SignInFlow::DeviceCode => {
                let (registration, device) = self.start_device_sign_in(config).await?;
                (registration, Waiting::Device(device))
            }
        };
        Ok(PendingSignIn {
            sso: self.clone(),
            config: config.clone(),
            registration,
            waiting,
        })
    }
}
