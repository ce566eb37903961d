//! Obtaining a session for a profile: plan its chain ([`plan`]), reuse what the store holds
//! for that exact plan, else walk it — base credentials (`base.rs`), the MFA session
//! (`mfa_session.rs`), each AssumeRole (here).
//!
//! What the walk promises: a cached session is served only for an unchanged plan; a code
//! is asked for at most once per resolution, plus once more when STS refuses the cached
//! MFA session; role chaining never asks STS for more than an hour (capped, with a note);
//! and once STS has answered, the session is handed out even if it cannot be cached (with
//! a warning): the MFA code that made it is not wasted.

mod base;
mod mfa_session;
pub mod plan;

pub use plan::{MfaMode, Plan, PlanError, Planner, Vars};

use crate::credentials::Credentials;
use crate::profile::{ProfileGraph, ROLE_CHAINING_LIMIT};
use crate::session::{needs_refresh, Session, SessionKey, SessionKind, SessionStore};
use crate::source::{self, ChildTerminal, MetadataConfig, MfaProcess, MfaProcessError};
use crate::sso::{Sso, SsoError};
use crate::sts::{AssumeRoleRequest, MfaCode, Sts, StsError};
use chrono::Utc;
use futures::future::BoxFuture;
use mfa_session::MfaSessionInUse;
use plan::Hop;

/// Where MFA codes come from: a flag, a terminal prompt, the TUI's modal, or the device's
/// `mfa_process`.
pub trait MfaPrompt: Send + Sync {
    /// A code for `ask.serial`; `Ok(None)` when none can be had (the caller reports
    /// [`ResolveErrorKind::MfaRequired`]), an error when the device's `mfa_process` ran and
    /// gave none.
    fn code<'a>(
        &'a self,
        ask: MfaAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<MfaCode>, MfaProcessError>>;
}

/// What a resolution asks an [`MfaPrompt`] for.
#[derive(Debug, Clone, Copy)]
pub struct MfaAsk<'a> {
    /// The profile being obtained (not necessarily the one with the `mfa_serial`).
    pub profile: &'a str,
    pub serial: &'a str,
    /// The `mfa_process` of the profile with the `mfa_serial`, which prints the code: a
    /// prompt that may run it (a person can see that it waits) does so instead of asking.
    pub device: Option<&'a MfaProcess>,
}

/// An [`MfaPrompt`] with one code known in advance (`--mfa-code`, or the TUI's modal), or
/// none; it never runs an `mfa_process` (the credential endpoint's feed, which nobody
/// watches, uses `FixedMfa(None)`: see docs/KEYS.md).
pub struct FixedMfa(pub Option<MfaCode>);

impl MfaPrompt for FixedMfa {
    fn code<'a>(
        &'a self,
        _: MfaAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<MfaCode>, MfaProcessError>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// rolecall's key store, as resolution reads it: the long-term key of a profile whose
/// `credential_process` is rolecall's bridge. The Context gives its own, opened on first
/// use (opening it may ask for a passphrase), so nothing is opened for other profiles.
pub trait StoredKeys: Send + Sync {
    /// The key stored for `profile`, and where (the backend, for messages); `None` when
    /// none is, or an error that says which store was asked. The error is one line naming
    /// the profile and the backend.
    fn stored_key(&self, profile: &str) -> Result<Option<(Credentials, String)>, String>;
}

/// Options of one resolution.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Ignore a cached session of the profile and call STS again.
    pub force_refresh: bool,
    /// Hand out a stored key itself instead of a GetSessionToken session of it
    /// (`--no-session`).
    pub no_session: bool,
    /// Make a new MFA session instead of using the cached one (asks for a code).
    pub renew_mfa: bool,
    pub mfa_mode: MfaMode,
    /// Whether a `credential_process` may prompt on the terminal: the CLI's commands let
    /// it; the TUI and the endpoint's refreshes do not (the default), as nobody could answer.
    pub process_terminal: ChildTerminal,
}

