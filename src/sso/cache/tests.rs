use super::*;
use std::os::unix::fs::PermissionsExt;

fn session() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

fn token() -> SsoToken {
    SsoToken {
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        access_token: Secret::new("access-token-value"),
        expires_at: parse_time("2030-01-01T08:00:00Z").unwrap(),
        refresh_token: Some(Secret::new("refresh-token-value")),
        registration: Some(ClientRegistration {
            client_id: "client-id".into(),
            client_secret: Secret::new("client-secret-value"),
            expires_at: parse_time("2030-03-01T00:00:00Z").unwrap(),
        }),
    }
}

#[test]
fn writes_the_cli_fields_0600_and_reads_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("sso/cache"));
    cache.write(&session(), &token()).unwrap();
    let path = cache.token_path(&session());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        r#"{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"access-token-value","expiresAt":"2030-01-01T08:00:00Z","clientId":"client-id","clientSecret":"client-secret-value","registrationExpiresAt":"2030-03-01T00:00:00Z","refreshToken":"refresh-token-value"}"#
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    match cache.read(&session(), Utc::now()).unwrap() {
        TokenRead::Found(t) => assert_eq!(t, token()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn legacy_profiles_get_the_four_fields() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let legacy = SsoSessionConfig {
        session_name: None,
        legacy_profile: Some("old".into()),
        ..session()
    };
    cache.write(&legacy, &token()).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cache.token_path(&legacy)).unwrap()).unwrap();
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["accessToken", "expiresAt", "region", "startUrl"]);
}

#[test]
fn corrupt_files_are_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let path = cache.token_path(&session());
    for bad in [
        &b"{not json"[..],
        br#"{"expiresAt":"2030-01-01T00:00:00Z"}"#,
        br#"{"accessToken":"t","expiresAt":"soon"}"#,
    ] {
        std::fs::write(&path, bad).unwrap();
        match cache.read(&session(), Utc::now()).unwrap() {
            TokenRead::SetAside { aside, .. } => {
                assert_eq!(std::fs::read(&aside).unwrap(), bad);
                std::fs::remove_file(aside).unwrap();
            }
            other => panic!("{other:?}"),
        }
        assert!(!path.exists());
    }
}

#[test]
fn old_utc_suffix_and_refresh_rules() {
    assert_eq!(
        parse_time("2019-11-14T04:05:45UTC"),
        parse_time("2019-11-14T04:05:45Z")
    );
    let t = token();
    let exp = t.expires_at;
    assert!(!t.needs_refresh(exp - TimeDelta::minutes(6)));
    assert!(t.needs_refresh(exp - TimeDelta::minutes(5)));
    assert!(t.can_refresh(exp));
    assert!(!t.can_refresh(parse_time("2030-03-01T00:00:00Z").unwrap()));
    let shown = format!("{t:?}");
    for secret in [
        "access-token-value",
        "refresh-token-value",
        "client-secret-value",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn registrations_round_trip_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let reg = token().registration.unwrap();
    let device = SignInFlow::DeviceCode;
    cache.write_registration(&session(), &reg, device).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cache.registration_path(&session())).unwrap())
            .unwrap();
    assert_eq!(v["scopes"], serde_json::json!(["sso:account:access"]));
    assert!(v.get("grantTypes").is_none(), "{v}");
    let early = parse_time("2030-02-28T00:00:00Z").unwrap();
    assert_eq!(
        cache.registration(&session(), early, device),
        Some(reg.clone())
    );
    let late = reg.expires_at - TimeDelta::minutes(10);
    assert_eq!(cache.registration(&session(), late, device), None);
}

#[test]
fn a_registration_serves_only_the_flow_it_was_made_for() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let reg = token().registration.unwrap();
    let early = parse_time("2030-02-28T00:00:00Z").unwrap();
    let (auth, device) = (SignInFlow::AuthCode, SignInFlow::DeviceCode);
    cache.write_registration(&session(), &reg, auth).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cache.registration_path(&session())).unwrap())
            .unwrap();
    assert_eq!(
        v["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        cache.registration(&session(), early, auth),
        Some(reg.clone())
    );
    assert_eq!(cache.registration(&session(), early, device), None);
    // The same file (one key for both flows), now a device-code registration.
    let path = cache.registration_path(&session());
    cache.write_registration(&session(), &reg, device).unwrap();
    assert_eq!(cache.registration_path(&session()), path);
    assert_eq!(cache.registration(&session(), early, auth), None);
    assert_eq!(cache.registration(&session(), early, device), Some(reg));
    // One the AWS CLI wrote for the device code before it kept grantTypes (no field) and
    // one it wrote for the authorization code.
    let cli = |grants: &str| {
        format!(
            r#"{{"clientId": "c", "clientSecret": "s", "expiresAt": "2030-03-01T00:00:00Z", "scopes": ["sso:account:access"]{grants}}}"#
        )
    };
    std::fs::write(&path, cli("")).unwrap();
    assert!(cache.registration(&session(), early, device).is_some());
    assert!(cache.registration(&session(), early, auth).is_none());
    std::fs::write(
        &path,
        cli(r#", "grantTypes": ["authorization_code", "refresh_token"]"#),
    )
    .unwrap();
    assert!(cache.registration(&session(), early, auth).is_some());
    assert!(cache.registration(&session(), early, device).is_none());
}

#[test]
fn a_relative_cache_directory_is_neither_read_nor_written() {
    let cache = TokenCache::new(".aws/sso/cache");
    let now = parse_time("2030-01-01T07:00:00Z").unwrap();
    let err = cache
        .read(&session(), now)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("not an absolute path"), "{err}");
    let err = cache.write(&session(), &token()).unwrap_err().to_string();
    assert!(err.contains("not an absolute path"), "{err}");
}
