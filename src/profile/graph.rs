//! The validated profile graph: load both files, classify each profile, resolve chains.

use super::files::{ConfigPaths, FileKind};
use super::parse::{parse_file_in_parts, MergedSection, ParsedFile, ProfileTable};
use super::{CredentialSource, Diagnostic, Location, Profile, ProfileKind, RoleArn};
use crate::credentials::Credentials;
use crate::parallel::map_in_parts;
use crate::secret::Secret;
use std::collections::HashMap;
use std::path::Path;

/// STS's bounds for `duration_seconds` (15 minutes to 12 hours).
pub const DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=43200;

/// Every profile of the user's AWS files, validated, sorted by name.
///
/// Loading never fails: whatever is wrong becomes a [`Diagnostic`] (on the profile it
/// concerns, or in [`ProfileGraph::file_diagnostics`]) and every good profile is kept.
pub struct ProfileGraph {
    /// Sorted by name: looked up by binary search.
    profiles: Vec<Profile>,
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
        let config = read_text(&paths.config, &mut diagnostics);
        let credentials = read_text(&paths.credentials, &mut diagnostics);
        Self::build(paths.clone(), &config, &credentials, diagnostics)
    }

    /// Builds the graph from file texts (tests, the demo, and `load`).
    pub fn from_texts(paths: ConfigPaths, config: &str, credentials: &str) -> Self {
        Self::build(paths, config, credentials, Vec::new())
    }

    fn build(
        paths: ConfigPaths,
        config: &str,
        credentials: &str,
        mut file_diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let threads = threads_for(config.len() + credentials.len());
        let mut config = parse_file_in_parts(FileKind::Config, config, threads_for(config.len()));
        let mut credentials = parse_file_in_parts(
            FileKind::Credentials,
            credentials,
            threads_for(credentials.len()),
        );
        let table = ProfileTable::merge([&mut config, &mut credentials]);
        let files = Files {
            paths: &paths,
            table: &table,
        };
        file_diagnostics.extend(files.format_problems(&config, &credentials));
        let mut raw: Vec<&MergedSection<'_>> = table.profiles.iter().collect();
        raw.sort_unstable_by(|a, b| a.name.cmp(b.name));
        let profiles = map_in_parts(raw.len(), threads, |i| classify(raw[i], &files));
        let static_keys: HashMap<String, Credentials> = raw
            .iter()
            .filter_map(|raw| Some((raw.name.to_string(), static_credentials(raw)?)))
            .collect();
        let mut graph = ProfileGraph {
            profiles,
            file_diagnostics,
            static_keys,
            paths: paths.clone(),
        };
        graph.resolve_chains(&files, threads);
        graph
    }

    /// All profiles, sorted by name.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profiles, sorted by name, taken out of the graph.
    pub fn into_profiles(self) -> Vec<Profile> {
        self.profiles
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.profiles[i])
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
        self.get(name).is_some_and(|p| p.mfa_in_chain)
    }

    /// Follows `source_profile` links: the AWS CLI's rule is that a role profile's chain
    /// continues through its source profile until one holds static keys (which win over a
    /// `role_arn` there), uses `credential_source`, points at itself, or has no role.
    fn resolve_chains(&mut self, files: &Files<'_, '_>, threads: usize) {
        let resolved = map_in_parts(self.profiles.len(), threads, |i| {
            let walk = self.walk_chain(i);
            let start = &self.profiles[i].name;
            let extra: Vec<Diagnostic> = walk
                .problem
                .into_iter()
                .map(|(at, message)| Diagnostic {
                    profile: Some(start.clone()),
                    location: files.key_location(&at, "source_profile"),
                    message,
                })
                .collect();
            (walk.chain, extra, walk.mfa)
        });
        for (p, (chain, extra, mfa_in_chain)) in self.profiles.iter_mut().zip(resolved) {
            p.mfa_in_chain = mfa_in_chain;
            p.chain = chain;
            p.chain_complete = extra.is_empty();
            p.diagnostics.extend(extra);
        }
    }

    fn walk_chain(&self, start: usize) -> ChainWalk {
        let mut current = &self.profiles[start];
        let mut walk = ChainWalk {
            chain: vec![current.name.clone()],
            problem: None,
            mfa: current.mfa_serial.is_some(),
        };
        loop {
            let first = walk.chain.len() == 1;
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
                walk.problem = Some((current.name.clone(), message));
                return walk;
            };
            // Chains are short: the chain itself is the set of profiles seen.
            if walk.chain.iter().any(|n| n == next) {
                let path = format!("{} → {next}", walk.chain.join(" → "));
                walk.problem = Some((
                    current.name.clone(),
                    format!("source_profile cycle: {path}"),
                ));
                return walk;
            }
            walk.chain.push(next_profile.name.clone());
            walk.mfa |= next_profile.mfa_serial.is_some();
            current = next_profile;
        }
        // The chain must end somewhere that yields credentials.
        if walk.chain.len() > 1 && !current.has_static_keys && current.kind == ProfileKind::None {
            let message = format!(
                "chain ends at '{}', which has no credentials (no keys, role, credential_process or SSO)",
                current.name
            );
            walk.problem = Some((current.name.clone(), message));
        }
        walk
    }
}

