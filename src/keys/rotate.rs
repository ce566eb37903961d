//! `rolecall keys rotate PROFILE`: a new access key replaces the stored one, and a crash at
//! any point leaves a working key stored.
//!
//! The order: CreateAccessKey → the new key stored as *pending*, beside the current one →
//! GetCallerIdentity proves it works (for the same user; retried while IAM makes it
//! usable) → it becomes the current key, the old one kept as *previous* → DeleteAccessKey
//! of the old key → *previous* dropped. The current key is replaced only by a key that
//! worked, and deleted at IAM only once its successor is stored.
//!
//! The pending and previous keys are kept in the same [`KeyStore`], under
//! `PROFILE%rotate-new` and `PROFILE%rotate-old` ([`pending_slot`], [`previous_slot`]): a
//! second run finds them and finishes what the first began instead of making a third key.
//! Just before CreateAccessKey, the pending slot holds a *marker* (no key, the time): a
//! crash between IAM's answer and the store then leaves a key nobody holds, and the next
//! run knows it for its own (made within minutes of the marker, and no other key of the
//! user's) and deletes it.
//!
//! Every step is reported through [`RotationHooks`]: a line to show (key ids masked, no
//! secret ever) and a [`RotateStep`] the crash tests stop at.

mod calls;

pub use calls::{AwsRotationCalls, RotationCalls};

use super::{KeyError, KeyStore, LongTermKey, StoredKey};
use crate::credentials::Credentials;
use crate::iam::{user_name_of, AccessKeyInfo, IamError};
use crate::secret::{mask, Secret};
use crate::sts::CallerIdentity;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The store's name for the new key of `profile`'s rotation, until it is the current key.
pub fn pending_slot(profile: &str) -> String {
    format!("{profile}%rotate-new")
}

/// The store's name for the old key of `profile`'s rotation, until IAM has deleted it.
pub fn previous_slot(profile: &str) -> String {
    format!("{profile}%rotate-old")
}

/// The profile whose unfinished rotation `slot` belongs to, when `slot` is one of
/// [`pending_slot`] or [`previous_slot`] rather than a profile's own key.
pub fn rotation_of(slot: &str) -> Option<&str> {
    slot.strip_suffix("%rotate-new")
        .or_else(|| slot.strip_suffix("%rotate-old"))
}

/// How far a marker's time and the orphan key's creation may lie apart (clock skew, a slow
/// CreateAccessKey).
const ORPHAN_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Makes `keys rotate` die by SIGKILL, as in a crash, right after the step it names
/// (`ROLECALL_TEST_CRASH_AFTER=stored-new`; [`RotateStep::name`]), for the crash tests.
/// Read only in debug builds (a release build ignores it), and it can only end the process
/// that reads it.
pub const CRASH_AFTER_VAR: &str = "ROLECALL_TEST_CRASH_AFTER";

/// The CLI's [`RotationHooks::reached`]: dies when [`CRASH_AFTER_VAR`] names `step`, else
/// goes on.
pub fn crash_if_asked(step: RotateStep) -> bool {
    if cfg!(debug_assertions) && std::env::var(CRASH_AFTER_VAR).is_ok_and(|v| v == step.name()) {
        // SAFETY: raise has no preconditions; SIGKILL ends the process here.
        unsafe { libc::raise(libc::SIGKILL) };
    }
    true
}

/// What a rotation reads and writes in the store: [`KeyStore`]'s get, put, remove and list.
pub trait KeySlots {
    fn get(&self, name: &str) -> Result<Option<LongTermKey>, KeyError>;
    fn put(&self, name: &str, key: &LongTermKey) -> Result<(), KeyError>;
    fn remove(&self, name: &str) -> Result<bool, KeyError>;
    fn list(&self) -> Result<Vec<StoredKey>, KeyError>;
}

impl KeySlots for KeyStore {
    fn get(&self, name: &str) -> Result<Option<LongTermKey>, KeyError> {
        KeyStore::get(self, name)
    }

    fn put(&self, name: &str, key: &LongTermKey) -> Result<(), KeyError> {
        KeyStore::put(self, name, key)
    }

    fn remove(&self, name: &str) -> Result<bool, KeyError> {
        KeyStore::remove(self, name)
    }

    fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        KeyStore::list(self)
    }
}

