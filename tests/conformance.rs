//! Conformance with the AWS CLI: every case under tests/conformance/cases is resolved by
//! rolecall and by botocore (the AWS CLI's library, run from the project's venv), and any
//! difference in the profiles, chains, role_arn, region, mfa_serial or duration fails.

use rolecall::profile::{ConfigPaths, ProfileGraph};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ROLECALL_TEST_PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "botocore is needed: run `bash .ci/run` (or .ci/setup-venv) to create .venv"
    );
    venv
}

/// botocore's resolution of every case, in one Python process: {case name: profiles}.
/// `--cross-check` also runs botocore's own AssumeRoleProvider (network calls faked) and
/// fails when it walks a different chain than the script reports.
fn botocore(cases: &[PathBuf]) -> Value {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/botocore_resolve.py");
    let out = Command::new(python())
        .arg(script)
        .arg("--cross-check")
        .args(cases)
        .output()
        .expect("run botocore_resolve.py");
    assert!(
        out.status.success(),
        "botocore script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("botocore script prints JSON")
}

/// Differences from botocore that README.md documents as deliberate: rolecall follows the
/// AWS SDK profile spec (aws-config), which ignores profile names outside
/// `[A-Za-z0-9_\-/.%@:+]`; botocore accepts any name. rolecall reports each ignored
/// section as a diagnostic instead of dropping it silently.
fn documented_differences(mut botocore: Value) -> Value {
    let valid = |name: &str| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
    };
    if let Value::Object(profiles) = &mut botocore {
        profiles.retain(|name, _| valid(name));
    }
    botocore
}

fn rolecall(case: &Path) -> Value {
    let graph = ProfileGraph::load(&ConfigPaths::in_dir(case));
    let mut all = Map::new();
    for p in graph.profiles() {
        let broken = !p.chain_complete;
        all.insert(
            p.name.clone(),
            json!({
                "role_arn": p.role_arn,
                "region": p.region,
                "mfa_serial": p.mfa_serial,
                "duration_seconds": p.duration_seconds,
                "chain": if broken { Value::Null } else { json!(p.chain) },
            }),
        );
    }
    Value::Object(all)
}

#[test]
fn rolecall_resolves_profiles_like_botocore() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("cases directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let all = botocore(&cases);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let ours = rolecall(case);
        let theirs = documented_differences(all[name.as_ref()].clone());
        if ours != theirs {
            failures.push(format!(
                "{}:\n  rolecall: {ours}\n  botocore: {theirs}",
                name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
