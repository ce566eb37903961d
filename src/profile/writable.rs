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
mod tests {
    use super::*;

    #[test]
    fn values_that_fit_on_one_line_pass() {
        for value in [
            "eu-west-1",
            "111111111111",
            "AWSAdministratorAccess",
            "a=b",
            "url#fragment",
            "semi;colon",
            "quotes \"'",
            "$(touch /tmp/p)",
            "[profile x]",
            "ünïcødé name",
            &"x".repeat(10_000),
        ] {
            assert_eq!(check_value(value), Ok(()), "{value:?}");
        }
    }

    #[test]
    fn values_that_would_break_the_line_are_refused() {
        let cases: [(&str, Unwritable); 16] = [
            ("", Unwritable::Empty),
            ("Admin\n[profile x]", Unwritable::Control('\n')),
            ("Admin\r[profile x]", Unwritable::Control('\r')),
            ("Admin\0", Unwritable::Control('\0')),
            ("a\x1b]0;title\x07", Unwritable::Control('\x1b')),
            ("a\x7f", Unwritable::Control('\x7f')),
            ("a\u{9b}31m", Unwritable::Control('\u{9b}')),
            ("a\u{85}b", Unwritable::Control('\u{85}')),
            ("a\tb", Unwritable::Control('\t')),
            ("a\u{2028}b", Unwritable::LineSeparator('\u{2028}')),
            (" Admin", Unwritable::EdgeWhitespace),
            ("Admin ", Unwritable::EdgeWhitespace),
            ("Admin\u{a0}", Unwritable::EdgeWhitespace),
            ("#Admin", Unwritable::Comment('#')),
            ("Admin ;x", Unwritable::Comment(';')),
            ("Admin\u{3000}#x", Unwritable::Comment('#')),
        ];
        for (value, why) in cases {
            assert_eq!(check_value(value), Err(why), "{value:?}");
        }
    }

    #[test]
    fn profile_names_are_identifiers() {
        for name in ["Prod.Admin", "a/b@c:d+e%f_g-h", "0"] {
            assert_eq!(check_profile_name(name), Ok(()), "{name}");
        }
        assert_eq!(check_profile_name(""), Err(Unwritable::Empty));
        for (name, bad) in [
            ("a b", ' '),
            ("a]", ']'),
            ("[a", '['),
            ("a#b", '#'),
            ("a\nb", '\n'),
            ("é", 'é'),
            ("a=b", '='),
        ] {
            assert_eq!(
                check_profile_name(name),
                Err(Unwritable::NameCharacter(bad)),
                "{name:?}"
            );
        }
    }

    #[test]
    fn lines_are_built_only_from_what_passes() {
        assert_eq!(
            property_line("region", "eu-west-1", "\r\n").unwrap(),
            "region = eu-west-1\r\n"
        );
        assert!(property_line("region", "eu\n[x]", "\n").is_err());
        assert!(property_line("re gion", "x", "\n").is_err());
        assert_eq!(profile_header("a.b", "\n").unwrap(), "[profile a.b]\n");
        assert!(profile_header("a]\n[b", "\n").is_err());
    }

    #[test]
    fn shown_text_is_escaped_and_cut() {
        assert_eq!(shown("a\n[b]\u{1b}\0\""), r#""a\n[b]\u{1b}\0\"""#);
        let long = shown(&"é".repeat(500));
        assert!(long.ends_with("\"… (500 characters)"), "{long}");
        assert_eq!(long.chars().filter(|c| *c == 'é').count(), SHOWN_CHARS);
    }

    #[test]
    fn refusals_read_without_raw_control_characters() {
        let text = Unwritable::Control('\x1b').to_string();
        assert!(text.contains("\\u{1b}") && !text.contains('\x1b'), "{text}");
        assert!(!Unwritable::NameCharacter('\n').to_string().contains('\n'));
    }
}
