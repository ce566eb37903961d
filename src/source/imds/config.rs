//! Where the metadata services are, whether IMDS may be used at all, and how long to
//! wait: the environment first, then the profile's settings, as in the SDKs.
//!
//! What the two references do, and where rolecall stands (botocore 1.44 `utils.py`
//! `IMDSFetcher` + `configprovider.py`; aws-config 1.13 `imds/client.rs`, `imds/credentials.rs`):
//! - Endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, then `ec2_metadata_service_endpoint`,
//!   then the mode (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, then
//!   `ec2_metadata_service_endpoint_mode`: `IPv4` → `http://169.254.169.254/`, `IPv6` →
//!   `http://[fd00:ec2::254]/`, any case). An explicit endpoint wins over any mode. Both
//!   agree; an unknown mode is an error in both. botocore also reads the older
//!   `imds_use_ipv6`/`AWS_IMDS_USE_IPV6` below the mode; aws-config does not, nor does rolecall.
//! - `AWS_EC2_METADATA_DISABLED=true` (any case) turns IMDS off; it is an environment
//!   variable only in botocore, aws-config and the SDK reference guide (no config key).
//! - `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`: botocore only (aws-config
//!   speaks IMDSv2 alone and has no fallback to disable); rolecall follows botocore.
//! - `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout` (seconds, default 1) and
//!   `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (default 1):
//!   botocore's; aws-config has its own fixed defaults. rolecall reads botocore's names, and
//!   accepts fractional seconds where botocore takes whole ones.
//! - Empty variables count as unset, as everywhere in rolecall (`crate::endpoint_url`); botocore
//!   and aws-config take an empty endpoint as set and then reject it.

use crate::endpoint_url::is_true;
use std::time::Duration;

/// The IMDS address in IPv4 mode (the default).
pub const IPV4_ENDPOINT: &str = "http://169.254.169.254/";
/// The IMDS address in IPv6 mode.
pub const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]/";

/// Default bound on one metadata request, as in the AWS CLI (`AWS_METADATA_SERVICE_TIMEOUT`).
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(1);

/// The metadata settings a profile in `~/.aws/config` may hold, as raw text: the profile
/// layer passes them through and [`MetadataConfig::resolve`] checks them, so a bad value
/// is reported only when IMDS is actually used, naming the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileMetadataSettings {
    /// The profile the settings come from, for error messages.
    pub profile: Option<String>,
    /// `ec2_metadata_service_endpoint`
    pub endpoint: Option<String>,
    /// `ec2_metadata_service_endpoint_mode`
    pub endpoint_mode: Option<String>,
    /// `ec2_metadata_v1_disabled`
    pub v1_disabled: Option<String>,
    /// `metadata_service_timeout` (seconds)
    pub timeout: Option<String>,
    /// `metadata_service_num_attempts`
    pub num_attempts: Option<String>,
}

/// An IMDS that may be used: its base URL and whether the IMDSv1 fallback is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImdsEndpoint {
    /// The base URL, `http://…/` (IMDS is never TLS).
    pub url: String,
    /// The variable or key that disables the IMDSv1 fallback, when one does.
    pub v1_disabled_by: Option<String>,
}

/// Where the metadata services are and how long to wait for them.
#[derive(Debug, Clone)]
pub struct MetadataConfig {
    /// IMDS, or why it must not be used (disabled, or a bad endpoint setting): checked
    /// when an `Ec2InstanceMetadata` source is used, so it never stops anything else.
    pub imds: Result<ImdsEndpoint, String>,
    /// Bound on each request (IMDS and the container endpoint).
    pub timeout: Duration,
    /// Attempts per IMDS request.
    pub attempts: u32,
}

/// One setting's value and the name to quote when it is wrong.
struct Setting {
    value: String,
    name: String,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = '{}'", self.name, self.value)
    }
}

impl MetadataConfig {
    /// The process environment alone, for callers that have no profile settings.
    pub fn from_env() -> Self {
        Self::resolve(
            &|name| std::env::var(name).ok(),
            &ProfileMetadataSettings::default(),
        )
    }

    /// The SDKs' order for each setting: the environment variable, then the profile key,
    /// then the default.
    pub fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        profile: &ProfileMetadataSettings,
    ) -> Self {
        let pick = |var: &str, key: &str, from_profile: &Option<String>| -> Option<Setting> {
            let set = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
            if let Some(value) = set(&env(var)) {
                return Some(Setting {
                    value,
                    name: var.to_string(),
                });
            }
            set(from_profile).map(|value| Setting {
                value,
                name: match &profile.profile {
                    Some(p) => format!("{key} in profile '{p}'"),
                    None => key.to_string(),
                },
            })
        };
        let timeout = pick(
            "AWS_METADATA_SERVICE_TIMEOUT",
            "metadata_service_timeout",
            &profile.timeout,
        )
        .and_then(|s| s.value.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s < 600.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_METADATA_TIMEOUT);
        let attempts = pick(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
            &profile.num_attempts,
        )
        .and_then(|s| s.value.trim().parse().ok())
        .filter(|n| (1..=10).contains(n))
        .unwrap_or(1);

        let imds = if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| is_true(&v)) {
            Err(
                "disabled by AWS_EC2_METADATA_DISABLED=true: unset it to use the instance \
                 profile, or choose another credential_source"
                    .to_string(),
            )
        } else {
            let endpoint = pick(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "ec2_metadata_service_endpoint",
                &profile.endpoint,
            );
            let mode = pick(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "ec2_metadata_service_endpoint_mode",
                &profile.endpoint_mode,
            );
            choose_endpoint(endpoint, mode).map(|url| ImdsEndpoint {
                url,
                v1_disabled_by: pick(
                    "AWS_EC2_METADATA_V1_DISABLED",
                    "ec2_metadata_v1_disabled",
                    &profile.v1_disabled,
                )
                .filter(|s| is_true(&s.value))
                .map(|s| s.name),
            })
        };
        MetadataConfig {
            imds,
            timeout,
            attempts,
        }
    }
}

/// An explicit endpoint wins over the mode (botocore and aws-config alike; the mode is
/// then not even checked, as in aws-config).
fn choose_endpoint(endpoint: Option<Setting>, mode: Option<Setting>) -> Result<String, String> {
    if let Some(endpoint) = endpoint {
        let url = endpoint.value.trim();
        let valid = url
            .parse::<hyper::Uri>()
            .ok()
            .filter(|u| u.scheme_str() == Some("http") && u.host().is_some_and(|h| !h.is_empty()));
        if valid.is_none() {
            return Err(format!(
                "{endpoint} is not an http:// URL (IMDS is plain HTTP, e.g. http://169.254.169.254/)"
            ));
        }
        let mut url = url.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        return Ok(url);
    }
    match mode {
        None => Ok(IPV4_ENDPOINT.to_string()),
        Some(m) if m.value.trim().eq_ignore_ascii_case("ipv4") => Ok(IPV4_ENDPOINT.to_string()),
        Some(m) if m.value.trim().eq_ignore_ascii_case("ipv6") => Ok(IPV6_ENDPOINT.to_string()),
        Some(m) => Err(format!(
            "{m} is not a valid endpoint mode: use IPv4 or IPv6"
        )),
    }
}

#[cfg(test)]
mod tests;
