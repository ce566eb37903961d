//! What an unfinished discovery has found, kept beside the discovery cache so that the next
//! run goes on from there instead of starting over: the account list (once ListAccounts
//! has given its last page) and the roles of every account done.
//!
//! The file (`sso-roles-<sha1>.partial.json`) is written like the cache, 0600 and replaced
//! atomically, every [`SAVE_EVERY`] accounts and when a discovery fails; a crash or a
//! Ctrl-C loses at most the accounts since the last write. It is removed once the complete
//! discovery is cached. One older than [`RESUME_MAX_AGE`], or made for another start URL,
//! is not resumed: a refresh should not serve roles from yesterday.

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

// Discovery's ceilings, here because the progress file is checked against them.

/// The most accounts a discovery takes: far more than any organisation has.
pub const MAX_ACCOUNTS: usize = 100_000;

/// The most roles one account may have: more than the permission sets an Identity Center
/// instance may hold.
pub const MAX_ROLES_PER_ACCOUNT: usize = 10_000;

/// The largest discovery cache or progress file read back: [`MAX_ACCOUNTS`] accounts with
/// a few roles each. A larger one is ignored (discovery asks the portal again).
pub const MAX_DISCOVERY_FILE_BYTES: u64 = 128 << 20;

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

    /// The progress in `path` when it can be resumed at `now` for `config`: `Ok(None)` when
    /// there is none, or it is too old or for another start URL; an error saying why when
    /// it is not trusted: its directory is not private (a link, another user's, open to
    /// others), it cannot be read or parsed, or it holds what the portal never gives (an account id that is not 12 digits, a role
    /// name IAM refuses, more accounts or roles than discovery takes, an account done that
    /// is not in the list). Its accounts would be asked no more and become the cache, so
    /// nothing in it is taken on trust.
    pub fn read(
        path: &Path,
        config: &SsoSessionConfig,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, String> {
        let not_trusted = |why: String| format!("{} is not resumed: {why}", path.display());
        if let Some(dir) = path.parent().filter(|d| d.exists()) {
            fsutil::check_private_dir(dir).map_err(|e| not_trusted(e.to_string()))?;
        }
        let bytes = match fsutil::read_no_follow_at_most(path, MAX_DISCOVERY_FILE_BYTES) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            Err(e) => return Err(not_trusted(e.to_string())),
        };
        let file: PartialDiscovery =
            serde_json::from_slice(&bytes).map_err(|e| not_trusted(e.to_string()))?;
        let age = now - file.started_at;
        let usable = file.version == FORMAT_VERSION
            && file.start_url == config.start_url
            && age >= TimeDelta::zero()
            && age < RESUME_MAX_AGE;
        if !usable {
            return Ok(None);
        }
        file.check().map_err(not_trusted)?;
        Ok(Some(file))
    }

    /// Whether it holds only what the portal gives; see [`PartialDiscovery::read`].
    fn check(&self) -> Result<(), String> {
        let accounts = self.accounts.as_deref().unwrap_or_default();
        if accounts.len() > MAX_ACCOUNTS {
            return Err(format!("it lists more than {MAX_ACCOUNTS} accounts"));
        }
        let mut listed = std::collections::HashSet::new();
        for (id, name) in accounts {
            check_account_id(id)?;
            if name.chars().count() > MAX_ACCOUNT_NAME {
                return Err(format!(
                    "account {id} has a name over {MAX_ACCOUNT_NAME} characters"
                ));
            }
            listed.insert(id.as_str());
        }
        for (id, roles) in &self.done {
            check_account_id(id)?;
            if !listed.contains(id.as_str()) {
                return Err(format!(
                    "account {id} is done but not among the accounts listed"
                ));
            }
            if roles.len() > MAX_ROLES_PER_ACCOUNT {
                return Err(format!(
                    "account {id} has more than {MAX_ROLES_PER_ACCOUNT} roles"
                ));
            }
            if let Some(bad) = roles.iter().find(|r| !is_role_name(r)) {
                let bad: String = bad.escape_debug().take(80).collect();
                return Err(format!(
                    "account {id} has a role name IAM does not allow: \"{bad}\""
                ));
            }
        }
        Ok(())
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

/// The longest account name taken from a progress file (AWS allows 50 characters).
const MAX_ACCOUNT_NAME: usize = 256;

/// An account id is 12 digits.
fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let shown: String = id.escape_debug().take(40).collect();
    Err(format!("\"{shown}\" is not an account id (12 digits)"))
}

/// A name IAM allows for a role: 1 to 64 of `A-Z a-z 0-9 + = , . @ _ -`.
fn is_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

#[cfg(test)]
mod tests;
