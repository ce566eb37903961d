//! rolecall's own `credential_process` bridge: the command line `rolecall keys import` writes
//! on a profile whose key moved to the key store (`rolecall credential-process PROFILE`), and
//! how a profile that names it is recognised, so rolecall reads that key from the store
//! itself instead of running itself as a subprocess (which would run itself again).
//!
//! The line is split as botocore splits `credential_process` (Python's `shlex.split`) and as
//! `sh -c` (the AWS CLI v2 and the Rust SDK) reads it: both agree on plain words and single
//! quotes, which is all [`bridge_command`] writes.

use std::path::Path;

/// The subcommand of the bridge.
pub const BRIDGE_SUBCOMMAND: &str = "credential-process";

/// The flag of the bridge that a `credential_process` line may carry and rolecall honours
/// when it reads the line itself: hand out the stored key, not a session of it.
pub const NO_SESSION_FLAG: &str = "--no-session";

/// rolecall's bridge as a `credential_process` line names it: the profile whose stored
/// key it reads, and whether it hands out that key itself (`--no-session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeCall {
    pub profile: String,
    pub no_session: bool,
}

/// The bridge `command` runs, when it is rolecall's bridge: the program (`rolecall`, by
/// any directory, or the running binary), `credential-process`, then a profile name (not
/// starting with `-`) and at most one `--no-session`, in either order. Any other word
/// makes it an ordinary `credential_process`, run as it is written.
pub fn bridge_call(command: &str) -> Option<BridgeCall> {
    let words = shell_words(command)?;
    let (program, sub, rest) = match words.as_slice() {
        [program, sub, rest @ ..] => (program, sub, rest),
        _ => return None,
    };
    if sub != BRIDGE_SUBCOMMAND || !is_rolecall(program) {
        return None;
    }
    let (flags, names): (Vec<&String>, Vec<&String>) =
        rest.iter().partition(|w| w.starts_with('-'));
    let [profile] = names.as_slice() else {
        return None;
    };
    match flags.as_slice() {
        [] => Some(false),
        [flag] if *flag == NO_SESSION_FLAG => Some(true),
        _ => None,
    }
    .map(|no_session| BridgeCall {
        profile: profile.to_string(),
        no_session,
    })
}

/// The profile whose key `command` reads from rolecall's key store, when `command` is
/// rolecall's bridge (see [`bridge_call`]).
pub fn bridged_profile(command: &str) -> Option<String> {
    bridge_call(command).map(|call| call.profile)
}

/// Whether `program` names rolecall: its file name is `rolecall`, or it is the running
/// binary.
fn is_rolecall(program: &str) -> bool {
    let path = Path::new(program);
    if path.file_name().and_then(|n| n.to_str()) == Some("rolecall") {
        return true;
    }
    std::env::current_exe().is_ok_and(|exe| exe == path)
}

/// The bridge's command line for `profile`, run as `program`; `None` when either holds a
/// character that cannot be quoted for both readers (a control character, or text that is
/// not valid in a config file).
pub fn bridge_command(program: &str, profile: &str) -> Option<String> {
    Some(format!(
        "{} {BRIDGE_SUBCOMMAND} {}",
        quote(program)?,
        quote(profile)?
    ))
}

/// `word` as one POSIX shell word: as it is when it holds only characters no shell treats
/// specially, else in single quotes (a `'` inside as `'\''`, which `sh` and Python's
/// `shlex` both read back). Control characters are refused: a config line cannot hold a
/// line break, and the others are never meant.
fn quote(word: &str) -> Option<String> {
    if word.is_empty() || word.chars().any(char::is_control) {
        return None;
    }
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if plain {
        return Some(word.to_string());
    }
    Some(format!("'{}'", word.replace('\'', r"'\''")))
}

/// `command` split into words as a POSIX shell splits a simple command: blanks separate
/// words, single quotes keep everything, double quotes keep everything but `\` before
/// `"`, `\`, `$` or `` ` ``, a backslash outside quotes keeps the next character. `None`
/// when the line is more than a simple command (an unquoted `;`, `|`, `&`, `<`, `>`, `$`,
/// `` ` ``, `(`, `)`, `*`, `?`, `[`, `#`, `~`, `{`, `}`, a variable in double quotes), or a quote is left open: such a
/// line is run as it is written, never read as the bridge.
pub fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => double_quoted(&mut chars, word.get_or_insert_with(String::new))?,
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c if ";|&<>$`()*?[#~{}\n\r".contains(c) => return None,
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

/// The rest of a double-quoted part, up to its closing quote, pushed onto `word`.
fn double_quoted(chars: &mut std::str::Chars<'_>, word: &mut String) -> Option<()> {
    loop {
        match chars.next()? {
            '"' => return Some(()),
            '\\' => match chars.next()? {
                c @ ('"' | '\\' | '$' | '`') => word.push(c),
                c => {
                    word.push('\\');
                    word.push(c);
                }
            },
            '$' | '`' => return None,
            c => word.push(c),
        }
    }
}

#[cfg(test)]
mod tests;
