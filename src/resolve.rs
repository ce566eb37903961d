//! Obtaining a session for a profile: walk its chain from the base credentials up,
//! assume each role, ask for MFA once, and reuse what the store already holds.

use crate::credentials::Credentials;
use crate::profile::{CredentialSource, Profile, ProfileGraph, ProfileKind};
use crate::session::{needs_refresh, Session, SessionKind, SessionStore};
use crate::source::{self, BaseCredentials, MetadataConfig};
use crate::sts::{default_session_name, AssumeRoleRequest, MfaCode, Sts, StsError, StsTarget};
use chrono::Utc;
use futures::future::BoxFuture;

/// Where MFA codes come from: a flag, a terminal prompt, or the TUI's modal.
pub trait MfaPrompt: Send + Sync {
    /// A code for `serial`, asked on behalf of `profile`; `None` when none can be had
    /// (the caller reports [`ResolveErrorKind::MfaRequired`]).
    fn code<'a>(&'a self, profile: &'a str, serial: &'a str) -> BoxFuture<'a, Option<MfaCode>>;
}

/// An [`MfaPrompt`] with one code known in advance (`--mfa-code`, or the TUI's retry), or none.
pub struct FixedMfa(pub Option<MfaCode>);

impl MfaPrompt for FixedMfa {
    fn code<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Option<MfaCode>> {
        Box::pin(async move { self.0.clone() })
    }
}

/// How a role with `mfa_serial` gets its MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MfaMode {
    /// One code makes an MFA-authenticated GetSessionToken session of the long-term source
    /// keys, cached, from which every role is assumed without asking again (the default).
    #[default]
    SessionToken,
    /// Pass the code with each AssumeRole call (for trust policies that need it there).
    AssumeRole,
}

/// Options of one resolution.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Ignore a cached session and call STS again.
    pub force_refresh: bool,
    pub mfa_mode: MfaMode,
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
    #[error("no such profile (see `rolecall list`)")]
    NoSuchProfile,
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Source(#[from] source::SourceError),
    #[error("an MFA code is needed for {serial}; pass --mfa-code or run in a terminal")]
    MfaRequired { serial: String },
    #[error("{0}")]
    Sts(#[from] StsError),
    #[error("session store: {0}")]
    Store(String),
}

impl ResolveErrorKind {
    /// Whether re-asking for an MFA code could fix it.
    pub fn is_wrong_mfa(&self) -> bool {
        matches!(self, ResolveErrorKind::Sts(StsError::WrongMfa(_)))
    }
}

/// Resolves profiles into sessions; holds what one process shares between resolutions.
pub struct Resolver<'a> {
    pub graph: &'a ProfileGraph,
    pub sts: &'a Sts,
    pub store: Option<&'a SessionStore>,
    pub metadata: MetadataConfig,
}

/// What the base of a chain is and the roles assumed on top of it, base side first.
struct Plan<'g> {
    base: &'g Profile,
    roles: Vec<&'g Profile>,
}

