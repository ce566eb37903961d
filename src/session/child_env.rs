//! The child environment of a session: the variables a session sets in the process
//! environment of a program it runs or a shell it is exported to, and the ones it removes
//! (not a file: the dotenv file is `output::env_file`'s). Every way a session leaves
//! rolecall (the shell export formats, `exec`, the TUI's subshell) goes through here, so
//! they never disagree about what "stale" means. A served session's child gets the
//! credential endpoint's two variables instead of keys, on top of these rules
//! (`server::ChildEnv`).

use crate::credentials::Credentials;
use chrono::SecondsFormat;
use std::ffi::OsString;
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

/// The variables that carry a session's region.
pub const REGION_VARS: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];

/// The region rolecall set, recorded beside [`REGION_VARS`] whenever it sets them. A later
/// session without a region removes a region variable only while it still holds this
/// value: the previous account's region must not follow the user into the next session,
/// but a region the user chose since then is theirs to keep.
pub const REGION_MARK_VAR: &str = "ROLECALL_REGION";

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
/// fetches them from an endpoint: the region when known (with [`REGION_MARK_VAR`]), and
/// `ROLECALL_PROFILE`.
pub fn scope_env(region: Option<&str>, profile: &str) -> Vec<(String, String)> {
    let mut env = Vec::with_capacity(4);
    if let Some(region) = region {
        for var in REGION_VARS.into_iter().chain([REGION_MARK_VAR]) {
            env.push((var.into(), region.to_string()));
        }
    }
    env.push((PROFILE_VAR.into(), profile.to_string()));
    env
}

/// Whether `env` sets a region (and so replaces whatever region was there).
pub fn sets_region(env: &[(String, String)]) -> bool {
    env.iter().any(|(k, _)| k == REGION_MARK_VAR)
}

/// What applying `env` removes first: the profile-selecting variables, every credential
/// variable `env` does not set, and [`REGION_MARK_VAR`] when `env` sets no region. The
/// region variables themselves are removed only by the rule of [`stale_region_vars`],
/// which each shell format writes as a test run when it is evaluated.
pub fn cleared_vars(env: &[(String, String)]) -> Vec<&'static str> {
    let mark = (!sets_region(env)).then_some(REGION_MARK_VAR);
    OVERRIDING_VARS
        .into_iter()
        .chain(
            CREDENTIAL_VARS
                .into_iter()
                .filter(|var| !env.iter().any(|(k, _)| k == var)),
        )
        .chain(mark)
        .collect()
}

/// The region variables that applying `env` over the environment `current` reads removes:
/// none when `env` sets a region; otherwise each of [`REGION_VARS`] that still holds the
/// value [`REGION_MARK_VAR`] records, i.e. the region rolecall set for the previous
/// session and nobody changed since.
pub fn stale_region_vars(
    env: &[(String, String)],
    current: impl Fn(&str) -> Option<OsString>,
) -> Vec<&'static str> {
    if sets_region(env) {
        return Vec::new();
    }
    let Some(mark) = current(REGION_MARK_VAR) else {
        return Vec::new();
    };
    REGION_VARS
        .into_iter()
        .filter(|var| current(var).as_ref() == Some(&mark))
        .collect()
}

/// Applies `env` to `cmd` over rolecall's own environment, which the child inherits:
/// removes the stale region ([`stale_region_vars`]) and [`cleared_vars`], then sets `env`.
pub fn apply_env(cmd: &mut Command, env: &[(String, String)]) {
    for var in stale_region_vars(env, |var| std::env::var_os(var)) {
        cmd.env_remove(var);
    }
    for var in cleared_vars(env) {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
}

/// `program ARGS` set up to run with `env` applied over the current environment.
pub fn command_with_env(program: &str, args: &[String], env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    apply_env(&mut cmd, env);
    cmd
}

/// The profile of the rolecall session this process runs in, if any.
pub fn current_session_profile() -> Option<String> {
    std::env::var(PROFILE_VAR).ok().filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests;
