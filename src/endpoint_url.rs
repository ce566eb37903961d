//! Endpoint URL overrides, the way the AWS SDKs read them: `AWS_ENDPOINT_URL_<SERVICE>`,
//! then `AWS_ENDPOINT_URL`, then (for STS, the one service whose endpoint rolecall reads
//! from profiles) the profile's `services` section's `sts` entry, else its `endpoint_url`;
//! all of it switched off by `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's
//! `ignore_configured_endpoint_urls`. [`from_env`] is the environment's part (what the SSO
//! clients use), [`sts_for_profile`] the whole rule for a profile's STS calls.
//!
//! This is also how the tests reach their loopback stand-ins (`AWS_ENDPOINT_URL_STS`,
//! `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`).

use crate::profile::CallSettings;

/// The environment's endpoint for a service, by the SDKs' rule: `service_env` is the
/// service's id in upper snake case (`STS`, `SSO`, `SSO_OIDC`).
pub fn from_env(service_env: &str) -> Option<String> {
    from_lookup(service_env, &|name| std::env::var(name).ok())
}

/// [`from_env`] over any variable lookup (tests pass a map).
pub fn from_lookup(service_env: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if ignored(var) {
        return None;
    }
    value(var, &format!("AWS_ENDPOINT_URL_{service_env}"))
        .or_else(|| value(var, "AWS_ENDPOINT_URL"))
}

/// Whether the environment switches configured endpoints off
/// (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`).
fn ignored(var: &dyn Fn(&str) -> Option<String>) -> bool {
    value(var, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| is_true(&v))
}

/// A variable's value; empty counts as unset.
fn value(var: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    var(name).filter(|v| !v.trim().is_empty())
}

/// Where STS is called for a call made for a profile with `settings`: nowhere special when
/// the profile or the environment (`var`) switches configured endpoints off; else
/// `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, then the profile's own
/// ([`CallSettings::sts_endpoint_url`]: its `services` section's, else its `endpoint_url`).
pub fn sts_for_profile(
    settings: &CallSettings,
    var: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if settings.ignore_configured_endpoint_urls || ignored(var) {
        return None;
    }
    from_lookup("STS", var).or_else(|| settings.sts_endpoint_url.as_deref().map(str::to_string))
}

/// The SDKs' reading of a boolean setting: `true` in any case.
pub fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

#[cfg(test)]
mod tests;
