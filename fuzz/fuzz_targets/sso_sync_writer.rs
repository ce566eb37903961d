//! `rolecall sso sync`'s writer on hostile names: arbitrary portal account ids, account
//! names and role names, sso-session names, regions and templates, merged into an
//! arbitrary-ish config file (`sso::sync::updated_text`, the pure part of the sync).
//!
//! The result is read again by rolecall's parser and by aws-config's. It must hold exactly
//! the input's sections and keys plus the intended block: each generated profile with its
//! `sso_session`, `sso_account_id`, `sso_role_name` (and `region`) and the values meant, no
//! other section, no other key, no new rejected line, no generated name that merges into a
//! profile of the input. Only a refused sso-session name or region may stop the sync. For
//! botocore, which also ends a line at a bare CR, no line sync appends holds a control
//! character.
//!
//! Input: bytes read by `arbitrary::Unstructured` (no derive: the choices below say what
//! each byte does, and mostly pick well-formed names so the block gets written).
#![no_main]

use aws_config::profile::{Profile as SdkProfile, Property as SdkProperty};
use libfuzzer_sys::arbitrary::{Result as Arb, Unstructured};
use libfuzzer_sys::fuzz_target;
use rolecall::profile::parse::{parse_file, ParsedFile, SectionKind};
use rolecall::profile::writable::{check_profile_name, check_value};
use rolecall::profile::{ConfigPaths, FileKind};
use rolecall::sso::sync::{
    find_block, updated_text, NameTemplate, ProfileChanges, DEFAULT_TEMPLATE,
};
use rolecall::sso::DiscoveredRole;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

#[path = "../../tests/profile_oracle/mod.rs"]
#[allow(dead_code)]
mod profile_oracle;

/// Names the config and the portal share, so that collisions happen often.
const NAMES: [&str; 8] = [
    "default",
    "Prod.Admin",
    "Prod.Admin-2",
    "corp",
    "111111111111.Admin",
    "Dev",
    "profile",
    "Admin",
];
const KEYS: [&str; 6] = [
    "region",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "credential_process",
    "s3",
];

/// One input: what the portal gives and the config it is merged into.
struct Case {
    session: String,
    region: Option<String>,
    template: NameTemplate,
    roles: Vec<DiscoveredRole>,
    config: String,
    credentials: String,
}

/// A string: often one of `pool`, else arbitrary (any character, newlines and NUL included).
fn text(u: &mut Unstructured<'_>, pool: &[&str]) -> Arb<String> {
    if u.ratio(1, 2)? {
        Ok(u.choose(pool)?.to_string())
    } else {
        u.arbitrary()
    }
}

fn case(u: &mut Unstructured<'_>) -> Arb<Case> {
    let session = if u.ratio(7, 8)? {
        "corp".to_string()
    } else {
        u.arbitrary()?
    };
    let region = match u.int_in_range(0..=3)? {
        0 => None,
        1 | 2 => Some("eu-west-1".to_string()),
        _ => Some(u.arbitrary()?),
    };
    let template = if u.ratio(3, 4)? {
        DEFAULT_TEMPLATE.to_string()
    } else {
        u.arbitrary()?
    };
    let template = NameTemplate::parse(&template)
        .unwrap_or_else(|_| NameTemplate::parse(DEFAULT_TEMPLATE).expect("default parses"));
    let mut roles = Vec::new();
    for _ in 0..u.int_in_range(0..=6)? {
        let account_id = if u.ratio(1, 2)? {
            format!("{:012}", u.int_in_range(0..=3u64)? * 111_111_111_111)
        } else {
            u.arbitrary()?
        };
        roles.push(DiscoveredRole {
            account_id,
            account_name: text(u, &["Prod", "Dev", ""])?,
            role_name: text(u, &["Admin", "ReadOnly"])?,
            sso_session: session.clone(),
        });
    }
    let newline = if u.ratio(1, 4)? { "\r\n" } else { "\n" };
    let mut config = String::new();
    for _ in 0..u.int_in_range(0..=10)? {
        let line = match u.int_in_range(0..=7)? {
            0 => format!("[profile {}]", text(u, &NAMES)?),
            1 => "[default]".to_string(),
            2 => format!("[sso-session {}]", text(u, &NAMES)?),
            3 | 4 => format!(
                "{} = {}",
                text(u, &KEYS)?,
                text(u, &["x", "", "111111111111"])?
            ),
            5 => format!("  {}", text(u, &["a = 1", "x"])?),
            6 => text(u, &["# c", "", "; c"])?,
            _ => u.arbitrary()?,
        };
        config.push_str(&line);
        if u.ratio(7, 8)? {
            config.push_str(newline);
        }
    }
    let credentials = if u.ratio(1, 2)? {
        format!("[{}]\naws_access_key_id = k\n", text(u, &NAMES)?)
    } else {
        String::new()
    };
    Ok(Case {
        session,
        region,
        template,
        roles,
        config,
        credentials,
    })
}

