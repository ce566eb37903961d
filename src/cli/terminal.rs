//! What the commands show and ask on the terminal: warnings on stderr, and MFA codes
//! read from the controlling terminal.

use crate::resolve::MfaPrompt;
use crate::sts::MfaCode;
use crate::term_text::visible;
use futures::future::BoxFuture;
use std::io::{BufRead, Write};

/// Prints a warning the way every command does: one line, whatever the text quotes.
pub fn warn(text: &str) {
    crate::term_eprintln!("rolecall: warning: {}", visible(text));
}

/// Asks for the code on the controlling terminal, once per serial.
pub struct TerminalMfa;

impl MfaPrompt for TerminalMfa {
    fn code<'a>(&'a self, profile: &'a str, serial: &'a str) -> BoxFuture<'a, Option<MfaCode>> {
        Box::pin(async move {
            let prompt = format!(
                "MFA code for {} (profile '{}'): ",
                visible(serial),
                visible(profile)
            );
            tokio::task::spawn_blocking(move || read_code_from_tty(&prompt))
                .await
                .ok()
                .flatten()
        })
    }
}

/// Up to three tries at a valid code on `/dev/tty`; `None` without a terminal or an answer.
fn read_code_from_tty(prompt: &str) -> Option<MfaCode> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut writer = tty.try_clone().ok()?;
    let mut reader = std::io::BufReader::new(tty);
    for _ in 0..3 {
        write!(writer, "{prompt}").ok()?;
        writer.flush().ok()?;
        let mut line = zeroize::Zeroizing::new(String::new());
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        match MfaCode::parse(&line) {
            Ok(code) => return Some(code),
            Err(e) => writeln!(writer, "{e}").ok()?,
        }
    }
    None
}
