//! The session cache on disk: `sessions.json` in a private directory.
//!
//! Sessions outlive the process that obtained them so that the next `rolecall` run (or the
//! other terminal) does not ask for another MFA code. Every read-modify-write is an
//! [`fsutil::Rewrite`] (the directory locked, the file re-checked before it is replaced), so
//! two processes saving at once both keep their session; the file itself is replaced
//! atomically, so readers never need the lock. A file that cannot be parsed is a cache miss,
//! not a failure: it is renamed aside and reported, and `sessions clear` removes those copies
//! too. A file written by a newer rolecall (a higher format version) is never touched: this
//! one keeps its sessions in memory and says to upgrade.
//!
//! A session is stored under its profile, kind and fingerprint (what determined it), so a
//! changed profile never finds its old session, which stays listed (as stale) until it
//! expires. Nothing is lost when the disk cannot be used: a store whose directory is
//! unusable keeps sessions in memory, and a session whose save fails is kept in memory
//! too, for as long as the process runs (the caller warns that it was not cached).

use super::{Session, SessionKey};
use crate::fsutil;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;
use zeroize::Zeroize;

/// A session this close to expiring is refreshed before use, so a command started with it
/// does not fail halfway through.
pub const REFRESH_MARGIN: TimeDelta = TimeDelta::seconds(300);

/// Expired sessions are kept this long (to show "expired 10m ago") and then dropped on save.
pub const PRUNE_AFTER: TimeDelta = TimeDelta::seconds(3600);

/// The file format version written to `sessions.json`. Version 1 files (sessions without a
/// fingerprint) are still read; their sessions are never reused, only listed as stale.
pub const FORMAT_VERSION: u32 = 2;

const FILE_NAME: &str = "sessions.json";

/// The largest `sessions.json` read: thousands of sessions. A larger one is not ours.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// True when `session` has expired or expires within [`REFRESH_MARGIN`] of `now`;
/// false for sessions that never expire.
pub fn needs_refresh(session: &Session, now: DateTime<Utc>) -> bool {
    session
        .expiration()
        .is_some_and(|exp| exp - now <= REFRESH_MARGIN)
}

