//! rolecall's profile-file parser (`profile::parse`) held to aws-config's, the AWS SDKs'
//! implementation of the profile-file spec, as an oracle:
//! - the spec's own parser test suite, shipped in the aws-runtime crate
//!   (`test-data/profile-parser-tests.json`), against both its expectations and aws-config;
//! - every case of the conformance corpus (`tests/conformance/cases`);
//! - thousands of generated file pairs: odd spacing, tabs, CRLF, comments, continuation lines
//!   and sub-properties, duplicate sections and keys, `[default]` next to
//!   `[profile default]`, invalid names and keys, and lines the spec rejects.
//!
//! The comparison itself lives in `profile_oracle/`, which the differential fuzz target
//! (`fuzz/fuzz_targets/profile_parser.rs`) shares.

mod profile_oracle;

use profile_oracle::compare;
use rolecall::profile::parse::{parse_file, ProfileTable};
use rolecall::profile::FileKind;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The directory of a package in the build's dependency graph (`cargo metadata`).
fn package_dir(name: &str) -> PathBuf {
    // Only this platform's packages: all of them are already downloaded by the build.
    let rustc = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host");
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host, "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("{name} is not in the dependency graph"));
    Path::new(manifest).parent().unwrap().to_path_buf()
}

#[test]
fn the_spec_test_suite() {
    let path = package_dir("aws-runtime").join("test-data/profile-parser-tests.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let suite: Value = serde_json::from_str(&text).unwrap();
    let tests = suite["tests"].as_array().unwrap();
    assert!(tests.len() >= 50, "only {} spec cases", tests.len());
    for test in tests {
        let name = test["name"].as_str().unwrap();
        let input = &test["input"];
        let config = input["configFile"].as_str().unwrap_or("");
        let credentials = input["credentialsFile"].as_str().unwrap_or("");
        compare(name, config, credentials);

        // And the spec's own expectations.
        let mut config_file = parse_file(FileKind::Config, config);
        let mut credentials_file = parse_file(FileKind::Credentials, credentials);
        let output = &test["output"];
        if let Some(expected) = output["errorContaining"].as_str() {
            let first = config_file
                .errors
                .first()
                .or(credentials_file.errors.first())
                .unwrap_or_else(|| panic!("{name}: no error, expected '{expected}'"));
            assert!(first.message.contains(expected), "{name}: {first:?}");
            continue;
        }
        assert!(config_file.errors.is_empty(), "{name}");
        assert!(credentials_file.errors.is_empty(), "{name}");
        let table = ProfileTable::merge([&mut config_file, &mut credentials_file]);
        let expected = output["config"]["profiles"].as_object().unwrap();
        assert_eq!(table.profiles.len(), expected.len(), "{name}");
        for (profile, keys) in expected {
            let ours = table
                .profile(profile)
                .unwrap_or_else(|| panic!("{name}: no profile '{profile}'"));
            let keys = keys.as_object().unwrap();
            assert_eq!(ours.properties.len(), keys.len(), "{name}: {profile}");
            for (key, value) in keys {
                assert_eq!(ours.get(key), value.as_str(), "{name}: {profile}.{key}");
            }
        }
        if let Some(sessions) = output["config"]["sso_sessions"].as_object() {
            assert_eq!(table.sso_sessions.len(), sessions.len(), "{name}");
            for (session, keys) in sessions {
                let ours = table.sso_session(session).unwrap();
                for (key, value) in keys.as_object().unwrap() {
                    assert_eq!(ours.get(key), value.as_str(), "{name}: {session}.{key}");
                }
            }
        }
    }
}

#[test]
fn the_conformance_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases");
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        compare(
            &dir.display().to_string(),
            &read("config"),
            &read("credentials"),
        );
        cases += 1;
    }
    assert!(cases >= 30, "only {cases} corpus cases");
}

/// A small deterministic generator (xorshift), so a failure names a seed that replays it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const NAMES: &[&str] = &[
    "a", "b", "default", "ops", "x.y", "team-1", "a@b:c+d%", "bad name", "münchen", "",
];
const KEYS: &[&str] = &[
    "region",
    "Region",
    "role_arn",
    "source_profile",
    "mfa_serial",
    "s3",
    "bad key",
    "kéy",
    "x",
];
const VALUES: &[&str] = &[
    "eu-west-1",
    "arn:aws:iam::123456789012:role/R",
    "",
    "a=b",
    "url#frag",
    "v # comment",
    "v ; comment",
    "v;x",
    "v\u{a0}# after a non-breaking space",
    "v\t# after a tab",
    "v\u{b};after a vertical tab",
    "ü#x",
    "  spaced  ",
    "ünïcode",
    "\t",
];

