//! Obtaining a session for a profile: plan its chain ([`plan`]), reuse what the store holds
//! for that exact plan, else walk it — base credentials, the MFA session, each AssumeRole.
//!
//! What the walk promises: a cached session is served only for an unchanged plan; a code
//! is asked for at most once per resolution, plus once more when STS refuses the cached
//! MFA session; role chaining never asks STS for more than an hour (capped, with a note);
//! and once STS has answered, the session is handed out even if it cannot be cached (with
//! a warning): the MFA code that made it is not wasted.

pub mod plan;

pub use plan::{MfaMode, Plan, PlanError, Planner, Vars};

use crate::credentials::Credentials;
use crate::profile::{ProfileGraph, ROLE_CHAINING_LIMIT};
use crate::session::{needs_refresh, Session, SessionKey, SessionKind, SessionStore};
use crate::source::{self, BaseCredentials, ChildTerminal, CredentialOrigin, MetadataConfig};
use crate::sso::{Sso, SsoError, SsoSessionConfig};
use crate::sts::{AssumeRoleRequest, MfaCode, Sts, StsError};
use chrono::Utc;
use futures::future::BoxFuture;
use plan::{BaseSource, MfaSessionPlan};

/// Where MFA codes come from: a flag, a terminal prompt, or the TUI's modal.
pub trait MfaPrompt: Send + Sync {
    /// A code for `serial`, asked on behalf of `profile`; `None` when none can be had
    /// (the caller reports [`ResolveErrorKind::MfaRequired`]).
    fn code<'a>(&'a self, profile: &'a str, serial: &'a str) -> BoxFuture<'a, Option<MfaCode>>;
}

/// An [`MfaPrompt`] with one code known in advance (`--mfa-code`, or the TUI's modal), or none.
pub struct FixedMfa(pub Option<MfaCode>);

impl MfaPrompt for FixedMfa {
    fn code<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Option<MfaCode>> {
        Box::pin(async move { self.0.clone() })
    }
}

/// Options of one resolution.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Ignore a cached session of the profile and call STS again.
    pub force_refresh: bool,
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
    /// With the files that could not be read, when some could not.
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
    #[error("{0}")]
    Sts(#[from] StsError),
    /// Boxed: IAM Identity Center errors are large and rare.
    #[error("{0}")]
    Sso(Box<SsoError>),
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
        }
    }
}

