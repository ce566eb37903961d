//! The validated profile graph: load both files, classify each profile, resolve chains.

use super::files::{ConfigPaths, FileKind};
use super::parse::{parse_file_in_parts, MergedSection, NameHasher, ParsedFile, ProfileTable};
use super::{
    CallSettings, Chain, CredentialSource, Diagnostic, Location, Profile, ProfileKind, RoleArn,
    SsoSessionSection, StaticKeys,
};
use crate::credentials::Credentials;
use crate::parallel::map_in_parts;
use crate::secret::Secret;
use std::hash::Hasher;
use std::path::Path;
use zeroize::Zeroizing;

/// STS's bounds for `duration_seconds` (15 minutes to 12 hours).
pub const DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=43200;

/// STS limits a role session assumed with another role session's credentials to an hour.
pub const ROLE_CHAINING_LIMIT: u32 = 3600;

/// Every profile of the user's AWS files, validated, sorted by name.
///
/// Loading never fails: whatever is wrong becomes a [`Diagnostic`] (on the profile it
/// concerns, or in [`ProfileGraph::file_diagnostics`]) and every good profile is kept.
///
/// The graph holds no secret: static keys are read from the files again, by
/// [`ProfileGraph::load_static_keys`], only when a session is made.
pub struct ProfileGraph {
    /// Sorted by name: looked up by binary search.
    profiles: Vec<Profile>,
    /// Problems with the files themselves: unreadable, lines that do not parse.
    pub file_diagnostics: Vec<Diagnostic>,
    /// The `[sso-session]` sections, sorted by name.
    sso_sessions: Vec<SsoSessionSection>,
    pub paths: ConfigPaths,
    texts: Texts,
}

/// Where the graph's texts came from, so static keys can be read again.
#[derive(Clone)]
enum Texts {
    /// The files at `paths`.
    Files,
    /// Texts given directly (the demo, tests); zeroised with the graph.
    Given { config: Secret, credentials: Secret },
}

/// Why a profile's static keys could not be read when a session was made.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the keys of profile '{profile}' from {path}: {message}")]
pub struct StaticKeysError {
    pub profile: String,
    pub path: String,
    pub message: String,
}

impl std::fmt::Debug for ProfileGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileGraph")
            .field("profiles", &self.profiles)
            .field("file_diagnostics", &self.file_diagnostics)
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

impl ProfileGraph {
    /// Loads the files at `paths`. A missing file is an empty one, as in the AWS CLI.
    pub fn load(paths: &ConfigPaths) -> Self {
        let mut diagnostics = Vec::new();
        // The credentials file holds keys: its text is zeroised once parsed.
        let config = Zeroizing::new(read_text(&paths.config, &mut diagnostics));
        let credentials = Zeroizing::new(read_text(&paths.credentials, &mut diagnostics));
        Self::build(
            paths.clone(),
            &config,
            &credentials,
            diagnostics,
            Texts::Files,
        )
    }

    /// Builds the graph from file texts (tests and the demo); `paths` only name them in
    /// diagnostics.
    pub fn from_texts(paths: ConfigPaths, config: &str, credentials: &str) -> Self {
        let texts = Texts::Given {
            config: Secret::new(config),
            credentials: Secret::new(credentials),
        };
        Self::build(paths, config, credentials, Vec::new(), texts)
    }

    fn build(
        paths: ConfigPaths,
        config: &str,
        credentials: &str,
        mut file_diagnostics: Vec<Diagnostic>,
        texts: Texts,
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
        let sso_sessions = sso_session_sections(&table, &files);
        let mut graph = ProfileGraph {
            profiles,
            file_diagnostics,
            sso_sessions,
            paths: paths.clone(),
            texts,
        };
        graph.resolve_chains(&files);
        graph
    }

    /// All profiles, sorted by name.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// This graph's files with `profiles` instead of its own (the caller's edit of them:
    /// discovered IAM Identity Center roles added, account names set). Sorted by name; of
    /// two with one name, the first is kept.
    pub fn with_profiles(&self, mut profiles: Vec<Profile>) -> ProfileGraph {
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        profiles.dedup_by(|later, first| later.name == first.name);
        ProfileGraph {
            profiles,
            file_diagnostics: self.file_diagnostics.clone(),
            paths: self.paths.clone(),
            texts: self.texts.clone(),
            sso_sessions: self.sso_sessions.clone(),
        }
    }

    /// The profiles, sorted by name, taken out of the graph.
    pub fn into_profiles(self) -> Vec<Profile> {
        self.profiles
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.index_of(name).map(|i| &self.profiles[i])
    }

