//! The profile graph: every profile of the AWS config files, what kind of credentials it
//! has, and the chain it resolves through.

use super::chain::{Chain, ChainDisplay};
use serde::Serialize;
use std::path::PathBuf;

/// Where a profile's credentials come from, in the AWS CLI's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// `aws_access_key_id` + `aws_secret_access_key` in the profile.
    Static,
    /// `role_arn` + `source_profile`.
    SourceProfile,
    /// `role_arn` + `credential_source`.
    CredentialSource,
    /// `credential_process`.
    CredentialProcess,
    /// `credential_process` is rolecall's own bridge (`rolecall credential-process NAME`):
    /// a long-term key in rolecall's key store, read directly, never through a subprocess.
    Keyring,
    /// `sso_session` / `sso_start_url` (IAM Identity Center).
    Sso,
    /// `web_identity_token_file` + `role_arn`.
    WebIdentity,
    /// `login_session`: an `aws login` console session.
    Login,
    /// Nothing that yields credentials (region-only profiles, say).
    None,
}

impl ProfileKind {
    /// The name used in `list --format json` and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Static => "static",
            ProfileKind::SourceProfile => "source_profile",
            ProfileKind::CredentialSource => "credential_source",
            ProfileKind::CredentialProcess => "credential_process",
            ProfileKind::Keyring => "keyring",
            ProfileKind::Sso => "sso",
            ProfileKind::WebIdentity => "web_identity",
            ProfileKind::Login => "login",
            ProfileKind::None => "none",
        }
    }
}

/// The `credential_source` values the AWS CLI accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CredentialSource {
    Ec2InstanceMetadata,
    EcsContainer,
    Environment,
}

impl CredentialSource {
    /// Parses the config value; the AWS CLI matches these names exactly.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "Ec2InstanceMetadata" => Some(Self::Ec2InstanceMetadata),
            "EcsContainer" => Some(Self::EcsContainer),
            "Environment" => Some(Self::Environment),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            Self::EcsContainer => "EcsContainer",
            Self::Environment => "Environment",
        }
    }
}

/// A role ARN split into the parts people read: `arn:aws:iam::123456789012:role/path/Name`.
///
/// One string and the offsets of its parts (profiles are built by the thousand).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArn {
    arn: String,
    /// `arn:` + partition + `:iam::` is the prefix before the account.
    partition_end: usize,
    account_start: usize,
    role_start: usize,
}

impl RoleArn {
    /// Parses an IAM role ARN; `None` when it is not one.
    pub fn parse(arn: &str) -> Option<Self> {
        let rest = arn.strip_prefix("arn:")?;
        let partition_end = 4 + rest.find(':')?;
        let partition = &arn[4..partition_end];
        let after_partition = &arn[partition_end..];
        let account_part = after_partition.strip_prefix(":iam::")?;
        let account_start = partition_end + ":iam::".len();
        let account = account_part.get(..12)?;
        let resource = account_part[12..].strip_prefix(':')?;
        let role_path = resource.strip_prefix("role/")?;
        let role = role_path.rsplit('/').next()?;
        if partition.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) || role.is_empty() {
            return None;
        }
        Some(RoleArn {
            arn: arn.to_string(),
            partition_end,
            account_start,
            role_start: arn.len() - role.len(),
        })
    }

    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub fn partition(&self) -> &str {
        &self.arn[4..self.partition_end]
    }

    /// The 12-digit account id.
    pub fn account(&self) -> &str {
        &self.arn[self.account_start..self.account_start + 12]
    }

    /// The role name without its path.
    pub fn role(&self) -> &str {
        &self.arn[self.role_start..]
    }
}

/// The account of a `login_session` ARN (`arn:PARTITION:iam|sts::ACCOUNT:RESOURCE`), or
/// `None` when it is not one: the profile parser reports such a value.
pub fn login_session_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_word, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let valid = arn_word == "arn"
        && !partition.is_empty()
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
        && matches!(service, "iam" | "sts")
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !resource.is_empty()
        && !resource.chars().any(char::is_control);
    valid.then_some(account)
}

/// Where in the files a profile (or one of its keys) was defined, for diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line number; 0 when unknown.
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}", self.file.display(), self.line)
        } else {
            write!(f, "{}", self.file.display())
        }
    }
}

