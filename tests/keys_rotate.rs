//! `rolecall keys rotate` against moto_server's IAM and STS, with the real encrypted-file
//! keyring: the happy path, a crash (SIGKILL) after every step and the run that finishes
//! it, the refusal of a third key, and a new key that never works.
//!
//! moto maps an access key id to its IAM user in GetCallerIdentity and answers any key it
//! does not know as `arn:aws:sts::123456789012:user/moto`, without checking the secret.
//! So "the stored key works" is checked as GetCallerIdentity (the AWS CLI's) answering as
//! the user the key was made for, and ListAccessKeys holding it; a key that never works
//! needs a stand-in STS, since moto accepts every key.

mod common;

use common::{failed, ok, venv_bin, Env, Moto, Reply, Request, Stub};
use rolecall::keys::{KeyStore, LongTermKey};
use rolecall::secret::Secret;
use serde_json::Value;
use std::os::unix::process::ExitStatusExt;
use std::process::Output;

const CONFIG: &str = "[profile prod]\nregion = eu-west-1\n";
const ACCOUNT: &str = "123456789012";

/// Every step `keys rotate` passes, as `ROLECALL_TEST_CRASH_AFTER` names them.
const STEPS: [&str; 8] = [
    "marked",
    "created",
    "stored-new",
    "verified",
    "kept-old",
    "promoted",
    "cleared-new",
    "deleted-old",
];

/// An IAM user at moto with one access key, stored for profile `prod` in an encrypted
/// key file (the real backend, through the library).
struct Rotator {
    env: Env,
    user: String,
    first: (String, String),
}

impl Rotator {
    fn new(moto: &Moto, user: &str) -> Rotator {
        Rotator::with_sts(moto, &moto.url, user)
    }

    /// The same, with STS at `sts_url` (IAM stays moto).
    fn with_sts(moto: &Moto, sts_url: &str, user: &str) -> Rotator {
        let mut env = Env::new(CONFIG, "");
        let keys = env.dir.path().join("keyring").join("keys.age");
        env.set("AWS_ENDPOINT_URL_IAM", &moto.url)
            .set("AWS_ENDPOINT_URL_STS", sts_url)
            .set("ROLECALL_KEYRING", "file")
            .set("ROLECALL_KEYRING_FILE", &keys.display().to_string())
            .set(
                "ROLECALL_KEYRING_PASSPHRASE",
                "correct horse battery staple",
            );
        let mut rotator = Rotator {
            env,
            user: user.to_string(),
            first: (String::new(), String::new()),
        };
        rotator.admin(&["iam", "create-user", "--user-name", user]);
        rotator.first = rotator.create_key();
        let (id, secret) = rotator.first.clone();
        let first = LongTermKey {
            access_key_id: id,
            secret_access_key: Secret::new(secret),
            created: None,
        };
        rotator.keyring().put("prod", &first).unwrap();
        rotator
    }

    /// The AWS CLI as an administrator (moto takes any key) at moto's IAM.
    fn admin(&self, args: &[&str]) -> Value {
        let out = self
            .env
            .command(venv_bin("aws"))
            .args(args)
            .args(["--output", "json"])
            .env("AWS_ACCESS_KEY_ID", "AKIAADMINISTRATOR001")
            .env("AWS_SECRET_ACCESS_KEY", "administrator-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .expect("run the AWS CLI");
        let text = ok(&out);
        if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        }
    }

    /// A new access key of the user (id, secret), made by the administrator.
    fn create_key(&self) -> (String, String) {
        let made = self.admin(&["iam", "create-access-key", "--user-name", &self.user]);
        let key = &made["AccessKey"];
        (
            key["AccessKeyId"].as_str().unwrap().to_string(),
            key["SecretAccessKey"].as_str().unwrap().to_string(),
        )
    }