    /// Reads the static keys profile `name` holds, from the files as they are now (only
    /// the files that hold them are parsed); `None` when the profile holds none.
    pub fn load_static_keys(&self, name: &str) -> Result<Option<Credentials>, StaticKeysError> {
        let Some(keys) = self.get(name).and_then(|p| p.static_keys) else {
            return Ok(None);
        };
        let text = |kind: FileKind, wanted: bool| -> Result<Zeroizing<String>, StaticKeysError> {
            let path = match kind {
                FileKind::Config => &self.paths.config,
                FileKind::Credentials => &self.paths.credentials,
            };
            if !wanted {
                return Ok(Zeroizing::new(String::new()));
            }
            match &self.texts {
                Texts::Given {
                    config,
                    credentials,
                } => Ok(Zeroizing::new(
                    match kind {
                        FileKind::Config => config,
                        FileKind::Credentials => credentials,
                    }
                    .expose()
                    .to_string(),
                )),
                Texts::Files => read_regular_file(path)
                    .map(|bytes| Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
                    .map_err(|e| StaticKeysError {
                        profile: name.to_string(),
                        path: path.display().to_string(),
                        message: e.to_string(),
                    }),
            }
        };
        let config = text(FileKind::Config, keys.in_config)?;
        let credentials = text(FileKind::Credentials, keys.in_credentials)?;
        let mut config = parse_file_in_parts(FileKind::Config, &config, threads_for(config.len()));
        let mut credentials = parse_file_in_parts(
            FileKind::Credentials,
            &credentials,
            threads_for(credentials.len()),
        );
        let table = ProfileTable::merge([&mut config, &mut credentials]);
        Ok(table.profile(name).and_then(static_credentials))
    }

    /// The `[sso-session]` sections, sorted by name.
    pub fn sso_sessions(&self) -> &[SsoSessionSection] {
        &self.sso_sessions
    }

    /// The `[sso-session NAME]` section called `name`.
    pub fn sso_session(&self, name: &str) -> Option<&SsoSessionSection> {
        self.sso_sessions
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.sso_sessions[i])
    }

