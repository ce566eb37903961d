//! The plan's rules without I/O: hops, MFA, regions, STS targets, fingerprints.

use super::*;
use crate::profile::ConfigPaths;
use std::collections::HashMap;

const KEYS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n\
[temp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = t\n";

fn graph(config: &str) -> ProfileGraph {
    ProfileGraph::from_texts(ConfigPaths::in_dir("/cfg".as_ref()), config, KEYS)
}

fn plan_with(config: &str, name: &str, vars: &[(&str, &str)], mode: MfaMode) -> Plan {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |k: &str| map.get(k).cloned();
    let vars = Vars::new(&lookup);
    let g = graph(config);
    Planner {
        graph: &g,
        vars: &vars,
        mfa_mode: mode,
        no_session: false,
    }
    .plan(name)
    .unwrap()
}

fn plan(config: &str, name: &str) -> Plan {
    plan_with(config, name, &[("USER", "tester")], MfaMode::SessionToken)
}

const CHAIN: &str = "\
[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ops
region = eu-west-1
mfa_serial = arn:aws:iam::123456789012:mfa/tester
";

#[test]
fn hops_run_base_side_first_each_from_the_one_before() {
    let p = plan(CHAIN, "admin");
    assert_eq!(p.base, "base");
    assert_eq!(p.source, BaseSource::StaticKeys { temporary: false });
    let hops: Vec<(&str, &str, &str)> = p
        .hops
        .iter()
        .map(|h| (h.profile.as_str(), h.from.as_str(), h.role_arn.as_str()))
        .collect();
    assert_eq!(
        hops,
        [
            ("ops", "base", "arn:aws:iam::111111111111:role/Ops"),
            ("admin", "ops", "arn:aws:iam::222222222222:role/Admin")
        ]
    );
    assert_eq!(p.hops[0].session_name, "tester");
    assert_eq!(p.hops[0].source, SourceSession::LongTerm);
    assert!(matches!(p.hops[1].source, SourceSession::Role(_)));
    // MFA is on the second hop: no MFA session of the base keys (the code goes with it).
    assert!(p.mfa_session.is_none());
}

#[test]
fn mfa_on_the_first_hop_makes_an_mfa_session_unless_per_role() {
    let config = "[profile secure]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = base\nmfa_serial = arn:mfa\n";
    let config = config.replace(":1:", ":111111111111:");
    let p = plan(&config, "secure");
    let ms = p.mfa_session.expect("an MFA session");
    assert_eq!(
        (
            ms.profile.as_str(),
            ms.serial.as_deref().unwrap_or(""),
            ms.for_first_hop
        ),
        ("base", "arn:mfa", true)
    );
    assert_eq!(ms.duration_seconds, DEFAULT_MFA_SESSION_SECONDS);
    let per_role = plan_with(&config, "secure", &[], MfaMode::AssumeRole);
    assert!(per_role.mfa_session.is_none());
    // The configured duration, from the profile holding the keys.
    let configured = format!("{config}[profile base]\nmfa_session_duration = 900\n");
    assert_eq!(
        plan(&configured, "secure")
            .mfa_session
            .unwrap()
            .duration_seconds,
        900
    );
    // Temporary keys cannot make an MFA session.
    let temp = config.replace("source_profile = base", "source_profile = temp");
    assert!(plan(&temp, "secure").mfa_session.is_none());
}

#[test]
fn mfa_process_goes_with_the_mfa_serial_of_its_own_profile() {
    let config = "[profile secure]\nrole_arn = arn:aws:iam::111111111111:role/S\n\
                  source_profile = base\nmfa_serial = arn:mfa\nmfa_process = ykman code s\n\
                  [profile base]\nmfa_serial = arn:mfa:base\nmfa_process = ykman code b\n";
    let device = |profile: &str, command: &str| {
        Some(MfaProcess {
            command: command.into(),
            profile: profile.into(),
        })
    };
    // The role's serial and its command go with the MFA session made for the first hop…
    let ms = plan(config, "secure").mfa_session.unwrap();
    assert_eq!(ms.serial.as_deref(), Some("arn:mfa"));
    assert_eq!(ms.mfa_process, device("secure", "ykman code s"));
    // …or with the hop, when the code goes with AssumeRole itself.
    let per_role = plan_with(config, "secure", &[], MfaMode::AssumeRole);
    assert_eq!(
        per_role.hops[0].mfa_process,
        device("secure", "ykman code s")
    );
    // The keys' own serial and command, when the keys' MFA session is the session.
    let ms = plan(config, "base").mfa_session.unwrap();
    assert_eq!(ms.serial.as_deref(), Some("arn:mfa:base"));
    assert_eq!(ms.mfa_process, device("base", "ykman code b"));
    // A command changes how the code is had, not the session: the fingerprint stays.
    let without = config.replace("mfa_process = ykman code s\n", "");
    assert_eq!(
        plan(config, "secure").fingerprint,
        plan(&without, "secure").fingerprint
    );
    assert_eq!(
        plan(&without, "secure").mfa_session.unwrap().mfa_process,
        None
    );
}

#[test]
fn the_session_region_is_the_nearest_on_the_chain_then_default() {
    let config = format!("{CHAIN}[profile base]\nregion = ap-south-1\n");
    assert_eq!(plan(&config, "admin").region.as_deref(), Some("eu-west-1"));
    assert_eq!(plan(&config, "ops").region.as_deref(), Some("ap-south-1"));
    let with_default = format!("{CHAIN}[default]\nregion = sa-east-1\n");
    assert_eq!(
        plan(&with_default, "ops").region.as_deref(),
        Some("sa-east-1")
    );
    assert_eq!(plan(CHAIN, "ops").region, None);
    // The environment's region is never baked into a (cached) session.
    let p = plan_with(
        CHAIN,
        "ops",
        &[("AWS_REGION", "us-west-1")],
        MfaMode::SessionToken,
    );
    assert_eq!(p.region, None);
    assert_eq!(p.hops[0].sts.region, "us-west-1");
}

#[test]
fn each_hop_calls_sts_in_its_own_profile_s_region() {
    let config = format!("{CHAIN}[profile base]\nregion = ap-south-1\n");
    let p = plan(&config, "admin");
    // ops has no region: the nearest down its own chain (base's); admin has its own.
    assert_eq!(p.hops[0].sts.region, "ap-south-1");
    assert_eq!(p.hops[1].sts.region, "eu-west-1");
}

#[test]
fn a_role_in_another_partition_never_goes_to_us_east_1() {
    let config = "[default]\nregion = us-east-1\n[profile cn]\nrole_arn = arn:aws-cn:iam::111111111111:role/R\nsource_profile = base\n\
                  [profile gov]\nrole_arn = arn:aws-us-gov:iam::111111111111:role/R\nsource_profile = base\n";
    let cn = plan_with(
        config,
        "cn",
        &[("AWS_REGION", "eu-west-1")],
        MfaMode::SessionToken,
    );
    assert_eq!(cn.hops[0].sts.region, "cn-north-1");
    assert_eq!(cn.region, None);
    assert_eq!(plan(config, "gov").hops[0].sts.region, "us-gov-west-1");
    assert_eq!(partition_of_region("cn-northwest-1"), "aws-cn");
    assert_eq!(partition_of_region("eu-west-1"), "aws");
}

#[test]
fn sts_settings_come_from_the_hop_s_profile_and_the_environment_only() {
    let config = "[profile localstack]\nendpoint_url = http://127.0.0.1:1\nuse_fips_endpoint = true\n\
                  [profile prod]\nrole_arn = arn:aws:iam::111111111111:role/P\nsource_profile = base\n\
                  [profile svc]\nrole_arn = arn:aws:iam::111111111111:role/S\nsource_profile = base\nservices = s\nendpoint_url = http://127.0.0.1:3\n\
                  [services s]\nsts =\n  endpoint_url = http://127.0.0.1:2\n\
                  [profile fips]\nrole_arn = arn:aws:iam::111111111111:role/F\nsource_profile = base\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n\
                  [profile ignoring]\nrole_arn = arn:aws:iam::111111111111:role/I\nsource_profile = base\nendpoint_url = http://127.0.0.1:4\nignore_configured_endpoint_urls = true\n";
    let env = [("AWS_PROFILE", "localstack")];
    let prod = plan_with(config, "prod", &env, MfaMode::SessionToken);
    assert_eq!(prod.hops[0].sts, StsTarget::in_region("us-east-1"));
    // The services section wins over the profile's endpoint_url.
    let svc = plan_with(config, "svc", &env, MfaMode::SessionToken);
    assert_eq!(
        svc.hops[0].sts.endpoint_url.as_deref(),
        Some("http://127.0.0.1:2")
    );
    let fips = plan(config, "fips").hops[0].sts.clone();
    assert!(fips.use_fips && fips.use_dual_stack);
    // The environment wins over the profile, for endpoints and flags.
    let overridden = plan_with(
        config,
        "fips",
        &[
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"),
            ("AWS_USE_FIPS_ENDPOINT", "false"),
        ],
        MfaMode::SessionToken,
    );
    assert_eq!(
        overridden.hops[0].sts.endpoint_url.as_deref(),
        Some("http://127.0.0.1:9")
    );
    assert!(!overridden.hops[0].sts.use_fips);
    let ignoring = plan_with(
        config,
        "ignoring",
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")],
        MfaMode::SessionToken,
    );
    assert_eq!(ignoring.hops[0].sts.endpoint_url, None);
}

#[test]
fn a_chained_role_asks_for_an_hour_at_most() {
    let config = "[profile ops]\nrole_arn = arn:aws:iam::111111111111:role/Ops\nsource_profile = base\nduration_seconds = 7200\n\
                  [profile admin]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = ops\nduration_seconds = 7200\n\
                  [profile from-temp]\nrole_arn = arn:aws:iam::222222222222:role/T\nsource_profile = temp\nduration_seconds = 7200\n";
    let p = plan(config, "admin");
    assert_eq!(p.hops[0].effective_duration(false), Some(7200));
    assert_eq!(p.hops[1].effective_duration(true), Some(3600));
    let t = plan(config, "from-temp");
    assert_eq!(t.hops[0].source, SourceSession::IfTemporary);
    assert_eq!(t.hops[0].effective_duration(true), Some(3600));
}

#[test]
fn the_fingerprint_changes_with_every_part_of_the_definition() {
    let base = plan(CHAIN, "admin").fingerprint;
    assert_eq!(base, plan(CHAIN, "admin").fingerprint, "not deterministic");
    for edit in [
        ("role/Admin", "role/Other"),
        (
            "source_profile = ops\n",
            "source_profile = ops\nexternal_id = x\n",
        ),
        (
            "source_profile = ops\n",
            "source_profile = ops\nrole_session_name = n\n",
        ),
        (
            "source_profile = ops\n",
            "source_profile = ops\nduration_seconds = 900\n",
        ),
        ("mfa/tester", "mfa/other"),
        ("region = eu-west-1", "region = eu-west-2"),
        (
            "source_profile = ops\n",
            "source_profile = ops\nendpoint_url = http://127.0.0.1:1\n",
        ),
    ] {
        let edited = CHAIN.replace(edit.0, edit.1);
        assert_ne!(
            plan(&edited, "admin").fingerprint,
            base,
            "{edit:?} kept the fingerprint"
        );
    }
    let other_keys = KEYS.replace("AKIAIOSFODNN7EXAMPLE", "AKIAOTHERKEY0EXAMPLE");
    let g = ProfileGraph::from_texts(ConfigPaths::in_dir("/cfg".as_ref()), CHAIN, &other_keys);
    let lookup = |k: &str| (k == "USER").then(|| "tester".to_string());
    let vars = Vars::new(&lookup);
    let planner = Planner {
        graph: &g,
        vars: &vars,
        mfa_mode: MfaMode::SessionToken,
        no_session: false,
    };
    assert_ne!(planner.plan("admin").unwrap().fingerprint, base);
    // Other keys are another MFA session too.
    let before = Planner {
        graph: &graph(CHAIN),
        vars: &vars,
        mfa_mode: MfaMode::SessionToken,
        no_session: false,
    }
    .mfa_session_fingerprint("base", None);
    assert_ne!(planner.mfa_session_fingerprint("base", None), before);
}

#[test]
fn credential_sources_and_processes_are_bases() {
    let config = "[profile imds]\nrole_arn = arn:aws:iam::111111111111:role/I\ncredential_source = Ec2InstanceMetadata\n\
                  [profile proc]\ncredential_process = /opt/creds --token x\n\
                  [profile on-proc]\nrole_arn = arn:aws:iam::111111111111:role/P\nsource_profile = proc\n";
    let imds = plan(config, "imds");
    assert_eq!(imds.source, BaseSource::InstanceMetadata);
    assert_eq!(imds.hops.len(), 1);
    assert!(matches!(imds.hops[0].source, SourceSession::Role(_)));
    let on_proc = plan(config, "on-proc");
    assert_eq!(
        on_proc.source,
        BaseSource::Process {
            command: "/opt/creds --token x".into()
        }
    );
    assert_eq!(on_proc.hops[0].source, SourceSession::IfTemporary);
}

const WEB_IDENTITY: &str = "\
[profile ci]
role_arn = arn:aws:iam::123456789012:role/CI
web_identity_token_file = /var/run/token
role_session_name = ci-session
region = eu-west-1

[profile deploy]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = ci
duration_seconds = 7200

[profile pod]
region = us-east-2
";

#[test]
fn a_web_identity_profile_is_a_base_that_roles_chain_on() {
    let p = plan(WEB_IDENTITY, "deploy");
    assert_eq!(p.base, "ci");
    let BaseSource::WebIdentity(w) = &p.source else {
        panic!("{:?}", p.source)
    };
    assert_eq!(w.token_file, "/var/run/token");
    assert_eq!(w.named_by, "web_identity_token_file of 'ci'");
    assert_eq!(w.role_arn, "arn:aws:iam::123456789012:role/CI");
    assert_eq!(w.session_name.as_deref(), Some("ci-session"));
    assert_eq!(w.sts.region, "eu-west-1");
    assert_eq!(p.hops.len(), 1);
    assert_eq!(p.hops[0].from, "ci");
    // The web identity's role session is a role session: the hop is capped at an hour.
    assert_eq!(
        p.hops[0].effective_duration(true),
        Some(ROLE_CHAINING_LIMIT)
    );
    assert_eq!(
        p.hops[0].effective_duration(false),
        Some(ROLE_CHAINING_LIMIT)
    );
    assert!(p.mfa_session.is_none());
    // The web identity profile alone: its role is the base's, no AssumeRole on top.
    assert!(plan(WEB_IDENTITY, "ci").hops.is_empty());
}

#[test]
fn the_environment_s_web_identity_serves_only_a_profile_without_credentials() {
    let env = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/env/token"),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Env"),
        ("AWS_ROLE_SESSION_NAME", "env-session"),
    ];
    let p = plan_with(WEB_IDENTITY, "pod", &env, MfaMode::SessionToken);
    let BaseSource::WebIdentity(w) = &p.source else {
        panic!("{:?}", p.source)
    };
    assert_eq!(
        (
            w.token_file.as_str(),
            w.named_by.as_str(),
            w.from_environment
        ),
        ("/env/token", "AWS_WEB_IDENTITY_TOKEN_FILE", true)
    );
    assert_eq!(w.session_name.as_deref(), Some("env-session"));
    // STS is configured from the profile.
    assert_eq!(w.sts.region, "us-east-2");
    // A profile's own web identity wins.
    let own = plan_with(WEB_IDENTITY, "ci", &env, MfaMode::SessionToken);
    assert!(matches!(&own.source, BaseSource::WebIdentity(w) if !w.from_environment));
    // Without the role, the environment gives nothing.
    let g = graph(WEB_IDENTITY);
    let lookup = |k: &str| (k == "AWS_WEB_IDENTITY_TOKEN_FILE").then(|| "/t".to_string());
    let vars = Vars::new(&lookup);
    let planner = Planner {
        graph: &g,
        vars: &vars,
        mfa_mode: MfaMode::SessionToken,
        no_session: false,
    };
    assert!(
        matches!(planner.plan("pod"), Err(PlanError::Config(m)) if m.contains("no credentials"))
    );
}

