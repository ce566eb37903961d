
use super::*;
use crate::credentials::Credentials;
use crate::secret::Secret;
use crate::session::SessionKind;
use std::os::unix::fs::PermissionsExt;

fn session(profile: &str, kind: SessionKind, exp: Option<DateTime<Utc>>) -> Session {
    Session {
        profile: profile.into(),
        kind,
        credentials: Credentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("FwoGZXIvYXdzEXAMPLETOKEN")),
            expiration: exp,
        },
        source: "test".into(),
        region: Some("eu-west-1".into()),
        obtained: Utc::now(),
        fingerprint: "f1".into(),
        mfa_serial: None,
    }
}

fn key(profile: &str, kind: SessionKind, fingerprint: &str) -> SessionKey {
    SessionKey {
        profile: profile.into(),
        kind,
        fingerprint: fingerprint.into(),
    }
}

fn os(s: &str) -> Option<OsString> {
    Some(s.into())
}

#[test]
fn default_dir_precedence() {
    assert_eq!(
        default_dir_from(os("/r"), os("/x"), os("/h")),
        PathBuf::from("/r")
    );
    assert_eq!(
        default_dir_from(os(""), os("/x"), os("/h")),
        PathBuf::from("/x/rolecall")
    );
    assert_eq!(
        default_dir_from(None, os("rel"), os("/h")),
        PathBuf::from("/h/.cache/rolecall")
    );
    assert_eq!(
        default_dir_from(None, None, os("/h")),
        PathBuf::from("/h/.cache/rolecall")
    );
    assert!(default_dir_from(None, None, None).is_absolute());
}

#[test]
fn refresh_margin() {
    let now = Utc::now();
    let at = |secs| {
        session(
            "p",
            SessionKind::Profile,
            Some(now + TimeDelta::seconds(secs)),
        )
    };
    assert!(!needs_refresh(&at(301), now));
    assert!(needs_refresh(&at(300), now));
    assert!(needs_refresh(&at(10), now));
    assert!(needs_refresh(&at(-10), now));
    assert!(!needs_refresh(
        &session("p", SessionKind::Profile, None),
        now
    ));
}

#[test]
fn save_replaces_by_profile_kind_and_fingerprint_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path().join("c")).unwrap();
    let exp = Some(Utc::now() + TimeDelta::hours(1));
    store
        .save(&session("zeta", SessionKind::Profile, exp))
        .unwrap();
    store
        .save(&session("alpha", SessionKind::MfaSource, exp))
        .unwrap();
    store
        .save(&session("alpha", SessionKind::Profile, exp))
        .unwrap();
    let mut newer = session("zeta", SessionKind::Profile, exp);
    newer.source = "newer".into();
    store.save(&newer).unwrap();

    let loaded = store.load().unwrap();
    assert!(loaded.warnings.is_empty());
    let keys: Vec<_> = loaded.sessions.iter().map(Session::key).collect();
    assert_eq!(
        keys,
        vec![
            key("alpha", SessionKind::Profile, "f1"),
            key("alpha", SessionKind::MfaSource, "f1"),
            key("zeta", SessionKind::Profile, "f1"),
        ]
    );
    let got = store
        .get(&key("zeta", SessionKind::Profile, "f1"))
        .unwrap()
        .unwrap();
    assert_eq!(got, newer);
    assert_eq!(
        store
            .get(&key("zeta", SessionKind::MfaSource, "f1"))
            .unwrap(),
        None
    );
    // Another definition of the same profile is another session; both are kept.
    let mut other = session("zeta", SessionKind::Profile, exp);
    other.fingerprint = "f2".into();
    store.save(&other).unwrap();
    assert_eq!(store.get(&other.key()).unwrap(), Some(other.clone()));
    assert_eq!(store.get(&newer.key()).unwrap(), Some(newer.clone()));
    assert!(store.remove_key(&newer.key()).unwrap());
    assert_eq!(store.get(&newer.key()).unwrap(), None);
    assert_eq!(store.get(&other.key()).unwrap(), Some(other));
}

#[test]
fn version_1_files_load_with_no_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    let mut old = serde_json::to_value(session("p", SessionKind::Profile, None)).unwrap();
    old.as_object_mut().unwrap().remove("fingerprint");
    let file = serde_json::json!({"version": 1, "sessions": [old]});
    std::fs::write(store.file_path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.sessions.len(), 1);
    assert_eq!(loaded.sessions[0].fingerprint, "");
}

#[test]
fn a_memory_store_and_a_failed_save_keep_the_session() {
    let store = SessionStore::memory();
    let s = session("p", SessionKind::Profile, None);
    store.save(&s).unwrap();
    assert_eq!(store.get(&s.key()).unwrap(), Some(s.clone()));
    assert_eq!(store.remove(Some("p")).unwrap(), 1);
    assert!(store.load().unwrap().sessions.is_empty());

    // A directory where sessions.json should be: the write fails, the session stays.
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    std::fs::create_dir(store.file_path()).unwrap();
    assert!(store.save(&s).is_err());
    assert_eq!(store.get(&s.key()).unwrap(), Some(s));

    let file = dir.path().join("file");
    std::fs::write(&file, b"").unwrap();
    let (store, warning) = SessionStore::open_or_memory(file.join("cache"));
    assert!(store.dir().is_none());
    assert!(warning.unwrap().contains("not cached"));
}

