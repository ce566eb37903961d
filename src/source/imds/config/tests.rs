
use super::*;
use crate::testing::env;

fn url(config: &MetadataConfig) -> &str {
    &config.imds.as_ref().expect("IMDS usable").url
}

#[test]
fn defaults_are_ipv4_one_second_one_attempt() {
    let c = MetadataConfig::resolve(&env(&[]), &Default::default());
    assert_eq!(url(&c), "http://169.254.169.254/");
    assert_eq!(c.timeout, Duration::from_secs(1));
    assert_eq!(c.attempts, 1);
    assert_eq!(c.imds.unwrap().v1_disabled_by, None);
}

#[test]
fn ipv6_mode_from_environment_or_profile_in_any_case() {
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]),
        &Default::default(),
    );
    assert_eq!(url(&c), "http://[fd00:ec2::254]/");
    let profile = ProfileMetadataSettings {
        endpoint_mode: Some("ipv6".into()),
        ..Default::default()
    };
    assert_eq!(
        url(&MetadataConfig::resolve(&env(&[]), &profile)),
        IPV6_ENDPOINT
    );
    // The environment's mode wins over the profile's.
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPV4")]),
        &profile,
    );
    assert_eq!(url(&c), IPV4_ENDPOINT);
}

#[test]
fn an_explicit_endpoint_wins_over_any_mode() {
    let profile = ProfileMetadataSettings {
        endpoint: Some("http://127.0.0.1:7000".into()),
        endpoint_mode: Some("IPv6".into()),
        ..Default::default()
    };
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]),
        &profile,
    );
    assert_eq!(url(&c), "http://127.0.0.1:7000/");
    // The environment's endpoint wins over the profile's.
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[::1]:7001/")]),
        &profile,
    );
    assert_eq!(url(&c), "http://[::1]:7001/");
    // With an explicit endpoint a bad mode is not looked at (aws-config).
    let c = MetadataConfig::resolve(
        &env(&[
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:7002/p",
            ),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
        ]),
        &Default::default(),
    );
    assert_eq!(url(&c), "http://127.0.0.1:7002/p/");
}

#[test]
fn bad_settings_are_errors_naming_the_variable_or_key() {
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")]),
        &Default::default(),
    );
    let err = c.imds.unwrap_err();
    assert!(
        err.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE = 'IPv5'") && err.contains("IPv6"),
        "{err}"
    );
    let profile = ProfileMetadataSettings {
        profile: Some("dev".into()),
        endpoint: Some("https://imds.example/".into()),
        ..Default::default()
    };
    let err = MetadataConfig::resolve(&env(&[]), &profile)
        .imds
        .unwrap_err();
    assert!(
        err.contains("ec2_metadata_service_endpoint in profile 'dev' = 'https://imds.example/'")
            && err.contains("http://"),
        "{err}"
    );
    for bad in ["169.254.169.254", "http://", "http:///x"] {
        let profile = ProfileMetadataSettings {
            endpoint: Some(bad.into()),
            ..Default::default()
        };
        assert!(
            MetadataConfig::resolve(&env(&[]), &profile).imds.is_err(),
            "{bad} accepted"
        );
    }
}

#[test]
fn disabled_names_the_variable_and_wins_over_everything() {
    for value in ["true", "TRUE", "True"] {
        let vars = [
            ("AWS_EC2_METADATA_DISABLED", value),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1/"),
        ];
        let lookup = move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let err = MetadataConfig::resolve(&lookup, &Default::default())
            .imds
            .unwrap_err();
        assert!(err.contains("AWS_EC2_METADATA_DISABLED=true"), "{err}");
    }
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_DISABLED", "false")]),
        &Default::default(),
    );
    assert!(c.imds.is_ok());
}

#[test]
fn v1_disabled_from_environment_then_profile() {
    let profile = ProfileMetadataSettings {
        profile: Some("ec2".into()),
        v1_disabled: Some("true".into()),
        ..Default::default()
    };
    let c = MetadataConfig::resolve(&env(&[]), &profile);
    assert_eq!(
        c.imds.unwrap().v1_disabled_by.as_deref(),
        Some("ec2_metadata_v1_disabled in profile 'ec2'")
    );
    let c = MetadataConfig::resolve(
        &env(&[("AWS_EC2_METADATA_V1_DISABLED", "True")]),
        &Default::default(),
    );
    assert_eq!(
        c.imds.unwrap().v1_disabled_by.as_deref(),
        Some("AWS_EC2_METADATA_V1_DISABLED")
    );
    // The environment's `false` wins over the profile's `true`.
    let c = MetadataConfig::resolve(&env(&[("AWS_EC2_METADATA_V1_DISABLED", "false")]), &profile);
    assert_eq!(c.imds.unwrap().v1_disabled_by, None);
}

#[test]
fn timeout_and_attempts_from_environment_then_profile() {
    let profile = ProfileMetadataSettings {
        timeout: Some("3".into()),
        num_attempts: Some("2".into()),
        ..Default::default()
    };
    let c = MetadataConfig::resolve(&env(&[]), &profile);
    assert_eq!((c.timeout, c.attempts), (Duration::from_secs(3), 2));
    let c = MetadataConfig::resolve(
        &env(&[
            ("AWS_METADATA_SERVICE_TIMEOUT", "0.5"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "4"),
        ]),
        &profile,
    );
    assert_eq!((c.timeout, c.attempts), (Duration::from_millis(500), 4));
    // Out-of-range values keep the defaults, as before.
    let c = MetadataConfig::resolve(
        &env(&[
            ("AWS_METADATA_SERVICE_TIMEOUT", "-1"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"),
        ]),
        &Default::default(),
    );
    assert_eq!((c.timeout, c.attempts), (DEFAULT_METADATA_TIMEOUT, 1));
}