/// The points a rotation passes, in order; a crash after any of them leaves a working key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotateStep {
    /// The marker is in the pending slot; CreateAccessKey is next.
    Marked,
    /// IAM answered CreateAccessKey; the new key is not stored yet.
    Created,
    /// The new key is in the pending slot.
    StoredNew,
    /// GetCallerIdentity answered for the new key, as the same user.
    Verified,
    /// The old key is in the previous slot too.
    KeptOld,
    /// The new key is the current key.
    Promoted,
    /// The pending slot is empty.
    ClearedNew,
    /// IAM deleted the old key.
    DeletedOld,
}

impl RotateStep {
    /// Every step, in the order a rotation passes them.
    pub const ALL: [RotateStep; 8] = [
        RotateStep::Marked,
        RotateStep::Created,
        RotateStep::StoredNew,
        RotateStep::Verified,
        RotateStep::KeptOld,
        RotateStep::Promoted,
        RotateStep::ClearedNew,
        RotateStep::DeletedOld,
    ];

    /// Its name in the crash tests' variable (`created`, `stored-new`, …).
    pub fn name(self) -> &'static str {
        match self {
            RotateStep::Marked => "marked",
            RotateStep::Created => "created",
            RotateStep::StoredNew => "stored-new",
            RotateStep::Verified => "verified",
            RotateStep::KeptOld => "kept-old",
            RotateStep::Promoted => "promoted",
            RotateStep::ClearedNew => "cleared-new",
            RotateStep::DeletedOld => "deleted-old",
        }
    }
}

/// How long a new key may take to work. IAM keys become usable within seconds, not at
/// once: GetCallerIdentity is tried again after 1, 2, then every 4 seconds, while the
/// waits add up to no more than the total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    pub total: Duration,
}

impl Patience {
    /// 30 seconds: nine tries over 27 s.
    pub const DEFAULT: Patience = Patience {
        total: Duration::from_secs(30),
    };

    /// The waits before the second, third, … try.
    pub fn waits(&self) -> Vec<Duration> {
        let mut waits = Vec::new();
        let mut spent = Duration::ZERO;
        for seconds in [1, 2].into_iter().chain(std::iter::repeat(4)) {
            let wait = Duration::from_secs(seconds);
            if spent + wait > self.total {
                return waits;
            }
            spent += wait;
            waits.push(wait);
        }
        unreachable!("the waits are cut when they reach the total")
    }
}

/// What a rotation tells its caller as it goes.
pub struct RotationHooks<'a> {
    /// A line for the person (stderr): never a secret, key ids masked.
    pub say: &'a dyn Fn(&str),
    /// A step was passed; `false` stops the rotation there ([`RotateError::Stopped`]), as a
    /// crash would (the unit tests' crash points; the CLI's test hook kills the process).
    pub reached: &'a dyn Fn(RotateStep) -> bool,
}

/// How a rotation ended well.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationSummary {
    /// The key now stored (full id: callers mask it).
    pub key_id: String,
    /// True when this run finished a rotation an earlier run began (and made no new key).
    pub finished_earlier: bool,
}

/// Why a rotation stopped. A working key is stored whatever the variant.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("no key is stored for profile '{profile}': store one with `rolecall keys add {profile}` or `rolecall keys import {profile}` first")]
    NoKey { profile: String },
    #[error("the key stored for profile '{profile}' ({key}) does not work: {cause}. Nothing was changed; store a working key with `rolecall keys add {profile}`")]
    CurrentKeyFails {
        profile: String,
        key: String,
        cause: String,
    },
    #[error(
        "GetSessionToken with MFA for profile '{profile}' failed: {cause}. Nothing was changed"
    )]
    Mfa { profile: String, cause: String },
    #[error("{action} for profile '{profile}' failed: {cause}{hint}")]
    Iam {
        profile: String,
        action: &'static str,
        cause: IamError,
        hint: &'static str,
    },
    #[error("the keyring: {0}")]
    Store(#[from] KeyError),
    #[error("{user} already has 2 access keys, the most IAM allows: {stored} (stored for profile '{profile}') and {other} (which rolecall does not hold). Delete the one no longer in use (in the IAM console, or `aws iam delete-access-key{user_arg} --access-key-id <its id>`), then run `rolecall keys rotate {profile}` again")]
    TwoKeys {
        profile: String,
        user: String,
        user_arg: String,
        stored: String,
        other: String,
    },
    /// `what_happened`: how long it was tried, its last answer, and whether it was deleted.
    #[error("the new key {new} {what_happened}, and {old} stays the key of profile '{profile}'")]
    NeverWorked {
        profile: String,
        new: String,
        old: String,
        what_happened: String,
    },
    #[error("the rotation of profile '{profile}' stopped after step {}", step.name())]
    Stopped { profile: String, step: RotateStep },
}

