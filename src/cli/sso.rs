//! `rolecall sso login|logout|roles|sync`: IAM Identity Center from the command line, a thin
//! layer over [`crate::sso`].

use super::block_on;
use super::complete::{profile_candidates, sso_session_candidates};
use super::progress::discover_with_bar;
use super::terminal::warn;
use crate::browser::Opened;
use crate::context::Context;
use crate::profile::writable::shown;
use crate::profile::ProfileGraph;
use crate::sso::sync::{self, NameTemplate, DEFAULT_TEMPLATE};
use crate::sso::{self as sso_lib, pair_with_profiles, DiscoveredRole, Sso, SsoSessionConfig};
use crate::term_text::count;
use crate::term_text::{visible, write_json_pretty, Visible};
use anyhow::{bail, Result};
use chrono::{DateTime, Local, Utc};
use clap::{Args, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;
use std::borrow::Cow;
use std::io::Write;

/// `rolecall sso`'s subcommand.
#[derive(Args, Debug)]
pub struct SsoArgs {
    #[command(subcommand)]
    pub action: SsoCommand,
}

/// The `sso` subcommands.
#[derive(Subcommand, Debug)]
pub enum SsoCommand {
    /// Sign in: an [sso-session] with the authorization code and PKCE (the browser comes
    /// back to rolecall on 127.0.0.1); a legacy profile, or where no browser can reach this
    /// machine (CI, a container, SSH without a display), with a device code. The first line
    /// says which and why. The token goes to the AWS CLI's cache (~/.aws/sso/cache), shared
    /// with the CLI and SDKs.
    Login {
        #[command(flatten)]
        target: Target,
        /// Never open a browser; only print the URL (and the code).
        #[arg(long)]
        no_browser: bool,
        /// Sign in with a device code, approved on any device, instead of the browser
        /// coming back to this machine.
        #[arg(long)]
        use_device_code: bool,
    },
    /// Sign out: Logout at the portal, remove the cached token, and forget the sessions
    /// obtained with it (every signed-in SSO session when none is named).
    Logout {
        #[command(flatten)]
        target: Target,
    },
    /// Every account and role the sign-in may use, with the profile configured for each.
    Roles {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_enum, default_value_t = RolesFormat::Table)]
        format: RolesFormat,
        /// Ask the portal again instead of using the cached list (kept 24 hours).
        #[arg(long)]
        refresh: bool,
    },
    /// Write one profile per discovered role into the config file, inside a marked block
    /// that later syncs replace; lines outside it are never changed.
    Sync {
        #[command(flatten)]
        target: Target,
        /// Profile-name template; placeholders {account_name}, {account_id}, {role_name},
        /// {sso_session}.
        #[arg(long, default_value = DEFAULT_TEMPLATE)]
        template: String,
        /// The `region` each profile gets (default: the sso-session's sso_region).
        #[arg(long)]
        region: Option<String>,
        /// Ask the portal again instead of using the cached list.
        #[arg(long)]
        refresh: bool,
    },
}

/// Which SSO session a command is about.
#[derive(Args, Debug, Default)]
pub struct Target {
    /// The [sso-session NAME] to use.
    #[arg(long, conflicts_with = "profile", add = ArgValueCandidates::new(sso_session_candidates))]
    sso_session: Option<String>,
    /// Use the SSO session of this profile (also a legacy profile with sso_start_url).
    #[arg(long, add = ArgValueCandidates::new(profile_candidates))]
    profile: Option<String>,
}

/// `sso roles` output.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RolesFormat {
    Table,
    Json,
}

/// Runs one `sso` subcommand; progress and messages go to stderr, results to stdout.
pub fn run(context: &Context, args: SsoArgs) -> Result<()> {
    let graph = &context.files_graph();
    let sso = context.sso();
    match args.action {
        SsoCommand::Login {
            target,
            no_browser,
            use_device_code,
        } => {
            let config = one_session(graph, &target)?;
            let choice =
                sso_lib::choose_flow(&config, use_device_code, &sso_lib::Surroundings::detect());
            block_on(login(sso, &config, &choice, no_browser))?
        }
        SsoCommand::Logout { target } => {
            let configs = if target.sso_session.is_none() && target.profile.is_none() {
                SsoSessionConfig::all(graph)
            } else {
                vec![one_session(graph, &target)?]
            };
            block_on(logout(context, graph, &configs))?
        }
        SsoCommand::Roles {
            target,
            format,
            refresh,
        } => {
            let config = one_session(graph, &target)?;
            let discovery = discover_with_bar(sso, &config, refresh)?;
            report_discovery(&config, &discovery, sso.now());
            let mut out = std::io::stdout().lock();
            match format {
                RolesFormat::Table => write_table(graph, &discovery.roles, &mut out)?,
                RolesFormat::Json => write_json(graph, &discovery.roles, &mut out)?,
            }
            Ok(())
        }
        SsoCommand::Sync { .. } if context.is_demo() => {
            bail!(
                "the demo's profiles are built in, so `sso sync` has no config file to write \
                 to; the TUI lists the demo's discovered roles, and `rolecall --demo sso roles` \
                 prints them"
            )
        }
        SsoCommand::Sync {
            target,
            template,
            region,
            refresh,
        } => sync_profiles(sso, graph, &target, &template, region, refresh),
    }
}

