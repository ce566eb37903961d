//! Long-term keys (an IAM user's access key id and secret) kept out of plaintext files: in
//! the OS keyring, or in a file encrypted with a passphrase where there is none.
//!
//! A [`KeyStore`] is opened on one [`KeyBackend`], chosen by [`KeyStore::open`]:
//! `ROLECALL_KEYRING` when set, else the Secret Service when one answers on the D-Bus
//! session bus (the Keychain on macOS, the Credential Manager on Windows), else the
//! encrypted file, so a headless server with no D-Bus works. The kernel's keyutils keyring
//! forgets everything at a reboot, so it is never chosen unless asked for. docs/KEYS.md
//! describes each backend, the file's format and what is zeroised.
//!
//! Every backend keeps one value per profile, the JSON of [`LongTermKey`]
//! (`{"access_key_id", "secret_access_key", "created"}`); buffers that held it are
//! zeroised. Nothing here prints a secret: [`LongTermKey`]'s `Debug` masks the key id and
//! hides the secret, and no [`KeyError`] holds either.

pub mod add;
mod file;
pub use file::never_ask_for_the_passphrase;
pub mod import;
mod os;
pub mod rotate;

use crate::profile::writable::check_profile_name;
use crate::secret::{mask, Secret};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// Chooses the backend: `secret-service`, `keyutils`, `file`, `keychain` or
/// `credential-manager`. Unset or empty: chosen automatically.
pub const BACKEND_VAR: &str = "ROLECALL_KEYRING";
/// The encrypted file's path (default `$XDG_DATA_HOME/rolecall/keys.age`, else
/// `~/.local/share/rolecall/keys.age`).
pub const FILE_VAR: &str = "ROLECALL_KEYRING_FILE";
/// The encrypted file's passphrase, for CI and tests: anything that can read this process's
/// environment can read it. Unset, the passphrase is asked on the terminal.
pub const PASSPHRASE_VAR: &str = "ROLECALL_KEYRING_PASSPHRASE";
/// The service every keyring item of rolecall's is filed under.
pub const SERVICE: &str = "rolecall";

/// How the process's environment is read: a variable's value, or `None` when unset.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// An IAM user's access key: what a keyring holds for a profile. Its memory is zeroised
/// when dropped (the secret is a [`Secret`]); `Debug` masks the id and hides the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongTermKey {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// When the key was stored (or, once known, created at IAM); `None` when unknown.
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
}

impl fmt::Debug for LongTermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongTermKey")
            .field("access_key_id", &mask(&self.access_key_id))
            .field("secret_access_key", &format_args!("<hidden>"))
            .field("created", &self.created)
            .finish()
    }
}

impl LongTermKey {
    /// The value a keyring keeps: this key's JSON, zeroised when dropped.
    fn to_json(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(serde_json::to_vec(self).expect("a key serialises"))
    }

    /// The key a keyring's value holds; `None` when it is not a key rolecall wrote.
    fn from_json(bytes: &[u8]) -> Option<LongTermKey> {
        serde_json::from_slice(bytes).ok()
    }
}

/// A stored key as `keys list` shows it: no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredKey {
    pub profile: String,
    pub access_key_id: String,
    pub created: Option<DateTime<Utc>>,
}

/// Where keys are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyBackend {
    /// The freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet).
    SecretService,
    /// The Linux kernel's keyutils keyring: a cache that a reboot empties.
    Keyutils,
    /// A file encrypted with a passphrase (age, scrypt).
    EncryptedFile(PathBuf),
    /// The macOS Keychain.
    Keychain,
    /// The Windows Credential Manager.
    CredentialManager,
}

impl KeyBackend {
    /// The backend in a sentence: "the Secret Service (GNOME Keyring, KWallet)".
    pub fn describe(&self) -> String {
        match self {
            KeyBackend::SecretService => "the Secret Service (GNOME Keyring, KWallet)".into(),
            KeyBackend::Keyutils => "the kernel keyutils keyring".into(),
            KeyBackend::EncryptedFile(path) => {
                format!("the encrypted file {}", path.display())
            }
            KeyBackend::Keychain => "the macOS Keychain".into(),
            KeyBackend::CredentialManager => "the Windows Credential Manager".into(),
        }
    }

