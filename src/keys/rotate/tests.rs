use super::*;
use crate::iam::CreatedKey;
use crate::sts::StsError;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Mutex;

const PROFILE: &str = "prod";
const ARN: &str = "arn:aws:iam::123456789012:user/jane";
const FIRST_ID: &str = "AKIAFIRSTKEY00000001";
const FIRST_SECRET: &str = "first-secret-0000000000000000000000000000";

/// One key of the fake IAM user.
#[derive(Clone, Debug)]
struct FakeKey {
    id: String,
    secret: String,
    created: DateTime<Utc>,
    /// How many more GetCallerIdentity calls fail before the key works (IAM's delay).
    fails_left: u32,
}

/// IAM and STS for one user, jane, in memory.
#[derive(Default)]
struct FakeAws {
    keys: Mutex<Vec<FakeKey>>,
    made: Mutex<u32>,
    /// How many GetCallerIdentity calls a new key fails before it works.
    warm_up: u32,
    /// The next CreateAccessKey makes the key, then its answer is lost.
    lose_create_answer: Mutex<bool>,
    /// The profile has mfa_serial: IAM calls must be signed with the MFA session.
    mfa: bool,
    pauses: Mutex<Vec<Duration>>,
    /// The key ids that signed IAM calls.
    signers: Mutex<Vec<String>>,
    creates: Mutex<u32>,
    /// The most keys the user ever had at once.
    peak: Mutex<usize>,
}

const MFA_SESSION_ID: &str = "ASIAMFASESSION000001";

impl FakeAws {
    fn with_first_key() -> FakeAws {
        let aws = FakeAws::default();
        aws.keys.lock().unwrap().push(FakeKey {
            id: FIRST_ID.into(),
            secret: FIRST_SECRET.into(),
            created: Utc::now() - chrono::TimeDelta::days(90),
            fails_left: 0,
        });
        aws
    }

    fn ids(&self) -> Vec<String> {
        self.keys
            .lock()
            .unwrap()
            .iter()
            .map(|k| k.id.clone())
            .collect()
    }

    /// Whether `key` works at "STS" (right id and secret), without using up a warm-up.
    fn works(&self, key: &LongTermKey) -> bool {
        self.keys
            .lock()
            .unwrap()
            .iter()
            .any(|k| k.id == key.access_key_id && k.secret == key.secret_access_key.expose())
    }

    fn refused(code: &str) -> IamError {
        IamError::Service {
            code: code.into(),
            message: format!("{code} (fake IAM)"),
        }
    }

    fn check_signer(&self, signer: &Credentials) -> Result<(), IamError> {
        self.signers
            .lock()
            .unwrap()
            .push(signer.access_key_id.clone());
        let good = if self.mfa {
            signer.access_key_id == MFA_SESSION_ID
        } else {
            self.keys.lock().unwrap().iter().any(|k| {
                k.id == signer.access_key_id && k.secret == signer.secret_access_key.expose()
            })
        };
        if good {
            Ok(())
        } else {
            Err(FakeAws::refused("InvalidClientTokenId"))
        }
    }

    fn create(&self) -> Result<CreatedKey, IamError> {
        let mut keys = self.keys.lock().unwrap();
        if keys.len() >= 2 {
            return Err(FakeAws::refused("LimitExceeded"));
        }
        *self.creates.lock().unwrap() += 1;
        let mut made = self.made.lock().unwrap();
        *made += 1;
        let key = FakeKey {
            id: format!("AKIANEWKEY{:010}", *made),
            secret: format!("new-secret-{:030}", *made),
            created: Utc::now(),
            fails_left: self.warm_up,
        };
        keys.push(key.clone());
        let mut peak = self.peak.lock().unwrap();
        *peak = (*peak).max(keys.len());
        if std::mem::take(&mut *self.lose_create_answer.lock().unwrap()) {
            return Err(IamError::Unreachable {
                endpoint: "fake".into(),
                cause: "the answer was lost".into(),
            });
        }
        Ok(CreatedKey {
            access_key_id: key.id,
            secret_access_key: Secret::new(key.secret),
            created: Some(key.created),
        })
    }
}

