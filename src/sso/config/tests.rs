use super::*;
use crate::profile::ConfigPaths;
use std::path::Path;

fn graph(config: &str) -> ProfileGraph {
    ProfileGraph::from_texts(ConfigPaths::in_dir(Path::new("/nowhere")), config, "")
}

const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, ,extra:scope

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev

[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile old2]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1

[profile chained]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = dev

[profile half]
sso_start_url = https://half.awsapps.com/start

[sso-session noregion]
sso_start_url = https://x.awsapps.com/start
";

// Fixtures computed with Python: hashlib.sha1(name.encode()).hexdigest(), and the
// registration key with json.dumps(args, sort_keys=True).
#[test]
fn cache_keys_match_the_aws_cli() {
    let g = graph(CONFIG);
    let corp = SsoSessionConfig::named(&g, "corp").unwrap();
    assert_eq!(corp.cache_key(), "ee0bfd2552fbd840c02cc48b6e823320543c450f");
    assert_eq!(
        corp.registration_scopes,
        Some(vec!["sso:account:access".into(), "extra:scope".into()])
    );
    assert_eq!(
        corp.registration_cache_key(),
        "20aa1c25a6d68a6d68ddd3d0001f532404ae9b1d"
    );
    let old = SsoSessionConfig::for_profile(&g, "old").unwrap();
    assert_eq!(old.cache_key(), "33d5ca4bf3b1a62edb96b47f7c203034a43ac435");
    assert_eq!(
        old.registration_cache_key(),
        "7ec99555f7262444b173b1e48e0a30c50466e406"
    );
}

#[test]
fn python_json_escapes() {
    assert_eq!(python_json_string("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(
        python_json_string("é😀\u{7f}"),
        r#""\u00e9\ud83d\ude00\u007f""#
    );
}

#[test]
fn resolves_both_shapes_and_reports_gaps() {
    let g = graph(CONFIG);
    let dev = SsoSessionConfig::for_profile(&g, "dev").unwrap();
    assert_eq!(dev.session_name.as_deref(), Some("corp"));
    assert_eq!(dev.login_command(), "rolecall sso login --sso-session corp");
    assert_eq!(
        dev.scopes_to_request(),
        vec!["sso:account:access", "extra:scope"]
    );
    let old = SsoSessionConfig::for_profile(&g, "old").unwrap();
    assert_eq!(old.label(), "https://old.awsapps.com/start");
    assert_eq!(old.login_command(), "rolecall sso login --profile old");
    assert!(old.scopes_to_request().is_empty());
    assert!(!old.refreshable());
    let half = SsoSessionConfig::for_profile(&g, "half").unwrap_err();
    assert!(half.to_string().contains("has no sso_region"), "{half}");
    let noregion = SsoSessionConfig::named(&g, "noregion").unwrap_err();
    assert!(
        noregion
            .to_string()
            .contains("[sso-session noregion] has no sso_region"),
        "{noregion}"
    );
    assert!(SsoSessionConfig::named(&g, "nope").is_err());
    // One entry per sign-in: corp, then the legacy start URL once.
    let all: Vec<String> = SsoSessionConfig::all(&g)
        .iter()
        .map(|c| c.label().to_string())
        .collect();
    assert_eq!(all, vec!["corp", "https://old.awsapps.com/start"]);
}

#[test]
fn default_scope_and_dependents() {
    let g = graph(
        "[sso-session s]\nsso_start_url = https://s/start\nsso_region = eu-west-1\n\
             [profile a]\nsso_session = s\n\
             [profile b]\nrole_arn = arn:aws:iam::333333333333:role/R\nsource_profile = a\n\
             [profile c]\nregion = eu-west-1\n",
    );
    let s = SsoSessionConfig::named(&g, "s").unwrap();
    assert_eq!(s.scopes_to_request(), vec![DEFAULT_REGISTRATION_SCOPE]);
    let names: Vec<&str> = s
        .dependent_profiles(&g)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["a", "b"]);
}

#[test]
fn conflicting_profile_values_are_refused() {
    let g = graph(
        "[sso-session s]\nsso_start_url = https://s/start\nsso_region = eu-west-1\n\
             [profile a]\nsso_session = s\nsso_region = us-east-1\n",
    );
    let err = SsoSessionConfig::for_profile(&g, "a").unwrap_err();
    assert!(err.to_string().contains("sso_region"), "{err}");
}

#[test]
fn an_sso_region_that_is_not_a_region_name_is_refused_naming_the_setting() {
    let g = graph(
        "[sso-session evil]\nsso_start_url = https://x.awsapps.com/start\nsso_region = evil.example/x#\n\n\
         [profile legacy]\nsso_start_url = https://y.awsapps.com/start\nsso_region = evil.example/x#\n",
    );
    let err = SsoSessionConfig::named(&g, "evil").unwrap_err().to_string();
    assert!(
        err.contains("[sso-session evil]") && err.contains("sso_region"),
        "{err}"
    );
    assert!(!err.contains("evil.example"), "{err}");
    let err = SsoSessionConfig::for_profile(&g, "legacy")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profile 'legacy'") && err.contains("sso_region"),
        "{err}"
    );
    assert!(SsoSessionConfig::all(&g).is_empty());
}