/// Something wrong in the configuration. It never stops the rest of the files from loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The profile it concerns, when it concerns one.
    pub profile: Option<String>,
    pub location: Option<Location>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        if let Some(p) = &self.profile {
            write!(f, "profile '{p}': ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Settings of a profile that only some calls read: where STS and the instance metadata
/// service are, how long an MFA session lasts and what prints its code. Kept apart (and boxed in [`Profile`])
/// because most profiles set none of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallSettings {
    /// STS's endpoint for this profile: its `services` section's `sts` → `endpoint_url`,
    /// else its own `endpoint_url` (the SDKs' order).
    pub sts_endpoint_url: Option<Box<str>>,
    /// `ignore_configured_endpoint_urls = true`: neither the above nor the environment's
    /// `AWS_ENDPOINT_URL*` apply.
    pub ignore_configured_endpoint_urls: bool,
    pub use_fips_endpoint: Option<bool>,
    pub use_dualstack_endpoint: Option<bool>,
    /// `mfa_session_duration`: seconds the MFA session (GetSessionToken) is asked to last.
    pub mfa_session_duration: Option<u32>,
    /// `mfa_process` (aws-vault's name): a command that prints the code of this profile's
    /// `mfa_serial` (`ykman oath accounts code --single NAME`), run instead of asking.
    pub mfa_process: Option<Box<str>>,
    pub ec2_metadata_service_endpoint: Option<Box<str>>,
    pub ec2_metadata_service_endpoint_mode: Option<Box<str>>,
    pub ec2_metadata_v1_disabled: Option<bool>,
    /// `metadata_service_timeout` and `metadata_service_num_attempts`, as written.
    pub metadata_service_timeout: Option<Box<str>>,
    pub metadata_service_num_attempts: Option<Box<str>>,
}

impl CallSettings {
    /// The settings of a profile that sets none.
    pub const NONE: CallSettings = CallSettings {
        sts_endpoint_url: None,
        ignore_configured_endpoint_urls: false,
        use_fips_endpoint: None,
        use_dualstack_endpoint: None,
        mfa_session_duration: None,
        mfa_process: None,
        ec2_metadata_service_endpoint: None,
        ec2_metadata_service_endpoint_mode: None,
        ec2_metadata_v1_disabled: None,
        metadata_service_timeout: None,
        metadata_service_num_attempts: None,
    };
}

/// What static keys a profile holds, without the keys: they stay in the files and are
/// read only when a session is made ([`crate::profile::ProfileGraph::load_static_keys`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticKeys {
    /// A digest of the access key id, so a cached session can tell that the keys changed.
    pub key_digest: u64,
    /// `aws_session_token` is set too: the keys are temporary (a role session, maybe).
    pub has_session_token: bool,
    /// Which files hold parts of the keys, so reading them parses only those.
    pub in_config: bool,
    pub in_credentials: bool,
}

/// One profile, with everything rolecall needs to list it and obtain its credentials.
///
/// It holds no secret: static keys stay in the files and are read when a session is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub kind: ProfileKind,
    pub role_arn: Option<Box<str>>,
    /// `role_arn` parsed; `None` when absent or malformed.
    pub role: Option<RoleArn>,
    pub source_profile: Option<Box<str>>,
    pub credential_source: Option<Box<str>>,
    pub credential_process: Option<Box<str>>,
    pub mfa_serial: Option<Box<str>>,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<Box<str>>,
    pub role_session_name: Option<Box<str>>,
    pub region: Option<Box<str>>,
    pub sso_session: Option<Box<str>>,
    pub sso_start_url: Option<Box<str>>,
    /// A legacy SSO profile's own `sso_region` (with `sso_start_url`, no `sso_session`).
    pub sso_region: Option<Box<str>>,
    pub sso_account_id: Option<Box<str>>,
    pub sso_role_name: Option<Box<str>>,
    pub web_identity_token_file: Option<Box<str>>,
    /// `login_session`: the ARN of the `aws login` session (kind `login`).
    pub login_session: Option<Box<str>>,
    /// Whether the profile itself holds `aws_access_key_id`/`aws_secret_access_key`.
    pub has_static_keys: bool,
    /// What those keys are (`None` without both parts).
    pub static_keys: Option<StaticKeys>,
    /// Rarely set settings (`None` when the profile sets none); see [`Profile::settings`].
    pub call_settings: Option<Box<CallSettings>>,
    /// Profile names from this one down to the one holding the base credentials; where the
    /// chain is broken, as far as it goes.
    pub chain: Chain,
    /// False when the chain is broken (a cycle, a missing source profile, or a source with no
    /// credentials): the reason is among `diagnostics`.
    pub chain_complete: bool,
    /// Whether some profile in `chain` has an `mfa_serial`: obtaining this one asks for a
    /// code (see [`crate::profile::ProfileGraph::chain_needs_mfa`]).
    pub mfa_in_chain: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// The account's name, when IAM Identity Center discovery told it.
    pub account_name: Option<Box<str>>,
    /// Not in the files: a role IAM Identity Center discovery found that no profile
    /// configures, named as `rolecall sso sync` would name its profile.
    pub discovered: bool,
}