/// The paths `updated_text` names in its messages; nothing is read or written.
fn paths() -> &'static ConfigPaths {
    static PATHS: OnceLock<ConfigPaths> = OnceLock::new();
    PATHS.get_or_init(|| ConfigPaths::in_dir(Path::new("/nonexistent/fuzz")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(case) = case(&mut Unstructured::new(data)) else {
        return;
    };
    // A file that already holds a block (or broken markers) is the block tests' business.
    if !matches!(find_block(&case.config, &case.session), Ok(None)) {
        return;
    }
    // A last line ending in a bare CR: the line break sync appends turns it into CRLF, which
    // both parsers strip. botocore already reads that CR as a line end; the two parsers
    // disagree about such a file before sync touches it.
    if case.config.ends_with('\r') {
        return;
    }
    let result = updated_text(
        paths(),
        &case.config,
        &case.credentials,
        &case.session,
        &case.roles,
        &case.template,
        case.region.as_deref(),
    );
    let (written, changes) = match result {
        Ok(done) => done,
        Err(e) => {
            let region_refused = case
                .region
                .as_deref()
                .is_some_and(|r| check_value(r).is_err());
            assert!(
                check_profile_name(&case.session).is_err() || region_refused,
                "the sync failed for another reason than its session or region: {e}"
            );
            let message = e.to_string();
            assert!(!message.chars().any(char::is_control), "{message:?}");
            return;
        }
    };
    assert!(written.starts_with(&case.config), "the input was changed");
    check_changes(&case, &changes);
    check_ours(&case, &changes, &written);
    check_aws_config(&case, &changes, &written);
    check_line_ends(&case, &written);
});

/// botocore (Python's `configparser`, on a file read with universal newlines) also ends a
/// line at a bare `\r`, where rolecall's parser and aws-config's do not: what sync appended
/// holds no line end but the file's own, and no other control character or line separator.
fn check_line_ends(case: &Case, written: &str) {
    let appended = &written[case.config.len()..];
    let newline = if case.config.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    for line in appended.split(newline) {
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
            "a line of the block breaks or holds a control character: {line:?}"
        );
    }
}

/// The keys and values each generated profile must have, and nothing else.
fn intended(case: &Case, changes: &ProfileChanges) -> Vec<(String, BTreeMap<String, String>)> {
    changes
        .profiles
        .iter()
        .map(|p| {
            let mut keys = BTreeMap::from([
                ("sso_session".to_string(), case.session.clone()),
                ("sso_account_id".to_string(), p.role.account_id.clone()),
                ("sso_role_name".to_string(), p.role.role_name.clone()),
            ]);
            if let Some(region) = &case.region {
                keys.insert("region".to_string(), region.clone());
            }
            (p.name.clone(), keys)
        })
        .collect()
}

/// Generated names are usable, unique, and none is a profile the files already have.
fn check_changes(case: &Case, changes: &ProfileChanges) {
    let config = parse_file(FileKind::Config, &case.config);
    let credentials = parse_file(FileKind::Credentials, &case.credentials);
    let existing: BTreeSet<&str> = [&config, &credentials]
        .iter()
        .flat_map(|f| f.sections.iter())
        .filter(|s| s.kind == SectionKind::Profile)
        .map(|s| s.name)
        .collect();
    let mut seen = BTreeSet::new();
    for p in &changes.profiles {
        assert_eq!(check_profile_name(&p.name), Ok(()), "{:?}", p.name);
        assert!(p.name != "default", "a synced profile named default");
        assert!(!existing.contains(p.name.as_str()), "{:?} exists", p.name);
        assert!(seen.insert(p.name.as_str()), "{:?} twice", p.name);
    }
}

