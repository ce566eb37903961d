//! A `credential_process` child in a process group of its own, so that ending it ends
//! everything it started: the `sh`, the program, and whatever that forked. Killing only the
//! `sh` (what `kill_on_drop` does) left the real program running under PID 1.

use super::signals;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Stdio;
use tokio::process::{Child, Command};

/// Whether a `credential_process` may use the terminal rolecall runs in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChildTerminal {
    /// The CLI: the child inherits stdin and, when stdin is the terminal and rolecall is
    /// in its foreground, gets the terminal's foreground while it runs (so a prompt it
    /// shows can be answered, and Ctrl-C reaches it); rolecall takes the terminal back
    /// when the child is done.
    Shared,
    /// Where nobody could answer a prompt (the TUI, which reads the keys itself, and the
    /// credential endpoint's refreshes): stdin is `/dev/null` and the child has no
    /// controlling terminal, so a prompt fails at once instead of waiting for ever.
    #[default]
    None,
}

/// The group a spawned child leads. Dropping it before [`Group::reaped`] kills the whole
/// group with SIGKILL (no grace: the request was cancelled, and a child that ignores
/// SIGTERM must end too); a terminal handed to the child is taken back either way.
pub(super) struct Group {
    pgid: libc::pid_t,
    reaped: bool,
    terminal: Option<OwnedFd>,
    _on_signal: signals::SignalSlot,
}

/// Spawns `command` as the leader of a new process group (a new session without a
/// terminal, or the terminal's foreground group; see [`ChildTerminal`]).
pub(super) fn spawn(command: &mut Command, terminal: ChildTerminal) -> io::Result<(Child, Group)> {
    let foreground = match terminal {
        ChildTerminal::Shared => foreground_terminal(),
        ChildTerminal::None => None,
    };
    command.stdin(match terminal {
        ChildTerminal::Shared => Stdio::inherit(),
        ChildTerminal::None => Stdio::null(),
    });
    let tty = foreground.as_ref().map(AsRawFd::as_raw_fd);
    // SAFETY: `enter_group` makes only async-signal-safe calls (setsid, setpgid, signal,
    // sigprocmask, tcsetpgrp) and allocates nothing.
    unsafe { command.pre_exec(move || enter_group(tty)) };
    // Registered before the fork, so a signal that ends rolecall meanwhile finds the
    // handler in place; the group is filled in once its id is known.
    let on_signal = signals::SignalSlot::new();
    let child = command.spawn().inspect_err(|_| {
        // The child may have taken the terminal before its exec failed.
        if let Some(tty) = &foreground {
            take_back(tty);
        }
    })?;
    let pgid = child.id().map_or(0, |id| id as libc::pid_t);
    on_signal.set(pgid);
    Ok((
        child,
        Group {
            pgid,
            reaped: false,
            terminal: foreground,
            _on_signal: on_signal,
        },
    ))
}

impl Group {
    /// Kills every process of the group, while its leader is not yet reaped (until then
    /// its id cannot name another group).
    pub(super) fn kill(&self) {
        if !self.reaped && self.pgid > 0 {
            // SAFETY: kill takes no pointers.
            unsafe { libc::kill(-self.pgid, libc::SIGKILL) };
        }
    }

    /// The leader has been waited for: the group is no longer ours to kill, and the
    /// terminal comes back to rolecall.
    pub(super) fn reaped(&mut self) {
        self.reaped = true;
        self.take_back_terminal();
    }

    fn take_back_terminal(&mut self) {
        if let Some(tty) = self.terminal.take() {
            take_back(&tty);
        }
    }
}

/// Makes rolecall's own group the terminal's foreground again.
fn take_back(tty: &OwnedFd) {
    // SAFETY: getpgrp and tcsetpgrp take no pointers. rolecall is in a background group
    // now: without SIGTTOU blocked the call would stop it.
    let own = unsafe { libc::getpgrp() };
    with_sigttou_blocked(|| unsafe { libc::tcsetpgrp(tty.as_raw_fd(), own) });
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        self.take_back_terminal();
    }
}

/// A duplicate of stdin when stdin is a terminal whose foreground group is rolecall's:
/// the only case where the child can be given the terminal (and taken it back from).
fn foreground_terminal() -> Option<OwnedFd> {
    // SAFETY: isatty, tcgetpgrp, getpgrp and fcntl take no pointers; fcntl's result is a
    // new descriptor that only this OwnedFd owns.
    unsafe {
        if libc::isatty(0) != 1 || libc::tcgetpgrp(0) != libc::getpgrp() {
            return None;
        }
        let fd = libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 0);
        (fd >= 0).then(|| OwnedFd::from_raw_fd(fd))
    }
}

/// In the child, before exec: lead a new group and take the terminal's foreground (`tty`),
/// or lead a new session without a terminal.
fn enter_group(tty: Option<RawFd>) -> io::Result<()> {
    // SAFETY: plain system calls on this process.
    let failed = unsafe {
        match tty {
            Some(fd) => {
                // Ctrl-Z would stop the command while rolecall waits for it to exit, with
                // the terminal its: nobody could continue it. (An ignored signal stays
                // ignored across exec.)
                libc::signal(libc::SIGTSTP, libc::SIG_IGN);
                libc::setpgid(0, 0) != 0
                    || with_sigttou_blocked(|| libc::tcsetpgrp(fd, libc::getpid())) != 0
            }
            None => libc::setsid() < 0,
        }
    };
    if failed {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Runs `f` with SIGTTOU blocked in this thread: `tcsetpgrp` from a background group
/// would otherwise stop the caller.
fn with_sigttou_blocked(f: impl FnOnce() -> libc::c_int) -> libc::c_int {
    // SAFETY: the sets are initialised by sigemptyset before use; pthread_sigmask changes
    // only this thread's mask, and the old one is restored.
    unsafe {
        let mut block: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut block);
        libc::sigaddset(&mut block, libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old);
        let result = f();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        result
    }
}
