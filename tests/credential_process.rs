//! A `credential_process` that never finishes, run by the real binary: whatever ends
//! rolecall (SIGTERM, SIGHUP, SIGINT) ends the command's whole process group with it, even
//! a program that ignores those signals.

mod common;

use common::Env;
use std::path::Path;
use std::process::{Child, ExitStatus};
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
