//! Discovery's pace: one client-side token bucket shared by every ListAccounts and
//! ListAccountRoles call, backoff with jitter when the portal throttles anyway, and a
//! watchdog that gives up only when nothing has succeeded for a while.
//!
//! IAM Identity Center allows about 20 calls a second for ListAccounts and ListAccountRoles
//! together, per person. Peers that fire calls as fast as they can meet
//! `TooManyRequestsException` (HTTP 429) in organisations of a few hundred accounts and
//! give up after the SDK's three (or fifteen) attempts, however well the rest went. Here
//! calls wait for a token instead ([`CallPacer::acquire`]), so throttling is rare; a call
//! throttled all the same waits and tries again, as long as it takes, while other calls
//! keep succeeding ([`PacedRun::call`]). Only when no call at all has succeeded for
//! [`Pacing::stall_limit`] does discovery stop, keeping what it has (see
//! `resume.rs`).
//!
//! Waits go through the [`Clock`], so tests move a `ManualClock` instead of waiting.

use super::SsoError;
use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The environment variable that sets [`Pacing::calls_per_second`].
pub const CALLS_PER_SECOND_VAR: &str = "ROLECALL_SSO_CALLS_PER_SECOND";

/// Identity Center's quota for ListAccounts + ListAccountRoles together.
pub const DEFAULT_CALLS_PER_SECOND: f64 = 20.0;

/// How discovery paces its calls; [`Pacing::default`] suits the real portal.
#[derive(Clone, Debug, PartialEq)]
pub struct Pacing {
    /// The bucket's refill rate: calls a second, all of discovery's calls together.
    pub calls_per_second: f64,
    /// How many calls may go at once after a pause (the bucket's size). 1 spaces every
    /// call evenly, which no quota counted over any one-second window refuses.
    pub burst: u32,
    /// Discovery gives up when no call has succeeded for this long.
    pub stall_limit: Duration,
    /// The wait after a call's first throttled (or failed) attempt; it doubles with each
    /// further one, up to `max_backoff`, and each wait is drawn from its upper half.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            calls_per_second: DEFAULT_CALLS_PER_SECOND,
            burst: 1,
            stall_limit: Duration::from_secs(120),
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl Pacing {
    /// The default, with [`CALLS_PER_SECOND_VAR`] when it is set (a number from 0.1 to
    /// 1000; a lower rate suits an organisation whose quota other tools share).
    pub fn from_env() -> Result<Pacing, SsoError> {
        let value = std::env::var(CALLS_PER_SECOND_VAR).ok();
        Self::with_rate(value.as_deref())
    }

    /// The default with the rate `value` (unset or empty: the default rate).
    pub fn with_rate(value: Option<&str>) -> Result<Pacing, SsoError> {
        let mut pacing = Pacing::default();
        let Some(text) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(pacing);
        };
        match text.parse::<f64>() {
            Ok(rate) if (0.1..=1000.0).contains(&rate) => {
                pacing.calls_per_second = rate;
                Ok(pacing)
            }
            _ => Err(SsoError::Config(format!(
                "{CALLS_PER_SECOND_VAR}={} is not a number of calls per second from 0.1 to 1000; \
                 set it to 20 (Identity Center's quota) or lower, or unset it",
                crate::term_text::visible(text)
            ))),
        }
    }
}

/// The token bucket every discovery call of one [`super::Sso`] takes a token from.
pub struct CallPacer {
    pacing: Pacing,
    clock: Arc<dyn Clock>,
    bucket: Mutex<Bucket>,
    /// xorshift state for the backoff's jitter.
    jitter: Mutex<u64>,
}

struct Bucket {
    /// May go below zero: each caller reserves its token, then waits until it is due.
    tokens: f64,
    at: DateTime<Utc>,
}

