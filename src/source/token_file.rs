//! Tokens read from files another process rotates: EKS's service account token (web
//! identity) and its pod identity token (the container endpoint's authorization). Each is
//! read again for every call, never kept, and bounded: a file larger than any token is
//! the wrong file.
//!
//! A symlink is followed: EKS projects these files through one. Anything but a regular
//! file (a FIFO, a device) is refused rather than waited on.

use crate::secret::Secret;
use std::io::Read;
use std::path::Path;

/// The text of `file`, at most `max_bytes` of it. The error is what is wrong with the
/// file, to follow its name ("does not exist: …"); `what` names the token in it.
pub fn read_token_text(file: &Path, max_bytes: u64, what: &str) -> Result<Secret, String> {
    let mut bytes = Vec::new();
    open_regular(file, what)?
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&e, what))?;
    if bytes.len() as u64 > max_bytes {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Err(format!(
            "is larger than {max_bytes} bytes, more than {what} can be: is it the token file?"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        zeroize::Zeroize::zeroize(&mut e.into_bytes());
        format!("is not text: it should hold {what}")
    })?;
    let text = Secret::new(text);
    if text.expose().trim().is_empty() {
        return Err(format!("is empty: it should hold {what}"));
    }
    Ok(text)
}

/// Opens `file` (through a symlink) for reading; anything but a regular file (a FIFO, a
/// device) is refused, never waited on: opened non-blocking, which changes nothing for a
/// regular file.
fn open_regular(file: &Path, what: &str) -> Result<std::fs::File, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(file)
        .map_err(|e| unreadable(&e, what))?;
    let kind = opened
        .metadata()
        .map_err(|e| unreadable(&e, what))?
        .file_type();
    if !kind.is_file() {
        let kind = crate::fsutil::file_kind(kind);
        return Err(format!(
            "is not a regular file ({kind}): it should hold {what}"
        ));
    }
    Ok(opened)
}

/// Why the file could not be read, and what to check.
fn unreadable(e: &std::io::Error, what: &str) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "does not exist: check the path (on EKS, the pod's projected volume holds {what})"
        ),
        std::io::ErrorKind::PermissionDenied => {
            "cannot be read: permission denied (check its owner and mode)".into()
        }
        _ => format!("cannot be read: {e}"),
    }
}

#[cfg(test)]
mod tests;
