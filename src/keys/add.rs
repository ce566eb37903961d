//! `rolecall keys add`'s edit of the files: the profile pointed at rolecall's
//! `credential_process` bridge, so the AWS CLI and the SDKs use the key just stored.
//!
//! The line goes where the AWS CLI reads the profile: the credentials file's `[PROFILE]`
//! when the profile's keys or section live there, else the config file's
//! `[profile PROFILE]` (`[default]`), a new section at its end when the profile exists
//! nowhere. Each file is rewritten as `keys import` rewrites it ([`fsutil::Rewrite`]:
//! locked, atomic, every other byte kept).

use super::import::{bridge_line, link_target};
use crate::fsutil;
use crate::profile::bridge::bridged_profile;
use crate::profile::key_lines::{add_profile_line, has_profile_section};
use crate::profile::{writable, FileKind, ProfileGraph};
use crate::source::process::program_name;
use std::path::PathBuf;

/// What `keys add` does to the files, decided before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgePlan {
    /// The profile already runs its own bridge: nothing to write.
    Present,
    /// This `credential_process` line is to be written.
    Write(String),
}

/// What `keys add PROFILE` will write on the files, or why it must not store the key: the
/// profile already runs another `credential_process`, which the bridge would replace.
pub fn plan_bridge(
    graph: &ProfileGraph,
    profile: &str,
    program: &str,
) -> Result<BridgePlan, String> {
    let current = graph
        .get(profile)
        .and_then(|p| p.credential_process.as_deref());
    match current {
        Some(command) if bridged_profile(command).as_deref() == Some(profile) => {
            Ok(BridgePlan::Present)
        }
        Some(command) => Err(format!(
            "profile '{}' already gets its credentials from credential_process (it runs {}): \
             nothing stored. Remove that line from the profile first if its key should be kept \
             by rolecall",
            crate::term_text::visible(profile),
            writable::shown(&program_name(command))
        )),
        None => bridge_line(program, profile).map(BridgePlan::Write),
    }
}

/// Writes `line` on `profile` (see the module documentation); the file written.
pub fn write_bridge(graph: &ProfileGraph, profile: &str, line: &str) -> Result<PathBuf, String> {
    let in_credentials = graph
        .get(profile)
        .and_then(|p| p.static_keys)
        .is_some_and(|k| k.in_credentials);
    if let Some(done) = add_to(graph, FileKind::Credentials, profile, line, in_credentials)? {
        return Ok(done);
    }
    add_to(graph, FileKind::Config, profile, line, true).map(|done| done.expect("always written"))
}

/// Adds `line` to `profile` in `file`: when the file has the profile's section, or always
/// (`always`, a new section at the end). `None` when nothing was written.
fn add_to(
    graph: &ProfileGraph,
    file: FileKind,
    profile: &str,
    line: &str,
    always: bool,
) -> Result<Option<PathBuf>, String> {
    let path = match file {
        FileKind::Credentials => &graph.paths.credentials,
        FileKind::Config => &graph.paths.config,
    };
    let target = link_target(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(dir) = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        // No directory, no file: nothing to add to, unless the line must be written.
        if !always {
            return Ok(None);
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let rewrite =
        fsutil::Rewrite::begin(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let text = match rewrite.current().map(std::str::from_utf8) {
        None => "",
        Some(Ok(text)) => text,
        Some(Err(_)) => {
            return Err(format!(
            "{} is not UTF-8 text, so it is not rewritten: add `{line}` to the profile yourself",
            target.display()
        ))
        }
    };
    if !always && !has_profile_section(file, text, profile) {
        return Ok(None);
    }
    let header = match (file, profile) {
        (FileKind::Config, "default") | (FileKind::Credentials, _) => format!("[{profile}]"),
        (FileKind::Config, _) => format!("[profile {profile}]"),
    };
    let new = zeroize::Zeroizing::new(add_profile_line(file, text, profile, &header, line));
    rewrite
        .commit(
            new.as_bytes(),
            fsutil::Mode::KeepOr(fsutil::PRIVATE_FILE_MODE),
        )
        .map_err(|e| {
            format!(
                "{} could not be rewritten ({e}); add `{line}` to the profile yourself",
                target.display()
            )
        })?;
    Ok(Some(target))
}
