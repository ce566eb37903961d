//! The one comparison of rolecall's profile-file parser with aws-config's, shared by
//! `tests/parser_oracle.rs` and the differential fuzz target `fuzz/fuzz_targets/profile_parser.rs`
//! (which includes this file with `#[path]`).
//!
//! aws-config stops at a file's first bad line; rolecall reports it and goes on. The oracle
//! side of that is: parse with aws-config, blank the line it names (a broken header becomes
//! a header the spec ignores), and parse again until the file passes. rolecall must report
//! the same lines with the same messages and end with the same profiles, sso-sessions, keys
//! and values. Any difference panics with both texts.
//!
//! One place aws-config is not deterministic: it merges the sections of one file in hash
//! order when their headers are spelled differently (`[profile a]` and `[profile  a]`), so
//! a key both set takes either value. rolecall takes the later one. For such a key the
//! oracle accepts any value one of those sections gives it; everything else about the
//! profile is still compared exactly.

use aws_config::profile::{Profile as SdkProfile, ProfileSet, Property as SdkProperty};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use rolecall::profile::parse::{
    parse_file, parse_file_in_parts, MergedSection, ParsedFile, ProfileTable, SectionKind,
};
use rolecall::profile::FileKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// aws-config's parse of the two texts; on failure, the line and message it reports.
pub fn sdk_parse(config: &str, credentials: &str) -> Result<ProfileSet, (usize, String)> {
    let files = EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, config)
        .with_contents(EnvConfigFileKind::Credentials, credentials)
        .build();
    let (fs, env) = (Fs::from_slice(&[]), Env::from_slice(&[]));
    futures::executor::block_on(aws_config::profile::load(&fs, &env, &files, None)).map_err(|e| {
        let parse = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<aws_config::profile::ProfileParseError>())
            .unwrap_or_else(|| panic!("aws-config failed without a parse error: {e}"));
        // "error parsing <path> on line N:\n  <message>"
        let text = parse.to_string();
        let (head, message) = text.split_once(":\n").expect("aws-config's message shape");
        let line = head
            .rsplit("on line ")
            .next()
            .and_then(|n| n.parse().ok())
            .expect("aws-config names the line");
        (line, message.trim().to_string())
    })
}

/// aws-config's errors for one file, one at a time, and the text with those lines blanked.
pub fn sdk_errors(kind: FileKind, text: &str) -> (Vec<(usize, String)>, String) {
    let mut text = text.to_string();
    let mut errors = Vec::new();
    loop {
        let result = match kind {
            FileKind::Config => sdk_parse(&text, ""),
            FileKind::Credentials => sdk_parse("", &text),
        };
        let Err((line, message)) = result else {
            return (errors, text);
        };
        assert!(
            errors.len() <= text.lines().count(),
            "aws-config keeps failing on {text:?}"
        );
        errors.push((line, message));
        text = text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, l)| {
                if i + 1 != line {
                    return l.to_string();
                }
                let blank = if l.starts_with('[') {
                    "[rolecall ignored]"
                } else {
                    ""
                };
                let end = if l.ends_with('\n') { "\n" } else { "" };
                format!("{blank}{end}")
            })
            .collect();
    }
}

/// What `compare` checked, so a caller can tell that a case exercised something.
#[derive(Default)]
pub struct Seen {
    pub profiles: usize,
    pub errors: usize,
}

/// A profile or sso-session, as the merge keys it.
type SectionId = (bool, String);

/// For each section of one file: whether aws-config merges it in hash order (its header is
/// spelled more than one way), and every value its sections give each key. A header's
/// spelling is its trimmed line: two lines that differ only in a comment count as two
/// spellings, which can only widen what is accepted for that one section, never fail a case.
fn section_values(file: &ParsedFile<'_>, text: &str) -> HashMap<SectionId, (bool, Values)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut spellings: HashMap<SectionId, BTreeSet<&str>> = HashMap::new();
    let mut values: HashMap<SectionId, (bool, Values)> = HashMap::new();
    let has_prefixed_default = file.sections.iter().any(|s| s.prefixed_default);
    for section in &file.sections {
        let sso = match section.kind {
            SectionKind::Profile => false,
            SectionKind::SsoSession => true,
            SectionKind::Other | SectionKind::Services | SectionKind::Ignored => continue,
        };
        if has_prefixed_default && section.name == "default" && !section.prefixed_default {
            continue;
        }
        let id = (sso, section.name.to_string());
        let spelling = lines[section.line - 1].trim_matches([' ', '\t']);
        spellings.entry(id.clone()).or_default().insert(spelling);
        let (_, known) = values.entry(id).or_default();
        for p in &section.properties {
            known
                .entry(p.key.to_string())
                .or_default()
                .insert(p.value.to_string());
        }
    }
    for (id, (hash_ordered, _)) in values.iter_mut() {
        *hash_ordered = spellings[id].len() > 1;
    }
    values
}

