//! The validated profile graph: load both files, classify each profile, resolve chains.

use super::files::{ConfigPaths, FileKind, SourceFile};
use super::{CredentialSource, Diagnostic, Location, Profile, ProfileKind, RoleArn};
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_types::os_shim_internal::{Env, Fs};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// STS's bounds for `duration_seconds` (15 minutes to 12 hours).
pub const DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=43200;

/// Every profile of the user's AWS files, validated, sorted by name.
///
/// Loading never fails: whatever is wrong becomes a [`Diagnostic`] (on the profile it
/// concerns, or in [`ProfileGraph::file_diagnostics`]) and every good profile is kept.
pub struct ProfileGraph {
    profiles: Vec<Profile>,
    index: HashMap<String, usize>,
    /// Problems with the files themselves: unreadable, lines that do not parse.
    pub file_diagnostics: Vec<Diagnostic>,
    /// Static keys by profile name; kept apart so `Profile` never carries a secret.
    static_keys: HashMap<String, Credentials>,
    pub paths: ConfigPaths,
}

impl std::fmt::Debug for ProfileGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileGraph")
            .field("profiles", &self.profiles.len())
            .field("file_diagnostics", &self.file_diagnostics)
            .field("paths", &self.paths)
            .finish()
    }
}

impl ProfileGraph {
    /// Loads the files at `paths`. A missing file is an empty one, as in the AWS CLI.
    pub fn load(paths: &ConfigPaths) -> Self {
        let mut diagnostics = Vec::new();
        let config = read_source(FileKind::Config, &paths.config, &mut diagnostics);
        let credentials = read_source(FileKind::Credentials, &paths.credentials, &mut diagnostics);
        Self::build(paths.clone(), config, credentials, diagnostics)
    }

    /// Builds the graph from file texts (tests, the demo, and `load`).
    pub fn from_texts(paths: ConfigPaths, config: &str, credentials: &str) -> Self {
        let config = SourceFile::new(FileKind::Config, paths.config.clone(), config.into());
        let credentials = SourceFile::new(
            FileKind::Credentials,
            paths.credentials.clone(),
            credentials.into(),
        );
        Self::build(paths, config, credentials, Vec::new())
    }

    fn build(
        paths: ConfigPaths,
        mut config: SourceFile,
        mut credentials: SourceFile,
        mut file_diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let set = parse_resilient(&mut config, &mut credentials, &mut file_diagnostics);
        report_ignored_sections(&set, &config, &credentials, &mut file_diagnostics);
        let mut static_keys = HashMap::new();
        // Sort the names, not the (large) profiles: classify in name order.
        let mut names: Vec<&str> = set.profiles().collect();
        names.sort_unstable();
        let profiles: Vec<Profile> = names
            .into_iter()
            .filter_map(|name| set.get_profile(name))
            .map(|raw| {
                let p = classify(raw, &set, &config, &credentials);
                if let Some(keys) = static_credentials(raw) {
                    static_keys.insert(p.name.clone(), keys);
                }
                p
            })
            .collect();
        // aws-config's tables take a tenth of the load time to free; nothing waits for that.
        std::thread::spawn(move || drop(set));
        let index = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let mut graph = ProfileGraph {
            profiles,
            index,
            file_diagnostics,
            static_keys,
            paths,
        };
        graph.resolve_chains(&config, &credentials);
        graph
    }

