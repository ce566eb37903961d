//! The session store as other processes and attackers see it: permissions, atomic
//! replacement, symlinks, concurrent writers and corrupt files.

mod common;

use chrono::{TimeDelta, Utc};
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::session::{Session, SessionKind, SessionStore};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::Path;
use std::process::{Command, Stdio};

/// Set in a child process: the store directory `child_saver` writes to.
const CHILD_DIR: &str = "ROLECALL_TEST_CHILD_DIR";
/// Set in a child process: the prefix of the profiles `child_saver` saves.
const CHILD_ID: &str = "ROLECALL_TEST_CHILD_ID";
/// Sessions each child saves.
const PER_CHILD: usize = 40;

fn session(profile: &str) -> Session {
    Session {
        profile: profile.into(),
        kind: SessionKind::Profile,
        credentials: Credentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("FwoGZXIvYXdzEXAMPLETOKEN")),
            expiration: Some(Utc::now() + TimeDelta::hours(1)),
        },
        source: "test".into(),
        region: None,
        region_from_instance: false,
        obtained: Utc::now(),
        fingerprint: "f".into(),
        mfa_serial: None,
    }
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o777
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn files_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache/rolecall");
    let store = SessionStore::open(&dir).unwrap();
    store.save(&session("p")).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&store.file_path()), 0o600);
}

#[test]
fn save_replaces_the_file_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SessionStore::open(tmp.path()).unwrap();
    store.save(&session("one")).unwrap();
    let first = fs::metadata(store.file_path()).unwrap().ino();
    store.save(&session("two")).unwrap();
    let second = fs::metadata(store.file_path()).unwrap().ino();
    assert_ne!(
        first, second,
        "the file was rewritten in place, not replaced"
    );
    assert_eq!(names(tmp.path()), vec!["sessions.json"]);
    assert_eq!(store.load().unwrap().sessions.len(), 2);
}

#[test]
fn symlinked_file_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("precious");
    fs::write(&target, b"keep me").unwrap();
    let before = fs::metadata(&target).unwrap();
    let store = SessionStore::open(tmp.path()).unwrap();
    symlink(&target, store.file_path()).unwrap();

    let err = store.save(&session("p")).unwrap_err().to_string();
    assert!(
        err.contains(&store.file_path().display().to_string()),
        "{err}"
    );
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!err.contains("wJalr"), "{err}");

    assert_eq!(fs::read(&target).unwrap(), b"keep me");
    let after = fs::metadata(&target).unwrap();
    assert_eq!((after.mode(), after.ino()), (before.mode(), before.ino()));
    assert!(fs::symlink_metadata(store.file_path())
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(names(tmp.path()), vec!["sessions.json"]);
}

#[test]
fn symlinked_dir_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    symlink(&real, &link).unwrap();
    let err = SessionStore::open(&link).unwrap_err().to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains(&link.display().to_string()), "{err}");
}

/// Not a test on its own: the body of the processes `concurrent_processes_lose_nothing`
/// starts. Does nothing unless `CHILD_DIR` is set.
#[test]
fn child_saver() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let id = std::env::var(CHILD_ID).unwrap();
    // Start barrier: the parent closes our stdin once every child is running.
    let mut nothing = Vec::new();
    std::io::stdin().read_to_end(&mut nothing).unwrap();
    let store = SessionStore::open(dir).unwrap();
    for i in 0..PER_CHILD {
        store.save(&session(&format!("{id}-{i:03}"))).unwrap();
    }
}

#[test]
fn concurrent_processes_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let ids = ["a", "b"];
    let mut children: Vec<_> = ids
        .iter()
        .map(|id| {
            Command::new(&exe)
                .args(["--exact", "child_saver", "--nocapture", "--test-threads=1"])
                .env(CHILD_DIR, tmp.path())
                .env(CHILD_ID, id)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in &mut children {
        drop(child.stdin.take());
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("1 passed"), "child ran no test: {stdout}");
    }

    let store = SessionStore::open(tmp.path()).unwrap();
    let loaded = store.load().unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let got: Vec<String> = loaded.sessions.into_iter().map(|s| s.profile).collect();
    let mut want: Vec<String> = ids
        .iter()
        .flat_map(|id| (0..PER_CHILD).map(move |i| format!("{id}-{i:03}")))
        .collect();
    want.sort();
    assert_eq!(got.len(), want.len(), "sessions were lost");
    assert_eq!(got, want);
    assert_eq!(names(tmp.path()), vec!["sessions.json"]);
}