/// Where following `source_profile` from one profile led.
struct ChainWalk {
    /// Profile names from the start down to the base credentials (or as far as it goes).
    chain: Vec<String>,
    /// Where the chain broke, and why: (profile, message).
    problem: Option<(String, String)>,
    /// Whether some profile on the way has an `mfa_serial`.
    mfa: bool,
}

/// How many threads loading `bytes` of files is worth: one for the few hundred profiles
/// most people have (a thread costs more than it saves), up to four for large configs.
fn threads_for(bytes: usize) -> usize {
    const BYTES_PER_THREAD: usize = 128 * 1024;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (bytes / BYTES_PER_THREAD).clamp(1, cores.min(4))
}

/// The most of a config or credentials file rolecall reads: far beyond any real one (a
/// 10,000-profile config is about 1.5 MiB), small enough that a wrong path cannot
/// exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads one file; a missing file is empty, anything else unreadable is a diagnostic.
///
/// Only a regular file is read (a symbolic link to one is fine): `AWS_CONFIG_FILE=/dev/zero`
/// or a FIFO would otherwise hang or exhaust memory. The file is opened without blocking
/// (a FIFO would block `open` itself) and checked after opening, so it cannot be swapped
/// for something else in between.
fn read_text(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> String {
    match read_regular_file(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(file_diagnostic(
                    path,
                    0,
                    "file is not valid UTF-8; read it with the invalid bytes replaced",
                ));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            diagnostics.push(file_diagnostic(path, 0, &format!("cannot read file: {e}")));
            String::new()
        }
    }
}