/// A session, and what the user should be told about how it was obtained.
#[derive(Debug)]
pub struct Obtained {
    pub session: Session,
    /// One line each: a duration capped to STS's limit, a session that could not be cached.
    pub warnings: Vec<String>,
}

/// Why no session could be obtained: the profile, the step of the chain, and the cause.
#[derive(Debug, thiserror::Error)]
#[error("profile '{profile}': {step}{kind}")]
pub struct ResolveError {
    pub profile: String,
    /// `step 2/3 (assume arn:… from 'ops'): ` or empty.
    pub step: String,
    pub kind: ResolveErrorKind,
}

/// The cause of a [`ResolveError`].
#[derive(Debug, thiserror::Error)]
pub enum ResolveErrorKind {
    /// With why (see [`ProfileGraph::why_missing`](crate::profile::ProfileGraph::why_missing)):
    /// the files that could not be read, or the name it may have meant.
    #[error("no such profile{}", plan::missing_because(.0))]
    NoSuchProfile(Option<String>),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Source(#[from] source::SourceError),
    #[error("{}an MFA code is needed for {serial}; pass --mfa-code or run in a terminal", reason.as_deref().map(|r| format!("{r}; ")).unwrap_or_default())]
    MfaRequired {
        serial: String,
        /// Why a code is needed although an MFA session was cached.
        reason: Option<String>,
    },
    /// The device's `mfa_process` gave no code for `serial` (the error boxed: rare).
    #[error("{error}; pass --mfa-code to type the code instead")]
    MfaProcess {
        serial: String,
        error: Box<MfaProcessError>,
    },
    #[error("{0}")]
    Sts(#[from] StsError),
    /// STS refused a web identity or could not be asked: the call (the role, the token's
    /// file and the setting that named it), and STS's answer.
    /// Boxed: rare, and the call's description is long.
    #[error("{}: {}", .0.0, .0.1)]
    WebIdentity(Box<(String, StsError)>),
    /// Boxed: IAM Identity Center errors are large and rare.
    #[error("{0}")]
    Sso(Box<SsoError>),
    /// An `aws login` session (boxed, as rare).
    #[error("{0}")]
    Login(Box<crate::login::LoginError>),
}

impl From<crate::login::LoginError> for ResolveErrorKind {
    fn from(e: crate::login::LoginError) -> Self {
        ResolveErrorKind::Login(Box::new(e))
    }
}

impl From<SsoError> for ResolveErrorKind {
    fn from(e: SsoError) -> Self {
        ResolveErrorKind::Sso(Box::new(e))
    }
}

impl ResolveErrorKind {
    /// Whether re-asking for an MFA code could fix it.
    pub fn is_wrong_mfa(&self) -> bool {
        matches!(self, ResolveErrorKind::Sts(StsError::WrongMfa(_)))
    }

    /// Whether an IAM Identity Center sign-in would fix it (no token, or an expired one).
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, ResolveErrorKind::Sso(e) if e.needs_sign_in())
    }
}

impl From<PlanError> for ResolveErrorKind {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::NoSuchProfile(unread) => ResolveErrorKind::NoSuchProfile(unread),
            PlanError::Config(m) => ResolveErrorKind::Config(m),
        }
    }
}

/// Resolves profiles into sessions; holds what one process shares between resolutions.
pub struct Resolver<'a> {
    pub graph: &'a ProfileGraph,
    pub sts: &'a Sts,
    pub store: &'a SessionStore,
    pub metadata: MetadataConfig,
    pub vars: &'a Vars<'a>,
    /// IAM Identity Center: the token cache and the portal, for SSO profiles.
    pub sso: &'a Sso,
    /// rolecall's key store, for keyring profiles; `None`: such profiles fail to resolve.
    pub keys: Option<&'a dyn StoredKeys>,
}

/// Numbers the steps of a chain for error messages: `step 2/3 (what): `.
struct Steps {
    total: usize,
}

