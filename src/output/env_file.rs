//! Dotenv files of sessions: what rolecall writes, and when it may replace a file.
//!
//! One policy for the CLI and the TUI: a file rolecall wrote (it starts with [`MARKER`])
//! is replaced without asking; a file someone else wrote is replaced only after an
//! explicit confirmation that says so (`--force` on the command line, a prompt in the
//! TUI); a symbolic link is never followed. Files are 0600 and written atomically.

use super::dotenv_lines;
use crate::fsutil::{read_no_follow, Mode, Rewrite};
use crate::session::Session;
use chrono::SecondsFormat;
use std::path::Path;

/// The first line of every file rolecall writes; its presence means rolecall may replace it.
pub const MARKER: &str = "# written by rolecall";

/// Who a file at the target path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ownership {
    /// Nothing is there yet.
    Absent,
    /// A file rolecall wrote: replaced without asking.
    Ours,
    /// Something else is there: replaced only when the user confirms it.
    Foreign,
}

/// Why a dotenv file was not written.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    #[error("{0} exists and was not written by rolecall; pass --force to replace it")]
    NotOurs(String),
    /// A symbolic link is where the file should be: never followed.
    #[error("refusing to write {0}: it is a symbolic link; remove it and try again")]
    Symlink(String),
    /// The cause is part of the message (the TUI shows one level) and not a `source`, so
    /// a chain printer does not repeat it.
    #[error("cannot write {path}: {error}")]
    Io { path: String, error: std::io::Error },
}

/// The file's contents: the marker line, then the dotenv lines.
pub fn env_file_text(session: &Session) -> String {
    let env = session.env();
    let expires = session
        .expiration()
        .map(|e| format!("; expires {}", e.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .unwrap_or_default();
    format!(
        "{MARKER} for profile {}{expires}\n{}",
        session.profile,
        dotenv_lines(&env)
    )
}

/// Whose file is at `path` (a symbolic link there is an error: it is never followed).
pub fn ownership(path: &Path) -> Result<Ownership, EnvFileError> {
    let existing = read_no_follow(path).map_err(|error| io_error(path, error))?;
    Ok(ownership_of(existing.as_deref()))
}

fn ownership_of(existing: Option<&[u8]>) -> Ownership {
    match existing {
        None => Ownership::Absent,
        Some(bytes) if bytes.starts_with(MARKER.as_bytes()) => Ownership::Ours,
        Some(_) => Ownership::Foreign,
    }
}

/// Writes the dotenv file (mode 0600, atomic, never through a symlink): one
/// [`Rewrite`], so whose file it is is decided on what the write replaces, and a file
/// saved by someone else meanwhile is kept. A file rolecall did not write is replaced only
/// with `replace_foreign`.
pub fn write_env_file(
    session: &Session,
    path: &Path,
    replace_foreign: bool,
) -> Result<(), EnvFileError> {
    let rewrite = Rewrite::begin(path).map_err(|error| io_error(path, error))?;
    if !replace_foreign && ownership_of(rewrite.current()) == Ownership::Foreign {
        return Err(EnvFileError::NotOurs(path.display().to_string()));
    }
    rewrite
        .commit(env_file_text(session).as_bytes(), Mode::Private)
        .map_err(|error| io_error(path, error))
}

/// `error` about `path`; [`crate::fsutil`] refuses a symbolic link with `InvalidInput`.
fn io_error(path: &Path, error: std::io::Error) -> EnvFileError {
    let path = path.display().to_string();
    if error.kind() == std::io::ErrorKind::InvalidInput {
        EnvFileError::Symlink(path)
    } else {
        EnvFileError::Io { path, error }
    }
}

/// Whether git would offer `path` for commit: it lies in a git work tree and no ignore
/// rule covers it (tracked or untracked). Asked of git itself (`git check-ignore`), so
/// every rule counts (nested `.gitignore`s, `info/exclude`, the global excludes file); no
/// git, or no work tree, is `false`.
pub fn git_would_offer(path: &Path) -> bool {
    let (dir, name) = dir_and_name(path);
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(name)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        // 0: ignored; 1: not ignored (in a work tree); 128: no work tree.
        .is_ok_and(|status| status.code() == Some(1))
}

/// Adds `/NAME` to the `.gitignore` beside `path` (made when missing), so git ignores
/// the file there; returns that `.gitignore`. A file that is already tracked stays
/// tracked: git ignores only untracked files.
pub fn add_to_gitignore(path: &Path) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let (dir, name) = dir_and_name(path);
    let pattern = gitignore_pattern(&name.to_string_lossy()).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} has a control character in its name: not written to .gitignore",
                path.display()
            ),
        )
    })?;
    let gitignore = dir.join(".gitignore");
    let before = std::fs::read(&gitignore).unwrap_or_default();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&gitignore)?;
    let newline = if before.is_empty() || before.ends_with(b"\n") {
        ""
    } else {
        "\n"
    };
    writeln!(file, "{newline}{pattern}")?;
    Ok(gitignore)
}

/// The `.gitignore` line that matches exactly the file `name` beside it: anchored with `/`,
/// git's wildcard and comment characters escaped, so the line ignores that one file and
/// nothing else. `None` for a name with a control character (a line end would make it two
/// lines).
fn gitignore_pattern(name: &str) -> Option<String> {
    if name.chars().any(char::is_control) {
        return None;
    }
    let mut pattern = String::from("/");
    for c in name.chars() {
        if matches!(c, '\\' | '*' | '?' | '[' | '!' | '#') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    if pattern.ends_with(' ') {
        // A trailing space is dropped unless escaped.
        pattern.insert(pattern.len() - 1, '\\');
    }
    Some(pattern)
}

/// The directory a path is in (`.` for a bare name) and its file name.
fn dir_and_name(path: &Path) -> (&Path, &std::ffi::OsStr) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    (dir, path.file_name().unwrap_or(path.as_os_str()))
}
