//! A pseudo-terminal for tests that need rolecall (or a program running it) to have a
//! controlling terminal: prompts on `/dev/tty`, the terminal's foreground.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Makes `slave` the command's stdin, stdout, stderr and controlling terminal (in a session
/// of its own).
pub fn on_terminal(command: &mut Command, slave: &OwnedFd) {
    command
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave.try_clone().unwrap()));
    // SAFETY: setsid and ioctl are async-signal-safe; stdin is the pty's slave by now.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// A new pseudo-terminal: (master, slave).
pub fn pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors, which the OwnedFds then own.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

pub fn write_all(fd: &OwnedFd, bytes: &[u8]) {
    // SAFETY: writes from a live buffer of the given length.
    let n = unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
    assert_eq!(n, bytes.len() as isize);
}

/// What the terminal shows until it shows `wanted` (or, with `None`, until every process
/// has closed it), for at most ten seconds.
pub fn read_until(master: &OwnedFd, wanted: Option<&str>) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut shown = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "hung; the terminal shows: {}",
            String::from_utf8_lossy(&shown)
        );
        let mut poll = libc::pollfd {
            fd: master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd, read into a live buffer of its length.
        let n = unsafe {
            if libc::poll(&mut poll, 1, left.as_millis() as i32) <= 0 {
                continue;
            }
            libc::read(master.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len())
        };
        if n <= 0 {
            // EIO: the last process holding the slave has closed it.
            return String::from_utf8_lossy(&shown).into_owned();
        }
        shown.extend_from_slice(&buf[..n as usize]);
        if wanted.is_some_and(|w| String::from_utf8_lossy(&shown).contains(w)) {
            return String::from_utf8_lossy(&shown).into_owned();
        }
    }
}