    /// All profiles, sorted by name.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.index.get(name).map(|&i| &self.profiles[i])
    }

    /// The static keys a profile holds in the files, if any.
    pub fn static_credentials(&self, name: &str) -> Option<&Credentials> {
        self.static_keys.get(name)
    }

    /// Every diagnostic: the files', then each profile's.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.file_diagnostics
            .iter()
            .chain(self.profiles.iter().flat_map(|p| p.diagnostics.iter()))
    }

    /// Whether obtaining `name`'s credentials asks for an MFA code at some step.
    pub fn chain_needs_mfa(&self, name: &str) -> bool {
        self.get(name).is_some_and(|p| {
            p.chain
                .iter()
                .filter_map(|n| self.get(n))
                .any(|q| q.mfa_serial.is_some())
        })
    }

    /// Follows `source_profile` links: the AWS CLI's rule is that a role profile's chain
    /// continues through its source profile until one holds static keys (which win over a
    /// `role_arn` there), uses `credential_source`, points at itself, or has no role.
    fn resolve_chains(&mut self, config: &SourceFile, credentials: &SourceFile) {
        for i in 0..self.profiles.len() {
            let (chain, problems) = self.walk_chain(i);
            let start = &self.profiles[i].name;
            let extra: Vec<Diagnostic> = problems
                .into_iter()
                .map(|(at, message)| Diagnostic {
                    profile: Some(start.clone()),
                    location: key_location(&at, "source_profile", config, credentials),
                    message,
                })
                .collect();
            let p = &mut self.profiles[i];
            p.chain = chain;
            p.chain_complete = extra.is_empty();
            p.diagnostics.extend(extra);
        }
    }

    fn walk_chain(&self, start: usize) -> (Vec<String>, Vec<(String, String)>) {
        let mut chain = vec![self.profiles[start].name.clone()];
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut current = &self.profiles[start];
        seen.insert(&current.name);
        loop {
            let first = chain.len() == 1;
            if !first && current.has_static_keys {
                break;
            }
            if current.role_arn.is_none()
                || current.credential_source.is_some()
                || current.web_identity_token_file.is_some()
            {
                break;
            }
            let Some(next) = current.source_profile.as_deref() else {
                break;
            };
            if next == current.name {
                break; // self-reference: the profile's own static keys are the source
            }
            let Some(next_profile) = self.get(next) else {
                let message = if first {
                    format!("source_profile '{next}' does not exist")
                } else {
                    format!(
                        "chain broken at '{}': source_profile '{next}' does not exist",
                        current.name
                    )
                };
                return (chain, vec![(current.name.clone(), message)]);
            };
            if seen.contains(next) {
                let mut path = chain.join(" → ");
                path.push_str(&format!(" → {next}"));
                return (
                    chain,
                    vec![(
                        current.name.clone(),
                        format!("source_profile cycle: {path}"),
                    )],
                );
            }
            seen.insert(&next_profile.name);
            chain.push(next_profile.name.clone());
            current = next_profile;
        }
        // The chain must end somewhere that yields credentials.
        if chain.len() > 1 && !current.has_static_keys && current.kind == ProfileKind::None {
            let message = format!(
                "chain ends at '{}', which has no credentials (no keys, role, credential_process or SSO)",
                current.name
            );
            return (chain, vec![(current.name.clone(), message)]);
        }
        (chain, Vec::new())
    }
}

/// Reads one file; a missing file is empty, anything else unreadable is a diagnostic.
fn read_source(kind: FileKind, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> SourceFile {
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(file_diagnostic(
                    path,
                    0,
                    "file is not valid UTF-8; ignored it",
                ));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            diagnostics.push(file_diagnostic(path, 0, &format!("cannot read file: {e}")));
            String::new()
        }
    };
    SourceFile::new(kind, path.to_path_buf(), text)
}

fn file_diagnostic(path: &Path, line: usize, message: &str) -> Diagnostic {
    Diagnostic {
        profile: None,
        location: Some(Location {
            file: path.to_path_buf(),
            line,
        }),
        message: message.to_string(),
    }
}

fn parse(config: &str, credentials: &str) -> Result<ProfileSet, String> {
    let files = ProfileFiles::builder()
        .with_contents(ProfileFileKind::Config, config)
        .with_contents(ProfileFileKind::Credentials, credentials)
        .build();
    let fs = Fs::from_slice(&[]);
    let env = Env::from_slice(&[]);
    futures::executor::block_on(aws_config::profile::load(&fs, &env, &files, None)).map_err(|e| {
        let parse = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<aws_config::profile::ProfileParseError>());
        match parse {
            Some(parse) => parse.to_string(),
            None => e.to_string(),
        }
    })
}

