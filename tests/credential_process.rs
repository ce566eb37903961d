//! `credential_process` run by the real binary: whatever ends rolecall (SIGTERM, SIGHUP,
//! SIGINT) ends the command's whole process group with it, even a program that ignores
//! those signals; and in its own group the command can still prompt on the terminal.

mod common;

use common::Env;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_signal_that_ends_rolecall_ends_everything_the_command_started() {
    for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // `sh` (the group's leader) and a grandchild, both ignoring the signals.
        let config = format!(
            "[profile proc]\ncredential_process = trap '' TERM HUP INT; sleep 777 & \
             echo \"$$ $!\" > {p}.tmp; mv {p}.tmp {p}; wait\n",
            p = pids.display()
        );
        let env = Env::new(&config, "");
        let mut rolecall = env
            .command(env!("CARGO_BIN_EXE_rolecall"))
            .args(["export", "proc"])
            .spawn()
            .expect("run rolecall");
        let started = poll(|| read_pids(&pids)).expect("the command never wrote its pids");
        // SAFETY: kill takes no pointers; the pid is our own child's, not yet reaped.
        unsafe { libc::kill(rolecall.id() as i32, signal) };
        let status = wait_for(&mut rolecall).expect("rolecall did not end");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        for pid in started {
            let ended = poll(|| (!alive(pid)).then_some(()));
            assert!(
                ended.is_some(),
                "signal {signal}: process {pid} of the credential_process is still running"
            );
        }
    }
}

#[test]
fn from_the_cli_the_command_can_prompt_on_the_terminal_and_ctrl_z_does_not_stop_it() {
    // Reading /dev/tty from a background process group would stop the command (SIGTTIN)
    // and hang rolecall: the command must get the terminal's foreground while it runs.
    let config = "[profile proc]\ncredential_process = echo 'key?' > /dev/tty; \
                  read -r key < /dev/tty; \
                  printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"s\"}' \"$key\"\n";
    let env = Env::new(config, "");
    let (master, slave) = pty();
    let mut command = env.command(env!("CARGO_BIN_EXE_rolecall"));
    command
        .args(["export", "proc", "--format", "json"])
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
    let mut rolecall = Running(command.spawn().expect("run rolecall"));
    // Only rolecall and its children may hold the slave, so its end shows as EIO here.
    drop((command, slave));
    let mut shown = read_until(&master, Some("key?"));
    // Ctrl-Z, then the answer: the prompt must not stop (SIGTSTP) while rolecall waits.
    write_all(&master, b"\x1aAKIATYPEDONTHETTY\n");
    shown += &read_until(&master, None);
    let status = wait_for(&mut rolecall.0).expect("rolecall did not end");
    assert!(status.success(), "{status:?}: {shown}");
    assert!(
        shown.contains("\"AccessKeyId\": \"AKIATYPEDONTHETTY\""),
        "{shown}"
    );
}

/// A child killed when the test ends, passed or failed.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A new pseudo-terminal: (master, slave).
fn pty() -> (OwnedFd, OwnedFd) {
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

fn write_all(fd: &OwnedFd, bytes: &[u8]) {
    // SAFETY: writes from a live buffer of the given length.
    let n = unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
    assert_eq!(n, bytes.len() as isize);
}

/// What the terminal shows until it shows `wanted` (or, with `None`, until every process
/// has closed it), for at most ten seconds.
fn read_until(master: &OwnedFd, wanted: Option<&str>) -> String {
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

fn read_pids(file: &Path) -> Option<Vec<i32>> {
    let text = std::fs::read_to_string(file).ok()?;
    text.split_whitespace().map(|p| p.parse().ok()).collect()
}

/// Whether `pid` runs: it exists and is not a zombie waiting to be reaped.
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    })
}

fn wait_for(child: &mut Child) -> Option<ExitStatus> {
    poll(|| child.try_wait().ok().flatten())
}

/// Polls `check` until it gives a value, for at most ten seconds.
fn poll<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