    /// Every diagnostic: the files', then each profile's.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.file_diagnostics
            .iter()
            .chain(self.profiles.iter().flat_map(|p| p.diagnostics.iter()))
    }

    /// The profile whose `mfa_process` prints the codes of device `serial` for the keys of
    /// profile `keys` (renewing their MFA session): `keys` itself when it holds that
    /// `mfa_serial`, else the first profile by name whose chain ends at `keys` and holds it.
    pub fn mfa_process_for_keys(&self, keys: &str, serial: &str) -> Option<&Profile> {
        let device = |p: &&Profile| {
            p.mfa_serial.as_deref() == Some(serial) && p.settings().mfa_process.is_some()
        };
        self.get(keys).filter(device).or_else(|| {
            self.profiles()
                .iter()
                .filter(|p| p.chain.base() == keys)
                .find(device)
        })
    }

    /// Whether obtaining `name`'s credentials asks for an MFA code at some step.
    pub fn chain_needs_mfa(&self, name: &str) -> bool {
        self.get(name).is_some_and(|p| p.mfa_in_chain)
    }

    /// Follows `source_profile` links: the AWS CLI's rule is that a role profile's chain
    /// continues through its source profile until one holds static keys (which win over a
    /// `role_arn` there), uses `credential_source`, points at itself, or has no role.
    ///
    /// Linear in the number of profiles whatever the shape: every profile is walked once
    /// ([`walk_all`]), chains that meet share their tail, and a cycle is reported once, on
    /// its first profile by name.
    fn resolve_chains(&mut self, files: &Files<'_, '_>) {
        let walked = walk_all(self);
        for (i, w) in walked.into_iter().enumerate() {
            let problem = self.chain_problem_of(i, &w);
            let p = &mut self.profiles[i];
            p.chain = w.chain;
            p.mfa_in_chain = w.mfa;
            p.chain_complete = matches!(w.end, ChainEnd::Base(_)) && problem.is_none();
            if let Some((at, message)) = problem {
                let location = files.key_location(&self.profiles[at].name, "source_profile");
                let p = &mut self.profiles[i];
                p.diagnostics.push(Diagnostic {
                    profile: Some(p.name.clone()),
                    location,
                    message,
                });
            }
        }
        // STS's one-hour limit on role chaining: only the rare long durations are checked.
        let too_long: Vec<(usize, Diagnostic)> = self
            .profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| p.duration_seconds.is_some_and(|d| d > ROLE_CHAINING_LIMIT))
            .filter_map(|(i, p)| {
                let why = self.role_session_source(p)?;
                let d = p.duration_seconds.unwrap_or_default();
                Some((
                    i,
                    Diagnostic {
                        profile: Some(p.name.clone()),
                        location: files.key_location(&p.name, "duration_seconds"),
                        message: format!(
                            "duration_seconds {d} is more than STS allows here: a role assumed \
                             with {why} lasts at most one hour ({ROLE_CHAINING_LIMIT}); \
                             rolecall asks for {ROLE_CHAINING_LIMIT}"
                        ),
                    },
                ))
            })
            .collect();
        for (i, diagnostic) in too_long {
            self.profiles[i].diagnostics.push(diagnostic);
        }
    }

    /// What `check` reports of profile `i`'s walk: (the profile whose `source_profile` is at
    /// fault, the message). A cycle is reported only on its first profile; the others on it,
    /// and the profiles whose chains run into it, have an incomplete chain and no message of
    /// their own ([`ProfileGraph::chain_problem`] explains any one of them).
    fn chain_problem_of(&self, i: usize, walked: &Walked) -> Option<(usize, String)> {
        match walked.end {
            ChainEnd::Base(base) => {
                let p = &self.profiles[base];
                (walked.chain.len() > 1 && !p.has_static_keys && p.kind == ProfileKind::None)
                    .then(|| (base, self.no_credentials_message(base)))
            }
            ChainEnd::Missing(at) => Some((at, self.missing_message(at, at == i))),
            ChainEnd::Cycle { first, closing } if first == i => {
                Some((closing, self.cycle_message(&walked.chain, i)))
            }
            ChainEnd::Cycle { .. } => None,
        }
    }

    /// `source_profile cycle: a → b → a`, for a chain that comes back to `start`.
    fn cycle_message(&self, chain: &Chain, start: usize) -> String {
        let mut path = String::from("source_profile cycle: ");
        for name in chain.iter() {
            path.push_str(name);
            path.push_str(" → ");
        }
        path.push_str(&self.profiles[start].name);
        path
    }

    /// Why `profile`'s chain is broken (`None` when it is complete), as its own walk finds
    /// it: a missing source profile, a base with no credentials, or a cycle, with the path
    /// from `profile` into it. Walks this one chain only.
    pub fn chain_problem(&self, profile: &Profile) -> Option<String> {
        if profile.chain_complete {
            return None;
        }
        let start = self.index_of(&profile.name)?;
        let mut seen = std::collections::HashSet::new();
        let mut path = vec![start];
        let mut current = start;
        loop {
            seen.insert(current);
            match self.step(current, current == start) {
                Step::End => break,
                Step::Missing => return Some(self.missing_message(current, current == start)),
                Step::Next(next) if seen.contains(&next) => {
                    let names: Vec<&str> = path
                        .iter()
                        .map(|&i| self.profiles[i].name.as_str())
                        .collect();
                    let next = &self.profiles[next].name;
                    return Some(format!(
                        "source_profile cycle: {} → {next}",
                        names.join(" → ")
                    ));
                }
                Step::Next(next) => {
                    path.push(next);
                    current = next;
                }
            }
        }
        Some(self.no_credentials_message(current))
    }

    /// Profile `at`'s `source_profile` names no profile; `first`: `at` is where the chain
    /// starts.
    fn missing_message(&self, at: usize, first: bool) -> String {
        let p = &self.profiles[at];
        let missing = p.source_profile.as_deref().unwrap_or_default();
        if first {
            format!("source_profile '{missing}' does not exist")
        } else {
            format!(
                "chain broken at '{}': source_profile '{missing}' does not exist",
                p.name
            )
        }
    }

    /// A chain ends at profile `base`, which holds no credentials.
    fn no_credentials_message(&self, base: usize) -> String {
        format!(
            "chain ends at '{}', which has no credentials (no keys, role, credential_process or SSO)",
            self.profiles[base].name
        )
    }

    /// The index of the profile called `name`.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.profiles
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
    }

    /// One step down a chain from profile `i`, by the AWS CLI's rule: the chain goes on to
    /// the `source_profile` of a role profile, unless the profile gets its credentials some
    /// other way (`credential_source`, web identity, a source profile that is itself) or,
    /// further down than the first profile (`first` false), holds static keys of its own.
    fn step(&self, i: usize, first: bool) -> Step {
        let p = &self.profiles[i];
        if (!first && p.has_static_keys)
            || p.role_arn.is_none()
            || p.credential_source.is_some()
            || p.web_identity_token_file.is_some()
        {
            return Step::End;
        }
        match p.source_profile.as_deref() {
            None => Step::End,
            Some(next) if next == p.name => Step::End, // its own static keys are the source
            Some(next) => self.index_of(next).map_or(Step::Missing, Step::Next),
        }
    }

    /// Whether `profile`'s session takes the instance's region (IMDS `placement/region`):
    /// its chain starts at the instance metadata service, and neither a profile on the
    /// chain nor `[default]` names a region (the plan's session region rule).
    pub fn region_from_instance(&self, profile: &Profile) -> bool {
        let on_instance = |p: &Profile| {
            p.credential_source
                .as_deref()
                .and_then(CredentialSource::parse)
                == Some(CredentialSource::Ec2InstanceMetadata)
        };
        profile.region.is_none()
            && self.get(profile.chain.base()).is_some_and(on_instance)
            && profile
                .chain
                .iter()
                .filter_map(|n| self.get(n))
                .all(|p| p.region.is_none())
            && self.get("default").is_none_or(|d| d.region.is_none())
    }

    /// Why the credentials `profile`'s role is assumed with are a role session, when the
    /// configuration alone says so (the previous role of the chain, an instance or
    /// container role, SSO); `None` for long-term keys and for what only the credentials
    /// themselves can tell (a `credential_process`, keys with a session token).
    pub fn role_session_source(&self, profile: &Profile) -> Option<String> {
        profile.role_arn.as_ref()?;
        // Only the first three links matter: a chain walks no further than it must.
        let mut chain = profile.chain.iter().map(|n| self.get(n));
        let (only, next, more) = (chain.next()??, chain.next(), chain.next().is_some());
        match next {
            None if only.assumes_own_role(true) => {
                match only
                    .credential_source
                    .as_deref()
                    .and_then(CredentialSource::parse)
                {
                    Some(CredentialSource::Ec2InstanceMetadata) => {
                        Some("the instance profile's role session".into())
                    }
                    Some(CredentialSource::EcsContainer) => {
                        Some("the container's role session".into())
                    }
                    _ => None,
                }
            }
            Some(Some(next)) => {
                if more || next.assumes_own_role(false) {
                    Some(format!("the role session of '{}'", next.name))
                } else {
                    match next.kind {
                        ProfileKind::Sso => Some("IAM Identity Center role credentials".into()),
                        ProfileKind::Login
                            if next
                                .login_session
                                .as_deref()
                                .is_some_and(|a| a.contains(":assumed-role/")) =>
                        {
                            Some(format!("the `aws login` role session of '{}'", next.name))
                        }
                        ProfileKind::WebIdentity => {
                            Some(format!("the web identity role session of '{}'", next.name))
                        }
                        _ => None,
                    }
                }
            }
            _ => None,
        }
    }
}

