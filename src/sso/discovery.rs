//! Every account and role a signed-in person may use (ListAccounts, then ListAccountRoles
//! for each account, all pages), whether or not a profile exists for it; cached in
//! rolecall's cache directory because it changes rarely.
//!
//! An organisation may have thousands of accounts, and the portal answers about 20 calls a
//! second: 5,000 accounts take four minutes. So discovery is paced (`pacing`: one rate
//! limiter for every call, backoff on throttling, no fixed number of retries), reports its
//! progress account by account ([`DiscoveryProgress`]), keeps what it has found in a
//! progress file (`resume`) so an interrupted run goes on where it stopped, and replaces
//! the cache only when it is complete: until then the previous discovery keeps serving.

use super::pacing::PacedRun;
use super::resume::{
    PartialDiscovery, MAX_ACCOUNTS, MAX_DISCOVERY_FILE_BYTES, MAX_ROLES_PER_ACCOUNT, SAVE_EVERY,
};
use super::{profile_sso_label, Sso};
use super::{SsoError, SsoSessionConfig, SsoToken};
use crate::fsutil;
use crate::profile::ProfileGraph;
use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// A cached discovery older than this is read again from the portal.
pub const DISCOVERY_MAX_AGE: TimeDelta = TimeDelta::hours(24);

/// ListAccountRoles calls in flight at once. The pacer decides the rate; this only keeps
/// enough calls waiting on the network to use it (20 calls a second at 400 ms each).
const CONCURRENT_ACCOUNTS: usize = 16;

/// The most pages one listing (ListAccounts, or one account's ListAccountRoles) reads: a
/// million accounts at the portal's 100 a page. A listing that goes on is not the portal's.
pub const MAX_PAGES: usize = 10_000;

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
    /// What the user should know: a progress file not trusted, so discovery started over.
    pub warnings: Vec<String>,
}

/// How far a discovery has got: handed to the observer after each ListAccounts page, once
/// with the accounts a resumed discovery had done, and after each account whose roles are
/// all read.
#[derive(Clone, Copy, Debug)]
pub struct DiscoveryProgress<'a> {
    /// Accounts ListAccounts has given so far.
    pub accounts_listed: usize,
    /// How many accounts there are, once ListAccounts has given its last page.
    pub accounts_total: Option<usize>,
    /// Accounts whose roles are all read, resumed ones included.
    pub accounts_done: usize,
    /// The roles that came with this step (one account's, or every role a resumed
    /// discovery had found).
    pub arrived: &'a [DiscoveredRole],
}

