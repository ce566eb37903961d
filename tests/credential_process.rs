//! `credential_process` run by the real binary: whatever ends rolecall (SIGTERM, SIGHUP,
//! SIGINT) ends the command's whole process group with it, even a program that ignores
//! those signals; and in its own group the command can still prompt on the terminal.

mod common;

use common::pty::{on_terminal, pty, read_until, write_all};
use common::{alive, poll, Env};
use std::path::Path;
use std::process::{Child, ExitStatus};

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
    command.args(["export", "proc", "--format", "json"]);
    on_terminal(&mut command, &slave);
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

fn read_pids(file: &Path) -> Option<Vec<i32>> {
    let text = std::fs::read_to_string(file).ok()?;
    text.split_whitespace().map(|p| p.parse().ok()).collect()
}

fn wait_for(child: &mut Child) -> Option<ExitStatus> {
    poll(|| child.try_wait().ok().flatten())
}
