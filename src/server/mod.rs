//! The loopback credential endpoint: serves a session to child programs over the
//! container credentials protocol (the one ECS tasks and CloudShell use), refreshing it
//! before it expires.
//!
//! A child gets no keys, only [`FULL_URI_VAR`] (`http://127.0.0.1:PORT/`) and
//! [`AUTHORIZATION_TOKEN_VAR`]; every AWS SDK and the AWS CLI then fetch credentials from
//! here whenever theirs run low. The endpoint:
//! - listens on 127.0.0.1 only, on a port the OS picks;
//! - answers `GET /` carrying `Authorization: <token>` (a fresh 256-bit token, compared in
//!   constant time) with `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`; no
//!   token → 401, a wrong one → 403, another path → 404, another method → 405 (`Allow: GET`),
//!   all with a JSON `{"code","message"}` and no credentials;
//! - serves its cached credentials while more than [`REFRESH_WINDOW`] is left; inside the
//!   window (or after expiry) the first request starts one refresh from the
//!   [`SessionFeed`] and every concurrent request waits for that one (at most
//!   [`REFRESH_WAIT`] while the old credentials are still valid);
//! - when a refresh fails, serves the last good credentials until they expire, never past
//!   it, then answers 500 `{"code","message":"rolecall: …"}`; after a failure the feed is
//!   not asked again for [`RETRY_BACKOFF`];
//! - bounds what any local process can make it hold: [`MAX_CONNECTIONS`] (a newcomer at
//!   the limit closes the oldest connection still without a complete request),
//!   [`HEADER_READ_TIMEOUT`] and [`MAX_REQUEST_HEAD`].

mod cache;
mod connections;
mod feed;
mod resolver_feed;
mod served_env;
mod service;
mod status;
mod token;

#[cfg(test)]
mod tests;

pub use feed::{FeedError, SessionFeed, UserAction};
pub use resolver_feed::ResolverFeed;
pub use served_env::{ServedEnv, AUTHORIZATION_TOKEN_VAR, FULL_URI_VAR, SHADOWING_VARS};
pub use service::CREDENTIALS_PATH;
pub use status::ServerStatus;
pub use token::constant_time_eq;

use crate::clock::{Clock, SystemClock};
use cache::{Cache, RefreshPolicy};
use chrono::{DateTime, TimeDelta, Utc};
use service::Handler;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use token::AuthToken;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Refresh when less than this is left: 5 minutes, the session store's own margin
/// ([`crate::session::REFRESH_MARGIN`]), so the resolver's cache and the endpoint agree
/// on when a session is due.
pub const REFRESH_WINDOW: TimeDelta = crate::session::REFRESH_MARGIN;

/// After a failed refresh, the feed is not asked again for this long; requests meanwhile
/// get the last good credentials (or the error once those have expired).
pub const RETRY_BACKOFF: TimeDelta = TimeDelta::seconds(10);

/// How long a request waits for a running refresh while the credentials it would
/// otherwise get are still valid; past it, it gets those. (With none valid, it waits for
/// the refresh's outcome.) Well under the SDKs' read timeouts (botocore 2 s, aws-config 5 s).
pub const REFRESH_WAIT: Duration = Duration::from_secs(1);

/// At most this many connections are open at once (fewer where the process may open fewer
/// than twice as many files: half that limit). A connection beyond it closes the
/// oldest one that has not yet sent a complete request (else the oldest idle one), so a
/// flood of connections that never send a request neither grows memory past the bound
/// nor keeps a real client out; with every connection inside a request, it is closed.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a connection may take to send a request's headers, counted from when it
/// opens and again after each answer: idle and half-sent connections close after it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A request's head (request line and headers) longer than this is answered 431 and the
/// connection closed: an SDK's is under 1 KiB. (8 KiB is hyper's smallest read buffer.)
pub const MAX_REQUEST_HEAD: usize = 8192;