/// Sections as rolecall's parser reads them: kind, name and keys (values too when asked).
fn sections(
    file: &ParsedFile<'_>,
    values: bool,
) -> Vec<(SectionKind, String, BTreeMap<String, String>)> {
    file.sections
        .iter()
        .map(|s| {
            let keys = s
                .properties
                .iter()
                .map(|p| {
                    let value = if values {
                        p.value.to_string()
                    } else {
                        String::new()
                    };
                    (p.key.to_string(), value)
                })
                .collect();
            (s.kind, s.name.to_string(), keys)
        })
        .collect()
}

/// rolecall's parser: the input's sections and keys, then the intended ones, nothing else.
fn check_ours(case: &Case, changes: &ProfileChanges, written: &str) {
    let before = parse_file(FileKind::Config, &case.config);
    let after = parse_file(FileKind::Config, written);
    assert_eq!(
        after.errors, before.errors,
        "new rejected lines:\n{written}"
    );
    let n = before.sections.len();
    assert!(after.sections.len() >= n, "sections lost:\n{written}");
    assert_eq!(
        sections(&after, false)[..n],
        sections(&before, false)[..],
        "the input's sections read differently:\n{written}"
    );
    let added: Vec<(String, BTreeMap<String, String>)> = sections(&after, true)[n..]
        .iter()
        .map(|(kind, name, keys)| {
            assert_eq!(*kind, SectionKind::Profile, "{name:?}:\n{written}");
            (name.clone(), keys.clone())
        })
        .collect();
    assert_eq!(
        added,
        intended(case, changes),
        "the block reads differently:\n{written}"
    );
}

/// How many properties aws-config's profile holds (it has no key iterator; a value cannot
/// fake the pattern: Debug escapes the quote in it).
fn key_count(profile: &SdkProfile) -> usize {
    format!("{profile:?}").matches("Property { key: \"").count()
}

/// aws-config: the same profiles and keys as the input's plus the intended ones; an input
/// it rejects is rejected on the same line, with the same message.
fn check_aws_config(case: &Case, changes: &ProfileChanges, written: &str) {
    let before = profile_oracle::sdk_parse(&case.config, &case.credentials);
    let after = profile_oracle::sdk_parse(written, &case.credentials);
    let (before, after) = match (before, after) {
        (Err(b), Err(a)) => {
            assert_eq!(a, b, "aws-config fails elsewhere:\n{written}");
            return;
        }
        (Ok(b), Ok(a)) => (b, a),
        (b, a) => panic!(
            "aws-config: before {:?}, after {:?}:\n{written}",
            b.err(),
            a.err()
        ),
    };
    let intended = intended(case, changes);
    let mut expected: BTreeSet<&str> = before.profiles().collect();
    expected.extend(intended.iter().map(|(name, _)| name.as_str()));
    let found: BTreeSet<&str> = after.profiles().collect();
    assert_eq!(found, expected, "profiles differ:\n{written}");
    for name in before.profiles() {
        let (b, a) = (before.get_profile(name), after.get_profile(name));
        let (b, a) = (b.expect("listed"), a.expect("compared above"));
        assert_eq!(key_count(a), key_count(b), "{name:?} changed:\n{written}");
    }
    for (name, keys) in intended {
        let properties: HashMap<String, SdkProperty> = keys
            .into_iter()
            .map(|(k, v)| (k.clone(), SdkProperty::new(k, v)))
            .collect();
        assert_eq!(
            after.get_profile(&name),
            Some(&SdkProfile::new(name.clone(), properties)),
            "{name:?} reads differently:\n{written}"
        );
    }
    let sessions = |set: &aws_config::profile::ProfileSet| -> BTreeSet<String> {
        set.sso_sessions().map(str::to_string).collect()
    };
    assert_eq!(
        sessions(&after),
        sessions(&before),
        "sso-sessions differ:\n{written}"
    );
}
