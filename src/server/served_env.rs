//! The environment a child of a served session gets: the endpoint's two variables, and
//! none of the variables an SDK would prefer to them.
//!
//! What wins over what, read off the SDKs' sources (aws-config 1.13 `ecs.rs` and
//! `default_provider/credentials.rs`; botocore's `ContainerProvider` and
//! `create_credential_resolver`, in awscli 1.x):
//! - Both chains try environment keys (`AWS_ACCESS_KEY_ID`, …) first, the profile second,
//!   web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`) before the container
//!   provider, then the container provider, then instance metadata.
//! - In the container provider, `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` wins over
//!   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//!   wins over `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//! - A `FULL_URI` over plain HTTP must name a loopback address (or the ECS/EKS link-local
//!   hosts); 127.0.0.1 is accepted by both.
//!
//! So the child loses every one of those variables and `AWS_PROFILE`/`AWS_DEFAULT_PROFILE`
//! (the lists a session with fixed keys clears live in [`crate::session::child_env`]; this adds
//! the container and web-identity variables only a served child must lose).
//! What no variable can switch off: a `[default]` profile with credentials in the user's
//! own files still wins over the endpoint in both chains (the profile provider runs first).

use crate::secret::Secret;
use crate::session::child_env::{
    apply_env, scope_env, CREDENTIAL_VARS, OVERRIDING_VARS, SERVED_VAR,
};
use crate::session::Session;
use std::process::Command;

/// The endpoint's URL, as the SDKs read it.
pub const FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/// The value the SDKs send in the `Authorization` header.
pub const AUTHORIZATION_TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Variables removed from a served child besides [`CREDENTIAL_VARS`] and
/// [`OVERRIDING_VARS`]: each would win over, or conflict with, the endpoint.
pub const SHADOWING_VARS: &[&str] = &[
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
];

/// What a child needs to reach a running endpoint. The token is exposed only by
/// [`ServedEnv::apply`], into the child's environment: never into an argument (which
/// `ps` shows to every user) or a file.
#[derive(Clone, Debug)]
pub struct ServedEnv {
    full_uri: String,
    token: Secret,
}

impl ServedEnv {
    pub(crate) fn new(full_uri: String, token: Secret) -> Self {
        ServedEnv { full_uri, token }
    }

    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`'s value (no secret in it).
    pub fn full_uri(&self) -> &str {
        &self.full_uri
    }

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`'s value.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// Every variable a served child must not inherit: [`CREDENTIAL_VARS`],
    /// [`OVERRIDING_VARS`] and [`SHADOWING_VARS`].
    pub fn removed_vars() -> impl Iterator<Item = &'static str> {
        CREDENTIAL_VARS
            .into_iter()
            .chain(OVERRIDING_VARS)
            .chain(SHADOWING_VARS.iter().copied())
    }

    /// Sets up `command`'s environment: removes [`ServedEnv::removed_vars`], then sets the
    /// endpoint's two variables and [`SERVED_VAR`] (`1`, which `rolecall prompt` shows).
    /// Region and `ROLECALL_PROFILE` are the caller's, as for a session with fixed keys.
    pub fn apply(&self, command: &mut Command) {
        for var in Self::removed_vars() {
            command.env_remove(var);
        }
        command.env(FULL_URI_VAR, &self.full_uri);
        command.env(AUTHORIZATION_TOKEN_VAR, self.token.expose());
        command.env(SERVED_VAR, "1");
    }

    /// [`ServedEnv::apply`], plus `session`'s region and `ROLECALL_PROFILE` by the rules of
    /// a session with fixed keys (a region rolecall set before is dropped when the session
    /// has none): the program `exec --server` or the TUI's subshell runs.
    pub fn apply_for(&self, command: &mut Command, session: &Session) {
        self.apply(command);
        apply_env(
            command,
            &scope_env(session.region.as_deref(), &session.profile),
        );
    }
}