/// What [`Sso::discover_reporting`] tells of its progress to.
pub type DiscoveryObserver<'o> = &'o (dyn Fn(DiscoveryProgress<'_>) + Send + Sync);

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
        self.discover_reporting(config, refresh, &unobserved).await
    }

    /// [`Sso::discover`], telling `observe` how far it has got whenever it asks the portal.
    /// An unfinished discovery of the last hour is resumed; the cache is replaced only
    /// once the new discovery is complete.
    pub async fn discover_reporting(
        &self,
        config: &SsoSessionConfig,
        refresh: bool,
        observe: DiscoveryObserver<'_>,
    ) -> Result<Discovery, SsoError> {
        if !refresh {
            if let Some(cached) = self.cached_discovery(config) {
                if self.now() - cached.discovered_at < DISCOVERY_MAX_AGE {
                    return Ok(cached);
                }
            }
        }
        let token = self.token_for(config).await?;
        let discovery = self.discover_with(config, &token, observe).await?;
        self.save_discovery(config, &discovery)?;
        super::cache::remove_if_present(&self.partial_path(config))?;
        Ok(discovery)
    }

    /// The cached discovery of `config`, whatever its age; no network. `None` when there is
    /// none, it cannot be read, or it was made for another start URL.
    pub fn cached_discovery(&self, config: &SsoSessionConfig) -> Option<Discovery> {
        let path = self.discovery_path(config);
        let bytes = fsutil::read_no_follow_at_most(&path, MAX_DISCOVERY_FILE_BYTES).ok()??;
        let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
        let current = file.version == FORMAT_VERSION && file.start_url == config.start_url;
        current.then_some(Discovery {
            roles: file.roles,
            discovered_at: file.discovered_at,
            from_cache: true,
            warnings: Vec::new(),
        })
    }

    /// Reads every account and role from the portal with `token`, paced: ListAccounts (all
    /// pages), then ListAccountRoles (all pages) for several accounts at a time, going on
    /// from an unfinished discovery's progress file. The progress file is kept (also when
    /// this fails); the cache is not written.
    async fn discover_with(
        &self,
        config: &SsoSessionConfig,
        token: &SsoToken,
        observe: DiscoveryObserver<'_>,
    ) -> Result<Discovery, SsoError> {
        let pacer = self.pacer.clone()?;
        let walk = Walk {
            sso: self,
            run: PacedRun::new(&pacer, config.describe(), roles_command(config)),
            client: self.discovery_client(&config.region),
            config,
            token,
            observe,
        };
        let path = self.partial_path(config);
        let (resumed, warnings) = match PartialDiscovery::read(&path, config, self.now()) {
            Ok(resumed) => (resumed, Vec::new()),
            Err(why) => (None, vec![format!("{why}; discovery starts over")]),
        };
        let mut partial = resumed.unwrap_or_else(|| PartialDiscovery::new(config, self.now()));
        let accounts = match partial.accounts.clone() {
            Some(accounts) => accounts,
            None => {
                let accounts = walk.accounts().await?;
                partial.accounts = Some(accounts.clone());
                let _ = partial.save(&path);
                accounts
            }
        };
        if !partial.done.is_empty() {
            observe(DiscoveryProgress {
                accounts_listed: accounts.len(),
                accounts_total: Some(accounts.len()),
                accounts_done: partial.done.len(),
                arrived: &roles_of(config, &accounts, &partial),
            });
        }
        if let Err(e) = walk.roles(&accounts, &mut partial, &path).await {
            // Best effort: the next run resumes from the last save otherwise.
            let _ = partial.save(&path);
            return Err(e);
        }
        Ok(Discovery {
            roles: roles_of(config, &accounts, &partial),
            discovered_at: partial.started_at,
            from_cache: false,
            warnings,
        })
    }

    /// Where an unfinished discovery of `config` keeps its progress: beside the cache.
    fn partial_path(&self, config: &SsoSessionConfig) -> PathBuf {
        self.options
            .discovery_dir
            .join(format!("sso-roles-{}.partial.json", config.cache_key()))
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

    /// Removes the cached discovery of `config`, and an unfinished one (on logout).
    pub(crate) fn forget_discovery(&self, config: &SsoSessionConfig) -> Result<(), SsoError> {
        super::cache::remove_if_present(&self.partial_path(config))?;
        super::cache::remove_if_present(&self.discovery_path(config)).map(drop)
    }
}

/// One discovery's walk through the portal: every call paced by `run`, progress told to
/// `observe`.
struct Walk<'a> {
    sso: &'a Sso,
    run: PacedRun<'a>,
    client: aws_sdk_sso::Client,
    config: &'a SsoSessionConfig,
    token: &'a SsoToken,
    observe: DiscoveryObserver<'a>,
}

impl Walk<'_> {
    /// ListAccounts, every page: `(account id, account name)`, each id once.
    async fn accounts(&self) -> Result<Vec<(String, String)>, SsoError> {
        let (sso, client, config, token) = (self.sso, &self.client, self.config, self.token);
        let mut accounts: Vec<(String, String)> = Vec::new();
        let mut seen = HashSet::new();
        let mut pages = Pages::new(MAX_ACCOUNTS);
        let mut next = None;
        loop {
            let page = self
                .run
                .call(|| sso.list_accounts_page(client, config, token, next.clone()))
                .await?;
            let fresh = page
                .items
                .into_iter()
                .filter(|(id, _)| seen.insert(id.clone()));
            accounts.extend(fresh);
            (self.observe)(DiscoveryProgress {
                accounts_listed: accounts.len(),
                accounts_total: page.next_token.is_none().then_some(accounts.len()),
                accounts_done: 0,
                arrived: &[],
            });
            next = pages
                .next(page.next_token, accounts.len())
                .map_err(|why| self.endless("ListAccounts", why))?;
            if next.is_none() {
                return Ok(accounts);
            }
        }
    }

    /// The error of a listing `pages` ended.
    fn endless(&self, operation: &'static str, why: String) -> SsoError {
        SsoError::Endless {
            session: self.config.describe(),
            operation,
            why,
            command: roles_command(self.config),
        }
    }

    /// ListAccountRoles for every account `partial` has not done, several at a time;
    /// each account joins `partial` (saved to `path` every [`SAVE_EVERY`]) once done.
    async fn roles(
        &self,
        accounts: &[(String, String)],
        partial: &mut PartialDiscovery,
        path: &std::path::Path,
    ) -> Result<(), SsoError> {
        // Owned: a stream of borrowed items makes the future too general for the compiler
        // to see that it is Send.
        let todo: Vec<(String, String)> = accounts
            .iter()
            .filter(|(id, _)| !partial.done.contains_key(id))
            .cloned()
            .collect();
        let mut done = futures::stream::iter(todo)
            .map(|(id, name)| async move {
                let roles = self.account_roles(&id).await;
                (id, name, roles)
            })
            .buffer_unordered(CONCURRENT_ACCOUNTS);
        let mut unsaved = 0;
        while let Some((id, name, roles)) = done.next().await {
            let roles = roles?;
            let arrived: Vec<DiscoveredRole> = roles
                .iter()
                .map(|role| discovered(self.config, &id, &name, role))
                .collect();
            partial.done.insert(id, roles);
            (self.observe)(DiscoveryProgress {
                accounts_listed: accounts.len(),
                accounts_total: Some(accounts.len()),
                accounts_done: partial.done.len(),
                arrived: &arrived,
            });
            unsaved += 1;
            if unsaved == SAVE_EVERY {
                let _ = partial.save(path);
                unsaved = 0;
            }
        }
        Ok(())
    }

    /// ListAccountRoles for one account, every page: the role names, each once.
    async fn account_roles(&self, account_id: &str) -> Result<Vec<String>, SsoError> {
        let (sso, client, config, token) = (self.sso, &self.client, self.config, self.token);
        let mut roles = Vec::new();
        let mut seen = HashSet::new();
        let mut pages = Pages::new(MAX_ROLES_PER_ACCOUNT);
        let mut next = None;
        loop {
            let page = self
                .run
                .call(|| {
                    sso.list_account_roles_page(client, config, token, account_id, next.clone())
                })
                .await?;
            let fresh = page.items.into_iter().filter(|r| seen.insert(r.clone()));
            roles.extend(fresh);
            next = pages
                .next(page.next_token, roles.len())
                .map_err(|why| self.endless("ListAccountRoles", why))?;
            if next.is_none() {
                return Ok(roles);
            }
        }
    }
}