impl Resolver<'_> {
    fn planner(&self, mode: MfaMode) -> Planner<'_, '_> {
        Planner {
            graph: self.graph,
            vars: self.vars,
            mfa_mode: mode,
        }
    }

    /// The plan of `name` (what [`Resolver::obtain`] would walk).
    pub fn plan(&self, name: &str, mode: MfaMode) -> Result<Plan, ResolveError> {
        self.planner(mode).plan(name).map_err(|e| ResolveError {
            profile: name.to_string(),
            step: String::new(),
            kind: e.into(),
        })
    }

    /// A session for `name`: from the store when its plan is unchanged and the session
    /// still good, else through the whole chain.
    pub async fn obtain(
        &self,
        name: &str,
        mfa: &dyn MfaPrompt,
        options: &ResolveOptions,
    ) -> Result<Obtained, ResolveError> {
        let fail = |step: String, kind: ResolveErrorKind| ResolveError {
            profile: name.to_string(),
            step,
            kind,
        };
        let plan = self.plan(name, options.mfa_mode)?;
        let mut warnings = Vec::new();
        if !options.force_refresh {
            let key = SessionKey {
                profile: name.to_string(),
                kind: SessionKind::Profile,
                fingerprint: plan.fingerprint.clone(),
            };
            if let Some(cached) = self.cached(&key, &mut warnings) {
                return Ok(Obtained {
                    session: cached,
                    warnings,
                });
            }
        }
        let steps = Steps {
            total: plan.hops.len() + 1,
        };
        let base = self.base_credentials(&plan, options).await.map_err(|k| {
            fail(
                steps.label(1, || format!("source credentials of '{}'", plan.base)),
                k,
            )
        })?;
        let base_keys = base.credentials;
        let long_term = base_keys.session_token.is_none();
        let mut description = base.origin.to_string();
        let mut current = base_keys.clone();
        // The MFA session, when the base turned out to hold long-term keys.
        let mfa_session = plan.mfa_session.as_ref().filter(|_| long_term);
        let mut cached_mfa_session = false;
        if let Some(ms) = mfa_session {
            let label = || {
                steps.label(1, || {
                    format!("GetSessionToken with MFA for '{}'", ms.profile)
                })
            };
            let (creds, from_cache) = self
                .mfa_session(ms, &base_keys, name, mfa, options, &mut warnings)
                .await
                .map_err(|k| fail(label(), k))?;
            current = creds;
            cached_mfa_session = from_cache;
            if !ms.for_first_hop {
                description = format!("session-token with MFA ({description})");
            }
        }

        for (i, hop) in plan.hops.iter().enumerate() {
            let label = || {
                steps.label(i + 2, || {
                    format!("assume {} from '{}'", hop.role_arn, hop.from)
                })
            };
            let duration_seconds = hop.effective_duration(current.session_token.is_some());
            if duration_seconds != hop.duration_seconds {
                warnings.push(format!(
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
            let mfa_in_session = i == 0 && mfa_session.is_some_and(|m| m.for_first_hop);
            if let (Some(serial), false) = (&hop.mfa_serial, mfa_in_session) {
                let code = mfa.code(name, serial).await.ok_or_else(|| {
                    fail(
                        label(),
                        ResolveErrorKind::MfaRequired {
                            serial: serial.clone(),
                            reason: None,
                        },
                    )
                })?;
                request.mfa = Some((serial.clone(), code));
            }
            current = match self.sts.assume_role(&current, &hop.sts, &request).await {
                Ok(creds) => creds,
                // STS refused the cached MFA session (too old for the role's
                // aws:MultiFactorAuthAge, or revoked): ask for a new code, once.
                Err(e) if i == 0 && cached_mfa_session && is_refusal(&e) => {
                    let ms = mfa_session.expect("a cached MFA session has a plan");
                    cached_mfa_session = false;
                    let renew = ResolveOptions {
                        renew_mfa: true,
                        ..options.clone()
                    };
                    let (creds, _) = self
                        .mfa_session(ms, &base_keys, name, mfa, &renew, &mut warnings)
                        .await
                        .map_err(|k| match k {
                            ResolveErrorKind::MfaRequired { serial, .. } => {
                                ResolveErrorKind::MfaRequired {
                                    serial,
                                    reason: Some(format!(
                                        "STS refused the cached MFA session ({e})"
                                    )),
                                }
                            }
                            other => other,
                        })
                        .map_err(|k| fail(label(), k))?;
                    self.sts
                        .assume_role(&creds, &hop.sts, &request)
                        .await
                        .map_err(|e| fail(label(), e.into()))?
                }
                Err(e) => return Err(fail(label(), e.into())),
            };
        }
        if !plan.hops.is_empty() {
            let chain = self
                .graph
                .get(name)
                .map(|p| p.chain_display().to_string())
                .unwrap_or_default();
            description = format!("assume-role via {chain} from {description}");
        }
        let session = Session {
            profile: name.to_string(),
            kind: SessionKind::Profile,
            credentials: current,
            source: description,
            region: plan.region.clone(),
            obtained: Utc::now(),
            fingerprint: plan.fingerprint.clone(),
            mfa_serial: None,
        };
        if session.expiration().is_some() {
            self.save(&session, &mut warnings);
        }
        Ok(Obtained { session, warnings })
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

    /// The MFA session of the base's long-term keys: the cached one (second value true),
    /// else a GetSessionToken with a new code.
    async fn mfa_session(
        &self,
        ms: &MfaSessionPlan,
        keys: &Credentials,
        asked_for: &str,
        mfa: &dyn MfaPrompt,
        options: &ResolveOptions,
        warnings: &mut Vec<String>,
    ) -> Result<(Credentials, bool), ResolveErrorKind> {
        if !options.renew_mfa {
            let key = SessionKey {
                profile: ms.profile.clone(),
                kind: SessionKind::MfaSource,
                fingerprint: ms.fingerprint.clone(),
            };
            if let Some(cached) = self.cached(&key, warnings) {
                return Ok((cached.credentials, true));
            }
        }
        let code =
            mfa.code(asked_for, &ms.serial)
                .await
                .ok_or_else(|| ResolveErrorKind::MfaRequired {
                    serial: ms.serial.clone(),
                    reason: None,
                })?;
        let creds = self.new_mfa_session(ms, keys, &code, warnings).await?;
        Ok((creds, false))
    }

    async fn new_mfa_session(
        &self,
        ms: &MfaSessionPlan,
        keys: &Credentials,
        code: &MfaCode,
        warnings: &mut Vec<String>,
    ) -> Result<Credentials, ResolveErrorKind> {
        let creds = self
            .sts
            .get_session_token(keys, &ms.sts, &ms.serial, code, Some(ms.duration_seconds))
            .await?;
        let session = Session {
            profile: ms.profile.clone(),
            kind: SessionKind::MfaSource,
            credentials: creds.clone(),
            source: format!("session-token with MFA {}", ms.serial),
            region: self
                .graph
                .get(&ms.profile)
                .and_then(|p| p.region.as_deref().map(str::to_string)),
            obtained: Utc::now(),
            fingerprint: ms.fingerprint.clone(),
            mfa_serial: Some(ms.serial.clone()),
        };
        self.save(&session, warnings);
        Ok(creds)
    }

    /// A new MFA session for `base`'s keys with `code` (the TUI's refresh of an MFA
    /// session row): what [`Resolver::obtain`] would make when it needs one.
    pub async fn renew_mfa_session(
        &self,
        base: &str,
        serial: &str,
        code: &MfaCode,
    ) -> Result<Obtained, ResolveError> {
        let fail = |kind: ResolveErrorKind| ResolveError {
            profile: base.to_string(),
            step: String::new(),
            kind,
        };
        let planner = self.planner(MfaMode::SessionToken);
        let profile = self
            .graph
            .get(base)
            .ok_or_else(|| fail(ResolveErrorKind::NoSuchProfile(self.graph.unread_files())))?;
        let keys = self
            .graph
            .load_static_keys(base)
            .map_err(|e| fail(ResolveErrorKind::Config(e.to_string())))?
            .ok_or_else(|| {
                fail(ResolveErrorKind::Config(format!(
                    "'{base}' holds no long-term keys to make an MFA session of"
                )))
            })?;
        let ms = MfaSessionPlan {
            profile: base.to_string(),
            serial: serial.to_string(),
            duration_seconds: profile
                .settings()
                .mfa_session_duration
                .unwrap_or(plan::DEFAULT_MFA_SESSION_SECONDS),
            sts: planner.sts_target(profile, "aws"),
            fingerprint: planner.mfa_session_fingerprint(base).unwrap_or_default(),
            for_first_hop: true,
        };
        let mut warnings = Vec::new();
        let credentials = self
            .new_mfa_session(&ms, &keys, code, &mut warnings)
            .await
            .map_err(fail)?;
        let session = Session {
            profile: base.to_string(),
            kind: SessionKind::MfaSource,
            credentials,
            source: format!("session-token with MFA {serial}"),
            region: profile.region.as_deref().map(str::to_string),
            obtained: Utc::now(),
            fingerprint: ms.fingerprint,
            mfa_serial: Some(serial.to_string()),
        };
        Ok(Obtained { session, warnings })
    }

    async fn base_credentials(
        &self,
        plan: &Plan,
        options: &ResolveOptions,
    ) -> Result<BaseCredentials, ResolveErrorKind> {
        match &plan.source {
            BaseSource::StaticKeys { .. } => {
                let keys = self
                    .graph
                    .load_static_keys(&plan.base)
                    .map_err(|e| ResolveErrorKind::Config(e.to_string()))?
                    .ok_or_else(|| {
                        ResolveErrorKind::Config(format!(
                            "the keys of '{}' are no longer in the files",
                            plan.base
                        ))
                    })?;
                let profile = self.graph.get(&plan.base);
                let in_credentials = profile
                    .and_then(|p| p.static_keys)
                    .is_some_and(|k| k.in_credentials);
                let file = if in_credentials {
                    &self.graph.paths.credentials
                } else {
                    &self.graph.paths.config
                };
                Ok(source::static_keys(&keys, &file.display().to_string()))
            }
            BaseSource::Environment => Ok(source::environment().await?),
            BaseSource::InstanceMetadata => {
                // The base profile's own metadata settings, under the environment's.
                let config = self.metadata_config(&plan.base);
                Ok(source::imds_credentials(&config).await?)
            }
            BaseSource::Container => Ok(source::container(&self.metadata).await?),
            BaseSource::Process { command } => {
                Ok(source::credential_process(command, options.process_terminal).await?)
            }
            BaseSource::Sso => self.sso_credentials(&plan.base).await,
        }
    }
}

impl Resolver<'_> {
    /// Where and how the instance metadata service is read for the profile `name` (whose
    /// `credential_source` is `Ec2InstanceMetadata`): the environment's variables, then
    /// the profile's `ec2_metadata_service_endpoint(_mode)`, `ec2_metadata_v1_disabled`,
    /// `metadata_service_timeout` and `metadata_service_num_attempts`.
    fn metadata_config(&self, name: &str) -> MetadataConfig {
        let settings = self.graph.get(name).map(|p| p.settings());
        let text = |v: Option<&str>| v.map(str::to_string);
        let profile = source::ProfileMetadataSettings {
            profile: Some(name.to_string()),
            endpoint: text(settings.and_then(|s| s.ec2_metadata_service_endpoint.as_deref())),
            endpoint_mode: text(
                settings.and_then(|s| s.ec2_metadata_service_endpoint_mode.as_deref()),
            ),
            v1_disabled: settings
                .and_then(|s| s.ec2_metadata_v1_disabled)
                .map(|b| b.to_string()),
            timeout: text(settings.and_then(|s| s.metadata_service_timeout.as_deref())),
            num_attempts: text(settings.and_then(|s| s.metadata_service_num_attempts.as_deref())),
        };
        MetadataConfig::resolve(&|var| self.vars.get(var), &profile)
    }

    /// An SSO profile's role credentials: a token from the AWS CLI's cache (refreshed when
    /// it is about to expire), then GetRoleCredentials.
    async fn sso_credentials(&self, name: &str) -> Result<BaseCredentials, ResolveErrorKind> {
        let config = SsoSessionConfig::for_profile(self.graph, name)?;
        let profile = self
            .graph
            .get(name)
            .ok_or_else(|| ResolveErrorKind::NoSuchProfile(self.graph.unread_files()))?;
        let (Some(account), Some(role)) = (
            profile.sso_account_id.as_deref(),
            profile.sso_role_name.as_deref(),
        ) else {
            return Err(ResolveErrorKind::Config(format!(
                "'{name}' signs in to {} but names no sso_account_id and sso_role_name; \
                 `rolecall sso roles` lists the roles you may use",
                config.describe()
            )));
        };
        let token = self.sso.token_for(&config).await?;
        let credentials = self
            .sso
            .role_credentials(&config, &token, account, role)
            .await?;
        Ok(BaseCredentials {
            credentials,
            origin: CredentialOrigin {
                kind: "sso",
                location: format!("{} {account}/{role}", config.describe()),
            },
        })
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
        SessionKind::MfaSource => planner.mfa_session_fingerprint(&session.profile),
    };
    now.is_some_and(|f| f == session.fingerprint)
}
