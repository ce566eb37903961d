//! `rolecall list` and `rolecall check` as a script sees them.

mod common;

use common::{failed, ok, Env};
use serde_json::Value;

const KEYS: [&str; 14] = [
    "name",
    "kind",
    "role_arn",
    "account",
    "role",
    "region",
    "mfa_serial",
    "duration_seconds",
    "external_id",
    "role_session_name",
    "source_profile",
    "credential_source",
    "chain",
    "diagnostics",
];

#[test]
fn json_has_exactly_the_documented_keys_sorted_by_name() {
    let env = Env::new("", "");
    let out: Value =
        serde_json::from_str(&ok(&env.rolecall(&["--demo", "list", "--format", "json"]))).unwrap();
    let all = out.as_array().unwrap();
    assert_eq!(all.len(), 8);
    let names: Vec<&str> = all.iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for p in all {
        let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        let mut expected = KEYS.to_vec();
        expected.sort();
        assert_eq!(keys, expected);
    }
    let deploy = all.iter().find(|p| p["name"] == "demo-ops-deploy").unwrap();
    assert_eq!(deploy["kind"], "source_profile");
    assert_eq!(deploy["account"], "444444444444");
    assert_eq!(deploy["role"], "Deploy");
    assert_eq!(
        deploy["chain"],
        serde_json::json!(["demo-ops-deploy", "demo-ops", "demo-base"])
    );
    assert_eq!(deploy["credential_source"], Value::Null);
    let mfa = all.iter().find(|p| p["name"] == "demo-admin-mfa").unwrap();
    assert_eq!(mfa["duration_seconds"], 3600);
}

#[test]
fn no_secret_is_ever_printed() {
    let env = Env::new("", "");
    for args in [
        &["--demo", "list"][..],
        &["--demo", "list", "--format", "json"],
        &["--demo", "check"],
    ] {
        let out = env.rolecall(args);
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("wJalrXUtnFEMI"), "{args:?} printed a secret");
        assert!(
            !text.contains("AKIAIOSFODNN7EXAMPLE"),
            "{args:?} printed a key id"
        );
    }
}

#[test]
fn table_shows_the_chain_base_first() {
    let env = Env::new("", "");
    let table = ok(&env.rolecall(&["--demo", "list"]));
    let row = table
        .lines()
        .find(|l| l.starts_with("demo-ops-deploy"))
        .unwrap();
    assert!(
        row.contains("demo-base → demo-ops → demo-ops-deploy"),
        "{row}"
    );
    assert!(table.lines().next().unwrap().starts_with("NAME"));
}

#[test]
fn check_exits_non_zero_and_names_file_line_and_profile() {
    let env = Env::new(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n[profile ok]\nregion = x\n",
        "",
    );
    let out = env.rolecall(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let config = env.home().join(".aws/config");
    assert!(
        text.contains(&format!(
            "{}:6: profile 'a': source_profile cycle: a → b → a",
            config.display()
        )),
        "{text}"
    );
    let clean = Env::new("[profile ok]\nregion = x\n", "");
    assert_eq!(ok(&clean.rolecall(&["check"])), "");
    // list still works, and says there are problems.
    let table = ok(&env.rolecall(&["list"]));
    assert!(table.contains("1 problem in the configuration"), "{table}");
    let _ = failed(&env.rolecall(&["check"]));
}

#[test]
fn sessions_with_none_active_says_so_instead_of_a_lone_header() {
    let env = Env::new("[profile ok]\nregion = x\n", "");
    let out = env.rolecall(&["sessions"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no active sessions"), "{stderr}");
    // JSON stays an empty array for scripts.
    assert_eq!(
        ok(&env.rolecall(&["sessions", "--format", "json"])).trim(),
        "[]"
    );
}