impl RotationCalls for FakeAws {
    fn identity<'a>(
        &'a self,
        creds: &'a Credentials,
    ) -> BoxFuture<'a, Result<CallerIdentity, StsError>> {
        let mut keys = self.keys.lock().unwrap();
        let found = keys
            .iter_mut()
            .find(|k| k.id == creds.access_key_id && k.secret == creds.secret_access_key.expose());
        let answer = match found {
            Some(key) if key.fails_left == 0 => Ok(CallerIdentity {
                account: "123456789012".into(),
                arn: ARN.into(),
                user_id: "AIDAJANE".into(),
            }),
            Some(key) => {
                key.fails_left -= 1;
                Err(invalid_token())
            }
            None => Err(invalid_token()),
        };
        Box::pin(async move { answer })
    }

    fn signer<'a>(&'a self, key: &'a Credentials) -> BoxFuture<'a, Result<Credentials, StsError>> {
        let signer = if self.mfa {
            Credentials {
                access_key_id: MFA_SESSION_ID.into(),
                secret_access_key: Secret::new("session-secret"),
                session_token: Some(Secret::new("session-token")),
                expiration: None,
            }
        } else {
            key.clone()
        };
        Box::pin(async move { Ok(signer) })
    }

    fn list_keys<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<AccessKeyInfo>, IamError>> {
        assert_eq!(user, Some("jane"));
        let answer = self.check_signer(signer).map(|()| {
            self.keys
                .lock()
                .unwrap()
                .iter()
                .map(|k| AccessKeyInfo {
                    access_key_id: k.id.clone(),
                    status: "Active".into(),
                    created: Some(k.created),
                })
                .collect()
        });
        Box::pin(async move { answer })
    }

    fn create_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CreatedKey, IamError>> {
        assert_eq!(user, Some("jane"));
        let answer = self.check_signer(signer).and_then(|()| self.create());
        Box::pin(async move { answer })
    }

    fn delete_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
        id: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>> {
        assert_eq!(user, Some("jane"));
        let answer = self.check_signer(signer).and_then(|()| {
            let mut keys = self.keys.lock().unwrap();
            let before = keys.len();
            keys.retain(|k| k.id != id);
            if keys.len() == before {
                Err(FakeAws::refused("NoSuchEntity"))
            } else {
                Ok(())
            }
        });
        Box::pin(async move { answer })
    }

    fn pause(&self, wait: Duration) -> BoxFuture<'static, ()> {
        self.pauses.lock().unwrap().push(wait);
        Box::pin(async {})
    }
}

fn invalid_token() -> StsError {
    StsError::Service {
        code: "InvalidClientTokenId".into(),
        message: "The security token included in the request is invalid.".into(),
    }
}

/// A store in memory whose `fail_at`-th write (put or remove, counted from 0) fails, as a
/// keyring that went away would.
#[derive(Default)]
struct FakeSlots {
    keys: Mutex<BTreeMap<String, LongTermKey>>,
    writes: Mutex<usize>,
    fail_at: Option<usize>,
}

impl FakeSlots {
    fn with_first_key() -> FakeSlots {
        let slots = FakeSlots::default();
        slots.keys.lock().unwrap().insert(
            PROFILE.into(),
            LongTermKey {
                access_key_id: FIRST_ID.into(),
                secret_access_key: Secret::new(FIRST_SECRET),
                created: None,
            },
        );
        slots
    }

    fn names(&self) -> Vec<String> {
        self.keys.lock().unwrap().keys().cloned().collect()
    }

    fn current(&self) -> LongTermKey {
        self.keys.lock().unwrap()[PROFILE].clone()
    }

    fn write(&self, name: &str) -> Result<(), KeyError> {
        let mut writes = self.writes.lock().unwrap();
        let n = *writes;
        *writes += 1;
        if self.fail_at == Some(n) {
            return Err(KeyError::Backend {
                profile: name.into(),
                backend: "the fake keyring".into(),
                action: "write",
                reason: "it went away".into(),
            });
        }
        Ok(())
    }
}

impl KeySlots for FakeSlots {
    fn get(&self, name: &str) -> Result<Option<LongTermKey>, KeyError> {
        Ok(self.keys.lock().unwrap().get(name).cloned())
    }

    fn put(&self, name: &str, key: &LongTermKey) -> Result<(), KeyError> {
        self.write(name)?;
        self.keys.lock().unwrap().insert(name.into(), key.clone());
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<bool, KeyError> {
        self.write(name)?;
        Ok(self.keys.lock().unwrap().remove(name).is_some())
    }

    fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        let keys = self.keys.lock().unwrap();
        Ok(keys
            .iter()
            .map(|(name, key)| StoredKey {
                profile: name.clone(),
                access_key_id: key.access_key_id.clone(),
                created: key.created,
            })
            .collect())
    }
}