/// One step of a chain: [`ProfileGraph::step`].
enum Step {
    /// The chain ends here: this profile holds the base credentials.
    End,
    /// It goes on to this profile.
    Next(usize),
    /// Its `source_profile` names no profile.
    Missing,
}

/// Where following `source_profile` from one profile led.
#[derive(Clone)]
struct Walked {
    /// Profile names from the start down to the base credentials (or as far as it goes).
    chain: Chain,
    /// Whether some profile on the way has an `mfa_serial`.
    mfa: bool,
    end: ChainEnd,
}

/// How a walk ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ChainEnd {
    /// At this profile, which holds the base credentials (or should: see
    /// [`ProfileGraph::chain_problem_of`]).
    Base(usize),
    /// At this profile, whose `source_profile` names no profile.
    Missing(usize),
    /// In a cycle, whose first profile by name is `first` and whose `source_profile` back
    /// to `first` is `closing`'s.
    Cycle { first: usize, closing: usize },
}

/// Walks every profile's chain, each profile once: linear time and memory in the number of
/// profiles, whatever the shape (one chain of thousands of hops, a cycle of thousands).
///
/// Below its first profile a chain follows one rule for everyone ([`ProfileGraph::step`]
/// with `first` false), so a profile's walk there is the same from whichever start: it is
/// computed once, memoised, and shared (its [`Chain`] is the tail of every chain through
/// it). Only a start with keys of its own steps differently, and only on its first step.
fn walk_all(graph: &ProfileGraph) -> Vec<Walked> {
    let n = graph.profiles.len();
    let mut below: Vec<Option<Walked>> = (0..n).map(|_| None).collect();
    let mut on_path = vec![false; n];
    for start in 0..n {
        walk_below(graph, start, &mut below, &mut on_path);
    }
    (0..n)
        .map(|i| {
            let p = &graph.profiles[i];
            match (p.has_static_keys, graph.step(i, true)) {
                (true, Step::Next(next)) => {
                    let rest = below[next].as_ref().expect("every profile was walked");
                    if rest.end == ChainEnd::Base(i) {
                        return own_cycle(graph, i, &rest.chain);
                    }
                    Walked {
                        chain: Chain::then(&p.name, &rest.chain),
                        mfa: p.mfa_serial.is_some() || rest.mfa,
                        end: rest.end,
                    }
                }
                (true, Step::Missing) => Walked {
                    chain: Chain::single(&p.name),
                    mfa: p.mfa_serial.is_some(),
                    end: ChainEnd::Missing(i),
                },
                _ => below[i].clone().expect("every profile was walked"),
            }
        })
        .collect()
}

/// The walk of a start `i` with keys of its own whose chain, `i` then `rest`, comes back
/// to `i`: a cycle of its own (no other start walks it), reported as `i → … → i`. Its chain
/// stops before `i` comes round again.
fn own_cycle(graph: &ProfileGraph, i: usize, rest: &Chain) -> Walked {
    let names: Vec<&str> = rest.iter().take(rest.len() - 1).collect();
    let closing = names
        .last()
        .and_then(|name| graph.index_of(name))
        .unwrap_or(i);
    let own = &graph.profiles[i];
    let chain = names
        .iter()
        .rev()
        .fold(None, |below: Option<Chain>, name| {
            Some(match below {
                Some(chain) => Chain::then(name, &chain),
                None => Chain::single(name),
            })
        })
        .map_or_else(
            || Chain::single(&own.name),
            |chain| Chain::then(&own.name, &chain),
        );
    let mfa = chain
        .iter()
        .filter_map(|name| graph.get(name))
        .any(|p| p.mfa_serial.is_some());
    Walked {
        chain,
        mfa,
        end: ChainEnd::Cycle { first: i, closing },
    }
}

