//! Finding and reading the two files, and locating sections and keys in them.
//!
//! aws-config parses the files (its parser is the cross-SDK spec); this module only knows
//! where they are and on which line a profile or key stands, so diagnostics can say
//! `~/.aws/config:12`.

use super::Location;
use std::collections::HashMap;
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
    /// `~/.aws/credentials`; a leading `~` is the home directory, as in the CLI.
    pub fn from_env() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from);
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

/// One file's text and the lines of its sections; key lines are found on demand (only
/// diagnostics need them, and indexing every key would cost more than the parse).
#[derive(Debug)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    pub text: String,
    /// Profile name → lines of its section headers (more than one when repeated).
    sections: HashMap<String, Vec<usize>>,
}

impl SourceFile {
    /// Indexes `text`'s section headers.
    pub fn new(kind: FileKind, path: PathBuf, text: String) -> Self {
        let mut sections: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if let Some(header) = line.trim_end().strip_prefix('[') {
                if let Some(name) = section_profile_name(kind, header) {
                    sections.entry(name).or_default().push(i + 1);
                }
            }
        }
        SourceFile {
            kind,
            path,
            text,
            sections,
        }
    }

    fn location(&self, line: usize) -> Location {
        Location {
            file: self.path.clone(),
            line,
        }
    }

    /// Where `profile`'s section starts in this file.
    pub fn section(&self, profile: &str) -> Option<Location> {
        let first = *self.sections.get(profile)?.first()?;
        Some(self.location(first))
    }

    /// Every profile section name in the file with its first line (in no particular order).
    pub fn sections(&self) -> impl Iterator<Item = (&str, usize)> {
        self.sections
            .iter()
            .filter_map(|(n, lines)| Some((n.as_str(), *lines.first()?)))
    }

    /// Where `key` of `profile` is set in this file (its last assignment, which wins).
    pub fn key(&self, profile: &str, key: &str) -> Option<Location> {
        let headers = self.sections.get(profile)?;
        let lines: Vec<&str> = self.text.lines().collect();
        let mut found = None;
        for &header in headers {
            for (offset, line) in lines[header..].iter().enumerate() {
                if line.trim_end().starts_with('[') {
                    break;
                }
                if line.starts_with([' ', '\t']) {
                    continue; // continuation or sub-property
                }
                let Some((name, _)) = line.split_once('=') else {
                    continue;
                };
                if name.trim().eq_ignore_ascii_case(key) {
                    found = Some(header + offset + 1);
                }
            }
        }
        found.map(|line| self.location(line))
    }
}

/// The profile a `[header` line names, as the spec reads it; `None` for other sections.
fn section_profile_name(kind: FileKind, header: &str) -> Option<String> {
    let inner = header.split(']').next()?.trim_matches([' ', '\t']);
    match kind {
        FileKind::Credentials => Some(inner.to_string()),
        FileKind::Config => {
            if inner == "default" {
                return Some(inner.to_string());
            }
            let rest = inner.strip_prefix("profile")?;
            rest.starts_with([' ', '\t'])
                .then(|| rest.trim_matches([' ', '\t']).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sections_and_keys() {
        let text = "# top\n[default]\nregion = eu-west-1\n\n[profile ops]\nrole_arn=arn\n  sub = 1\nRegion = us-east-1\n[sso-session x]\nsso_region = y\n";
        let f = SourceFile::new(FileKind::Config, "c".into(), text.to_string());
        assert_eq!(f.section("default").unwrap().line, 2);
        assert_eq!(f.section("ops").unwrap().line, 5);
        assert_eq!(f.key("ops", "role_arn").unwrap().line, 6);
        assert_eq!(f.key("ops", "region").unwrap().line, 8);
        assert!(f.key("ops", "sub").is_none());
        assert!(f.section("x").is_none());
    }

    #[test]
    fn credentials_sections_have_no_prefix() {
        let f = SourceFile::new(
            FileKind::Credentials,
            "k".into(),
            "[dev]\naws_access_key_id = A\n".into(),
        );
        assert_eq!(f.section("dev").unwrap().line, 1);
    }

    #[test]
    fn expands_home() {
        assert_eq!(
            expand_home("~/.aws/config", Some(Path::new("/h"))),
            PathBuf::from("/h/.aws/config")
        );
        assert_eq!(
            expand_home("/abs", Some(Path::new("/h"))),
            PathBuf::from("/abs")
        );
        assert_eq!(
            expand_home("~x/y", Some(Path::new("/h"))),
            PathBuf::from("~x/y")
        );
    }
}