/// One `keys rotate` run, stopped after `stop` when given; what it said beside its answer.
fn rotate(
    slots: &FakeSlots,
    aws: &FakeAws,
    stop: Option<RotateStep>,
    patience: Patience,
) -> (Result<RotationSummary, RotateError>, Vec<String>) {
    let said = Mutex::new(Vec::new());
    let say = |line: &str| said.lock().unwrap().push(line.to_string());
    let reached = |step: RotateStep| Some(step) != stop;
    let rotation = Rotation {
        profile: PROFILE,
        slots,
        calls: aws,
        patience,
        hooks: RotationHooks {
            say: &say,
            reached: &reached,
        },
    };
    let answer = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(rotation.run());
    (answer, said.into_inner().unwrap())
}

fn no_wait() -> Patience {
    Patience {
        total: Duration::ZERO,
    }
}

/// A key is stored and works, and the user has at most two.
fn assert_working_key_stored(slots: &FakeSlots, aws: &FakeAws, when: &str) {
    let current = slots.current();
    assert!(aws.works(&current), "{when}: the stored key does not work");
    assert!(aws.ids().len() <= 2, "{when}: {:?}", aws.ids());
}

/// The user has exactly one key, the stored one, and no rotation slot is left.
fn assert_one_key_stored(slots: &FakeSlots, aws: &FakeAws, when: &str) {
    let current = slots.current();
    assert_eq!(aws.ids(), vec![current.access_key_id.clone()], "{when}");
    assert!(aws.works(&current), "{when}");
    assert_eq!(slots.names(), vec![PROFILE.to_string()], "{when}");
}

#[test]
fn a_rotation_replaces_the_key_and_says_each_step() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    let summary = answer.unwrap();
    assert!(!summary.finished_earlier);
    assert_ne!(summary.key_id, FIRST_ID);
    assert_one_key_stored(&slots, &aws, "after the rotation");
    assert_eq!(slots.current().access_key_id, summary.key_id);
    let new = mask(&summary.key_id);
    assert_eq!(
        said,
        vec![
            format!("created {new}"),
            "new key works".to_string(),
            format!("stored {new} as the key of 'prod'"),
            format!("deleted old key {}", mask(FIRST_ID)),
        ]
    );
    let secret = slots.current().secret_access_key.expose().to_string();
    for line in &said {
        assert!(
            !line.contains(&secret) && !line.contains(FIRST_SECRET),
            "{line}"
        );
        assert!(
            !line.contains(&summary.key_id) && !line.contains(FIRST_ID),
            "{line}"
        );
    }
    assert_eq!(*aws.peak.lock().unwrap(), 2);
}

#[test]
fn a_crash_after_any_step_leaves_a_working_key_and_the_next_run_finishes() {
    for step in RotateStep::ALL {
        let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
        let (answer, _) = rotate(&slots, &aws, Some(step), no_wait());
        assert!(
            matches!(answer, Err(RotateError::Stopped { step: s, .. }) if s == step),
            "{step:?}: {answer:?}"
        );
        assert_working_key_stored(&slots, &aws, &format!("stopped after {step:?}"));
        let (answer, said) = rotate(&slots, &aws, None, no_wait());
        answer.unwrap_or_else(|e| panic!("run after {step:?}: {e}"));
        assert_one_key_stored(&slots, &aws, &format!("run after {step:?}"));
        assert!(aws.ids()[0] != FIRST_ID, "{step:?}: {said:?}");
        // Never a third key; at most one more made than a rotation needs (the orphan of
        // a crash between CreateAccessKey and the store).
        assert!(*aws.peak.lock().unwrap() <= 2, "{step:?}");
        let creates = *aws.creates.lock().unwrap();
        let expected = if step == RotateStep::Created { 2 } else { 1 };
        assert_eq!(creates, expected, "{step:?}: {said:?}");
    }
}

#[test]
fn a_run_after_a_crash_after_the_new_key_is_stored_finishes_that_rotation() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    let (first, _) = rotate(&slots, &aws, Some(RotateStep::KeptOld), no_wait());
    assert!(first.is_err());
    let pending = slots.get(&pending_slot(PROFILE)).unwrap().unwrap();
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    let summary = answer.unwrap();
    assert!(summary.finished_earlier);
    assert_eq!(summary.key_id, pending.access_key_id);
    assert_eq!(
        said[0],
        format!(
            "finishing the rotation begun earlier: new key {}",
            mask(&pending.access_key_id)
        )
    );
}