/// `sso sync`: one profile per discovered role, written into the config file's block.
fn sync_profiles(
    sso: &Sso,
    graph: &ProfileGraph,
    target: &Target,
    template: &str,
    region: Option<String>,
    refresh: bool,
) -> Result<()> {
    let template = NameTemplate::parse(template)?;
    let config = one_session(graph, target)?;
    let region = sync_region(&config, region)?;
    if let Some(session) = &config.session_name {
        sync::check_session_name(session)?;
    }
    let discovery = discover_with_bar(sso, &config, refresh)?;
    report_discovery(&config, &discovery, sso.now());
    let report = sync::sync_config_file(
        &graph.paths,
        &config,
        &discovery.roles,
        &template,
        Some(&region),
    )?;
    let n = count(report.changes.profiles.len(), "profile", "profiles");
    if report.written {
        crate::term_eprintln!(
            "rolecall: wrote {n} for {} to {}",
            config.describe(),
            report.path.display()
        );
    } else {
        crate::term_eprintln!(
            "rolecall: {} is up to date ({n} for {})",
            report.path.display(),
            config.describe()
        );
    }
    for (role, profile) in &report.changes.skipped {
        crate::term_eprintln!(
            "rolecall: {} / {} already has profile {}; not added",
            shown(&role.account_id),
            shown(&role.role_name),
            shown(profile)
        );
    }
    for refusal in &report.changes.refused {
        warn(&refusal.warning());
    }
    Ok(())
}

/// The region `sso sync` writes: `--region`, else the sso-session's `sso_region`; refused
/// before anything is asked or written when it is not one safe line.
fn sync_region(config: &SsoSessionConfig, flag: Option<String>) -> Result<String> {
    match flag {
        Some(region) => {
            sync::check_region(&region, "--region", "give a region such as eu-west-1")?;
            Ok(region)
        }
        None => {
            let source = format!("sso_region of {}", config.describe());
            let remedy = "correct it in the config file, or give --region REGION";
            sync::check_region(&config.region, &source, remedy)?;
            Ok(config.region.clone())
        }
    }
}

/// The one SSO session `target` names, or the only one configured.
fn one_session(graph: &ProfileGraph, target: &Target) -> Result<SsoSessionConfig> {
    if let Some(name) = &target.sso_session {
        return Ok(SsoSessionConfig::named(graph, name)?);
    }
    if let Some(profile) = &target.profile {
        return Ok(SsoSessionConfig::for_profile(graph, profile)?);
    }
    let mut all = SsoSessionConfig::all(graph);
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => bail!(
            "no SSO session is configured: add an [sso-session NAME] section with sso_start_url and sso_region to {}",
            graph.paths.config.display()
        ),
        _ => {
            let names: Vec<&str> = all.iter().map(|c| c.label()).collect();
            bail!(
                "several SSO sessions are configured ({}): choose one with --sso-session NAME or --profile PROFILE",
                names.join(", ")
            )
        }
    }
}

/// `sso login`: says which flow runs and why, shows the URL (and the device code), opens
/// the browser, waits, and says where the token went.
async fn login(
    sso: &Sso,
    config: &SsoSessionConfig,
    choice: &sso_lib::FlowChoice,
    no_browser: bool,
) -> Result<()> {
    crate::term_eprintln!(
        "rolecall: signing in to IAM Identity Center ({}) with {} ({})",
        config.describe(),
        choice.flow.describe(),
        choice.why
    );
    let pending = sso.start_sign_in(config, choice.flow).await?;
    crate::term_eprintln!("{}", sign_in_instructions(&pending));
    if !no_browser {
        say_what_the_browser_did(crate::demo::open_in_browser(pending.url()));
    }
    match pending.redirect_uri() {
        Some(redirect) => crate::term_eprintln!(
            "rolecall: waiting for the browser to come back to {} (until {}; Ctrl-C cancels; `{} --use-device-code` signs in on any device)",
            visible(redirect),
            local_time(pending.expires_at()),
            config.login_command()
        ),
        None => crate::term_eprintln!(
            "rolecall: waiting for approval (the code expires at {})",
            local_time(pending.expires_at())
        ),
    }
    let token = pending.finish().await?;
    let shared = if crate::demo::is_active() {
        "the demo's own cache (the AWS CLI's is left alone)"
    } else {
        "where the AWS CLI and the SDKs use it too"
    };
    crate::term_eprintln!(
        "rolecall: signed in ({}); the token is valid until {} and cached in {}, {shared}",
        config.describe(),
        local_time(token.expires_at),
        sso.token_cache().token_path(config).display()
    );
    Ok(())
}

