//! Which IAM Identity Center sign-in a profile uses, and the names the AWS CLI files it under.
//!
//! Two shapes exist in the config file: a profile with `sso_session = NAME` that points at an
//! `[sso-session NAME]` section (`sso_start_url`, `sso_region`, `sso_registration_scopes`),
//! and the legacy profile that holds `sso_start_url` and `sso_region` itself. Both end up as
//! one [`SsoSessionConfig`]. The AWS CLI keeps the token of the first under the SHA-1 of the
//! session's name and of the second under the SHA-1 of the start URL; rolecall uses the same
//! names so a sign-in made by either tool serves both.

use super::SsoError;
use crate::profile::parse::{is_region_name, REGION_NAME_RULE};
use crate::profile::{Profile, ProfileGraph, ProfileKind, SsoSessionSection};
use sha1::{Digest, Sha1};

/// The scope an `[sso-session]` registers with when `sso_registration_scopes` is not set:
/// what `aws configure sso` proposes, and what makes the service hand out refresh tokens.
pub const DEFAULT_REGISTRATION_SCOPE: &str = "sso:account:access";

/// One IAM Identity Center sign-in: where it goes and how it is named in the caches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SsoSessionConfig {
    /// The `[sso-session NAME]`'s name; `None` for a legacy profile's own start URL.
    pub session_name: Option<String>,
    /// For the legacy shape: the profile it was read from (named in the login hint).
    pub legacy_profile: Option<String>,
    pub start_url: String,
    /// The region of the IAM Identity Center instance (`sso_region`).
    pub region: String,
    /// `sso_registration_scopes` split on commas, as the AWS CLI reads it; `None` when unset.
    pub registration_scopes: Option<Vec<String>>,
}

impl SsoSessionConfig {
    /// The `[sso-session NAME]` section called `name`.
    pub fn named(graph: &ProfileGraph, name: &str) -> Result<Self, SsoError> {
        let section = graph.sso_session(name).ok_or_else(|| {
            SsoError::Config(format!(
                "there is no [sso-session {name}] section in {}; add one with sso_start_url and sso_region",
                graph.paths.config.display()
            ))
        })?;
        Self::from_section(section)
    }

    /// The sign-in `profile` uses: its `[sso-session]`, or its own `sso_start_url`/`sso_region`.
    pub fn for_profile(graph: &ProfileGraph, profile: &str) -> Result<Self, SsoError> {
        let p = graph
            .get(profile)
            .ok_or_else(|| SsoError::Config(format!("profile '{profile}' does not exist")))?;
        if let Some(name) = p.sso_session.as_deref() {
            let config = Self::named(graph, name).map_err(|e| match e {
                SsoError::Config(m) => SsoError::Config(format!(
                    "profile '{profile}' uses sso_session '{name}', but {m}"
                )),
                other => other,
            })?;
            // botocore refuses a profile whose own values disagree with its session's.
            for (key, own, session) in [
                (
                    "sso_start_url",
                    p.sso_start_url.as_deref(),
                    &config.start_url,
                ),
                ("sso_region", p.sso_region.as_deref(), &config.region),
            ] {
                if own.is_some_and(|v| v != session) {
                    return Err(SsoError::Config(format!(
                        "profile '{profile}' sets {key} to a value different from [sso-session {name}]'s; remove it from the profile"
                    )));
                }
            }
            return Ok(config);
        }
        let missing = |key: &str| {
            SsoError::Config(format!(
                "profile '{profile}' has no {key}: an SSO profile needs sso_session (with an [sso-session] section), or both sso_start_url and sso_region"
            ))
        };
        let start_url = p
            .sso_start_url
            .as_deref()
            .ok_or_else(|| missing("sso_start_url"))?;
        let region = p
            .sso_region
            .as_deref()
            .ok_or_else(|| missing("sso_region"))?;
        if !is_region_name(region) {
            return Err(SsoError::Config(format!(
                "profile '{profile}''s sso_region {REGION_NAME_RULE}; fix it in {}",
                graph.paths.config.display()
            )));
        }
        Ok(SsoSessionConfig {
            session_name: None,
            legacy_profile: Some(p.name.clone()),
            start_url: start_url.to_string(),
            region: region.to_string(),
            registration_scopes: None,
        })
    }

    fn from_section(section: &SsoSessionSection) -> Result<Self, SsoError> {
        let name = &section.name;
        let need = |value: Option<&str>, key: &str, example: &str| {
            value.map(str::to_string).ok_or_else(|| {
                SsoError::Config(format!(
                    "{}: [sso-session {name}] has no {key}; add `{key} = {example}`",
                    section.location
                ))
            })
        };
        Ok(SsoSessionConfig {
            session_name: Some(name.clone()),
            legacy_profile: None,
            start_url: need(
                section.sso_start_url.as_deref(),
                "sso_start_url",
                "https://my-org.awsapps.com/start",
            )?,
            region: need(section.sso_region.as_deref(), "sso_region", "us-east-1")
                .and_then(|region| checked_region(section, region))?,
            registration_scopes: section.sso_registration_scopes.as_deref().map(parse_scopes),
        })
    }

