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

/// The demo as run.sh runs it (its emulators started through `assets/demo/emulators.sh`),
/// walked through every key the help lists, on every kind of demo profile: `demo-sso`
/// signs in (the browser is sent to 127.0.0.1; the device code is approved by the demo's
/// stand-in) and counts down, and `c` opens the console stand-in on 127.0.0.1.
#[test]
fn the_demo_walk_through_every_key_in_the_help_on_every_kind_of_profile() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let emulators = common::demo::DemoEmulators::start();
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let browser = common::RecordingBrowser::new(dir.path());
    let mut vars = vec![
        ("HOME".to_string(), d("home")),
        ("USER".to_string(), "tester".to_string()),
        ("SHELL".to_string(), "/bin/sh".to_string()),
        ("ROLECALL_CACHE_DIR".to_string(), d("cache")),
        ("BROWSER".to_string(), browser.var()),
    ];
    vars.extend(emulators.vars.iter().cloned());
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Tmux::start("demowalk", 200, 50, dir.path(), &env);
    t.run(&format!("{} --demo", env!("CARGO_BIN_EXE_rolecall")));
    t.wait_for_all(&["Profiles 8/8", "started by run.sh"], WAIT);

    t.send_text("?");
    t.wait_for("assume the selected profile", WAIT);
    t.send_keys(&["Escape"]);
    t.wait_gone("assume the selected profile", WAIT);

    sign_in_to_demo_sso(&t, &browser, emulators.sign_in_url());
    session_keys(&t, &browser, &emulators, "demo-sso", "PowerUser");
    subshells_dotenv_and_forget(&t, dir.path());

    // Every other kind: static keys, a role, a role with MFA, a chain, an instance role.
    for (profile, shown) in [
        ("demo-base", "access key"),
        ("demo-readonly", ":111111111111:assumed-role/ReadOnly/"),
        ("demo-admin-mfa", ":222222222222:assumed-role/Admin/"),
        (
            "demo-ops-deploy",
            ":444444444444:assumed-role/Deploy/demo-deployer",
        ),
        ("demo-instance", ":555555555555:assumed-role/FromInstance/"),
    ] {
        assume(&t, profile);
        session_keys(&t, &browser, &emulators, profile, shown);
    }
    assume_fails(&t, "default", "has no credentials");

    moves_and_reload(&t);
    t.send_text("q");
    let screen = t.wait_for_prompt(WAIT);
    assert!(!screen.contains("Profiles 12/12"), "{screen}");
}

