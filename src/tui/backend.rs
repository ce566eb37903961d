//! The seam between the TUI and the credential core.
//!
//! The TUI never talks to STS or the session store itself: it asks a [`Backend`] on a
//! background task and gets a message back. That keeps the UI loop from blocking and lets
//! tests drive the whole TUI with a fake.
//!
//! The real implementation is [`crate::backend::CoreBackend`]. Each call is run on its own tokio task; `assume` may be aborted (Esc) at any await
//! point, so it must leave the store consistent if dropped mid-way. `Refresh` is
//! `forget` followed by `assume(profile, None)`.

use crate::session::Session;
use futures::future::BoxFuture;

/// What the TUI asks of the core; the real implementation lives elsewhere, tests use a fake.
pub trait Backend: Send + Sync + 'static {
    /// Obtain (or reuse from cache) a session for `profile`. `mfa_code` is None on the first try.
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<String>,
    ) -> BoxFuture<'static, Result<Session, AssumeFailure>>;
    /// Active sessions from the store (on start and after changes).
    fn sessions(&self) -> BoxFuture<'static, Result<Vec<Session>, String>>;
    /// Forget a profile's cached sessions.
    fn forget(&self, profile: String) -> BoxFuture<'static, Result<(), String>>;
    /// Get slow one-time set-up out of the way; run once the first frame is on screen.
    fn prepare(&self) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

/// Why an assume did not produce a session; each case gets its own treatment in the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssumeFailure {
    /// The chain needs an MFA code for `serial`: the UI opens the MFA modal.
    NeedsMfa { serial: String },
    /// STS rejected the code: the UI re-opens the modal with STS's reason.
    WrongMfa { message: String },
    /// Anything else (AccessDenied, endpoint unreachable…): shown on the status line.
    Failed { message: String },
}