/// What to open (and, for the device code, the code to enter). The service's code and URL
/// are each on a line of their own, and a line break in them is shown too, so neither can
/// pass for a line of rolecall's.
fn sign_in_instructions(pending: &sso_lib::PendingSignIn) -> String {
    let Some(user_code) = pending.user_code() else {
        return format!(
            "rolecall: to sign in, open\n\n    {}\n",
            visible(pending.url())
        );
    };
    let mut message = format!(
        "rolecall: to sign in, open\n\n    {}\n\nand enter the code\n\n    {}\n",
        visible(pending.verification_uri()),
        visible(user_code)
    );
    if let Some(complete) = pending.verification_uri_complete() {
        message.push_str(&format!(
            "\n(or open {}, which has the code filled in)\n",
            visible(complete)
        ));
    }
    message
}

fn say_what_the_browser_did(opened: Opened) {
    match opened {
        Opened::Started(program) => {
            crate::term_eprintln!("rolecall: opened the page with {program}")
        }
        Opened::NoDisplay => crate::term_eprintln!(
            "rolecall: no display to open a browser on; open the URL yourself"
        ),
        Opened::Failed(why) => crate::term_eprintln!(
            "rolecall: could not open a browser ({why}); open the URL yourself"
        ),
    }
}

async fn logout(
    context: &Context,
    graph: &ProfileGraph,
    configs: &[SsoSessionConfig],
) -> Result<()> {
    let (sso, store) = (context.sso(), context.store());
    let mut signed_out = 0;
    for config in configs {
        let report = sso.logout(config).await?;
        let forgotten = sso_lib::forget_sessions(store, graph, config)?;
        if let Some(warning) = &report.portal_warning {
            warn(&format!(
                "Logout at the portal failed ({warning}); the local token is removed anyway"
            ));
        }
        if report.token_removed {
            signed_out += 1;
            crate::term_eprintln!(
                "rolecall: signed out of {} (cached token removed, {} forgotten)",
                config.describe(),
                count(forgotten, "session", "sessions")
            );
        } else if forgotten > 0 {
            crate::term_eprintln!(
                "rolecall: {} was not signed in; forgot {} obtained with it",
                config.describe(),
                count(forgotten, "session", "sessions")
            );
        } else if configs.len() == 1 {
            crate::term_eprintln!("rolecall: {} was not signed in", config.describe());
        }
    }
    if configs.len() > 1 && signed_out == 0 {
        crate::term_eprintln!("rolecall: no SSO session was signed in");
    }
    Ok(())
}

fn report_discovery(config: &SsoSessionConfig, discovery: &sso_lib::Discovery, now: DateTime<Utc>) {
    let accounts: std::collections::HashSet<&str> = discovery
        .roles
        .iter()
        .map(|r| r.account_id.as_str())
        .collect();
    let age = if discovery.from_cache {
        let minutes = (now - discovery.discovered_at).num_minutes().max(0);
        format!(" (listed {minutes} min ago; --refresh asks the portal again)")
    } else {
        String::new()
    };
    crate::term_eprintln!(
        "rolecall: {} in {} through {}{age}",
        crate::term_text::count(discovery.roles.len(), "role", "roles"),
        crate::term_text::count(accounts.len(), "account", "accounts"),
        config.describe()
    );
}

/// The roles as a table, the portal's names as a terminal shows them safely.
fn write_table(graph: &ProfileGraph, roles: &[DiscoveredRole], out: &mut dyn Write) -> Result<()> {
    let profiles = pair_with_profiles(graph, roles);
    let headers = ["ACCOUNT ID", "ACCOUNT NAME", "ROLE", "PROFILE"].map(Cow::Borrowed);
    let rows: Vec<[Cow<str>; 4]> = roles
        .iter()
        .zip(&profiles)
        .map(|(r, p)| {
            [
                r.account_id.as_str(),
                r.account_name.as_str(),
                r.role_name.as_str(),
                p.unwrap_or("-"),
            ]
            .map(visible)
        })
        .collect();
    let mut out = Visible::new(out);
    let mut widths = headers.each_ref().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&headers).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    out.flush()?;
    Ok(())
}

fn write_json(graph: &ProfileGraph, roles: &[DiscoveredRole], out: &mut dyn Write) -> Result<()> {
    let profiles = pair_with_profiles(graph, roles);
    let all: Vec<serde_json::Value> = roles
        .iter()
        .zip(profiles)
        .map(|(r, profile)| {
            serde_json::json!({
                "account_id": r.account_id,
                "account_name": r.account_name,
                "role_name": r.role_name,
                "profile": profile,
            })
        })
        .collect();
    write_json_pretty(out, &all)?;
    Ok(())
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}
