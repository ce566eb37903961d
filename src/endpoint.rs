//! Endpoint overrides, the way the AWS SDKs read them: `AWS_ENDPOINT_URL_<SERVICE>`, then
//! `AWS_ENDPOINT_URL`, then the profile's `services` section and `endpoint_url`; all of it
//! switched off by `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
//! `ignore_configured_endpoint_urls`).
//!
//! This is also how the tests reach their loopback stand-ins (`AWS_ENDPOINT_URL_STS`,
//! `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`).

/// The environment's endpoint for a service, by the SDKs' rule: `service_env` is the
/// service's id in upper snake case (`STS`, `SSO`, `SSO_OIDC`).
pub fn from_env(service_env: &str) -> Option<String> {
    from_lookup(service_env, &|name| std::env::var(name).ok())
}

/// [`from_env`] over any variable lookup (tests pass a map).
pub fn from_lookup(service_env: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    if set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| is_true(&v)) {
        return None;
    }
    set(&format!("AWS_ENDPOINT_URL_{service_env}")).or_else(|| set("AWS_ENDPOINT_URL"))
}

/// The SDKs' reading of a boolean setting: `true` in any case.
pub fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::env as lookup;

    #[test]
    fn service_variable_wins_over_the_general_one() {
        let both = lookup(&[
            ("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
        ]);
        assert_eq!(
            from_lookup("SSO_OIDC", &both).as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(
            from_lookup("SSO", &both).as_deref(),
            Some("http://127.0.0.1:2")
        );
        assert_eq!(from_lookup("STS", &lookup(&[])), None);
    }

    #[test]
    fn ignore_switch_and_empty_values() {
        let ignored = lookup(&[
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
        ]);
        assert_eq!(from_lookup("STS", &ignored), None);
        let empty = lookup(&[
            ("AWS_ENDPOINT_URL_STS", " "),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
        ]);
        assert_eq!(
            from_lookup("STS", &empty).as_deref(),
            Some("http://127.0.0.1:2")
        );
    }
}