    /// Its name as `ROLECALL_KEYRING` spells it, and in `keys list`'s STORED IN column.
    pub fn name(&self) -> &'static str {
        match self {
            KeyBackend::SecretService => "secret-service",
            KeyBackend::Keyutils => "keyutils",
            KeyBackend::EncryptedFile(_) => "file",
            KeyBackend::Keychain => "keychain",
            KeyBackend::CredentialManager => "credential-manager",
        }
    }

    /// Whether what it keeps is lost at a reboot (keyutils), so it is a cache, not a store.
    pub fn forgets_at_reboot(&self) -> bool {
        matches!(self, KeyBackend::Keyutils)
    }
}

/// Why a key could not be kept or read. Names the profile and the backend and says what
/// to do; never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{BACKEND_VAR}={value:?} names no keyring rolecall knows: use secret-service, keyutils, file, keychain or credential-manager")]
    UnknownBackend { value: String },
    #[error("{backend} cannot be used here: {reason}; set {BACKEND_VAR} to another keyring (file works everywhere)")]
    Unavailable { backend: String, reason: String },
    #[error(
        "no home directory to keep the key file in: set HOME, or {FILE_VAR} to the file's path"
    )]
    NoHome,
    #[error("the key file {} needs a passphrase and there is no terminal to ask it on: set {PASSPHRASE_VAR}", path.display())]
    NoPassphrase { path: PathBuf },
    #[error("the key file {} needs its passphrase, which is not asked here (the TUI, or a served session's refresh): set {PASSPHRASE_VAR}, or keep keys in the Secret Service", path.display())]
    PassphraseNotAskedHere { path: PathBuf },
    #[error("cannot set the passphrase of the key file {}: {reason}", path.display())]
    PassphraseRefused { path: PathBuf, reason: String },
    #[error("the passphrase does not open the key file {}: try again (or set {PASSPHRASE_VAR} to the right one)", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("the key file {} is damaged ({reason}): restore it from a backup, or move it away and add the keys again", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot {action} the key file {}: {source}", path.display())]
    File {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("cannot {action} the key of profile '{profile}' in {backend}: {reason}")]
    Backend {
        profile: String,
        backend: String,
        action: &'static str,
        reason: String,
    },
    #[error("{backend} holds something for profile '{profile}' that is not a key rolecall stored: remove it with `rolecall keys rm {profile}` and add the key again")]
    NotAKey { profile: String, backend: String },
    #[error("'{profile}' cannot be a profile name: {reason}")]
    ProfileName { profile: String, reason: String },
}

/// The keys of every profile, in one backend.
pub struct KeyStore {
    backend: KeyBackend,
    inner: Inner,
}

enum Inner {
    File(file::KeyFile),
    Os(os::OsKeyring),
}

impl KeyStore {
    /// Opens the store `lookup`'s environment chooses (see the module documentation).
    /// Opening asks for nothing: the encrypted file's passphrase is asked on first use.
    pub fn open(lookup: Lookup<'_>) -> Result<KeyStore, KeyError> {
        let backend = choose_backend(lookup, &|| os::secret_service_answers(lookup))?;
        KeyStore::open_backend(backend, lookup)
    }

    /// Opens the store on `backend`, whatever the environment would choose.
    pub fn open_backend(backend: KeyBackend, lookup: Lookup<'_>) -> Result<KeyStore, KeyError> {
        let inner = match &backend {
            KeyBackend::EncryptedFile(path) => {
                Inner::File(file::KeyFile::new(path.clone(), lookup(PASSPHRASE_VAR)))
            }
            other => Inner::Os(os::OsKeyring::open(other)?),
        };
        Ok(KeyStore { backend, inner })
    }

    /// Where this store keeps keys.
    pub fn backend(&self) -> &KeyBackend {
        &self.backend
    }

    /// The key stored for `profile`, if any.
    pub fn get(&self, profile: &str) -> Result<Option<LongTermKey>, KeyError> {
        check_name(profile)?;
        match &self.inner {
            Inner::File(file) => file.get(profile),
            Inner::Os(os) => os.get(profile),
        }
    }

    /// Stores `key` for `profile`, replacing the one stored before.
    pub fn put(&self, profile: &str, key: &LongTermKey) -> Result<(), KeyError> {
        check_name(profile)?;
        match &self.inner {
            Inner::File(file) => file.put(profile, key),
            Inner::Os(os) => os.put(profile, key),
        }
    }

