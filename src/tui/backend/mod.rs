//! The seam between the TUI and the credential core.
//!
//! The TUI never talks to STS or the session store itself: it asks a [`Backend`] on a
//! background task and gets a message back. That keeps the UI loop from blocking and lets
//! tests drive the whole TUI with a fake.
//!
//! The real implementation is [`CoreBackend`] (`core.rs`, over a [`crate::context::Context`]).
//! Each call runs on its own tokio task; `assume` may be aborted (Esc) at any await point,
//! so it must leave the store consistent if dropped mid-way (a `credential_process` child
//! is killed then).

mod arrivals;
mod core;

pub use self::core::CoreBackend;

use crate::profile::ProfileGraph;
use crate::session::{ListedSession, Session, SessionKey};
use crate::sts::MfaCode;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::{oneshot, watch};

/// What the TUI asks of the core; [`CoreBackend`] is the real one, tests use a fake.
pub trait Backend: Send + Sync + 'static {
    /// Obtain a session for `profile`: from the cache unless `refresh`, else from STS.
    /// `mfa_code` is the code the user just typed (then the MFA session is renewed).
    /// Without one, a device's `mfa_process` is run where the chain needs a code, and
    /// `waiting` hears what to show meanwhile (dropping the future kills the command).
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
        waiting: MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>>;
    /// A new MFA session of `profile`'s keys with `code` (refresh of an MFA session row),
    /// or without one with the code `profile`'s `mfa_process` prints (`waiting` hears what
    /// to show meanwhile).
    fn renew_mfa(
        &self,
        profile: String,
        serial: String,
        code: Option<MfaCode>,
        waiting: MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>>;
    /// The stored sessions, each marked stale or current (on start and after changes).
    fn sessions(&self) -> BoxFuture<'static, Result<Vec<ListedSession>, String>>;
    /// Forget one stored session.
    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>>;
    /// Signs in to the IAM Identity Center session `profile` uses, with the flow the rule
    /// picks ([`crate::sso::choose_flow`]; `use_device_code` asks for the device code):
    /// sends what the sign-in window shows on `prompt`, then waits for the browser or the
    /// approval (dropping the future cancels it and closes the listener).
    fn sign_in(
        &self,
        profile: String,
        use_device_code: bool,
        prompt: oneshot::Sender<SignInPrompt>,
    ) -> BoxFuture<'static, Result<(), String>>;
    /// The IAM Identity Center sign-ins and their time left (from the token cache).
    fn sign_ins(&self) -> BoxFuture<'static, Vec<SignInStatus>>;
    /// The profiles as the files are now, with the roles discovery has cached.
    fn reload(&self) -> BoxFuture<'static, Arc<ProfileGraph>>;
    /// The current profiles with the roles discovery finds (from its cache, or from the
    /// portal where signed in and the cache is old or `refresh`); `None` when there is
    /// nothing to add. While the portal is asked, `progress` hears how far it has got,
    /// with the profiles so far now and then (the accounts as they arrive).
    fn discover(
        &self,
        refresh: bool,
        progress: DiscoverySender,
    ) -> BoxFuture<'static, Option<Arc<ProfileGraph>>>;
    /// Starts a local credential endpoint serving `profile`'s session (for a subshell),
    /// having fetched once; it stops when dropped.
    fn serve(
        &self,
        profile: String,
    ) -> BoxFuture<'static, Result<crate::server::CredentialServer, String>>;
    /// Opens the AWS console signed in with `profile`'s session (in the browser, never on
    /// screen: the URL is a secret); the answer is what to tell the user.
    fn console(&self, profile: String) -> BoxFuture<'static, Result<String, String>>;
    /// Get slow one-time set-up out of the way; run once the first frame is on screen.
    fn prepare(&self) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

/// Where an assume says that it waits for a device's `mfa_process`: the status line's
/// text (`waiting for ykman (mfa_process of 'prod'): touch your security key if it blinks`).
pub type MfaWaitSender = tokio::sync::mpsc::UnboundedSender<String>;

/// What the sign-in window shows while IAM Identity Center waits for the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInPrompt {
    /// `sso-session corp` or `start URL https://…`.
    pub session: String,
    pub flow: crate::sso::SignInFlow,
    /// Why this flow runs ([`crate::sso::FlowChoice::why`]).
    pub why: String,
    /// The page to sign in on: the authorize URL, or the device page (with the code filled
    /// in when the service gives such a URL).
    pub url: String,
    /// The code to check or enter on the device page (device code only).
    pub user_code: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Whether a browser was opened on it, or why not.
    pub browser: String,
}

/// How far a discovery that asks the portal has got, for the profiles panel's title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryStatus {
    /// `sso-session corp` or `start URL https://…`.
    pub session: String,
    pub accounts_listed: usize,
    /// Known once ListAccounts has given its last page.
    pub accounts_total: Option<usize>,
    pub accounts_done: usize,
    /// Why the discovery stopped, when it failed (its last report): the cached roles stay.
    pub error: Option<String>,
}

/// A discovery's report: its status, and the profiles with the roles found so far (the
/// latest rebuilt, when there is one yet).
pub type DiscoveryReport = (DiscoveryStatus, Option<Arc<ProfileGraph>>);

/// Where a running discovery reports. A watch: only the latest report is kept, so a UI
/// that does not look for a while (a subshell) finds one report, not a pile of graphs.
pub type DiscoverySender = watch::Sender<Option<DiscoveryReport>>;

/// An IAM Identity Center sign-in and when it expires, for the sessions panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInStatus {
    pub session: String,
    pub expires_at: DateTime<Utc>,
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
    /// The device's `mfa_process` gave no code (`message` says why, never what it
    /// printed): the UI says so and opens the modal, to type the code by hand.
    MfaProcessFailed { serial: String, message: String },
    /// IAM Identity Center has no valid sign-in for the profile: the UI opens the sign-in
    /// window (`session` names it).
    NeedsSignIn { session: String },
    /// Anything else (AccessDenied, endpoint unreachable…): shown on the status line.
    Failed { message: String },
}
