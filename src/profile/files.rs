//! Finding the two files, as the AWS CLI does.

use std::path::{Path, PathBuf};

/// Which of the two AWS files a text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Credentials,
}

/// The paths of the config and credentials files, as the AWS CLI finds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigPaths {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl ConfigPaths {
    /// `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
    /// `~/.aws/credentials`; a leading `~` is the home directory ([`crate::home`]), as in
    /// the CLI.
    pub fn from_env() -> Self {
        // Never a relative `HOME`: `~/.aws/config` would be read from the current directory.
        let home = crate::home::home_dir(std::env::var_os("HOME"));
        let pick = |var: &str, default: &str| {
            let raw = std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string());
            expand_home(&raw, home.as_deref())
        };
        ConfigPaths {
            config: pick("AWS_CONFIG_FILE", "~/.aws/config"),
            credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        }
    }

    /// Both files inside one directory (`DIR/config`, `DIR/credentials`).
    pub fn in_dir(dir: &Path) -> Self {
        ConfigPaths {
            config: dir.join("config"),
            credentials: dir.join("credentials"),
        }
    }
}

fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests;