#[test]
fn a_crash_after_the_old_key_is_deleted_needs_no_iam_call_but_the_list() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    let _ = rotate(&slots, &aws, Some(RotateStep::DeletedOld), no_wait());
    assert_eq!(slots.names().len(), 2, "{:?}", slots.names());
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    assert!(answer.unwrap().finished_earlier);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].starts_with("finished the rotation begun earlier"));
}

#[test]
fn a_keyring_failing_at_any_write_leaves_a_working_key_and_the_next_run_finishes() {
    // A rotation writes 6 times: the marker, the new key, the old key kept, the new key
    // current, the pending slot cleared, the previous slot cleared.
    for fail_at in 0..6 {
        let (slots, aws) = (
            FakeSlots {
                fail_at: Some(fail_at),
                ..FakeSlots::with_first_key()
            },
            FakeAws::with_first_key(),
        );
        let (answer, _) = rotate(&slots, &aws, None, no_wait());
        assert!(
            matches!(answer, Err(RotateError::Store(_))),
            "write {fail_at}: {answer:?}"
        );
        assert_working_key_stored(&slots, &aws, &format!("write {fail_at} failed"));
        let (answer, _) = rotate(&slots, &aws, None, no_wait());
        answer.unwrap_or_else(|e| panic!("run after write {fail_at} failed: {e}"));
        assert_one_key_stored(&slots, &aws, &format!("run after write {fail_at} failed"));
    }
}

#[test]
fn a_lost_create_answer_leaves_an_orphan_the_next_run_deletes() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    *aws.lose_create_answer.lock().unwrap() = true;
    let (answer, _) = rotate(&slots, &aws, None, no_wait());
    assert!(matches!(
        answer,
        Err(RotateError::Iam {
            action: "CreateAccessKey",
            ..
        })
    ));
    assert_eq!(aws.ids().len(), 2);
    assert_working_key_stored(&slots, &aws, "after the lost answer");
    let orphan = aws.ids()[1].clone();
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    answer.unwrap();
    assert_eq!(
        said[0],
        format!(
            "deleted {}, which an interrupted rotation created and never stored",
            mask(&orphan)
        )
    );
    assert_one_key_stored(&slots, &aws, "after the next run");
}

#[test]
fn a_key_made_long_after_an_interrupted_rotation_is_not_taken_for_its_orphan() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    let _ = rotate(&slots, &aws, Some(RotateStep::Marked), no_wait());
    // Someone makes a second key an hour later, on another machine.
    aws.keys.lock().unwrap().push(FakeKey {
        id: "AKIAOTHERMACHINE0001".into(),
        secret: "other".into(),
        created: Utc::now() + chrono::TimeDelta::hours(1),
        fails_left: 0,
    });
    let (answer, _) = rotate(&slots, &aws, None, no_wait());
    assert!(
        matches!(answer, Err(RotateError::TwoKeys { .. })),
        "{answer:?}"
    );
    assert_eq!(aws.ids(), vec![FIRST_ID, "AKIAOTHERMACHINE0001"]);
}

#[test]
fn a_user_with_two_keys_is_refused_with_both_named() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
    aws.keys.lock().unwrap().push(FakeKey {
        id: "AKIASECONDKEY0000009".into(),
        secret: "second".into(),
        created: Utc::now() - chrono::TimeDelta::days(3),
        fails_left: 0,
    });
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    let message = answer.unwrap_err().to_string();
    assert_eq!(
        message,
        "IAM user 'jane' already has 2 access keys, the most IAM allows: ****0001 (stored for \
         profile 'prod') and ****0009 (which rolecall does not hold). Delete the one no longer \
         in use (in the IAM console, or `aws iam delete-access-key --user-name jane \
         --access-key-id <its id>`), then run `rolecall keys rotate prod` again"
    );
    assert!(said.is_empty());
    assert_eq!(*aws.creates.lock().unwrap(), 0);
    assert_eq!(slots.names(), vec![PROFILE.to_string()]);
}

