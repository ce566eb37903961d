//! The credentials the endpoint serves, and when and how they are refreshed.
//!
//! The hot path is one lock, one clock read and a reference-count increment: the JSON
//! body is serialised once per credentials. Everything else (refresh, back-off, errors)
//! happens on the slow path, which runs only inside the refresh window, after expiry, or
//! before the first fetch.

use super::feed::{FeedError, SessionFeed};
use super::status::ServerStatus;
use crate::clock::Clock;
use crate::credentials::Credentials;
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use futures::future::{BoxFuture, FutureExt, Shared};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// When and how long the endpoint refreshes; see the constants in [`super`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct RefreshPolicy {
    pub(crate) window: TimeDelta,
    pub(crate) backoff: TimeDelta,
    pub(crate) wait: Duration,
}

/// What a request is answered with: a pre-serialised JSON body, credentials or an error.
pub(crate) enum Answer {
    Credentials(Bytes),
    Error(Bytes),
}

/// One refresh, shared by every request that waits for it.
type Refresh = Shared<BoxFuture<'static, Result<DateTime<Utc>, FeedError>>>;

/// Credentials ready to serve.
struct Served {
    /// `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, zeroised when the last
    /// response holding it is gone.
    body: Bytes,
    expiration: DateTime<Utc>,
    /// From here on a request triggers a refresh.
    refresh_at: DateTime<Utc>,
}

/// A refresh that failed, remembered for the back-off.
struct Failure {
    at: DateTime<Utc>,
    body: Bytes,
}

#[derive(Default)]
struct State {
    served: Option<Arc<Served>>,
    in_flight: Option<Refresh>,
    failure: Option<Failure>,
}

pub(crate) struct Cache {
    feed: Arc<dyn SessionFeed>,
    clock: Arc<dyn Clock>,
    policy: RefreshPolicy,
    state: Mutex<State>,
    board: Board,
    /// Requests waiting for a refresh right now (tests watch it to know all have arrived).
    waiting: AtomicU64,
}