/// One header for `name` in this file; the same spelling every time, because aws-config
/// merges differently spelled sections for one name in hash order (not reproducible).
fn header(rng: &mut Rng, kind: FileKind, name: &str, seed: u64) -> String {
    let spelling = (seed as usize + name.len()) % 6;
    let prefixed = |prefix: &str| match spelling {
        0 => format!("[{prefix} {name}]"),
        1 => format!("[{prefix}  {name} ]"),
        2 => format!("[ {prefix}\t{name}]"),
        3 => format!("[{prefix} {name}] # comment"),
        4 => format!("[{prefix} {name}];c"),
        _ => format!("[{prefix} {name}]   "),
    };
    let bare = || match spelling {
        0 | 1 => format!("[{name}]"),
        2 => format!("[ {name} ]"),
        3 => format!("[{name}] # comment"),
        _ => format!("[{name}]\t"),
    };
    match (kind, rng.next() % 10) {
        (_, 0) => format!("[profile {name}"), // broken
        (_, 1) => format!("[sso-session {name}]"),
        (_, 2) => prefixed("services"),
        (_, 3) => bare(),
        (FileKind::Config, _) if name == "default" && rng.chance(50) => bare(),
        (FileKind::Config, _) => prefixed("profile"),
        (FileKind::Credentials, 4) => prefixed("profile"),
        (FileKind::Credentials, _) => bare(),
    }
}

fn generate(rng: &mut Rng, kind: FileKind, seed: u64) -> String {
    let mut lines = Vec::new();
    let count = rng.next() % 24;
    for _ in 0..count {
        let line = match rng.next() % 20 {
            0..=3 => {
                let name = rng.pick(NAMES);
                header(rng, kind, name, seed)
            }
            4..=10 => {
                let sep = rng.pick(&["=", " = ", "\t=\t", " =", "= "]);
                format!("{}{sep}{}", rng.pick(KEYS), rng.pick(VALUES))
            }
            11 => format!("{} =", rng.pick(KEYS)),
            12 => format!("  {} = {}", rng.pick(KEYS), rng.pick(VALUES)),
            13 => format!("\t{}", rng.pick(&["continued", "more = 1", "= x", "# c"])),
            14 => rng
                .pick(&["# comment", "; comment", "", "   ", "\t"])
                .to_string(),
            15 => rng
                .pick(&["no equals", "= no name", "[", "]", "[[a]"])
                .to_string(),
            16 => format!(" {} = {}", rng.pick(KEYS), rng.pick(VALUES)),
            _ => format!("{} = {}", rng.pick(KEYS), rng.pick(VALUES)),
        };
        lines.push(line);
    }
    let newline = if rng.chance(20) { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    if rng.chance(70) {
        text.push_str(newline);
    }
    text
}

#[test]
fn generated_files() {
    let (mut profiles, mut errors) = (0, 0);
    for seed in 1..=3000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let config = generate(&mut rng, FileKind::Config, seed);
        let credentials = generate(&mut rng, FileKind::Credentials, seed);
        let seen = compare(&format!("seed {seed}"), &config, &credentials);
        profiles += seen.profiles;
        errors += seen.errors;
    }
    // The generator must reach both sides of the parser, or this test proves little.
    assert!(profiles > 3000, "only {profiles} profiles generated");
    assert!(errors > 1000, "only {errors} bad lines generated");
}

/// aws-config merges the sections of one file in hash order when their headers are spelled
/// differently, so a key both set takes either value from run to run (rolecall takes the
/// later). The oracle accepts either there and nothing else: a fuzzer finds such files at
/// once, and each run of aws-config hashes with new keys.
#[test]
fn differently_spelled_headers_of_one_section() {
    let config = "[profile a]\nx = 1\ny = 1\n[profile  a]\nx = 2\n[sso-session s]\nk = 1\n[sso-session\ts]\nk = 2\n";
    let credentials = "[b]\nx = 1\n[ b ]\nx = 2\n[a]\ny = 3\n";
    for _ in 0..32 {
        compare("hash-ordered merge", config, credentials);
    }
}

/// A file that starts with a UTF-8 byte order mark: aws-config does not skip it, so the
/// first line is not a section header, and neither is what follows until the next header.
/// rolecall does the same (and says why, in `check`).
#[test]
fn a_byte_order_mark_is_what_aws_config_makes_of_it() {
    let seen = compare(
        "BOM",
        "\u{feff}[profile a]\nregion = eu-west-1\n\n[profile b]\nregion = us-east-1\n",
        "\u{feff}[base]\naws_access_key_id = AKIDEXAMPLE\n\n[other]\naws_access_key_id = AKIDOTHER\n",
    );
    assert_eq!(seen.errors, 4);
    assert_eq!(seen.profiles, 2);
}
