use super::*;

fn corp(start_url: &str) -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: start_url.into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

#[test]
fn progress_is_resumed_only_when_recent_and_for_the_same_start_url() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache").join("sso-roles-x.partial.json");
    let config = corp("https://corp.awsapps.com/start");
    let now = Utc::now();
    let mut partial = PartialDiscovery::new(&config, now);
    partial.accounts = Some(vec![("000000000001".into(), "One".into())]);
    partial
        .done
        .insert("000000000001".into(), vec!["Admin".into()]);
    partial.save(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let later = now + TimeDelta::minutes(59);
    assert_eq!(PartialDiscovery::load(&path, &config, later), Some(partial));
    assert_eq!(
        PartialDiscovery::load(&path, &config, now + RESUME_MAX_AGE),
        None
    );
    let other = corp("https://other.awsapps.com/start");
    assert_eq!(PartialDiscovery::load(&path, &other, later), None);
    std::fs::write(&path, b"{not json").unwrap();
    assert_eq!(PartialDiscovery::load(&path, &config, later), None);
    let missing = dir.path().join("none.json");
    assert_eq!(PartialDiscovery::load(&missing, &config, later), None);
}