impl Steps {
    fn label(&self, i: usize, what: impl FnOnce() -> String) -> String {
        // A one-step chain needs no step number: the profile names it.
        if self.total == 1 {
            String::new()
        } else {
            format!("step {i}/{} ({}): ", self.total, what())
        }
    }
}

impl<'a> Resolver<'a> {
    /// A resolver over `graph` with the process's metadata settings (the environment's).
    pub fn new(
        graph: &'a ProfileGraph,
        sts: &'a Sts,
        store: &'a SessionStore,
        vars: &'a Vars<'a>,
        sso: &'a Sso,
    ) -> Self {
        Resolver {
            graph,
            sts,
            store,
            metadata: MetadataConfig::from_env(),
            vars,
            sso,
            keys: None,
        }
    }

    /// This resolver, reading keyring profiles' keys from `keys`.
    pub fn with_keys(mut self, keys: &'a dyn StoredKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// A planner over this resolver's graph and environment, planning as `mode` says:
    /// what every front end plans with, so that a plan is the one [`Resolver::obtain`]
    /// walks. It borrows what the resolver borrows, not the resolver.
    pub fn planner(&self, mode: MfaMode) -> Planner<'a, 'a> {
        Planner::new(self.graph, self.vars, mode)
    }
}

impl Resolver<'_> {
    /// The plan of `name` (what [`Resolver::obtain`] would walk).
    pub fn plan(&self, name: &str, mode: MfaMode) -> Result<Plan, ResolveError> {
        self.planner(mode).plan(name).map_err(|e| ResolveError {
            profile: name.to_string(),
            step: String::new(),
            kind: e.into(),
        })
    }

    /// The plan [`Resolver::obtain`] walks for `name` with `options`.
    pub fn plan_for(&self, name: &str, options: &ResolveOptions) -> Result<Plan, ResolveError> {
        self.planner(options.mfa_mode)
            .without_session(options.no_session)
            .plan(name)
            .map_err(|e| ResolveError {
                profile: name.to_string(),
                step: String::new(),
                kind: e.into(),
            })
    }

    /// A session for `name`: from the store when its plan is unchanged and the session
    /// still good, else through the whole chain, as aws-config's `resolve_chain` walks a
    /// base provider and then its chain: the base credentials, the MFA session, each hop.
    pub async fn obtain(
        &self,
        name: &str,
        mfa: &dyn MfaPrompt,
        options: &ResolveOptions,
    ) -> Result<Obtained, ResolveError> {
        let plan = self.plan_for(name, options)?;
        let mut walk = Walk::new(self, name, &plan, mfa, options);
        if let Some(session) = walk.cached() {
            return Ok(walk.into_obtained(session));
        }
        let base = walk.base().await?;
        let mut link = walk.mfa_session(base).await?;
        walk.hops(&mut link).await?;
        let session = walk.keep(link);
        Ok(walk.into_obtained(session))
    }

    /// A good cached session with `key`; a store that cannot be read is a warning.
    fn cached(&self, key: &SessionKey, warnings: &mut Vec<String>) -> Option<Session> {
        match self.store.get(key) {
            Ok(found) => found.filter(|s| !needs_refresh(s, Utc::now())),
            Err(e) => {
                warnings.push(format!("the session cache could not be read: {e}"));
                None
            }
        }
    }

    /// Saves `session`; a failure is a warning, never an error: STS already answered.
    fn save(&self, session: &Session, warnings: &mut Vec<String>) {
        if let Err(e) = self.store.save(session) {
            warnings.push(format!(
                "the session of '{}' is not cached: {e}",
                session.profile
            ));
        }
    }
}

/// One resolution under way ([`Resolver::obtain`]): what each of its steps reads, the
/// MFA session it assumes its first role with, and the warnings the steps collect.
struct Walk<'w> {
    resolver: &'w Resolver<'w>,
    name: &'w str,
    plan: &'w Plan,
    mfa: &'w dyn MfaPrompt,
    options: &'w ResolveOptions,
    steps: Steps,
    /// Set by the MFA step when the chain goes on from an MFA session.
    mfa_session: Option<MfaSessionInUse<'w>>,
    /// Set by the base step when the session's region is the instance's.
    instance_region: Option<String>,
    warnings: Vec<String>,
}

