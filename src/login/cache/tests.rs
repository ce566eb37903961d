use super::*;
use chrono::TimeZone;

const ARN: &str = "arn:aws:iam::111122223333:user/alice";

/// A cache file as `aws login` writes it, with fields rolecall does not read.
fn cli_file(expires_at: &str) -> String {
    serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIALOGINKEY",
            "secretAccessKey": "LOGIN-SECRET",
            "sessionToken": "LOGIN-SESSION-TOKEN",
            "accountId": "111122223333",
            "expiresAt": expires_at,
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "LOGIN-REFRESH-1",
        "idToken": "header.claims.signature",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
        "signInRegion": "eu-west-1",
        "futureField": {"kept": true},
    })
    .to_string()
}

#[test]
fn the_file_name_is_the_sha256_of_the_arn_as_botocore_names_it() {
    // hashlib.sha256(b"arn:aws:iam::111122223333:user/alice").hexdigest()
    let expected = hex::encode(Sha256::digest(ARN.as_bytes()));
    assert_eq!(cache_key(ARN), expected);
    let cache = LoginCache::new("/c");
    assert_eq!(
        cache.path(ARN),
        PathBuf::from(format!("/c/{expected}.json"))
    );
}

#[test]
fn a_cli_file_is_read_and_a_refresh_keeps_every_other_field() {
    let token = parse(cli_file("2026-01-01T00:15:00Z").as_bytes()).unwrap();
    assert_eq!(token.account_id(), "111122223333");
    assert_eq!(token.sign_in_region(), Some("eu-west-1"));
    assert_eq!(
        token.expires_at(),
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 15, 0).unwrap()
    );
    let creds = token.credentials();
    assert_eq!(creds.access_key_id, "ASIALOGINKEY");
    assert_eq!(creds.session_token.unwrap().expose(), "LOGIN-SESSION-TOKEN");

    let new = Credentials {
        access_key_id: "ASIANEW".into(),
        secret_access_key: Secret::new("NEW-SECRET"),
        session_token: Some(Secret::new("NEW-TOKEN")),
        expiration: None,
    };
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 30, 0).unwrap();
    let refreshed = token.refreshed(&new, Secret::new("LOGIN-REFRESH-2"), at);
    let json: serde_json::Value = serde_json::from_slice(&refreshed.to_json()).unwrap();
    assert_eq!(json["accessToken"]["accessKeyId"], "ASIANEW");
    assert_eq!(json["accessToken"]["sessionToken"], "NEW-TOKEN");
    assert_eq!(json["accessToken"]["accountId"], "111122223333");
    assert_eq!(json["accessToken"]["expiresAt"], "2026-01-01T00:30:00Z");
    assert_eq!(json["refreshToken"], "LOGIN-REFRESH-2");
    for kept in [
        "tokenType",
        "idToken",
        "clientId",
        "dpopKey",
        "signInRegion",
        "futureField",
    ] {
        let before: serde_json::Value = serde_json::from_str(&cli_file("x")).unwrap();
        assert_eq!(json[kept], before[kept], "{kept}");
    }
}

#[test]
fn what_is_wrong_with_a_file_is_named_without_its_values() {
    let missing = cli_file("2026-01-01T00:15:00Z").replace("\"dpopKey\"", "\"other\"");
    assert!(parse(missing.as_bytes())
        .unwrap_err()
        .contains("missing field `dpopKey`"));
    let mistyped =
        cli_file("2026-01-01T00:15:00Z").replace("\"LOGIN-REFRESH-1\"", "[\"LOGIN-REFRESH-1\"]");
    let problem = parse(mistyped.as_bytes()).unwrap_err();
    assert!(!problem.contains("LOGIN-REFRESH-1"), "{problem}");
    let bad_time = parse(cli_file("tomorrow").as_bytes()).unwrap_err();
    assert!(bad_time.contains("expiresAt"), "{bad_time}");
    let token = parse(cli_file("2026-01-01T00:15:00Z").as_bytes()).unwrap();
    let shown = format!("{token:?}");
    assert!(
        !shown.contains("LOGIN-") && !shown.contains("PRIVATE"),
        "{shown}"
    );
}

#[test]
fn a_region_that_is_not_a_region_name_is_not_called() {
    let file = cli_file("2026-01-01T00:15:00Z").replace("eu-west-1", "evil.example.com/x");
    assert_eq!(parse(file.as_bytes()).unwrap().sign_in_region(), None);
}

fn cache_with_file(dir: &Path) -> (LoginCache, CacheRead) {
    let cache = LoginCache::new(dir.join("login/cache"));
    std::fs::create_dir_all(cache.dir()).unwrap();
    std::fs::write(cache.path(ARN), cli_file("2026-01-01T00:15:00Z")).unwrap();
    let read = cache.read("p", ARN).unwrap();
    (cache, read)
}

fn refreshed(read: &CacheRead) -> LoginToken {
    let creds = read.token.credentials();
    read.token.refreshed(
        &creds,
        Secret::new("LOGIN-REFRESH-2"),
        Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap(),
    )
}

#[test]
fn write_back_replaces_the_file_0600_unless_someone_rewrote_it_meanwhile() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (cache, read) = cache_with_file(dir.path());
    cache.write_back(ARN, &read, &refreshed(&read)).unwrap();
    let path = cache.path(ARN);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["refreshToken"], "LOGIN-REFRESH-2");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // The AWS CLI refreshed it after rolecall read it: its file stays.
    let (cache, read) = cache_with_file(dir.path());
    std::fs::write(cache.path(ARN), "{\"the CLI's\": true}").unwrap();
    cache.write_back(ARN, &read, &refreshed(&read)).unwrap();
    assert_eq!(
        std::fs::read_to_string(cache.path(ARN)).unwrap(),
        "{\"the CLI's\": true}"
    );
}

#[test]
fn a_symbolic_link_in_place_of_the_file_is_neither_read_nor_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, read) = cache_with_file(dir.path());
    let elsewhere = dir.path().join("elsewhere.json");
    std::fs::write(&elsewhere, "untouched").unwrap();
    std::fs::remove_file(cache.path(ARN)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, cache.path(ARN)).unwrap();
    assert!(matches!(cache.read("p", ARN), Err(LoginError::Io { .. })));
    assert!(cache.write_back(ARN, &read, &refreshed(&read)).is_err());
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "untouched");
}

#[test]
fn no_file_names_the_command_that_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let cache = LoginCache::new(dir.path());
    let e = cache.read("dev", ARN).err().unwrap().to_string();
    assert!(e.contains("run `aws login --profile dev`"), "{e}");
    assert!(e.contains(&cache_key(ARN)), "{e}");
}

#[test]
fn a_directory_the_user_named_keeps_its_mode_and_a_missing_one_is_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (cache, read) = cache_with_file(home.path());
    let named = LoginCache::new(home.path());
    named.write(ARN, &refreshed(&read)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(home.path()), 0o755);
    let missing = LoginCache::new(home.path().join("new/cache"));
    missing.write(ARN, &refreshed(&read)).unwrap();
    assert_eq!(mode(&home.path().join("new/cache")), 0o700);
    drop(cache);
}