impl Cache {
    pub(crate) fn new(
        feed: Arc<dyn SessionFeed>,
        clock: Arc<dyn Clock>,
        policy: RefreshPolicy,
    ) -> Self {
        Cache {
            feed,
            clock,
            policy,
            state: Mutex::new(State::default()),
            board: Board::new(),
            waiting: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn board(&self) -> &Board {
        &self.board
    }

    #[cfg(test)]
    pub(crate) fn waiting(&self) -> u64 {
        self.waiting.load(Ordering::SeqCst)
    }

    /// The answer to an authorised request: the cached credentials while they are outside
    /// the refresh window; otherwise the result of one refresh shared by all requests.
    pub(crate) async fn answer(self: &Arc<Self>) -> Answer {
        let (refresh, have_valid) = {
            let mut state = self.lock();
            let now = self.clock.now();
            if let Some(served) = state.served.as_ref().filter(|s| now < s.refresh_at) {
                let body = served.body.clone();
                drop(state);
                self.board.count(&self.board.served, now);
                return Answer::Credentials(body);
            }
            let backing_off = state
                .failure
                .as_ref()
                .is_some_and(|f| now < f.at + self.policy.backoff);
            if backing_off && state.in_flight.is_none() {
                return self.settled(&state, now);
            }
            let have_valid = state.served.as_ref().is_some_and(|s| now < s.expiration);
            (self.join_or_start(&mut state), have_valid)
        };
        {
            let _waiting = Waiting::new(&self.waiting);
            if have_valid {
                // Still-valid credentials are better than a client timing out on a slow STS.
                let _ = tokio::time::timeout(self.policy.wait, refresh).await;
            } else {
                let _ = refresh.await;
            }
        }
        let state = self.lock();
        self.settled(&state, self.clock.now())
    }

    /// Counts a refused request (no or a wrong token, another path or method).
    pub(crate) fn count_refused(&self) {
        self.board.count(&self.board.refused, self.clock.now());
    }

    /// Refreshes now (or joins the refresh already running), whatever the back-off says.
    pub(crate) async fn refresh_now(self: &Arc<Self>) -> Result<DateTime<Utc>, FeedError> {
        let refresh = self.join_or_start(&mut self.lock());
        refresh.await
    }

    /// The answer once no refresh is to be waited for: the last good credentials while
    /// they are valid, else the last error.
    fn settled(&self, state: &State, now: DateTime<Utc>) -> Answer {
        match (&state.served, &state.failure) {
            (Some(served), _) if now < served.expiration => {
                self.board.count(&self.board.served, now);
                Answer::Credentials(served.body.clone())
            }
            (_, Some(failure)) => {
                self.board.count(&self.board.failed, now);
                Answer::Error(failure.body.clone())
            }
            _ => {
                self.board.count(&self.board.failed, now);
                Answer::Error(error_body(
                    "NoCredentials",
                    "rolecall: no credentials to serve yet; retry",
                ))
            }
        }
    }

    fn join_or_start(self: &Arc<Self>, state: &mut State) -> Refresh {
        if let Some(refresh) = &state.in_flight {
            return refresh.clone();
        }
        let cache = Arc::clone(self);
        // A task of its own, so a client that hangs up cannot cancel the refresh
        // half-way and make the next request start a second one.
        let task = tokio::spawn(async move {
            let fetched = AssertUnwindSafe(cache.fetch())
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err(FeedError::failed("the session feed panicked")));
            cache.finish(fetched)
        });
        let refresh = async move {
            task.await
                .unwrap_or_else(|_| Err(FeedError::failed("the refresh was cancelled")))
        }
        .boxed()
        .shared();
        state.in_flight = Some(refresh.clone());
        self.board.update(|s| s.refreshing = true);
        refresh
    }

    /// Asks the feed, and asks again past its cache when the cached answer is itself
    /// inside the refresh window.
    async fn fetch(&self) -> Result<Served, FeedError> {
        let credentials = self.feed.obtain(false).await?;
        let stale = credentials
            .expiration
            .is_some_and(|exp| exp - self.clock.now() <= self.policy.window);
        let credentials = if stale {
            self.feed.obtain(true).await?
        } else {
            credentials
        };
        Served::new(&credentials, self.clock.now(), &self.policy)
    }

    fn finish(&self, fetched: Result<Served, FeedError>) -> Result<DateTime<Utc>, FeedError> {
        let now = self.clock.now();
        let mut state = self.lock();
        state.in_flight = None;
        match fetched {
            Ok(served) => {
                let expiration = served.expiration;
                state.served = Some(Arc::new(served));
                state.failure = None;
                self.board.update(|s| {
                    s.refreshing = false;
                    s.refreshes += 1;
                    s.last_refresh = Some(now);
                    s.expiration = Some(expiration);
                    s.last_error = None;
                });
                Ok(expiration)
            }
            Err(error) => {
                state.failure = Some(Failure {
                    at: now,
                    body: failure_body(&error),
                });
                self.board.update(|s| {
                    s.refreshing = false;
                    s.failed_refreshes += 1;
                    s.last_error = Some(error.clone());
                });
                Err(error)
            }
        }
    }
}

/// Counts a request waiting for a refresh for as long as it waits (or until it is dropped).
struct Waiting<'a>(&'a AtomicU64);