impl<'a> Resolver<'a> {
    /// A session for `name`: from the store when still good, else through the whole chain.
    pub async fn obtain(
        &self,
        name: &str,
        mfa: &dyn MfaPrompt,
        options: &ResolveOptions,
    ) -> Result<Session, ResolveError> {
        let fail = |step: String, kind: ResolveErrorKind| ResolveError {
            profile: name.to_string(),
            step,
            kind,
        };
        let profile = self
            .graph
            .get(name)
            .ok_or_else(|| fail(String::new(), ResolveErrorKind::NoSuchProfile))?;
        if !profile.chain_complete {
            let reason = profile
                .diagnostics
                .last()
                .map(|d| d.message.clone())
                .unwrap_or_default();
            return Err(fail(String::new(), ResolveErrorKind::Config(reason)));
        }
        if !options.force_refresh {
            if let Some(cached) = self.cached(name, SessionKind::Profile)? {
                return Ok(cached);
            }
        }
        let plan = self.plan(profile).map_err(|k| fail(String::new(), k))?;
        let total = plan.roles.len() + 1;
        let region = self.sts_region(profile);
        // A one-step chain needs no step number: the profile names it.
        let step_label = |i: usize, what: String| {
            if total == 1 {
                String::new()
            } else {
                format!("step {i}/{total} ({what}): ")
            }
        };

        let base = self.base_credentials(plan.base).await.map_err(|k| {
            fail(
                step_label(1, format!("source credentials of '{}'", plan.base.name)),
                k,
            )
        })?;
        let mut current = base.credentials;
        let mut description = format!("{}", base.origin);
        let long_term = current.session_token.is_none();

        if plan.roles.is_empty() {
            if let Some(serial) = &plan.base.mfa_serial {
                if long_term {
                    current = self
                        .mfa_session(plan.base, serial, &current, &region, mfa)
                        .await
                        .map_err(|k| {
                            fail(
                                step_label(
                                    1,
                                    format!("GetSessionToken with MFA for '{}'", plan.base.name),
                                ),
                                k,
                            )
                        })?;
                    description = format!("session-token with MFA ({description})");
                }
            }
        }

        for (i, role) in plan.roles.iter().enumerate() {
            let role_arn = role.role_arn.clone().unwrap_or_default();
            let from = if i == 0 {
                plan.base.name.clone()
            } else {
                plan.roles[i - 1].name.clone()
            };
            let label = step_label(i + 2, format!("assume {role_arn} from '{from}'"));
            let mut request = AssumeRoleRequest {
                role_arn: role_arn.to_string(),
                session_name: role
                    .role_session_name
                    .as_deref()
                    .map_or_else(default_session_name, str::to_string),
                duration_seconds: role.duration_seconds,
                external_id: role.external_id.as_deref().map(str::to_string),
                mfa: None,
            };
            if let Some(serial) = &role.mfa_serial {
                let first_hop_on_long_term_keys = i == 0 && long_term;
                if first_hop_on_long_term_keys && options.mfa_mode == MfaMode::SessionToken {
                    current = self
                        .mfa_session(plan.base, serial, &current, &region, mfa)
                        .await
                        .map_err(|k| fail(label.clone(), k))?;
                } else {
                    let code = mfa.code(&role.name, serial).await.ok_or_else(|| {
                        fail(
                            label.clone(),
                            ResolveErrorKind::MfaRequired {
                                serial: serial.to_string(),
                            },
                        )
                    })?;
                    request.mfa = Some((serial.to_string(), code));
                }
            }
            current = self
                .sts
                .assume_role(&current, &region, &request)
                .await
                .map_err(|e| fail(label, e.into()))?;
        }
        if !plan.roles.is_empty() {
            let chain = profile.chain_display();
            description = format!("assume-role via {chain} from {description}");
        }
        let session = Session {
            profile: name.to_string(),
            kind: SessionKind::Profile,
            credentials: current,
            source: description,
            region: profile.region.as_deref().map(str::to_string),
            obtained: Utc::now(),
        };
        if session.expiration().is_some() {
            self.save(&session).map_err(|k| fail(String::new(), k))?;
        }
        Ok(session)
    }

    fn cached(&self, name: &str, kind: SessionKind) -> Result<Option<Session>, ResolveError> {
        let Some(store) = self.store else {
            return Ok(None);
        };
        let found = store.get(name, kind).map_err(|e| ResolveError {
            profile: name.to_string(),
            step: String::new(),
            kind: ResolveErrorKind::Store(e.to_string()),
        })?;
        Ok(found.filter(|s| !needs_refresh(s, Utc::now())))
    }

    fn save(&self, session: &Session) -> Result<(), ResolveErrorKind> {
        match self.store {
            Some(store) => store
                .save(session)
                .map_err(|e| ResolveErrorKind::Store(e.to_string())),
            None => Ok(()),
        }
    }