/// The walk below `start` (and below every profile on its way), unless already known: a
/// loop down the chain, then the links built back up from where it ended.
fn walk_below(
    graph: &ProfileGraph,
    start: usize,
    below: &mut [Option<Walked>],
    on_path: &mut [bool],
) {
    let mut path = Vec::new();
    let mut current = start;
    // Down the chain until a profile whose walk is known, a cycle, or the end.
    while below[current].is_none() {
        if on_path[current] {
            close_cycle(graph, &path, current, below);
            break;
        }
        on_path[current] = true;
        path.push(current);
        match graph.step(current, false) {
            Step::Next(next) => current = next,
            end => {
                let own = &graph.profiles[current];
                below[current] = Some(Walked {
                    chain: Chain::single(&own.name),
                    mfa: own.mfa_serial.is_some(),
                    end: match end {
                        Step::Missing => ChainEnd::Missing(current),
                        _ => ChainEnd::Base(current),
                    },
                });
            }
        }
    }
    // Build the links back up, each on the one below it.
    for pair in (0..path.len()).rev() {
        let i = path[pair];
        on_path[i] = false;
        if below[i].is_some() {
            continue; // the end found above, or a member of the cycle closed above
        }
        let next = match graph.step(i, false) {
            Step::Next(next) => next,
            _ => unreachable!("only a profile that goes on is left to link"),
        };
        let rest = below[next]
            .as_ref()
            .expect("the walk below was built first");
        let own = &graph.profiles[i];
        below[i] = Some(Walked {
            chain: Chain::then(&own.name, &rest.chain),
            mfa: own.mfa_serial.is_some() || rest.mfa,
            end: rest.end,
        });
    }
}

/// Links the profiles of a cycle found on `path` (from `entry`, where it came back round):
/// each chain runs round the cycle as far as the profile whose `source_profile` goes back
/// to the cycle's first profile by name.
fn close_cycle(graph: &ProfileGraph, path: &[usize], entry: usize, below: &mut [Option<Walked>]) {
    let from = path
        .iter()
        .position(|&i| i == entry)
        .expect("entry is on the path");
    let members = &path[from..];
    let at = (0..members.len())
        .min_by_key(|&k| members[k])
        .expect("a cycle has a member");
    let first = members[at];
    // Round the cycle from `first`: the last of them closes it.
    let round: Vec<usize> = members[at..]
        .iter()
        .chain(&members[..at])
        .copied()
        .collect();
    let closing = *round.last().expect("a cycle has a member");
    let end = ChainEnd::Cycle { first, closing };
    let mut rest: Option<(Chain, bool)> = None;
    for &i in round.iter().rev() {
        let own = &graph.profiles[i];
        let mfa = own.mfa_serial.is_some() || rest.as_ref().is_some_and(|(_, m)| *m);
        let chain = match &rest {
            Some((chain, _)) => Chain::then(&own.name, chain),
            None => Chain::single(&own.name),
        };
        below[i] = Some(Walked {
            chain: chain.clone(),
            mfa,
            end,
        });
        rest = Some((chain, mfa));
    }
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
/// How the diagnostic of a file that could not be read at all begins.
const CANNOT_READ: &str = "cannot read file: ";

impl ProfileGraph {
    /// The files that could not be read at all, with why, joined by `; `: what a
    /// profile that is not in the graph may be missing for. `None` when every file was read.
    /// Why no profile is named `name`, for the error that says so: the files that could not
    /// be read, else the defined name closest to it ("did you mean 'prod-admin'?"), else
    /// `None`.
    pub fn why_missing(&self, name: &str) -> Option<String> {
        self.unread_files().or_else(|| {
            let names = self.profiles().iter().map(|p| p.name.as_str());
            super::suggest::closest(name, names).map(|close| format!("did you mean '{close}'?"))
        })
    }

    pub fn unread_files(&self) -> Option<String> {
        let unread: Vec<String> = self
            .file_diagnostics
            .iter()
            .filter(|d| d.message.starts_with(CANNOT_READ))
            .map(|d| d.to_string())
            .collect();
        (!unread.is_empty()).then(|| unread.join("; "))
    }
}

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
            diagnostics.push(file_diagnostic(path, 0, &format!("{CANNOT_READ}{e}")));
            String::new()
        }
    }
}

