use super::*;
use crate::secret::Secret;

fn long_term() -> Credentials {
    Credentials {
        access_key_id: "AKIAEXAMPLE".into(),
        secret_access_key: Secret::new("s"),
        session_token: None,
        expiration: None,
    }
}

#[test]
fn long_term_keys_clear_the_token_variables() {
    let env = session_env(&long_term(), None, "p");
    assert_eq!(
        cleared_vars(&env),
        [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "ROLECALL_REGION"
        ]
    );
}

/// An environment lookup over `pairs`.
fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
    move |var| {
        pairs
            .iter()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| OsString::from(v))
    }
}

#[test]
fn a_region_is_recorded_beside_the_region_variables() {
    let env = scope_env(Some("eu-west-1"), "p");
    assert_eq!(
        env,
        [
            ("AWS_REGION".to_string(), "eu-west-1".to_string()),
            ("AWS_DEFAULT_REGION".into(), "eu-west-1".into()),
            ("ROLECALL_REGION".into(), "eu-west-1".into()),
            ("ROLECALL_PROFILE".into(), "p".into()),
        ]
    );
    assert!(!cleared_vars(&env).contains(&REGION_MARK_VAR));
    assert!(cleared_vars(&scope_env(None, "p")).contains(&REGION_MARK_VAR));
}

#[test]
fn only_the_region_rolecall_set_is_stale() {
    let none = scope_env(None, "p");
    let ours = [
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("ROLECALL_REGION", "eu-west-1"),
    ];
    assert_eq!(
        stale_region_vars(&none, lookup(&ours)),
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
    );
    let changed = [
        ("AWS_REGION", "us-east-2"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("ROLECALL_REGION", "eu-west-1"),
    ];
    assert_eq!(
        stale_region_vars(&none, lookup(&changed)),
        ["AWS_DEFAULT_REGION"]
    );
    let users_own = [("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "")];
    assert!(stale_region_vars(&none, lookup(&users_own)).is_empty());
    let west = scope_env(Some("us-west-2"), "p");
    assert!(stale_region_vars(&west, lookup(&ours)).is_empty());
}

#[test]
fn a_command_gets_the_session_and_nothing_stale() {
    let env = session_env(&long_term(), Some("eu-west-1"), "p");
    let cmd = command_with_env("true", &[], &env);
    let removed: Vec<_> = cmd
        .get_envs()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    assert!(
        removed.contains(&"AWS_SESSION_TOKEN".to_string()),
        "{removed:?}"
    );
    assert!(removed.contains(&"AWS_PROFILE".to_string()), "{removed:?}");
    assert!(cmd
        .get_envs()
        .any(|(k, v)| k == "AWS_REGION" && v.is_some_and(|v| v == "eu-west-1")));
}
