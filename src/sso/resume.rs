//! What an unfinished discovery has found, kept beside the discovery cache so that the next
//! run goes on from there instead of starting over: the account list (once ListAccounts
//! has given its last page) and the roles of every account done.
//!
//! The file (`sso-roles-<sha1>.partial.json`) is written like the cache, 0600 and replaced
//! atomically, every [`SAVE_EVERY`] accounts and when a discovery fails; a crash or a
//! Ctrl-C loses at most the accounts since the last write. It is removed once the complete
//! discovery is cached. One older than [`RESUME_MAX_AGE`], or made for another start URL,
//! is not resumed: a refresh should not serve roles from yesterday.

use super::discovery::MAX_DISCOVERY_FILE_BYTES;
use super::{SsoError, SsoSessionConfig};
use crate::fsutil;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// An unfinished discovery older than this starts over.
pub const RESUME_MAX_AGE: TimeDelta = TimeDelta::hours(1);

/// The progress file is written again after this many more accounts are done.
pub const SAVE_EVERY: usize = 50;

/// The file format version.
const FORMAT_VERSION: u32 = 1;

/// An unfinished discovery; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialDiscovery {
    version: u32,
    start_url: String,
    /// When the discovery began: the age of its oldest answer, and so of the result.
    pub started_at: DateTime<Utc>,
    /// Every account as `(id, name)`, once ListAccounts has given its last page.
    pub accounts: Option<Vec<(String, String)>>,
    /// The role names of each account done, by account id.
    pub done: BTreeMap<String, Vec<String>>,
}

impl PartialDiscovery {
    /// Nothing found yet, starting at `now`.
    pub fn new(config: &SsoSessionConfig, now: DateTime<Utc>) -> Self {
        PartialDiscovery {
            version: FORMAT_VERSION,
            start_url: config.start_url.clone(),
            started_at: now,
            accounts: None,
            done: BTreeMap::new(),
        }
    }

    /// The progress in `path` when it can be resumed at `now` for `config`; `None` when
    /// there is none, it cannot be read, or it is too old or for another start URL.
    pub fn load(path: &Path, config: &SsoSessionConfig, now: DateTime<Utc>) -> Option<Self> {
        let bytes = fsutil::read_no_follow_at_most(path, MAX_DISCOVERY_FILE_BYTES).ok()??;
        let file: PartialDiscovery = serde_json::from_slice(&bytes).ok()?;
        let age = now - file.started_at;
        let usable = file.version == FORMAT_VERSION
            && file.start_url == config.start_url
            && age >= TimeDelta::zero()
            && age < RESUME_MAX_AGE;
        usable.then_some(file)
    }

    /// Writes it to `path` (0600, atomically; the directory is created 0700).
    pub fn save(&self, path: &Path) -> Result<(), SsoError> {
        if let Some(dir) = path.parent() {
            fsutil::ensure_private_dir(dir).map_err(|e| SsoError::io("create", dir, &e))?;
        }
        // Serialising this plain struct cannot fail.
        let bytes = serde_json::to_vec(self).expect("partial discovery JSON");
        fsutil::write_private_atomic(path, &bytes).map_err(|e| SsoError::io("write", path, &e))
    }
}

#[cfg(test)]
mod tests;