impl Profile {
    /// An IAM Identity Center role as a profile of its own: the SSO session it signs in
    /// through (`sso_session`, or a legacy `sso_start_url` + `sso_region`), the account and
    /// the role, and `region` for the session.
    #[allow(clippy::too_many_arguments)]
    pub fn sso_role(
        name: String,
        sso_session: Option<&str>,
        sso_start_url: Option<&str>,
        sso_region: Option<&str>,
        account_id: &str,
        account_name: &str,
        role_name: &str,
        region: Option<&str>,
    ) -> Profile {
        let own = |v: Option<&str>| v.map(Box::<str>::from);
        Profile {
            chain: Chain::single(&name),
            name,
            kind: ProfileKind::Sso,
            role_arn: None,
            role: None,
            source_profile: None,
            credential_source: None,
            credential_process: None,
            mfa_serial: None,
            duration_seconds: None,
            external_id: None,
            role_session_name: None,
            region: own(region),
            sso_session: own(sso_session),
            sso_start_url: own(sso_start_url),
            sso_region: own(sso_region),
            sso_account_id: Some(account_id.into()),
            sso_role_name: Some(role_name.into()),
            web_identity_token_file: None,
            login_session: None,
            has_static_keys: false,
            static_keys: None,
            call_settings: None,
            chain_complete: true,
            mfa_in_chain: false,
            diagnostics: Vec::new(),
            account_name: Some(account_name.into()),
            discovered: true,
        }
    }

    /// The account id shown in lists: the role's, else the SSO account, else the
    /// `aws login` session's.
    pub fn account(&self) -> Option<&str> {
        self.role
            .as_ref()
            .map(RoleArn::account)
            .or(self.sso_account_id.as_deref())
            .or_else(|| {
                self.login_session
                    .as_deref()
                    .and_then(login_session_account)
            })
    }

    /// The role name shown in lists: the role's, else the SSO role.
    pub fn role_name(&self) -> Option<&str> {
        self.role
            .as_ref()
            .map(RoleArn::role)
            .or(self.sso_role_name.as_deref())
    }

    /// Whether this profile, as the base of a chain (`alone`: the chain is this profile
    /// only), assumes its own role: with credentials from a `credential_source`, or with
    /// its own keys through a self-referencing `source_profile`. Further down a chain, a
    /// profile with static keys only lends them.
    pub fn assumes_own_role(&self, alone: bool) -> bool {
        self.kind == ProfileKind::CredentialSource
            || (alone && self.kind == ProfileKind::SourceProfile)
            || (!alone
                && !self.has_static_keys
                && self.role_arn.is_some()
                && self.credential_source.is_some())
    }

    /// The profile's endpoint, FIPS, MFA-session and metadata settings.
    pub fn settings(&self) -> &CallSettings {
        self.call_settings.as_deref().unwrap_or(&CallSettings::NONE)
    }

    /// The chain as people read it, base first: `base → ops → admin` (written straight
    /// to a formatter, so a table of thousands of rows needs no string per row).
    pub fn chain_display(&self) -> ChainDisplay<'_> {
        self.chain.display()
    }
}

/// An `[sso-session NAME]` section of the config file: where an IAM Identity Center
/// sign-in goes. Several profiles share one, and so share one sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSessionSection {
    pub name: String,
    pub sso_start_url: Option<Box<str>>,
    pub sso_region: Option<Box<str>>,
    /// The raw `sso_registration_scopes` value (comma-separated), when set.
    pub sso_registration_scopes: Option<Box<str>>,
    /// Where the section starts in the config file.
    pub location: Location,
}

#[cfg(test)]
mod tests;
