//! The AWS SDKs' assume-role conformance cases (tests/data/assume-role-cases.json, restated
//! from the cross-SDK test data aws-config is checked against): which chain a profile
//! resolves to and what its base credentials are, or that the configuration is an error.

use rolecall::profile::{ConfigPaths, ProfileGraph};
use serde_json::Value;
use std::path::PathBuf;

#[test]
fn chains_and_errors_match_the_sdk_spec() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/assume-role-cases.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let graph = ProfileGraph::from_texts(
            ConfigPaths::in_dir(std::path::Path::new("/spec")),
            case["config"].as_str().unwrap(),
            case["credentials"].as_str().unwrap_or(""),
        );
        let selected = case["profile"].as_str().unwrap();
        let expected = &case["expected"];
        let profile = graph.get(selected);
        if let Some(error) = expected.get("error") {
            // An error case: the profile is missing, or rolecall reports a diagnostic on some
            // profile of its chain (and so refuses to assume it).
            let reported = profile.is_none_or(|p| {
                !p.chain_complete
                    || p.chain
                        .iter()
                        .filter_map(|n| graph.get(n))
                        .any(|q| !q.diagnostics.is_empty())
            });
            if !reported {
                failures.push(format!(
                    "{name}: expected an error ({error}), rolecall saw none"
                ));
            }
            continue;
        }
        let Some(p) = profile else {
            failures.push(format!("{name}: profile {selected} missing"));
            continue;
        };
        let chain: Vec<&str> = expected["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if p.chain != chain || !p.chain_complete {
            failures.push(format!("{name}: chain {:?}, expected {chain:?}", p.chain));
            continue;
        }
        let base = graph.get(chain.last().unwrap()).unwrap();
        let base_kind = expected["base"].as_str().unwrap();
        let ok = match base_kind {
            "static" => base.has_static_keys,
            "web_identity" => base.web_identity_token_file.is_some(),
            other => other
                .strip_prefix("credential_source:")
                .is_some_and(|cs| base.credential_source.as_deref() == Some(cs)),
        };
        if !ok {
            failures.push(format!("{name}: base of {} is not {base_kind}", base.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
