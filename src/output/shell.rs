//! The shell formats: sh, fish and PowerShell.
//!
//! Each quotes every value in its shell's single quotes, the one quoting that expands
//! nothing, so a secret containing `$`, backticks or newlines arrives byte for byte.
//!
//! A session without a region first removes the region variables that still hold the
//! region rolecall recorded in `ROLECALL_REGION` (see [`stale_region_vars`]). Only the
//! shell knows its variables, so each format writes that rule as a test the shell runs
//! when it evaluates the output.

#[cfg(doc)]
use crate::session::child_env::stale_region_vars;
use crate::session::child_env::{cleared_vars, sets_region, REGION_MARK_VAR, REGION_VARS};

/// Quotes `s` as one POSIX shell word: wrapped in single quotes, each `'` written
/// `'\''`. The result is always quoted (even when `s` needs no quoting, and `''` for
/// the empty string) so output is predictable and safe to paste anywhere a word goes.
pub fn shell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The region variables `env` may have to remove: all of them when it sets no region.
fn region_vars_to_check(env: &[(String, String)]) -> &'static [&'static str] {
    if sets_region(env) {
        &[]
    } else {
        &REGION_VARS
    }
}

/// For a session without a region, one test per region variable, then `unset` of the
/// variables the session clears, then one `export KEY='value'` line per variable.
pub(super) fn sh(env: &[(String, String)]) -> String {
    let mut out = String::new();
    for var in region_vars_to_check(env) {
        out.push_str(&format!(
            "if [ -n \"${{{REGION_MARK_VAR}+set}}\" ] && [ \"${{{var}-}}\" = \"${REGION_MARK_VAR}\" ]; \
             then unset {var}; fi\n"
        ));
    }
    out.push_str(&format!("unset {}\n", cleared_vars(env).join(" ")));
    for (key, value) in env {
        out.push_str(&format!("export {key}={}\n", shell_quote(value)));
    }
    out
}

/// Quotes `s` in fish single quotes, where only `\\` and `\'` are escapes.
fn fish_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// For a session without a region, one test per region variable, then one `set -e` of the
/// variables the session clears, then `set -gx KEY 'value';` per variable. Erasing a
/// variable that is not set fails, and fish's `set` keeps that status, so the erase ends
/// in `or true`: `… | source; and aws …` must not fail on it.
pub(super) fn fish(env: &[(String, String)]) -> String {
    let mut out = String::new();
    for var in region_vars_to_check(env) {
        out.push_str(&format!(
            "if set -q {REGION_MARK_VAR}; and test \"${var}\" = \"${REGION_MARK_VAR}\"; \
             set -e {var}; end;\n"
        ));
    }
    out.push_str(&format!(
        "set -e {}; or true;\n",
        cleared_vars(env).join(" ")
    ));
    for (key, value) in env {
        out.push_str(&format!("set -gx {key} {};\n", fish_quote(value)));
    }
    out
}

/// The characters PowerShell treats as a single quote: ASCII `'` and the typographic
/// quotes U+2018..U+201B, which editors and chat clients substitute.
fn is_powershell_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Quotes `s` in PowerShell single quotes, where a quote character is written twice.
fn powershell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if is_powershell_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// For a session without a region, one test per region variable (`-ceq`: PowerShell's
/// `-eq` ignores case), then `Remove-Item` of the variables the session clears, then
/// `$Env:KEY = 'value'` per variable.
pub(super) fn powershell(env: &[(String, String)]) -> String {
    let mut out = String::new();
    for var in region_vars_to_check(env) {
        out.push_str(&format!(
            "if ((Test-Path Env:{REGION_MARK_VAR}) -and ($Env:{var} -ceq $Env:{REGION_MARK_VAR})) \
             {{ Remove-Item Env:{var} -ErrorAction SilentlyContinue }}\n"
        ));
    }
    for key in cleared_vars(env) {
        out.push_str(&format!(
            "Remove-Item Env:{key} -ErrorAction SilentlyContinue\n"
        ));
    }
    for (key, value) in env {
        out.push_str(&format!("$Env:{key} = {}\n", powershell_quote(value)));
    }
    out
}

#[cfg(test)]
mod tests;
