//! The `rolecall` binary: parses the command line and hands it to [`rolecall::cli::run`];
//! no command logic lives here.

use clap::{CommandFactory, Parser};
use rolecall::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::complete::answer_if_asked(Cli::command);
    match cli::run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever the error quotes (a server's message, a process's stderr).
            let line = format!("{e:#}");
            rolecall::term_eprintln!("rolecall: {}", rolecall::term_text::visible(&line));
            ExitCode::from(1)
        }
    }
}
