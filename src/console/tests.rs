use super::*;
use crate::profile::{ConfigPaths, ProfileGraph};
use crate::resolve::{FixedMfa, MfaMode, Planner, Vars};
use crate::session::SessionStore;
use crate::sso::Sso;
use crate::sts::Sts;
use std::sync::Arc;

const CONFIG: &str = "\
[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ops

[profile secure]
role_arn = arn:aws:iam::333333333333:role/Secure
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/tester

[profile gov]
role_arn = arn:aws-us-gov:iam::444444444444:role/Gov
source_profile = base
region = us-gov-west-1

[profile china]
role_arn = arn:aws-cn:iam::555555555555:role/Reader
source_profile = base
";
const KEYS: &str = "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n";

fn plan(name: &str, mode: MfaMode) -> Plan {
    let graph = ProfileGraph::from_texts(
        ConfigPaths::in_dir(std::path::Path::new("/nonexistent")),
        CONFIG,
        KEYS,
    );
    let none = |_: &str| None;
    let vars = Vars::new(&none);
    Planner {
        graph: &graph,
        vars: &vars,
        mfa_mode: mode,
        no_session: false,
    }
    .plan(name)
    .unwrap()
}

#[test]
fn session_duration_only_for_a_role_assumed_with_long_term_keys() {
    let allowed = |name, mode| session_duration_allowed(&plan(name, mode));
    assert!(allowed("ops", MfaMode::SessionToken));
    // Role chaining.
    assert!(!allowed("admin", MfaMode::SessionToken));
    // A role assumed with the cached MFA session, or with the code itself.
    assert!(!allowed("secure", MfaMode::SessionToken));
    assert!(allowed("secure", MfaMode::AssumeRole));
}

#[test]
fn long_term_keys_alone_go_through_get_federation_token() {
    let federated = |name| signs_in_with_long_term_keys(&plan(name, MfaMode::SessionToken));
    assert!(federated("base"));
    assert!(!federated("ops"));
}

#[test]
fn the_partition_follows_the_region_then_the_role() {
    assert_eq!(
        partition_of(&plan("gov", MfaMode::SessionToken)),
        "aws-us-gov"
    );
    assert_eq!(partition_of(&plan("ops", MfaMode::SessionToken)), "aws");
    // No region anywhere: the role's partition.
    assert_eq!(
        partition_of(&plan("china", MfaMode::SessionToken)),
        "aws-cn"
    );
}

#[test]
fn federated_user_names_fit_get_federation_token() {
    for (given, expected) in [
        ("jane doe".to_string(), "jane-doe".to_string()),
        ("a".repeat(60), "a".repeat(32)),
    ] {
        let lookup = move |var: &str| (var == "USER").then(|| given.clone());
        assert_eq!(federation_user_name(&Vars::new(&lookup)), expected);
    }
}

/// Compiles only if a sign-in can run on one of the TUI's tasks (`Send + 'static` once
/// it owns its inputs), as the TUI's assume does.
#[allow(dead_code)]
fn link_can_move_to_a_task(graph: Arc<ProfileGraph>, store: SessionStore, sts: Sts, sso: Sso) {
    fn task<F: std::future::Future + Send + 'static>(_: F) {}
    task(async move {
        let vars = Vars::process();
        let resolver = Resolver::new(&graph, &sts, &store, &vars, &sso);
        let request = ConsoleRequest::default();
        link(
            &resolver,
            "p",
            &FixedMfa(None),
            &ResolveOptions::default(),
            &request,
        )
        .await
    });
}