/// The credentials a walk holds after a step, and how they were made (the session's
/// `source` line).
struct Link {
    credentials: Credentials,
    description: String,
}

impl<'w> Walk<'w> {
    fn new(
        resolver: &'w Resolver<'w>,
        name: &'w str,
        plan: &'w Plan,
        mfa: &'w dyn MfaPrompt,
        options: &'w ResolveOptions,
    ) -> Self {
        Walk {
            resolver,
            name,
            plan,
            mfa,
            options,
            steps: Steps {
                total: plan.hops.len() + 1,
            },
            mfa_session: None,
            instance_region: None,
            warnings: Vec::new(),
        }
    }

    /// The error of step `step` (described by `what`) of the chain.
    fn error(
        &self,
        step: usize,
        what: impl FnOnce() -> String,
        kind: ResolveErrorKind,
    ) -> ResolveError {
        ResolveError {
            profile: self.name.to_string(),
            step: self.steps.label(step, what),
            kind,
        }
    }

    /// The stored session of this plan, unless a refresh is forced.
    fn cached(&mut self) -> Option<Session> {
        if self.options.force_refresh {
            return None;
        }
        let key = SessionKey {
            profile: self.name.to_string(),
            kind: SessionKind::Profile,
            fingerprint: self.plan.fingerprint.clone(),
        };
        self.resolver.cached(&key, &mut self.warnings)
    }

    /// The hops: each role assumed with the credentials of the link before it.
    async fn hops(&mut self, link: &mut Link) -> Result<(), ResolveError> {
        let plan = self.plan;
        for (i, hop) in plan.hops.iter().enumerate() {
            link.credentials = self.assume(i, hop, &link.credentials).await?;
        }
        if !plan.hops.is_empty() {
            let chain = self
                .resolver
                .graph
                .get(self.name)
                .map(|p| p.chain_display().to_string())
                .unwrap_or_default();
            link.description = format!("assume-role via {chain} from {}", link.description);
        }
        Ok(())
    }

    /// Hop `i`: AssumeRole with `current`; when STS refuses the cached MFA session under
    /// the first hop, a new MFA session and the same request once more.
    async fn assume(
        &mut self,
        i: usize,
        hop: &Hop,
        current: &Credentials,
    ) -> Result<Credentials, ResolveError> {
        let request = self.assume_request(i, hop, current).await?;
        let sts = self.resolver.sts;
        match sts.assume_role(current, &hop.sts, &request).await {
            Ok(creds) => Ok(creds),
            Err(e) if i == 0 && self.on_cached_mfa_session() && is_refusal(&e) => {
                let creds = self
                    .renew_refused_mfa_session(&e)
                    .await
                    .map_err(|kind| self.hop_error(i, hop, kind))?;
                sts.assume_role(&creds, &hop.sts, &request)
                    .await
                    .map_err(|e| self.hop_error(i, hop, e.into()))
            }
            Err(e) => Err(self.hop_error(i, hop, e.into())),
        }
    }

    /// Hop `i`'s request: its duration (capped, with a warning, when it chains roles) and
    /// its MFA code, unless the MFA session stands in for the code.
    async fn assume_request(
        &mut self,
        i: usize,
        hop: &Hop,
        current: &Credentials,
    ) -> Result<AssumeRoleRequest, ResolveError> {
        let duration_seconds = hop.effective_duration(current.session_token.is_some());
        if duration_seconds != hop.duration_seconds {
            self.warnings.push(format!(
                "profile '{}': duration_seconds {} capped to {ROLE_CHAINING_LIMIT}: STS \
                 allows one hour for a role assumed with another role's session",
                hop.profile,
                hop.duration_seconds.unwrap_or_default()
            ));
        }
        let mut request = AssumeRoleRequest {
            role_arn: hop.role_arn.clone(),
            session_name: hop.session_name.clone(),
            duration_seconds,
            external_id: hop.external_id.clone(),
            mfa: None,
        };
        let mfa_in_session = i == 0
            && self
                .mfa_session
                .as_ref()
                .is_some_and(|m| m.plan.for_first_hop);
        if let (Some(serial), false) = (&hop.mfa_serial, mfa_in_session) {
            let code = self
                .code(serial, hop.mfa_process.as_ref())
                .await
                .map_err(|kind| self.hop_error(i, hop, kind))?;
            request.mfa = Some((serial.clone(), code));
        }
        Ok(request)
    }

