use super::*;
use std::os::unix::fs::PermissionsExt;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn key(id: &str) -> LongTermKey {
    LongTermKey {
        access_key_id: id.into(),
        secret_access_key: Secret::new(SECRET),
        created: Some("2026-01-02T03:04:05Z".parse().unwrap()),
    }
}

fn file(path: &Path, passphrase: &str) -> KeyFile {
    KeyFile::new(path.to_path_buf(), Some(passphrase.into()))
}

#[test]
fn keys_round_trip_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolecall").join("keys.age");
    let store = file(&path, "correct horse");
    assert_eq!(store.get("dev").unwrap(), None, "no file: no key");
    store.put("dev", &key("AKIAIOSFODNN7EXAMPLE")).unwrap();
    store.put("prod", &key("AKIAPRODPRODPRODPROD")).unwrap();

    let again = file(&path, "correct horse");
    assert_eq!(again.get("dev").unwrap(), Some(key("AKIAIOSFODNN7EXAMPLE")));
    let listed: Vec<_> = again
        .list()
        .unwrap()
        .into_iter()
        .map(|k| k.profile)
        .collect();
    assert_eq!(listed, ["dev", "prod"]);
    assert!(again.remove("dev").unwrap());
    assert!(!again.remove("dev").unwrap(), "gone already");
    assert_eq!(file(&path, "correct horse").get("dev").unwrap(), None);
    assert!(file(&path, "correct horse").get("prod").unwrap().is_some());
}

#[test]
fn the_file_is_private_and_never_holds_the_secret_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolecall").join("keys.age");
    file(&path, "pw")
        .put("dev", &key("AKIAIOSFODNN7EXAMPLE"))
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!found(SECRET));
    assert!(!found("AKIAIOSFODNN7EXAMPLE"));
    assert!(!found("dev"), "not even the profile names");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[test]
fn a_wrong_passphrase_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    file(&path, "right")
        .put("dev", &key("AKIAIOSFODNN7EXAMPLE"))
        .unwrap();
    let err = file(&path, "wrong").get("dev").unwrap_err();
    assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("passphrase does not open"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    let err = file(&path, "wrong")
        .put("x", &key("AKIAIOSFODNN7EXAMPLE"))
        .unwrap_err();
    assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err:?}");
    assert!(
        file(&path, "right").get("x").unwrap().is_none(),
        "nothing written"
    );
}

#[test]
fn a_symbolic_link_is_refused_for_reading_and_writing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, b"theirs").unwrap();
    let path = dir.path().join("keys.age");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let store = file(&path, "pw");
    let err = store.put("dev", &key("AKIAIOSFODNN7EXAMPLE")).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    let err = store.get("dev").unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"theirs");
}

#[test]
fn a_corrupt_file_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    std::fs::write(&path, b"{\"not\": \"age\"}").unwrap();
    let err = file(&path, "pw").list().unwrap_err();
    assert!(matches!(err, KeyError::Corrupt { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("damaged"), "{text}");

    // An age file whose contents are not rolecall's document.
    let mut recipient = age::scrypt::Recipient::new(SecretString::from("pw".to_string()));
    recipient.set_work_factor(10);
    std::fs::write(&path, age::encrypt(&recipient, b"[1, 2]").unwrap()).unwrap();
    let err = file(&path, "pw").list().unwrap_err();
    assert!(
        err.to_string().contains("not rolecall's key document"),
        "{err}"
    );
}

#[test]
fn a_planted_work_factor_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.age");
    let mut recipient = age::scrypt::Recipient::new(SecretString::from("pw".to_string()));
    recipient.set_work_factor(10);
    let sealed = age::encrypt(&recipient, b"{}").unwrap();
    let at = sealed.windows(4).position(|w| w == b" 10\n").unwrap();
    let mut planted = sealed.clone();
    planted.splice(at..at + 4, b" 30\n".iter().copied());
    std::fs::write(&path, planted).unwrap();
    let err = file(&path, "pw").list().unwrap_err();
    assert!(err.to_string().contains("2^30"), "{err}");
}
