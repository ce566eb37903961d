//! A profile's resolution plan: where its base credentials come from, the MFA session (if
//! any), each role assumed on top (with the STS endpoint and region of that call), the
//! session's region, and a fingerprint of all of it.
//!
//! Planning reads nothing but the profile graph and the environment it is given, so every
//! rule here (which hops, which MFA, which region, which endpoint) is tested without I/O.
//! [`super::Resolver`] then walks the plan; the session store keys what it obtained by the
//! plan's fingerprint, so a session is reused only while its definition is unchanged.
//!
//! Rules, each the AWS CLI's where it has one:
//! - the chain follows `source_profile` until static keys, a `credential_source`, or a
//!   self-reference ([`crate::profile::ProfileGraph`] walks it);
//! - STS for a hop is configured from that hop's own profile — its `region` (else the
//!   nearest region down its chain, else `[default]`'s, else `AWS_REGION`, else the role's
//!   partition's default region), its `services`/`endpoint_url` (after
//!   `AWS_ENDPOINT_URL_STS`/`AWS_ENDPOINT_URL`), its FIPS and dual-stack settings — never
//!   from the profile `AWS_PROFILE` names;
//! - the session's region is the profile's own, else the nearest down its chain, else
//!   `[default]`'s (in the role's partition), else none.

use crate::profile::{
    CredentialSource, Profile, ProfileGraph, ProfileKind, ROLE_CHAINING_LIMIT, ROLE_WITHOUT_SOURCE,
};
use crate::source::MfaProcess;
use crate::sts::{sanitize_session_name, StsTarget};
use sha2::{Digest, Sha256};

/// Seconds an MFA session (GetSessionToken) lasts unless `mfa_session_duration` says
/// otherwise: an hour, as aws-vault's default, so trust policies with
/// `aws:MultiFactorAuthAge` keep working.
pub const DEFAULT_MFA_SESSION_SECONDS: u32 = 3600;

/// The environment planning reads (a lookup, so tests can give their own).
pub struct Vars<'a>(&'a (dyn Fn(&str) -> Option<String> + Sync));

impl Vars<'static> {
    /// The process's environment.
    pub fn process() -> Self {
        fn lookup(name: &str) -> Option<String> {
            std::env::var(name).ok()
        }
        Vars(&lookup)
    }
}

impl<'a> Vars<'a> {
    /// Variables from `lookup`.
    pub fn new(lookup: &'a (dyn Fn(&str) -> Option<String> + Sync)) -> Self {
        Vars(lookup)
    }

    /// A variable's value; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }
}

/// Where a chain's first credentials come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseSource {
    /// The profile's `aws_access_key_id`/`aws_secret_access_key` (`temporary` when it also
    /// has `aws_session_token`).
    StaticKeys { temporary: bool },
    /// `credential_source = Environment`.
    Environment,
    /// `credential_source = Ec2InstanceMetadata`.
    InstanceMetadata,
    /// `credential_source = EcsContainer`.
    Container,
    /// `credential_process`.
    Process { command: String },
    /// IAM Identity Center role credentials.
    Sso,
    /// AssumeRoleWithWebIdentity with the token in a file.
    WebIdentity(WebIdentitySource),
    /// An `aws login` session: the AWS CLI's login cache for this `login_session` ARN.
    Login { session: String },
    /// A long-term key in rolecall's key store, under `profile`'s name: the profile's
    /// `credential_process` is rolecall's own bridge, read here directly (running it would
    /// run rolecall again). What is handed out is a GetSessionToken session of it unless
    /// the plan says otherwise ([`Planner::without_session`]).
    Keyring { profile: String },
}

