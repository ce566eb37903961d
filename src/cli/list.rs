//! `rolecall list`: the profile graph as a table or JSON (its diagnostics: [`super::check`]).

use crate::context::Context;
use crate::profile::{Chain, Profile, ProfileGraph};
use crate::term_text::count;
use crate::term_text::{visible, write_json_pretty, Visible};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// `rolecall list`'s flags.
#[derive(Args, Debug, Default)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// How `list` and `sessions` print: a table for people, JSON for programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

/// The `list --format json` object of one profile: exactly the documented keys, null where
/// absent. A borrowed struct rather than a `serde_json::Value`, so listing thousands of
/// profiles builds no intermediate tree.
#[derive(Serialize)]
pub struct ProfileJson<'a> {
    name: &'a str,
    kind: &'static str,
    role_arn: Option<&'a str>,
    account: Option<&'a str>,
    role: Option<&'a str>,
    region: Option<&'a str>,
    mfa_serial: Option<&'a str>,
    duration_seconds: Option<u32>,
    external_id: Option<&'a str>,
    role_session_name: Option<&'a str>,
    source_profile: Option<&'a str>,
    credential_source: Option<&'a str>,
    chain: &'a Chain,
    diagnostics: Vec<String>,
}

impl<'a> From<&'a Profile> for ProfileJson<'a> {
    fn from(p: &'a Profile) -> Self {
        ProfileJson {
            name: &p.name,
            kind: p.kind.as_str(),
            role_arn: p.role_arn.as_deref(),
            account: p.account(),
            role: p.role_name(),
            region: p.region.as_deref(),
            mfa_serial: p.mfa_serial.as_deref(),
            duration_seconds: p.duration_seconds,
            external_id: p.external_id.as_deref(),
            role_session_name: p.role_session_name.as_deref(),
            source_profile: p.source_profile.as_deref(),
            credential_source: p.credential_source.as_deref(),
            chain: &p.chain,
            diagnostics: p.diagnostics.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// Writes every profile as one JSON array, sorted by name (exact, and safe on a
/// terminal: see [`write_json_pretty`]).
pub fn write_json(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<()> {
    let all: Vec<ProfileJson> = graph.profiles().iter().map(ProfileJson::from).collect();
    write_json_pretty(out, &all)
}

/// Writes the human table: one row a profile, columns sized to their content, every
/// value as a terminal shows it safely ([`visible`]).
///
/// Cells are borrowed from the graph and written straight out (no string per cell, but
/// for the rare one with a control character in it), so listing thousands of profiles
/// costs little more than reading them.
pub fn write_table(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<()> {
    const HEADERS: [&str; 6] = ["NAME", "KIND", "ACCOUNT", "ROLE", "REGION", "MFA"];
    let mut widths = HEADERS.map(display_width);
    for p in graph.profiles() {
        for (w, cell) in widths.iter_mut().zip(cells(graph, p)) {
            *w = (*w).max(display_width(&cell));
        }
    }
    write_cells(out, HEADERS.map(Cow::Borrowed), &widths)?;
    out.write_all(b"CHAIN\n")?;
    for p in graph.profiles() {
        write_cells(out, cells(graph, p), &widths)?;
        write_chain(out, p)?;
    }
    // A file that could not be read explains an empty or short table: say it here.
    if let Some(unread) = graph.unread_files() {
        writeln!(out, "\n{unread}")?;
    }
    let problems = graph.all_diagnostics().count();
    if problems > 0 {
        writeln!(
            out,
            "\n{} in the configuration; run `rolecall check` for details",
            count(problems, "problem", "problems")
        )?;
    }
    Ok(())
}

/// The chain, base first, as [`Profile::chain_display`] reads, and a line break.
fn write_chain(out: &mut impl Write, p: &Profile) -> io::Result<()> {
    let chain = p.chain_display().to_string();
    out.write_all(visible(&chain).as_bytes())?;
    out.write_all(b"\n")
}

/// A row's cells before the chain, as a terminal shows them.
fn cells<'p>(graph: &ProfileGraph, p: &'p Profile) -> [Cow<'p, str>; 6] {
    [
        p.name.as_str(),
        p.kind.as_str(),
        p.account().unwrap_or("-"),
        p.role_name().unwrap_or("-"),
        region_cell(graph, p),
        if p.mfa_in_chain { "yes" } else { "-" },
    ]
    .map(visible)
}

/// The region column: the profile's own, `(instance)` when the session will take the
/// instance's, else `-`.
fn region_cell<'p>(graph: &ProfileGraph, p: &'p Profile) -> &'p str {
    match p.region.as_deref() {
        Some(region) => region,
        None if graph.region_from_instance(p) => "(instance)",
        None => "-",
    }
}

/// Each cell, padded to its column's width and two spaces.
fn write_cells(
    out: &mut impl Write,
    row: [Cow<'_, str>; 6],
    widths: &[usize; 6],
) -> io::Result<()> {
    for (cell, width) in row.into_iter().zip(widths) {
        out.write_all(cell.as_bytes())?;
        pad(out, width - display_width(&cell) + 2)?;
    }
    Ok(())
}

/// Columns a cell takes: one a character (names are ASCII but for rare exceptions).
fn display_width(cell: &str) -> usize {
    if cell.is_ascii() {
        cell.len()
    } else {
        cell.chars().count()
    }
}

fn pad(out: &mut impl Write, n: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut left = n;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.write_all(&SPACES[..step])?;
        left -= step;
    }
    Ok(())
}

/// `rolecall list`: every profile as a table or JSON on stdout.
pub fn run(context: &Context, args: ListArgs) -> io::Result<()> {
    let graph = context.files_graph();
    // The table's values are escaped already; `Visible` is the stream's own guard, behind
    // the buffer so that it sees a few large writes, not one per cell.
    let mut out = io::BufWriter::new(Visible::new(io::stdout().lock()));
    if args.format == ListFormat::Json {
        write_json(&graph, &mut out)?;
    } else {
        write_table(&graph, &mut out)?;
    }
    out.flush()?;
    // A one-shot command: exiting hands the memory back at once, where freeing thousands
    // of profiles one by one costs a tenth of the run. The graph holds no secret (static
    // keys are read only when a session is made), so nothing is left unzeroised.
    std::mem::forget(graph);
    Ok(())
}
