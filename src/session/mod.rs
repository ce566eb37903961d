//! Active sessions and the on-disk store that keeps them across restarts.

use crate::credentials::Credentials;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod child_env;
mod store;
pub use store::*;

/// What a cached session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// The credentials of a profile, ready to hand to a program.
    Profile,
    /// An MFA-authenticated GetSessionToken session of a source profile, kept so that one
    /// MFA code serves every role assumed from that source until it expires. Stored as
    /// `mfa_source` and printed as `mfa-source`, the names the store and `sessions`
    /// have always used.
    #[serde(rename = "mfa_source")]
    MfaSession,
}

impl SessionKind {
    /// The name `sessions` prints: `profile` or `mfa-source`.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Profile => "profile",
            SessionKind::MfaSession => "mfa-source",
        }
    }
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
    /// The region is the instance's (IMDS `placement/region`), as no profile named one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub region_from_instance: bool,
    pub obtained: DateTime<Utc>,
    /// What determined the session (the resolution plan's fingerprint): reused only while
    /// the profile's plan still has it. Empty for sessions stored before fingerprints.
    #[serde(default)]
    pub fingerprint: String,
    /// The MFA device an MFA session was made with (to ask for its next code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_serial: Option<String>,
}

/// A stored session as lists show it: with whether its profile's definition changed since
/// it was made (then it is never reused, only shown until it expires).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedSession {
    pub session: Session,
    pub stale: bool,
}

/// What identifies a stored session: its profile, its kind and its fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    pub profile: String,
    pub kind: SessionKind,
    pub fingerprint: String,
}

impl Session {
    /// When the session stops working; `None` for long-term keys.
    pub fn expiration(&self) -> Option<DateTime<Utc>> {
        self.credentials.expiration
    }

    /// The region as people read it: `us-east-2`, or `us-east-2 (instance)` when it is
    /// the instance's.
    pub fn region_shown(&self) -> Option<String> {
        let region = self.region.as_deref()?;
        Some(if self.region_from_instance {
            format!("{region} (instance)")
        } else {
            region.to_string()
        })
    }

    /// The variables this session sets (see [`child_env::session_env`]).
    pub fn env(&self) -> Vec<(String, String)> {
        child_env::session_env(&self.credentials, self.region.as_deref(), &self.profile)
    }

    /// Seconds left at `now` (negative once expired); `None` when it never expires.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expiration().map(|e| (e - now).num_seconds())
    }

    /// The store key: one entry per (profile, kind, fingerprint).
    pub fn key(&self) -> SessionKey {
        SessionKey {
            profile: self.profile.clone(),
            kind: self.kind,
            fingerprint: self.fingerprint.clone(),
        }
    }

    /// Whether this is the session with `key`.
    pub fn has_key(&self, key: &SessionKey) -> bool {
        self.profile == key.profile && self.kind == key.kind && self.fingerprint == key.fingerprint
    }
}