#[test]
fn a_key_that_never_works_is_deleted_and_the_old_one_stays() {
    let (slots, aws) = (
        FakeSlots::with_first_key(),
        FakeAws {
            warm_up: u32::MAX,
            ..FakeAws::with_first_key()
        },
    );
    let patience = Patience {
        total: Duration::from_secs(8),
    };
    let (answer, said) = rotate(&slots, &aws, None, patience);
    let err = answer.unwrap_err();
    let new = said[0].strip_prefix("created ").unwrap().to_string();
    assert_eq!(
        err.to_string(),
        format!(
            "the new key {new} did not work within 7 s (last answer: InvalidClientTokenId: The \
             security token included in the request is invalid.); it was deleted again, and \
             ****0001 stays the key of profile 'prod'"
        )
    );
    assert_eq!(
        *aws.pauses.lock().unwrap(),
        vec![
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(4)
        ]
    );
    assert_eq!(aws.ids(), vec![FIRST_ID]);
    assert_eq!(slots.current().access_key_id, FIRST_ID);
    assert_eq!(slots.names(), vec![PROFILE.to_string()]);
}

#[test]
fn a_key_that_works_after_a_few_tries_is_taken() {
    let (slots, aws) = (
        FakeSlots::with_first_key(),
        FakeAws {
            warm_up: 2,
            ..FakeAws::with_first_key()
        },
    );
    let (answer, _) = rotate(&slots, &aws, None, Patience::DEFAULT);
    answer.unwrap();
    assert_eq!(
        *aws.pauses.lock().unwrap(),
        vec![Duration::from_secs(1), Duration::from_secs(2)]
    );
    assert_one_key_stored(&slots, &aws, "after the rotation");
}

#[test]
fn with_mfa_every_iam_call_is_signed_by_the_mfa_session() {
    let (slots, aws) = (
        FakeSlots::with_first_key(),
        FakeAws {
            mfa: true,
            ..FakeAws::with_first_key()
        },
    );
    rotate(&slots, &aws, None, no_wait()).0.unwrap();
    let signers = aws.signers.lock().unwrap().clone();
    assert_eq!(signers, vec![MFA_SESSION_ID; 3], "list, create, delete");
}

#[test]
fn a_stored_key_that_does_not_work_changes_nothing() {
    let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::default());
    let (answer, said) = rotate(&slots, &aws, None, no_wait());
    let message = answer.unwrap_err().to_string();
    assert!(
        message.starts_with(
            "the key stored for profile 'prod' (****0001) does not work: InvalidClientTokenId"
        ),
        "{message}"
    );
    assert!(said.is_empty());
    assert_eq!(slots.names(), vec![PROFILE.to_string()]);
}

#[test]
fn no_stored_key_says_how_to_store_one() {
    let (slots, aws) = (FakeSlots::default(), FakeAws::with_first_key());
    let message = rotate(&slots, &aws, None, no_wait())
        .0
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "no key is stored for profile 'prod': store one with `rolecall keys add prod` or \
         `rolecall keys import prod` first"
    );
}

#[test]
fn patience_waits_one_two_then_four_seconds_within_the_total() {
    let secs = |p: Patience| -> Vec<u64> { p.waits().iter().map(Duration::as_secs).collect() };
    assert_eq!(secs(Patience::DEFAULT), vec![1, 2, 4, 4, 4, 4, 4, 4]);
    assert_eq!(secs(no_wait()), Vec::<u64>::new());
    assert_eq!(
        secs(Patience {
            total: Duration::from_secs(3)
        }),
        vec![1, 2]
    );
}

#[test]
fn the_rotation_slots_are_names_the_store_accepts() {
    // The store takes only names a profile could have: '%' is one of their characters.
    assert_eq!(pending_slot("prod"), "prod%rotate-new");
    assert_eq!(previous_slot("prod"), "prod%rotate-old");
    assert!(crate::profile::writable::check_profile_name(&pending_slot("a.b/c")).is_ok());
}

#[test]
fn a_profile_sharing_the_old_key_gets_the_new_one_after_a_crash_at_any_step() {
    for step in RotateStep::ALL {
        let (slots, aws) = (FakeSlots::with_first_key(), FakeAws::with_first_key());
        slots.put("work", &slots.current()).unwrap();
        let (answer, _) = rotate(&slots, &aws, Some(step), no_wait());
        assert!(answer.is_err(), "{step:?}");
        let (answer, said) = rotate(&slots, &aws, None, no_wait());
        answer.unwrap_or_else(|e| panic!("run after {step:?}: {e}"));
        let work = slots.get("work").unwrap().expect("work's key");
        assert_eq!(
            work.access_key_id,
            slots.current().access_key_id,
            "{step:?}"
        );
        assert!(aws.works(&work), "{step:?}: {said:?}");
    }
}
