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
                // Programs served by the endpoint get sessions: it serves them a role's or
                // a stored key's session, never the key.
                no_session: false,
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
mod tests;
