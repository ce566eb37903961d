//! MFA from a device in the TUI, as a person uses it: the real binary in tmux against
//! moto_server. Enter on a profile whose `mfa_serial` has an `mfa_process` shows that
//! rolecall waits for the device (no MFA window), then the session's countdown; Esc while
//! the device waits for a touch kills it; a device that fails opens the MFA window, where
//! the code can be typed by hand.

mod common;

use common::tmux::Tmux;
use common::{alive, poll, Moto};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// The profiles: `prod`'s device writes its pid, waits for the test to say go (a line on
/// the FIFO `go`), then prints a code; `stuck`'s waits for ever; `garbage`'s prints no code.
fn config(dir: &Path) -> String {
    let d = dir.display();
    let device = |name: &str, body: String| {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    device(
        "fake-key",
        format!("echo $$ > {d}/fake.pid.tmp; mv {d}/fake.pid.tmp {d}/fake.pid\nread go < {d}/go\necho 271828\n"),
    );
    device(
        "stuck-key",
        format!(
            "echo $$ > {d}/stuck.pid.tmp; mv {d}/stuck.pid.tmp {d}/stuck.pid\nexec sleep 600\n"
        ),
    );
    device("garbage-key", "echo not-a-code\n".into());
    let role = |name: &str, device: &str| {
        format!(
            "[profile {name}]\nrole_arn = arn:aws:iam::222222222222:role/{name}\n\
             source_profile = keys-{}\nregion = us-east-1\n\
             mfa_serial = arn:aws:iam::123456789012:mfa/alice\n\
             mfa_process = {d}/{device} --account alice@corp\n",
            name.len()
        )
    };
    format!(
        "{}{}{}",
        role("prod", "fake-key"),
        role("stuck", "stuck-key"),
        role("garbage", "garbage-key")
    )
}

/// Keys of their own for each role: an MFA session made of shared keys would serve them
/// all without asking the next device.
fn credentials() -> String {
    // Named by the length of the role's name, so that filtering for a role finds it alone.
    ["prod", "stuck", "garbage"]
        .iter()
        .map(|name| {
            format!(
                "[keys-{n}]\naws_access_key_id = AKIAIOSFODNN7EXAMPL{n}\n\
                 aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                n = name.len()
            )
        })
        .collect()
}

#[test]
fn enter_runs_the_device_shows_that_it_waits_and_esc_kills_it() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p);
    let devices = d("devices");
    std::fs::create_dir_all(d("home/.aws")).unwrap();
    std::fs::create_dir_all(&devices).unwrap();
    mkfifo(&devices.join("go"));
    std::fs::write(d("home/.aws/config"), config(&devices)).unwrap();
    std::fs::write(d("home/.aws/credentials"), credentials()).unwrap();
    let s = |p: &str| d(p).display().to_string();
    let t = Tmux::start(
        "mfaprocess",
        150,
        30,
        dir.path(),
        &[
            ("HOME", &s("home")),
            ("USER", "tester"),
            ("ROLECALL_CACHE_DIR", &s("cache")),
            ("AWS_ENDPOINT_URL_STS", &moto.url),
        ],
    );
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for("Profiles 6/6", WAIT);

    // Enter: the spinner says what it waits for, and no MFA window opens.
    t.send_text("prod");
    t.wait_for("Profiles 1/6", WAIT);
    t.send_keys(&["Enter"]);
    let screen = t.wait_for(
        "waiting for fake-key (mfa_process of 'prod'): touch your security key if it blinks",
        WAIT,
    );
    assert!(!screen.contains("MFA code for"), "{screen}");
    assert!(!screen.contains("alice@corp"), "{screen}");
    // The device is touched: the session arrives with its countdown.
    poll(|| read_pid(&devices.join("fake.pid"))).expect("the device never started");
    std::fs::write(devices.join("go"), "go\n").unwrap();
    let screen = t.wait_until("the session and its countdown", WAIT, |s| {
        s.contains("assumed prod") && (s.contains("1h00m") || s.contains("59:"))
    });
    assert!(!screen.contains("MFA code for"), "{screen}");
    assert!(
        !screen.contains("271828"),
        "the code is on screen:\n{screen}"
    );

    // r on the keys' MFA session (the row above the role's): the device renews it too.
    t.send_keys(&["Up"]);
    t.send_text("r");
    t.wait_for("waiting for fake-key (mfa_process of 'prod')", WAIT);
    std::fs::write(devices.join("go"), "go\n").unwrap();
    let screen = t.wait_for("renewed the MFA session of keys-4", WAIT);
    assert!(!screen.contains("MFA code for"), "{screen}");

    // A device nobody touches: Esc cancels the assume and kills it.
    clear_the_filter(&t);
    t.send_keys(&["Tab"]);
    t.send_text("stuck");
    t.wait_for("Profiles 1/6", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for("waiting for stuck-key (mfa_process of 'stuck')", WAIT);
    let pid = poll(|| read_pid(&devices.join("stuck.pid"))).expect("the device never started");
    assert!(alive(pid));
    t.send_keys(&["Escape"]);
    t.wait_for("cancelled assuming stuck", WAIT);
    assert!(
        poll(|| (!alive(pid)).then_some(())).is_some(),
        "the device {pid} still runs after Esc"
    );

    // A device that prints no code: the error, and the MFA window to type it by hand.
    clear_the_filter(&t);
    t.send_text("/garbage");
    t.wait_for("Profiles 1/6", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for_all(
        &[
            "MFA code for garbage",
            "printed something that is not a six-digit code",
        ],
        WAIT,
    );
    t.send_text("123456");
    t.send_keys(&["Enter"]);
    t.wait_for("assumed garbage", WAIT);

    // Quitting while a device waits kills it too.
    clear_the_filter(&t);
    t.send_keys(&["Tab"]);
    t.send_text("stuck");
    t.wait_for("Profiles 1/6", WAIT);
    std::fs::remove_file(devices.join("stuck.pid")).unwrap();
    t.send_keys(&["Enter"]);
    t.wait_for("waiting for stuck-key", WAIT);
    let pid = poll(|| read_pid(&devices.join("stuck.pid"))).expect("the device never started");
    t.send_keys(&["C-c"]);
    t.wait_for_prompt(WAIT);
    assert!(
        poll(|| (!alive(pid)).then_some(())).is_some(),
        "the device {pid} still runs after the TUI quit"
    );
}

/// Esc, and the whole list back (a key sent right after an Esc would read as Alt+key).
fn clear_the_filter(t: &Tmux) {
    t.send_keys(&["Escape"]);
    t.wait_for("Profiles 6/6", WAIT);
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn read_pid(file: &Path) -> Option<i32> {
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}