/// Parses with aws-config; a line it rejects is reported (file and line) and blanked, and
/// the rest parsed again, so one bad line never hides the good profiles around it.
fn parse_resilient(
    config: &mut SourceFile,
    credentials: &mut SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> ProfileSet {
    if let Ok(set) = parse(&config.text, &credentials.text) {
        return set;
    }
    for file in [&mut *config, &mut *credentials] {
        let max_attempts = file.text.lines().count() + 1;
        for _ in 0..max_attempts {
            let alone = match file.kind {
                FileKind::Config => parse(&file.text, ""),
                FileKind::Credentials => parse("", &file.text),
            };
            let Err(message) = alone else { break };
            let Some(line) = error_line(&message) else {
                diagnostics.push(file_diagnostic(&file.path, 0, &clean_message(&message)));
                file.text.clear();
                break;
            };
            diagnostics.push(file_diagnostic(&file.path, line, &clean_message(&message)));
            file.text = blank_line(&file.text, line);
        }
    }
    parse(&config.text, &credentials.text).unwrap_or_else(|message| {
        diagnostics.push(Diagnostic {
            profile: None,
            location: None,
            message: clean_message(&message),
        });
        parse("", "").expect("empty files parse")
    })
}

/// A section the spec ignores (a name with characters outside `A-Za-z0-9_-/.%@:+`, such as
/// spaces, quotes or non-ASCII letters) would vanish silently; say so, with its line.
fn report_ignored_sections(
    set: &ProfileSet,
    config: &SourceFile,
    credentials: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut ignored: Vec<(&Path, usize, &str)> = [config, credentials]
        .iter()
        .flat_map(|f| {
            f.sections()
                .map(move |(name, line)| (f.path.as_path(), line, name))
        })
        .filter(|(_, _, name)| set.get_profile(name).is_none() && *name != "rolecall ignored")
        .collect();
    ignored.sort();
    for (path, line, name) in ignored {
        diagnostics.push(file_diagnostic(
            path,
            line,
            &format!(
                "profile '{name}' is ignored: AWS SDKs accept only ASCII letters, digits and _ - / . % @ : + in profile names"
            ),
        ));
    }
}

/// The line number in aws-config's "error parsing … on line N" message.
fn error_line(message: &str) -> Option<usize> {
    let rest = &message[message.find("on line ")? + "on line ".len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok().filter(|&n| n > 0)
}

/// aws-config's message without its own location prefix (we print ours).
fn clean_message(message: &str) -> String {
    let detail = message
        .split_once(":\n")
        .map(|(_, rest)| rest)
        .unwrap_or(message);
    let detail = detail.trim();
    format!("{detail}; ignored this line")
}

/// Replaces line `line` (1-based) so that it parses and means nothing. A broken section
/// header becomes a header the spec ignores (a name with a space), so the properties below
/// it are dropped with it instead of joining the section above.
fn blank_line(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            if l.trim_start().starts_with('[') {
                out.push_str("[rolecall ignored]");
            }
            if l.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(l);
        }
    }
    out
}

fn static_credentials(raw: &aws_config::profile::Profile) -> Option<Credentials> {
    let id = raw.get("aws_access_key_id")?;
    let secret = raw.get("aws_secret_access_key")?;
    Some(Credentials {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: raw.get("aws_session_token").map(Secret::new),
        expiration: None,
    })
}

/// Where `key` of `profile` is set: the credentials file wins, as its values do.
fn key_location(
    profile: &str,
    key: &str,
    config: &SourceFile,
    credentials: &SourceFile,
) -> Option<Location> {
    credentials
        .key(profile, key)
        .or_else(|| config.key(profile, key))
        .or_else(|| config.section(profile))
        .or_else(|| credentials.section(profile))
}

