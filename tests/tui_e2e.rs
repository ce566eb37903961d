//! End to end: the real binary in a real terminal (tmux), driven by keys.
//!
//! The STS part (Enter → MFA → session → .env → subshell) is in `tui_sts_e2e.rs`.

mod common;

use common::tmux::Tmux;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn demo_list_filter_help_quit_restores_terminal() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let home = tempfile::tempdir().unwrap();
    let home_str = home.path().to_str().unwrap();
    let xdg = home.path().join(".config");
    let t = Tmux::start(
        "demo",
        120,
        40,
        home.path(),
        &[
            ("HOME", home_str),
            ("XDG_CONFIG_HOME", xdg.to_str().unwrap()),
            // Nothing listens there: no emulator is needed for this walk-through.
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"),
        ],
    );
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));

    // The demo's profiles, and on the status line where it expects STS and how to start
    // the emulator.
    t.wait_for_all(
        &[
            "Profiles 8/8",
            "demo-admin-mfa",
            "demo-readonly",
            "demo-sso",
            "run `bash assets/demo/run.sh`",
        ],
        WAIT,
    );

    t.send_text("/ops");
    t.wait_until("the list filtered to ops", WAIT, |s| {
        s.contains("Profiles 2/8") && s.contains("demo-ops-deploy") && !s.contains("demo-readonly")
    });

    t.send_keys(&["Escape"]);
    t.wait_for("Profiles 8/8", WAIT);

    t.send_text("?");
    t.wait_for("assume the selected profile", WAIT);
    t.send_keys(&["Escape"]);
    t.wait_gone("assume the selected profile", WAIT);

    // Enter on a profile with no credentials: the error shows and the TUI keeps running.
    t.send_keys(&["Home", "Enter"]);
    t.wait_for("has no credentials", WAIT);

    t.send_text("q");
    // Back on the main screen: the command we typed and a fresh prompt.
    let screen = t.wait_for_prompt(WAIT);
    assert!(!screen.contains("Profiles 8/8"), "{screen}");
    assert!(screen.contains("--demo"), "{screen}");
}

#[test]
fn ctrl_c_while_filtering_quits_and_restores_terminal() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(
        "ctrlc",
        80,
        24,
        home.path(),
        &[("HOME", home.path().to_str().unwrap()), ("NO_COLOR", "1")],
    );
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));
    t.wait_for("Profiles 8/8", WAIT);
    t.send_text("sso");
    t.wait_for("Profiles 1/8", WAIT);
    t.send_keys(&["C-c"]);
    let screen = t.wait_for_prompt(WAIT);
    assert!(!screen.contains("Profiles 1/8"), "{screen}");
    // The shell is usable again: the terminal left raw mode.
    t.run("echo restored-$((1+1))");
    t.wait_for("restored-2", WAIT);
}

#[test]
fn c_in_the_demo_says_it_has_no_console_and_opens_no_browser() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let moto = common::Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let browser = common::RecordingBrowser::new(dir.path());
    let vars = [
        ("HOME", d("home")),
        ("PATH", "/usr/bin:/bin".to_string()),
        ("USER", "tester".to_string()),
        ("ROLECALL_CACHE_DIR", d("cache")),
        ("AWS_ENDPOINT_URL_STS", moto.url.clone()),
        ("BROWSER", browser.var()),
    ];
    // A cached demo session to press `c` on.
    let export = std::process::Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(["--demo", "export", "demo-readonly"])
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(export.status.success(), "{export:?}");
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let t = Tmux::start("democonsole", 200, 40, dir.path(), &env);
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));
    t.wait_for_all(&["Profiles 8/8", "Sessions 1"], WAIT);
    t.send_keys(&["Tab"]);
    t.send_text("c");
    t.wait_for("the demo has no AWS console", WAIT);
    t.send_text("q");
    t.wait_for_prompt(WAIT);
    assert!(!browser.was_opened());
}

#[test]
fn e_in_a_git_work_tree_warns_and_g_adds_the_file_to_gitignore() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let moto = common::Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    let project = dir.path().join("project");
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(&project)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git is needed: run `bash .ci/setup`")
    };
    assert!(git(&["init", "-q"]).success());
    let vars = [
        // PATH is the test's own (tmux passes it on): git may live anywhere.
        ("HOME", d("home")),
        ("USER", "tester".to_string()),
        ("GIT_CONFIG_GLOBAL", "/dev/null".to_string()),
        ("ROLECALL_CACHE_DIR", d("cache")),
        ("AWS_ENDPOINT_URL_STS", moto.url.clone()),
    ];
    // A cached demo session to press `e` on.
    let export = std::process::Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(["--demo", "export", "demo-readonly"])
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(export.status.success(), "{export:?}");
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let t = Tmux::start("envgit", 80, 24, &project, &env);
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));
    t.wait_for_all(&["Profiles 8/8", "Sessions 1"], WAIT);
    t.send_keys(&["Tab"]);
    t.send_text("e");
    t.wait_for("./.env", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for_all(
        &[
            "./.env is not ignored by git: it would be offered for",
            "g: add it to .gitignore and write",
        ],
        WAIT,
    );
    assert!(
        !project.join(".env").exists(),
        "written before the user answered"
    );
    t.send_text("g");
    t.wait_for(
        "wrote ./.env (mode 0600) and added it to ./.gitignore",
        WAIT,
    );
    t.send_text("q");
    t.wait_for_prompt(WAIT);
    assert!(std::fs::read_to_string(project.join(".env"))
        .unwrap()
        .contains("ROLECALL_PROFILE=demo-readonly"));
    assert_eq!(
        std::fs::read_to_string(project.join(".gitignore")).unwrap(),
        "/.env\n"
    );
    assert!(
        git(&["check-ignore", "-q", ".env"]).success(),
        "git ignores it now"
    );
}