/// Why the session cache could not be used. Messages name the path and what to do;
/// they never contain credentials.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "cannot use session cache directory {path}: {source} \
         (fix it, or set ROLECALL_CACHE_DIR to another directory)"
    )]
    Dir { path: PathBuf, source: io::Error },
    #[error("cannot read session cache {path}: {source} (check its permissions, or delete it)")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "cannot write session cache {path}: {source} \
         (check that the directory is yours, writable and not full)"
    )]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "session cache {path} was written by a newer rolecall (format version {version}; this \
         one reads up to {FORMAT_VERSION}), so it is left as it is: upgrade rolecall to use it"
    )]
    Newer { path: PathBuf, version: u32 },
    #[error(
        "session cache {path} is corrupt and could not be moved aside to {aside}: {source} \
         (delete {path})"
    )]
    SetAside {
        path: PathBuf,
        aside: PathBuf,
        source: io::Error,
    },
    #[error("cannot encode sessions for {path}: {source}")]
    Encode {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// What [`SessionStore::load`] found: the sessions, sorted by profile, and anything the user
/// should be told (a corrupt file that was set aside).
#[derive(Debug, Default)]
pub struct Loaded {
    pub sessions: Vec<Session>,
    pub warnings: Vec<String>,
}

/// The on-disk session cache in one directory; see the module documentation.
#[derive(Clone, Debug)]
pub struct SessionStore {
    /// `None`: the directory could not be used, sessions live in memory only.
    dir: Option<PathBuf>,
    /// Sessions that could not be written to disk (shared by clones).
    unsaved: std::sync::Arc<std::sync::Mutex<Vec<Session>>>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    sessions: &'a [Session],
}

#[derive(Deserialize)]
struct FileIn {
    version: u32,
    sessions: Vec<Session>,
}

impl SessionStore {
    /// Where the cache lives unless told otherwise: `$ROLECALL_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/rolecall`, else `$HOME/.cache/rolecall`. Empty values count as unset
    /// and a relative `XDG_CACHE_HOME` is ignored, as the XDG spec says.
    pub fn default_dir() -> PathBuf {
        default_dir_from(
            std::env::var_os("ROLECALL_CACHE_DIR"),
            std::env::var_os("XDG_CACHE_HOME"),
            crate::home::home_dir(std::env::var_os("HOME")).map(Into::into),
        )
    }

    /// Opens the cache in `dir`, creating it 0700 (or tightening it to 0700) if needed.
    /// A `sessions.json` written by a newer rolecall is an error ([`StoreError::Newer`]).
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let dir = dir.into();
        fsutil::ensure_private_dir(&dir).map_err(|source| StoreError::Dir {
            path: dir.clone(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        if let Ok(Some(mut bytes)) = fsutil::read_no_follow_at_most(&path, MAX_FILE_BYTES) {
            let version = newer_version(&bytes);
            bytes.zeroize();
            if let Some(version) = version {
                return Err(StoreError::Newer { path, version });
            }
        }
        Ok(SessionStore {
            dir: Some(dir),
            unsaved: Default::default(),
        })
    }

    /// A store that keeps sessions in this process's memory only.
    pub fn memory() -> Self {
        SessionStore {
            dir: None,
            unsaved: Default::default(),
        }
    }

    /// [`SessionStore::open`], or, when `dir` cannot be used, a memory-only store and the
    /// warning to show once: a cache that does not work must not stop anyone.
    pub fn open_or_memory(dir: impl Into<PathBuf>) -> (Self, Option<String>) {
        match Self::open(dir) {
            Ok(store) => (store, None),
            Err(e) => (
                Self::memory(),
                Some(format!(
                    "sessions are not cached (kept in memory only): {e}"
                )),
            ),
        }
    }

    /// The directory this store keeps its files in (`None` for a memory-only store).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn disk_dir(&self) -> &Path {
        self.dir.as_deref().unwrap_or(Path::new("."))
    }

    /// The path of `sessions.json`.
    pub fn file_path(&self) -> PathBuf {
        self.disk_dir().join(FILE_NAME)
    }

    /// Every cached session, sorted by profile. A missing file is an empty cache; a corrupt
    /// one is renamed to `sessions.json.corrupt-<unix-seconds>` and reported in `warnings`;
    /// one that cannot be read at all is reported there too. Sessions kept in memory
    /// (unsaved) are included.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let mut loaded = self.load_disk().unwrap_or_else(|e| Loaded {
            sessions: Vec::new(),
            warnings: vec![e.to_string()],
        });
        let unsaved = self.unsaved.lock().unwrap_or_else(|e| e.into_inner());
        if !unsaved.is_empty() {
            loaded
                .sessions
                .retain(|s| !unsaved.iter().any(|u| u.key() == s.key()));
            loaded.sessions.extend(unsaved.iter().cloned());
            sort(&mut loaded.sessions);
        }
        Ok(loaded)
    }

    fn load_disk(&self) -> Result<Loaded, StoreError> {
        if self.dir.is_none() {
            return Ok(Loaded::default());
        }
        // The file is only ever replaced by rename, so an unlocked read sees a whole file.
        if let Some(sessions) = self.read()? {
            return Ok(Loaded {
                sessions,
                warnings: Vec::new(),
            });
        }
        // Corrupt: decide again under the lock, so we never set aside a good file that
        // another process wrote since our read.
        let mut rewrite = self.begin()?;
        self.load_locked(&mut rewrite)
    }

    /// The cached session with `key`, if any (expired ones included; see
    /// [`needs_refresh`]). Call [`SessionStore::load`] to see warnings.
    pub fn get(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        Ok(self.load()?.sessions.into_iter().find(|s| s.has_key(key)))
    }

    /// Stores `session`, replacing the one with the same key, and drops other sessions
    /// that expired more than [`PRUNE_AFTER`] ago. When the disk cannot take it, the
    /// session is kept in memory and the error returned (for a warning).
    pub fn save(&self, session: &Session) -> Result<(), StoreError> {
        self.save_at(session, Utc::now())
    }

    /// [`SessionStore::save`] with an explicit clock.
    pub fn save_at(&self, session: &Session, now: DateTime<Utc>) -> Result<(), StoreError> {
        let key = session.key();
        let mut unsaved = self.unsaved.lock().unwrap_or_else(|e| e.into_inner());
        unsaved.retain(|s| !s.has_key(&key));
        if self.dir.is_none() {
            unsaved.push(session.clone());
            return Ok(());
        }
        let written = (|| {
            let mut rewrite = self.begin()?;
            let mut sessions = self.load_locked(&mut rewrite)?.sessions;
            sessions.retain(|s| {
                !s.has_key(&key) && s.expiration().is_none_or(|exp| now - exp <= PRUNE_AFTER)
            });
            sessions.push(session.clone());
            self.write(rewrite, &mut sessions)
        })();
        if written.is_err() {
            unsaved.push(session.clone());
        }
        written
    }

    /// Forgets the sessions (both kinds, every fingerprint) of `profile`, or every session
    /// when `None`. Returns how many were removed.
    pub fn remove(&self, profile: Option<&str>) -> Result<usize, StoreError> {
        self.remove_where(|s| profile.is_none_or(|p| s.profile == p))
    }

    /// Forgets the one session with `key`; returns whether it was there.
    pub fn remove_key(&self, key: &SessionKey) -> Result<bool, StoreError> {
        Ok(self.remove_where(|s| s.has_key(key))? > 0)
    }

    fn remove_where(&self, doomed: impl Fn(&Session) -> bool) -> Result<usize, StoreError> {
        let mut removed = {
            let mut unsaved = self.unsaved.lock().unwrap_or_else(|e| e.into_inner());
            let before = unsaved.len();
            unsaved.retain(|s| !doomed(s));
            before - unsaved.len()
        };
        if self.dir.is_none() {
            return Ok(removed);
        }
        let mut rewrite = self.begin()?;
        let mut sessions = self.load_locked(&mut rewrite)?.sessions;
        let before = sessions.len();
        sessions.retain(|s| !doomed(s));
        let from_disk = before - sessions.len();
        if from_disk > 0 {
            self.write(rewrite, &mut sessions)?;
        }
        removed += from_disk;
        Ok(removed)
    }

    /// Removes the copies of `sessions.json` that were set aside as corrupt (they may hold
    /// secrets); returns how many there were. What `sessions clear` does besides forgetting.
    pub fn remove_set_aside(&self) -> Result<usize, StoreError> {
        let Some(dir) = self.dir.as_deref() else {
            return Ok(0);
        };
        let entries = std::fs::read_dir(dir).map_err(|source| StoreError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let prefix = format!("{FILE_NAME}.corrupt-");
        let mut removed = 0;
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|source| StoreError::Write { path, source })?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Starts a read–modify–write of `sessions.json` (the directory locked).
    fn begin(&self) -> Result<fsutil::Rewrite, StoreError> {
        let path = self.file_path();
        fsutil::Rewrite::begin(&path).map_err(|source| StoreError::Read { path, source })
    }

    /// Reads and parses the file: `Ok(None)` when it is corrupt.
    fn read(&self) -> Result<Option<Vec<Session>>, StoreError> {
        let path = self.file_path();
        let Some(mut bytes) =
            fsutil::read_no_follow_at_most(&path, MAX_FILE_BYTES).map_err(|source| {
                StoreError::Read {
                    path: path.clone(),
                    source,
                }
            })?
        else {
            return Ok(Some(Vec::new()));
        };
        let parsed = classify(&bytes);
        bytes.zeroize();
        match parsed {
            Parsed::Sessions(sessions) => Ok(Some(sorted(sessions))),
            Parsed::Newer(version) => Err(StoreError::Newer { path, version }),
            Parsed::Corrupt(_) => Ok(None),
        }
    }

    /// The sessions `rewrite` read, setting a corrupt file aside; a newer one is an error.
    fn load_locked(&self, rewrite: &mut fsutil::Rewrite) -> Result<Loaded, StoreError> {
        let path = self.file_path();
        let Some(bytes) = rewrite.current() else {
            return Ok(Loaded::default());
        };
        match classify(bytes) {
            Parsed::Sessions(sessions) => Ok(Loaded {
                sessions: sorted(sessions),
                warnings: Vec::new(),
            }),
            Parsed::Newer(version) => Err(StoreError::Newer { path, version }),
            Parsed::Corrupt(why) => {
                let aside = self.set_aside(rewrite, &path)?;
                Ok(Loaded {
                    sessions: Vec::new(),
                    warnings: vec![format!(
                        "session cache {} was unreadable ({why}); moved it to {} and started \
                         an empty cache (`rolecall sessions clear` removes it)",
                        path.display(),
                        aside.display()
                    )],
                })
            }
        }
    }

    fn set_aside(&self, rewrite: &mut fsutil::Rewrite, path: &Path) -> Result<PathBuf, StoreError> {
        let secs = Utc::now().timestamp();
        let base = format!("{FILE_NAME}.corrupt-{secs}");
        let dir = self.disk_dir();
        let mut aside = dir.join(&base);
        let mut n = 1;
        while std::fs::symlink_metadata(&aside).is_ok() {
            aside = dir.join(format!("{base}-{n}"));
            n += 1;
        }
        rewrite
            .move_aside(&aside)
            .map_err(|source| StoreError::SetAside {
                path: path.to_path_buf(),
                aside: aside.clone(),
                source,
            })?;
        Ok(aside)
    }

    fn write(&self, rewrite: fsutil::Rewrite, sessions: &mut [Session]) -> Result<(), StoreError> {
        let path = self.file_path();
        sort(sessions);
        let file = FileOut {
            version: FORMAT_VERSION,
            sessions,
        };
        let mut bytes = serde_json::to_vec_pretty(&file).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source,
        })?;
        bytes.push(b'\n');
        let written = rewrite.commit(&bytes, fsutil::Mode::Private);
        bytes.zeroize();
        written.map_err(|source| StoreError::Write { path, source })
    }
}