/// One listing's pages so far: it ends where the portal's do, and no later than
/// [`MAX_PAGES`] pages or its ceiling of items.
struct Pages {
    /// Every page token given so far: one given again would go round for ever.
    tokens: HashSet<String>,
    /// The most items the listing may give.
    max_items: usize,
}

impl Pages {
    fn new(max_items: usize) -> Self {
        Pages {
            tokens: HashSet::new(),
            max_items,
        }
    }

    /// The token of the page after the one that gave `next` (with `items` so far in all):
    /// `None` after the last page; why the listing must stop when `next` was given before,
    /// or it goes past a ceiling.
    fn next(&mut self, next: Option<String>, items: usize) -> Result<Option<String>, String> {
        if items > self.max_items {
            return Err(format!("gave more than {} items", self.max_items));
        }
        let Some(token) = next else {
            return Ok(None);
        };
        // The pages read so far: the first, and one for each token followed.
        let read = self.tokens.len() + 1;
        if read == MAX_PAGES {
            return Err(format!("gave more than {MAX_PAGES} pages"));
        }
        if !self.tokens.insert(token.clone()) {
            return Err("repeated a page token (a loop)".into());
        }
        Ok(Some(token))
    }
}

/// The observer of a discovery nobody watches.
fn unobserved(_: DiscoveryProgress<'_>) {}

/// The command that runs discovery of `config` again, for the stall error.
fn roles_command(config: &SsoSessionConfig) -> String {
    match (&config.session_name, &config.legacy_profile) {
        (Some(name), _) => format!("rolecall sso roles --refresh --sso-session {name}"),
        (None, Some(profile)) => format!("rolecall sso roles --refresh --profile {profile}"),
        (None, None) => "rolecall sso roles --refresh".to_string(),
    }
}

fn discovered(config: &SsoSessionConfig, id: &str, name: &str, role: &str) -> DiscoveredRole {
    DiscoveredRole {
        account_id: id.to_string(),
        account_name: name.to_string(),
        role_name: role.to_string(),
        sso_session: config.label().to_string(),
    }
}

/// The roles of the accounts `partial` has done, sorted by account name, account id, then
/// role.
fn roles_of(
    config: &SsoSessionConfig,
    accounts: &[(String, String)],
    partial: &PartialDiscovery,
) -> Vec<DiscoveredRole> {
    let mut roles: Vec<DiscoveredRole> = accounts
        .iter()
        .filter_map(|(id, name)| Some((id, name, partial.done.get(id)?)))
        .flat_map(|(id, name, roles)| roles.iter().map(|r| discovered(config, id, name, r)))
        .collect();
    roles.sort_by(|a, b| {
        (&a.account_name, &a.account_id, &a.role_name).cmp(&(
            &b.account_name,
            &b.account_id,
            &b.role_name,
        ))
    });
    roles
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
