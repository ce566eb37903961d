//! The OS keyrings, through the `keyring` crate: the Secret Service and the kernel keyutils
//! keyring on Linux, the Keychain on macOS, the Credential Manager on Windows (those two
//! build only there and are untested here).
//!
//! Each profile's key is one item, service `rolecall`. On the Secret Service the item also
//! carries the attribute `profile` (so `secret-tool lookup service rolecall profile NAME`
//! finds it) and the label `rolecall: NAME`, and `list` searches by attribute. The other
//! three cannot be searched through `keyring`, so they also keep an index: one more item,
//! `rolecall index`, holding the profile names (not secret) that `list` reads.
//!
//! `keyring`'s Secret Service client blocks on a runtime of its own, which panics inside
//! another one; every call here runs on a thread of its own, so the bridge may call it from
//! async code.

use super::{KeyBackend, KeyError, LongTermKey, StoredKey, SERVICE};
use keyring::{Entry, Error as KeyringError};
use std::collections::BTreeSet;
use zeroize::Zeroizing;

/// The index item's name: not a profile name (it holds a space), so no profile's item is it.
const INDEX: &str = "rolecall index";

/// One OS keyring.
pub(super) struct OsKeyring {
    backend: KeyBackend,
}

impl OsKeyring {
    /// `backend`, when this system has it.
    pub(super) fn open(backend: &KeyBackend) -> Result<Self, KeyError> {
        let here = match backend {
            KeyBackend::SecretService | KeyBackend::Keyutils => cfg!(target_os = "linux"),
            KeyBackend::Keychain => cfg!(target_os = "macos"),
            KeyBackend::CredentialManager => cfg!(target_os = "windows"),
            KeyBackend::EncryptedFile(_) => false,
        };
        if !here {
            return Err(KeyError::Unavailable {
                backend: backend.describe(),
                reason: format!(
                    "this build for {} has no such keyring",
                    std::env::consts::OS
                ),
            });
        }
        Ok(OsKeyring {
            backend: backend.clone(),
        })
    }

    pub(super) fn get(&self, profile: &str) -> Result<Option<LongTermKey>, KeyError> {
        let read = off_runtime(|| self.entry(profile)?.get_secret());
        match read {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                LongTermKey::from_json(&bytes)
                    .map(Some)
                    .ok_or_else(|| KeyError::NotAKey {
                        profile: profile.to_string(),
                        backend: self.backend.describe(),
                    })
            }
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(self.failed(profile, "read", e)),
        }
    }

    pub(super) fn put(&self, profile: &str, key: &LongTermKey) -> Result<(), KeyError> {
        let value = key.to_json();
        off_runtime(|| self.entry(profile)?.set_secret(&value))
            .map_err(|e| self.failed(profile, "store", e))?;
        self.edit_index(profile, |names| names.insert(profile.to_string()))
    }

    pub(super) fn remove(&self, profile: &str) -> Result<bool, KeyError> {
        let removed = match off_runtime(|| self.entry(profile)?.delete_credential()) {
            Ok(()) => true,
            Err(KeyringError::NoEntry) => false,
            Err(e) => return Err(self.failed(profile, "remove", e)),
        };
        self.edit_index(profile, |names| names.remove(profile))?;
        Ok(removed)
    }

    pub(super) fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        #[cfg(target_os = "linux")]
        if self.backend == KeyBackend::SecretService {
            return off_runtime(secret_service::list)
                .map_err(|reason| self.failed_list(reason.to_string()));
        }
        let mut keys = Vec::new();
        for profile in self.index()? {
            if let Some(key) = self.get(&profile)? {
                keys.push(StoredKey {
                    profile,
                    access_key_id: key.access_key_id.clone(),
                    created: key.created,
                });
            }
        }
        Ok(keys)
    }

    /// The item that holds `name`'s key (or, for [`INDEX`], the index).
    fn entry(&self, name: &str) -> keyring::Result<Entry> {
        // keyutils and the Credential Manager name an item by one string: `rolecall:NAME`.
        let credential: Box<keyring::Credential> = match self.backend {
            #[cfg(target_os = "linux")]
            KeyBackend::SecretService => Box::new(secret_service::credential(name)?),
            #[cfg(target_os = "linux")]
            KeyBackend::Keyutils => {
                Box::new(keyring::keyutils::KeyutilsCredential::new_with_target(
                    Some(&format!("{SERVICE}:{name}")),
                    SERVICE,
                    name,
                )?)
            }
            #[cfg(target_os = "macos")]
            KeyBackend::Keychain => Box::new(keyring::macos::MacCredential::new_with_target(
                None, SERVICE, name,
            )?),
            #[cfg(target_os = "windows")]
            KeyBackend::CredentialManager => {
                Box::new(keyring::windows::WinCredential::new_with_target(
                    Some(&format!("{SERVICE}:{name}")),
                    SERVICE,
                    name,
                )?)
            }
            _ => unreachable!("OsKeyring::open accepts only this system's keyrings"),
        };
        Ok(Entry::new_with_credential(credential))
    }

    /// The profile names the index holds; none for the Secret Service, which is searched.
    fn index(&self) -> Result<BTreeSet<String>, KeyError> {
        match off_runtime(|| self.entry(INDEX)?.get_secret()) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
            Err(KeyringError::NoEntry) => Ok(BTreeSet::new()),
            Err(e) => Err(self.failed_list(reason(&e))),
        }
    }

    /// Applies `change` to the index and writes it back when it changed anything.
    fn edit_index(
        &self,
        profile: &str,
        change: impl FnOnce(&mut BTreeSet<String>) -> bool,
    ) -> Result<(), KeyError> {
        if self.backend == KeyBackend::SecretService {
            return Ok(());
        }
        let mut names = self.index()?;
        if !change(&mut names) {
            return Ok(());
        }
        if names.is_empty() {
            return match off_runtime(|| self.entry(INDEX)?.delete_credential()) {
                Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
                Err(e) => Err(self.failed(profile, "record in the index", e)),
            };
        }
        let value = serde_json::to_vec(&names).expect("names serialise");
        off_runtime(|| self.entry(INDEX)?.set_secret(&value))
            .map_err(|e| self.failed(profile, "record in the index", e))
    }

    fn failed(&self, profile: &str, action: &'static str, err: KeyringError) -> KeyError {
        let reason = match (&self.backend, &err) {
            // keyutils says "no such key" for a denied link too: a process outside a login
            // session has no session keyring of its own, and may not link into the
            // persistent one.
            (KeyBackend::Keyutils, KeyringError::NoEntry) => "the kernel refused the keyring \
                (a process with no session keyring of its own, such as one started outside \
                a login session, cannot use it): run it in a login session, or under \
                `keyctl session -`"
                .to_string(),
            _ => reason(&err),
        };
        KeyError::Backend {
            profile: profile.to_string(),
            backend: self.backend.describe(),
            action,
            reason,
        }
    }

    fn failed_list(&self, reason: String) -> KeyError {
        KeyError::Unavailable {
            backend: self.backend.describe(),
            reason: format!("cannot list the keys: {reason}"),
        }
    }
}

