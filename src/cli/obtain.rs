//! How every command that needs a session gets one: the flags they share, then cache,
//! chain and MFA through the [`Context`]'s resolver.

use super::terminal::{warn, TerminalMfa};
use crate::context::Context;
use crate::resolve::{FixedMfa, MfaMode, MfaPrompt, ResolveOptions};
use crate::session::Session;
use crate::source::ChildTerminal;
use crate::sts::MfaCode;
use anyhow::Result;
use clap::Args;

/// The flags of every command that obtains a session.
#[derive(Args, Debug, Clone, Default)]
pub struct ObtainArgs {
    /// The six-digit MFA code (otherwise asked on the terminal when needed).
    #[arg(long)]
    pub mfa_code: Option<String>,
    /// Ignore cached sessions (the MFA session too) and call STS again.
    #[arg(long)]
    pub refresh: bool,
    /// Send the MFA code with AssumeRole itself instead of making one MFA session
    /// (GetSessionToken) shared by every role of the same source.
    #[arg(long)]
    pub mfa_per_role: bool,
    /// For a profile whose key is in rolecall's key store: hand out the long-term key itself
    /// instead of a session of it (only for calls that refuse session credentials, such as
    /// IAM's CreateAccessKey without MFA).
    #[arg(long)]
    pub no_session: bool,
}

impl ObtainArgs {
    /// How MFA is used: one MFA session shared by roles, unless `--mfa-per-role`.
    pub fn mfa_mode(&self) -> MfaMode {
        if self.mfa_per_role {
            MfaMode::AssumeRole
        } else {
            MfaMode::SessionToken
        }
    }
}

/// Obtains a session for `profile` the way every command does: cache, chain, MFA. What
/// the user should know (a capped duration, a session not cached) goes to stderr.
pub async fn obtain(context: &Context, profile: &str, args: &ObtainArgs) -> Result<Session> {
    let graph = context.graph_for(profile);
    let resolver = context.resolver(&graph);
    let mfa = mfa_prompt(args)?;
    let options = resolve_options(args);
    if args.no_session {
        warn_no_session(&resolver, profile, &options);
    }
    let obtained = resolver.obtain(profile, &*mfa, &options).await?;
    for warning in &obtained.warnings {
        warn(warning);
    }
    Ok(obtained.session)
}

/// Says on stderr why `--no-session` is usually wrong, when it hands out a stored key, and
/// that it changes nothing for other profiles.
fn warn_no_session(
    resolver: &crate::resolve::Resolver<'_>,
    profile: &str,
    options: &ResolveOptions,
) {
    let Ok(plan) = resolver.plan_for(profile, options) else {
        return; // obtaining says what is wrong with the profile
    };
    if !matches!(
        plan.source,
        crate::resolve::plan::BaseSource::Keyring { .. }
    ) {
        warn(&format!(
            "--no-session changes nothing for '{profile}': its credentials are not a key in rolecall's key store"
        ));
    } else if plan.hops.is_empty() {
        warn(&format!(
            "--no-session: handing out the long-term key of '{}' itself. It does not expire, \
             and whatever holds it can use it until it is deleted; a session (the default) \
             expires on its own. Use it only for calls that refuse session credentials, such as \
             IAM's CreateAccessKey without MFA",
            plan.base
        ));
    } else {
        warn(&format!(
            "--no-session: the roles of '{profile}' are assumed with the long-term key of '{}' \
             itself rather than a session of it",
            plan.base
        ));
    }
}

/// Where MFA codes come from: `--mfa-code` (checked here), else the terminal.
pub fn mfa_prompt(args: &ObtainArgs) -> Result<Box<dyn MfaPrompt>> {
    Ok(match &args.mfa_code {
        Some(code) => {
            let code = MfaCode::parse(code).map_err(anyhow::Error::msg)?;
            Box::new(FixedMfa(Some(code)))
        }
        None => Box::new(TerminalMfa),
    })
}

/// The resolution options the flags ask for.
pub fn resolve_options(args: &ObtainArgs) -> ResolveOptions {
    ResolveOptions {
        force_refresh: args.refresh,
        // `--refresh` means everything afresh, the MFA session included.
        renew_mfa: args.refresh,
        mfa_mode: args.mfa_mode(),
        no_session: args.no_session,
        // A `credential_process` may prompt on the terminal, as under the AWS CLI.
        process_terminal: ChildTerminal::Shared,
    }
}
