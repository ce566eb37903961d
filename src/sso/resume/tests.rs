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

fn load(path: &Path, config: &SsoSessionConfig, now: DateTime<Utc>) -> Option<PartialDiscovery> {
    PartialDiscovery::read(path, config, now).ok().flatten()
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
    assert_eq!(load(&path, &config, later), Some(partial));
    assert_eq!(load(&path, &config, now + RESUME_MAX_AGE), None);
    let other = corp("https://other.awsapps.com/start");
    assert_eq!(load(&path, &other, later), None);
    std::fs::write(&path, b"{not json").unwrap();
    assert_eq!(load(&path, &config, later), None);
    let missing = dir.path().join("none.json");
    assert_eq!(load(&missing, &config, later), None);
}

/// A saved progress file of `config` at `now`, with `accounts` and `done` as written.
fn saved(
    dir: &std::path::Path,
    accounts: serde_json::Value,
    done: serde_json::Value,
) -> (std::path::PathBuf, SsoSessionConfig, DateTime<Utc>) {
    let config = corp("https://corp.awsapps.com/start");
    let now = Utc::now();
    let path = dir.join("cache").join("sso-roles-x.partial.json");
    PartialDiscovery::new(&config, now).save(&path).unwrap();
    let file = serde_json::json!({
        "version": 1,
        "start_url": config.start_url,
        "started_at": now,
        "accounts": accounts,
        "done": done,
    });
    std::fs::write(&path, file.to_string()).unwrap();
    (path, config, now)
}

#[test]
fn a_progress_file_with_what_the_portal_never_gives_is_not_resumed() {
    let good_accounts = serde_json::json!([["000000000001", "One"]]);
    let cases = [
        // An account id that is not 12 digits, in the list or among the done.
        (
            serde_json::json!([["12345", "One"]]),
            serde_json::json!({}),
            "account id",
        ),
        (
            good_accounts.clone(),
            serde_json::json!({"00000000000x": ["Admin"]}),
            "account id",
        ),
        // Role names IAM would refuse.
        (
            good_accounts.clone(),
            serde_json::json!({"000000000001": ["Admin\n[profile x]"]}),
            "role name",
        ),
        (
            good_accounts.clone(),
            serde_json::json!({"000000000001": ["R".repeat(65)]}),
            "role name",
        ),
        (
            good_accounts.clone(),
            serde_json::json!({"000000000001": [""]}),
            "role name",
        ),
        // An account done that is not in the list; done before the list was complete.
        (
            good_accounts.clone(),
            serde_json::json!({"000000000002": ["Admin"]}),
            "not among",
        ),
        (
            serde_json::Value::Null,
            serde_json::json!({"000000000001": ["Admin"]}),
            "not among",
        ),
    ];
    for (accounts, done, why) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (path, config, now) = saved(dir.path(), accounts.clone(), done.clone());
        let read = PartialDiscovery::read(&path, &config, now);
        let err = read.expect_err(&format!("{accounts} {done}"));
        assert!(err.contains(why), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert_eq!(load(&path, &config, now), None);
    }
    let dir = tempfile::tempdir().unwrap();
    let done = serde_json::json!({"000000000001": ["Admin", "a+=,.@_-9"]});
    let (path, config, now) = saved(dir.path(), good_accounts, done);
    assert!(load(&path, &config, now).is_some());
}

#[test]
fn a_progress_file_in_a_directory_others_can_write_is_not_resumed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let accounts = serde_json::json!([["000000000001", "One"]]);
    let (path, config, now) = saved(dir.path(), accounts, serde_json::json!({}));
    assert!(load(&path, &config, now).is_some());
    let parent = path.parent().unwrap();
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o777)).unwrap();
    let err = PartialDiscovery::read(&path, &config, now).unwrap_err();
    assert!(err.contains("open to others"), "{err}");
    assert_eq!(load(&path, &config, now), None);
}