    /// The MFA-authenticated session of `base`'s long-term keys: cached, else one
    /// GetSessionToken with a code.
    async fn mfa_session(
        &self,
        base: &Profile,
        serial: &str,
        keys: &Credentials,
        region: &StsTarget,
        mfa: &dyn MfaPrompt,
    ) -> Result<Credentials, ResolveErrorKind> {
        if let Ok(Some(cached)) = self.cached(&base.name, SessionKind::MfaSource) {
            return Ok(cached.credentials);
        }
        let code =
            mfa.code(&base.name, serial)
                .await
                .ok_or_else(|| ResolveErrorKind::MfaRequired {
                    serial: serial.to_string(),
                })?;
        let creds = self
            .sts
            .get_session_token(keys, region, serial, &code, None)
            .await?;
        self.save(&Session {
            profile: base.name.clone(),
            kind: SessionKind::MfaSource,
            credentials: creds.clone(),
            source: format!("session-token with MFA {serial}"),
            region: base.region.as_deref().map(str::to_string),
            obtained: Utc::now(),
        })?;
        Ok(creds)
    }

    /// Splits the chain into its base and the roles assumed on top of it.
    fn plan<'g>(&self, profile: &'g Profile) -> Result<Plan<'g>, ResolveErrorKind>
    where
        'a: 'g,
    {
        let lookup = |n: &str| {
            self.graph.get(n).ok_or_else(|| {
                ResolveErrorKind::Config(format!("source_profile '{n}' does not exist"))
            })
        };
        let chain: Vec<&Profile> = profile
            .chain
            .iter()
            .map(|n| lookup(n))
            .collect::<Result<_, _>>()?;
        let base = *chain.last().expect("a chain holds its own profile");
        let first = chain.len() == 1;
        let base_assumes = matches!(base.kind, ProfileKind::CredentialSource)
            || (first && base.kind == ProfileKind::SourceProfile)
            || (!first
                && !base.has_static_keys
                && base.role_arn.is_some()
                && base.credential_source.is_some());
        let mut roles: Vec<&Profile> = chain[..chain.len() - 1].iter().rev().copied().collect();
        if base_assumes {
            roles.insert(0, base);
        }
        Ok(Plan { base, roles })
    }

    async fn base_credentials(&self, base: &Profile) -> Result<BaseCredentials, ResolveErrorKind> {
        let file = self.graph.paths.credentials.display().to_string();
        if base.has_static_keys {
            if let Some(keys) = self.graph.static_credentials(&base.name) {
                return Ok(source::static_keys(keys, &file));
            }
        }
        if let Some(cs) = &base.credential_source {
            let parsed = CredentialSource::parse(cs).ok_or_else(|| {
                ResolveErrorKind::Config(format!("unknown credential_source '{cs}'"))
            })?;
            return Ok(source::for_credential_source(parsed, &self.metadata).await?);
        }
        match base.kind {
            ProfileKind::CredentialProcess => {
                let command = base.credential_process.as_deref().unwrap_or_default();
                Ok(source::credential_process(command).await?)
            }
            ProfileKind::Sso => Err(ResolveErrorKind::Config(
                "SSO profiles are listed but not signed in by rolecall yet; run `aws sso login` and use the AWS CLI for this profile".into(),
            )),
            ProfileKind::WebIdentity => Err(ResolveErrorKind::Config(
                "web identity profiles are listed but not assumed by rolecall yet".into(),
            )),
            ProfileKind::SourceProfile => Err(ResolveErrorKind::Config(format!(
                "'{}' points at itself as source_profile but holds no static keys",
                base.name
            ))),
            _ => Err(ResolveErrorKind::Config(format!(
                "'{}' has no credentials: no static keys, role, credential_process or SSO",
                base.name
            ))),
        }
    }

    /// Where STS is called: the profile's region, then the chain's, then the environment's.
    fn sts_region(&self, profile: &Profile) -> StsTarget {
        let region = profile
            .chain
            .iter()
            .filter_map(|n| self.graph.get(n))
            .find_map(|p| p.region.as_deref().map(str::to_string))
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .unwrap_or_else(|| "us-east-1".to_string());
        let endpoint_url = std::env::var("AWS_ENDPOINT_URL_STS")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok();
        StsTarget {
            endpoint_url,
            ..StsTarget::in_region(region)
        }
    }
}