    /// Removes `profile`'s key; `false` when none was stored.
    pub fn remove(&self, profile: &str) -> Result<bool, KeyError> {
        check_name(profile)?;
        match &self.inner {
            Inner::File(file) => file.remove(profile),
            Inner::Os(os) => os.remove(profile),
        }
    }

    /// Every stored key, sorted by profile, without its secret.
    pub fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        let mut keys = match &self.inner {
            Inner::File(file) => file.list()?,
            Inner::Os(os) => os.list()?,
        };
        keys.sort_by(|a, b| a.profile.cmp(&b.profile));
        Ok(keys)
    }
}

/// The backend `lookup`'s `ROLECALL_KEYRING` names, else the platform's keyring when it
/// answers (`secret_service_answers` asks the D-Bus session bus on Linux), else the
/// encrypted file.
pub fn choose_backend(
    lookup: Lookup<'_>,
    secret_service_answers: &dyn Fn() -> bool,
) -> Result<KeyBackend, KeyError> {
    if let Some(value) = lookup(BACKEND_VAR).filter(|v| !v.trim().is_empty()) {
        return named_backend(value.trim(), lookup);
    }
    if cfg!(target_os = "macos") {
        return Ok(KeyBackend::Keychain);
    }
    if cfg!(target_os = "windows") {
        return Ok(KeyBackend::CredentialManager);
    }
    if secret_service_answers() {
        return Ok(KeyBackend::SecretService);
    }
    Ok(KeyBackend::EncryptedFile(key_file_path(lookup)?))
}

fn named_backend(value: &str, lookup: Lookup<'_>) -> Result<KeyBackend, KeyError> {
    Ok(match value {
        "secret-service" => KeyBackend::SecretService,
        "keyutils" => KeyBackend::Keyutils,
        "file" => KeyBackend::EncryptedFile(key_file_path(lookup)?),
        "keychain" => KeyBackend::Keychain,
        "credential-manager" => KeyBackend::CredentialManager,
        other => {
            return Err(KeyError::UnknownBackend {
                value: other.to_string(),
            })
        }
    })
}

/// `ROLECALL_KEYRING_FILE`, else `keys.age` in rolecall's data directory:
/// `$XDG_DATA_HOME/rolecall` (when absolute), else `~/.local/share/rolecall`.
pub fn key_file_path(lookup: Lookup<'_>) -> Result<PathBuf, KeyError> {
    let set = |name: &str| lookup(name).filter(|v| !v.is_empty());
    if let Some(path) = set(FILE_VAR) {
        return Ok(PathBuf::from(path));
    }
    let data = set("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            crate::home::home_dir(set("HOME").map(Into::into))
                .map(|home| home.join(".local").join("share"))
        })
        .ok_or(KeyError::NoHome)?;
    Ok(data.join("rolecall").join("keys.age"))
}

/// Refuses a profile name that could not be written as `[profile NAME]`.
fn check_name(profile: &str) -> Result<(), KeyError> {
    check_profile_name(profile).map_err(|reason| KeyError::ProfileName {
        profile: crate::term_text::visible(profile).into_owned(),
        reason: reason.to_string(),
    })
}

/// Why `id` is not the id of a long-term access key (`AKIA` and 12 to 124 more upper-case
/// letters and digits); an `ASIA` id is a session's, which expires and cannot be stored.
pub fn check_access_key_id(id: &str) -> Result<(), String> {
    let shape = (16..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if shape && id.starts_with("ASIA") {
        return Err(format!(
            "{} is a temporary (session) key id, which expires: store the IAM user's long-term key (AKIA…) instead",
            mask(id)
        ));
    }
    if shape && id.starts_with("AKIA") {
        return Ok(());
    }
    Err(format!(
        "that is not an access key id ({} characters): one is AKIA followed by upper-case letters and digits, 16 to 128 characters in all",
        id.chars().count()
    ))
}

/// Why `secret` cannot be a secret access key: it is empty, or holds a line break, a
/// control character or whitespace (never quotes the secret).
pub fn check_secret_access_key(secret: &str) -> Result<(), String> {
    if secret.is_empty() {
        return Err("the secret access key is empty".into());
    }
    if secret.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(
            "the secret access key holds whitespace or a control character: paste it as one line"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests;
