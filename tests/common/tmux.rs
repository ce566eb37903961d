//! Driving a program in a real terminal: a private tmux server with one pane.
//!
//! Each `Tmux` runs its own server (`-L <unique socket>`), so tests neither see nor
//! disturb the developer's sessions, and the server is killed on drop.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// Whether tmux can be run at all; tests fail (saying how to install it) when not.
    pub fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Starts `sh` in a `width` x `height` pane with exactly `env` (plus PATH and TERM) and
    /// `cwd` as its working directory; the prompt is `rc-test$ `.
    pub fn start(name: &str, width: u16, height: u16, cwd: &Path, env: &[(&str, &str)]) -> Self {
        let socket = format!("rolecall-test-{}-{name}", std::process::id());
        let session = "t".to_string();
        let mut shell = vec![
            "env".to_string(),
            "-i".into(),
            format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
            "TERM=xterm-256color".into(),
            "PS1=rc-test$ ".into(),
        ];
        shell.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        shell.push("sh".into());
        let t = Tmux { socket, session };
        let out = t.tmux_raw(
            &[
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                &t.session,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "-c",
                &cwd.to_string_lossy(),
            ],
            &shell,
        );
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.wait_for("rc-test$", Duration::from_secs(10));
        t
    }

    fn tmux_raw(&self, args: &[&str], rest: &[String]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .args(rest)
            .output()
            .expect("cannot run tmux")
    }

    fn tmux(&self, args: &[&str]) -> Output {
        self.tmux_raw(args, &[])
    }

    /// Sets a global tmux option (`set-clipboard on` lets programs fill tmux's buffer).
    pub fn set_option(&self, name: &str, value: &str) {
        let out = self.tmux(&["set-option", "-g", name, value]);
        assert!(
            out.status.success(),
            "tmux set-option {name} {value} failed"
        );
    }

    /// From now on, appends every byte the pane's programs write to the terminal to
    /// `path` (`pipe-pane`): the raw stream, escape sequences and all, before tmux
    /// interprets any of it.
    pub fn pipe_to(&self, path: &Path) {
        let command = format!("cat >> '{}'", path.display());
        let out = self.tmux(&["pipe-pane", "-o", "-t", &self.session, &command]);
        assert!(
            out.status.success(),
            "tmux pipe-pane failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The newest paste buffer's contents (what OSC 52 put there), or "" when none.
    pub fn show_buffer(&self) -> String {
        let out = self.tmux(&["show-buffer"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally (no key names).
    pub fn send_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", &self.session, "-l", text]);
        assert!(out.status.success());
    }

    /// Sends tmux key names: `Enter`, `Escape`, `C-c`, `Down`…
    pub fn send_keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success());
    }

    /// Types a command line and presses Enter.
    pub fn run(&self, line: &str) {
        self.send_text(line);
        self.send_keys(&["Enter"]);
    }

    /// The pane's visible text.
    pub fn capture(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until `pred` holds; panics with the last screen after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls until `text` is on screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// Polls until every one of `texts` is on screen at once: what one frame shows is
    /// checked on a capture that has all of it, never on one taken mid-frame.
    pub fn wait_for_all(&self, texts: &[&str], timeout: Duration) -> String {
        self.wait_until(&format!("all of {texts:?}"), timeout, |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// Polls until the shell's prompt is the last line again (the program has exited and
    /// the shell has printed its prompt; the text above it is returned for checks).
    pub fn wait_for_prompt(&self, timeout: Duration) -> String {
        self.wait_until("the shell prompt", timeout, |s| {
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim_end().ends_with("rc-test$"))
        })
    }

    /// Polls until `text` is gone from the screen.
    pub fn wait_gone(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?} to go"), timeout, |s| !s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}
