//! Private files on disk: owner-only permissions, atomic replacement, no symlink following.
//!
//! Cached credentials are as good as a password until they expire, so every file that holds
//! them goes through here: it is written to a fresh 0600 temporary file in the same directory
//! and renamed into place (readers see the old or the new contents, never a torn write),
//! and a symbolic link planted where the file or its directory should be is refused rather
//! than followed to wherever it points.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Permissions of a file that holds secrets: read and write for the owner only.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// Permissions of a directory that holds secrets: owner only.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Writes `contents` to `path` so that the file is 0600 and is replaced in one step.
///
/// The data goes to a new temporary file next to `path` (created with
/// `O_CREAT|O_EXCL|O_NOFOLLOW`, so nothing already there is reused), is flushed to disk and
/// then renamed over `path`. Fails with [`io::ErrorKind::InvalidInput`] when `path` is a
/// symbolic link: whoever planted it wants the secret written somewhere else.
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with_mode(path, contents, PRIVATE_FILE_MODE)
}

/// [`write_private_atomic`] with another mode, for files that hold no secret but must never
/// be seen half-written (the AWS config file `rolecall sso sync` edits keeps its own mode).
/// A symbolic link at `path` is refused all the same: resolve it first to write its target.
pub fn write_atomic_with_mode(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    refuse_symlink(path, "write")?;
    let dir = parent_dir(path);
    let (tmp_path, mut tmp) = create_temp(&dir, path)?;
    let written = tmp
        .set_permissions(fs::Permissions::from_mode(mode))
        .and_then(|()| tmp.write_all(contents))
        .and_then(|()| tmp.sync_all())
        .and_then(|()| fs::rename(&tmp_path, path));
    drop(tmp);
    if let Err(err) = written {
        let _ = fs::remove_file(&tmp_path);
        return Err(err);
    }
    // Make the rename itself durable. Some filesystems cannot fsync a directory; the file
    // is already in place by now, so that is not worth failing for.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `path` as a 0700 directory, or checks an existing one and tightens it to 0700.
///
/// Missing parents are created with default permissions. Refuses a symbolic link, something
/// that is not a directory, and a directory owned by another user (who could swap the files
/// inside it).
pub fn ensure_private_dir(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)?;
            }
            match fs::DirBuilder::new().mode(PRIVATE_DIR_MODE).create(path) {
                Ok(()) => {}
                // Another process created it between the check and here; verify it below.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err),
            }
        }
        Err(err) => return Err(err),
    }
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(refusal(
            path,
            "use it as a private directory",
            "it is a symbolic link; remove it or choose another directory",
        ));
    }
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and is not a directory; move it away or choose another directory",
                path.display()
            ),
        ));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "refusing to use {}: it belongs to user id {}, not to you (user id {me}); \
                 remove it or choose another directory",
                path.display(),
                meta.uid()
            ),
        ));
    }
    // Also covers a umask that took bits away from the mode we asked for.
    if meta.mode() & 0o777 != PRIVATE_DIR_MODE {
        fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE_DIR_MODE))?;
    }
    Ok(())
}

/// Reads the whole of `path` without following a symbolic link; `None` when it does not exist.
///
/// A symbolic link at `path` is an error ([`io::ErrorKind::InvalidInput`]) naming the path.
pub fn read_no_follow(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path);
    let mut file = match opened {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refusal(path, "read", "it is a symbolic link; remove it"))
        }
        Err(err) => return Err(err),
    };
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(Some(buf))
}

/// Opens (creating if needed) a 0600 file without following a symbolic link, for use as a lock.
pub fn open_private_no_follow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(PRIVATE_FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|err| {
            if err.raw_os_error() == Some(libc::ELOOP) {
                refusal(path, "open", "it is a symbolic link; remove it")
            } else {
                err
            }
        })
}

fn refuse_symlink(path: &Path, action: &str) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(refusal(
            path,
            action,
            "it is a symbolic link; remove it and try again",
        )),
        _ => Ok(()),
    }
}

fn refusal(path: &Path, action: &str, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("refusing to {action} {}: {why}", path.display()),
    )
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates `.<name>.tmp-<pid>-<n>` next to `target`, exclusively, 0600, not through a symlink.
fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let pid = std::process::id();
    let mut attempts = 0;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp_path = dir.join(format!(".{name}.tmp-{pid}-{n}"));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE_FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp_path);
        match opened {
            Ok(file) => {
                // The umask may have removed bits (never added any); make it exactly 0600.
                if let Err(err) =
                    file.set_permissions(fs::Permissions::from_mode(PRIVATE_FILE_MODE))
                {
                    let _ = fs::remove_file(&tmp_path);
                    return Err(err);
                }
                return Ok((tmp_path, file));
            }
            // A leftover from a crashed process with a recycled pid; take the next name.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                attempts += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Each file's modification time (`None` when it cannot be read): what the TUI and the
/// backend compare to notice that the AWS config files changed on disk.
pub fn modification_times(paths: &[PathBuf]) -> Vec<Option<std::time::SystemTime>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().mode() & 0o777
    }

    #[test]
    fn writes_0600_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_private_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["f"]);
    }

    #[test]
    fn writes_with_a_given_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        write_atomic_with_mode(&path, b"[default]\n", 0o644).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"[default]\n");
        assert_eq!(mode(&path), 0o644);
        let link = dir.path().join("link");
        symlink(&path, &link).unwrap();
        assert!(write_atomic_with_mode(&link, b"x", 0o644).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"[default]\n");
    }

    #[test]
    fn refuses_symlink_and_leaves_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link");
        symlink(&target, &link).unwrap();
        let err = write_private_atomic(&link, b"secret").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(
            err.to_string().contains(&link.display().to_string()),
            "{err}"
        );
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn read_no_follow_cases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        assert_eq!(read_no_follow(&path).unwrap(), None);
        fs::write(&path, b"x").unwrap();
        assert_eq!(read_no_follow(&path).unwrap(), Some(b"x".to_vec()));
        let link = dir.path().join("link");
        symlink(&path, &link).unwrap();
        let err = read_no_follow(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }

    #[test]
    fn private_dir_created_tightened_and_symlink_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b");
        ensure_private_dir(&p).unwrap();
        assert_eq!(mode(&p), 0o700);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&p).unwrap();
        assert_eq!(mode(&p), 0o700);

        let link = dir.path().join("link");
        symlink(&p, &link).unwrap();
        let err = ensure_private_dir(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");

        let file = dir.path().join("file");
        fs::write(&file, b"").unwrap();
        assert!(ensure_private_dir(&file).is_err());
    }
}
