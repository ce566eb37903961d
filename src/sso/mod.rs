//! IAM Identity Center (SSO): sign-in with the authorization code and PKCE or the device
//! code (aws-sdk-ssooidc; [`choose_flow`] says which), the AWS CLI's token cache,
//! role credentials and discovery of every account and role (aws-sdk-sso), and the config
//! block `rolecall sso sync` writes.
//!
//! [`Sso`] is the one entry point: it knows where the token cache is (the AWS CLI's, so a
//! sign-in by either tool serves both), where discovery is cached, which endpoints to call
//! (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL`) and what time
//! it is, and it holds the one rate limiter of discovery's calls ([`CallPacer`], set by
//! [`Pacing`]). The resolver calls [`Sso::token_for`] then [`Sso::role_credentials`]; the
//! sign-in window calls [`Sso::start_sign_in`] then [`PendingSignIn::finish`]; the profile
//! list calls [`Sso::discover`] or [`Sso::discover_reporting`] (or [`Sso::cached_discovery`]
//! when it must not touch the network) and [`pair_with_profiles`]. Discovery is paced
//! (`pacing.rs`), resumable (`resume.rs`) and reports its progress (`discovery.rs`).

mod cache;
mod callback;
mod config;
mod discovery;
mod error;
mod flow;
mod oidc;
mod pacing;
mod pkce;
mod portal;
mod resume;
mod sign_in;
pub mod sync;

pub use cache::{
    parse_time, ClientRegistration, SsoToken, TokenCache, TokenRead, AUTH_CODE_GRANTS,
    REGISTRATION_EXPIRY_WINDOW, TOKEN_REFRESH_WINDOW,
};
pub(crate) use callback::{BrowserAnswer, CallbackListener};
pub use config::{profile_sso_label, SsoSessionConfig, DEFAULT_REGISTRATION_SCOPE};
pub use discovery::{
    pair_with_profiles, DiscoveredRole, Discovery, DiscoveryObserver, DiscoveryProgress,
    DISCOVERY_MAX_AGE,
};
pub use error::SsoError;
pub use flow::{choose_flow, FlowChoice, SignInFlow, Surroundings};
pub use pacing::{CallPacer, Pacing, CALLS_PER_SECOND_VAR, DEFAULT_CALLS_PER_SECOND};
pub(crate) use pkce::Pkce;
pub use pkce::BROWSER_WAIT;
pub use portal::PAGE_SIZE;
pub use sign_in::PendingSignIn;

