//! MFA from a device: a profile's `mfa_process` prints the code, run by the real binary
//! against moto_server's STS. The code reaches STS and nowhere else; the person is told on
//! stderr while the command runs; a command that prints garbage or floods is refused
//! without its output being quoted; and one that waits for a touch is killed with rolecall.

mod common;

use common::pty::{on_terminal, pty, read_until};
use common::{alive, failed, ok, poll, venv_bin, Env, Moto};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Stdio};

/// What the fake devices print as the code: it must reach STS and no output.
const CODE: &str = "314159";

const CREDENTIALS: &str = "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// A device for every test: `fake-key` prints the code (with a touch prompt on stderr, as
/// ykman does); `garbage-key` prints something else; `flood-key` never stops printing;
/// `stuck-key` writes its pid and waits for a touch that never comes.
fn devices(dir: &Path) {
    let scripts = [
        (
            "fake-key",
            format!("echo 'Touch your YubiKey...' >&2\necho {CODE}\n"),
        ),
        ("garbage-key", "echo 'GARBAGE-SECRET 12345'\n".to_string()),
        ("flood-key", "yes 123456\n".to_string()),
        (
            "stuck-key",
            format!(
                "echo $$ > {d}/stuck.pid.tmp\nmv {d}/stuck.pid.tmp {d}/stuck.pid\nexec sleep 600\n",
                d = dir.display()
            ),
        ),
    ];
    for (name, body) in scripts {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A role `NAME` whose `mfa_serial` has the device `device` as its `mfa_process` (with an
/// argument that must never be shown), assumed from the keys.
fn role(name: &str, device: &str, dir: &Path) -> String {
    format!(
        "[profile {name}]\nrole_arn = arn:aws:iam::222222222222:role/Prod\nsource_profile = keys\n\
         region = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n\
         mfa_process = {}/{device} --account alice@corp\n",
        dir.display()
    )
}

/// An environment with a role for each device, against `moto`.
fn env_for(moto: &Moto) -> Env {
    let scratch = Env::new("", "");
    let dir = scratch.dir.path().join("devices");
    std::fs::create_dir_all(&dir).unwrap();
    devices(&dir);
    let config: String = [
        ("prod", "fake-key"),
        ("garbage", "garbage-key"),
        ("flood", "flood-key"),
        ("stuck", "stuck-key"),
    ]
    .iter()
    .map(|(name, device)| role(name, device, &dir))
    .collect::<String>()
        + "[profile keys]\nregion = us-east-1\n";
    std::fs::write(scratch.home().join(".aws/config"), config).unwrap();
    std::fs::write(scratch.home().join(".aws/credentials"), CREDENTIALS).unwrap();
    let mut env = scratch;
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env
}

fn devices_dir(env: &Env) -> std::path::PathBuf {
    env.dir.path().join("devices")
}

#[test]
fn the_code_the_device_prints_assumes_the_role_and_goes_nowhere_else() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let out = env.rolecall(&["export", "prod", "--format", "json"]);
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "rolecall: waiting for fake-key (mfa_process of 'prod'): touch your security key \
             if it blinks"
        ),
        "{stderr}"
    );
    let creds: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    for (what, text) in [("stdout", &stdout[..]), ("stderr", &stderr[..])] {
        assert!(!text.contains(CODE), "the code is on {what}: {text}");
        assert!(
            !text.contains("alice@corp"),
            "the argument is on {what}: {text}"
        );
    }
    // The session is the role's, assumed through the MFA session the code made; the second
    // use is served from the cache, and the device is not run again.
    let out = env.rolecall(&[
        "exec",
        "prod",
        "--",
        "aws",
        "sts",
        "get-caller-identity",
        "--output",
        "json",
    ]);
    let identity: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        identity["Arn"],
        "arn:aws:sts::222222222222:assumed-role/Prod/tester"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("waiting for"), "{stderr}");
    // With the code sent with AssumeRole itself, the device runs again.
    let out = env.rolecall(&["export", "prod", "--refresh", "--mfa-per-role"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("waiting for fake-key"));
    // Nothing rolecall keeps holds the code.
    for entry in walk(env.dir.path()) {
        if entry.starts_with(devices_dir(&env)) {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CODE),
            "the code is in {}",
            entry.display()
        );
    }
}