fn read_regular_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(std::io::Error::other(format!(
            "it is not a regular file ({}); point AWS_CONFIG_FILE or \
             AWS_SHARED_CREDENTIALS_FILE at a file",
            crate::fsutil::file_kind(kind)
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
            Some((_, set_at)) => Some(self.location(set_at.file, set_at.line)),
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
                    match e.hint {
                        Some(hint) => format!("{}; ignored this line ({hint})", e.message),
                        None => format!("{}; ignored this line", e.message),
                    },
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

/// STS's bounds for an MFA session (GetSessionToken): 15 minutes to 36 hours.
pub const MFA_SESSION_DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=129_600;

/// The profile's [`CallSettings`], `None` when it sets none; problems are reported.
fn call_settings(
    keys: &Keys<'_>,
    files: &Files<'_, '_>,
    report: &mut impl FnMut(&str, String),
) -> Option<Box<CallSettings>> {
    let own = |value: Option<&str>| value.map(Box::<str>::from);
    let mut flag = |key: &str, value: Option<&str>| -> Option<bool> {
        let value = value?;
        match value.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                report(key, format!("{key} '{value}' is neither true nor false"));
                None
            }
        }
    };
    let ignore_configured_endpoint_urls = flag(
        "ignore_configured_endpoint_urls",
        keys.ignore_configured_endpoint_urls,
    )
    .unwrap_or(false);
    let use_fips_endpoint = flag("use_fips_endpoint", keys.use_fips_endpoint);
    let use_dualstack_endpoint = flag("use_dualstack_endpoint", keys.use_dualstack_endpoint);
    let ec2_metadata_v1_disabled = flag("ec2_metadata_v1_disabled", keys.ec2_metadata_v1_disabled);
    let services_sts = match keys.services {
        None => None,
        Some(name) => match files.table.services(name) {
            Some(section) => section
                .get("sts")
                .and_then(|sts| sub_property(sts, "endpoint_url")),
            None => {
                report(
                    "services",
                    format!("services '{name}' has no [services {name}] section"),
                );
                None
            }
        },
    };
    let mfa_session_duration =
        keys.mfa_session_duration
            .and_then(|text| match text.trim().parse::<u32>() {
                Ok(d) if MFA_SESSION_DURATION_RANGE.contains(&d) => Some(d),
                _ => {
                    report(
                        "mfa_session_duration",
                        format!(
                        "mfa_session_duration '{text}' is not a number of seconds in 900..129600 \
                         (15 minutes to 36 hours); the default of 3600 is used"
                    ),
                    );
                    None
                }
            });
    let settings = CallSettings {
        sts_endpoint_url: services_sts.or(keys.endpoint_url).map(Box::from),
        ignore_configured_endpoint_urls,
        use_fips_endpoint,
        use_dualstack_endpoint,
        mfa_session_duration,
        mfa_process: mfa_process(keys, report),
        ec2_metadata_service_endpoint: own(keys.ec2_metadata_service_endpoint),
        ec2_metadata_service_endpoint_mode: own(keys.ec2_metadata_service_endpoint_mode),
        ec2_metadata_v1_disabled,
        metadata_service_timeout: own(keys.metadata_service_timeout),
        metadata_service_num_attempts: own(keys.metadata_service_num_attempts),
    };
    (settings != CallSettings::NONE).then(|| Box::new(settings))
}

/// `mfa_process`, when it can run: on a profile without `mfa_serial` it never would (the
/// code is asked for a device, and the device is the profile's `mfa_serial`), and an empty
/// one runs nothing; both are reported and dropped.
fn mfa_process(keys: &Keys<'_>, report: &mut impl FnMut(&str, String)) -> Option<Box<str>> {
    let command = keys.mfa_process?;
    if command.trim().is_empty() {
        report(
            "mfa_process",
            "mfa_process is empty: it names no command".into(),
        );
        return None;
    }
    if keys.mfa_serial.is_none() {
        report(
            "mfa_process",
            "mfa_process is set but mfa_serial is not: the command prints the code of this \
             profile's mfa_serial; set both on the same profile"
                .into(),
        );
        return None;
    }
    Some(command.into())
}

/// `key`'s value among a property's sub-properties (`sts =` followed by indented
/// `endpoint_url = …` lines, which the parser joins with newlines).
fn sub_property<'v>(value: &'v str, key: &str) -> Option<&'v str> {
    value.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim())
            .filter(|v| !v.is_empty())
    })
}

/// The `[sso-session]` sections' values, sorted by name (they hold no secret).
fn sso_session_sections(table: &ProfileTable<'_>, files: &Files<'_, '_>) -> Vec<SsoSessionSection> {
    let mut sections: Vec<SsoSessionSection> = table
        .sso_sessions
        .iter()
        .map(|raw| SsoSessionSection {
            name: raw.name.to_string(),
            sso_start_url: raw.get("sso_start_url").map(Box::from),
            sso_region: raw.get("sso_region").map(Box::from),
            sso_registration_scopes: raw.get("sso_registration_scopes").map(Box::from),
            location: files.location(FileKind::Config, raw.config_line.unwrap_or(0)),
        })
        .collect();
    sections.sort_by(|a, b| a.name.cmp(&b.name));
    sections
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
    login_session: Option<&'a str>,
    duration_seconds: Option<&'a str>,
    sso_session: Option<&'a str>,
    aws_access_key_id: Option<&'a str>,
    aws_secret_access_key: Option<&'a str>,
    sso_start_url: Option<&'a str>,
    sso_region: Option<&'a str>,
    credential_process: Option<&'a str>,
    mfa_serial: Option<&'a str>,
    external_id: Option<&'a str>,
    role_session_name: Option<&'a str>,
    region: Option<&'a str>,
    sso_account_id: Option<&'a str>,
    sso_role_name: Option<&'a str>,
    aws_session_token: Option<&'a str>,
    endpoint_url: Option<&'a str>,
    services: Option<&'a str>,
    ignore_configured_endpoint_urls: Option<&'a str>,
    use_fips_endpoint: Option<&'a str>,
    use_dualstack_endpoint: Option<&'a str>,
    mfa_session_duration: Option<&'a str>,
    mfa_process: Option<&'a str>,
    ec2_metadata_service_endpoint: Option<&'a str>,
    ec2_metadata_service_endpoint_mode: Option<&'a str>,
    ec2_metadata_v1_disabled: Option<&'a str>,
    metadata_service_timeout: Option<&'a str>,
    metadata_service_num_attempts: Option<&'a str>,
}

