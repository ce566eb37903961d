//! `rolecall keys import`: static keys moved from the config and credentials files into
//! the key store, and the profile pointed at rolecall's `credential_process` bridge, so the
//! AWS CLI and the SDKs keep working.
//!
//! Crash safety comes from the order: each key is stored and read back (the store's answer
//! must be the key, byte for byte) before any file changes; a different key already stored
//! for the profile is never replaced. Then both files' edits are made, and a profile whose
//! edit fails in either file is left as it is in both; each file is then rewritten once,
//! atomically ([`fsutil::Rewrite`]: locked, replaced by a rename, owner and mode kept),
//! only when it still holds the text the edit was made from. A crash before a rename
//! leaves that file as it was (the key is then in both places, and importing again
//! finishes the move: the profile's own bridge line, written in the other file, is kept);
//! a crash after it leaves a stored key that was read back. A key that could not be stored
//! is never taken out.

use super::{KeyStore, LongTermKey};
use crate::credentials::Credentials;
use crate::fsutil;
use crate::profile::bridge::bridged_profile;
use crate::profile::key_lines::{take_key_lines, TakenKeys};
use crate::profile::{bridge, writable, FileKind, ProfileGraph};
use crate::secret::mask;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// What importing one profile came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The key is in the store, and the files now name the bridge instead of holding it.
    Moved,
    /// Nothing was done (temporary keys, no keys); why.
    Skipped(String),
    /// Nothing was taken out of the files; why (the key may be stored all the same).
    Failed(String),
}

/// One profile's line of `keys import`'s report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub profile: String,
    pub outcome: ImportOutcome,
}

/// Moves the static keys of `names` (every profile with static keys when empty) into
/// `store`, writing `credential_process = PROGRAM credential-process NAME` where they were.
pub fn import_keys(
    store: &KeyStore,
    graph: &ProfileGraph,
    names: &[String],
    program: &str,
) -> Vec<Imported> {
    let mut report = Vec::new();
    let mut stored = Vec::new();
    for name in candidates(graph, names) {
        let outcome = match store_one(store, graph, &name, program) {
            Ok((line, key)) => {
                stored.push(Stored {
                    name,
                    line,
                    key,
                    failed: None,
                });
                continue;
            }
            Err(outcome) => outcome,
        };
        report.push(Imported {
            profile: name,
            outcome,
        });
    }
    move_out_of_files(graph, &mut stored);
    report.extend(stored.into_iter().map(|s| Imported {
        outcome: s.failed.map_or(ImportOutcome::Moved, ImportOutcome::Failed),
        profile: s.name,
    }));
    report
}

/// A key stored and read back, on its way out of the files.
struct Stored {
    name: String,
    /// The `credential_process` line that takes its place; `None` when the profile already
    /// runs its bridge (an import that stopped between the two files, or `keys add`).
    line: Option<String>,
    /// The key as stored and read back: only lines holding it are taken out.
    key: Credentials,
    /// Set when a file could not be rewritten for it.
    failed: Option<String>,
}

/// The profiles to import: those named, else every profile of the files with static keys.
fn candidates(graph: &ProfileGraph, names: &[String]) -> Vec<String> {
    if !names.is_empty() {
        return names.to_vec();
    }
    graph
        .profiles()
        .iter()
        .filter(|p| p.static_keys.is_some() && !p.discovered)
        .map(|p| p.name.clone())
        .collect()
}

/// Stores `name`'s key and reads it back; the `credential_process` line to write and the
/// key, or what to report instead. Another key stored for the profile is never replaced.
fn store_one(
    store: &KeyStore,
    graph: &ProfileGraph,
    name: &str,
    program: &str,
) -> Result<(Option<String>, Credentials), ImportOutcome> {
    let skipped = |why: &str| ImportOutcome::Skipped(why.to_string());
    let Some(profile) = graph.get(name) else {
        let why = graph.why_missing(name);
        return Err(ImportOutcome::Failed(match why {
            Some(why) => format!("no such profile: {why}"),
            None => "no such profile (see `rolecall list`)".into(),
        }));
    };
    let Some(keys) = profile.static_keys else {
        return Err(skipped("no static keys in the files"));
    };
    if keys.has_session_token {
        return Err(skipped(
            "temporary keys (aws_session_token is set): a session expires on its own and is not moved",
        ));
    }
    let runs_bridge = profile
        .credential_process
        .as_deref()
        .and_then(bridged_profile)
        .is_some_and(|p| p == name);
    let line = if runs_bridge {
        None
    } else {
        Some(bridge_line(program, name).map_err(ImportOutcome::Failed)?)
    };
    let credentials = graph
        .load_static_keys(name)
        .map_err(|e| ImportOutcome::Failed(e.to_string()))?
        .ok_or_else(|| skipped("no static keys in the files"))?;
    let key = LongTermKey {
        access_key_id: credentials.access_key_id.clone(),
        secret_access_key: credentials.secret_access_key.clone(),
        // When it was stored: the age `keys list` shows until IAM tells better.
        created: Some(chrono::Utc::now()),
    };
    let failed = |e: &dyn std::fmt::Display| ImportOutcome::Failed(format!("not stored: {e}"));
    refuse_another_key(store, name, &credentials).map_err(ImportOutcome::Failed)?;
    store.put(name, &key).map_err(|e| failed(&e))?;
    fsutil::test_hook("after-store", &graph.paths.credentials);
    match store.get(name).map_err(|e| failed(&e))? {
        Some(back)
            if back.access_key_id == key.access_key_id
                && back.secret_access_key.expose() == key.secret_access_key.expose() =>
        {
            Ok((line, credentials))
        }
        _ => Err(ImportOutcome::Failed(format!(
            "the key read back from {} is not the one stored; the files keep it",
            store.backend().describe()
        ))),
    }
}