/// What went wrong, in words; never the bytes a `BadEncoding` carries (they may be secret).
fn reason(err: &KeyringError) -> String {
    match err {
        KeyringError::PlatformFailure(e) => e.to_string(),
        KeyringError::NoStorageAccess(e) => {
            format!("the keyring is locked or refused access ({e})")
        }
        KeyringError::NoEntry => "no such item".into(),
        KeyringError::BadEncoding(_) => "the item's value is not text".into(),
        KeyringError::TooLong(what, max) => format!("its {what} is longer than {max}"),
        KeyringError::Invalid(what, why) => format!("its {what} is invalid: {why}"),
        KeyringError::Ambiguous(items) => format!(
            "{} items match; remove the extra ones with your keyring's own tool",
            items.len()
        ),
        other => other.to_string(),
    }
}

/// Runs `work` on a thread of its own, outside any async runtime (see the module docs).
fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(work)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Whether a Secret Service answers on the D-Bus session bus `lookup`'s environment names
/// (`DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`); `false` at once with no bus.
pub(super) fn secret_service_answers(lookup: super::Lookup<'_>) -> bool {
    #[cfg(target_os = "linux")]
    {
        let address = lookup("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty());
        let socket = lookup("XDG_RUNTIME_DIR")
            .filter(|d| !d.is_empty())
            .map(|dir| std::path::Path::new(&dir).join("bus"))
            .filter(|bus| bus.exists());
        if address.is_none() && socket.is_none() {
            return false;
        }
        off_runtime(secret_service::answers)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = lookup;
        false
    }
}

/// The Secret Service's items: their attributes, and the search `keyring` lacks.
#[cfg(target_os = "linux")]
mod secret_service {
    use super::super::{LongTermKey, StoredKey, SERVICE};
    use keyring::secret_service::SsCredential;
    use secret_service::blocking::SecretService;
    use secret_service::EncryptionType;
    use std::collections::HashMap;
    use zeroize::Zeroizing;

    /// The item for `profile`: service `rolecall`, attribute `profile`, label `rolecall: NAME`.
    pub(super) fn credential(profile: &str) -> keyring::Result<SsCredential> {
        let mut credential = SsCredential::new_with_target(None, SERVICE, profile)?;
        credential
            .attributes
            .insert("profile".into(), profile.to_string());
        credential.label = format!("{SERVICE}: {profile}");
        Ok(credential)
    }

    /// Whether a Secret Service opens a session with us.
    pub(super) fn answers() -> bool {
        SecretService::connect(EncryptionType::Plain).is_ok()
    }

    /// Every rolecall item, found by its `service` attribute.
    pub(super) fn list() -> Result<Vec<StoredKey>, secret_service::Error> {
        let service = SecretService::connect(EncryptionType::Dh)?;
        let found = service.search_items(HashMap::from([("service", SERVICE)]))?;
        let mut keys = Vec::new();
        for item in found.unlocked.iter().chain(found.locked.iter()) {
            item.ensure_unlocked()?;
            let attributes = item.get_attributes()?;
            let Some(profile) = attributes.get("profile") else {
                continue;
            };
            let secret = Zeroizing::new(item.get_secret()?);
            if let Some(key) = LongTermKey::from_json(&secret) {
                keys.push(StoredKey {
                    profile: profile.clone(),
                    access_key_id: key.access_key_id.clone(),
                    created: key.created,
                });
            }
        }
        Ok(keys)
    }
}