#[test]
fn a_web_identity_fingerprint_follows_the_role_and_session_name_not_the_token() {
    let fingerprint = |config: &str| plan(config, "ci").fingerprint;
    let base = fingerprint(WEB_IDENTITY);
    for changed in [
        WEB_IDENTITY.replace("role/CI", "role/CI2"),
        WEB_IDENTITY.replace("ci-session", "other"),
        WEB_IDENTITY.replace("/var/run/token", "/other/token"),
        WEB_IDENTITY.replace("role_session_name = ci-session\n", ""),
    ] {
        assert_ne!(fingerprint(&changed), base, "{changed}");
    }
    // The plan never holds the token: nothing read from the file can change it.
    assert_eq!(fingerprint(WEB_IDENTITY), base);
}

#[test]
fn a_web_identity_wins_over_keys_on_the_same_profile() {
    let config = "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/CI\n\
        web_identity_token_file = /t\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
        aws_secret_access_key = s\n";
    let p = plan(config, "both");
    assert!(
        matches!(p.source, BaseSource::WebIdentity(_)),
        "{:?}",
        p.source
    );
    assert!(p.hops.is_empty());
}

#[test]
fn a_role_on_an_aws_login_profile_is_capped_only_when_the_session_is_a_role_s() {
    let config = "\
[profile user-console]
login_session = arn:aws:iam::111122223333:user/alice
[profile role-console]
login_session = arn:aws:sts::111122223333:assumed-role/Dev/alice
[profile from-user]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = user-console
duration_seconds = 7200
[profile from-role]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = role-console
duration_seconds = 7200
";
    let p = plan(config, "from-user");
    assert_eq!(
        p.source,
        BaseSource::Login {
            session: "arn:aws:iam::111122223333:user/alice".into()
        }
    );
    assert_eq!(p.mfa_session, None);
    assert_eq!(p.hops[0].effective_duration(true), Some(7200));
    let p = plan(config, "from-role");
    assert_eq!(
        p.hops[0].effective_duration(true),
        Some(ROLE_CHAINING_LIMIT)
    );
    // The session's ARN is part of what identifies the plan.
    assert_ne!(
        plan(config, "user-console").fingerprint,
        plan(config, "role-console").fingerprint
    );
}