/// Why `name`'s key in the files must not be stored: the store holds another key for the
/// profile (`keys add` put a new one there, say), whose only copy it may be. A store that
/// cannot say is a refusal too.
fn refuse_another_key(store: &KeyStore, name: &str, key: &Credentials) -> Result<(), String> {
    match store.get(name) {
        Ok(Some(stored)) if stored.access_key_id != key.access_key_id => Err(format!(
            "{} already holds the key {} for it, and the files hold {}: importing would lose \
             the stored one. Run `rolecall keys rm {name}` first to keep the files' key instead, \
             or leave the files as they are (their lines stay)",
            store.backend().describe(),
            mask(&stored.access_key_id),
            mask(&key.access_key_id)
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("not stored: {e}")),
    }
}

/// `credential_process = PROGRAM credential-process NAME`, or why it cannot be written.
pub(super) fn bridge_line(program: &str, name: &str) -> Result<String, String> {
    let command = bridge::bridge_command(program, name).ok_or_else(|| {
        format!(
            "the path of rolecall ({}) or the profile's name holds a control character, \
             which no credential_process line can quote; put rolecall on PATH and try again",
            writable::shown(program)
        )
    })?;
    writable::property_line("credential_process", &command, "")
        .map(|l| l.trim_end().to_string())
        .map_err(|e| e.to_string())
}

/// One file's text as read before any file is rewritten.
struct FileText {
    file: FileKind,
    target: PathBuf,
    original: Zeroizing<String>,
}

/// Takes the key lines of every profile of `stored` out of both files. Both files' edits
/// are made before either is written, and a profile whose edit fails in one file (another
/// key there, a line that stops the edit) is left as it is in both; then each file is
/// rewritten once, the credentials file first.
fn move_out_of_files(graph: &ProfileGraph, stored: &mut [Stored]) {
    let texts: Vec<FileText> = [FileKind::Credentials, FileKind::Config]
        .into_iter()
        .filter_map(|file| read_file(graph, file, stored))
        .collect();
    loop {
        let failed = failures(stored);
        for text in &texts {
            edit_file(graph, text, stored);
        }
        if failures(stored) == failed {
            break;
        }
    }
    for text in &texts {
        // Edited again: a file that could not be written fails its profiles in the other.
        if let Some((edited, touched)) = edit_file(graph, text, stored) {
            commit_file(text, &edited, &touched, stored);
        }
    }
}

fn failures(stored: &[Stored]) -> usize {
    stored.iter().filter(|s| s.failed.is_some()).count()
}

/// `file`'s text as it is now, or `None` (its profiles marked failed) when it cannot be read
/// as text.
fn read_file(graph: &ProfileGraph, file: FileKind, stored: &mut [Stored]) -> Option<FileText> {
    let path = match file {
        FileKind::Credentials => &graph.paths.credentials,
        FileKind::Config => &graph.paths.config,
    };
    let target = match link_target(path) {
        Ok(target) => target,
        Err(e) => {
            fail_keys_in(graph, file, stored, &format!("{}: {e}", path.display()));
            return None;
        }
    };
    let rewrite = match fsutil::Rewrite::begin(&target) {
        Ok(r) => r,
        Err(e) => {
            fail_all(stored, &format!("{}: {e}", target.display()));
            return None;
        }
    };
    let why = match rewrite.current().map(std::str::from_utf8) {
        Some(Ok(text)) => {
            return Some(FileText {
                file,
                original: Zeroizing::new(text.to_string()),
                target,
            })
        }
        // The graph reads such a file leniently and may have found keys in it: they stay
        // where they are, and are said to.
        Some(Err(_)) => format!(
            "{} is not UTF-8 text, so it is not rewritten: the key is stored, but the file still holds it",
            target.display()
        ),
        None => format!("{} is gone", target.display()),
    };
    fail_keys_in(graph, file, stored, &why);
    None
}

/// `text` without the key lines of every profile of `stored` not yet failed, the bridge
/// line where the profile's keys are read first (the credentials file, else the config
/// file) unless it already runs its bridge; with the indices of the profiles it changed
/// for. `None` when it changes for none. A profile whose lines hold another key than the
/// one stored is marked failed.
fn edit_file(
    graph: &ProfileGraph,
    text: &FileText,
    stored: &mut [Stored],
) -> Option<(Zeroizing<String>, Vec<usize>)> {
    let file = text.file;
    let mut edited = text.original.clone();
    let mut touched = Vec::new();
    for (i, s) in stored
        .iter_mut()
        .enumerate()
        .filter(|(_, s)| s.failed.is_none())
    {
        let in_credentials = has_keys_in(graph, &s.name, FileKind::Credentials);
        let line = s
            .line
            .as_deref()
            .filter(|_| in_credentials == (file == FileKind::Credentials));
        match take_key_lines(file, &edited, &s.name, line) {
            // Keys the graph read from this file, which the edit does not find: not moved.
            Ok(None) if has_keys_in(graph, &s.name, file) => {
                s.failed = Some(format!(
                    "{} changed while importing; the key is stored, run import again",
                    text.target.display()
                ))
            }
            Ok(None) => {}
            Ok(Some(taken)) if holds(&taken, &s.key) => {
                edited = taken.text;
                touched.push(i);
            }
            Ok(Some(taken)) => s.failed = Some(another_key(&text.target, &taken, &s.key)),
            Err(e) => s.failed = Some(format!("{}: {e}", text.target.display())),
        }
    }
    (!touched.is_empty()).then_some((edited, touched))
}

/// Why a profile whose lines in `target` hold another key than the stored one is not moved.
fn another_key(target: &Path, taken: &TakenKeys, stored: &Credentials) -> String {
    let held = taken
        .access_key_id
        .as_deref()
        .unwrap_or(&stored.access_key_id);
    if held == stored.access_key_id {
        return format!(
            "{} changed while importing (another secret for the key {}); the key is stored, \
             run import again",
            target.display(),
            mask(held)
        );
    }
    format!(
        "{} holds the key {} for it, not {} (the key stored): make the files hold one key, \
         and import again; no file was changed for it",
        target.display(),
        mask(held),
        mask(&stored.access_key_id)
    )
}

/// Writes `edited` over `text`'s file, when the file still holds what was read; else the
/// profiles of `touched` are marked failed.
fn commit_file(text: &FileText, edited: &str, touched: &[usize], stored: &mut [Stored]) {
    let target = &text.target;
    let written = fsutil::Rewrite::begin(target).and_then(|rewrite| {
        if rewrite.current() != Some(text.original.as_bytes()) {
            return Err(std::io::Error::other(
                "it changed while importing; run import again",
            ));
        }
        fsutil::test_hook("before-rewrite", target);
        rewrite.commit(
            edited.as_bytes(),
            fsutil::Mode::KeepOr(fsutil::PRIVATE_FILE_MODE),
        )
    });
    if let Err(e) = written {
        let why = format!(
            "the key is stored, but {} could not be rewritten ({e}); it still holds the key",
            target.display()
        );
        for &i in touched {
            stored[i].failed.get_or_insert_with(|| why.clone());
        }
    }
}

/// Whether the key lines taken out hold `stored`, the key that was stored (the last
/// values; a part in the other file is checked there).
fn holds(taken: &TakenKeys, stored: &Credentials) -> bool {
    taken
        .access_key_id
        .as_ref()
        .is_none_or(|id| *id == stored.access_key_id)
        && taken
            .secret_access_key
            .as_ref()
            .is_none_or(|s| s.as_str() == stored.secret_access_key.expose())
}

/// Whether the graph read parts of `profile`'s static keys from `file`.
fn has_keys_in(graph: &ProfileGraph, profile: &str, file: FileKind) -> bool {
    graph
        .get(profile)
        .and_then(|p| p.static_keys)
        .is_some_and(|k| match file {
            FileKind::Credentials => k.in_credentials,
            FileKind::Config => k.in_config,
        })
}

/// Marks failed, with `why`, every profile not yet failed whose keys `file` holds.
fn fail_keys_in(graph: &ProfileGraph, file: FileKind, stored: &mut [Stored], why: &str) {
    for s in stored.iter_mut().filter(|s| s.failed.is_none()) {
        if has_keys_in(graph, &s.name, file) {
            s.failed = Some(why.to_string());
        }
    }
}

/// Marks every profile not yet failed as failed with `why`.
fn fail_all(stored: &mut [Stored], why: &str) {
    for s in stored.iter_mut().filter(|s| s.failed.is_none()) {
        s.failed = Some(why.to_string());
    }
}

/// `path`, or the file it links to when it is a symbolic link (a dotfiles repository):
/// the link's target is what gets replaced, as `sso sync` does.
pub(super) fn link_target(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests;
