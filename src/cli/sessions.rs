//! `rolecall sessions`: the active sessions, their time left, and whether each is still
//! what its profile resolves to (a session of a since-edited profile is `stale`).

use super::complete::profile_candidates;
use super::list::ListFormat;
use super::terminal::warn;
use crate::context::Context;
use crate::resolve::{list_sessions, MfaMode};
use crate::session::ListedSession as Listed;
use crate::term_text::count;
use crate::term_text::{visible, write_json_pretty, Visible};
use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;
use serde_json::{json, Value};
use std::io::Write;

/// `rolecall sessions`' flags and its one action.
#[derive(Args, Debug)]
pub struct SessionsArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[command(subcommand)]
    pub action: Option<SessionsAction>,
}

/// What `sessions` does besides listing.
#[derive(Subcommand, Debug)]
pub enum SessionsAction {
    /// Forget cached sessions: one profile's, or all.
    Clear {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: Option<String>,
    },
}

/// Lists the sessions, or clears them.
pub fn run(context: &Context, args: SessionsArgs) -> Result<()> {
    match args.action {
        Some(SessionsAction::Clear { profile }) => clear(context, profile.as_deref()),
        None => list(context, args.format == ListFormat::Json),
    }
}

/// Time left as people read it: `59m12s`, `1h02m`, `expired`, or `no expiry`.
pub fn time_left(seconds: Option<i64>) -> String {
    match seconds {
        None => "no expiry".into(),
        Some(s) if s <= 0 => "expired".into(),
        Some(s) if s >= 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        Some(s) => format!("{}m{:02}s", s / 60, s % 60),
    }
}

/// The `sessions --format json` object of one session (no secret in it).
pub fn session_json(listed: &Listed, now: DateTime<Utc>) -> Value {
    let s = &listed.session;
    json!({
        "profile": s.profile,
        "kind": s.kind.as_str(),
        "expiration": s.expiration().map(|e| e.to_rfc3339_opts(SecondsFormat::Secs, true)),
        "seconds_left": s.seconds_left(now).map(|x| x.max(0)),
        "stale": listed.stale,
        "source": s.source,
        "region": s.region,
        "region_from_instance": s.region_from_instance,
    })
}

/// The table `sessions` prints, names and sources as a terminal shows them safely.
pub fn sessions_table(sessions: &[Listed], now: DateTime<Utc>) -> String {
    let rows: Vec<[String; 6]> = sessions
        .iter()
        .map(|l| {
            let s = &l.session;
            [
                visible(&s.profile).into_owned(),
                s.kind.as_str().into(),
                time_left(s.seconds_left(now)),
                if l.stale { "stale" } else { "current" }.into(),
                visible(&s.region_shown().unwrap_or_else(|| "-".into())).into_owned(),
                visible(&s.source).into_owned(),
            ]
        })
        .collect();
    let headers = ["PROFILE", "KIND", "LEFT", "STATUS", "REGION", "SOURCE"];
    let mut widths = headers.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut push = |cells: [&str; 6]| {
        for (i, c) in cells.iter().enumerate() {
            if i == cells.len() - 1 {
                out.push_str(c);
                out.push('\n');
            } else {
                out.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
    };
    push(headers);
    for r in &rows {
        push([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]);
    }
    out
}

/// Prints the active sessions as a table or JSON.
pub fn list(context: &Context, json: bool) -> Result<()> {
    let loaded = context.store().load()?;
    for w in &loaded.warnings {
        warn(w);
    }
    // Sessions of discovered IAM Identity Center roles are judged against discovery.
    let graph = context.graph();
    let planner = context.planner(&graph, MfaMode::SessionToken);
    let now = Utc::now();
    let unexpired = loaded
        .sessions
        .into_iter()
        .filter(|s| s.seconds_left(now).is_none_or(|left| left > 0))
        .collect();
    let listed = list_sessions(unexpired, &planner);
    let mut out = std::io::stdout().lock();
    if json {
        let all: Vec<_> = listed.iter().map(|l| session_json(l, now)).collect();
        write_json_pretty(&mut out, &all)?;
    } else if listed.is_empty() {
        // A lone header reads as a broken table: say what the empty list means instead.
        crate::term_eprintln!(
            "rolecall: no active sessions; `rolecall export PROFILE`, `exec` or the TUI start one"
        );
    } else {
        let mut out = Visible::new(out);
        out.write_all(sessions_table(&listed, now).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// Forgets one profile's sessions, or all; clearing all also removes the copies of the
/// cache that were set aside as corrupt, since they may hold keys too.
pub fn clear(context: &Context, profile: Option<&str>) -> Result<()> {
    let store = context.store();
    let forgot = count(store.remove(profile)?, "session", "sessions");
    if profile.is_some() {
        crate::term_eprintln!("rolecall: forgot {forgot}");
        return Ok(());
    }
    match store.remove_set_aside()? {
        0 => crate::term_eprintln!("rolecall: forgot {forgot}"),
        copies => crate::term_eprintln!(
            "rolecall: forgot {forgot} and removed {} of the cache",
            count(copies, "set-aside copy", "set-aside copies")
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