/// The values aws-config may give each key it merges in hash order: the credentials file's
/// when it sets the key (its values win), else the config file's.
fn hash_ordered_values(
    config: (&ParsedFile<'_>, &str),
    credentials: (&ParsedFile<'_>, &str),
) -> HashMap<SectionId, Values> {
    let mut loose: HashMap<SectionId, Values> = HashMap::new();
    let config = section_values(config.0, config.1);
    let credentials = section_values(credentials.0, credentials.1);
    for (id, (hash_ordered, values)) in &config {
        if !hash_ordered {
            continue;
        }
        for (key, candidates) in values {
            let overridden = credentials
                .get(id)
                .is_some_and(|(_, theirs)| theirs.contains_key(key));
            if !overridden {
                let entry = loose.entry(id.clone()).or_default();
                entry.insert(key.clone(), candidates.clone());
            }
        }
    }
    for (id, (hash_ordered, values)) in credentials {
        if hash_ordered {
            loose.entry(id).or_default().extend(values);
        }
    }
    loose
}

type Values = BTreeMap<String, BTreeSet<String>>;

/// Parses with both and panics on any difference.
pub fn compare(label: &str, config: &str, credentials: &str) -> Seen {
    // Parsing in parts (as large files are) gives what parsing whole does.
    for (kind, text) in [
        (FileKind::Config, config),
        (FileKind::Credentials, credentials),
    ] {
        assert_eq!(
            parse_file_in_parts(kind, text, 3),
            parse_file(kind, text),
            "{label}"
        );
    }
    let mut ours_config = parse_file(FileKind::Config, config);
    let mut ours_credentials = parse_file(FileKind::Credentials, credentials);
    let loose = hash_ordered_values((&ours_config, config), (&ours_credentials, credentials));
    let (config_errors, clean_config) = sdk_errors(FileKind::Config, config);
    let (credentials_errors, clean_credentials) = sdk_errors(FileKind::Credentials, credentials);
    let lines = |errors: &[rolecall::profile::parse::ParseError]| -> Vec<(usize, String)> {
        errors.iter().map(|e| (e.line, e.message.clone())).collect()
    };
    let context = || format!("{label}\n--- config:\n{config}\n--- credentials:\n{credentials}");
    assert_eq!(
        lines(&ours_config.errors),
        config_errors,
        "config errors differ: {}",
        context()
    );
    assert_eq!(
        lines(&ours_credentials.errors),
        credentials_errors,
        "credentials errors differ: {}",
        context()
    );
    let sdk = sdk_parse(&clean_config, &clean_credentials).unwrap_or_else(|e| {
        panic!(
            "aws-config rejects the cleaned files ({e:?}): {}",
            context()
        )
    });
    let table = ProfileTable::merge([&mut ours_config, &mut ours_credentials]);

    let sorted = |names: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut all: Vec<String> = names.map(str::to_string).collect();
        all.sort_unstable();
        all
    };
    assert_eq!(
        sorted(&mut table.profiles.iter().map(|p| p.name)),
        sorted(&mut sdk.profiles()),
        "profile names differ: {}",
        context()
    );
    for profile in &table.profiles {
        let theirs = sdk.get_profile(profile.name);
        let properties = settled(false, profile, |k| theirs?.get(k), &loose, &context)
            .into_iter()
            .map(|(key, value)| (key.clone(), SdkProperty::new(key, value)))
            .collect();
        assert_eq!(
            Some(&SdkProfile::new(profile.name, properties)),
            theirs,
            "profile '{}' differs: {}",
            profile.name,
            context()
        );
    }

    assert_eq!(
        sorted(&mut table.sso_sessions.iter().map(|s| s.name)),
        sorted(&mut sdk.sso_sessions()),
        "sso-session names differ: {}",
        context()
    );
    for session in &table.sso_sessions {
        let theirs = sdk.sso_session(session.name).expect("names compared above");
        for (key, value) in settled(true, session, |k| theirs.get(k), &loose, &context) {
            assert_eq!(
                theirs.get(&key),
                Some(value.as_str()),
                "sso-session '{}' key '{key}' differs: {}",
                session.name,
                context()
            );
        }
        // SsoSession has no key iterator: count its properties in its Debug form. A value
        // cannot fake the pattern: Debug escapes the quote in it, and values are trimmed.
        let count = format!("{theirs:?}").matches("Property { key: \"").count();
        assert_eq!(
            count,
            session.properties.len(),
            "sso-session '{}' has another number of keys: {}",
            session.name,
            context()
        );
    }
    Seen {
        profiles: table.profiles.len(),
        errors: config_errors.len() + credentials_errors.len(),
    }
}

/// Our section's keys and values, where a key aws-config merges in hash order takes
/// aws-config's value once both values are among those the section's spellings give it.
fn settled<'s>(
    sso: bool,
    section: &MergedSection<'_>,
    their_value: impl Fn(&str) -> Option<&'s str>,
    loose: &HashMap<SectionId, Values>,
    context: &dyn Fn() -> String,
) -> Vec<(String, String)> {
    let loose = loose.get(&(sso, section.name.to_string()));
    section
        .properties
        .iter()
        .map(|p| {
            let (key, ours) = (p.key.as_ref(), p.value.as_ref());
            let either = loose.and_then(|l| l.get(key)).filter(|v| v.len() > 1);
            let value = match (either, their_value(key)) {
                (Some(values), Some(theirs)) if values.contains(theirs) => {
                    assert!(
                        values.contains(ours),
                        "'{}' key '{key}': ours {ours:?} is none of {values:?}: {}",
                        section.name,
                        context()
                    );
                    theirs
                }
                _ => ours,
            };
            (key.to_string(), value.to_string())
        })
        .collect()
}