impl<'a> Keys<'a> {
    /// Whether both halves of a key pair are set.
    fn has_static_keys(&self) -> bool {
        self.aws_access_key_id.is_some() && self.aws_secret_access_key.is_some()
    }

    fn of(raw: &'a MergedSection<'_>) -> Self {
        let mut keys = Keys::default();
        for property in &raw.properties {
            let value = Some(property.value.as_ref());
            match property.key.as_ref() {
                "role_arn" => keys.role_arn = value,
                "source_profile" => keys.source_profile = value,
                "credential_source" => keys.credential_source = value,
                "web_identity_token_file" => keys.web_identity_token_file = value,
                "login_session" => keys.login_session = value,
                "duration_seconds" => keys.duration_seconds = value,
                "sso_session" => keys.sso_session = value,
                "aws_access_key_id" => keys.aws_access_key_id = value,
                "aws_secret_access_key" => keys.aws_secret_access_key = value,
                "sso_start_url" => keys.sso_start_url = value,
                "sso_region" => keys.sso_region = value,
                "credential_process" => keys.credential_process = value,
                "mfa_serial" => keys.mfa_serial = value,
                "external_id" => keys.external_id = value,
                "role_session_name" => keys.role_session_name = value,
                "region" => keys.region = value,
                "sso_account_id" => keys.sso_account_id = value,
                "sso_role_name" => keys.sso_role_name = value,
                "aws_session_token" => keys.aws_session_token = value,
                "endpoint_url" => keys.endpoint_url = value,
                "services" => keys.services = value,
                "ignore_configured_endpoint_urls" => keys.ignore_configured_endpoint_urls = value,
                "use_fips_endpoint" => keys.use_fips_endpoint = value,
                "use_dualstack_endpoint" => keys.use_dualstack_endpoint = value,
                "mfa_session_duration" => keys.mfa_session_duration = value,
                "mfa_process" => keys.mfa_process = value,
                "ec2_metadata_service_endpoint" => keys.ec2_metadata_service_endpoint = value,
                "ec2_metadata_service_endpoint_mode" => {
                    keys.ec2_metadata_service_endpoint_mode = value
                }
                "ec2_metadata_v1_disabled" => keys.ec2_metadata_v1_disabled = value,
                "metadata_service_timeout" => keys.metadata_service_timeout = value,
                "metadata_service_num_attempts" => keys.metadata_service_num_attempts = value,
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

    // Each step reports what is wrong with its keys; this order is the order a profile's
    // diagnostics are listed in.
    let role = role_of(keys.role_arn, &mut report);
    check_role_source(&keys, &mut report);
    let duration_seconds = duration_seconds(keys.duration_seconds, &mut report);
    let sso_session = sso_session(&keys, files, &mut report);
    let static_keys = static_keys_of(raw, &keys);
    let call_settings = call_settings(&keys, files, &mut report);
    check_key_pair(&keys, &mut report);
    check_web_identity(&keys, &mut report);
    check_login_session(&keys, &mut report);
    Profile {
        kind: kind_of(&keys),
        role_arn: own(keys.role_arn),
        role,
        source_profile: own(keys.source_profile),
        credential_source: own(keys.credential_source),
        credential_process: own(keys.credential_process),
        mfa_serial: own(keys.mfa_serial),
        duration_seconds,
        external_id: own(keys.external_id),
        role_session_name: own(keys.role_session_name),
        region: own(keys.region),
        sso_session,
        sso_start_url: own(keys.sso_start_url),
        sso_region: own(keys.sso_region),
        sso_account_id: own(keys.sso_account_id),
        sso_role_name: own(keys.sso_role_name),
        web_identity_token_file: own(keys.web_identity_token_file),
        login_session: own(keys.login_session),
        has_static_keys: keys.has_static_keys(),
        static_keys,
        call_settings,
        chain: Chain::single(&name),
        chain_complete: true,
        mfa_in_chain: false,
        diagnostics,
        name,
        account_name: None,
        discovered: false,
    }
}

/// `role_arn` as an IAM role ARN; one that is not is reported.
fn role_of(role_arn: Option<&str>, report: &mut impl FnMut(&str, String)) -> Option<RoleArn> {
    let arn = role_arn?;
    let role = RoleArn::parse(arn);
    if role.is_none() {
        report(
            "role_arn",
            format!("role_arn '{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
        );
    }
    role
}

/// Reports an unknown `credential_source`, a role with two sources or none, and a source
/// with no role.
fn check_role_source(keys: &Keys<'_>, report: &mut impl FnMut(&str, String)) {
    if let Some(cs) = keys.credential_source {
        if CredentialSource::parse(cs).is_none() {
            report(
                "credential_source",
                format!(
                    "unknown credential_source '{cs}' (expected Ec2InstanceMetadata, EcsContainer or Environment)"
                ),
            );
        }
    }
    let source_profile = keys.source_profile.is_some();
    let credential_source = keys.credential_source.is_some();
    if source_profile && credential_source {
        report(
            "credential_source",
            "both source_profile and credential_source are set; keep only one".to_string(),
        );
    }
    let role_arn = keys.role_arn.is_some();
    if role_arn && !source_profile && !credential_source && keys.web_identity_token_file.is_none() {
        report("role_arn", super::ROLE_WITHOUT_SOURCE.to_string());
    }
    if !role_arn && (source_profile || credential_source) {
        let key = if source_profile {
            "source_profile"
        } else {
            "credential_source"
        };
        report(
            key,
            format!("{key} is set but role_arn is not; it has no effect"),
        );
    }
}

/// `duration_seconds` as a number of seconds; one outside STS's range is reported and
/// kept, one that is not a number reported and dropped.
fn duration_seconds(text: Option<&str>, report: &mut impl FnMut(&str, String)) -> Option<u32> {
    let text = text?;
    match text.trim().parse::<u32>() {
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
    }
}

/// `sso_session`; one with no `[sso-session …]` section is reported.
fn sso_session(
    keys: &Keys<'_>,
    files: &Files<'_, '_>,
    report: &mut impl FnMut(&str, String),
) -> Option<Box<str>> {
    let s = keys.sso_session?;
    if files.table.sso_session(s).is_none() {
        report(
            "sso_session",
            format!("sso_session '{s}' has no [sso-session {s}] section"),
        );
    }
    Some(s.into())
}

/// What the graph remembers of a profile's static keys: a digest of the key id and the
/// files they are in, never the keys.
fn static_keys_of(raw: &MergedSection<'_>, keys: &Keys<'_>) -> Option<StaticKeys> {
    let id = keys.aws_access_key_id.filter(|_| keys.has_static_keys())?;
    let mut digest = NameHasher::default();
    digest.write(id.as_bytes());
    let from = |file: FileKind| {
        [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
        ]
        .iter()
        .any(|k| {
            raw.property(k)
                .is_some_and(|(_, set_at)| set_at.file == file)
        })
    };
    Some(StaticKeys {
        key_digest: digest.finish(),
        has_session_token: keys.aws_session_token.is_some(),
        in_config: from(FileKind::Config),
        in_credentials: from(FileKind::Credentials),
    })
}

/// Reports one of the two keys set without the other.
fn check_key_pair(keys: &Keys<'_>, report: &mut impl FnMut(&str, String)) {
    if keys.aws_access_key_id.is_some() != keys.aws_secret_access_key.is_some() {
        report(
            "aws_access_key_id",
            "only one of aws_access_key_id and aws_secret_access_key is set".to_string(),
        );
    }
}

/// Reports a `web_identity_token_file` with no role to assume with it.
fn check_web_identity(keys: &Keys<'_>, report: &mut impl FnMut(&str, String)) {
    if keys.web_identity_token_file.is_some() && keys.role_arn.is_none() {
        report(
            "web_identity_token_file",
            "web_identity_token_file is set but role_arn is not; both are needed".to_string(),
        );
    }
}

/// Reports a `login_session` that is not the ARN `aws login` files its session under.
fn check_login_session(keys: &Keys<'_>, report: &mut impl FnMut(&str, String)) {
    let Some(arn) = keys.login_session else {
        return;
    };
    if super::login_session_account(arn).is_none() {
        report(
            "login_session",
            format!(
                "login_session '{arn}' is not the ARN of an `aws login` session \
                 (arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME); \
                 run `aws login` to write it again"
            ),
        );
    }
}

/// The profile's kind, in the AWS CLI's provider order for a profile: assume-role, web
/// identity, SSO, static keys, `aws login`, credential_process.
fn kind_of(keys: &Keys<'_>) -> ProfileKind {
    let role = keys.role_arn.is_some();
    if role && keys.web_identity_token_file.is_some() {
        ProfileKind::WebIdentity
    } else if role && keys.source_profile.is_some() {
        ProfileKind::SourceProfile
    } else if role && keys.credential_source.is_some() {
        ProfileKind::CredentialSource
    } else if keys.sso_session.is_some() || keys.sso_start_url.is_some() {
        ProfileKind::Sso
    } else if keys.has_static_keys() {
        ProfileKind::Static
    } else if keys.login_session.is_some() {
        ProfileKind::Login
    } else if let Some(command) = keys.credential_process {
        match super::bridge::bridged_profile(command) {
            Some(_) => ProfileKind::Keyring,
            None => ProfileKind::CredentialProcess,
        }
    } else {
        ProfileKind::None
    }
}
