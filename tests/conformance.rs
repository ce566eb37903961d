//! Conformance with the AWS CLI: every case under tests/conformance/cases is resolved by
//! rolecall and by botocore (the AWS CLI's library, run from the project's venv), and any
//! difference in the profiles, chains, role_arn, region, mfa_serial or duration fails —
//! and in the resolution plan itself: which roles are assumed, in which order, each with
//! which credentials (a profile's own, a credential_source, the previous role's session),
//! external id, MFA serial, duration and session name, and the region STS is called in for
//! the selected profile. botocore's plan is what its real AssumeRoleProvider does with an
//! STS client that records each call.

use rolecall::profile::{ConfigPaths, ProfileGraph};
use rolecall::resolve::plan::BaseSource;
use rolecall::resolve::{MfaMode, Planner, Vars};
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

/// Differences from botocore that README.md documents as deliberate:
/// - rolecall follows the AWS SDK profile spec (aws-config), which ignores profile names
///   outside `[A-Za-z0-9_\-/.%@:+]`; botocore accepts any name. rolecall reports each
///   ignored section as a diagnostic instead of dropping it silently;
/// - the STS region is compared only where the selected profile names its own: botocore
///   then uses it, and falls back to its global endpoint otherwise, where rolecall takes the
///   nearest region down the chain, then `[default]`'s, then the partition's.
fn documented_differences(mut botocore: Value) -> Value {
    let valid = |name: &str| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
    };
    if let Value::Object(profiles) = &mut botocore {
        profiles.retain(|name, _| valid(name));
        for p in profiles.values_mut() {
            let assumes = p["plan"].as_array().is_some_and(|hops| !hops.is_empty());
            if !assumes {
                p["sts_region"] = Value::Null;
            }
        }
    }
    botocore
}

/// rolecall's plan of `name` in the shape botocore_resolve.py prints (per-role MFA, as
/// botocore sends the code with each AssumeRole), and the STS region of the last hop.
fn plan_of(graph: &ProfileGraph, name: &str) -> (Value, Value) {
    let lookup = |k: &str| (k == "USER").then(|| "tester".to_string());
    let vars = Vars::new(&lookup);
    let planner = Planner {
        graph,
        vars: &vars,
        mfa_mode: MfaMode::AssumeRole,
        no_session: false,
    };
    // A profile with no role to assume has no hops, whether or not it has credentials.
    if graph.get(name).is_some_and(|p| p.role_arn.is_none()) {
        return (json!([]), Value::Null);
    }
    let Ok(plan) = planner.plan(name) else {
        return (Value::Null, Value::Null);
    };
    let first_source = match &plan.source {
        BaseSource::Environment => "credential_source:Environment".to_string(),
        BaseSource::InstanceMetadata => "credential_source:Ec2InstanceMetadata".to_string(),
        BaseSource::Container => "credential_source:EcsContainer".to_string(),
        _ => format!("profile:{}", plan.base),
    };
    let hops: Vec<Value> = plan
        .hops
        .iter()
        .enumerate()
        .map(|(i, hop)| {
            let configured_name = graph
                .get(&hop.profile)
                .and_then(|p| p.role_session_name.as_deref());
            json!({
                "role_arn": hop.role_arn,
                "source": if i == 0 { first_source.clone() } else { format!("role:{}", plan.hops[i - 1].role_arn) },
                "external_id": hop.external_id,
                "mfa_serial": hop.mfa_serial,
                "duration_seconds": hop.duration_seconds,
                "role_session_name": configured_name,
            })
        })
        .collect();
    let own_region = graph.get(name).and_then(|p| p.region.as_deref());
    let sts_region = match (plan.hops.last(), own_region) {
        (Some(last), Some(_)) => json!(last.sts.region),
        _ => Value::Null,
    };
    (Value::Array(hops), sts_region)
}

fn rolecall(case: &Path) -> Value {
    let graph = ProfileGraph::load(&ConfigPaths::in_dir(case));
    let mut all = Map::new();
    for p in graph.profiles() {
        let broken = !p.chain_complete;
        let (plan, sts_region) = plan_of(&graph, &p.name);
        all.insert(
            p.name.clone(),
            json!({
                "role_arn": p.role_arn,
                "region": p.region,
                "mfa_serial": p.mfa_serial,
                "duration_seconds": p.duration_seconds,
                "chain": if broken { Value::Null } else { json!(p.chain) },
                "plan": plan,
                "sts_region": sts_region,
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
