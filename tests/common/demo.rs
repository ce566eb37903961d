//! The demo's emulators, started the way `assets/demo/run.sh` starts them: through
//! `assets/demo/emulators.sh` (moto_server for STS and the instance metadata, and
//! `assets/demo/sign_in.py` for IAM Identity Center and the console's sign-in), on free
//! ports of 127.0.0.1. The variables the script prints are what rolecall is run with.

use super::root;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The running emulators; stopped on drop (their script's standard input closes).
pub struct DemoEmulators {
    child: Child,
    stdin: Option<ChildStdin>,
    /// What the script exported, in its order: `AWS_ENDPOINT_URL_STS`,
    /// `AWS_ENDPOINT_URL_SSO`, `ROLECALL_FEDERATION_ENDPOINT`…
    pub vars: Vec<(String, String)>,
}

impl DemoEmulators {
    /// Starts them and waits (bounded by the script itself) for its `ready` line.
    pub fn start() -> DemoEmulators {
        super::venv_bin("moto_server");
        let mut child = Command::new("bash")
            .arg(root().join("assets/demo/emulators.sh"))
            .env("ROLECALL_DEMO_PORT", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run assets/demo/emulators.sh");
        let stdin = child.stdin.take();
        let mut vars = Vec::new();
        let mut ready = false;
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            if line == "ready" {
                ready = true;
                break;
            }
            let (name, value) = line
                .strip_prefix("export ")
                .and_then(|l| l.split_once('='))
                .unwrap_or_else(|| panic!("emulators.sh printed {line:?}"));
            vars.push((name.to_string(), value.to_string()));
        }
        assert!(ready, "emulators.sh ended without saying `ready`");
        DemoEmulators { child, stdin, vars }
    }

    /// The value the script exported for `name`.
    pub fn var(&self, name: &str) -> &str {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("emulators.sh exported no {name}"))
    }

    /// The sign-in stand-in's base URL (`http://127.0.0.1:PORT`).
    pub fn sign_in_url(&self) -> &str {
        self.var("AWS_ENDPOINT_URL_SSO")
    }
}

impl Drop for DemoEmulators {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