const KEYRING: &str = "\
[profile vault]
credential_process = /usr/local/bin/rolecall credential-process vault
[profile vault-mfa]
credential_process = rolecall credential-process vault-mfa
mfa_serial = arn:aws:iam::111111111111:mfa/me
[profile deploy]
role_arn = arn:aws:iam::111111111111:role/Deploy
source_profile = vault
duration_seconds = 43200
[profile other]
credential_process = rolecall credential-process elsewhere
";

#[test]
fn a_keyring_profile_hands_out_a_session_of_its_key_mfa_or_not() {
    let p = plan(KEYRING, "vault");
    assert_eq!(
        p.source,
        BaseSource::Keyring {
            profile: "vault".into()
        }
    );
    let ms = p.mfa_session.expect("a session of the stored key");
    assert_eq!((ms.serial, ms.for_first_hop), (None, false));
    let ms = plan(KEYRING, "vault-mfa").mfa_session.unwrap();
    assert_eq!(
        ms.serial.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/me")
    );
    assert_ne!(
        ms.fingerprint,
        plan(KEYRING, "vault").mfa_session.unwrap().fingerprint
    );
    // The bridge names the stored key; the profile's own name does not matter.
    assert_eq!(
        plan(KEYRING, "other").source,
        BaseSource::Keyring {
            profile: "elsewhere".into()
        }
    );
}

#[test]
fn a_role_over_a_keyring_profile_is_assumed_from_its_session_without_the_chaining_cap() {
    let p = plan(KEYRING, "deploy");
    assert!(p.mfa_session.is_some());
    assert_eq!(p.hops[0].source, SourceSession::LongTerm);
    // A GetSessionToken session is no role session: twelve hours stay twelve hours.
    assert_eq!(p.hops[0].effective_duration(true), Some(43200));
}

#[test]
fn no_session_hands_out_the_key_and_is_another_plan() {
    let lookup = |_: &str| None;
    let vars = Vars::new(&lookup);
    let g = graph(KEYRING);
    let with = Planner::new(&g, &vars, MfaMode::SessionToken)
        .plan("vault")
        .unwrap();
    let without = Planner::new(&g, &vars, MfaMode::SessionToken)
        .without_session(true)
        .plan("vault")
        .unwrap();
    assert!(without.mfa_session.is_none());
    assert_ne!(with.fingerprint, without.fingerprint);
}