/// One rotation of one profile's key; see the module documentation.
pub struct Rotation<'a> {
    pub profile: &'a str,
    pub slots: &'a dyn KeySlots,
    pub calls: &'a dyn RotationCalls,
    pub patience: Patience,
    pub hooks: RotationHooks<'a>,
}

/// What every step needs: the current key, whose it is, and what signs IAM calls.
struct Ready {
    current: LongTermKey,
    /// The current key's identity: a new key must answer as the same.
    arn: String,
    /// The IAM user, named in IAM calls (`None`: the root user, whose calls need no name).
    user: Option<String>,
    /// The current key, or its MFA session when the profile has `mfa_serial`.
    signer: Credentials,
}

impl Rotation<'_> {
    /// Rotates the key, or finishes the rotation an earlier run began.
    pub async fn run(&self) -> Result<RotationSummary, RotateError> {
        let ready = self.ready().await?;
        if let Some(done) = self.resume(&ready).await? {
            return Ok(done);
        }
        self.fresh(&ready).await
    }

    /// The current key, checked: it works, and whose it is.
    async fn ready(&self) -> Result<Ready, RotateError> {
        let profile = self.profile.to_string();
        let current = self.slots.get(self.profile)?.ok_or(RotateError::NoKey {
            profile: profile.clone(),
        })?;
        let key = credentials(&current);
        let CallerIdentity { arn, .. } =
            self.calls
                .identity(&key)
                .await
                .map_err(|cause| RotateError::CurrentKeyFails {
                    profile: profile.clone(),
                    key: mask(&current.access_key_id),
                    cause: cause.to_string(),
                })?;
        let signer = self
            .calls
            .signer(&key)
            .await
            .map_err(|cause| RotateError::Mfa {
                profile,
                cause: cause.to_string(),
            })?;
        Ok(Ready {
            user: user_name_of(&arn).map(str::to_string),
            arn,
            current,
            signer,
        })
    }

    /// Finishes what an earlier run left in the pending and previous slots; `Some` when
    /// that was a whole rotation (nothing more to do).
    async fn resume(&self, ready: &Ready) -> Result<Option<RotationSummary>, RotateError> {
        let pending_name = pending_slot(self.profile);
        if let Some(pending) = self.slots.get(&pending_name)? {
            let listed = self.list(ready).await?;
            if is_marker(&pending) {
                self.delete_orphan(ready, &pending, &listed).await?;
                self.slots.remove(&pending_name)?;
            } else if pending.access_key_id == ready.current.access_key_id {
                self.slots.remove(&pending_name)?;
            } else if holds(&listed, &pending.access_key_id) {
                (self.hooks.say)(&format!(
                    "finishing the rotation begun earlier: new key {}",
                    mask(&pending.access_key_id)
                ));
                return self.finish(ready, pending, true).await.map(Some);
            } else {
                (self.hooks.say)(&format!(
                    "forgot new key {} of an earlier rotation: IAM no longer has it",
                    mask(&pending.access_key_id)
                ));
                self.slots.remove(&pending_name)?;
            }
        }
        let Some(previous) = self.slots.get(&previous_slot(self.profile))? else {
            return Ok(None);
        };
        if previous.access_key_id != ready.current.access_key_id {
            self.share_new_key(&previous.access_key_id, &ready.current)?;
            let listed = self.list(ready).await?;
            if holds(&listed, &previous.access_key_id) {
                self.delete_old(ready, &previous.access_key_id).await?;
            }
        }
        self.slots.remove(&previous_slot(self.profile))?;
        (self.hooks.say)(&format!(
            "finished the rotation begun earlier: {} is the key of '{}'",
            mask(&ready.current.access_key_id),
            self.profile
        ));
        Ok(Some(RotationSummary {
            key_id: ready.current.access_key_id.clone(),
            finished_earlier: true,
        }))
    }

    /// A rotation from the start: refused when the user already has two keys.
    async fn fresh(&self, ready: &Ready) -> Result<RotationSummary, RotateError> {
        let listed = self.list(ready).await?;
        self.refuse_a_third_key(ready, &listed)?;
        let pending_name = pending_slot(self.profile);
        self.slots.put(&pending_name, &marker(Utc::now()))?;
        self.reached(RotateStep::Marked)?;
        let created = match self
            .calls
            .create_key(&ready.signer, ready.user.as_deref())
            .await
        {
            Ok(created) => created,
            Err(cause) => {
                // IAM refused: no key was made. No answer: one may have been, and the
                // marker lets the next run find it.
                if cause.code().is_some() {
                    self.slots.remove(&pending_name)?;
                }
                return Err(self.iam_error("CreateAccessKey", cause));
            }
        };
        (self.hooks.say)(&format!("created {}", mask(&created.access_key_id)));
        self.reached(RotateStep::Created)?;
        let new = LongTermKey {
            access_key_id: created.access_key_id,
            secret_access_key: created.secret_access_key,
            created: created.created.or_else(|| Some(Utc::now())),
        };
        self.slots.put(&pending_name, &new)?;
        self.reached(RotateStep::StoredNew)?;
        self.finish(ready, new, false).await
    }

    /// The error that refuses a rotation of a user with two keys already.
    fn refuse_a_third_key(
        &self,
        ready: &Ready,
        listed: &[AccessKeyInfo],
    ) -> Result<(), RotateError> {
        if listed.len() < 2 {
            return Ok(());
        }
        let current = &ready.current.access_key_id;
        let other = listed
            .iter()
            .map(|k| &k.access_key_id)
            .find(|id| *id != current)
            .map_or_else(String::new, |id| mask(id));
        let (user, user_arg) = match &ready.user {
            Some(name) => (format!("IAM user '{name}'"), format!(" --user-name {name}")),
            None => ("This account's root user".to_string(), String::new()),
        };
        Err(RotateError::TwoKeys {
            profile: self.profile.to_string(),
            user,
            user_arg,
            stored: mask(current),
            other,
        })
    }

    /// From a stored pending key to the end: prove it works, make it current, delete the
    /// old one. `resumed`: an earlier run made the key.
    async fn finish(
        &self,
        ready: &Ready,
        new: LongTermKey,
        resumed: bool,
    ) -> Result<RotationSummary, RotateError> {
        self.prove(ready, &new).await?;
        (self.hooks.say)("new key works");
        self.reached(RotateStep::Verified)?;
        self.slots
            .put(&previous_slot(self.profile), &ready.current)?;
        self.reached(RotateStep::KeptOld)?;
        self.slots.put(self.profile, &new)?;
        (self.hooks.say)(&format!(
            "stored {} as the key of '{}'",
            mask(&new.access_key_id),
            self.profile
        ));
        self.reached(RotateStep::Promoted)?;
        self.slots.remove(&pending_slot(self.profile))?;
        self.reached(RotateStep::ClearedNew)?;
        self.share_new_key(&ready.current.access_key_id, &new)?;
        self.delete_old(ready, &ready.current.access_key_id).await?;
        self.slots.remove(&previous_slot(self.profile))?;
        Ok(RotationSummary {
            key_id: new.access_key_id.clone(),
            finished_earlier: resumed,
        })
    }

    /// GetCallerIdentity with `new` until it answers as the current key's user, within
    /// the patience; else the new key is deleted again (or, when IAM will not, left
    /// pending for the next run) and the old one stays.
    async fn prove(&self, ready: &Ready, new: &LongTermKey) -> Result<(), RotateError> {
        let key = credentials(new);
        let mut waits = self.patience.waits().into_iter();
        let last = loop {
            let refusal = match self.calls.identity(&key).await {
                Ok(id) if id.arn == ready.arn => return Ok(()),
                Ok(id) => format!(
                    "GetCallerIdentity answered as {}, not as {}",
                    crate::term_text::visible(&id.arn),
                    ready.arn
                ),
                Err(cause) => cause.to_string(),
            };
            match waits.next() {
                Some(wait) => self.calls.pause(wait).await,
                None => break refusal,
            }
        };
        let fate = match self
            .calls
            .delete_key(&ready.signer, ready.user.as_deref(), &new.access_key_id)
            .await
        {
            Ok(()) => {
                self.slots.remove(&pending_slot(self.profile))?;
                "it was deleted again".to_string()
            }
            Err(cause) => format!(
                "deleting it failed too ({cause}): run `rolecall keys rotate {}` again to retry",
                self.profile
            ),
        };
        Err(RotateError::NeverWorked {
            profile: self.profile.to_string(),
            new: mask(&new.access_key_id),
            old: mask(&ready.current.access_key_id),
            what_happened: format!(
                "did not work within {} s (last answer: {last}); {fate}",
                self.patience.waits().iter().sum::<Duration>().as_secs()
            ),
        })
    }

    /// Stores `new` for every other profile whose stored key is `old_id` (`[default]` and
    /// `[work]` often hold one key): deleting the old key at IAM would break them. One
    /// line each.
    fn share_new_key(&self, old_id: &str, new: &LongTermKey) -> Result<(), RotateError> {
        let sharers = self.slots.list()?.into_iter().filter(|k| {
            k.access_key_id == old_id
                && k.profile != self.profile
                && rotation_of(&k.profile).is_none()
        });
        for sharer in sharers {
            self.slots.put(&sharer.profile, new)?;
            (self.hooks.say)(&format!(
                "stored {} as the key of '{}' too, which held the old key {}",
                mask(&new.access_key_id),
                sharer.profile,
                mask(old_id)
            ));
        }
        Ok(())
    }

    /// DeleteAccessKey of the old key (one IAM no longer has counts as deleted).
    async fn delete_old(&self, ready: &Ready, id: &str) -> Result<(), RotateError> {
        match self
            .calls
            .delete_key(&ready.signer, ready.user.as_deref(), id)
            .await
        {
            Ok(()) => {}
            Err(cause) if cause.code() == Some("NoSuchEntity") => {}
            Err(cause) => return Err(self.iam_error("DeleteAccessKey", cause)),
        }
        (self.hooks.say)(&format!("deleted old key {}", mask(id)));
        self.reached(RotateStep::DeletedOld)
    }

    /// Deletes the key an interrupted CreateAccessKey made and nobody holds: a key of the
    /// user's that is not the current one, created within [`ORPHAN_WINDOW`] of the marker
    /// (the user had no other key when the marker was written: a third is refused).
    async fn delete_orphan(
        &self,
        ready: &Ready,
        marker: &LongTermKey,
        listed: &[AccessKeyInfo],
    ) -> Result<(), RotateError> {
        let Some(started) = marker.created else {
            return Ok(());
        };
        let orphans = listed.iter().filter(|k| {
            k.access_key_id != ready.current.access_key_id
                && k.created
                    .is_some_and(|c| (c - started).abs() <= ORPHAN_WINDOW)
        });
        for orphan in orphans {
            let id = &orphan.access_key_id;
            self.calls
                .delete_key(&ready.signer, ready.user.as_deref(), id)
                .await
                .map_err(|cause| self.iam_error("DeleteAccessKey", cause))?;
            (self.hooks.say)(&format!(
                "deleted {}, which an interrupted rotation created and never stored",
                mask(id)
            ));
        }
        Ok(())
    }

    async fn list(&self, ready: &Ready) -> Result<Vec<AccessKeyInfo>, RotateError> {
        self.calls
            .list_keys(&ready.signer, ready.user.as_deref())
            .await
            .map_err(|cause| self.iam_error("ListAccessKeys", cause))
    }

    fn reached(&self, step: RotateStep) -> Result<(), RotateError> {
        if (self.hooks.reached)(step) {
            Ok(())
        } else {
            Err(RotateError::Stopped {
                profile: self.profile.to_string(),
                step,
            })
        }
    }

    fn iam_error(&self, action: &'static str, cause: IamError) -> RotateError {
        let hint = if cause.code() == Some("AccessDenied") {
            ". The key's user needs iam:CreateAccessKey, iam:ListAccessKeys and \
             iam:DeleteAccessKey on itself; if a policy asks for MFA, set mfa_serial on the profile"
        } else {
            ""
        };
        RotateError::Iam {
            profile: self.profile.to_string(),
            action,
            cause,
            hint,
        }
    }
}

/// A long-term key as credentials to sign with.
fn credentials(key: &LongTermKey) -> Credentials {
    Credentials {
        access_key_id: key.access_key_id.clone(),
        secret_access_key: key.secret_access_key.clone(),
        session_token: None,
        expiration: None,
    }
}

/// The pending slot's content while CreateAccessKey is under way: no key, the time.
fn marker(started: DateTime<Utc>) -> LongTermKey {
    LongTermKey {
        access_key_id: String::new(),
        secret_access_key: Secret::new(""),
        created: Some(started),
    }
}

fn is_marker(key: &LongTermKey) -> bool {
    key.access_key_id.is_empty()
}

fn holds(listed: &[AccessKeyInfo], id: &str) -> bool {
    listed.iter().any(|k| k.access_key_id == id)
}

#[cfg(test)]
mod tests;