    /// The user's access key ids at IAM.
    fn iam_keys(&self) -> Vec<String> {
        let listed = self.admin(&["iam", "list-access-keys", "--user-name", &self.user]);
        let mut ids: Vec<String> = listed["AccessKeyMetadata"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["AccessKeyId"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }

    /// The ARN GetCallerIdentity answers for a key (the AWS CLI, at this rotator's STS).
    fn identity(&self, id: &str, secret: &str) -> String {
        let out = self
            .env
            .command(venv_bin("aws"))
            .args(["sts", "get-caller-identity", "--output", "json"])
            .env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .expect("run the AWS CLI");
        let answer: Value = serde_json::from_str(&ok(&out)).unwrap();
        answer["Arn"].as_str().unwrap().to_string()
    }

    fn user_arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:user/{}", self.user)
    }

    /// What the key file holds, read with the library and the same environment.
    fn keyring(&self) -> KeyStore {
        let vars = self.env.vars.clone();
        let lookup = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        KeyStore::open(&lookup).unwrap()
    }

    fn stored(&self) -> LongTermKey {
        self.keyring()
            .get("prod")
            .unwrap()
            .expect("a key stored for prod")
    }

    /// The stored key works (answers as the user) and the user has at most two keys.
    fn assert_working_key_stored(&self, when: &str) {
        let stored = self.stored();
        let arn = self.identity(&stored.access_key_id, stored.secret_access_key.expose());
        assert_eq!(arn, self.user_arn(), "{when}: the stored key does not work");
        let keys = self.iam_keys();
        assert!(keys.contains(&stored.access_key_id), "{when}: {keys:?}");
        assert!(keys.len() <= 2, "{when}: {keys:?}");
    }

    /// The user has exactly one key, the stored one, which works; nothing else is stored.
    fn assert_one_key_stored(&self, when: &str) {
        let stored = self.stored();
        let arn = self.identity(&stored.access_key_id, stored.secret_access_key.expose());
        assert_eq!(arn, self.user_arn(), "{when}: the stored key does not work");
        assert_eq!(self.iam_keys(), vec![stored.access_key_id], "{when}");
        let names: Vec<String> = self
            .keyring()
            .list()
            .unwrap()
            .into_iter()
            .map(|k| k.profile)
            .collect();
        assert_eq!(names, vec!["prod"], "{when}");
    }

    fn rotate(&self, extra: &[&str]) -> Output {
        let mut args = vec!["keys", "rotate", "prod", "--wait", "0"];
        args.extend_from_slice(extra);
        self.env.rolecall(&args)
    }
}

fn mask(id: &str) -> String {
    format!("****{}", &id[id.len() - 4..])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn rotate_replaces_the_key_at_iam_and_in_the_keyring() {
    let moto = Moto::start();
    let rotator = Rotator::new(&moto, "happy");
    let (old_id, old_secret) = rotator.first.clone();
    let out = rotator.rotate(&[]);
    ok(&out);
    let new = rotator.stored();
    assert_ne!(new.access_key_id, old_id);
    rotator.assert_one_key_stored("after the rotation");
    let said = stderr(&out);
    let lines: Vec<&str> = said
        .lines()
        .filter(|l| !l.starts_with("rolecall: keys are kept in the encrypted file"))
        .filter_map(|l| l.strip_prefix("rolecall: "))
        .collect();
    assert_eq!(
        lines,
        vec![
            format!("created {}", mask(&new.access_key_id)),
            "new key works".to_string(),
            format!("stored {} as the key of 'prod'", mask(&new.access_key_id)),
            format!("deleted old key {}", mask(&old_id)),
        ],
        "{said}"
    );
    for secret in [old_secret.as_str(), new.secret_access_key.expose()] {
        assert!(
            !said.contains(secret)
                && !out
                    .stdout
                    .windows(secret.len())
                    .any(|w| w == secret.as_bytes())
        );
    }
    // The check is meaningful: moto answers a key it no longer has as someone else.
    assert_eq!(
        rotator.identity(&old_id, &old_secret),
        format!("arn:aws:sts::{ACCOUNT}:user/moto")
    );
}

#[test]
fn a_crash_after_any_step_leaves_a_working_key_and_the_next_run_finishes() {
    let moto = Moto::start();
    for step in STEPS {
        let rotator = Rotator::new(&moto, &format!("crash-{step}"));
        let mut env_crash = rotator.env.command(env!("CARGO_BIN_EXE_rolecall"));
        let out = env_crash
            .args(["keys", "rotate", "prod", "--wait", "0"])
            .env("ROLECALL_TEST_CRASH_AFTER", step)
            .output()
            .unwrap();
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGKILL),
            "{step}: not killed: {}",
            stderr(&out)
        );
        rotator.assert_working_key_stored(&format!("killed after {step}"));
        // `keys list` lists profiles' keys only, and names an unfinished rotation.
        let listed = rotator.env.rolecall(&["keys", "list"]);
        let table = ok(&listed);
        assert!(!table.contains("%rotate-"), "{step}: {table}");
        assert!(table.contains("prod"), "{step}: {table}");
        assert!(
            stderr(&listed).contains("`rolecall keys rotate prod` finishes it"),
            "{step}: {}",
            stderr(&listed)
        );
        let again = rotator.rotate(&[]);
        ok(&again);
        rotator.assert_one_key_stored(&format!("the run after the kill after {step}"));
        assert_ne!(
            rotator.stored().access_key_id,
            rotator.first.0,
            "{step}: {}",
            stderr(&again)
        );
    }
}