    /// A code for `serial` from the prompt (which may run the device's `mfa_process`).
    async fn code(
        &self,
        serial: &str,
        device: Option<&MfaProcess>,
    ) -> Result<MfaCode, ResolveErrorKind> {
        let ask = MfaAsk {
            profile: self.name,
            serial,
            device,
        };
        match self.mfa.code(ask).await {
            Ok(Some(code)) => Ok(code),
            Ok(None) => Err(ResolveErrorKind::MfaRequired {
                serial: serial.to_string(),
                reason: None,
            }),
            Err(error) => Err(ResolveErrorKind::MfaProcess {
                serial: serial.to_string(),
                error: Box::new(error),
            }),
        }
    }

    /// Whether the first hop is assumed with an MFA session from the store.
    fn on_cached_mfa_session(&self) -> bool {
        self.mfa_session.as_ref().is_some_and(|m| m.cached)
    }

    fn hop_error(&self, i: usize, hop: &Hop, kind: ResolveErrorKind) -> ResolveError {
        self.error(
            i + 2,
            || format!("assume {} from '{}'", hop.role_arn, hop.from),
            kind,
        )
    }

    /// The session made of the last link, stored when it expires (a store that fails is a
    /// warning: STS already answered).
    fn keep(&mut self, link: Link) -> Session {
        let instance_region = self.instance_region.take();
        let session = Session {
            profile: self.name.to_string(),
            kind: SessionKind::Profile,
            credentials: link.credentials,
            source: link.description,
            region: self.plan.region.clone().or(instance_region.clone()),
            region_from_instance: self.plan.region.is_none() && instance_region.is_some(),
            obtained: Utc::now(),
            fingerprint: self.plan.fingerprint.clone(),
            mfa_serial: None,
        };
        if session.expiration().is_some() {
            self.resolver.save(&session, &mut self.warnings);
        }
        session
    }

    fn into_obtained(self, session: Session) -> Obtained {
        Obtained {
            session,
            warnings: self.warnings,
        }
    }
}

/// Whether STS refused the credentials a call was made with (rather than the call).
fn is_refusal(e: &StsError) -> bool {
    match e {
        StsError::Expired(_) => true,
        StsError::Service { code, .. } => matches!(
            code.as_str(),
            "AccessDenied" | "InvalidClientTokenId" | "ExpiredToken"
        ),
        _ => false,
    }
}

/// `sessions` each marked stale or current against `planner`.
pub fn list_sessions(
    sessions: Vec<Session>,
    planner: &Planner<'_, '_>,
) -> Vec<crate::session::ListedSession> {
    sessions
        .into_iter()
        .map(|session| crate::session::ListedSession {
            stale: !is_current(planner, &session),
            session,
        })
        .collect()
}

/// Whether `session` is still what its profile would resolve to now: a profile session
/// whose plan has the same fingerprint, an MFA session of the same keys and endpoint.
pub fn is_current(planner: &Planner<'_, '_>, session: &Session) -> bool {
    let now = match session.kind {
        SessionKind::Profile => planner.plan(&session.profile).ok().map(|p| p.fingerprint),
        SessionKind::MfaSession => {
            planner.mfa_session_fingerprint(&session.profile, session.mfa_serial.as_deref())
        }
    };
    now.is_some_and(|f| f == session.fingerprint)
}
