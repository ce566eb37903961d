//! The seam between the endpoint and the rest of rolecall: where served credentials come from.
//!
//! The endpoint knows nothing about profiles, STS or the session store; it asks a
//! [`SessionFeed`] for credentials whenever the ones it holds run low. The resolver
//! implements it for a real session; tests and benchmarks implement it with fixed or
//! scripted credentials.

use crate::credentials::Credentials;
use futures::future::BoxFuture;

/// Where the endpoint gets the credentials it serves.
///
/// `obtain(false)` may answer from a cache (the session store), but must not return
/// credentials that expire within the endpoint's refresh window when it can do better;
/// `obtain(true)` bypasses any cache and asks AWS again. The endpoint calls it once per
/// refresh (twice when the cached answer is itself inside the window), never once per request.
pub trait SessionFeed: Send + Sync + 'static {
    /// Fresh credentials for the served session, or why there are none.
    fn obtain(&self, force_refresh: bool) -> BoxFuture<'static, Result<Credentials, FeedError>>;
}

/// Something only the person at the keyboard can provide before a refresh can succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserAction {
    /// The MFA session ran out: a new code from the MFA device is needed.
    MfaCode,
    /// The IAM Identity Center sign-in expired: the user must sign in again.
    SsoSignIn,
}

impl UserAction {
    /// The `code` of the endpoint's JSON error for this action.
    pub fn error_code(self) -> &'static str {
        match self {
            UserAction::MfaCode => "MfaCodeRequired",
            UserAction::SsoSignIn => "SsoSignInRequired",
        }
    }
}

impl std::fmt::Display for UserAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UserAction::MfaCode => "a new MFA code",
            UserAction::SsoSignIn => "a new IAM Identity Center sign-in",
        })
    }
}

/// Why a feed could not produce credentials. The message is shown to whoever runs the
/// child program (it goes into the endpoint's HTTP answer), so it must never hold a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FeedError {
    /// What failed and what to do, e.g. `profile 'admin': AccessDenied: …`.
    pub message: String,
    /// Set when no retry can succeed until the user acts.
    pub needs_user: Option<UserAction>,
}

impl FeedError {
    /// A failure a later retry may get past (STS unreachable, throttled, access revoked).
    pub fn failed(message: impl Into<String>) -> Self {
        FeedError {
            message: message.into(),
            needs_user: None,
        }
    }

    /// A failure only the user can resolve (an MFA code, an SSO sign-in).
    pub fn needs_user(action: UserAction, message: impl Into<String>) -> Self {
        FeedError {
            message: message.into(),
            needs_user: Some(action),
        }
    }

    /// The `code` of the endpoint's JSON error.
    pub fn error_code(&self) -> &'static str {
        self.needs_user
            .map_or("RefreshFailed", UserAction::error_code)
    }
}
