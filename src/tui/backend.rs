//! The seam between the TUI and the credential core.
//!
//! The TUI never talks to STS or the session store itself: it asks a [`Backend`] on a
//! background task and gets a message back. That keeps the UI loop from blocking and lets
//! tests drive the whole TUI with a fake.
//!
//! The real implementation is [`crate::backend::CoreBackend`]. Each call runs on its own
//! tokio task; `assume` may be aborted (Esc) at any await point, so it must leave the store
//! consistent if dropped mid-way (a `credential_process` child is killed then).

use crate::session::{ListedSession, Session, SessionKey};
use crate::sts::MfaCode;
use futures::future::BoxFuture;

/// What the TUI asks of the core; the real implementation lives elsewhere, tests use a fake.
pub trait Backend: Send + Sync + 'static {
    /// Obtain a session for `profile`: from the cache unless `refresh`, else from STS.
    /// `mfa_code` is the code the user just typed (then the MFA session is renewed).
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>>;
    /// A new MFA session of `profile`'s keys with `code` (refresh of an MFA session row).
    fn renew_mfa(
        &self,
        profile: String,
        serial: String,
        code: MfaCode,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>>;
    /// The stored sessions, each marked stale or current (on start and after changes).
    fn sessions(&self) -> BoxFuture<'static, Result<Vec<ListedSession>, String>>;
    /// Forget one stored session.
    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>>;
    /// Get slow one-time set-up out of the way; run once the first frame is on screen.
    fn prepare(&self) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

/// A session the backend obtained, and what the user should be told about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumed {
    /// Boxed: an answer travels the UI's message channel, which should stay small.
    pub session: Box<Session>,
    /// A duration capped to STS's limit, a session that could not be cached…
    pub warnings: Vec<String>,
}

/// Why an assume did not produce a session; each case gets its own treatment in the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssumeFailure {
    /// The chain needs an MFA code for `serial`: the UI opens the MFA modal. `reason` says
    /// why when an MFA session was cached (STS refused it).
    NeedsMfa {
        serial: String,
        reason: Option<String>,
    },
    /// STS rejected the code: the UI re-opens the modal with STS's reason.
    WrongMfa { message: String },
    /// Anything else (AccessDenied, endpoint unreachable…): shown on the status line.
    Failed { message: String },
}