#[test]
fn a_user_with_two_keys_is_refused_and_told_what_to_do() {
    let moto = Moto::start();
    let rotator = Rotator::new(&moto, "two-keys");
    let (other, _) = rotator.create_key();
    let message = failed(&rotator.rotate(&[]));
    let first = &rotator.first.0;
    assert!(message.contains(&format!(
        "IAM user 'two-keys' already has 2 access keys, the most IAM allows: {} (stored for profile 'prod') and {} (which rolecall does not hold)",
        mask(first),
        mask(&other)
    )), "{message}");
    assert!(
        message.contains("aws iam delete-access-key --user-name two-keys"),
        "{message}"
    );
    let mut both = vec![first.clone(), other];
    both.sort();
    assert_eq!(rotator.iam_keys(), both);
    assert_eq!(&rotator.stored().access_key_id, first);
}

/// An STS stand-in that answers GetCallerIdentity as `arn` for requests signed with
/// `good_key`, and with STS's InvalidClientTokenId for any other key.
fn sts_knowing_only(good_key: String, arn: String) -> Stub {
    let invalid = std::fs::read_to_string(
        common::root().join("tests/fixtures/sts/invalid_client_token_id.xml"),
    )
    .unwrap();
    Stub::start(move |req: &Request| {
        let auth = req.header("authorization").unwrap_or_default();
        if auth.contains(&format!("Credential={good_key}/")) {
            Reply::Status(
                200,
                format!(
                    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                     <GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDASTANDIN</UserId>\
                     <Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
                     <ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata>\
                     </GetCallerIdentityResponse>"
                ),
            )
        } else {
            Reply::Status(403, invalid.clone())
        }
    })
}

#[test]
fn a_new_key_that_never_works_is_deleted_and_the_old_one_stays() {
    let moto = Moto::start();
    // The user and its first key are made at moto first: the stand-in must know the key.
    let probe = Rotator::new(&moto, "never");
    let sts = sts_knowing_only(probe.first.0.clone(), probe.user_arn());
    let mut env = probe.env;
    env.set("AWS_ENDPOINT_URL_STS", &sts.url);
    let rotator = Rotator {
        env,
        user: probe.user,
        first: probe.first,
    };
    let message = failed(&rotator.rotate(&[]));
    let first = &rotator.first.0;
    assert!(
        message.contains("did not work within 0 s (last answer: InvalidClientTokenId: The security token included in the request is invalid.); it was deleted again, and"),
        "{message}"
    );
    assert!(message.contains(&format!("{} stays the key of profile 'prod'", mask(first))));
    assert_eq!(rotator.iam_keys(), vec![first.clone()]);
    assert_eq!(&rotator.stored().access_key_id, first);
    let names: Vec<String> = rotator
        .keyring()
        .list()
        .unwrap()
        .into_iter()
        .map(|k| k.profile)
        .collect();
    assert_eq!(names, vec!["prod"]);
}