#[test]
fn save_prunes_long_expired() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    let now = Utc::now();
    let long_ago = Some(now - TimeDelta::minutes(61));
    let recently = Some(now - TimeDelta::minutes(59));
    store
        .save_at(&session("old", SessionKind::Profile, long_ago), now)
        .unwrap();
    store
        .save_at(&session("recent", SessionKind::Profile, recently), now)
        .unwrap();
    store
        .save_at(&session("keys", SessionKind::Profile, None), now)
        .unwrap();
    let names: Vec<_> = store
        .load()
        .unwrap()
        .sessions
        .into_iter()
        .map(|s| s.profile)
        .collect();
    assert_eq!(names, vec!["keys", "recent"]);
}

#[test]
fn remove_one_or_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    store
        .save(&session("a", SessionKind::Profile, None))
        .unwrap();
    store
        .save(&session("a", SessionKind::MfaSource, None))
        .unwrap();
    store
        .save(&session("b", SessionKind::Profile, None))
        .unwrap();
    assert_eq!(store.remove(Some("nope")).unwrap(), 0);
    assert_eq!(store.remove(Some("a")).unwrap(), 2);
    assert_eq!(store.load().unwrap().sessions.len(), 1);
    assert_eq!(store.remove(None).unwrap(), 1);
    assert!(store.load().unwrap().sessions.is_empty());
}

#[test]
fn corrupt_file_set_aside_without_quoting_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    // Well-formed JSON with a secret in a place of the wrong type: serde would quote it.
    std::fs::write(
            store.file_path(),
            br#"{"version":1,"sessions":[{"profile":"p","kind":"profile","credentials":"SUPERSECRETVALUE"}]}"#,
        )
        .unwrap();
    let loaded = store.load().unwrap();
    assert!(loaded.sessions.is_empty());
    assert_eq!(loaded.warnings.len(), 1);
    let w = &loaded.warnings[0];
    assert!(!w.contains("SUPERSECRET"), "{w}");
    assert!(w.contains(&store.file_path().display().to_string()), "{w}");
    assert!(w.contains(".corrupt-"), "{w}");
    assert!(!store.file_path().exists());
    // Setting aside twice in the same second must not overwrite the first one.
    std::fs::write(store.file_path(), b"{").unwrap();
    assert_eq!(store.load().unwrap().warnings.len(), 1);
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".corrupt-")
        })
        .count();
    assert_eq!(aside, 2);
}

#[test]
fn a_newer_version_is_left_alone_and_an_unknown_older_one_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    let newer = br#"{"version":3,"sessions":"a shape this rolecall does not know"}"#;
    std::fs::write(store.file_path(), newer).unwrap();
    let loaded = store.load().unwrap();
    assert!(
        loaded.warnings[0].contains("version 3") && loaded.warnings[0].contains("upgrade"),
        "{:?}",
        loaded.warnings
    );
    assert_eq!(
        store.remove(None).unwrap_err().to_string(),
        loaded.warnings[0]
    );
    assert_eq!(std::fs::read(store.file_path()).unwrap(), newer);

    std::fs::write(store.file_path(), br#"{"version":0,"sessions":[]}"#).unwrap();
    let loaded = store.load().unwrap();
    assert!(
        loaded.warnings[0].contains("version 0") && loaded.warnings[0].contains(".corrupt-"),
        "{:?}",
        loaded.warnings
    );
    assert_eq!(store.remove_set_aside().unwrap(), 1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"").unwrap();
    let err = SessionStore::open(&file).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("ROLECALL_CACHE_DIR"), "{err}");
}

#[test]
fn save_removes_stale_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::open(dir.path()).unwrap();
    let stale = dir.path().join(".sessions.json.tmp-99999-0");
    std::fs::write(&stale, b"secret").unwrap();
    store
        .save(&session("p", SessionKind::Profile, None))
        .unwrap();
    assert!(!stale.exists());
}

#[test]
fn open_tightens_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    SessionStore::open(dir.path()).unwrap();
    let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn an_expiration_rfc_3339_cannot_write_makes_the_file_invalid() {
    // Found by fuzzing (fuzz/session_store): year 10000 in UTC, which every export format
    // would print as `+10000-…`, a time no AWS tool reads.
    let file = |expiration: &str| {
        format!(
            r#"{{"version":1,"sessions":[{{"profile":"p","kind":"profile","credentials":{{"access_key_id":"A","secret_access_key":"S","session_token":null,"expiration":"{expiration}"}},"source":"s","region":null,"obtained":"2030-01-01T00:00:00Z"}}]}}"#
        )
    };
    assert_eq!(
        parse(file("2030-01-02T03:04:05Z").as_bytes())
            .unwrap()
            .len(),
        1
    );
    let err = parse(file("9999-12-31T23:59:59-23:59").as_bytes()).unwrap_err();
    assert!(err.starts_with("invalid data"), "{err}");
}
