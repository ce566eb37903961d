//! The `.env` format, and the quoting that makes its readers agree.
//!
//! There is no dotenv standard. The readers that matter are python-dotenv, docker
//! compose's `.env`/`env_file`, and a POSIX shell doing `set -a; . ./.env`, and no
//! single quoting reads back identically in all three for every string:
//!
//! * sh expands `$` and backticks inside double quotes (escapable as `\$`, `` \` ``),
//!   and takes everything in single quotes literally;
//! * python-dotenv knows no `\$` escape (it keeps the backslash) and expands `${NAME}`
//!   even inside single quotes, but it decodes `\\` and `\'` inside single quotes;
//! * compose expands `$NAME` in double quotes and decodes `\\` and `\"` there.
//!
//! So [`quote`] picks, per value, the first form in this list that all of them read
//! back unchanged, and falls back to the shell's reading only when none exists:
//!
//! 1. bare, when every character is in `[A-Za-z0-9_./:+=@,-]`: real access keys, secret
//!    keys, session tokens (base64), expirations (RFC 3339) and region names always are;
//! 2. double quotes escaping only `\` and `"`, when the value has no `$` or backtick
//!    and does not end in `\` (python-dotenv and compose take the `\"` that would
//!    close it for an escaped quote);
//! 3. single quotes, when the value has no `'`, no `\` and no `${`;
//! 4. otherwise double quotes escaping `\`, `"`, `$` and backtick: exact for sh, but
//!    python-dotenv and compose keep the backslash before `$` and backtick, and misread
//!    a trailing `\`. Only contrived values get here (`it's $5`, `a\` …).
//!
//! Newlines are written literally inside the quotes (all three readers accept a quoted
//! value spanning lines); writing them as `\n` would reach sh as a backslash and an `n`.
//! `docker run --env-file` strips no quotes at all, so only bare values (case 1) suit it.

/// Characters that need no quoting in any reader.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:+=@,-".contains(c)
}

/// Writes `value` in double quotes, backslash-escaping each character in `escaped`.
fn double_quoted(value: &str, escaped: &[char]) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if escaped.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes one value for a `.env` file; see the module documentation for the rules.
pub(super) fn quote(value: &str) -> String {
    if value.chars().all(is_bare) {
        value.to_string()
    } else if !value.contains(['$', '`']) && !value.ends_with('\\') {
        double_quoted(value, &['\\', '"'])
    } else if !value.contains(['\'', '\\']) && !value.contains("${") {
        format!("'{value}'")
    } else {
        double_quoted(value, &['\\', '"', '$', '`'])
    }
}

/// One `KEY=value` line per variable. A file cannot unset anything, so the removed
/// variables are not mentioned.
pub(super) fn dotenv(env: &[(String, String)]) -> String {
    env.iter()
        .map(|(key, value)| format!("{key}={}\n", quote(value)))
        .collect()
}

#[cfg(test)]
mod tests;
