//! `rolecall check`: the configuration's problems, one a line; exit 1 when there are any.

use crate::context::Context;
use crate::profile::ProfileGraph;
use crate::term_text::{visible, Visible};
use std::io::{self, Write};
use std::process::ExitCode;

/// Writes every diagnostic, one a line (the names and values it quotes as a terminal
/// shows them safely); returns how many there were.
pub fn write_check(graph: &ProfileGraph, out: &mut impl Write) -> io::Result<usize> {
    let mut count = 0;
    for d in graph.all_diagnostics() {
        writeln!(out, "{}", visible(&d.to_string()))?;
        count += 1;
    }
    Ok(count)
}

/// `rolecall check`: the diagnostics on stdout; exit 1 when there were any.
pub fn run(context: &Context) -> io::Result<ExitCode> {
    let graph = context.files_graph();
    let mut out = io::BufWriter::new(Visible::new(io::stdout().lock()));
    let problems = write_check(&graph, &mut out)?;
    out.flush()?;
    Ok(if problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