#[test]
fn run_as_a_credential_process_by_the_aws_cli_it_still_says_that_it_waits() {
    // The AWS CLI captures a credential_process's stderr and shows it only on failure
    // (aws-vault #1267): the notice must reach the person's terminal itself.
    let moto = Moto::start();
    let env = env_for(&moto);
    let config = env.home().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text += &format!(
        "[profile bridged]\nregion = us-east-1\ncredential_process = {} export prod --format credential-process\n",
        env!("CARGO_BIN_EXE_rolecall")
    );
    std::fs::write(&config, text).unwrap();
    let (master, slave) = pty();
    let mut aws = env.command(venv_bin("aws"));
    aws.args(["sts", "get-caller-identity", "--profile", "bridged"])
        .args(["--query", "Arn", "--output", "text"]);
    on_terminal(&mut aws, &slave);
    let mut running = Running(aws.spawn().expect("run the AWS CLI"));
    drop((aws, slave));
    let shown = read_until(&master, None);
    assert!(running.0.wait().unwrap().success(), "{shown}");
    assert!(
        shown.contains("rolecall: waiting for fake-key (mfa_process of 'prod')"),
        "{shown}"
    );
    assert!(
        shown.contains("arn:aws:sts::222222222222:assumed-role/Prod/tester"),
        "{shown}"
    );
    assert!(
        !shown.contains(CODE),
        "the code is on the terminal: {shown}"
    );
}

#[test]
fn a_code_given_on_the_command_line_wins_over_the_device() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let out = env.rolecall(&["export", "stuck", "--mfa-code", "123456"]);
    ok(&out);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("waiting for"));
    assert!(!devices_dir(&env).join("stuck.pid").exists());
}

#[test]
fn a_device_that_prints_garbage_or_floods_is_refused_without_quoting_it() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let err = failed(&env.rolecall(&["export", "garbage"]));
    assert!(
        err.contains(
            "mfa_process of 'garbage' (garbage-key) printed something that is not a six-digit \
             code; pass --mfa-code to type the code instead"
        ),
        "{err}"
    );
    assert!(
        !err.contains("GARBAGE-SECRET") && !err.contains("alice@corp"),
        "{err}"
    );
    let err = failed(&env.rolecall(&["export", "flood"]));
    assert!(
        err.contains("mfa_process of 'flood' (flood-key) printed more than 1024 bytes"),
        "{err}"
    );
    assert!(!err.contains("123456"), "{err}");
}

#[test]
fn ending_rolecall_while_the_device_waits_for_a_touch_kills_the_device() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let mut rolecall = Running(
        env.command(env!("CARGO_BIN_EXE_rolecall"))
            .args(["export", "stuck"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rolecall"),
    );
    let pid_file = devices_dir(&env).join("stuck.pid");
    let pid = poll(|| {
        std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok())
    })
    .expect("the device never started");
    assert!(alive(pid));
    // Ctrl-C, as a terminal sends it to rolecall's group.
    // SAFETY: kill takes no pointers; the pid is our own child's, not yet reaped.
    unsafe { libc::kill(rolecall.0.id() as i32, libc::SIGINT) };
    let out = rolecall.wait();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("waiting for stuck-key"), "{stderr}");
    assert!(
        poll(|| (!alive(pid)).then_some(())).is_some(),
        "the device {pid} still runs after rolecall ended"
    );
}

/// A child killed when the test ends, passed or failed.
struct Running(Child);

impl Running {
    fn wait(&mut self) -> std::process::Output {
        let status = poll(|| self.0.try_wait().ok().flatten()).expect("rolecall did not end");
        let mut stderr = String::new();
        use std::io::Read;
        if let Some(mut e) = self.0.stderr.take() {
            e.read_to_string(&mut stderr).unwrap();
        }
        std::process::Output {
            status,
            stdout: Vec::new(),
            stderr: stderr.into_bytes(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
