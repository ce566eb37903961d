//! `docker run` arguments, one `--env=KEY=value` word per line.
//!
//! The format exists for `docker run $(rolecall export p --format docker) IMAGE`: an
//! unquoted substitution, which a shell splits into words and expands globs in, but never
//! unquotes. So the output quotes nothing, and every value must be a word that splitting
//! and globbing leave alone; a session holding anything else is refused rather than handed
//! to docker mangled. One word per line serves every shell: sh, bash and zsh split at
//! spaces and newlines alike, fish splits a substitution at newlines only, and PowerShell
//! passes each line of `$(…)` as one argument.

/// Characters that no shell splits or expands in an unquoted substitution's result: access
/// keys, secret keys and session tokens (base64: `+/=`), RFC 3339 expirations, region names
/// and the profile names the AWS CLI accepts are made of them.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+/=_.:@,%-".contains(c)
}

/// A variable whose value cannot be written as a plain word. It names the variable and
/// never holds the value, which may be a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{var} holds a character that a shell would split or expand (the docker format writes \
     only A-Za-z0-9 and +/=_.:@,%- unquoted)"
)]
pub struct NotAPlainWord {
    /// The variable's name.
    pub var: String,
}

/// `--env=KEY=value` per variable, one a line. A container starts with an empty
/// environment, so nothing needs removing.
pub(super) fn docker(env: &[(String, String)]) -> Result<String, NotAPlainWord> {
    let mut out = String::new();
    for (key, value) in env {
        if !key.chars().chain(value.chars()).all(is_plain) {
            return Err(NotAPlainWord { var: key.clone() });
        }
        out.push_str(&format!("--env={key}={value}\n"));
    }
    if out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
