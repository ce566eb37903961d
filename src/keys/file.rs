//! The encrypted-file backend: every profile's key in one JSON document, sealed with age
//! under a passphrase (age's scrypt recipient), for machines with no OS keyring.
//!
//! The file is 0600, replaced atomically under a directory lock and never written or read
//! through a symbolic link ([`crate::fsutil::Rewrite`]); a missing directory is made 0700.
//! The passphrase comes from `ROLECALL_KEYRING_PASSPHRASE` or is asked on the terminal,
//! once per process. The plaintext document only ever sits in zeroised buffers.

use super::{KeyError, LongTermKey, StoredKey, PASSPHRASE_VAR};
use crate::fsutil::{self, Mode, Rewrite};
use crate::secret::Secret;
use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use zeroize::Zeroizing;

/// Whether this process may ask for the key file's passphrase on the terminal. The TUI owns
/// the terminal (a prompt would fight its key reader and echo into its screen), and a served
/// session's refresh runs under a program that owns it: both turn asking off.
static ASKING_ALLOWED: AtomicBool = AtomicBool::new(true);

/// Turns asking for the passphrase off for the rest of the process (see [`ASKING_ALLOWED`]):
/// opening the file then needs the passphrase in the environment, or one already given.
pub fn never_ask_for_the_passphrase() {
    ASKING_ALLOWED.store(false, Ordering::Relaxed);
}

/// scrypt's work factor (log2 of N) for the files rolecall writes. age's default aims at
/// one second per open (2^17 to 2^18 where it was measured: 1.4 s and 2.6 s); 2^15 costs
/// 32 MiB and about 0.25 s there, so `keys add` (an open and a seal) stays under a second,
/// while every passphrase a guesser tries costs as much. Sessions are cached, so the
/// bridge rarely opens the file. docs/KEYS.md has the numbers.
pub const WORK_FACTOR: u8 = 15;

/// The highest work factor a file may ask for before it is refused: a file made by the
/// `age` command at its default (up to 2^18 on a fast machine, 256 MiB) opens, a planted
/// one cannot make rolecall spend gigabytes.
const MAX_WORK_FACTOR: u8 = 18;

/// The document's format version.
const VERSION: u32 = 1;

/// The encrypted key file and the passphrase, once known.
pub(super) struct KeyFile {
    path: PathBuf,
    passphrase: Mutex<Option<Secret>>,
}

/// What the file holds once opened: every profile's key.
#[derive(Default, Serialize, Deserialize)]
struct KeyDocument {
    version: u32,
    keys: BTreeMap<String, LongTermKey>,
}

impl KeyFile {
    /// The file at `path`, opened with `passphrase` (the variable's value) when set, else
    /// with one asked on the terminal on first use.
    pub(super) fn new(path: PathBuf, passphrase: Option<String>) -> Self {
        let passphrase = passphrase.filter(|p| !p.is_empty()).map(Secret::new);
        KeyFile {
            path,
            passphrase: Mutex::new(passphrase),
        }
    }

    pub(super) fn get(&self, profile: &str) -> Result<Option<LongTermKey>, KeyError> {
        Ok(self.read()?.keys.remove(profile))
    }