/// One profile's kind and fields, with the diagnostics that need only the profile itself.
fn classify(
    raw: &aws_config::profile::Profile,
    set: &ProfileSet,
    config: &SourceFile,
    credentials: &SourceFile,
) -> Profile {
    let name = raw.name().to_string();
    let get = |key: &str| raw.get(key).map(str::to_string);
    let mut diagnostics = Vec::new();
    let mut report = |key: &str, message: String| {
        diagnostics.push(Diagnostic {
            profile: Some(name.clone()),
            location: key_location(&name, key, config, credentials),
            message,
        })
    };

    let role_arn = get("role_arn");
    let role = role_arn.as_deref().and_then(RoleArn::parse);
    if let (Some(arn), None) = (&role_arn, &role) {
        report(
            "role_arn",
            format!("role_arn '{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
        );
    }
    let source_profile = get("source_profile");
    let credential_source = get("credential_source");
    if let Some(cs) = &credential_source {
        if CredentialSource::parse(cs).is_none() {
            report(
                "credential_source",
                format!(
                    "unknown credential_source '{cs}' (expected Ec2InstanceMetadata, EcsContainer or Environment)"
                ),
            );
        }
    }
    if source_profile.is_some() && credential_source.is_some() {
        report(
            "credential_source",
            "both source_profile and credential_source are set; keep only one".to_string(),
        );
    }
    if role_arn.is_some()
        && source_profile.is_none()
        && credential_source.is_none()
        && raw.get("web_identity_token_file").is_none()
    {
        report(
            "role_arn",
            "role_arn is set but neither source_profile nor credential_source says where its source credentials come from".to_string(),
        );
    }
    if role_arn.is_none() && (source_profile.is_some() || credential_source.is_some()) {
        let key = if source_profile.is_some() {
            "source_profile"
        } else {
            "credential_source"
        };
        report(
            key,
            format!("{key} is set but role_arn is not; it has no effect"),
        );
    }
    let duration_seconds = match raw.get("duration_seconds") {
        None => None,
        Some(text) => match text.trim().parse::<u32>() {
            Ok(d) if DURATION_RANGE.contains(&d) => Some(d),
            Ok(d) => {
                report(
                    "duration_seconds",
                    format!("duration_seconds {d} is outside 900..43200 (15 minutes to 12 hours)"),
                );
                Some(d)
            }
            Err(_) => {
                report(
                    "duration_seconds",
                    format!("duration_seconds '{text}' is not a whole number of seconds"),
                );
                None
            }
        },
    };
    let sso_session = get("sso_session");
    if let Some(s) = &sso_session {
        if set.sso_session(s).is_none() {
            report(
                "sso_session",
                format!("sso_session '{s}' has no [sso-session {s}] section"),
            );
        }
    }
    let has_static_keys =
        raw.get("aws_access_key_id").is_some() && raw.get("aws_secret_access_key").is_some();
    if raw.get("aws_access_key_id").is_some() != raw.get("aws_secret_access_key").is_some() {
        report(
            "aws_access_key_id",
            "only one of aws_access_key_id and aws_secret_access_key is set".to_string(),
        );
    }
    let web_identity_token_file = get("web_identity_token_file");
    if web_identity_token_file.is_some() && role_arn.is_none() {
        report(
            "web_identity_token_file",
            "web_identity_token_file is set but role_arn is not; both are needed".to_string(),
        );
    }
    let sso_start_url = get("sso_start_url");
    let credential_process = get("credential_process");
    // The AWS CLI's provider order for a profile: assume-role, web identity, SSO,
    // static keys, credential_process.
    let kind = if role_arn.is_some() && web_identity_token_file.is_some() {
        ProfileKind::WebIdentity
    } else if role_arn.is_some() && source_profile.is_some() {
        ProfileKind::SourceProfile
    } else if role_arn.is_some() && credential_source.is_some() {
        ProfileKind::CredentialSource
    } else if sso_session.is_some() || sso_start_url.is_some() {
        ProfileKind::Sso
    } else if has_static_keys {
        ProfileKind::Static
    } else if credential_process.is_some() {
        ProfileKind::CredentialProcess
    } else {
        ProfileKind::None
    };
    let location = config.section(&name).or_else(|| credentials.section(&name));
    Profile {
        kind,
        role_arn,
        role,
        source_profile,
        credential_source,
        credential_process,
        mfa_serial: get("mfa_serial"),
        duration_seconds,
        external_id: get("external_id"),
        role_session_name: get("role_session_name"),
        region: get("region"),
        sso_session,
        sso_start_url,
        sso_account_id: get("sso_account_id"),
        sso_role_name: get("sso_role_name"),
        web_identity_token_file,
        has_static_keys,
        chain: vec![name.clone()],
        chain_complete: true,
        location,
        diagnostics,
        name,
    }
}
