//! What rolecall may write into an AWS config file: the one check every name and value it
//! writes passes, whatever its origin (an IAM Identity Center portal's names, a template's
//! output, `--region`, the config's own values).
//!
//! A value read back must be the value written, on one line, and nothing else: no line
//! break that starts a new section or key, no comment that cuts it short, no whitespace a
//! parser strips. The rules are those of aws-config's parser (`profile::parse`), with
//! botocore's line splitting on top (Python's `configparser`, which keeps ` # …` in a value
//! but also reads a line per `\n` or `\r`). A profile name must be an identifier as
//! aws-config reads them; botocore accepts more (`[profile a b]`), which aws-config ignores.

use super::parse::is_identifier;
use std::fmt;

/// Why a name or value cannot be written as one line of the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unwritable {
    /// Nothing: an empty value reads as the start of sub-properties, an empty name as no name.
    Empty,
    /// A line break, NUL, ESC, DEL, a C1 control or another control character.
    Control(char),
    /// U+2028 or U+2029, which some readers take for a line break.
    LineSeparator(char),
    /// Whitespace at either end, which parsers strip, so the value would read differently.
    EdgeWhitespace,
    /// `#` or `;` first or after whitespace, where aws-config starts a comment.
    Comment(char),
    /// A character profile names may not hold.
    NameCharacter(char),
}

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unwritable::Empty => write!(f, "it is empty"),
            Unwritable::Control('\n' | '\r') => write!(
                f,
                "it holds a line break, which would start a new line in the config file"
            ),
            Unwritable::Control(c) => write!(
                f,
                "it holds the control character {}, which has no place in the config file",
                c.escape_unicode()
            ),
            Unwritable::LineSeparator(c) => write!(
                f,
                "it holds the line separator {}, which some readers take for a line break",
                c.escape_unicode()
            ),
            Unwritable::EdgeWhitespace => write!(
                f,
                "it starts or ends with whitespace, which parsers strip"
            ),
            Unwritable::Comment(c) => write!(
                f,
                "it has '{c}' where parsers start a comment (first, or after whitespace)"
            ),
            Unwritable::NameCharacter(c) => write!(
                f,
                "it holds {:?}, but profile names may hold only ASCII letters, digits and _ - / . % @ : +",
                c
            ),
        }
    }
}

/// Whether `value` can be written after `key = ` and read back, by aws-config and botocore
/// alike, as exactly `value` on one line.
pub fn check_value(value: &str) -> Result<(), Unwritable> {
    let (Some(first), Some(last)) = (value.chars().next(), value.chars().next_back()) else {
        return Err(Unwritable::Empty);
    };
    if first.is_whitespace() || last.is_whitespace() {
        return Err(Unwritable::EdgeWhitespace);
    }
    let mut previous: Option<char> = None;
    for c in value.chars() {
        if c.is_control() {
            return Err(Unwritable::Control(c));
        }
        if matches!(c, '\u{2028}' | '\u{2029}') {
            return Err(Unwritable::LineSeparator(c));
        }
        if matches!(c, '#' | ';') && previous.is_none_or(char::is_whitespace) {
            return Err(Unwritable::Comment(c));
        }
        previous = Some(c);
    }
    Ok(())
}

/// Whether `name` can be written as `[profile NAME]` (or an sso-session's name) and read
/// back as that profile by aws-config: a non-empty identifier (`A-Za-z0-9_-/.%@:+`).
pub fn check_profile_name(name: &str) -> Result<(), Unwritable> {
    if name.is_empty() {
        return Err(Unwritable::Empty);
    }
    if is_identifier(name) {
        return Ok(());
    }
    let bad = name
        .chars()
        .find(|c| !is_identifier(c.encode_utf8(&mut [0; 4])))
        .expect("a name that is not an identifier has a character that is not");
    Err(Unwritable::NameCharacter(bad))
}

/// How a message shows outside text it refuses: quoted and escaped (`\n`, `\u{1b}`), so
/// no control character reaches a terminal, and cut after [`SHOWN_CHARS`] characters.
pub fn shown(text: &str) -> String {
    let count = text.chars().count();
    let kept: String = text.chars().take(SHOWN_CHARS).collect();
    let cut = if count > SHOWN_CHARS {
        format!("… ({count} characters)")
    } else {
        String::new()
    };
    format!("\"{}\"{cut}", kept.escape_debug())
}

/// How much of a refused text [`shown`] shows.
pub const SHOWN_CHARS: usize = 120;

/// `[profile NAME]` and the line ending, once `name` passes [`check_profile_name`].
pub fn profile_header(name: &str, newline: &str) -> Result<String, Unwritable> {
    check_profile_name(name)?;
    Ok(format!("[profile {name}]{newline}"))
}

/// `key = value` and the line ending, once the key passes as a name and the value passes
/// [`check_value`].
pub fn property_line(key: &str, value: &str, newline: &str) -> Result<String, Unwritable> {
    check_profile_name(key)?;
    check_value(value)?;
    Ok(format!("{key} = {value}{newline}"))
}

#[cfg(test)]
mod tests;
