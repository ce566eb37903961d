//! Active sessions and the on-disk store that keeps them across restarts.

use crate::credentials::Credentials;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod env;
mod store;
pub use store::*;

/// What a cached session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// The credentials of a profile, ready to hand to a program.
    Profile,
    /// An MFA-authenticated GetSessionToken session of a source profile, kept so that one
    /// MFA code serves every role assumed from that source until it expires.
    MfaSource,
}

/// Credentials obtained for a profile, with where they came from and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub profile: String,
    pub kind: SessionKind,
    pub credentials: Credentials,
    /// Human-readable origin, e.g. `assume-role via base → ops` or `iam-role (IMDS)`.
    pub source: String,
    pub region: Option<String>,
    pub obtained: DateTime<Utc>,
}

impl Session {
    /// When the session stops working; `None` for long-term keys.
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        self.credentials.expiration
    }

    /// The variables this session sets (see [`env::session_env`]).
    pub fn env(&self) -> Vec<(String, String)> {
        env::session_env(&self.credentials, self.region.as_deref(), &self.profile)
    }

    /// Seconds left at `now` (negative once expired); `None` when it never expires.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expiration().map(|e| (e - now).num_seconds())
    }

    /// The store key: one entry per (profile, kind).
    pub fn key(&self) -> (String, SessionKind) {
        (self.profile.clone(), self.kind)
    }
}
