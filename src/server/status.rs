//! What the endpoint reports about itself, for the TUI's sessions panel.

use super::feed::{FeedError, UserAction};
use chrono::{DateTime, Utc};

/// A snapshot of a running endpoint: traffic, refreshes and the credentials it serves.
/// Never holds a secret (the token and the credentials stay inside the endpoint).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerStatus {
    /// Requests answered with credentials (HTTP 200).
    pub requests_served: u64,
    /// Requests refused: no or a wrong token, another path or method.
    pub requests_refused: u64,
    /// Requests answered with an error because no valid credentials could be had (HTTP 500).
    pub requests_failed: u64,
    /// Successful refreshes (including the first fetch).
    pub refreshes: u64,
    /// Refreshes that failed.
    pub failed_refreshes: u64,
    /// Whether a refresh is running now.
    pub refreshing: bool,
    /// When the last successful refresh finished.
    pub last_refresh: Option<DateTime<Utc>>,
    /// When the credentials being served expire (`None` before the first fetch).
    pub expiration: Option<DateTime<Utc>>,
    /// Why the last refresh failed; cleared by the next success.
    pub last_error: Option<FeedError>,
}

impl ServerStatus {
    /// What the user must do before the session can be refreshed, if anything.
    pub fn needs_user(&self) -> Option<UserAction> {
        self.last_error.as_ref().and_then(|e| e.needs_user)
    }
}