use crate::clock::{Clock, SystemClock};
use crate::profile::ProfileGraph;
use crate::session::{SessionStore, StoreError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where [`Sso`] keeps things and which endpoints it calls; [`SsoOptions::from_env`] is
/// what the commands use.
#[derive(Clone)]
pub struct SsoOptions {
    /// The AWS CLI's token cache (`~/.aws/sso/cache`).
    pub token_cache_dir: PathBuf,
    /// Where discovered accounts and roles are cached (rolecall's cache directory).
    pub discovery_dir: PathBuf,
    /// The OIDC endpoint override (`AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL`).
    pub oidc_endpoint: Option<String>,
    /// The portal endpoint override (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`).
    pub portal_endpoint: Option<String>,
    /// The HTTP client instead of [`crate::http::client`] (tests).
    pub http: Option<SharedHttpClient>,
    pub clock: Arc<dyn Clock>,
}

impl SsoOptions {
    /// The user's caches and the environment's endpoint overrides.
    pub fn from_env() -> Self {
        SsoOptions {
            token_cache_dir: TokenCache::default_dir(),
            discovery_dir: SessionStore::default_dir(),
            oidc_endpoint: crate::endpoint_url::from_env("SSO_OIDC"),
            portal_endpoint: crate::endpoint_url::from_env("SSO"),
            http: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for SsoOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoOptions")
            .field("token_cache_dir", &self.token_cache_dir)
            .field("discovery_dir", &self.discovery_dir)
            .field("oidc_endpoint", &self.oidc_endpoint)
            .field("portal_endpoint", &self.portal_endpoint)
            .finish_non_exhaustive()
    }
}

/// IAM Identity Center for one process; cheap to clone. See the module documentation.
#[derive(Clone, Debug)]
pub struct Sso {
    options: Arc<SsoOptions>,
    token_cache: TokenCache,
    /// The one rate limiter of discovery's calls, or why the environment's pacing is
    /// unusable (said when discovery runs, not when a profile is merely assumed).
    pacer: Result<Arc<CallPacer>, SsoError>,
}

/// What [`Sso::logout`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    /// Whether a cached token was removed.
    pub token_removed: bool,
    /// Why the portal's Logout failed, when it did (the local token is removed anyway).
    pub portal_warning: Option<String>,
}

impl Sso {
    /// The user's caches and the environment's endpoints (see [`SsoOptions::from_env`]).
    /// Discovery is paced by [`Pacing::from_env`] (`ROLECALL_SSO_CALLS_PER_SECOND`).
    pub fn from_env() -> Self {
        Self::from_env_with_token_cache(TokenCache::default_dir())
    }

    /// [`Sso::from_env`] with the tokens kept in `dir` instead of the AWS CLI's cache (the
    /// demo keeps its sign-in apart from the user's).
    pub fn from_env_with_token_cache(dir: PathBuf) -> Self {
        let sso = Self::new(SsoOptions {
            token_cache_dir: dir,
            ..SsoOptions::from_env()
        });
        match Pacing::from_env() {
            Ok(pacing) => sso.with_pacing(pacing),
            Err(e) => Sso {
                pacer: Err(e),
                ..sso
            },
        }
    }

    /// Discovery paced by [`Pacing::default`].
    pub fn new(options: SsoOptions) -> Self {
        let pacer = CallPacer::new(Pacing::default(), options.clock.clone());
        Sso {
            token_cache: TokenCache::new(options.token_cache_dir.clone()),
            options: Arc::new(options),
            pacer: Ok(Arc::new(pacer)),
        }
    }

    /// This instance with discovery paced by `pacing` (a new rate limiter on its clock).
    pub fn with_pacing(self, pacing: Pacing) -> Self {
        let pacer = CallPacer::new(pacing, self.options.clock.clone());
        Sso {
            pacer: Ok(Arc::new(pacer)),
            ..self
        }
    }

    /// The AWS CLI's token cache this instance reads and writes.
    pub fn token_cache(&self) -> &TokenCache {
        &self.token_cache
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.options.clock.now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.options.clock.sleep(duration)
    }

    /// The cached token of `config` as it is, without refreshing and without the network
    /// (what a countdown shows). A corrupt file is set aside and counts as none.
    pub fn cached_token(&self, config: &SsoSessionConfig) -> Result<Option<SsoToken>, SsoError> {
        match self.token_cache.read(config, self.now())? {
            TokenRead::Found(token) if token.start_url == config.start_url => Ok(Some(token)),
            _ => Ok(None),
        }
    }

    /// A token that works now: the cached one, refreshed with its refresh token when it
    /// expires within [`TOKEN_REFRESH_WINDOW`] (`[sso-session]` profiles only, as the SDKs;
    /// the new token is written back). Without a usable token the error says which
    /// `rolecall sso login …` to run.
    pub async fn token_for(&self, config: &SsoSessionConfig) -> Result<SsoToken, SsoError> {
        let now = self.now();
        let not_signed_in = |note: Option<String>| SsoError::NotSignedIn {
            session: config.describe(),
            command: config.login_command(),
            note,
        };
        let token = match self.token_cache.read(config, now)? {
            TokenRead::Found(token) => token,
            TokenRead::Missing => return Err(not_signed_in(None)),
            TokenRead::SetAside { path, aside } => {
                return Err(not_signed_in(Some(format!(
                    "the token cache file {} could not be read and was moved to {}",
                    path.display(),
                    aside.display()
                ))))
            }
        };
        if token.start_url != config.start_url {
            return Err(not_signed_in(Some(format!(
                "the cached token is for {}",
                token.start_url
            ))));
        }
        if !token.needs_refresh(now) {
            return Ok(token);
        }
        let expired = |note: Option<String>| SsoError::Expired {
            session: config.describe(),
            command: config.login_command(),
            note,
        };
        if config.refreshable() && token.can_refresh(now) {
            match self.refresh(config, &token).await {
                Ok(refreshed) => return Ok(refreshed),
                // Still good for a few minutes: use it, as the SDKs do.
                Err(_) if !token.is_expired(now) => return Ok(token),
                Err(e @ SsoError::Unreachable { .. }) => return Err(e),
                Err(SsoError::Oidc { error, .. }) => {
                    return Err(expired(Some(format!("refreshing it failed: {error}"))))
                }
                Err(e) => return Err(expired(Some(format!("refreshing it failed: {e}")))),
            }
        }
        if token.is_expired(now) {
            return Err(expired(None));
        }
        Ok(token)
    }

    /// Signs `config` out: Logout at the portal (a failure there becomes a warning), then
    /// removes the cached token and the cached discovery. Sessions obtained with the token
    /// are forgotten by [`forget_sessions`].
    pub async fn logout(&self, config: &SsoSessionConfig) -> Result<LogoutReport, SsoError> {
        let now = self.now();
        let mut portal_warning = None;
        if let TokenRead::Found(token) = self.token_cache.read(config, now)? {
            if !token.is_expired(now) {
                if let Err(e) = self.portal_logout(config, &token).await {
                    portal_warning = Some(e.to_string());
                }
            }
        }
        let token_removed = self.token_cache.remove(config)?;
        self.forget_discovery(config)?;
        Ok(LogoutReport {
            token_removed,
            portal_warning,
        })
    }

    fn http(&self) -> SharedHttpClient {
        self.options
            .http
            .clone()
            .unwrap_or_else(crate::http::client)
    }

    fn oidc_client(&self, region: &str) -> aws_sdk_ssooidc::Client {
        use aws_sdk_ssooidc::config::{BehaviorVersion, Region};
        let mut conf = aws_sdk_ssooidc::Config::builder();
        conf.set_endpoint_url(self.options.oidc_endpoint.clone());
        let conf = conf
            .behavior_version(BehaviorVersion::latest())
            .http_client(self.http())
            .region(Region::new(region.to_string()))
            .retry_config(
                aws_sdk_ssooidc::config::retry::RetryConfig::standard().with_max_attempts(2),
            )
            .timeout_config(client_timeouts())
            .build();
        aws_sdk_ssooidc::Client::from_conf(conf)
    }

    /// The portal client with the SDK's standard retries (three attempts).
    fn portal_client(&self, region: &str) -> aws_sdk_sso::Client {
        self.portal_client_with(region, aws_sdk_sso::config::retry::RetryConfig::standard())
    }

    /// The portal client discovery uses: one attempt per call, since `pacing.rs` retries
    /// (for as long as other calls succeed, on the injected clock).
    fn discovery_client(&self, region: &str) -> aws_sdk_sso::Client {
        let once = aws_sdk_sso::config::retry::RetryConfig::standard().with_max_attempts(1);
        self.portal_client_with(region, once)
    }

    fn portal_client_with(
        &self,
        region: &str,
        retry: aws_sdk_sso::config::retry::RetryConfig,
    ) -> aws_sdk_sso::Client {
        use aws_sdk_sso::config::{BehaviorVersion, Region};
        let mut conf = aws_sdk_sso::Config::builder();
        conf.set_endpoint_url(self.options.portal_endpoint.clone());
        let conf = conf
            .behavior_version(BehaviorVersion::latest())
            .http_client(self.http())
            .region(Region::new(region.to_string()))
            .retry_config(retry)
            .timeout_config(client_timeouts())
            .build();
        aws_sdk_sso::Client::from_conf(conf)
    }

    /// Where OIDC calls for `region` go, for messages.
    fn oidc_endpoint(&self, region: &str) -> String {
        self.options
            .oidc_endpoint
            .clone()
            .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"))
    }

    /// Where portal calls for `region` go, for messages.
    fn portal_endpoint(&self, region: &str) -> String {
        self.options
            .portal_endpoint
            .clone()
            .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"))
    }
}

/// The timeouts of every client rolecall makes for a sign-in service (IAM Identity
/// Center's, and the sign-in service of `aws login`): 3 s to connect, 10 s per attempt,
/// 30 s in all, so an endpoint that takes the connection and never answers cannot hang.
pub fn client_timeouts() -> aws_smithy_types::timeout::TimeoutConfig {
    aws_smithy_types::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .build()
}

/// `graph` with what IAM Identity Center discovery knows (from its cache: no network): each
/// discovered role that no profile configures becomes a profile of its own, named as
/// `rolecall sso sync` would name it and marked `discovered`, so it can be listed, filtered
/// and assumed like any profile; and every SSO profile discovery knows gets its account's
/// name. `None` when nothing was discovered and `graph` holds no discovered role.
///
/// `graph` may already hold an earlier discovery's roles (the TUI's graph, when discovery
/// runs again after a sign-in): they are replaced, never taken for configured profiles, so
/// a role the portal no longer gives leaves the list.
pub fn with_discovered(graph: &ProfileGraph, sso: &Sso) -> Option<ProfileGraph> {
    with_discovered_arriving(graph, sso, &[])
}

/// [`with_discovered`] while a discovery runs: the roles of the accounts in `arriving`
/// (what the running discovery has found so far) replace the cached roles of those
/// accounts; the other accounts keep what the cache says until the discovery is complete.
pub fn with_discovered_arriving(
    graph: &ProfileGraph,
    sso: &Sso,
    arriving: &[DiscoveredRole],
) -> Option<ProfileGraph> {
    let files_only = graph.profiles().iter().any(|p| p.discovered).then(|| {
        let configured = graph.profiles().iter().filter(|p| !p.discovered).cloned();
        graph.with_profiles(configured.collect())
    });
    let graph = files_only.as_ref().unwrap_or(graph);
    let configs = SsoSessionConfig::all(graph);
    let renewed: std::collections::HashSet<(&str, &str)> = arriving
        .iter()
        .map(|r| (r.sso_session.as_str(), r.account_id.as_str()))
        .collect();
    let mut roles = Vec::new();
    for config in &configs {
        if let Some(discovery) = sso.cached_discovery(config) {
            let kept = discovery
                .roles
                .into_iter()
                .filter(|r| !renewed.contains(&(r.sso_session.as_str(), r.account_id.as_str())));
            roles.extend(kept);
        }
    }
    roles.extend_from_slice(arriving);
    if roles.is_empty() {
        return files_only;
    }
    let template =
        sync::NameTemplate::parse(sync::DEFAULT_TEMPLATE).expect("the default template parses");
    let named = sync::profile_changes(&roles, &template, graph);
    let account_names: std::collections::HashMap<(&str, &str), &str> = roles
        .iter()
        .map(|r| {
            (
                (r.sso_session.as_str(), r.account_id.as_str()),
                r.account_name.as_str(),
            )
        })
        .collect();
    let mut profiles = graph.profiles().to_vec();
    for p in &mut profiles {
        let known = profile_sso_label(p)
            .zip(p.sso_account_id.as_deref())
            .and_then(|key| account_names.get(&key));
        if let Some(name) = known {
            p.account_name = Some((*name).into());
        }
    }
    for synced in named.profiles {
        let Some(config) = configs
            .iter()
            .find(|c| c.label() == synced.role.sso_session)
        else {
            continue;
        };
        let legacy = config.session_name.is_none();
        profiles.push(crate::profile::Profile::sso_role(
            synced.name,
            config.session_name.as_deref(),
            legacy.then_some(config.start_url.as_str()),
            legacy.then_some(config.region.as_str()),
            &synced.role.account_id,
            &synced.role.account_name,
            &synced.role.role_name,
            Some(config.region.as_str()),
        ));
    }
    Some(graph.with_profiles(profiles))
}

/// Forgets the rolecall sessions obtained with `config`'s sign-in: those of its SSO
/// profiles and of every profile whose chain starts at one. Returns how many.
pub fn forget_sessions(
    store: &SessionStore,
    graph: &ProfileGraph,
    config: &SsoSessionConfig,
) -> Result<usize, StoreError> {
    let mut removed = 0;
    for profile in config.dependent_profiles(graph) {
        removed += store.remove(Some(&profile.name))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
