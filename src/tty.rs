//! The controlling terminal (`/dev/tty`): a line read with echo off, for what must not show
//! on the screen (a secret access key, the key file's passphrase).
//!
//! It reads `/dev/tty` rather than stdin, so a command whose stdin is a pipe can still ask,
//! and turns echo back on before it returns, on every path (an error, an end of input).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::io::AsRawFd;
use zeroize::Zeroizing;

/// Shows `prompt` on the controlling terminal and reads one line with echo off. The line
/// comes without its line ending, in memory that is zeroised when dropped. `Ok(None)` when
/// this process has no controlling terminal or the input ended before a line.
pub fn read_hidden(prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") else {
        return Ok(None);
    };
    let mut writer = tty.try_clone()?;
    let line = {
        // Echo goes off before the prompt shows, so nothing typed after it is echoed.
        let _echo_off = EchoOff::new(&tty)?;
        write!(writer, "{prompt}")?;
        writer.flush()?;
        read_line(&tty)?
    };
    // The Enter the person typed was not echoed: end the prompt's line ourselves.
    writeln!(writer)?;
    Ok(line)
}

/// Whether this process has a controlling terminal to ask on.
pub fn available() -> bool {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

fn read_line(tty: &File) -> io::Result<Option<Zeroizing<String>>> {
    let mut reader = BufReader::new(tty);
    let mut line = Zeroizing::new(String::new());
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let kept = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(kept);
    Ok(Some(line))
}

/// Echo turned off on a terminal until dropped, when its settings are put back.
struct EchoOff<'a> {
    tty: &'a File,
    saved: libc::termios,
}

impl<'a> EchoOff<'a> {
    fn new(tty: &'a File) -> io::Result<Self> {
        // SAFETY: an all-zero `termios` is a valid value for tcgetattr to fill.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the descriptor is open for the life of `tty`; `saved` is a live local.
        if unsafe { libc::tcgetattr(tty.as_raw_fd(), &mut saved) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut quiet = saved;
        quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
        quiet.c_lflag |= libc::ICANON;
        // SAFETY: as above; `quiet` is a copy of the terminal's own settings.
        if unsafe { libc::tcsetattr(tty.as_raw_fd(), libc::TCSAFLUSH, &quiet) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(EchoOff { tty, saved })
    }
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        // SAFETY: the descriptor is still open (`tty` outlives this guard).
        unsafe { libc::tcsetattr(self.tty.as_raw_fd(), libc::TCSAFLUSH, &self.saved) };
    }
}
