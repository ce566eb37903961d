//! Private files on disk: owner-only permissions, atomic replacement, no symlink following,
//! and read–modify–writes that lose nothing.
//!
//! Cached credentials are as good as a password until they expire, and the AWS config file
//! is the user's own work, so every file rolecall rewrites goes through [`Rewrite`]:
//!
//! - **Locked.** The rewrite holds an exclusive `flock` on the file's *directory* from the
//!   read to the rename. The directory is the one inode a rename does not replace (a lock on
//!   the old file would protect nothing once the new one is renamed over it), and locking it
//!   leaves no lock file behind in `~/.aws` or a project directory.
//! - **Re-checked.** Just before the rename, the file is read again: when it no longer holds
//!   exactly what the rewrite started from (an editor that takes no lock saved it), nothing
//!   is written and the error says to run again.
//! - **Owner and mode kept.** The new file gets the old one's owner and group (so a rewrite
//!   run as root does not take the user's file away) and, unless it holds secrets (always
//!   0600), its mode.
//! - **Nothing left behind.** On Linux the new contents go to an unnamed `O_TMPFILE` in the
//!   target's directory, so a crash before it is linked in leaves nothing on disk. It is
//!   linked under a temporary name only for the instant before the rename; a leftover of
//!   that instant (or of a filesystem without `O_TMPFILE`, where the temporary file has a
//!   name from the start) is removed by the next rewrite in that directory.
//! - **No symlink followed.** A symbolic link planted where the file should be is refused.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use zeroize::Zeroize;

/// Permissions of a file that holds secrets: read and write for the owner only.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// Permissions of a directory that holds secrets: owner only.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Makes a rewrite stop at one of its steps, for the crash and race tests: the value is
/// `ACTION-STEP:FILE_NAME`, with ACTION `kill` (SIGKILL, as a crash) or `stop` (SIGSTOP,
/// until the test sends SIGCONT), STEP `before-link` (contents written, nothing named yet)
/// or `before-rename` (linked under its temporary name, not yet re-checked), or one of
/// `keys import`'s steps (`after-store`: a key stored, not yet read back, FILE_NAME the
/// credentials file's; `before-rewrite`: every key stored and read back and both files'
/// edits made, this file not yet rewritten, so `kill-before-rewrite:config` stops it between
/// the credentials file's rewrite and the config file's), and FILE_NAME the target's file name. Unset, it costs one environment lookup per write.
pub const TEST_HOOK_VAR: &str = "ROLECALL_TEST_WRITE_HOOK";

/// The permissions a rewritten file gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 0600, whatever the old file had: the file holds secrets.
    Private,
    /// The old file's mode, or this one for a new file.
    KeepOr(u32),
}

/// Writes `contents` to `path` so that the file is 0600 and is replaced in one step: a
/// [`Rewrite`] that ignores what was there (locked, owner kept, nothing left behind).
/// Fails with [`io::ErrorKind::InvalidInput`] when `path` is a symbolic link: whoever
/// planted it wants the secret written somewhere else.
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with_mode(path, contents, Mode::Private)
}

/// [`write_private_atomic`] with another [`Mode`], for files that hold no secret but must
/// never be seen half-written. A symbolic link at `path` is refused all the same.
pub fn write_atomic_with_mode(path: &Path, contents: &[u8], mode: Mode) -> io::Result<()> {
    Rewrite::begin(path)?.commit(contents, mode)
}

/// An exclusive advisory lock on a directory, released when dropped.
///
/// Where the filesystem cannot lock a directory (some network filesystems), the guard holds
/// nothing: [`Rewrite`]'s re-check still refuses to overwrite a change, in a narrower window.
pub struct DirLock {
    _dir: Option<File>,
}

impl DirLock {
    /// Waits for the lock on `dir`.
    pub fn acquire(dir: &Path) -> io::Result<DirLock> {
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(dir);
        let file = match opened {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                return Ok(DirLock { _dir: None })
            }
            Err(err) => return Err(err),
        };
        loop {
            // SAFETY: the descriptor is open and owned by `file` for the duration of the call.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(DirLock { _dir: Some(file) });
            }
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::ENOLCK | libc::EBADF | libc::EOPNOTSUPP | libc::EINVAL) => {
                    return Ok(DirLock { _dir: None })
                }
                _ => return Err(err),
            }
        }
    }
}

