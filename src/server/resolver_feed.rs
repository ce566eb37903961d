//! The feed that serves a real profile: the resolver, asked without a terminal.
//!
//! A refresh never prompts (the endpoint answers programs, not people): when it needs an
//! MFA code (the MFA session ran out) or an IAM Identity Center sign-in, the feed says so
//! with [`UserAction`], the endpoint answers that to the program, and the front end asks
//! the person (the TUI when the subshell returns; `rolecall exec --server` before it
//! starts the program).

use super::feed::{FeedError, SessionFeed, UserAction};
use crate::context::Context;
use crate::credentials::Credentials;
use crate::resolve::{FixedMfa, MfaMode, ResolveErrorKind, ResolveOptions};
use crate::source::ChildTerminal;
use crate::sso::SsoSessionConfig;
use futures::future::BoxFuture;

/// Serves `profile`'s session through the resolver and the session store of `context`,
/// over the profiles as the files are at each refresh (they may change while a program
/// runs).
pub struct ResolverFeed {
    pub profile: String,
    pub context: Context,
    pub mfa_mode: MfaMode,
}

impl SessionFeed for ResolverFeed {
    fn obtain(&self, force_refresh: bool) -> BoxFuture<'static, Result<Credentials, FeedError>> {
        let profile = self.profile.clone();
        let (context, mfa_mode) = (self.context.clone(), self.mfa_mode);
        Box::pin(async move {
            let graph = context.graph_for(&profile);
            let resolver = context.resolver(&graph);
            let options = ResolveOptions {
                force_refresh,
                renew_mfa: false,
                mfa_mode,
                // A refresh never prompts, and the terminal is the served program's.
                process_terminal: ChildTerminal::None,
            };
            match resolver.obtain(&profile, &FixedMfa(None), &options).await {
                Ok(obtained) => Ok(obtained.session.credentials),
                Err(e) => Err(match &e.kind {
                    ResolveErrorKind::MfaRequired { serial, .. } => FeedError::needs_user(
                        UserAction::MfaCode,
                        format!(
                            "profile '{profile}' needs a new code from MFA device {serial} \
                             (its MFA session ran out); enter it in rolecall, or run \
                             `rolecall export {profile}` in a terminal"
                        ),
                    ),
                    kind if kind.needs_sign_in() => {
                        let login = SsoSessionConfig::for_profile(&graph, &profile)
                            .map(|c| c.login_command())
                            .unwrap_or_else(|_| "rolecall sso login".into());
                        FeedError::needs_user(
                            UserAction::SsoSignIn,
                            format!(
                                "profile '{profile}': the IAM Identity Center sign-in expired; \
                                 run `{login}`"
                            ),
                        )
                    }
                    _ => FeedError::failed(e.to_string()),
                }),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ConfigPaths, ProfileGraph};
    use crate::session::SessionStore;
    use crate::sso::Sso;
    use std::sync::Arc;

    fn feed(config: &str, profile: &str, sso_dir: &std::path::Path) -> ResolverFeed {
        let config = config.to_string();
        let graph = move || {
            ProfileGraph::from_texts(
                ConfigPaths::in_dir("/cfg".as_ref()),
                &config,
                "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
            )
        };
        let mut options = crate::sso::SsoOptions::from_env();
        options.token_cache_dir = sso_dir.to_path_buf();
        let context = Context::new(Arc::new(graph))
            .with_store(SessionStore::memory())
            .with_sso(Sso::new(options));
        ResolverFeed {
            profile: profile.into(),
            context,
            mfa_mode: MfaMode::SessionToken,
        }
    }

    #[tokio::test]
    async fn a_refresh_that_needs_the_user_says_what_and_never_prompts() {
        let dir = tempfile::tempdir().unwrap();
        let mfa = feed(
            "[profile secure]\nrole_arn = arn:aws:iam::111111111111:role/S\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
            "secure",
            dir.path(),
        );
        let err = mfa.obtain(false).await.unwrap_err();
        assert_eq!(err.needs_user, Some(UserAction::MfaCode));
        assert!(
            err.message.contains("arn:aws:iam::123456789012:mfa/me")
                && err.message.contains("rolecall export secure"),
            "{}",
            err.message
        );
        let sso = feed(
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile dev]\nsso_session = corp\nsso_account_id = 000000000001\nsso_role_name = Dev\n",
            "dev",
            dir.path(),
        );
        let err = sso.obtain(true).await.unwrap_err();
        assert_eq!(err.needs_user, Some(UserAction::SsoSignIn));
        assert!(
            err.message
                .contains("rolecall sso login --sso-session corp"),
            "{}",
            err.message
        );
    }
}
