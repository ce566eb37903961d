//! `rolecall list` and `rolecall check`: the profile graph as a table, JSON, or diagnostics.

use crate::profile::{Profile, ProfileGraph};
use serde::Serialize;
use std::io::{self, Write};

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
    chain: &'a [String],
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

/// Writes every profile as one JSON array, sorted by name.
pub fn write_json(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<()> {
    let all: Vec<ProfileJson> = graph.profiles().iter().map(ProfileJson::from).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// Writes the human table: one row a profile, columns sized to their content.
pub fn write_table(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<()> {
    const HEADERS: [&str; 7] = ["NAME", "KIND", "ACCOUNT", "ROLE", "REGION", "MFA", "CHAIN"];
    let rows: Vec<[String; 7]> = graph
        .profiles()
        .iter()
        .map(|p| {
            [
                p.name.clone(),
                p.kind.as_str().to_string(),
                p.account().unwrap_or("-").to_string(),
                p.role_name().unwrap_or("-").to_string(),
                p.region.clone().unwrap_or_else(|| "-".into()),
                if graph.chain_needs_mfa(&p.name) {
                    "yes"
                } else {
                    "-"
                }
                .to_string(),
                p.chain_display(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut write_row = |cells: &[&str]| -> io::Result<()> {
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                writeln!(out, "{cell}")?;
            } else {
                let pad = widths[i] - cell.chars().count();
                write!(out, "{cell}{:pad$}  ", "")?;
            }
        }
        Ok(())
    };
    write_row(&HEADERS)?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        write_row(&cells)?;
    }
    let problems = graph.all_diagnostics().count();
    if problems > 0 {
        writeln!(
            out,
            "\n{problems} problem(s) in the configuration; run `rolecall check` for details"
        )?;
    }
    Ok(())
}

/// Writes every diagnostic, one a line; returns how many there were.
pub fn write_check(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<usize> {
    let mut count = 0;
    for d in graph.all_diagnostics() {
        writeln!(out, "{d}")?;
        count += 1;
    }
    Ok(count)
}