impl std::fmt::Debug for CallPacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallPacer")
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl CallPacer {
    /// A full bucket of `pacing.burst` tokens, timed by `clock`.
    pub fn new(pacing: Pacing, clock: Arc<dyn Clock>) -> Self {
        let mut seed = [0u8; 8];
        let _ = getrandom::getrandom(&mut seed);
        CallPacer {
            bucket: Mutex::new(Bucket {
                tokens: f64::from(pacing.burst.max(1)),
                at: clock.now(),
            }),
            jitter: Mutex::new(u64::from_le_bytes(seed) | 1),
            pacing,
            clock,
        }
    }

    /// Waits until a call may go: takes a token, or reserves the next one and sleeps until
    /// it is due. Callers are served in the order they asked.
    pub async fn acquire(&self) {
        let wait = {
            let mut bucket = lock(&self.bucket);
            let now = self.clock.now();
            let rate = self.pacing.calls_per_second;
            let elapsed = (now - bucket.at).to_std().unwrap_or_default().as_secs_f64();
            let full = f64::from(self.pacing.burst.max(1));
            bucket.tokens = (bucket.tokens + elapsed * rate).min(full) - 1.0;
            bucket.at = now;
            (bucket.tokens < 0.0).then(|| Duration::from_secs_f64(-bucket.tokens / rate))
        };
        if let Some(wait) = wait {
            self.clock.sleep(wait).await;
        }
    }

    /// The wait before attempt `failures + 1` of a call: `first_backoff × 2^(failures-1)`,
    /// at most `max_backoff`, drawn from its upper half so that calls throttled together
    /// do not come back together.
    pub fn backoff(&self, failures: u32) -> Duration {
        let doubling = 2f64.powi(failures.saturating_sub(1).min(30) as i32);
        let ceiling = (self.pacing.first_backoff.as_secs_f64() * doubling)
            .min(self.pacing.max_backoff.as_secs_f64());
        let mut x = lock(&self.jitter);
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        let unit = (*x >> 11) as f64 / (1u64 << 53) as f64;
        Duration::from_secs_f64(ceiling * (0.5 + unit / 2.0))
    }
}

/// Why one attempt of a paced call failed, and whether trying again may help.
#[derive(Debug)]
pub struct CallError {
    pub error: SsoError,
    pub kind: FailureKind,
}

/// What kind of failure a [`CallError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// HTTP 429 / `TooManyRequestsException`: the quota; wait and try again.
    Throttled,
    /// HTTP 5xx: the service's trouble; wait and try again.
    ServerError,
    /// No answer (a timeout, a reset connection): tried again once discovery has had a
    /// success, so a portal that cannot be reached at all fails at once.
    Unreachable,
    /// Anything else (a refused token, no access): trying again cannot help.
    Fatal,
}

/// One discovery's calls through a [`CallPacer`]: it knows when a call last succeeded.
pub struct PacedRun<'a> {
    pacer: &'a CallPacer,
    /// `sso-session corp`, and the command that runs discovery again, for the stall error.
    session: String,
    again: String,
    last_success: Mutex<DateTime<Utc>>,
    succeeded: Mutex<bool>,
}

impl<'a> PacedRun<'a> {
    /// A run starting now: the stall limit counts from here until the first success.
    pub fn new(pacer: &'a CallPacer, session: String, again: String) -> Self {
        PacedRun {
            last_success: Mutex::new(pacer.clock.now()),
            succeeded: Mutex::new(false),
            pacer,
            session,
            again,
        }
    }

    /// Runs `attempt` after taking a token, again (after a backoff, and another token)
    /// while it fails in a way that may pass, until it succeeds, fails for good, or no
    /// call of this run has succeeded for [`Pacing::stall_limit`] ([`SsoError::Stalled`]).
    pub async fn call<T, F, Fut>(&self, mut attempt: F) -> Result<T, SsoError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        let mut failures = 0u32;
        loop {
            self.pacer.acquire().await;
            let failure = match attempt().await {
                Ok(value) => {
                    *lock(&self.last_success) = self.pacer.clock.now();
                    *lock(&self.succeeded) = true;
                    return Ok(value);
                }
                Err(failure) => failure,
            };
            let again = match failure.kind {
                FailureKind::Throttled | FailureKind::ServerError => true,
                FailureKind::Unreachable => *lock(&self.succeeded),
                FailureKind::Fatal => false,
            };
            if !again {
                return Err(failure.error);
            }
            let quiet = self.pacer.clock.now() - *lock(&self.last_success);
            let quiet = quiet.to_std().unwrap_or_default();
            if quiet >= self.pacer.pacing.stall_limit {
                return Err(SsoError::Stalled {
                    session: self.session.clone(),
                    seconds: quiet.as_secs(),
                    last: failure.error.to_string(),
                    command: self.again.clone(),
                });
            }
            failures += 1;
            self.pacer.clock.sleep(self.pacer.backoff(failures)).await;
        }
    }
}

/// The value behind `mutex`, even if a panicking thread poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
