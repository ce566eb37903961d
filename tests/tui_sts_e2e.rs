//! End to end as a person uses it: the real binary in tmux against moto_server. Filter to a
//! profile, assume it with an MFA code, see the countdown, write a .env file, open a
//! subshell and prove the session with the AWS CLI there, come back, quit — and the
//! terminal is sane afterwards.

mod common;

use common::tmux::Tmux;
use common::{root, Moto, Reply, Stub};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn assume_with_mfa_then_dotenv_and_subshell() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let path = format!("{}:/usr/bin:/bin", root().join(".venv/bin").display());
    // The console's federation endpoint, and a "browser" that records the URL it is given.
    let federation =
        Stub::start(|_| Reply::Status(200, r#"{"SigninToken":"TUI-SIGNIN-TOKEN-1"}"#.into()));
    let browser = common::RecordingBrowser::new(dir.path());
    let t = Tmux::start(
        "sts",
        120,
        40,
        dir.path(),
        &[
            ("HOME", &d("home")),
            ("PATH", &path),
            ("SHELL", "/bin/sh"),
            ("USER", "tester"),
            ("ROLECALL_CACHE_DIR", &d("cache")),
            ("AWS_ENDPOINT_URL_STS", &moto.url),
            (
                "ROLECALL_FEDERATION_ENDPOINT",
                &format!("{}/federation", federation.url),
            ),
            ("BROWSER", &browser.var()),
        ],
    );
    // Programs may fill tmux's paste buffer with OSC 52 (the export window's `y`).
    t.set_option("set-clipboard", "on");
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));
    t.wait_for("Profiles 8/8", WAIT);

    // Typing filters; Enter assumes; the MFA modal asks for the code.
    t.send_text("admin-mfa");
    t.wait_for_all(&["Profiles 1/8", "demo-admin-mfa"], WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for("MFA code for demo-admin-mfa", WAIT);
    t.send_text("123456");
    t.send_keys(&["Enter"]);
    // The role's session and the MFA session it was assumed from, each with a countdown.
    // The countdown: an hour's session (duration_seconds = 3600) shows 1h00m or 59:xx.
    let screen = t.wait_until("both sessions with their countdowns", WAIT, |s| {
        s.contains("Sessions 2")
            && s.contains("demo-base (mfa)")
            && s.contains("assumed demo-admin-mfa")
            && (s.contains("1h00m") || s.contains("59:"))
    });
    let secret_free = !screen.contains("wJalrXUtnFEMI");
    assert!(secret_free, "a secret is on screen:\n{screen}");

    // The new session is selected in the sessions panel: write a .env file (default ./.env).
    t.send_text("e");
    t.wait_for("./.env", WAIT);
    t.send_keys(&["Enter"]);
    // The status line, not the prompt (which says "(mode 0600)" too).
    t.wait_for("wrote ./.env (mode 0600)", WAIT);
    let env_path = dir.path().join(".env");
    let text = std::fs::read_to_string(&env_path).unwrap();
    // (Messages name the missing variable only: the file holds secrets.)
    for expected in [
        "AWS_ACCESS_KEY_ID=ASIA",
        "AWS_SESSION_TOKEN=",
        "ROLECALL_PROFILE=demo-admin-mfa\n",
    ] {
        assert!(text.contains(expected), "{expected} missing from .env");
    }
    let mode = std::fs::metadata(&env_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // The export window: `y` copies the real text (OSC 52) into tmux's buffer.
    t.send_text("x");
    t.wait_for("rolecall --demo export demo-admin-mfa --format sh", WAIT);
    t.send_text("y");
    t.wait_for("copied the sh export of demo-admin-mfa", WAIT);
    let copied = t.show_buffer();
    let key_line = copied
        .lines()
        .find(|l| l.starts_with("export AWS_SECRET_ACCESS_KEY='"))
        .expect("the copied export has the secret key");
    assert!(!key_line.contains("****"), "the copy is masked");
    assert!(copied.contains("export AWS_ACCESS_KEY_ID='ASIA"));
    assert!(
        copied.contains("export ROLECALL_PROFILE='demo-admin-mfa'"),
        "the copy is not the sh export"
    );
    let screen = t.capture();
    assert!(!screen.contains(&key_line[30..]), "the secret is on screen");
    t.send_keys(&["Escape"]);

    // c: the AWS console, signed in with the session, in the browser (never on screen).
    t.send_text("c");
    let screen = t.wait_for("opened the AWS console for demo-admin-mfa", WAIT);
    assert!(
        !screen.contains("TUI-SIGNIN-TOKEN-1"),
        "the sign-in token is on screen"
    );
    let url = browser.url();
    assert!(
        url.contains("Action=login") && url.contains("SigninToken=TUI-SIGNIN-TOKEN-1"),
        "{url}"
    );

    // s: a subshell on the local credential endpoint. No keys in it; the AWS CLI fetches
    // the assumed role from the endpoint.
    t.send_text("s");
    t.wait_for("served by a local credential endpoint", WAIT);
    t.run(&format!(
        "echo \"url=$AWS_CONTAINER_CREDENTIALS_FULL_URI key=${{AWS_ACCESS_KEY_ID:-none}} $({} prompt)\"",
        env!("CARGO_BIN_EXE_rolecall")
    ));
    let screen = t.wait_for("key=none", WAIT);
    assert!(screen.contains("url=http://127.0.0.1:"), "{screen}");
    assert!(
        screen.contains("demo-admin-mfa served"),
        "the prompt: {screen}"
    );
    t.run("aws sts get-caller-identity --query Arn --output text");
    t.wait_for("arn:aws:sts::222222222222:assumed-role/Admin/tester", WAIT);
    t.run("exit");
    t.wait_for_all(
        &[
            "back from demo-admin-mfa's subshell; the endpoint served",
            "Sessions 2",
        ],
        WAIT,
    );

    // S: a subshell with the session's keys.
    t.send_text("S");
    let screen = t.wait_for("its keys, expiring in", WAIT);
    // A clear screen: the previous subshell's output is not left above the new banner.
    assert!(!screen.contains("key=none"), "{screen}");
    t.run("echo \"key=$AWS_ACCESS_KEY_ID url=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none}\"");
    t.wait_for("url=none", WAIT);
    assert!(t.capture().contains("key=ASIA"), "{}", t.capture());
    t.run("exit");
    t.wait_for("back from demo-admin-mfa's subshell", WAIT);

    // Quit: the shell is back and the terminal is in cooked mode with echo.
    t.send_text("q");
    let screen = t.wait_for_prompt(WAIT);
    assert!(!screen.contains("Sessions 2"), "{screen}");
    t.run("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | sort | tr '\\n' ,; echo END");
    t.wait_for("echo,icanon,END", WAIT);
}
