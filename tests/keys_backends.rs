//! `rolecall keys add/list/rm` against the real backends: a Secret Service (GNOME Keyring
//! under its own D-Bus session bus), the kernel keyutils keyring, and the encrypted file.
//! No mock keyring: what `secret-tool` and the file's bytes say is the proof. The tools come
//! from Debian's packages (dbus-daemon, gnome-keyring, libsecret-tools, libglib2.0-bin,
//! keyutils), which .ci/setup installs; a missing one fails the test.

mod common;

use common::{failed, ok, Env};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const PASSPHRASE: &str = "correct horse battery staple";

/// Fails (never skips) when a tool the test needs is not installed.
fn require(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is missing: install Debian's {package} (.ci/setup does)"
    );
}

/// `rolecall ARGS` in `env`, with `input` on stdin.
fn rolecall_with(env: &Env, args: &[&str], input: &str) -> Output {
    run_with(
        env.command(env!("CARGO_BIN_EXE_rolecall")).args(args),
        input,
    )
}

fn run_with(command: &mut Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    // A command that refuses before reading its stdin closes the pipe: that is its answer.
    if let Err(err) = written {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn key_lines() -> String {
    format!("{KEY_ID}\n{SECRET}\n")
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap_or_default();
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

/// A D-Bus session bus of its own with GNOME Keyring's Secret Service on it, unlocked;
/// both end when this is dropped (the bus's last client, `cat`, sees its stdin close).
struct SecretService {
    session: Child,
    stdin: Option<ChildStdin>,
    address: String,
}

impl SecretService {
    fn start(env: &Env) -> SecretService {
        for (tool, package) in [
            ("dbus-run-session", "dbus-daemon"),
            ("gnome-keyring-daemon", "gnome-keyring"),
            ("secret-tool", "libsecret-tools"),
            ("gdbus", "libglib2.0-bin"),
        ] {
            require(tool, package);
        }
        // The daemon forks and answers before it owns its bus name: `gdbus wait` blocks
        // until it does, or a first call would have D-Bus start a second, locked one.
        let script =
            "echo -n keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
             && gdbus wait --session --timeout 30 org.freedesktop.secrets \
             && echo \"$DBUS_SESSION_BUS_ADDRESS\" && exec cat";
        let mut session = env
            .command("dbus-run-session")
            .args(["--", "sh", "-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-run-session starts");
        let mut address = String::new();
        BufReader::new(session.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_string();
        assert!(!address.is_empty(), "the session bus did not start");
        let stdin = session.stdin.take();
        SecretService {
            session,
            stdin,
            address,
        }
    }

    /// `env` on this bus.
    fn on_bus(&self, env: &mut Env) {
        env.set("DBUS_SESSION_BUS_ADDRESS", &self.address);
    }

    /// What `secret-tool lookup service rolecall profile PROFILE` prints; `None` when it
    /// finds nothing.
    fn lookup(&self, env: &Env, profile: &str) -> Option<String> {
        let out = env
            .command("secret-tool")
            .args(["lookup", "service", "rolecall", "profile", profile])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.session.wait();
    }
}

#[test]
fn the_secret_service_keeps_the_key_where_secret_tool_finds_it() {
    let mut env = Env::new("[profile dev]\nregion = eu-west-1\n", "");
    let keyring = SecretService::start(&env);
    keyring.on_bus(&mut env);

    let out = rolecall_with(&env, &["keys", "add", "dev"], &key_lines());
    ok(&out);
    let said = stderr(&out);
    assert!(
        said.contains("keys are kept in the Secret Service (GNOME Keyring, KWallet)"),
        "chosen without being asked: {said}"
    );
    assert!(
        said.contains("****MPLE") && !said.contains(KEY_ID),
        "{said}"
    );

    let stored = keyring
        .lookup(&env, "dev")
        .expect("the item is in the keyring");
    let value: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(value["access_key_id"], KEY_ID);
    assert_eq!(value["secret_access_key"], SECRET);
    assert!(value["created"].is_string(), "{value}");

    let listed = ok(&env.rolecall(&["keys", "list"]));
    assert!(
        listed.starts_with("PROFILE  KEY ID    STORED IN       AGE\n"),
        "{listed}"
    );
    assert!(
        listed.contains("dev      ****MPLE  secret-service  today"),
        "{listed}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&env.rolecall(&["keys", "list", "--format", "json"]))).unwrap();
    assert_eq!(json[0]["profile"], "dev");
    assert_eq!(json[0]["access_key_id"], "****MPLE");
    assert_eq!(json[0]["stored_in"], "secret-service");

    assert_eq!(
        files_holding(&env.home(), SECRET),
        Vec::<String>::new(),
        "the keyring's own files hold it encrypted"
    );

    let out = env.rolecall(&["keys", "rm", "dev"]);
    ok(&out);
    assert!(
        stderr(&out).contains("removed the key ****MPLE of profile 'dev'"),
        "{}",
        stderr(&out)
    );
    assert_eq!(keyring.lookup(&env, "dev"), None, "gone from the keyring");
    let again = failed(&env.rolecall(&["keys", "rm", "dev"]));
    assert!(
        again.contains("no key is stored for profile 'dev'"),
        "{again}"
    );
}

#[test]
fn the_secret_service_replaces_a_key_and_lists_every_profile() {
    let mut env = Env::new("", "");
    let keyring = SecretService::start(&env);
    keyring.on_bus(&mut env);
    env.set("ROLECALL_KEYRING", "secret-service");
    ok(&rolecall_with(&env, &["keys", "add", "a"], &key_lines()));
    ok(&rolecall_with(&env, &["keys", "add", "b"], &key_lines()));
    let newer = format!("AKIANEWERNEWERNEWER1\n{SECRET}\n");
    ok(&rolecall_with(&env, &["keys", "add", "a"], &newer));
    let stored = keyring.lookup(&env, "a").unwrap();
    assert!(
        stored.contains("AKIANEWERNEWERNEWER1"),
        "replaced, not added"
    );
    let listed = ok(&env.rolecall(&["keys", "list"]));
    let rows: Vec<&str> = listed.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{listed}");
    assert!(
        rows[0].starts_with("a  ") && rows[0].contains("****WER1"),
        "{listed}"
    );
    assert!(
        rows[1].starts_with("b  ") && rows[1].contains("****MPLE"),
        "{listed}"
    );

    // Something else's value under a profile's attributes: not listed, and `rm` removes it.
    let attributes = [
        "service", "rolecall", "profile", "c", "username", "c", "target", "default",
    ];
    let stored = run_with(
        env.command("secret-tool")
            .args(["store", "--label", "not rolecall's"])
            .args(attributes),
        "hunter2",
    );
    assert!(stored.status.success(), "{}", stderr(&stored));
    assert_eq!(keyring.lookup(&env, "c").as_deref(), Some("hunter2"));
    let listed = ok(&env.rolecall(&["keys", "list"]));
    assert_eq!(listed.lines().count(), 3, "not a key, not listed: {listed}");
    let out = env.rolecall(&["keys", "rm", "c"]);
    ok(&out);
    let said = stderr(&out);
    assert!(said.contains("removed the key of profile 'c'"), "{said}");
    assert!(!said.contains("hunter2"), "{said}");
    assert_eq!(keyring.lookup(&env, "c"), None);
}

/// `rolecall ARGS` on the kernel keyutils keyring, in a session keyring of its own as a
/// login session has (keys outlive it in the user's persistent keyring).
fn keyutils(env: &Env, args: &[&str], input: &str) -> Output {
    let mut command = env.command("keyctl");
    command
        .args(["session", "-", env!("CARGO_BIN_EXE_rolecall")])
        .args(args);
    run_with(&mut command, input)
}

#[test]
fn keyutils_keeps_keys_lists_them_from_its_index_and_says_it_is_a_cache() {
    require("keyctl", "keyutils");
    let mut env = Env::new("", "");
    env.set("ROLECALL_KEYRING", "keyutils");
    // The persistent keyring is the user's: names of their own per run.
    let run = format!(
        "t{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let (first, second) = (format!("ks-{run}-a"), format!("ks-{run}-b"));

    let out = keyutils(&env, &["keys", "add", &first], &key_lines());
    ok(&out);
    let said = stderr(&out);
    assert!(
        said.contains("keys are kept in the kernel keyutils keyring"),
        "{said}"
    );
    assert!(
        said.contains("is a cache, not a store: a reboot empties it"),
        "{said}"
    );
    ok(&keyutils(&env, &["keys", "add", &second], &key_lines()));

    let listed = ok(&keyutils(&env, &["keys", "list"], ""));
    for profile in [&first, &second] {
        let row = listed.lines().find(|l| l.starts_with(profile.as_str()));
        let row = row.unwrap_or_else(|| panic!("{profile} listed: {listed}"));
        assert!(
            row.contains("****MPLE") && row.contains("keyutils"),
            "{row}"
        );
    }
    let listing = stderr(&keyutils(&env, &["keys", "list"], ""));
    assert!(!listing.contains("a cache"), "only adding warns: {listing}");

    for profile in [&first, &second] {
        ok(&keyutils(&env, &["keys", "rm", profile], ""));
    }
    let listed = ok(&keyutils(&env, &["keys", "list"], ""));
    assert!(!listed.contains(&run), "{listed}");
    let gone = failed(&keyutils(&env, &["keys", "rm", &first], ""));
    assert!(
        gone.contains(&format!("no key is stored for profile '{first}'")),
        "{gone}"
    );
}

/// An environment with no D-Bus and the passphrase in the variable.
fn headless() -> Env {
    let mut env = Env::new("", "");
    env.set("ROLECALL_KEYRING_PASSPHRASE", PASSPHRASE);
    env
}

#[test]
fn a_headless_machine_keeps_keys_in_the_encrypted_file() {
    let env = headless();
    let file = env.home().join(".local/share/rolecall/keys.age");

    let out = rolecall_with(&env, &["keys", "add", "dev"], &key_lines());
    ok(&out);
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "keys are kept in the encrypted file {}",
            file.display()
        )),
        "{said}"
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    assert_eq!(files_holding(&env.home(), SECRET), Vec::<String>::new());
    assert_eq!(files_holding(&env.home(), KEY_ID), Vec::<String>::new());

    let listed = ok(&env.rolecall(&["keys", "list"]));
    assert!(
        listed.contains("dev      ****MPLE  file       today"),
        "{listed}"
    );

    let mut wrong = headless();
    wrong.set("HOME", &env.home().display().to_string());
    wrong.set("ROLECALL_KEYRING_PASSPHRASE", "not it");
    let refused = failed(&wrong.rolecall(&["keys", "list"]));
    assert!(
        refused.contains("the passphrase does not open the key file"),
        "{refused}"
    );
    assert!(
        !refused.contains(SECRET) && !refused.contains("not it"),
        "{refused}"
    );

    ok(&env.rolecall(&["keys", "rm", "dev"]));
    assert_eq!(ok(&env.rolecall(&["keys", "list"])), "");
}

#[test]
fn a_bus_where_no_secret_service_answers_means_the_encrypted_file() {
    let mut env = headless();
    let dead = env.dir.path().join("no-bus");
    env.set(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path={}", dead.display()),
    );
    let out = rolecall_with(&env, &["keys", "add", "dev"], &key_lines());
    ok(&out);
    let said = stderr(&out);
    assert!(
        said.contains("keys are kept in the encrypted file"),
        "{said}"
    );
    assert!(env.home().join(".local/share/rolecall/keys.age").exists());
}

#[test]
fn without_a_passphrase_or_a_terminal_the_file_says_which_variable_to_set() {
    require("setsid", "util-linux");
    let mut env = headless();
    env.vars.retain(|(k, _)| k != "ROLECALL_KEYRING_PASSPHRASE");
    let mut command = env.command("setsid");
    command.args(["-w", env!("CARGO_BIN_EXE_rolecall"), "keys", "add", "dev"]);
    let said = failed(&run_with(&mut command, &key_lines()));
    assert!(
        said.contains("there is no terminal to ask it on: set ROLECALL_KEYRING_PASSPHRASE"),
        "{said}"
    );
    assert!(!env.home().join(".local/share/rolecall/keys.age").exists());
}

#[test]
fn the_file_is_never_written_through_a_symbolic_link() {
    let mut env = headless();
    let target = env.dir.path().join("elsewhere");
    std::fs::write(&target, "theirs").unwrap();
    let link = env.dir.path().join("keys.age");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    env.set("ROLECALL_KEYRING_FILE", &link.display().to_string());
    let said = failed(&rolecall_with(&env, &["keys", "add", "dev"], &key_lines()));
    assert!(said.contains("symbolic link"), "{said}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
}

#[test]
fn a_damaged_file_is_named() {
    let mut env = headless();
    let file = env.dir.path().join("keys.age");
    std::fs::write(&file, "age-encryption.org/v1\n-> garbage\n").unwrap();
    env.set("ROLECALL_KEYRING_FILE", &file.display().to_string());
    let said = failed(&env.rolecall(&["keys", "list"]));
    assert!(
        said.contains(&format!("the key file {} is damaged", file.display())),
        "{said}"
    );
}

#[test]
fn keys_add_refuses_what_is_not_a_long_term_key() {
    let env = headless();
    let cases = [
        (
            "dev",
            format!("ASIAIOSFODNN7EXAMPLE\n{SECRET}\n"),
            "temporary (session) key id",
        ),
        (
            "dev",
            format!("AKIA-not-a-key\n{SECRET}\n"),
            "not an access key id",
        ),
        (
            "dev",
            format!("{KEY_ID}\n\n"),
            "the secret access key is empty",
        ),
        (
            "dev",
            format!("{KEY_ID}\n"),
            "stdin ended before the secret access key",
        ),
        ("two words", key_lines(), "cannot be a profile name"),
    ];
    for (profile, input, why) in cases {
        let said = failed(&rolecall_with(&env, &["keys", "add", profile], &input));
        assert!(said.contains(why), "{profile} {input:?}: {said}");
        assert!(!said.contains(SECRET), "{said}");
    }
    assert!(!env.home().join(".local/share/rolecall/keys.age").exists());
}

#[test]
fn an_unknown_keyring_is_refused_with_the_known_names() {
    let mut env = headless();
    env.set("ROLECALL_KEYRING", "pass");
    let said = failed(&env.rolecall(&["keys", "list"]));
    assert!(
        said.contains("ROLECALL_KEYRING=\"pass\" names no keyring rolecall knows"),
        "{said}"
    );
}

#[test]
fn on_a_terminal_the_key_and_the_passphrase_are_asked_without_echo() {
    use common::tmux::Tmux;
    use std::time::Duration;
    assert!(
        Tmux::available(),
        "tmux is missing: install it (.ci/setup does)"
    );
    let env = Env::new("", "");
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .filter(|(k, _)| k != "PATH")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let tmux = Tmux::start("keys-add", 160, 30, env.dir.path(), &vars);
    let wait = Duration::from_secs(20);
    let bin = env!("CARGO_BIN_EXE_rolecall");

    tmux.run(&format!("{bin} keys add dev"));
    for (prompt, answer) in [
        ("Access key id for profile 'dev':", KEY_ID),
        ("Secret access key for profile 'dev':", SECRET),
        ("New passphrase for the key file", PASSPHRASE),
        ("The same passphrase again:", PASSPHRASE),
    ] {
        tmux.wait_for(prompt, wait);
        tmux.send_text(answer);
        tmux.send_keys(&["Enter"]);
    }
    let screen = tmux.wait_for_prompt(wait);
    assert!(
        screen.contains("stored the key ****MPLE of profile 'dev'"),
        "{screen}"
    );
    for typed in [KEY_ID, SECRET, PASSPHRASE] {
        assert!(!screen.contains(typed), "{typed} echoed:\n{screen}");
    }

    tmux.run("clear");
    tmux.run(&format!("{bin} keys list"));
    tmux.wait_for("Passphrase for the key file", wait);
    tmux.send_text(PASSPHRASE);
    tmux.send_keys(&["Enter"]);
    let screen = tmux.wait_for_prompt(wait);
    assert!(
        screen.contains("dev      ****MPLE  file       today"),
        "{screen}"
    );
    assert!(!screen.contains(PASSPHRASE), "{screen}");
}