/// Enter on `demo-sso`: the sign-in window sends the browser to the demo's stand-in on
/// 127.0.0.1; `d` switches to a device code, whose code shows until the stand-in approves
/// it; then the session counts down and discovery adds the portal's other roles.
fn sign_in_to_demo_sso(t: &Tmux, browser: &common::RecordingBrowser, sign_in: &str) {
    t.send_text("/demo-sso");
    t.wait_for("Profiles 1/8", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for_all(
        &["IAM Identity Center sign-in", "waiting for the browser"],
        WAIT,
    );
    let url = browser.url();
    assert!(url.starts_with(&format!("{sign_in}/authorize?")), "{url}");
    remove_opened(browser);
    t.send_text("d");
    // The code is on screen for one polling interval (a second) before the demo approves
    // it: a capture may come too late to see it, never too early to see it go.
    t.wait_until("the device code, or the session", WAIT, |s| {
        s.contains("code: ") || s.contains("assumed demo-sso")
    });
    let device = browser.url();
    assert!(
        device.starts_with(&format!("{sign_in}/device?user_code=")),
        "{device}"
    );
    remove_opened(browser);
    let screen = t.wait_for("assumed demo-sso", WAIT);
    assert!(countdown_of("demo-sso", &screen), "{screen}");
    t.send_keys(&["Escape"]);
    t.wait_for("Profiles 12/12 ─", WAIT);
}

/// Whether the screen's row of `profile` counts down a fresh one-hour session (`1h00m`,
/// then `59:59`…).
fn countdown_of(profile: &str, screen: &str) -> bool {
    screen.lines().any(|l| {
        l.contains(&format!(" {profile} ")) && (l.contains(" 59:") || l.contains(" 1h00m"))
    })
}

/// Forgets what the recording browser saw, so the next URL is a new one.
fn remove_opened(browser: &common::RecordingBrowser) {
    let opened = browser.script.with_file_name("opened");
    std::fs::remove_file(opened).unwrap();
}

/// Filters to `profile` and assumes it (an MFA code when asked); its session is then
/// selected in the sessions panel.
fn assume(t: &Tmux, profile: &str) {
    clear_filter(t);
    t.send_text(&format!("/{profile}"));
    t.wait_until("the filter", WAIT, |s| s.contains(&format!("▶ {profile} ")));
    t.send_keys(&["Enter"]);
    if profile == "demo-admin-mfa" {
        t.wait_for("MFA code for demo-admin-mfa", WAIT);
        t.send_text("123456");
        t.send_keys(&["Enter"]);
    }
    let screen = t.wait_for(&format!("assumed {profile} "), WAIT);
    assert!(
        countdown_of(profile, &screen) || profile == "demo-base",
        "{screen}"
    );
}

/// Esc, and the wait for the filter to go: a key sent right after Esc would reach the
/// program as Alt and that key.
fn clear_filter(t: &Tmux) {
    t.send_keys(&["Escape"]);
    t.wait_for("Profiles 12/12 ─", WAIT);
}

fn assume_fails(t: &Tmux, profile: &str, why: &str) {
    clear_filter(t);
    t.send_text(&format!("/{profile}"));
    t.wait_until("the filter", WAIT, |s| s.contains(&format!("▶ {profile} ")));
    t.send_keys(&["Enter"]);
    t.wait_for(why, WAIT);
    clear_filter(t);
}

/// `x`, `c` and `r` on the selected session of `profile`: the export window, the console
/// opened on the stand-in on 127.0.0.1 (its page names `shown`), and a refresh.
fn session_keys(
    t: &Tmux,
    browser: &common::RecordingBrowser,
    emulators: &common::demo::DemoEmulators,
    profile: &str,
    shown: &str,
) {
    t.send_text("x");
    t.wait_for_all(
        &[
            "Export: sh (secrets masked)",
            &format!("rolecall --demo export {profile} --format sh"),
        ],
        WAIT,
    );
    t.send_keys(&["Escape"]);
    t.wait_gone("Export: sh (secrets masked)", WAIT);

    t.send_text("c");
    t.wait_for(&format!("opened the AWS console for {profile} with"), WAIT);
    let url = browser.url();
    remove_opened(browser);
    let login = format!(
        "{}?Action=login&",
        emulators.var("ROLECALL_FEDERATION_ENDPOINT")
    );
    assert!(url.starts_with(&login), "{profile}: {url}");
    let (status, _, page) = common::sso_standin::http_get(&url);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(shown), "{profile}: {page}");

    t.send_text("r");
    t.wait_for(&format!("assumed {profile} "), WAIT);
}

/// `s` (a subshell on the local credential endpoint), `S` (one with the keys), `e` (a
/// dotenv file) and `d` (forget) on the selected session.
fn subshells_dotenv_and_forget(t: &Tmux, dir: &std::path::Path) {
    t.send_text("s");
    t.wait_for("rc-test$", WAIT);
    t.run("echo served=$AWS_CONTAINER_CREDENTIALS_FULL_URI; exit");
    t.wait_for("back from demo-sso's subshell", WAIT);
    t.send_text("S");
    t.wait_for("rc-test$", WAIT);
    t.run("echo keys=${AWS_ACCESS_KEY_ID%${AWS_ACCESS_KEY_ID#????}}; exit");
    t.wait_for("back from demo-sso's subshell", WAIT);

    t.send_text("e");
    t.wait_for("dotenv file", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for("wrote ./.env (mode 0600)", WAIT);
    let dotenv = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert!(dotenv.contains("AWS_ACCESS_KEY_ID=ASIA"), "{dotenv}");

    t.send_text("d");
    t.wait_for("forgot demo-sso's sessions", WAIT);
}

/// The cursor keys, Tab and `R` (the profiles panel has the focus).
fn moves_and_reload(t: &Tmux) {
    t.send_keys(&["Tab", "Tab", "Home"]);
    t.wait_until("the first profile", WAIT, |s| s.contains("▶ default "));
    t.send_keys(&["End"]);
    t.wait_until("the last profile", WAIT, |s| {
        s.contains("▶ demo-staging.ReadOnly")
    });
    t.send_keys(&["PageUp", "Down", "Up", "PageDown"]);
    t.wait_until("the last profile again", WAIT, |s| {
        s.contains("▶ demo-staging.ReadOnly")
    });
    t.send_text("R");
    t.wait_for("reloaded 12 profiles", WAIT);
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