/// One read–modify–write of a file; see the module documentation.
///
/// [`Rewrite::begin`] locks the directory and reads the file; the caller computes the new
/// contents from [`Rewrite::current`] and hands them to [`Rewrite::commit`], or drops the
/// rewrite to leave the file as it is. Don't hold one across a network call.
pub struct Rewrite {
    path: PathBuf,
    dir: PathBuf,
    /// What the file held at `begin` (`None`: there was no file); zeroised on drop.
    current: Option<Vec<u8>>,
    /// The old file's owner, group and mode.
    old: Option<(u32, u32, u32)>,
    /// Held until the rewrite is committed or dropped.
    _locked: DirLock,
}

impl Rewrite {
    /// Locks `path`'s directory, removes what crashed writers left there, and reads `path`.
    /// A symbolic link at `path` is refused ([`io::ErrorKind::InvalidInput`]).
    pub fn begin(path: &Path) -> io::Result<Rewrite> {
        refuse_symlink(path, "write")?;
        let dir = parent_dir(path);
        let locked = DirLock::acquire(&dir)?;
        remove_leftovers(&dir, path);
        let (current, old) = match open_no_follow(path)? {
            None => (None, None),
            Some(mut file) => {
                let meta = file.metadata()?;
                let mut buf = Vec::new();
                file.read_to_end(&mut buf)?;
                (
                    Some(buf),
                    Some((meta.uid(), meta.gid(), meta.mode() & 0o7777)),
                )
            }
        };
        Ok(Rewrite {
            path: path.to_path_buf(),
            dir,
            current,
            old,
            _locked: locked,
        })
    }

    /// The file's contents when the rewrite began; `None` when there was no file.
    pub fn current(&self) -> Option<&[u8]> {
        self.current.as_deref()
    }

    /// Renames the file to `aside` (a file that could not be understood, kept for a look)
    /// under the lock; the rewrite then expects no file at its path.
    pub fn move_aside(&mut self, aside: &Path) -> io::Result<()> {
        fs::rename(&self.path, aside)?;
        if let Some(mut old) = self.current.take() {
            old.zeroize();
        }
        self.old = None;
        Ok(())
    }

    /// Replaces the file with `contents`, unless it changed since [`Rewrite::begin`]: then
    /// nothing is written and the error ([`io::ErrorKind::Other`]) says to run again.
    pub fn commit(self, contents: &[u8], mode: Mode) -> io::Result<()> {
        let temp = TempFile::create(&self.dir, &self.path)?;
        self.commit_through(temp, contents, mode)
    }

    /// [`Rewrite::commit`] through `temp` (unnamed or named).
    fn commit_through(self, mut temp: TempFile, contents: &[u8], mode: Mode) -> io::Result<()> {
        let mode = match (mode, self.old) {
            (Mode::KeepOr(_), Some((_, _, old))) => old,
            (Mode::KeepOr(new), None) => new,
            (Mode::Private, _) => PRIVATE_FILE_MODE,
        };
        let written = self.fill(&mut temp, contents, mode).and_then(|()| {
            test_hook("before-link", &self.path);
            let linked = temp.link()?;
            test_hook("before-rename", &self.path);
            let replaced = self
                .check_unchanged()
                .and_then(|()| fs::rename(linked, &self.path));
            if replaced.is_err() {
                let _ = fs::remove_file(linked);
            }
            replaced
        });
        if let Err(err) = written {
            temp.discard();
            return Err(err);
        }
        // Make the rename itself durable. Some filesystems cannot fsync a directory; the file
        // is already in place by now, so that is not worth failing for.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Writes the contents, gives them the old file's owner and the mode, and flushes them.
    fn fill(&self, temp: &mut TempFile, contents: &[u8], mode: u32) -> io::Result<()> {
        let file = &mut temp.file;
        file.write_all(contents)?;
        if let Some((uid, gid, _)) = self.old {
            keep_owner(file, uid, gid)?;
        }
        // After fchown, which clears set-id bits; the umask never applies to fchmod.
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.sync_all()
    }

    /// Fails when the file no longer holds what the rewrite read.
    fn check_unchanged(&self) -> io::Result<()> {
        let mut now = match open_no_follow(&self.path)? {
            None => None,
            Some(mut file) => {
                let mut buf = Vec::new();
                file.read_to_end(&mut buf)?;
                Some(buf)
            }
        };
        let same = now == self.current;
        if let Some(bytes) = now.as_mut() {
            bytes.zeroize();
        }
        if same {
            Ok(())
        } else {
            Err(io::Error::other(
                "it changed on disk while rolecall was updating it (another program saved it); \
                 nothing was written, so check it and run the command again",
            ))
        }
    }
}

impl Drop for Rewrite {
    fn drop(&mut self) {
        if let Some(bytes) = self.current.as_mut() {
            bytes.zeroize();
        }
    }
}

/// Gives `file` the owner and group `uid`:`gid` when it has others. A group that cannot be
/// kept is let go when the file stays ours; an owner that cannot be kept is an error, since
/// the new file would take the old one away from its owner.
fn keep_owner(file: &File, uid: u32, gid: u32) -> io::Result<()> {
    let meta = file.metadata()?;
    if (meta.uid(), meta.gid()) == (uid, gid) {
        return Ok(());
    }
    // SAFETY: the descriptor is open and owned by `file` for the duration of the call.
    if unsafe { libc::fchown(file.as_raw_fd(), uid, gid) } == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    if meta.uid() == uid {
        return Ok(());
    }
    Err(io::Error::new(
        err.kind(),
        format!(
            "it belongs to user id {uid} and the new file could not be given to that user \
             ({err}); nothing was written, so run rolecall as that user"
        ),
    ))
}

/// The new contents on their way in: unnamed (`O_TMPFILE`) where the filesystem allows it,
/// else a named temporary file created exclusively.
struct TempFile {
    file: File,
    dir: PathBuf,
    target: PathBuf,
    /// The temporary name, once there is one.
    name: Option<PathBuf>,
}

impl TempFile {
    fn create(dir: &Path, target: &Path) -> io::Result<TempFile> {
        if let Some(file) = open_unnamed(dir)? {
            return Ok(TempFile {
                file,
                dir: dir.to_path_buf(),
                target: target.to_path_buf(),
                name: None,
            });
        }
        Self::named(dir, target)
    }

