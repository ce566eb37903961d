//! `rolecall login [--profile P]`: sign in to an `aws login` session in the browser
//! ([`crate::login::LoginSignIn`]), writing the AWS CLI's login cache, and name the session
//! in the profile as `aws login` does.

use super::block_on;
use crate::browser::{self, Opened};
use crate::context::Context;
use crate::fsutil;
use crate::login::{LoginSessions, LoginSignIn, SignedIn, DEFAULT_SIGN_IN_REGION};
use crate::profile::parse::{is_region_name, REGION_NAME_RULE};
use crate::profile::{writable, Profile, ProfileKind};
use crate::term_text::visible;
use anyhow::{bail, Context as _, Result};
use chrono::Local;
use clap::Args;
use std::path::Path;

/// `rolecall login`'s arguments.
#[derive(Args, Debug, Default)]
pub struct LoginArgs {
    /// The profile to sign in for (default: AWS_PROFILE, else `default`); a new profile is
    /// added to the config file with the session's `login_session`.
    #[arg(long)]
    pub profile: Option<String>,
    /// Where to sign in (default: the profile's region, AWS_REGION, us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Never open a browser; only print the URL (open it on this machine: the page comes
    /// back to a listener on 127.0.0.1).
    #[arg(long)]
    pub no_browser: bool,
}

/// Signs in and reports the session. Not in the demo: its sign-in page is AWS's, and it
/// writes the profile into the config file.
pub fn run(context: &Context, args: LoginArgs) -> Result<()> {
    if context.is_demo() {
        bail!(
            "the demo has no `aws login` session: that sign-in happens on AWS's own page, and \
             the demo talks to nothing but this machine; `rolecall login` signs in your own \
             profiles (the demo's sign-in is IAM Identity Center's: `rolecall --demo sso login`)"
        );
    }
    let vars = context.vars();
    let name = args
        .profile
        .clone()
        .or_else(|| vars.get("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let graph = context.files_graph();
    let profile = graph.get(&name);
    if let Some(p) = profile.filter(|p| !matches!(p.kind, ProfileKind::Login | ProfileKind::None)) {
        bail!(
            "profile '{name}' already has {} credentials, which would win over a login_session; \
             run `rolecall login --profile NEW-NAME`, or remove them from '{name}' first",
            p.kind.as_str()
        );
    }
    let region = sign_in_region(&args, &name, profile, &|v| vars.get(v))?;
    let sessions = LoginSessions::from_lookup(&|v| vars.get(v));
    let signed_in = block_on(sign_in(sessions, &name, &region, args.no_browser))??;
    crate::term_eprintln!(
        "rolecall: signed in as {} (account {}); credentials until {}, refreshed from then on",
        visible(&signed_in.session),
        signed_in.account_id,
        signed_in
            .expires_at
            .with_timezone(&Local)
            .format("%H:%M:%S")
    );
    name_session_in_profile(&graph.paths.config, &name, profile, &signed_in.session)
}

/// Where to sign in: `--region`, the profile's `region`, AWS_REGION, AWS_DEFAULT_REGION,
/// else us-east-1; refused, naming the setting, when it is not a region name (it becomes
/// the host of the page the browser opens).
fn sign_in_region(
    args: &LoginArgs,
    name: &str,
    profile: Option<&Profile>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<String> {
    let own = profile.and_then(|p| p.region.as_deref().map(str::to_string));
    let (region, setting) = [
        (args.region.clone(), "--region".to_string()),
        (own, format!("the region of profile '{name}'")),
        (var("AWS_REGION"), "AWS_REGION".to_string()),
        (var("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION".to_string()),
    ]
    .into_iter()
    .find_map(|(value, setting)| value.map(|v| (v, setting)))
    .unwrap_or_else(|| (DEFAULT_SIGN_IN_REGION.into(), String::new()));
    if !is_region_name(&region) {
        bail!("cannot sign in for profile '{name}': {setting} {REGION_NAME_RULE}; fix it");
    }
    Ok(region)
}

/// Shows the sign-in page, opens the browser, and waits for it to come back.
async fn sign_in(
    sessions: LoginSessions,
    profile: &str,
    region: &str,
    no_browser: bool,
) -> Result<SignedIn> {
    let pending = LoginSignIn::start(sessions, profile, region).await?;
    crate::term_eprintln!(
        "rolecall: to sign in ({region}), open\n\n    {}\n",
        visible(pending.authorize_url())
    );
    if !no_browser {
        match browser::open(pending.authorize_url()) {
            Opened::Started(program) => crate::term_eprintln!("rolecall: opened the page with {program}"),
            Opened::NoDisplay => crate::term_eprintln!(
                "rolecall: no display to open a browser on; open the URL in a browser on this machine"
            ),
            Opened::Failed(why) => crate::term_eprintln!(
                "rolecall: could not open a browser ({why}); open the URL yourself"
            ),
        }
    }
    crate::term_eprintln!("rolecall: waiting for the browser (at most 10 minutes; Ctrl-C cancels)");
    Ok(pending.finish().await?)
}

/// Makes `profile` name `session`, as `aws login` does: nothing to do when it already
/// does; a profile that does not exist is added at the end of the config file (atomically,
/// its mode kept); one that names another session (or none) is left as it is, with the
/// line to put in it printed, since rolecall never rewrites a hand-written section.
fn name_session_in_profile(
    config: &Path,
    name: &str,
    profile: Option<&Profile>,
    session: &str,
) -> Result<()> {
    match profile {
        Some(p) if p.login_session.as_deref() == Some(session) => Ok(()),
        Some(_) => {
            crate::term_eprintln!(
                "rolecall: profile '{name}' does not name this session; put this line in it:\n\n    login_session = {}\n",
                visible(session)
            );
            Ok(())
        }
        None => append_profile(config, name, session),
    }
}

/// Appends `[profile NAME]` (or `[default]`) with `login_session` to the config file.
fn append_profile(config: &Path, name: &str, session: &str) -> Result<()> {
    let target = std::fs::canonicalize(config).unwrap_or_else(|_| config.to_path_buf());
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let header = if name == "default" {
        "[default]\n".to_string()
    } else {
        writable::profile_header(name, "\n")
            .map_err(|e| anyhow::anyhow!("profile name {}: {e}", writable::shown(name)))?
    };
    let line = writable::property_line("login_session", session, "\n")
        .map_err(|e| anyhow::anyhow!("login_session {}: {e}", writable::shown(session)))?;
    let rewrite = fsutil::Rewrite::begin(&target)
        .with_context(|| format!("cannot read {}", target.display()))?;
    let mut text = rewrite.current().map(<[u8]>::to_vec).unwrap_or_default();
    if !text.is_empty() && !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    if !text.is_empty() {
        text.push(b'\n');
    }
    text.extend_from_slice(header.as_bytes());
    text.extend_from_slice(line.as_bytes());
    rewrite
        .commit(&text, fsutil::Mode::KeepOr(fsutil::PRIVATE_FILE_MODE))
        .with_context(|| format!("cannot write {}", target.display()))?;
    crate::term_eprintln!("rolecall: added profile '{name}' to {}", target.display());
    Ok(())
}