/// What a `sessions.json` holds, as far as this rolecall can tell.
enum Parsed {
    Sessions(Vec<Session>),
    /// Written by a newer rolecall, in this format version: not ours to touch.
    Newer(u32),
    /// Not a file this or any rolecall wrote; why, without quoting it.
    Corrupt(String),
}

fn classify(bytes: &[u8]) -> Parsed {
    if let Some(version) = newer_version(bytes) {
        return Parsed::Newer(version);
    }
    match parse(bytes) {
        Ok(sessions) => Parsed::Sessions(sessions),
        Err(why) => Parsed::Corrupt(why),
    }
}

/// The format version of a file whose `version` is higher than [`FORMAT_VERSION`]: its
/// other fields may be anything, so only the version is read.
fn newer_version(bytes: &[u8]) -> Option<u32> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let file: Version = serde_json::from_slice(bytes).ok()?;
    (file.version > FORMAT_VERSION).then_some(file.version)
}

/// Parses a `sessions.json`; the error says where it went wrong but never quotes the
/// contents, which may hold secrets.
pub fn parse(bytes: &[u8]) -> Result<Vec<Session>, String> {
    match serde_json::from_slice::<FileIn>(bytes) {
        // Version 1 lacks fingerprints: its sessions load with an empty one (never reused).
        Ok(file) if file.version == FORMAT_VERSION || file.version == 1 => Ok(file.sessions),
        Ok(file) => Err(format!(
            "format version {} is not the supported {FORMAT_VERSION}",
            file.version
        )),
        Err(e) => Err(format!(
            "invalid {:?} at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        )
        .to_lowercase()),
    }
}

/// By profile, then kind (profile sessions first), then newest first.
pub fn sort(sessions: &mut [Session]) {
    sessions.sort_by(|a, b| {
        (&a.profile, a.kind)
            .cmp(&(&b.profile, b.kind))
            .then(b.obtained.cmp(&a.obtained))
    });
}

fn sorted(mut sessions: Vec<Session>) -> Vec<Session> {
    sort(&mut sessions);
    sessions
}

fn non_empty(v: Option<OsString>) -> Option<OsString> {
    v.filter(|v| !v.is_empty())
}

fn default_dir_from(
    rolecall: Option<OsString>,
    xdg_cache: Option<OsString>,
    home: Option<OsString>,
) -> PathBuf {
    if let Some(dir) = non_empty(rolecall) {
        return PathBuf::from(dir);
    }
    if let Some(xdg) = non_empty(xdg_cache).map(PathBuf::from) {
        if xdg.is_absolute() {
            return xdg.join("rolecall");
        }
    }
    if let Some(home) = non_empty(home) {
        return PathBuf::from(home).join(".cache").join("rolecall");
    }
    // No home at all (a bare service account): a per-user directory under the temp dir;
    // `open` refuses it if another user created it first.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    std::env::temp_dir().join(format!("rolecall-{uid}"))
}

#[cfg(test)]
mod tests;
