//! Every account and role a signed-in person may use (ListAccounts, then ListAccountRoles
//! for each account, all pages), whether or not a profile exists for it; cached in
//! rolecall's cache directory because it changes rarely.

use super::{profile_sso_label, Sso};
use super::{SsoError, SsoSessionConfig, SsoToken};
use crate::fsutil;
use crate::profile::ProfileGraph;
use chrono::{DateTime, TimeDelta, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

/// A cached discovery older than this is read again from the portal.
pub const DISCOVERY_MAX_AGE: TimeDelta = TimeDelta::hours(24);

/// ListAccountRoles calls in flight at once: a thousand accounts in seconds, without
/// tripping the portal's throttling (the SDK retries a throttled call anyway).
const CONCURRENT_ACCOUNTS: usize = 8;

/// The file format version of the discovery cache.
const FORMAT_VERSION: u32 = 1;

/// One role in one account that the signed-in person may use.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiscoveredRole {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
    /// The SSO session it was found through: [`SsoSessionConfig::label`] (the
    /// sso-session's name, or a legacy start URL).
    pub sso_session: String,
}

/// A discovery's result, sorted by account name, account id, then role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    pub roles: Vec<DiscoveredRole>,
    pub discovered_at: DateTime<Utc>,
    /// Whether it came from the cache rather than the portal.
    pub from_cache: bool,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    start_url: String,
    discovered_at: DateTime<Utc>,
    roles: Vec<DiscoveredRole>,
}

impl Sso {
    /// The accounts and roles of `config`: from the cache when it is younger than
    /// [`DISCOVERY_MAX_AGE`] and `refresh` is false, else from the portal (which needs a
    /// valid token: see [`Sso::token_for`]), then cached.
    pub async fn discover(
        &self,
        config: &SsoSessionConfig,
        refresh: bool,
    ) -> Result<Discovery, SsoError> {
        if !refresh {
            if let Some(cached) = self.cached_discovery(config) {
                if self.now() - cached.discovered_at < DISCOVERY_MAX_AGE {
                    return Ok(cached);
                }
            }
        }
        let token = self.token_for(config).await?;
        let roles = self.discover_with(config, &token).await?;
        let discovery = Discovery {
            roles,
            discovered_at: self.now(),
            from_cache: false,
        };
        self.save_discovery(config, &discovery)?;
        Ok(discovery)
    }

    /// The cached discovery of `config`, whatever its age; no network. `None` when there is
    /// none, it cannot be read, or it was made for another start URL.
    pub fn cached_discovery(&self, config: &SsoSessionConfig) -> Option<Discovery> {
        let bytes = fsutil::read_no_follow(&self.discovery_path(config)).ok()??;
        let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
        let current = file.version == FORMAT_VERSION && file.start_url == config.start_url;
        current.then_some(Discovery {
            roles: file.roles,
            discovered_at: file.discovered_at,
            from_cache: true,
        })
    }

    /// Reads every account and role from the portal with `token`: ListAccounts (all
    /// pages), then ListAccountRoles (all pages) for several accounts at a time.
    pub async fn discover_with(
        &self,
        config: &SsoSessionConfig,
        token: &SsoToken,
    ) -> Result<Vec<DiscoveredRole>, SsoError> {
        let client = self.portal_client(&config.region);
        let accounts = self.list_accounts(&client, config, token).await?;
        let per_account: Vec<Vec<DiscoveredRole>> = futures::stream::iter(accounts)
            .map(|(account_id, account_name)| {
                let client = &client;
                async move {
                    let roles = self
                        .list_account_roles(client, config, token, &account_id)
                        .await?;
                    Ok::<_, SsoError>(
                        roles
                            .into_iter()
                            .map(|role_name| DiscoveredRole {
                                account_id: account_id.clone(),
                                account_name: account_name.clone(),
                                role_name,
                                sso_session: config.label().to_string(),
                            })
                            .collect(),
                    )
                }
            })
            .buffer_unordered(CONCURRENT_ACCOUNTS)
            .try_collect()
            .await?;
        let mut roles: Vec<DiscoveredRole> = per_account.into_iter().flatten().collect();
        roles.sort_by(|a, b| {
            (&a.account_name, &a.account_id, &a.role_name).cmp(&(
                &b.account_name,
                &b.account_id,
                &b.role_name,
            ))
        });
        Ok(roles)
    }

    fn discovery_path(&self, config: &SsoSessionConfig) -> PathBuf {
        self.options
            .discovery_dir
            .join(format!("sso-roles-{}.json", config.cache_key()))
    }

    fn save_discovery(
        &self,
        config: &SsoSessionConfig,
        discovery: &Discovery,
    ) -> Result<(), SsoError> {
        let dir = &self.options.discovery_dir;
        fsutil::ensure_private_dir(dir).map_err(|e| SsoError::io("create", dir, &e))?;
        let file = CacheFile {
            version: FORMAT_VERSION,
            start_url: config.start_url.clone(),
            discovered_at: discovery.discovered_at,
            roles: discovery.roles.clone(),
        };
        let path = self.discovery_path(config);
        let bytes = serde_json::to_vec(&file).expect("discovery JSON");
        fsutil::write_private_atomic(&path, &bytes).map_err(|e| SsoError::io("write", &path, &e))
    }

    /// Removes the cached discovery of `config` (on logout).
    pub(crate) fn forget_discovery(&self, config: &SsoSessionConfig) -> Result<(), SsoError> {
        super::cache::remove_if_present(&self.discovery_path(config)).map(drop)
    }
}

/// For each role, the configured profile that uses it: an SSO profile with the same
/// `sso_account_id`, `sso_role_name` and SSO session (the first by name when several do).
pub fn pair_with_profiles<'g>(
    graph: &'g ProfileGraph,
    roles: &[DiscoveredRole],
) -> Vec<Option<&'g str>> {
    let mut configured: HashMap<(&str, &str, &str), &str> = HashMap::new();
    for p in graph.profiles() {
        let (Some(session), Some(account), Some(role)) = (
            profile_sso_label(p),
            p.sso_account_id.as_deref(),
            p.sso_role_name.as_deref(),
        ) else {
            continue;
        };
        // Profiles are sorted by name: the first one wins.
        configured
            .entry((session, account, role))
            .or_insert(&p.name);
    }
    roles
        .iter()
        .map(|r| {
            configured
                .get(&(
                    r.sso_session.as_str(),
                    r.account_id.as_str(),
                    r.role_name.as_str(),
                ))
                .copied()
        })
        .collect()
}

#[cfg(test)]
mod tests;
