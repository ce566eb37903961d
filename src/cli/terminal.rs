//! What the commands show and ask on the terminal: warnings on stderr, and MFA codes
//! read from the controlling terminal or printed by the device's `mfa_process`.

use crate::resolve::{MfaAsk, MfaPrompt};
use crate::source::{mfa_code, ChildTerminal, MfaProcessError};
use crate::sts::MfaCode;
use crate::term_text::visible;
use futures::future::BoxFuture;
use std::io::{IsTerminal, Read, Write};
use zeroize::Zeroizing;

/// Prints a warning the way every command does: one line, whatever the text quotes.
pub fn warn(text: &str) {
    crate::term_eprintln!("rolecall: warning: {}", visible(text));
}

/// Runs the device's `mfa_process` when the profile has one, saying so (see
/// [`tell_waiting`]); else asks for the code on the controlling terminal.
pub struct TerminalMfa;

impl MfaPrompt for TerminalMfa {
    fn code<'a>(
        &'a self,
        ask: MfaAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<MfaCode>, MfaProcessError>> {
        Box::pin(async move {
            if let Some(device) = ask.device {
                tell_waiting(&device.waiting());
                // The terminal is the command's while it runs: a device that asks for a
                // password can, and Ctrl-C reaches it.
                return mfa_code(device, ChildTerminal::Shared).await.map(Some);
            }
            let prompt = format!(
                "MFA code for {} (profile '{}'): ",
                visible(ask.serial),
                visible(ask.profile)
            );
            Ok(
                tokio::task::spawn_blocking(move || read_code_from_tty(&prompt))
                    .await
                    .ok()
                    .flatten(),
            )
        })
    }
}

/// Says that rolecall waits for the person's device: on stderr, and on the controlling
/// terminal too when stderr is not a terminal. Run as a `credential_process`, rolecall's
/// stderr is the caller's: the AWS CLI (botocore) and the SDKs capture it and show it only
/// when the command fails, so a device blinking for a touch looked like a hang (aws-vault
/// #1267). The terminal is where the typed prompt goes too.
fn tell_waiting(text: &str) {
    crate::term_eprintln!("rolecall: {}", visible(text));
    if std::io::stderr().is_terminal() {
        return;
    }
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = writeln!(tty, "rolecall: {}", visible(text));
    }
}

/// Up to three tries at a valid code on `/dev/tty`; `None` without a terminal or an answer.
fn read_code_from_tty(prompt: &str) -> Option<MfaCode> {
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    for _ in 0..3 {
        write!(tty, "{prompt}").ok()?;
        tty.flush().ok()?;
        let line = read_line(&mut tty)?;
        // Not UTF-8 is not a code either (and a lossy copy would not be zeroised).
        match MfaCode::parse(std::str::from_utf8(&line).unwrap_or("")) {
            Ok(code) => return Some(code),
            Err(e) => writeln!(tty, "{e}").ok()?,
        }
    }
    None
}

/// Longest answer kept: a code with room for spaces around it; the rest of a longer line
/// is read and dropped.
const ANSWER_LIMIT: usize = 64;

/// One line from `input`, without its newline, in a buffer zeroised when dropped; `None`
/// at the end of the input before any byte. Read a byte at a time, so no reader's buffer
/// keeps a copy of the code, and no byte past the line is taken from the terminal.
fn read_line(input: &mut impl Read) -> Option<Zeroizing<Vec<u8>>> {
    let mut line = Zeroizing::new(Vec::with_capacity(ANSWER_LIMIT));
    let mut byte = Zeroizing::new([0u8; 1]);
    let mut any = false;
    loop {
        match input.read(&mut byte[..]) {
            Ok(0) if !any => return None,
            Ok(0) => return Some(line),
            Ok(_) => {
                any = true;
                if byte[0] == b'\n' {
                    return Some(line);
                }
                if line.len() < ANSWER_LIMIT {
                    line.push(byte[0]);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests;
