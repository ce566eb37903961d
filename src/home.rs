//! The user's home directory, where the AWS CLI's caches live: `HOME` when it names an
//! absolute path, else the user database's entry for this user (`getpwuid_r`), as the AWS
//! CLI's `os.path.expanduser` falls back to it. Never a relative path: with `HOME` unset,
//! `.aws/...` under the current directory would read whatever a cloned repository planted
//! there.

use std::ffi::{CStr, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// The home directory: `home` (the value of `HOME`) when absolute, else the user
/// database's; `None` when neither names an absolute path.
pub fn home_dir(home: Option<OsString>) -> Option<PathBuf> {
    home.map(PathBuf::from)
        .filter(|h| h.is_absolute())
        .or_else(user_database_home)
}

/// The home directory of the effective user in the user database (`/etc/passwd`, NSS).
fn user_database_home() -> Option<PathBuf> {
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: an all-zero `passwd` is a valid value (null pointers, zero ids).
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is to a live local; `buf.len()` is the buffer's size.
        let rc = unsafe {
            libc::getpwuid_r(
                libc::geteuid(),
                &mut entry,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() || entry.pw_dir.is_null() {
            return None;
        }
        // SAFETY: on success `pw_dir` points to a NUL-terminated string inside `buf`.
        let dir = unsafe { CStr::from_ptr(entry.pw_dir) };
        let dir = PathBuf::from(OsStr::from_bytes(dir.to_bytes()));
        return dir.is_absolute().then_some(dir);
    }
}

#[cfg(test)]
mod tests;