fn read_regular_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "something else"
        };
        return Err(std::io::Error::other(format!(
            "it is not a regular file ({what}); point AWS_CONFIG_FILE or \
             AWS_SHARED_CREDENTIALS_FILE at a file"
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "it is {} MiB, more than the {} MiB rolecall reads; is this the right file?",
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES).read_to_end(&mut bytes)?;
    Ok(bytes)
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

/// The parsed files and their paths: what diagnostics need to say where something is.
struct Files<'t, 'a> {
    paths: &'t ConfigPaths,
    table: &'t ProfileTable<'a>,
}

impl Files<'_, '_> {
    fn path(&self, file: FileKind) -> &Path {
        match file {
            FileKind::Config => &self.paths.config,
            FileKind::Credentials => &self.paths.credentials,
        }
    }

    fn location(&self, file: FileKind, line: usize) -> Location {
        Location {
            file: self.path(file).to_path_buf(),
            line,
        }
    }

    /// Where `profile`'s section starts (the config file's when in both).
    fn section(&self, profile: &str) -> Option<Location> {
        let raw = self.table.profile(profile)?;
        match (raw.config_line, raw.credentials_line) {
            (Some(line), _) => Some(self.location(FileKind::Config, line)),
            (None, Some(line)) => Some(self.location(FileKind::Credentials, line)),
            (None, None) => None,
        }
    }

    /// Where `key` of `profile` is set (the assignment that wins), else its section.
    fn key_location(&self, profile: &str, key: &str) -> Option<Location> {
        let raw = self.table.profile(profile)?;
        match raw.property(key) {
            Some((_, origin)) => Some(self.location(origin.file, origin.line)),
            None => self.section(profile),
        }
    }

    /// Lines the spec rejects and sections or keys it ignores, file by file in line order:
    /// each would otherwise vanish without a word.
    fn format_problems(
        &self,
        config: &ParsedFile<'_>,
        credentials: &ParsedFile<'_>,
    ) -> Vec<Diagnostic> {
        let mut found: Vec<(FileKind, usize, String)> = Vec::new();
        for file in [config, credentials] {
            found.extend(file.errors.iter().map(|e| {
                (
                    file.kind,
                    e.line,
                    format!("{}; ignored this line", e.message),
                )
            }));
            found.extend(
                file.sections
                    .iter()
                    .filter_map(|s| Some((file.kind, s.line, s.ignored.clone()?))),
            );
        }
        found.extend(self.table.ignored_keys.iter().map(|k| {
            (
                k.file,
                k.line,
                format!(
                    "key '{}' in [{}] is ignored: AWS SDKs accept only ASCII letters, digits and _ - / . % @ : + in key names",
                    k.key, k.section
                ),
            )
        }));
        found.extend(self.table.shadowed_defaults.iter().map(|&(file, line)| {
            (
                file,
                line,
                "section [default] is ignored: the same file has [profile default], which takes priority".to_string(),
            )
        }));
        found.sort_by_key(|&(file, line, _)| (file == FileKind::Credentials, line));
        found
            .into_iter()
            .map(|(file, line, message)| file_diagnostic(self.path(file), line, &message))
            .collect()
    }
}

fn static_credentials(raw: &MergedSection<'_>) -> Option<Credentials> {
    let id = raw.get("aws_access_key_id")?;
    let secret = raw.get("aws_secret_access_key")?;
    Some(Credentials {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: raw.get("aws_session_token").map(Secret::new),
        expiration: None,
    })
}

/// The keys rolecall reads from a profile, found in one pass over its properties (instead
/// of a search per key: this runs for every profile of the files).
#[derive(Default)]
struct Keys<'a> {
    role_arn: Option<&'a str>,
    source_profile: Option<&'a str>,
    credential_source: Option<&'a str>,
    web_identity_token_file: Option<&'a str>,
    duration_seconds: Option<&'a str>,
    sso_session: Option<&'a str>,
    aws_access_key_id: Option<&'a str>,
    aws_secret_access_key: Option<&'a str>,
    sso_start_url: Option<&'a str>,
    credential_process: Option<&'a str>,
    mfa_serial: Option<&'a str>,
    external_id: Option<&'a str>,
    role_session_name: Option<&'a str>,
    region: Option<&'a str>,
    sso_account_id: Option<&'a str>,
    sso_role_name: Option<&'a str>,
}

impl<'a> Keys<'a> {
    fn of(raw: &'a MergedSection<'_>) -> Self {
        let mut keys = Keys::default();
        for property in &raw.properties {
            let value = Some(property.value.as_ref());
            match property.key.as_ref() {
                "role_arn" => keys.role_arn = value,
                "source_profile" => keys.source_profile = value,
                "credential_source" => keys.credential_source = value,
                "web_identity_token_file" => keys.web_identity_token_file = value,
                "duration_seconds" => keys.duration_seconds = value,
                "sso_session" => keys.sso_session = value,
                "aws_access_key_id" => keys.aws_access_key_id = value,
                "aws_secret_access_key" => keys.aws_secret_access_key = value,
                "sso_start_url" => keys.sso_start_url = value,
                "credential_process" => keys.credential_process = value,
                "mfa_serial" => keys.mfa_serial = value,
                "external_id" => keys.external_id = value,
                "role_session_name" => keys.role_session_name = value,
                "region" => keys.region = value,
                "sso_account_id" => keys.sso_account_id = value,
                "sso_role_name" => keys.sso_role_name = value,
                _ => {}
            }
        }
        keys
    }
}

/// One profile's kind and fields, with the diagnostics that need only the profile itself.
fn classify(raw: &MergedSection<'_>, files: &Files<'_, '_>) -> Profile {
    let name = raw.name.to_string();
    let keys = Keys::of(raw);
    let own = |value: Option<&str>| value.map(Box::<str>::from);
    let mut diagnostics = Vec::new();
    let mut report = |key: &str, message: String| {
        diagnostics.push(Diagnostic {
            profile: Some(name.clone()),
            location: files.key_location(&name, key),
            message,
        })
    };

    let role_arn = own(keys.role_arn);
    let role = role_arn.as_deref().and_then(RoleArn::parse);
    if let (Some(arn), None) = (&role_arn, &role) {
        report(
            "role_arn",
            format!("role_arn '{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
        );
    }
    let source_profile = own(keys.source_profile);
    let credential_source = own(keys.credential_source);
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
        && keys.web_identity_token_file.is_none()
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
    let duration_seconds = match keys.duration_seconds {
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
    let sso_session = own(keys.sso_session);
    if let Some(s) = &sso_session {
        if files.table.sso_session(s).is_none() {
            report(
                "sso_session",
                format!("sso_session '{s}' has no [sso-session {s}] section"),
            );
        }
    }
    let has_static_keys = keys.aws_access_key_id.is_some() && keys.aws_secret_access_key.is_some();
    if keys.aws_access_key_id.is_some() != keys.aws_secret_access_key.is_some() {
        report(
            "aws_access_key_id",
            "only one of aws_access_key_id and aws_secret_access_key is set".to_string(),
        );
    }
    let web_identity_token_file = own(keys.web_identity_token_file);
    if web_identity_token_file.is_some() && role_arn.is_none() {
        report(
            "web_identity_token_file",
            "web_identity_token_file is set but role_arn is not; both are needed".to_string(),
        );
    }
    let sso_start_url = own(keys.sso_start_url);
    let credential_process = own(keys.credential_process);
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
    Profile {
        kind,
        role_arn,
        role,
        source_profile,
        credential_source,
        credential_process,
        mfa_serial: own(keys.mfa_serial),
        duration_seconds,
        external_id: own(keys.external_id),
        role_session_name: own(keys.role_session_name),
        region: own(keys.region),
        sso_session,
        sso_start_url,
        sso_account_id: own(keys.sso_account_id),
        sso_role_name: own(keys.sso_role_name),
        web_identity_token_file,
        has_static_keys,
        chain: vec![name.clone()],
        chain_complete: true,
        mfa_in_chain: false,
        diagnostics,
        name,
    }
}