/// A web identity base: the role assumed with the token a file holds, and where STS is.
/// The token itself is no part of the plan: it is read from the file at each call, so a
/// rotated token neither changes the fingerprint nor goes stale in a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebIdentitySource {
    pub token_file: String,
    /// The setting that named the file (`web_identity_token_file of 'ci'`,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`), for errors.
    pub named_by: String,
    pub role_arn: String,
    /// `role_session_name` or `AWS_ROLE_SESSION_NAME`; `None`: the SDK's default, made at
    /// each call ([`crate::source::web_identity::default_session_name`]).
    pub session_name: Option<String>,
    /// From `AWS_WEB_IDENTITY_TOKEN_FILE`/`AWS_ROLE_ARN` rather than the profile.
    pub from_environment: bool,
    pub sts: StsTarget,
}

/// Whether the credentials a role is assumed with are themselves a role session, for
/// STS's one-hour limit on role chaining.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSession {
    /// Long-term keys, or an MFA session of them: any duration STS allows.
    LongTerm,
    /// A role session (the previous hop, an instance or container role, SSO).
    Role(String),
    /// Known only when the credentials arrive: a role session if they carry a token.
    IfTemporary,
}

/// One AssumeRole of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The profile whose `role_arn` this assumes.
    pub profile: String,
    /// The profile whose credentials it is assumed with.
    pub from: String,
    pub role_arn: String,
    pub session_name: String,
    pub external_id: Option<String>,
    /// `mfa_serial` of the hop's profile.
    pub mfa_serial: Option<String>,
    /// Its `mfa_process`, which prints that device's code (no part of the fingerprint: it
    /// changes how the code is had, not the session).
    pub mfa_process: Option<MfaProcess>,
    /// `duration_seconds` as configured.
    pub duration_seconds: Option<u32>,
    pub source: SourceSession,
    pub sts: StsTarget,
}

impl Hop {
    /// The duration to ask STS for, given whether the source credentials turned out to be
    /// temporary: capped at an hour when this is role chaining.
    pub fn effective_duration(&self, source_is_temporary: bool) -> Option<u32> {
        let chained = match self.source {
            SourceSession::LongTerm => false,
            SourceSession::Role(_) => true,
            SourceSession::IfTemporary => source_is_temporary,
        };
        match self.duration_seconds {
            Some(d) if chained && d > ROLE_CHAINING_LIMIT => Some(ROLE_CHAINING_LIMIT),
            other => other,
        }
    }
}

/// The GetSessionToken session of the base's long-term keys: MFA-authenticated (made with
/// one code) when `serial` is set, and shared by every role assumed from the same keys. A
/// key in the key store always gets one, MFA or not: its session is what is handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaSessionPlan {
    /// The profile whose keys it is a session of (the store keys it by this name).
    pub profile: String,
    /// The MFA device; `None`: a session of a stored key with no MFA.
    pub serial: Option<String>,
    /// The `mfa_process` of the profile whose `mfa_serial` this is.
    pub mfa_process: Option<MfaProcess>,
    pub duration_seconds: u32,
    pub sts: StsTarget,
    /// Identifies the keys and the endpoint: a cached MFA session is reused only while
    /// both are the same.
    pub fingerprint: String,
    /// True when the code would otherwise go with the first AssumeRole (the serial is the
    /// first hop's); false when the MFA session is the profile's session itself.
    pub for_first_hop: bool,
}

/// A profile's plan; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub profile: String,
    /// The profile holding the base credentials.
    pub base: String,
    pub source: BaseSource,
    /// Used when the base credentials are long-term keys.
    pub mfa_session: Option<MfaSessionPlan>,
    /// Base side first.
    pub hops: Vec<Hop>,
    /// The session's region.
    pub region: Option<String>,
    /// What determined the session: a cached one is reused only when this is the same.
    pub fingerprint: String,
}

/// Why a profile has no plan. The message names the profile or key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// With why (see [`ProfileGraph::why_missing`](crate::profile::ProfileGraph::why_missing)):
    /// the files that could not be read, or the name it may have meant.
    #[error("no such profile{}", missing_because(.0))]
    NoSuchProfile(Option<String>),
    #[error("{0}")]
    Config(String),
}

