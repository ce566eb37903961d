//! The profile graph: every profile of the AWS config files, what kind of credentials it
//! has, and the chain it resolves through.

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
    /// `sso_session` / `sso_start_url` (IAM Identity Center).
    Sso,
    /// `web_identity_token_file` + `role_arn`.
    WebIdentity,
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
            ProfileKind::Sso => "sso",
            ProfileKind::WebIdentity => "web_identity",
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArn {
    pub arn: String,
    pub partition: String,
    pub account: String,
    /// The role name without its path.
    pub role: String,
}

impl RoleArn {
    /// Parses an IAM role ARN; `None` when it is not one.
    pub fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let valid_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        let role_path = resource.strip_prefix("role/")?;
        let role = role_path.rsplit('/').next()?;
        if prefix != "arn"
            || partition.is_empty()
            || service != "iam"
            || !region.is_empty()
            || !valid_account
            || role.is_empty()
        {
            return None;
        }
        Some(RoleArn {
            arn: arn.to_string(),
            partition: partition.to_string(),
            account: account.to_string(),
            role: role.to_string(),
        })
    }
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

/// One profile, with everything rolecall needs to list it and obtain its credentials.
///
/// It holds no secret: static keys stay in the files and are read when a session is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub kind: ProfileKind,
    pub role_arn: Option<String>,
    /// `role_arn` parsed; `None` when absent or malformed.
    pub role: Option<RoleArn>,
    pub source_profile: Option<String>,
    pub credential_source: Option<String>,
    pub credential_process: Option<String>,
    pub mfa_serial: Option<String>,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub region: Option<String>,
    pub sso_session: Option<String>,
    pub sso_start_url: Option<String>,
    pub sso_account_id: Option<String>,
    pub sso_role_name: Option<String>,
    pub web_identity_token_file: Option<String>,
    /// Whether the profile itself holds `aws_access_key_id`/`aws_secret_access_key`.
    pub has_static_keys: bool,
    /// Profile names from this one down to the one holding the base credentials; where the
    /// chain is broken, as far as it goes.
    pub chain: Vec<String>,
    /// False when the chain is broken (a cycle, a missing source profile, or a source with no
    /// credentials): the reason is among `diagnostics`.
    pub chain_complete: bool,
    /// Where the profile's section starts (the config file's when in both).
    pub location: Option<Location>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Profile {
    /// The account id shown in lists: the role's, else the SSO account.
    pub fn account(&self) -> Option<&str> {
        self.role
            .as_ref()
            .map(|r| r.account.as_str())
            .or(self.sso_account_id.as_deref())
    }

    /// The role name shown in lists: the role's, else the SSO role.
    pub fn role_name(&self) -> Option<&str> {
        self.role
            .as_ref()
            .map(|r| r.role.as_str())
            .or(self.sso_role_name.as_deref())
    }

    /// The chain as people read it, base first: `base → ops → admin`.
    pub fn chain_display(&self) -> String {
        let mut names: Vec<&str> = self.chain.iter().map(String::as_str).collect();
        names.reverse();
        names.join(" → ")
    }
}
