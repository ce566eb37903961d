//! rolecall's idea of time, injectable so tests move it instead of waiting.
//!
//! One [`Clock`] for every part that judges time: the credential server reads [`Clock::now`]
//! to decide when a session is due for a refresh, and IAM Identity Center's sign-in reads it
//! for token expiry and waits between polls with [`Clock::sleep`]. [`SystemClock`] is the
//! real one; [`ManualClock`] stands still until a test moves it, and its `sleep` moves it on
//! and returns at once, so no test waits out a real interval.

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;
use std::sync::Mutex;
use std::time::Duration;

/// A source of the current time and of waits measured against it.
pub trait Clock: Send + Sync + 'static {
    /// The time now, against which expirations are judged.
    fn now(&self) -> DateTime<Utc>;

    /// Waits `duration` (by this clock's time).
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The system's wall clock and tokio's timer: what rolecall uses outside tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when told to, so a test can step into a refresh window or past
/// an expiration in an instant. Its [`Clock::sleep`] returns at once, moves the clock on by
/// the duration and records it ([`ManualClock::sleeps`]).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(start),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        *lock(&self.now) = now;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: TimeDelta) {
        *lock(&self.now) += by;
    }

    /// Every duration slept on this clock so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        lock(&self.sleeps).clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.now)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.advance(TimeDelta::from_std(duration).expect("a test sleeps within chrono's range"));
        lock(&self.sleeps).push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// The value behind `mutex`, even if a panicking test poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