#[test]
fn corrupt_file_is_set_aside_and_next_save_works() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SessionStore::open(tmp.path()).unwrap();
    fs::write(store.file_path(), b"{\"version\":1,\"sessions\":[{").unwrap();

    let loaded = store.load().unwrap();
    assert!(loaded.sessions.is_empty());
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let aside: Vec<String> = names(tmp.path())
        .into_iter()
        .filter(|n| n.starts_with("sessions.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    let suffix = aside[0].trim_start_matches("sessions.json.corrupt-");
    assert!(suffix.parse::<i64>().is_ok(), "{}", aside[0]);
    let aside_path = tmp.path().join(&aside[0]);
    let warning = &loaded.warnings[0];
    assert!(
        warning.contains(&store.file_path().display().to_string()),
        "{warning}"
    );
    assert!(
        warning.contains(&aside_path.display().to_string()),
        "{warning}"
    );
    assert_eq!(
        fs::read(&aside_path).unwrap(),
        b"{\"version\":1,\"sessions\":[{"
    );

    store.save(&session("p")).unwrap();
    let loaded = store.load().unwrap();
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.sessions.len(), 1);
    assert_eq!(
        store.get(&session("p").key()).unwrap().unwrap().profile,
        "p"
    );
}

#[test]
fn corrupt_file_found_by_save_does_not_fail_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SessionStore::open(tmp.path()).unwrap();
    fs::write(store.file_path(), b"not json").unwrap();
    store.save(&session("p")).unwrap();
    assert_eq!(store.load().unwrap().sessions.len(), 1);
    assert_eq!(names(tmp.path()).len(), 2);
}

/// A store whose sessions hold the secret key of [`session`].
fn store_bytes(version: u32) -> Vec<u8> {
    let file = serde_json::json!({"version": version, "sessions": [session("p")], "from_the_future": true});
    serde_json::to_vec(&file).unwrap()
}

fn cache_names(env: &common::Env) -> Vec<String> {
    names(&env.dir.path().join("cache"))
}

#[test]
fn sessions_clear_forgets_the_set_aside_copies_too() {
    let env = common::Env::new("", "");
    let cache = env.dir.path().join("cache");
    fs::create_dir_all(&cache).unwrap();
    // Valid JSON in a shape this rolecall cannot read, with a secret inside: set aside.
    let mut corrupt = store_bytes(2);
    corrupt.splice(0..0, b"[".iter().copied());
    corrupt.push(b']');
    fs::write(cache.join("sessions.json"), &corrupt).unwrap();
    common::ok(&env.rolecall(&["sessions"]));
    assert!(
        cache_names(&env)
            .iter()
            .any(|n| n.starts_with("sessions.json.corrupt-")),
        "{:?}",
        cache_names(&env)
    );

    let out = env.rolecall(&["sessions", "clear"]);
    common::ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 set-aside copy"), "{stderr}");
    assert!(
        !cache_names(&env).iter().any(|n| n.contains("corrupt")),
        "{:?}",
        cache_names(&env)
    );
}

#[test]
fn a_store_from_a_newer_rolecall_is_left_untouched_and_named() {
    let env = common::Env::new(
        "",
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let cache = env.dir.path().join("cache");
    fs::create_dir_all(&cache).unwrap();
    let file = cache.join("sessions.json");
    let newer = store_bytes(99);
    fs::write(&file, &newer).unwrap();

    let listed = env.rolecall(&["sessions"]);
    common::ok(&listed);
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("version 99"), "{stderr}");
    assert!(stderr.contains("upgrade rolecall"), "{stderr}");
    assert!(!stderr.contains("wJalr"), "{stderr}");
    common::ok(&env.rolecall(&["sessions", "clear"]));
    assert_eq!(fs::read(&file).unwrap(), newer);
    assert!(
        !cache_names(&env).iter().any(|n| n.contains("corrupt")),
        "{:?}",
        cache_names(&env)
    );

    let (store, warning) = SessionStore::open_or_memory(&cache);
    assert!(store.dir().is_none(), "a newer store is not used");
    assert!(warning.unwrap().contains("version 99"));
    assert_eq!(fs::read(&file).unwrap(), newer);

    // A store opened before a newer rolecall wrote the file never overwrites it either.
    fs::remove_file(&file).unwrap();
    let store = SessionStore::open(&cache).unwrap();
    fs::write(&file, &newer).unwrap();
    let err = store.save(&session("q")).unwrap_err().to_string();
    assert!(err.contains("version 99"), "{err}");
    assert_eq!(
        store.get(&session("q").key()).unwrap().unwrap().profile,
        "q"
    );
    assert_eq!(fs::read(&file).unwrap(), newer);
}