#[test]
fn with_mfa_serial_the_code_is_taken_and_the_rotation_goes_through() {
    let moto = Moto::start();
    let rotator = Rotator::new(&moto, "mfa");
    std::fs::write(
        rotator.env.home().join(".aws/config"),
        format!("{CONFIG}mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/mfa\n"),
    )
    .unwrap();
    ok(&rotator.rotate(&["--mfa-code", "123456"]));
    rotator.assert_one_key_stored("after the rotation with MFA");
    let message = failed(&rotator.rotate(&["--mfa-code", "12345"]));
    assert!(message.contains("an MFA code is six digits"), "{message}");
}

#[test]
fn the_cached_session_of_the_old_key_is_forgotten() {
    let moto = Moto::start();
    let rotator = Rotator::new(&moto, "forget");
    // `prod` as `keys import` leaves it: its key comes through rolecall's bridge. Its export
    // caches two sessions: the key's own GetSessionToken session, and the profile's.
    std::fs::write(
        rotator.env.home().join(".aws/config"),
        "[profile prod]\nregion = eu-west-1\ncredential_process = rolecall credential-process prod\n",
    )
    .unwrap();
    ok(&rotator
        .env
        .rolecall(&["export", "prod", "--format", "json"]));
    assert!(ok(&rotator.env.rolecall(&["sessions"])).contains("prod"));
    let out = rotator.rotate(&[]);
    ok(&out);
    assert!(
        stderr(&out).contains("forgot 2 cached sessions of the old key"),
        "{}",
        stderr(&out)
    );
    assert!(!ok(&rotator.env.rolecall(&["sessions"])).contains("prod"));
}

#[test]
fn profiles_sharing_the_old_key_get_the_new_one_and_plaintext_copies_are_named() {
    // `[default]` and `[work]` often hold one key: both imported, then one rotated.
    let moto = Moto::start();
    let rotator = Rotator::new(&moto, "shared");
    let (old_id, old_secret) = rotator.first.clone();
    let old = rotator.stored();
    rotator.keyring().put("work", &old).unwrap();
    // A third profile still holds the key in the credentials file.
    std::fs::write(
        rotator.env.home().join(".aws/credentials"),
        format!("[legacy]\naws_access_key_id = {old_id}\naws_secret_access_key = {old_secret}\n"),
    )
    .unwrap();
    let out = rotator.rotate(&[]);
    ok(&out);
    let new = rotator.stored();
    assert_ne!(new.access_key_id, old_id);
    let work = rotator.keyring().get("work").unwrap().expect("work's key");
    assert_eq!(work.access_key_id, new.access_key_id);
    assert_eq!(
        rotator.identity(&work.access_key_id, work.secret_access_key.expose()),
        rotator.user_arn()
    );
    assert_eq!(rotator.iam_keys(), vec![new.access_key_id.clone()]);
    let said = stderr(&out);
    let lines: Vec<&str> = said.lines().collect();
    let line_with = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(line_with("'work'"), 1, "{said}");
    assert!(
        said.contains(&format!(
            "stored {} as the key of 'work' too",
            mask(&new.access_key_id)
        )),
        "{said}"
    );
    assert_eq!(line_with("'legacy'"), 1, "{said}");
    assert!(
        lines.iter().any(|l| l.contains("'legacy'")
            && l.contains(&mask(&old_id))
            && l.contains("plaintext")),
        "{said}"
    );
    assert!(!said.contains(&old_secret), "{said}");
}