    pub(super) fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        let keys = self.read()?.keys;
        Ok(keys
            .into_iter()
            .map(|(profile, key)| StoredKey {
                profile,
                access_key_id: key.access_key_id.clone(),
                created: key.created,
            })
            .collect())
    }

    pub(super) fn put(&self, profile: &str, key: &LongTermKey) -> Result<(), KeyError> {
        self.rewrite(|doc| {
            doc.keys.insert(profile.to_string(), key.clone());
            true
        })
    }

    pub(super) fn remove(&self, profile: &str) -> Result<bool, KeyError> {
        let mut removed = false;
        self.rewrite(|doc| {
            removed = doc.keys.remove(profile).is_some();
            removed
        })?;
        Ok(removed)
    }

    /// The document as the file holds it now; an empty one when there is no file.
    fn read(&self) -> Result<KeyDocument, KeyError> {
        let read = fsutil::read_no_follow(&self.path);
        match read.map_err(|e| self.file_error("read", e))? {
            None => Ok(KeyDocument::default()),
            Some(bytes) => self.open(&Zeroizing::new(bytes)),
        }
    }

    /// Reads the document, lets `change` edit it and, when `change` says it did, seals and
    /// writes it back, all under the directory's lock.
    fn rewrite(&self, change: impl FnOnce(&mut KeyDocument) -> bool) -> Result<(), KeyError> {
        self.ensure_dir()?;
        let rewrite = Rewrite::begin(&self.path).map_err(|e| self.file_error("write", e))?;
        let (mut doc, new) = match rewrite.current() {
            None => (KeyDocument::default(), true),
            Some(bytes) => (self.open(bytes)?, false),
        };
        if !change(&mut doc) {
            return Ok(());
        }
        let passphrase = if new {
            self.new_passphrase()?
        } else {
            self.passphrase()?
        };
        let sealed = seal(&doc, &passphrase);
        rewrite
            .commit(&sealed, Mode::Private)
            .map_err(|e| self.file_error("write", e))
    }

    /// Makes the file's directory (0700) when it does not exist; one that exists is the
    /// user's choice and left as it is.
    fn ensure_dir(&self) -> Result<(), KeyError> {
        let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) else {
            return Ok(());
        };
        if dir.exists() {
            return Ok(());
        }
        fsutil::ensure_private_dir(dir).map_err(|e| self.file_error("make the directory of", e))
    }

    /// Decrypts and parses `bytes`, the file's contents.
    fn open(&self, bytes: &[u8]) -> Result<KeyDocument, KeyError> {
        let passphrase = self.passphrase()?;
        let mut identity =
            age::scrypt::Identity::new(SecretString::from(passphrase.expose().to_string()));
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let plain = Zeroizing::new(age::decrypt(&identity, bytes).map_err(|e| self.refused(e))?);
        let doc: KeyDocument = serde_json::from_slice(&plain).map_err(|e| KeyError::Corrupt {
            path: self.path.clone(),
            reason: format!("its contents are not rolecall's key document: {e}"),
        })?;
        if doc.version > VERSION {
            return Err(KeyError::Corrupt {
                path: self.path.clone(),
                reason: format!("it is version {}, written by a newer rolecall", doc.version),
            });
        }
        Ok(doc)
    }

    /// The passphrase: the one already used in this process, the variable's, or asked.
    fn passphrase(&self) -> Result<Secret, KeyError> {
        let mut known = self.passphrase.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(passphrase) = known.as_ref() {
            return Ok(passphrase.clone());
        }
        let prompt = format!("Passphrase for the key file {}: ", shown(&self.path));
        let asked = self.ask(&prompt)?;
        *known = Some(asked.clone());
        Ok(asked)
    }

    /// The passphrase of a file about to be made: the variable's, else asked twice.
    fn new_passphrase(&self) -> Result<Secret, KeyError> {
        let mut known = self.passphrase.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(passphrase) = known.as_ref() {
            return Ok(passphrase.clone());
        }
        let path = shown(&self.path);
        let first = self.ask(&format!("New passphrase for the key file {path}: "))?;
        let again = self.ask("The same passphrase again: ")?;
        if first != again {
            return Err(KeyError::PassphraseRefused {
                path: self.path.clone(),
                reason: "the two passphrases differ".into(),
            });
        }
        *known = Some(first.clone());
        Ok(first)
    }

    /// Asks on the terminal; an empty answer is refused.
    fn ask(&self, prompt: &str) -> Result<Secret, KeyError> {
        if !ASKING_ALLOWED.load(Ordering::Relaxed) {
            return Err(KeyError::PassphraseNotAskedHere {
                path: self.path.clone(),
            });
        }
        let answer = crate::tty::read_hidden(prompt)
            .map_err(|e| self.file_error("ask the passphrase of", e))?
            .ok_or_else(|| KeyError::NoPassphrase {
                path: self.path.clone(),
            })?;
        if answer.is_empty() {
            return Err(KeyError::PassphraseRefused {
                path: self.path.clone(),
                reason: format!("it is empty (set {PASSPHRASE_VAR}, or type one)"),
            });
        }
        Ok(Secret::new(answer.as_str()))
    }

    /// What an age error opening the file means to the person.
    fn refused(&self, err: age::DecryptError) -> KeyError {
        use age::DecryptError as E;
        let path = self.path.clone();
        match err {
            E::DecryptionFailed | E::KeyDecryptionFailed | E::NoMatchingKeys => {
                KeyError::WrongPassphrase { path }
            }
            E::ExcessiveWork { required, .. } => KeyError::Corrupt {
                path,
                reason: format!(
                    "it asks for scrypt work 2^{required}, more than the 2^{MAX_WORK_FACTOR} rolecall allows"
                ),
            },
            other => KeyError::Corrupt {
                path,
                reason: format!("not an age file rolecall can open: {other}"),
            },
        }
    }

    fn file_error(&self, action: &'static str, source: io::Error) -> KeyError {
        KeyError::File {
            path: self.path.clone(),
            action,
            source,
        }
    }
}

/// `doc` encrypted under `passphrase` at [`WORK_FACTOR`]: the file's new contents.
fn seal(doc: &KeyDocument, passphrase: &Secret) -> Vec<u8> {
    let doc = KeyDocument {
        version: VERSION,
        keys: doc.keys.clone(),
    };
    let plain = Zeroizing::new(serde_json::to_vec(&doc).expect("the key document serialises"));
    let mut recipient =
        age::scrypt::Recipient::new(SecretString::from(passphrase.expose().to_string()));
    recipient.set_work_factor(WORK_FACTOR);
    age::encrypt(&recipient, &plain).expect("age encrypts to a passphrase")
}

fn shown(path: &Path) -> String {
    crate::term_text::visible(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests;
