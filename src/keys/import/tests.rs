use super::*;
use crate::keys::{KeyBackend, PASSPHRASE_VAR};
use crate::profile::ConfigPaths;

const CREDENTIALS: &str = "[prod]\naws_access_key_id = AKIAPROD000000000001\n\
                           aws_secret_access_key = prodSECRET\n[temp]\n\
                           aws_access_key_id = ASIATEMP\naws_secret_access_key = t\n\
                           aws_session_token = tok\n";

/// A config and credentials file in a fresh directory, and a key store file beside them.
fn files(credentials: &str) -> (tempfile::TempDir, ConfigPaths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::in_dir(dir.path());
    std::fs::write(&paths.config, "").unwrap();
    std::fs::write(&paths.credentials, credentials).unwrap();
    (dir, paths)
}

fn store(dir: &Path, passphrase: Option<&str>) -> KeyStore {
    let backend = KeyBackend::EncryptedFile(dir.join("keys.age"));
    let passphrase = passphrase.map(str::to_string);
    KeyStore::open_backend(backend, &move |name| {
        (name == PASSPHRASE_VAR)
            .then(|| passphrase.clone())
            .flatten()
    })
    .unwrap()
}

fn outcome(report: &[Imported], profile: &str) -> ImportOutcome {
    report
        .iter()
        .find(|i| i.profile == profile)
        .unwrap_or_else(|| panic!("{profile} is not in {report:?}"))
        .outcome
        .clone()
}

#[test]
fn a_key_is_stored_read_back_and_replaced_by_the_bridge() {
    let (dir, paths) = files(CREDENTIALS);
    let store = store(dir.path(), Some("pass phrase"));
    let graph = ProfileGraph::load(&paths);
    let report = import_keys(&store, &graph, &[], "rolecall");
    assert_eq!(outcome(&report, "prod"), ImportOutcome::Moved);
    assert!(matches!(
        outcome(&report, "temp"),
        ImportOutcome::Skipped(_)
    ));
    let key = store.get("prod").unwrap().unwrap();
    assert_eq!(key.access_key_id, "AKIAPROD000000000001");
    assert_eq!(key.secret_access_key.expose(), "prodSECRET");
    let text = std::fs::read_to_string(&paths.credentials).unwrap();
    assert!(
        text.starts_with("[prod]\ncredential_process = rolecall credential-process prod\n[temp]\n")
    );
}

#[test]
fn a_key_that_cannot_be_stored_stays_in_the_file() {
    let (dir, paths) = files(CREDENTIALS);
    // No passphrase and no terminal: the encrypted file cannot be written.
    let store = store(dir.path(), None);
    let graph = ProfileGraph::load(&paths);
    let report = import_keys(&store, &graph, &["prod".to_string()], "rolecall");
    let ImportOutcome::Failed(why) = outcome(&report, "prod") else {
        panic!("{report:?}");
    };
    assert!(why.starts_with("not stored: "), "{why}");
    assert!(!why.contains("prodSECRET"), "{why}");
    assert_eq!(
        std::fs::read_to_string(&paths.credentials).unwrap(),
        CREDENTIALS
    );
}

#[test]
fn a_file_that_holds_another_key_than_the_one_stored_keeps_it() {
    let (_dir, paths) = files(CREDENTIALS);
    let graph = ProfileGraph::load(&paths);
    // The key stored (read from the file earlier) is not what the file holds now: an
    // editor saved another one in between.
    let mut stored = [Stored {
        name: "prod".into(),
        line: Some("credential_process = rolecall credential-process prod".into()),
        key: Credentials {
            access_key_id: "AKIAPROD000000000001".into(),
            secret_access_key: crate::secret::Secret::new("olderSECRET"),
            session_token: None,
            expiration: None,
        },
        failed: None,
    }];
    move_out_of_files(&graph, &mut stored);
    let why = stored[0].failed.as_deref().expect("not moved");
    assert!(why.contains("changed while importing"), "{why}");
    assert_eq!(
        std::fs::read_to_string(&paths.credentials).unwrap(),
        CREDENTIALS
    );
}
