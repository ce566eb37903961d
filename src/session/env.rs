//! The environment a session hands to a program: which variables it sets and which it
//! removes. Every way a session leaves rolecall (the shell export formats, `exec`, the
//! TUI's subshell) goes through here, so they never disagree about what "stale" means.

use crate::credentials::Credentials;
use chrono::SecondsFormat;
use std::process::Command;

/// The variables that carry credentials. A session sets the ones it has a value for and
/// removes the rest: a token left over from the previous session would otherwise be sent
/// with the next one's keys (and fail as InvalidClientTokenId).
pub const CREDENTIAL_VARS: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// Variables a session always removes: they would make SDKs pick a profile instead of
/// the session's keys.
pub const OVERRIDING_VARS: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// The variable naming the profile of the session a shell runs in.
pub const PROFILE_VAR: &str = "ROLECALL_PROFILE";

/// Set to `1` in a shell whose credentials a local rolecall endpoint serves and refreshes
/// (so it has no `AWS_CREDENTIAL_EXPIRATION`); `rolecall prompt` shows `served` then.
pub const SERVED_VAR: &str = "ROLECALL_SERVED";

/// The variables a session sets, in a stable order: keys, token (also as the old
/// `AWS_SECURITY_TOKEN`), expiration (RFC 3339), region when known, and `ROLECALL_PROFILE`.
pub fn session_env(
    creds: &Credentials,
    region: Option<&str>,
    profile: &str,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID".to_string(), creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            creds.secret_access_key.expose().to_string(),
        ),
    ];
    if let Some(token) = &creds.session_token {
        env.push(("AWS_SESSION_TOKEN".into(), token.expose().to_string()));
        env.push(("AWS_SECURITY_TOKEN".into(), token.expose().to_string()));
    }
    if let Some(exp) = creds.expiration {
        env.push((
            "AWS_CREDENTIAL_EXPIRATION".into(),
            exp.to_rfc3339_opts(SecondsFormat::Secs, true),
        ));
    }
    env.extend(scope_env(region, profile));
    env
}

/// The variables that say which session a program runs in, whether it holds the keys or
/// fetches them from an endpoint: the region when known, and `ROLECALL_PROFILE`.
pub fn scope_env(region: Option<&str>, profile: &str) -> Vec<(String, String)> {
    let mut env = Vec::with_capacity(3);
    if let Some(region) = region {
        env.push(("AWS_REGION".into(), region.to_string()));
        env.push(("AWS_DEFAULT_REGION".into(), region.to_string()));
    }
    env.push((PROFILE_VAR.into(), profile.to_string()));
    env
}

/// What applying `env` removes first: the profile-selecting variables and every credential
/// variable `env` does not set.
pub fn cleared_vars(env: &[(String, String)]) -> Vec<&'static str> {
    OVERRIDING_VARS
        .into_iter()
        .chain(
            CREDENTIAL_VARS
                .into_iter()
                .filter(|var| !env.iter().any(|(k, _)| k == var)),
        )
        .collect()
}

/// `program ARGS` set up to run with `env` applied over the current environment.
pub fn command_with_env(program: &str, args: &[String], env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for var in cleared_vars(env) {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// The profile of the rolecall session this process runs in, if any.
pub fn current_session_profile() -> Option<String> {
    std::env::var(PROFILE_VAR).ok().filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
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
                "AWS_CREDENTIAL_EXPIRATION"
            ]
        );
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
}