impl<'a> Waiting<'a> {
    fn new(counter: &'a AtomicU64) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Served {
    /// Checks that `credentials` can be served and serialises them once.
    ///
    /// The protocol's clients require `Token` and `Expiration` (aws-config's
    /// `parse_json_credentials` and botocore's `ContainerProvider` both fail without them),
    /// so long-term keys are refused rather than served in a shape no SDK accepts.
    fn new(
        credentials: &Credentials,
        now: DateTime<Utc>,
        policy: &RefreshPolicy,
    ) -> Result<Served, FeedError> {
        let not_temporary = || {
            FeedError::failed(
                "the session holds long-term keys (no session token or expiration); the \
                 container credentials protocol serves temporary credentials only: run the \
                 program with the session's keys instead of the endpoint",
            )
        };
        let token = credentials
            .session_token
            .as_ref()
            .ok_or_else(not_temporary)?;
        let expiration = credentials.expiration.ok_or_else(not_temporary)?;
        if expiration <= now {
            return Err(FeedError::failed(format!(
                "the session's credentials expired at {}; refresh the session in rolecall",
                expiration.to_rfc3339_opts(SecondsFormat::Secs, true)
            )));
        }
        // Credentials that arrive already inside the window are served for one back-off
        // period before the next refresh, so they cannot cause a refresh per request.
        let refresh_at = (expiration - policy.window)
            .max(now + policy.backoff)
            .min(expiration);
        let body = credentials_body(
            &credentials.access_key_id,
            credentials.secret_access_key.expose(),
            token.expose(),
            expiration,
        );
        Ok(Served {
            body,
            expiration,
            refresh_at,
        })
    }
}

/// The protocol's success body, in a buffer sized up front (no reallocation leaves a
/// copy of the secret behind) and zeroised when freed.
fn credentials_body(
    access_key_id: &str,
    secret_access_key: &str,
    token: &str,
    expiration: DateTime<Utc>,
) -> Bytes {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Body<'a> {
        access_key_id: &'a str,
        secret_access_key: &'a str,
        token: &'a str,
        expiration: String,
    }
    let body = Body {
        access_key_id,
        secret_access_key,
        token,
        expiration: expiration.to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    // Escaping at most doubles a string of printable ASCII (as keys and tokens are).
    let room = 2 * (access_key_id.len() + secret_access_key.len() + token.len()) + 128;
    let mut buf = zeroize::Zeroizing::new(Vec::with_capacity(room));
    serde_json::to_writer(&mut *buf, &body).expect("serialising strings cannot fail");
    Bytes::from_owner(buf)
}

/// The protocol's error body: `{"code": …, "message": "rolecall: …"}`.
pub(crate) fn error_body(code: &str, message: &str) -> Bytes {
    Bytes::from(serde_json::json!({ "code": code, "message": message }).to_string())
}

fn failure_body(error: &FeedError) -> Bytes {
    let message = match error.needs_user {
        Some(action) => format!(
            "rolecall: cannot refresh the session's credentials: {error} ({action} is needed: \
             give it to rolecall, then run the command again)"
        ),
        None => format!("rolecall: cannot refresh the session's credentials: {error}"),
    };
    error_body(error.error_code(), &message)
}

/// The endpoint's counters and the status channel the TUI watches.
///
/// Counting a request is an atomic increment; the channel is updated on every refresh
/// event and, while requests arrive, at most once a second, so a busy endpoint does not
/// wake its watchers thousands of times a second.
pub(crate) struct Board {
    pub(crate) served: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) failed: AtomicU64,
    published_second: AtomicI64,
    status: watch::Sender<ServerStatus>,
}

impl Board {
    fn new() -> Self {
        Board {
            served: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            published_second: AtomicI64::new(i64::MIN),
            status: watch::Sender::new(ServerStatus::default()),
        }
    }

    /// Counts one request on `counter` and publishes the counts if a second has passed.
    pub(crate) fn count(&self, counter: &AtomicU64, now: DateTime<Utc>) {
        counter.fetch_add(1, Ordering::Relaxed);
        let second = now.timestamp();
        if self.published_second.load(Ordering::Relaxed) != second
            && self.published_second.swap(second, Ordering::Relaxed) != second
        {
            self.update(|_| {});
        }
    }

    /// Changes the status and publishes it, with the counters as they stand.
    pub(crate) fn update(&self, change: impl FnOnce(&mut ServerStatus)) {
        self.status.send_modify(|s| {
            change(s);
            self.copy_counts(s);
        });
    }

    fn copy_counts(&self, s: &mut ServerStatus) {
        s.requests_served = self.served.load(Ordering::Relaxed);
        s.requests_refused = self.refused.load(Ordering::Relaxed);
        s.requests_failed = self.failed.load(Ordering::Relaxed);
    }

    /// The status with exact counts.
    pub(crate) fn snapshot(&self) -> ServerStatus {
        let mut s = self.status.borrow().clone();
        self.copy_counts(&mut s);
        s
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<ServerStatus> {
        self.status.subscribe()
    }
}
