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

#[test]
fn sts_for_a_profile_the_environment_then_the_profile_unless_switched_off() {
    let own = CallSettings {
        sts_endpoint_url: Some("http://127.0.0.1:3".into()),
        ..CallSettings::default()
    };
    let general = lookup(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:2")]);
    assert_eq!(
        sts_for_profile(&own, &general).as_deref(),
        Some("http://127.0.0.1:2")
    );
    assert_eq!(
        sts_for_profile(&own, &lookup(&[])).as_deref(),
        Some("http://127.0.0.1:3")
    );
    let env_off = lookup(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]);
    assert_eq!(sts_for_profile(&own, &env_off), None);
    let profile_off = CallSettings {
        ignore_configured_endpoint_urls: true,
        ..own
    };
    assert_eq!(sts_for_profile(&profile_off, &general), None);
}
