use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn choose(pairs: &[(&str, &str)], answers: bool) -> Result<KeyBackend, KeyError> {
    let vars = env(pairs);
    choose_backend(&|name| vars.get(name).cloned(), &|| answers)
}

#[test]
fn the_variable_names_the_backend_whatever_answers() {
    let cases = [
        ("secret-service", KeyBackend::SecretService),
        ("keyutils", KeyBackend::Keyutils),
        ("keychain", KeyBackend::Keychain),
        ("credential-manager", KeyBackend::CredentialManager),
        ("file", KeyBackend::EncryptedFile("/k/keys.age".into())),
    ];
    for (value, backend) in cases {
        let vars = [(BACKEND_VAR, value), (FILE_VAR, "/k/keys.age")];
        assert_eq!(choose(&vars, false).unwrap(), backend, "{value}");
        assert_eq!(choose(&vars, true).unwrap(), backend, "{value}");
    }
}

#[test]
fn an_unknown_backend_is_refused_with_the_names_to_use() {
    let err = choose(&[(BACKEND_VAR, "kwallet")], true).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"kwallet\""), "{text}");
    assert!(text.contains("secret-service, keyutils, file"), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn linux_takes_the_secret_service_when_one_answers() {
    assert_eq!(
        choose(&[("HOME", "/h")], true).unwrap(),
        KeyBackend::SecretService
    );
    let empty = choose(&[(BACKEND_VAR, " "), ("HOME", "/h")], true).unwrap();
    assert_eq!(
        empty,
        KeyBackend::SecretService,
        "an empty variable is unset"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_headless_linux_falls_back_to_the_encrypted_file_never_to_keyutils() {
    let backend = choose(&[("HOME", "/h")], false).unwrap();
    assert_eq!(
        backend,
        KeyBackend::EncryptedFile("/h/.local/share/rolecall/keys.age".into())
    );
}

#[cfg(target_os = "linux")]
#[test]
fn with_no_bus_at_all_nothing_is_asked() {
    // No DBUS_SESSION_BUS_ADDRESS and no $XDG_RUNTIME_DIR/bus: answered at once, no D-Bus.
    let vars = env(&[("XDG_RUNTIME_DIR", "/nonexistent-run-dir")]);
    assert!(!os::secret_service_answers(&|name| vars.get(name).cloned()));
}

#[test]
fn the_key_file_lives_in_the_data_directory_unless_named() {
    let path = |pairs: &[(&str, &str)]| {
        let vars = env(pairs);
        key_file_path(&|name| vars.get(name).cloned())
    };
    assert_eq!(
        path(&[("HOME", "/h")]).unwrap(),
        PathBuf::from("/h/.local/share/rolecall/keys.age")
    );
    assert_eq!(
        path(&[("HOME", "/h"), ("XDG_DATA_HOME", "/d")]).unwrap(),
        PathBuf::from("/d/rolecall/keys.age")
    );
    assert_eq!(
        path(&[("HOME", "/h"), ("XDG_DATA_HOME", "relative")]).unwrap(),
        PathBuf::from("/h/.local/share/rolecall/keys.age"),
        "a relative XDG_DATA_HOME is ignored"
    );
    assert_eq!(
        path(&[("HOME", "/h"), (FILE_VAR, "/x/k.age")]).unwrap(),
        PathBuf::from("/x/k.age")
    );
}

#[test]
fn long_term_key_ids_pass_and_others_say_why() {
    assert!(check_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
    assert!(check_access_key_id(&format!("AKIA{}", "A".repeat(124))).is_ok());
    let session = check_access_key_id("ASIAIOSFODNN7EXAMPLE").unwrap_err();
    assert!(session.contains("temporary"), "{session}");
    assert!(session.contains("****MPLE"), "{session}");
    assert!(!session.contains("ASIAIOSF"), "the id is masked: {session}");
    for bad in [
        "",
        "AKIA",
        "AKIA123",
        "akiaiosfodnn7example",
        "AKIAIOSFODNN7EXAMPL\n",
        "AIDAIOSFODNN7EXAMPLE",
        &format!("AKIA{}", "A".repeat(125)),
    ] {
        let why = check_access_key_id(bad).unwrap_err();
        assert!(why.contains("not an access key id"), "{bad:?}: {why}");
    }
}

#[test]
fn a_secret_is_one_non_empty_line() {
    assert!(check_secret_access_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_ok());
    for bad in ["", "two\nlines", "a b", "tab\there", "nul\0"] {
        let why = check_secret_access_key(bad).unwrap_err();
        assert!(!why.contains(bad) || bad.is_empty(), "never quoted: {why}");
    }
}

#[test]
fn debug_masks_the_id_and_never_shows_the_secret() {
    let key = LongTermKey {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        created: None,
    };
    let shown = format!("{key:?} {key:#?}");
    assert!(shown.contains("****MPLE"), "{shown}");
    assert!(!shown.contains("AKIAIOSF"), "{shown}");
    assert!(!shown.contains("EXAMPLEKEY"), "{shown}");
    assert!(!shown.contains("wJalr"), "{shown}");
}

#[test]
fn the_stored_value_is_the_documented_json() {
    let key = LongTermKey {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Secret::new("s3cret"),
        created: Some("2026-01-02T03:04:05Z".parse().unwrap()),
    };
    let json: serde_json::Value = serde_json::from_slice(&key.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "access_key_id": "AKIAIOSFODNN7EXAMPLE",
            "secret_access_key": "s3cret",
            "created": "2026-01-02T03:04:05Z",
        })
    );
    assert_eq!(LongTermKey::from_json(&key.to_json()), Some(key));
    assert_eq!(LongTermKey::from_json(b"not json"), None);
}

#[test]
fn backends_describe_themselves() {
    assert_eq!(
        KeyBackend::SecretService.describe(),
        "the Secret Service (GNOME Keyring, KWallet)"
    );
    assert_eq!(
        KeyBackend::EncryptedFile("/h/keys.age".into()).describe(),
        "the encrypted file /h/keys.age"
    );
    assert!(KeyBackend::Keyutils.forgets_at_reboot());
    assert!(!KeyBackend::SecretService.forgets_at_reboot());
}

#[test]
fn a_name_that_is_not_a_profile_name_is_refused_before_any_backend() {
    let dir = tempfile::tempdir().unwrap();
    let backend = KeyBackend::EncryptedFile(dir.path().join("keys.age"));
    let store = KeyStore::open_backend(backend, &|_| None).unwrap();
    for bad in ["", "two words", "a\nb", "[x]"] {
        let err = store.get(bad).unwrap_err();
        assert!(
            matches!(err, KeyError::ProfileName { .. }),
            "{bad:?}: {err}"
        );
    }
    assert!(!dir.path().join("keys.age").exists());
}