    /// Every sign-in the configuration defines: each usable `[sso-session]`, then each
    /// distinct start URL of legacy profiles (first profile by name). Sections missing a
    /// start URL or region are left out; naming them explicitly reports why.
    pub fn all(graph: &ProfileGraph) -> Vec<SsoSessionConfig> {
        let mut found: Vec<SsoSessionConfig> = graph
            .sso_sessions()
            .iter()
            .filter_map(|s| Self::from_section(s).ok())
            .collect();
        for p in graph.profiles() {
            if p.kind != ProfileKind::Sso || p.sso_session.is_some() {
                continue;
            }
            let Ok(config) = Self::for_profile(graph, &p.name) else {
                continue;
            };
            if !found
                .iter()
                .any(|c| c.session_name.is_none() && c.start_url == config.start_url)
            {
                found.push(config);
            }
        }
        found
    }

    /// How the session is named where one string must do: the sso-session's name, or the
    /// legacy start URL (what [`crate::sso::DiscoveredRole::sso_session`] holds).
    pub fn label(&self) -> &str {
        self.session_name.as_deref().unwrap_or(&self.start_url)
    }

    /// How messages name it: `sso-session corp` or `start URL https://…`.
    pub fn describe(&self) -> String {
        match &self.session_name {
            Some(name) => format!("sso-session {name}"),
            None => format!("start URL {}", self.start_url),
        }
    }

    /// The command that signs this session in again (`--demo` included in the demo).
    pub fn login_command(&self) -> String {
        let rolecall = if crate::demo::is_active() {
            "rolecall --demo"
        } else {
            "rolecall"
        };
        match (&self.session_name, &self.legacy_profile) {
            (Some(name), _) => format!("{rolecall} sso login --sso-session {name}"),
            (None, Some(profile)) => format!("{rolecall} sso login --profile {profile}"),
            (None, None) => format!("{rolecall} sso login"),
        }
    }

    /// The token cache file's name without `.json`: the SHA-1 (hex) of the session name, or
    /// of the start URL for legacy profiles, as the AWS CLI and the SDKs name it.
    pub fn cache_key(&self) -> String {
        sha1_hex(self.label().as_bytes())
    }

    /// The name the AWS CLI gives the client registration it keeps for this session:
    /// the SHA-1 of `json.dumps({"tool": "botocore", "startUrl", "region", "scopes",
    /// "session_name"}, sort_keys=True)`, Python's formatting included. Sharing it lets
    /// rolecall and `aws sso login` reuse one registration.
    pub fn registration_cache_key(&self) -> String {
        let scopes = match &self.registration_scopes {
            None => "null".to_string(),
            Some(list) => {
                let items: Vec<String> = list.iter().map(|s| python_json_string(s)).collect();
                format!("[{}]", items.join(", "))
            }
        };
        let session = self
            .session_name
            .as_deref()
            .map_or_else(|| "null".to_string(), python_json_string);
        let args = format!(
            "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {session}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
            python_json_string(&self.region),
            python_json_string(&self.start_url),
        );
        sha1_hex(args.as_bytes())
    }

    /// The scopes RegisterClient asks for: an sso-session's (by default
    /// [`DEFAULT_REGISTRATION_SCOPE`]); none for a legacy profile, as the AWS CLI does.
    pub fn scopes_to_request(&self) -> Vec<String> {
        if self.session_name.is_none() {
            return Vec::new();
        }
        match &self.registration_scopes {
            Some(list) if !list.is_empty() => list.clone(),
            _ => vec![DEFAULT_REGISTRATION_SCOPE.to_string()],
        }
    }

    /// Whether a cached token may be refreshed with its refresh token: only for
    /// `[sso-session]` configurations, as the SDKs do.
    pub fn refreshable(&self) -> bool {
        self.session_name.is_some()
    }

    /// Whether `profile` signs in through this session.
    pub fn is_used_by(&self, profile: &Profile) -> bool {
        profile.kind == ProfileKind::Sso && profile_sso_label(profile) == Some(self.label())
    }

    /// The profiles whose credentials come from this sign-in: its SSO profiles, and every
    /// profile whose chain ends at one of them.
    pub fn dependent_profiles<'g>(&self, graph: &'g ProfileGraph) -> Vec<&'g Profile> {
        graph
            .profiles()
            .iter()
            .filter(|p| {
                graph
                    .get(p.chain.base())
                    .is_some_and(|base| self.is_used_by(base))
            })
            .collect()
    }
}

/// The label ([`SsoSessionConfig::label`]) of the sign-in an SSO profile uses, read off the
/// profile alone: its `sso_session`, else its `sso_start_url`.
pub fn profile_sso_label(profile: &Profile) -> Option<&str> {
    profile
        .sso_session
        .as_deref()
        .or(profile.sso_start_url.as_deref())
}

/// `region` when it is a region name: it becomes the host of the authorize URL and of
/// every call, so `evil.example/x#` must never get that far.
fn checked_region(section: &SsoSessionSection, region: String) -> Result<String, SsoError> {
    if is_region_name(&region) {
        return Ok(region);
    }
    Err(SsoError::Config(format!(
        "{}: [sso-session {}]'s sso_region {REGION_NAME_RULE}; fix it",
        section.location, section.name
    )))
}

/// `sso_registration_scopes` as the AWS CLI splits it: on commas, trimmed, empties dropped.
fn parse_scopes(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`): printable ASCII as is,
/// everything else escaped.
fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
