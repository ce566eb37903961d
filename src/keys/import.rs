//! `rolecall keys import`: static keys moved from the config and credentials files into
//! the key store, and the profile pointed at rolecall's `credential_process` bridge, so the
//! AWS CLI and the SDKs keep working.
//!
//! Crash safety comes from the order: each key is stored and read back (the store's answer
//! must be the key, byte for byte) before any file changes; then each file is rewritten
//! once, atomically ([`fsutil::Rewrite`]: locked, replaced by a rename, owner and mode
//! kept), from its text as read under the lock, and only where that text still holds the
//! key that was stored. A crash before the rename leaves the file as it was (the key is
//! then in both places, and importing again finishes the move); a crash after it leaves a
//! stored key that was read back. A key that could not be stored is never taken out.

use super::{KeyStore, LongTermKey};
use crate::credentials::Credentials;
use crate::fsutil;
use crate::profile::key_lines::{take_key_lines, TakenKeys};
use crate::profile::{bridge, writable, FileKind, ProfileGraph};
use std::path::{Path, PathBuf};

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
    for file in [FileKind::Credentials, FileKind::Config] {
        rewrite_file(graph, file, &mut stored);
    }
    report.extend(stored.into_iter().map(|s| Imported {
        outcome: s.failed.map_or(ImportOutcome::Moved, ImportOutcome::Failed),
        profile: s.name,
    }));
    report
}

/// A key stored and read back, on its way out of the files.
struct Stored {
    name: String,
    /// The `credential_process` line that takes its place.
    line: String,
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
/// key, or what to report instead.
fn store_one(
    store: &KeyStore,
    graph: &ProfileGraph,
    name: &str,
    program: &str,
) -> Result<(String, Credentials), ImportOutcome> {
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
    let line = bridge_line(program, name)?;
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

/// `credential_process = PROGRAM credential-process NAME`, or why it cannot be written.
fn bridge_line(program: &str, name: &str) -> Result<String, ImportOutcome> {
    let command = bridge::bridge_command(program, name).ok_or_else(|| {
        ImportOutcome::Failed(format!(
            "the path of rolecall ({}) or the profile's name holds a control character, \
             which no credential_process line can quote; put rolecall on PATH and import again",
            writable::shown(program)
        ))
    })?;
    writable::property_line("credential_process", &command, "")
        .map(|l| l.trim_end().to_string())
        .map_err(|e| ImportOutcome::Failed(e.to_string()))
}

/// Takes the key lines of every profile of `stored` out of `file` in one atomic rewrite,
/// putting the bridge line where the profile's keys are read first (the credentials file,
/// else the config file). A profile whose lines hold another key than the one stored is
/// left as it is and marked failed; so are all when the file cannot be rewritten.
fn rewrite_file(graph: &ProfileGraph, file: FileKind, stored: &mut [Stored]) {
    let path = match file {
        FileKind::Credentials => &graph.paths.credentials,
        FileKind::Config => &graph.paths.config,
    };
    let target = match link_target(path) {
        Ok(target) => target,
        Err(e) => return fail_keys_in(graph, file, stored, &format!("{}: {e}", path.display())),
    };
    let rewrite = match fsutil::Rewrite::begin(&target) {
        Ok(r) => r,
        Err(e) => return fail_all(stored, &format!("{}: {e}", target.display())),
    };
    let original = match rewrite.current().map(std::str::from_utf8) {
        Some(Ok(original)) => original,
        // The graph reads such a file leniently and may have found keys in it: they stay
        // where they are, and are said to.
        Some(Err(_)) => {
            let why = format!(
                "{} is not UTF-8 text, so it is not rewritten: the key is stored, but the file still holds it",
                target.display()
            );
            return fail_keys_in(graph, file, stored, &why);
        }
        None => {
            return fail_keys_in(
                graph,
                file,
                stored,
                &format!("{} is gone", target.display()),
            )
        }
    };
    let mut text = zeroize::Zeroizing::new(original.to_string());
    let mut changed = false;
    for s in stored.iter_mut().filter(|s| s.failed.is_none()) {
        let in_credentials = graph
            .get(&s.name)
            .and_then(|p| p.static_keys)
            .is_some_and(|k| k.in_credentials);
        let line = (in_credentials == (file == FileKind::Credentials)).then_some(&*s.line);
        match take_key_lines(file, &text, &s.name, line) {
            // Keys the graph read from this file, which the edit does not find: not moved.
            Ok(None) if has_keys_in(graph, &s.name, file) => {
                s.failed = Some(format!(
                    "{} changed while importing; the key is stored, run import again",
                    target.display()
                ))
            }
            Ok(None) => {}
            Ok(Some(taken)) if holds(&taken, &s.key) => {
                text = taken.text;
                changed = true;
            }
            Ok(Some(_)) => {
                s.failed = Some(format!(
                    "{} changed while importing; the key is stored, run import again",
                    target.display()
                ))
            }
            Err(e) => s.failed = Some(format!("{}: {e}", target.display())),
        }
    }
    if !changed {
        return;
    }
    fsutil::test_hook("before-rewrite", &target);
    if let Err(e) = rewrite.commit(
        text.as_bytes(),
        fsutil::Mode::KeepOr(fsutil::PRIVATE_FILE_MODE),
    ) {
        fail_all(
            stored,
            &format!(
                "the key is stored, but {} could not be rewritten ({e}); it still holds the key",
                target.display()
            ),
        );
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
fn link_target(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests;