    /// A named temporary file: where there is no unnamed one.
    fn named(dir: &Path, target: &Path) -> io::Result<TempFile> {
        let (name, file) = create_temp(dir, target)?;
        Ok(TempFile {
            file,
            dir: dir.to_path_buf(),
            target: target.to_path_buf(),
            name: Some(name),
        })
    }

    /// The file's name in the directory: links the unnamed file under a temporary name.
    fn link(&mut self) -> io::Result<&Path> {
        if self.name.is_none() {
            self.name = Some(link_unnamed(&self.file, &self.dir, &self.target)?);
        }
        Ok(self.name.as_deref().expect("named above"))
    }

    /// Removes the temporary name, if there is one (an unnamed file vanishes on close).
    fn discard(self) {
        if let Some(name) = &self.name {
            let _ = fs::remove_file(name);
        }
    }
}

/// An unnamed 0600 file in `dir`; `None` where the platform or filesystem has no `O_TMPFILE`
/// or `/proc` (which linking it in needs) is not mounted.
#[cfg(target_os = "linux")]
fn open_unnamed(dir: &Path) -> io::Result<Option<File>> {
    if !Path::new("/proc/self/fd").is_dir() {
        return Ok(None);
    }
    let opened = OpenOptions::new()
        .write(true)
        .mode(PRIVATE_FILE_MODE)
        .custom_flags(libc::O_TMPFILE | libc::O_CLOEXEC)
        .open(dir);
    match opened {
        Ok(file) => Ok(Some(file)),
        // Kernels and filesystems without O_TMPFILE say so in one of these ways.
        Err(err)
            if matches!(
                err.raw_os_error(),
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_unnamed(_dir: &Path) -> io::Result<Option<File>> {
    Ok(None)
}

/// Links the unnamed `file` into `dir` under a fresh temporary name for `target`.
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, dir: &Path, target: &Path) -> io::Result<PathBuf> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let proc_path =
        CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).expect("no NUL in a number");
    let mut attempts = 0;
    loop {
        let name = temp_name(dir, target);
        let c_name = CString::new(name.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a file name"))?;
        // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
        let linked = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc_path.as_ptr(),
                libc::AT_FDCWD,
                c_name.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if linked == 0 {
            return Ok(name);
        }
        let err = io::Error::last_os_error();
        // A leftover of a crashed process with a recycled pid; take the next name.
        if err.kind() == io::ErrorKind::AlreadyExists && attempts < 100 {
            attempts += 1;
            continue;
        }
        return Err(err);
    }
}

#[cfg(not(target_os = "linux"))]
fn link_unnamed(_file: &File, _dir: &Path, _target: &Path) -> io::Result<PathBuf> {
    unreachable!("open_unnamed never returns a file here")
}

/// `.<name>.tmp-<pid>-<n>` next to `target`: the one pattern [`remove_leftovers`] removes.
fn temp_name(dir: &Path, target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        ".{}.tmp-{}-{n}",
        file_name(target),
        std::process::id()
    ))
}

fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into())
}

/// Removes the temporary files of `target` that crashed writers left in `dir`: regular files
/// named exactly `.<name>.tmp-<pid>-<n>` whose process is gone. They may hold secrets. The
/// caller holds the directory's lock, so no live rolecall is between naming one and renaming.
fn remove_leftovers(dir: &Path, target: &Path) {
    let prefix = format!(".{}.tmp-", file_name(target));
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(leftover_pid)
        else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The pid in `<pid>-<n>`, when the rest is exactly that.
fn leftover_pid(rest: &str) -> Option<i32> {
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n))
        .then(|| pid.parse().ok())
        .flatten()
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; it sends nothing.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// See [`TEST_HOOK_VAR`].
pub fn test_hook(step: &str, target: &Path) {
    let Some(spec) = std::env::var_os(TEST_HOOK_VAR) else {
        return;
    };
    let spec = spec.to_string_lossy();
    let Some((action_step, name)) = spec.split_once(':') else {
        return;
    };
    if name != file_name(target) {
        return;
    }
    let signal = match action_step.split_once('-') {
        Some(("kill", s)) if s == step => libc::SIGKILL,
        Some(("stop", s)) if s == step => libc::SIGSTOP,
        _ => return,
    };
    // SAFETY: raise has no preconditions; SIGSTOP returns once the process is continued.
    unsafe { libc::raise(signal) };
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

/// Checks, changing nothing, that `path` is a directory [`ensure_private_dir`] would keep
/// as it is: not a symbolic link, the user's own, open to nobody else. For a file that is
/// read from it and trusted (who can write the directory can put any file there).
pub fn check_private_dir(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(refusal(path, "trust", "it is a symbolic link"));
    }
    if !meta.is_dir() {
        return Err(refusal(path, "trust", "it is not a directory"));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        let why = format!("it belongs to user id {}, not to you", meta.uid());
        return Err(refusal(path, "trust", &why));
    }
    if meta.mode() & 0o077 != 0 {
        let why = format!("its mode is {:o}, open to others", meta.mode() & 0o777);
        return Err(refusal(path, "trust", &why));
    }
    Ok(())
}

/// The most [`read_no_follow`] reads: every cache file rolecall reads is a few KiB; more
/// is not a file rolecall wrote.
pub const MAX_READ_BYTES: u64 = 1 << 20;

/// Reads the whole of `path` without following a symbolic link; `None` when it does not exist.
///
/// A symbolic link at `path` is an error ([`io::ErrorKind::InvalidInput`]) naming the path,
/// and so is anything but a regular file (a FIFO, a device: never waited on) and a file
/// larger than [`MAX_READ_BYTES`].
pub fn read_no_follow(path: &Path) -> io::Result<Option<Vec<u8>>> {
    read_no_follow_at_most(path, MAX_READ_BYTES)
}

/// [`read_no_follow`] for a file that may hold up to `max_bytes`.
pub fn read_no_follow_at_most(path: &Path, max_bytes: u64) -> io::Result<Option<Vec<u8>>> {
    let Some(file) = open_no_follow(path)? else {
        return Ok(None);
    };
    let too_large = || {
        refusal(
            path,
            "read",
            &format!("it is larger than the {max_bytes} bytes rolecall reads; remove it"),
        )
    };
    if file.metadata()?.len() > max_bytes {
        return Err(too_large());
    }
    let mut buf = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max_bytes {
        buf.zeroize();
        return Err(too_large());
    }
    Ok(Some(buf))
}

/// Opens the regular file at `path` for reading without following a symbolic link; `None`
/// when it does not exist. Opened non-blocking, so that a FIFO planted there is refused
/// instead of waited on (for a regular file the flag changes nothing).
fn open_no_follow(path: &Path) -> io::Result<Option<File>> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refusal(path, "read", "it is a symbolic link; remove it"))
        }
        Err(err) => return Err(err),
    };
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        let why = format!("it is not a regular file ({}); remove it", file_kind(kind));
        return Err(refusal(path, "read", &why));
    }
    Ok(Some(file))
}

/// What a file that is not a regular file is, for an error.
pub fn file_kind(kind: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "something else"
    }
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

/// Creates a named temporary file for `target` in `dir` (see [`temp_name`]), exclusively,
/// 0600, not through a symlink: where there is no unnamed one.
fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    let mut attempts = 0;
    loop {
        let tmp_path = temp_name(dir, target);
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE_FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp_path);
        match opened {
            Ok(file) => return Ok((tmp_path, file)),
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
mod tests;