/// How an endpoint refreshes, the clock it judges expirations by, and its connection bounds.
#[derive(Clone)]
pub struct ServerConfig {
    /// See [`REFRESH_WINDOW`].
    pub refresh_window: TimeDelta,
    /// See [`RETRY_BACKOFF`].
    pub retry_backoff: TimeDelta,
    /// See [`REFRESH_WAIT`].
    pub refresh_wait: Duration,
    /// [`SystemClock`] outside tests.
    pub clock: Arc<dyn Clock>,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            refresh_window: REFRESH_WINDOW,
            retry_backoff: RETRY_BACKOFF,
            refresh_wait: REFRESH_WAIT,
            clock: Arc::new(SystemClock),
            max_connections: MAX_CONNECTIONS,
            header_read_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

/// Why an endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on 127.0.0.1 for the credential endpoint: {0}")]
    Bind(std::io::Error),
    #[error("cannot draw the credential endpoint's token from the operating system: {0}")]
    Random(getrandom::Error),
}

/// The credential endpoint, running. Dropping it (or [`CredentialServer::shutdown`]) stops it: no new
/// connections, and open ones close once the request they are answering is done.
pub struct CredentialServer {
    addr: SocketAddr,
    served_env: ServedEnv,
    cache: Arc<Cache>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for CredentialServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialServer")
            .field("url", &self.served_env.full_uri())
            .finish_non_exhaustive()
    }
}

/// Starts an endpoint serving `feed` on 127.0.0.1, on a free port, on the current tokio
/// runtime. Nothing is fetched until the first request (or [`CredentialServer::refresh_now`]).
pub async fn start(
    feed: Arc<dyn SessionFeed>,
    config: ServerConfig,
) -> Result<CredentialServer, ServerError> {
    let token = AuthToken::generate().map_err(ServerError::Random)?;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(ServerError::Bind)?;
    let addr = listener.local_addr().map_err(ServerError::Bind)?;
    let policy = RefreshPolicy {
        window: config.refresh_window,
        backoff: config.retry_backoff,
        wait: config.refresh_wait,
    };
    let cache = Arc::new(Cache::new(feed, config.clock, policy));
    let served_env = ServedEnv::new(
        format!("http://{addr}{CREDENTIALS_PATH}"),
        token.secret().clone(),
    );
    let handler = Arc::new(Handler {
        token,
        cache: cache.clone(),
    });
    let (stop, stopped) = watch::channel(false);
    let limits = service::Limits {
        max_connections: connection_limit(config.max_connections, open_file_limit()),
        header_read_timeout: config.header_read_timeout,
    };
    let task = tokio::spawn(service::serve(listener, handler, limits, stopped));
    Ok(CredentialServer {
        addr,
        served_env,
        cache,
        stop,
        task: Some(task),
    })
}

/// The connection limit in force: the configured one, but at most half the process's
/// file descriptor limit, so that a flood reaches the limit (and closes its own oldest
/// connections) before `accept` runs out of descriptors, and the rest of rolecall keeps
/// the ones it needs. (A soft limit of 1,024, common on desktops, allows 512.)
fn connection_limit(configured: usize, open_files: Option<u64>) -> usize {
    let budget = open_files.map_or(usize::MAX, |n| usize::try_from(n / 2).unwrap_or(usize::MAX));
    configured.min(budget).max(1)
}

/// The process's soft limit on open file descriptors, if it has one.
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

impl CredentialServer {
    /// The endpoint's URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> &str {
        self.served_env.full_uri()
    }

    /// The address it listens on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The variables a child needs; see [`ServedEnv::apply`].
    pub fn served_env(&self) -> &ServedEnv {
        &self.served_env
    }

    /// The status now, with exact request counts.
    pub fn status(&self) -> ServerStatus {
        self.cache.board().snapshot()
    }

    /// Status updates: on every refresh event, and at most once a second while requests
    /// arrive (request counts may lag by that second; [`CredentialServer::status`] is exact).
    pub fn subscribe(&self) -> watch::Receiver<ServerStatus> {
        self.cache.board().subscribe()
    }

    /// Refreshes from the feed now, whatever the window and back-off say (or joins the
    /// refresh already running), and returns the new expiration. For the TUI's refresh
    /// action, after the user gave an MFA code, or to fetch once before starting a child.
    pub async fn refresh_now(&self) -> Result<DateTime<Utc>, FeedError> {
        self.cache.refresh_now().await
    }

    /// Stops the endpoint and waits until every connection has closed.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for CredentialServer {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