/// What follows "no such profile": the files that could not be read (the profile may be
/// in one of them) or the name it may have meant, else where to look.
pub fn missing_because(why: &Option<String>) -> String {
    match why {
        Some(why) => format!(": {why}"),
        None => " (see `rolecall list`)".into(),
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

/// Makes plans over one graph and environment.
pub struct Planner<'g, 'v> {
    pub graph: &'g ProfileGraph,
    pub vars: &'v Vars<'v>,
    pub mfa_mode: MfaMode,
    /// Hand out a stored key itself rather than a session of it (`--no-session`).
    pub no_session: bool,
}

impl<'g, 'v> Planner<'g, 'v> {
    /// A planner over `graph` and the environment `vars`, planning as `mfa_mode` says.
    pub fn new(graph: &'g ProfileGraph, vars: &'v Vars<'v>, mfa_mode: MfaMode) -> Self {
        Planner {
            graph,
            vars,
            mfa_mode,
            no_session: false,
        }
    }

    /// This planner, planning a key from the key store to be handed out as it is
    /// (`--no-session`) when `no_session`, instead of as a GetSessionToken session.
    pub fn without_session(mut self, no_session: bool) -> Self {
        self.no_session = no_session;
        self
    }
}

impl Planner<'_, '_> {
    /// The plan of profile `name`.
    pub fn plan(&self, name: &str) -> Result<Plan, PlanError> {
        let profile = self
            .graph
            .get(name)
            .ok_or_else(|| PlanError::NoSuchProfile(self.graph.why_missing(name)))?;
        let (base, roles) = self.base_and_roles(profile)?;
        let source = self.base_source(base)?;
        let partition = roles
            .last()
            .and_then(|r| r.role.as_ref())
            .map_or("aws", |r| r.partition());
        let hops = self.hops(base, &roles, &source, partition);
        let mfa_session = self.mfa_session(base, &source, &hops, partition);
        let region = self.session_region(profile, partition);
        let fingerprint = self.plan_fingerprint(base, &source, &hops, region.as_deref());
        Ok(Plan {
            profile: name.to_string(),
            base: base.name.clone(),
            source,
            mfa_session,
            hops,
            region,
            fingerprint,
        })
    }

    /// The profile holding `profile`'s base credentials, and the profiles whose roles are
    /// assumed on top of them, base side first.
    fn base_and_roles<'p>(
        &'p self,
        profile: &'p Profile,
    ) -> Result<(&'p Profile, Vec<&'p Profile>), PlanError> {
        if let Some(reason) = self.graph.chain_problem(profile) {
            return Err(PlanError::Config(reason));
        }
        let chain: Vec<&Profile> = profile
            .chain
            .iter()
            .map(|n| {
                self.graph.get(n).ok_or_else(|| {
                    PlanError::Config(format!("source_profile '{n}' does not exist"))
                })
            })
            .collect::<Result<_, _>>()?;
        let base = *chain.last().expect("a chain holds its own profile");
        let mut roles: Vec<&Profile> = chain[..chain.len() - 1].iter().rev().copied().collect();
        if base.assumes_own_role(chain.len() == 1) {
            roles.insert(0, base);
        }
        Ok((base, roles))
    }

    /// One AssumeRole for each of `roles`, each with the credentials of the one before
    /// (the first with `base`'s, from `source`).
    fn hops(
        &self,
        base: &Profile,
        roles: &[&Profile],
        source: &BaseSource,
        partition: &str,
    ) -> Vec<Hop> {
        roles
            .iter()
            .enumerate()
            .map(|(i, role)| {
                let from = if i == 0 { base } else { roles[i - 1] };
                let source_session = if i > 0 {
                    SourceSession::Role(format!("the role session of '{}'", from.name))
                } else {
                    first_hop_source(source)
                };
                self.hop(role, from, source_session, partition)
            })
            .collect()
    }

    /// The AssumeRole of `role`'s `role_arn` with the credentials of `from`.
    fn hop(&self, role: &Profile, from: &Profile, source: SourceSession, partition: &str) -> Hop {
        let hop_partition = role.role.as_ref().map_or(partition, |r| r.partition());
        Hop {
            profile: role.name.clone(),
            from: from.name.clone(),
            role_arn: role.role_arn.as_deref().unwrap_or_default().to_string(),
            session_name: role
                .role_session_name
                .as_deref()
                .map_or_else(|| self.default_session_name(), str::to_string),
            external_id: role.external_id.as_deref().map(str::to_string),
            mfa_serial: role.mfa_serial.as_deref().map(str::to_string),
            mfa_process: mfa_process_of(role),
            duration_seconds: role.duration_seconds,
            source,
            sts: self.sts_target(role, hop_partition),
        }
    }

    /// What determined the session (see [`Plan::fingerprint`]).
    fn plan_fingerprint(
        &self,
        base: &Profile,
        source: &BaseSource,
        hops: &[Hop],
        region: Option<&str>,
    ) -> String {
        fingerprint(&[
            "rolecall-plan-1",
            &self.source_identity(base, source),
            if matches!(source, BaseSource::Keyring { .. }) && self.hands_out_key(base) {
                "no-session"
            } else {
                ""
            },
            // The session is GetSessionToken's when there are no hops: its device counts.
            base.mfa_serial.as_deref().unwrap_or(""),
            &hops.iter().map(hop_identity).collect::<Vec<_>>().join(";"),
            region.unwrap_or(""),
        ])
    }

    /// The fingerprint an MFA session of `base`'s keys has now, if `base` holds keys: what
    /// a stored MFA session is compared with.
    /// The MFA session of `base`'s own keys with `serial`, outside any chain (the TUI's
    /// renewal of an MFA session row): `base` carries it, so its `mfa_session_duration`
    /// applies, and its STS endpoint is the one [`Planner::mfa_session_fingerprint`] keys.
    pub fn mfa_session_of_keys(&self, base: &str, serial: &str) -> Option<MfaSessionPlan> {
        let profile = self.graph.get(base)?;
        Some(MfaSessionPlan {
            profile: base.to_string(),
            serial: Some(serial.to_string()),
            mfa_process: self
                .graph
                .mfa_process_for_keys(base, serial)
                .and_then(mfa_process_of),
            duration_seconds: profile
                .settings()
                .mfa_session_duration
                .unwrap_or(DEFAULT_MFA_SESSION_SECONDS),
            sts: self.sts_target(profile, "aws"),
            fingerprint: self
                .mfa_session_fingerprint(base, Some(serial))
                .unwrap_or_default(),
            for_first_hop: true,
        })
    }

    /// The fingerprint a GetSessionToken session of `base`'s keys (with `serial`) has now,
    /// if `base` holds keys: what a stored MFA session is compared with.
    pub fn mfa_session_fingerprint(&self, base: &str, serial: Option<&str>) -> Option<String> {
        let profile = self.graph.get(base)?;
        let source = match profile.kind {
            ProfileKind::Keyring => self.base_source(profile).ok()?,
            _ => BaseSource::StaticKeys {
                temporary: profile.static_keys?.has_session_token,
            },
        };
        let sts = self.sts_target(profile, "aws");
        Some(self.mfa_fingerprint(profile, &source, serial, &sts))
    }

    fn base_source(&self, base: &Profile) -> Result<BaseSource, PlanError> {
        // A web identity is a base of its own before keys, as in botocore and aws-config.
        if base.kind == ProfileKind::WebIdentity {
            return Ok(BaseSource::WebIdentity(self.profile_web_identity(base)));
        }
        if let Some(keys) = base.static_keys {
            if base.credential_source.is_none() {
                return Ok(BaseSource::StaticKeys {
                    temporary: keys.has_session_token,
                });
            }
        }
        if let Some(cs) = &base.credential_source {
            return match CredentialSource::parse(cs) {
                Some(CredentialSource::Environment) => Ok(BaseSource::Environment),
                Some(CredentialSource::Ec2InstanceMetadata) => Ok(BaseSource::InstanceMetadata),
                Some(CredentialSource::EcsContainer) => Ok(BaseSource::Container),
                None => Err(PlanError::Config(format!(
                    "unknown credential_source '{cs}' (expected Ec2InstanceMetadata, EcsContainer or Environment)"
                ))),
            };
        }
        match base.kind {
            ProfileKind::CredentialProcess => Ok(BaseSource::Process {
                command: base.credential_process.as_deref().unwrap_or("").to_string(),
            }),
            ProfileKind::Sso => Ok(BaseSource::Sso),
            ProfileKind::None if base.role_arn.is_none() => self
                .environment_web_identity(base)
                .ok_or_else(|| no_credentials(base)),
            ProfileKind::Login => Ok(BaseSource::Login {
                session: base.login_session.as_deref().unwrap_or("").to_string(),
            }),
            ProfileKind::Keyring => Ok(BaseSource::Keyring {
                profile: base
                    .credential_process
                    .as_deref()
                    .and_then(crate::profile::bridge::bridged_profile)
                    .unwrap_or_else(|| base.name.clone()),
            }),
            ProfileKind::SourceProfile => Err(PlanError::Config(format!(
                "'{}' points at itself as source_profile but holds no static keys",
                base.name
            ))),
            _ if base.role_arn.is_some() => Err(PlanError::Config(ROLE_WITHOUT_SOURCE.into())),
            _ => Err(no_credentials(base)),
        }
    }

    /// The web identity a profile configures: `web_identity_token_file`, `role_arn` and
    /// `role_session_name`, with STS configured from the profile.
    fn profile_web_identity(&self, base: &Profile) -> WebIdentitySource {
        let role_arn = base.role_arn.as_deref().unwrap_or_default();
        let partition = base.role.as_ref().map_or("aws", |r| r.partition());
        WebIdentitySource {
            token_file: base
                .web_identity_token_file
                .as_deref()
                .unwrap_or_default()
                .into(),
            named_by: format!("web_identity_token_file of '{}'", base.name),
            role_arn: role_arn.to_string(),
            session_name: base.role_session_name.as_deref().map(str::to_string),
            from_environment: false,
            sts: self.sts_target(base, partition),
        }
    }

    /// The environment's web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
    /// `AWS_ROLE_SESSION_NAME`) for a profile with no credentials of its own: aws-config's
    /// default chain comes to it when the profile gives none, and never before (a
    /// profile's own credentials win). STS is configured from the profile.
    fn environment_web_identity(&self, base: &Profile) -> Option<BaseSource> {
        let token_file = self.vars.get("AWS_WEB_IDENTITY_TOKEN_FILE")?;
        let role_arn = self.vars.get("AWS_ROLE_ARN")?;
        let partition = crate::profile::RoleArn::parse(&role_arn)
            .map_or_else(|| "aws".to_string(), |r| r.partition().to_string());
        Some(BaseSource::WebIdentity(WebIdentitySource {
            token_file,
            named_by: "AWS_WEB_IDENTITY_TOKEN_FILE".into(),
            role_arn,
            session_name: self.vars.get("AWS_ROLE_SESSION_NAME"),
            from_environment: true,
            sts: self.sts_target(base, &partition),
        }))
    }

    /// The MFA session step, when the mode and the chain call for one.
    fn mfa_session(
        &self,
        base: &Profile,
        source: &BaseSource,
        hops: &[Hop],
        partition: &str,
    ) -> Option<MfaSessionPlan> {
        if let BaseSource::Keyring { .. } = source {
            return self.keyring_session(base, source, hops, partition);
        }
        let can_have_long_term_keys = matches!(
            source,
            BaseSource::StaticKeys { temporary: false }
                | BaseSource::Environment
                | BaseSource::Process { .. }
        );
        if !can_have_long_term_keys {
            return None;
        }
        let (serial, carrier, for_first_hop) = match hops.first() {
            None => (base.mfa_serial.as_deref()?, base, false),
            Some(first) if self.mfa_mode == MfaMode::SessionToken => {
                let carrier = self.graph.get(&first.profile)?;
                (first.mfa_serial.as_deref()?, carrier, true)
            }
            Some(_) => return None,
        };
        Some(self.session_of_keys(
            base,
            source,
            partition,
            Some(serial),
            carrier,
            for_first_hop,
        ))
    }

    /// Whether the stored key of keyring profile `base` is handed out as it is: with
    /// `--no-session`, or when its bridge line carries that flag.
    fn hands_out_key(&self, base: &Profile) -> bool {
        self.no_session
            || base
                .credential_process
                .as_deref()
                .and_then(crate::profile::bridge::bridge_call)
                .is_some_and(|call| call.no_session)
    }

    /// The session of a key from the key store: always one (what rolecall hands out is a
    /// session, never the key), unless `--no-session`. With MFA when the profile that
    /// carries it says so: the base itself when no role is assumed, else (in the default
    /// mode) the first hop, whose code the session then stands in for. It is no role
    /// session: the roles assumed with it are not role chaining.
    fn keyring_session(
        &self,
        base: &Profile,
        source: &BaseSource,
        hops: &[Hop],
        partition: &str,
    ) -> Option<MfaSessionPlan> {
        if self.hands_out_key(base) {
            return None;
        }
        let (serial, carrier, for_first_hop) = match hops.first() {
            None => (base.mfa_serial.as_deref(), base, false),
            Some(first) if self.mfa_mode == MfaMode::SessionToken => {
                let carrier = self.graph.get(&first.profile).unwrap_or(base);
                let serial = first.mfa_serial.as_deref();
                (serial, carrier, serial.is_some())
            }
            Some(_) => (None, base, false),
        };
        Some(self.session_of_keys(base, source, partition, serial, carrier, for_first_hop))
    }

    /// The GetSessionToken session of `base`'s keys: with `serial`'s code when there is one
    /// (`carrier` is the profile that holds it, whose `mfa_process` gives the code), lasting
    /// the base's `mfa_session_duration`, else the carrier's.
    fn session_of_keys(
        &self,
        base: &Profile,
        source: &BaseSource,
        partition: &str,
        serial: Option<&str>,
        carrier: &Profile,
        for_first_hop: bool,
    ) -> MfaSessionPlan {
        let duration_seconds = base
            .settings()
            .mfa_session_duration
            .or(carrier.settings().mfa_session_duration)
            .unwrap_or(DEFAULT_MFA_SESSION_SECONDS);
        let sts = self.sts_target(base, partition);
        MfaSessionPlan {
            profile: base.name.clone(),
            serial: serial.map(str::to_string),
            mfa_process: serial.and_then(|_| mfa_process_of(carrier)),
            duration_seconds,
            fingerprint: self.mfa_fingerprint(base, source, serial, &sts),
            sts,
            for_first_hop,
        }
    }

    /// An MFA session is the same while the keys and the endpoint are: the region it was
    /// asked in does not matter (it works in every region of the partition). A stored
    /// key's session also keeps its device: one made without MFA never stands in for one
    /// with it.
    fn mfa_fingerprint(
        &self,
        base: &Profile,
        source: &BaseSource,
        serial: Option<&str>,
        sts: &StsTarget,
    ) -> String {
        let identity = self.source_identity(base, source);
        let endpoint = sts.endpoint_url.as_deref().unwrap_or("");
        match source {
            BaseSource::Keyring { .. } => fingerprint(&[
                "rolecall-keyring-1",
                &identity,
                serial.unwrap_or(""),
                endpoint,
            ]),
            _ => fingerprint(&["rolecall-mfa-1", &identity, endpoint]),
        }
    }

    /// What identifies the base credentials without holding them: a digest of the access
    /// key id, the endpoint a metadata source is read from, a digest of the command.
    fn source_identity(&self, base: &Profile, source: &BaseSource) -> String {
        match source {
            BaseSource::StaticKeys { .. } => format!(
                "static:{:016x}",
                base.static_keys.map_or(0, |k| k.key_digest)
            ),
            BaseSource::Environment => format!(
                "env:{}",
                fingerprint(&[&self.vars.get("AWS_ACCESS_KEY_ID").unwrap_or_default()])
            ),
            BaseSource::InstanceMetadata => format!(
                "imds:{}",
                self.vars
                    .get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                    .or_else(|| base
                        .settings()
                        .ec2_metadata_service_endpoint
                        .as_deref()
                        .map(str::to_string))
                    .or_else(|| base
                        .settings()
                        .ec2_metadata_service_endpoint_mode
                        .as_deref()
                        .map(str::to_string))
                    .unwrap_or_default()
            ),
            BaseSource::Container => format!(
                "container:{}",
                self.vars
                    .get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                    .or_else(|| self.vars.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
                    .unwrap_or_default()
            ),
            BaseSource::Process { command } => format!("process:{}", fingerprint(&[command])),
            BaseSource::Login { session } => format!("login:{session}"),
            BaseSource::Keyring { profile } => format!("keyring:{profile}"),
            BaseSource::Sso => format!(
                "sso:{}:{}:{}",
                base.sso_session
                    .as_deref()
                    .or(base.sso_start_url.as_deref())
                    .unwrap_or(""),
                base.sso_account_id.as_deref().unwrap_or(""),
                base.sso_role_name.as_deref().unwrap_or("")
            ),
            BaseSource::WebIdentity(w) => web_identity_identity(w),
        }
    }

    /// Where STS is called for a call made for `profile` (see the module documentation).
    pub fn sts_target(&self, profile: &Profile, partition: &str) -> StsTarget {
        let settings = profile.settings();
        let region = self
            .nearest_region(profile)
            .or_else(|| self.default_region(partition))
            .or_else(|| {
                self.vars
                    .get("AWS_REGION")
                    .or_else(|| self.vars.get("AWS_DEFAULT_REGION"))
                    .filter(|r| partition_of_region(r) == partition)
            })
            .unwrap_or_else(|| partition_default_region(partition).to_string());
        let endpoint_url =
            crate::endpoint_url::sts_for_profile(settings, &|name| self.vars.get(name));
        let env_flag = |name: &str| {
            self.vars
                .get(name)
                .map(|v| crate::endpoint_url::is_true(&v))
        };
        StsTarget {
            region,
            endpoint_url,
            use_fips: env_flag("AWS_USE_FIPS_ENDPOINT")
                .or(settings.use_fips_endpoint)
                .unwrap_or(false),
            use_dual_stack: env_flag("AWS_USE_DUALSTACK_ENDPOINT")
                .or(settings.use_dualstack_endpoint)
                .unwrap_or(false),
        }
    }

    /// The profile's own region, else the nearest one down its chain.
    fn nearest_region(&self, profile: &Profile) -> Option<String> {
        profile
            .chain
            .iter()
            .filter_map(|n| self.graph.get(n))
            .find_map(|p| p.region.as_deref().map(str::to_string))
    }

    /// `[default]`'s region, when it is in `partition`.
    fn default_region(&self, partition: &str) -> Option<String> {
        self.graph
            .get("default")
            .and_then(|d| d.region.as_deref())
            .filter(|r| partition_of_region(r) == partition)
            .map(str::to_string)
    }

    fn session_region(&self, profile: &Profile, partition: &str) -> Option<String> {
        self.nearest_region(profile)
            .or_else(|| self.default_region(partition))
    }

    /// The local user's name, cut to STS's characters.
    fn default_session_name(&self) -> String {
        sanitize_session_name(
            &self
                .vars
                .get("USER")
                .or_else(|| self.vars.get("USERNAME"))
                .unwrap_or_default(),
        )
    }
}

/// The `mfa_process` of `profile`, which prints the code of its `mfa_serial`.
fn mfa_process_of(profile: &Profile) -> Option<MfaProcess> {
    let command = profile.settings().mfa_process.as_deref()?;
    Some(MfaProcess {
        command: command.to_string(),
        profile: profile.name.clone(),
    })
}

/// Whether the first hop's source is a role session, from the kind of base credentials.
fn first_hop_source(source: &BaseSource) -> SourceSession {
    match source {
        // A stored key, or its GetSessionToken session: not a role session.
        BaseSource::StaticKeys { temporary: false } | BaseSource::Keyring { .. } => {
            SourceSession::LongTerm
        }
        BaseSource::StaticKeys { temporary: true }
        | BaseSource::Environment
        | BaseSource::Process { .. } => SourceSession::IfTemporary,
        BaseSource::InstanceMetadata => {
            SourceSession::Role("the instance profile's role session".into())
        }
        BaseSource::Container => SourceSession::Role("the container's role session".into()),
        BaseSource::Sso => SourceSession::Role("the IAM Identity Center role session".into()),
        BaseSource::WebIdentity(_) => SourceSession::Role("the web identity role session".into()),
        // A console session of a role is a role session; of an IAM user, it is not.
        BaseSource::Login { session } if session.contains(":assumed-role/") => {
            SourceSession::Role("the `aws login` role session".into())
        }
        BaseSource::Login { .. } => SourceSession::LongTerm,
    }
}

/// A profile that gives no credentials, and what it could hold.
fn no_credentials(base: &Profile) -> PlanError {
    PlanError::Config(format!(
        "'{}' has no credentials: no static keys, role, credential_process, SSO or web \
         identity (web_identity_token_file, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)",
        base.name
    ))
}

/// What identifies a web identity base in a fingerprint: the file, the role, the session
/// name and STS, never the token (it rotates; the session it made stays good).
fn web_identity_identity(w: &WebIdentitySource) -> String {
    format!(
        "web-identity:{}|{}|{}|{}|{}",
        w.token_file,
        w.role_arn,
        w.session_name.as_deref().unwrap_or(""),
        w.from_environment,
        target_identity(&w.sts)
    )
}

/// What identifies a hop in a plan's fingerprint.
fn hop_identity(h: &Hop) -> String {
    format!(
        "{}|{}|{}|{}|{:?}|{}",
        h.role_arn,
        h.external_id.as_deref().unwrap_or(""),
        h.session_name,
        h.mfa_serial.as_deref().unwrap_or(""),
        h.duration_seconds,
        target_identity(&h.sts)
    )
}

/// What identifies an STS target in a fingerprint.
fn target_identity(t: &StsTarget) -> String {
    format!(
        "{}|{}|{}|{}",
        t.region,
        t.endpoint_url.as_deref().unwrap_or(""),
        t.use_fips,
        t.use_dual_stack
    )
}

/// A hex digest of the parts, each length-prefixed (so no two lists collide).
fn fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(&hash.finalize()[..16])
}

/// The partition a region belongs to (`cn-north-1` → `aws-cn`).
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}

/// The region STS is called in for a partition when nothing names one.
pub fn partition_default_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        "aws-iso" => "us-iso-east-1",
        "aws-iso-b" => "us-isob-east-1",
        "aws-eusc" => "eusc-de-east-1",
        _ => "us-east-1",
    }
}

#[cfg(test)]
mod tests;
