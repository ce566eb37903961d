//! A profile's static key lines taken out of a config or credentials file's text, every
//! other byte kept: what `rolecall keys import` writes once the key is in the key store.
//! Pure (text in, text out); the file itself is rewritten with [`crate::fsutil::Rewrite`],
//! as `sso sync` rewrites the config file.
//!
//! The lines are found as the spec reads them: a line starting with `[` starts a section
//! (the parser says which are the profile's), `key = value` lines belong to it, indented
//! lines after a property continue it. Every `aws_access_key_id` and
//! `aws_secret_access_key` line of every section of the profile goes (a key written twice
//! in one section, where the last one wins, goes too: its secret would stay on disk), with
//! its continuation lines; the first is replaced by the given line, with the same line
//! ending. A file that ended without a newline still does. The profile's own bridge line
//! (`credential_process = … credential-process PROFILE`, left by an import that stopped
//! between the two files) is kept; another `credential_process` stops the edit.
//!
//! [`add_profile_line`] is `keys add`'s edit: the bridge line added to a profile's section,
//! or a section of its own at the end of the file.

use super::bridge::bridged_profile;
use super::parse::{parse_file, SectionKind};
use super::FileKind;
use zeroize::Zeroizing;

/// The two keys a profile's long-term key is made of.
const KEY_NAMES: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];

/// The result of [`take_key_lines`].
pub struct TakenKeys {
    /// The text without the key lines (and with the replacement line, if one was given).
    pub text: Zeroizing<String>,
    /// The values the taken lines held (the last of each, as the spec reads them), so the
    /// caller can check they are what it stored before writing the text.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Zeroizing<String>>,
}

/// `text` (a file of `kind`) without `profile`'s key lines, the first replaced by
/// `replacement` (a whole line, without its ending); `None` when the profile has no key
/// line in this file. An error names the line that stops it (a key whose value goes on
/// over continuation lines, or a `credential_process` in the profile that is not its own
/// bridge).
pub fn take_key_lines(
    kind: FileKind,
    text: &str,
    profile: &str,
    replacement: Option<&str>,
) -> Result<Option<TakenKeys>, String> {
    let headers = profile_headers(kind, text, profile);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut taken = TakenKeys {
        text: Zeroizing::new(String::with_capacity(text.len())),
        access_key_id: None,
        secret_access_key: None,
    };
    let mut in_profile = false;
    let mut replaced = false;
    let mut found = false;
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        if line.starts_with('[') {
            in_profile = headers.contains(&number);
        }
        let key = in_profile.then(|| property_key(line)).flatten();
        if key.as_deref() == Some("credential_process") && !is_own_bridge(line, profile) {
            return Err(format!(
                "line {number} already sets credential_process in '{profile}'"
            ));
        }
        let Some(key) = key.filter(|k| KEY_NAMES.contains(&k.as_str())) else {
            taken.text.push_str(line);
            continue;
        };
        if lines.get(i + 1).is_some_and(|next| is_continuation(next)) {
            return Err(format!(
                "line {number}: the value of {key} goes on over the next line; \
                 write it on one line and import again"
            ));
        }
        found = true;
        keep_value(&mut taken, &key, line);
        if let (Some(replacement), false) = (replacement, replaced) {
            taken.text.push_str(replacement);
            taken.text.push_str(line_ending(line));
            replaced = true;
        }
    }
    if !text.ends_with('\n') {
        // The file ended without a newline (on a key line, say): so does what replaces it.
        let kept = taken.text.len() - line_ending(&taken.text).len();
        taken.text.truncate(kept);
    }
    Ok(found.then_some(taken))
}

/// The line numbers (from 1) of `profile`'s section headers in `text`.
fn profile_headers(kind: FileKind, text: &str, profile: &str) -> Vec<usize> {
    parse_file(kind, text)
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Profile && s.name == profile)
        .map(|s| s.line)
        .collect()
}

/// Whether the `credential_process` line `line` runs rolecall's bridge for `profile`.
fn is_own_bridge(line: &str, profile: &str) -> bool {
    line.split_once('=')
        .and_then(|(_, command)| bridged_profile(command.trim()))
        .is_some_and(|p| p == profile)
}

/// Whether `text` (a file of `kind`) has a section of `profile`.
pub fn has_profile_section(kind: FileKind, text: &str, profile: &str) -> bool {
    !profile_headers(kind, text, profile).is_empty()
}

/// `text` (a file of `kind`) with `line` (a whole line, without its ending) right after the
/// header of `profile`'s last section (the one whose values win), with the header's line
/// ending; without a section, a new one at the end (`header`, e.g. `[profile NAME]`), after
/// a blank line. Every other byte is kept.
pub fn add_profile_line(
    kind: FileKind,
    text: &str,
    profile: &str,
    header: &str,
    line: &str,
) -> String {
    let mut out = String::with_capacity(text.len() + header.len() + line.len() + 4);
    let Some(&last) = profile_headers(kind, text, profile).last() else {
        out.push_str(text);
        if !text.is_empty() {
            if !text.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
        }
        for l in [header, line] {
            out.push_str(l);
            out.push('\n');
        }
        return out;
    };
    for (i, l) in text.split_inclusive('\n').enumerate() {
        out.push_str(l);
        if i + 1 == last {
            let ending = match line_ending(l) {
                "" => {
                    out.push('\n');
                    ""
                }
                ending => ending,
            };
            out.push_str(line);
            out.push_str(ending);
        }
    }
    out
}

/// The key of a `key = value` line, lower-cased as the spec compares keys; `None` for a
/// header, comment, blank or indented line.
fn property_key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t', '#', ';', '[']) {
        return None;
    }
    let (key, _) = line.split_once('=')?;
    Some(key.trim().to_ascii_lowercase())
}

/// Whether `line` continues the property before it: indented, and not blank.
fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t']) && !line.trim().is_empty()
}

/// Records the value of a taken key line.
fn keep_value(taken: &mut TakenKeys, key: &str, line: &str) {
    let value = line
        .split_once('=')
        .map_or("", |(_, v)| v)
        .trim_matches([' ', '\t', '\r', '\n']);
    if key == KEY_NAMES[0] {
        taken.access_key_id = Some(value.to_string());
    } else {
        taken.secret_access_key = Some(Zeroizing::new(value.to_string()));
    }
}

/// The line ending of `line`: `\r\n`, `\n`, or none (the file's last line).
fn line_ending(line: &str) -> &'static str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests;
