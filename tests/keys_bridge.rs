//! `rolecall keys import` and the `credential_process` bridge, as a user runs them: keys
//! moved out of the files byte for byte, the AWS CLI and boto3 getting sessions through
//! the bridge (moto's STS), `--no-session`, a crash at every step of the import, and the
//! planted secret found in no file and no cache afterwards. The key store is the
//! encrypted-file backend, in each test's own directory.

mod common;

use common::{failed, ok, venv_bin, Env, Moto};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;

const KEY_ID: &str = "AKIAPLANTEDKEYS00001";
const SECRET: &str = "PLANTEDbridgeSECRET0000000000000000000001";
const DEV_ID: &str = "AKIADEVKEY0000000002";
const DEV_SECRET: &str = "DEVsecret000000000000000000000000000000002";

/// The credentials file of the tests: comments, blank lines, CRLF, other settings, a
/// temporary profile, and no newline at the end.
fn credentials() -> String {
    format!(
        "# personal keys\r\n[prod]\r\n; rotated in March\r\naws_access_key_id = {KEY_ID}\r\n\
         aws_secret_access_key = {SECRET}\r\nregion = eu-west-1\r\n\r\n[temp]\r\n\
         aws_access_key_id = ASIATEMP\r\naws_secret_access_key = t\r\naws_session_token = tok\r\n\
         \r\n[dev]\r\naws_secret_access_key={DEV_SECRET}\r\naws_access_key_id={DEV_ID}"
    )
}

const CONFIG: &str = "[default]\nregion = us-east-1\n\n[profile deploy]\n\
                      role_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = prod\n";

/// An environment whose key store is an encrypted file under `$HOME`.
fn env_with(config: &str, credentials: &str) -> Env {
    let mut env = Env::new(config, credentials);
    let file = env.home().join(".config/rolecall/keys.age");
    env.set("ROLECALL_KEYRING", "file")
        .set("ROLECALL_KEYRING_FILE", &file.display().to_string())
        .set(
            "ROLECALL_KEYRING_PASSPHRASE",
            "correct horse battery staple",
        );
    env
}

fn env() -> Env {
    env_with(CONFIG, &credentials())
}

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

fn bridge_line(profile: &str) -> String {
    format!(
        "credential_process = {} credential-process {profile}",
        env!("CARGO_BIN_EXE_rolecall")
    )
}

/// The credentials file once prod and dev are imported.
fn imported_credentials() -> String {
    format!(
        "# personal keys\r\n[prod]\r\n; rotated in March\r\n{}\r\nregion = eu-west-1\r\n\r\n\
         [temp]\r\naws_access_key_id = ASIATEMP\r\naws_secret_access_key = t\r\n\
         aws_session_token = tok\r\n\r\n[dev]\r\n{}",
        bridge_line("prod"),
        bridge_line("dev")
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn import_moves_only_the_key_lines_and_says_what_it_did() {
    let env = env();
    let out = env.rolecall(&["keys", "import"]);
    let stdout = ok(&out);
    assert!(stdout.contains("prod: moved to "), "{stdout}");
    assert!(stdout.contains("dev: moved to "), "{stdout}");
    assert!(stdout.contains("temp: skipped: temporary keys"), "{stdout}");
    let credentials = env.home().join(".aws/credentials");
    assert_eq!(read(&credentials), imported_credentials());
    assert_eq!(read(&env.home().join(".aws/config")), CONFIG);
    // The profiles read as keyring profiles, in list's words.
    let list = json(&ok(&env.rolecall(&["list", "--format", "json"])));
    let kind = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(kind("prod").as_deref(), Some("keyring"));
    assert_eq!(kind("temp").as_deref(), Some("static"));
    // Importing again finds nothing left to move.
    let again = ok(&env.rolecall(&["keys", "import"]));
    assert!(!again.contains("moved to"), "{again}");
    assert_eq!(read(&credentials), imported_credentials());
}

#[test]
fn keys_in_the_config_file_move_too_and_a_named_profile_alone() {
    let config = format!(
        "# team config\n[profile ci]\naws_access_key_id={KEY_ID}\n\
         aws_secret_access_key={SECRET}\nregion=us-west-2\n[profile other]\nregion=x"
    );
    let env = env_with(&config, &credentials());
    ok(&env.rolecall(&["keys", "import", "ci"]));
    assert_eq!(
        read(&env.home().join(".aws/config")),
        format!(
            "# team config\n[profile ci]\n{}\nregion=us-west-2\n[profile other]\nregion=x",
            bridge_line("ci")
        )
    );
    // Only the profile named: the credentials file is as it was.
    assert_eq!(read(&env.home().join(".aws/credentials")), credentials());
    let named = env.rolecall(&["keys", "import", "nosuch"]);
    assert!(failed(&named).contains("not moved"));
}

#[test]
fn the_aws_cli_and_boto3_get_a_session_through_the_bridge() {
    let moto = Moto::start();
    let mut env = env();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["keys", "import"]));

    let identity = env.aws_identity("prod");
    assert!(identity["Account"].is_string(), "{identity}");
    let boto3 = env
        .command(venv_bin("python"))
        .args([
            "-c",
            "import boto3, json; c = boto3.Session(profile_name='prod').get_credentials(); \
             print(json.dumps({'id': c.access_key, 'token': c.token}))",
        ])
        .output()
        .unwrap();
    let got = json(&ok(&boto3));
    assert!(got["token"].is_string(), "boto3 got no session: {got}");
    assert_ne!(got["id"], KEY_ID);

    // The bridge prints the session; a second call is served from the cache (STS unreachable).
    let first = json(&ok(&env.rolecall(&["credential-process", "prod"])));
    assert_eq!(first["Version"], 1);
    assert!(first["SessionToken"].is_string() && first["Expiration"].is_string());
    env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let second = json(&ok(&env.rolecall(&["credential-process", "prod"])));
    assert_eq!(first, second);

    // A role over the stored key is assumed from its session.
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let arn = env.caller_arn("deploy", &[]);
    assert!(arn.contains(":assumed-role/Deploy/"), "{arn}");
}

#[test]
fn no_session_hands_out_the_key_and_says_why_that_is_rarely_right() {
    let env = env();
    ok(&env.rolecall(&["keys", "import"]));
    let out = env.rolecall(&["credential-process", "prod", "--no-session"]);
    let printed = json(&ok(&out));
    assert_eq!(printed["AccessKeyId"], KEY_ID);
    assert_eq!(printed["SecretAccessKey"], SECRET);
    assert!(printed.get("SessionToken").is_none(), "{printed}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--no-session") && stderr.contains("CreateAccessKey"),
        "{stderr}"
    );
    let exported = json(&ok(&env.rolecall(&[
        "export",
        "prod",
        "--format",
        "json",
        "--no-session",
    ])));
    assert_eq!(exported["AccessKeyId"], KEY_ID);
}

#[test]
fn errors_of_the_bridge_are_one_line_on_stderr_and_nothing_on_stdout() {
    let mut env = env();
    ok(&env.rolecall(&["keys", "import"]));
    env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let out = env.rolecall(&["credential-process", "prod"]);
    let stderr = failed(&out);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("prod"), "{stderr}");
}

#[test]
fn a_bridge_profile_is_read_from_the_store_never_by_running_rolecall() {
    // A `rolecall` that would leave a mark if it were run.
    let env = env();
    let fake_dir = env.dir.path().join("bin");
    std::fs::create_dir_all(&fake_dir).unwrap();
    let fake = fake_dir.join("rolecall");
    let mark = env.dir.path().join("ran");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&fake, executable).unwrap();
    ok(&env.rolecall(&["keys", "import", "prod"]));
    let text = read(&env.home().join(".aws/credentials"))
        .replace(env!("CARGO_BIN_EXE_rolecall"), &fake.display().to_string());
    std::fs::write(env.home().join(".aws/credentials"), text).unwrap();
    let out = env.rolecall(&["export", "prod", "--format", "json", "--no-session"]);
    assert_eq!(json(&ok(&out))["AccessKeyId"], KEY_ID);
    assert!(
        !mark.exists(),
        "rolecall ran its own bridge as a subprocess"
    );
}

/// The lines of `original` that are not key lines, in order, are all in `now`.
fn no_line_lost(original: &str, now: &str) {
    let kept: Vec<&str> = original
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("aws_access_key_id") && !l.starts_with("aws_secret"))
        .collect();
    let mut rest = now;
    for line in kept.iter().filter(|l| !l.trim().is_empty()) {
        let at = rest
            .find(line.trim_end())
            .unwrap_or_else(|| panic!("line {line:?} lost from:\n{now}"));
        rest = &rest[at + line.trim_end().len()..];
    }
}

#[test]
fn import_killed_at_every_step_leaves_a_working_key_and_every_line() {
    for step in [
        "after-store",
        "before-rewrite",
        "before-link",
        "before-rename",
    ] {
        let mut env = env();
        env.set(
            "ROLECALL_TEST_WRITE_HOOK",
            &format!("kill-{step}:credentials"),
        );
        let out = env.rolecall(&["keys", "import", "prod"]);
        assert_eq!(out.status.signal(), Some(9), "{step}: not killed");
        env.set("ROLECALL_TEST_WRITE_HOOK", "");
        let now = read(&env.home().join(".aws/credentials"));
        no_line_lost(&credentials(), &now);
        // The key works, from the file or from the store.
        let key = json(&ok(&env.rolecall(&[
            "credential-process",
            "prod",
            "--no-session",
        ])));
        assert_eq!(key["AccessKeyId"], KEY_ID, "{step}");
        assert_eq!(key["SecretAccessKey"], SECRET, "{step}");
        // Importing again finishes the move.
        ok(&env.rolecall(&["keys", "import", "prod"]));
        let done = read(&env.home().join(".aws/credentials"));
        assert!(
            !done.contains(SECRET) && done.contains(&bridge_line("prod")),
            "{step}"
        );
        assert!(
            common::temp_files(&env.home().join(".aws")).is_empty(),
            "{step}"
        );
    }
}

/// The files under `dir` whose bytes hold `secret`.
fn files_holding(dir: &Path, secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_holding(&path, secret));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(secret.len())
            .any(|w| w == secret.as_bytes())
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn after_import_the_planted_secret_is_in_no_file_and_no_cache() {
    let moto = Moto::start();
    let mut env = env();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["keys", "import"]));
    // Sessions made and cached, by rolecall and by the AWS CLI through the bridge.
    ok(&env.rolecall(&["credential-process", "prod"]));
    ok(&env.rolecall(&["export", "deploy", "--format", "json"]));
    env.aws_identity("prod");
    ok(&env.rolecall(&["sessions"]));
    // Everything the test's environment holds: $HOME (the AWS files, the encrypted key
    // file, the AWS CLI's caches) and rolecall's session cache.
    for secret in [SECRET, DEV_SECRET] {
        assert_eq!(
            files_holding(env.dir.path(), secret),
            Vec::<String>::new(),
            "a secret is at rest in clear"
        );
    }
    assert!(env.home().join(".config/rolecall/keys.age").exists());
}

#[test]
fn the_tui_never_asks_for_the_key_file_passphrase() {
    // Imported with the passphrase in the environment; the TUI then runs without it.
    let env = env();
    ok(&env.rolecall(&["keys", "import"]));
    assert!(
        common::tmux::Tmux::available(),
        "tmux (bash .ci/setup installs it)"
    );
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .filter(|(k, _)| k != "ROLECALL_KEYRING_PASSPHRASE" && k != "PATH")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let t = common::tmux::Tmux::start("passphrase", 160, 30, env.dir.path(), &vars);
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    let wait = std::time::Duration::from_secs(15);
    t.wait_for("Profiles", wait);
    t.send_text("dev");
    t.send_keys(&["Enter"]);
    // The TUI says what to do, and keeps running; nothing asked on its terminal.
    let screen = t.wait_for("which is not asked here", wait);
    assert!(!screen.contains("Passphrase for the key file"), "{screen}");
    t.send_text("q");
}

#[test]
fn keys_in_a_file_that_is_not_utf8_are_said_to_stay_there() {
    let env = env_with(CONFIG, "");
    let path = env.home().join(".aws/credentials");
    let mut bytes = b"# caf\xe9 keys\n[prod]\n".to_vec();
    bytes.extend_from_slice(
        format!("aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n").as_bytes(),
    );
    std::fs::write(&path, &bytes).unwrap();
    let out = env.rolecall(&["keys", "import"]);
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("is not UTF-8 text"), "{said}");
    assert!(!said.contains("prod: moved"), "{said}");
    assert!(!out.status.success(), "{said}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is left as it was"
    );
}

/// A `rolecall` that leaves a mark when it is run, and the mark's path.
fn marking_rolecall(env: &Env) -> (std::path::PathBuf, std::path::PathBuf) {
    let fake_dir = env.dir.path().join("bin");
    std::fs::create_dir_all(&fake_dir).unwrap();
    let fake = fake_dir.join("rolecall");
    let mark = env.dir.path().join("ran");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&fake, executable).unwrap();
    (fake, mark)
}

#[test]
fn a_bridge_with_no_session_is_read_from_the_store_and_hands_out_the_key() {
    let env = env();
    let (fake, mark) = marking_rolecall(&env);
    ok(&env.rolecall(&["keys", "import", "prod"]));
    // The line docs/KEYS.md suggests for a profile that must have the key itself.
    let text = read(&env.home().join(".aws/credentials")).replace(
        &format!("{} credential-process prod", env!("CARGO_BIN_EXE_rolecall")),
        &format!("{} credential-process prod --no-session", fake.display()),
    );
    std::fs::write(env.home().join(".aws/credentials"), text).unwrap();
    let list = json(&ok(&env.rolecall(&["list", "--format", "json"])));
    let prod = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "prod");
    assert_eq!(prod.unwrap()["kind"], "keyring", "{list}");
    // Honoured when rolecall reads it itself: the key, no session.
    let out = env.rolecall(&["export", "prod", "--format", "json"]);
    let exported = json(&ok(&out));
    assert_eq!(exported["AccessKeyId"], KEY_ID);
    assert!(exported["SessionToken"].is_null(), "{exported}");
    assert!(
        !mark.exists(),
        "rolecall ran its own bridge as a subprocess"
    );
}

#[test]
fn rolecall_running_itself_as_credential_process_stops_at_a_small_depth() {
    // `--refresh` is no part of the bridge's form: the line is run as written, and each
    // rolecall it starts resolves the same profile by running it again.
    let config = format!(
        "[profile loop]\ncredential_process = {} credential-process loop --refresh\n",
        env!("CARGO_BIN_EXE_rolecall")
    );
    let env = env_with(&config, "");
    let out = env.rolecall(&["export", "loop", "--format", "json"]);
    let stderr = failed(&out);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("ROLECALL_CREDENTIAL_PROCESS_DEPTH") && stderr.contains("loop"),
        "{stderr}"
    );
}

/// `rolecall ARGS` in `env`, with `input` on stdin (not a terminal: `keys add` reads two
/// lines from it).
fn rolecall_with(env: &Env, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rolecall starts");
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    // A command that refuses before reading its stdin closes the pipe: that is its answer.
    if let Err(err) = written {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().unwrap()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `keys list --format json`'s masked key id of `profile`, if one is stored.
fn stored_id(env: &Env, profile: &str) -> Option<String> {
    let list = json(&ok(&env.rolecall(&["keys", "list", "--format", "json"])));
    list.as_array()
        .unwrap()
        .iter()
        .find(|k| k["profile"] == profile)
        .map(|k| k["access_key_id"].as_str().unwrap().to_string())
}

#[test]
fn keys_add_writes_the_bridge_so_the_aws_cli_uses_the_key() {
    let moto = Moto::start();
    let credentials = "[tools]\nregion = eu-west-1\n";
    let mut env = env_with(CONFIG, credentials);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_DEFAULT_REGION", "us-east-1");
    // A profile that exists nowhere: a section of its own at the end of the config file.
    let out = rolecall_with(
        &env,
        &["keys", "add", "ci-user"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    );
    ok(&out);
    assert_eq!(
        read(&env.home().join(".aws/config")),
        format!("{CONFIG}\n[profile ci-user]\n{}\n", bridge_line("ci-user"))
    );
    assert!(
        stderr_of(&out).contains("credential-process ci-user"),
        "{}",
        stderr_of(&out)
    );
    let identity = env.aws_identity("ci-user");
    assert!(identity["Account"].is_string(), "{identity}");
    // A profile of the credentials file gets it there; default, in `[default]`.
    ok(&rolecall_with(
        &env,
        &["keys", "add", "tools"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    ));
    assert_eq!(
        read(&env.home().join(".aws/credentials")),
        format!("[tools]\n{}\nregion = eu-west-1\n", bridge_line("tools"))
    );
    ok(&rolecall_with(
        &env,
        &["keys", "add", "default"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    ));
    let config = read(&env.home().join(".aws/config"));
    assert!(
        config.starts_with(&format!(
            "[default]\n{}\nregion = us-east-1\n",
            bridge_line("default")
        )),
        "{config}"
    );
    env.aws_identity("tools");
    env.aws_identity("default");
    // Adding again replaces the key and writes no second line.
    ok(&rolecall_with(
        &env,
        &["keys", "add", "ci-user"],
        &format!("{KEY_ID}\n{SECRET}\n"),
    ));
    assert_eq!(
        read(&env.home().join(".aws/config"))
            .matches("credential-process ci-user")
            .count(),
        1
    );
}

#[test]
fn keys_add_refuses_a_profile_with_another_credential_process_and_names_plaintext_keys() {
    let config = format!(
        "{CONFIG}[profile vault]\ncredential_process = aws-vault export --format=json vault\n"
    );
    let env = env_with(&config, &credentials());
    let out = rolecall_with(
        &env,
        &["keys", "add", "vault"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    );
    let message = failed(&out);
    assert!(
        message.contains("credential_process") && message.contains("aws-vault"),
        "{message}"
    );
    assert!(
        !message.contains("--format"),
        "only the program is named: {message}"
    );
    assert_eq!(stored_id(&env, "vault"), None, "nothing stored");
    assert_eq!(read(&env.home().join(".aws/config")), config);
    // Keys still in the file are said, with what takes them out.
    let out = rolecall_with(
        &env,
        &["keys", "add", "prod"],
        &format!("{KEY_ID}\n{SECRET}\n"),
    );
    ok(&out);
    let said = stderr_of(&out);
    assert!(
        said.contains("plaintext") && said.contains("rolecall keys import prod"),
        "{said}"
    );
}

#[test]
fn keys_add_and_rm_forget_the_sessions_of_the_old_key() {
    let moto = Moto::start();
    let mut env = env_with(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_DEFAULT_REGION", "us-east-1");
    ok(&rolecall_with(
        &env,
        &["keys", "add", "ci"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    ));
    ok(&env.rolecall(&["credential-process", "ci"]));
    let out = rolecall_with(
        &env,
        &["keys", "add", "ci"],
        &format!("{KEY_ID}\n{SECRET}\n"),
    );
    ok(&out);
    assert!(
        stderr_of(&out).contains("cached sessions of the old key"),
        "{}",
        stderr_of(&out)
    );
    // The next session is made from the new key: STS is asked (and is out of reach).
    env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let out = env.rolecall(&["credential-process", "ci"]);
    assert!(
        !out.status.success(),
        "the old key's session was handed out: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Removed: no session of it is handed out any more.
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["credential-process", "ci"]));
    let out = env.rolecall(&["keys", "rm", "ci"]);
    ok(&out);
    assert!(
        stderr_of(&out).contains("of the old key"),
        "{}",
        stderr_of(&out)
    );
    failed(&env.rolecall(&["credential-process", "ci"]));
}

#[test]
fn import_forgets_the_sessions_made_before_it() {
    let moto = Moto::start();
    let mut env = env();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["keys", "import", "prod"]));
    ok(&env.rolecall(&["credential-process", "prod"]));
    // The key's lines back in the file (a backup restored), imported again.
    std::fs::write(env.home().join(".aws/credentials"), credentials()).unwrap();
    let out = env.rolecall(&["keys", "import", "prod"]);
    ok(&out);
    assert!(
        stderr_of(&out).contains("of the old key"),
        "{}",
        stderr_of(&out)
    );
    env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    failed(&env.rolecall(&["credential-process", "prod"]));
}

#[test]
fn import_never_overwrites_another_stored_key() {
    let env = env();
    // A new key added, the old one still in the file.
    ok(&rolecall_with(
        &env,
        &["keys", "add", "prod"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    ));
    let out = env.rolecall(&["keys", "import", "prod"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr_of(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("****0002") && said.contains("****0001"),
        "{said}"
    );
    assert!(said.contains("rolecall keys rm prod"), "{said}");
    assert_eq!(stored_id(&env, "prod").as_deref(), Some("****0002"));
    let file = read(&env.home().join(".aws/credentials"));
    assert!(
        file.contains(SECRET) && file.contains(KEY_ID),
        "its lines stay: {file}"
    );
}

const BOTH_CONFIG: &str =
    "[profile both]\nregion = eu-west-1\naws_access_key_id = AKIAPLANTEDKEYS00001\n\
                           aws_secret_access_key = PLANTEDbridgeSECRET0000000000000000000001\n";
const BOTH_CREDENTIALS: &str = "[both]\naws_access_key_id = AKIAPLANTEDKEYS00001\n\
                                aws_secret_access_key = PLANTEDbridgeSECRET0000000000000000000001\n";

#[test]
fn keys_in_both_files_move_together_or_not_at_all() {
    // Another key in the config file: neither file changes.
    let other = BOTH_CONFIG
        .replace(KEY_ID, DEV_ID)
        .replace(SECRET, DEV_SECRET);
    let env = env_with(&other, BOTH_CREDENTIALS);
    let out = env.rolecall(&["keys", "import", "both"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        !out.status.success() && said.contains("both: not moved"),
        "{said}"
    );
    assert_eq!(read(&env.home().join(".aws/config")), other);
    assert_eq!(read(&env.home().join(".aws/credentials")), BOTH_CREDENTIALS);
    // The same key in both: both lose it, the bridge goes where the key was read from.
    let env = env_with(BOTH_CONFIG, BOTH_CREDENTIALS);
    ok(&env.rolecall(&["keys", "import", "both"]));
    assert_eq!(
        read(&env.home().join(".aws/config")),
        "[profile both]\nregion = eu-west-1\n"
    );
    assert_eq!(
        read(&env.home().join(".aws/credentials")),
        format!("[both]\n{}\n", bridge_line("both"))
    );
}

#[test]
fn import_killed_between_the_two_files_finishes_when_run_again() {
    let mut env = env_with(BOTH_CONFIG, BOTH_CREDENTIALS);
    env.set("ROLECALL_TEST_WRITE_HOOK", "kill-before-rewrite:config");
    let out = env.rolecall(&["keys", "import", "both"]);
    assert_eq!(out.status.signal(), Some(9), "not killed");
    env.set("ROLECALL_TEST_WRITE_HOOK", "");
    let out = env.rolecall(&["keys", "import", "both"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr_of(&out);
    assert!(out.status.success(), "{said}");
    assert_eq!(
        read(&env.home().join(".aws/config")),
        "[profile both]\nregion = eu-west-1\n"
    );
    assert_eq!(
        read(&env.home().join(".aws/credentials")),
        format!("[both]\n{}\n", bridge_line("both"))
    );
}

#[test]
fn keys_add_makes_the_config_file_when_there_is_none() {
    let mut env = env_with("", "");
    let dir = env.home().join("fresh");
    env.set("AWS_CONFIG_FILE", &dir.join("config").display().to_string())
        .set(
            "AWS_SHARED_CREDENTIALS_FILE",
            &dir.join("credentials").display().to_string(),
        );
    ok(&rolecall_with(
        &env,
        &["keys", "add", "ci"],
        &format!("{DEV_ID}\n{DEV_SECRET}\n"),
    ));
    assert_eq!(
        read(&dir.join("config")),
        format!("[profile ci]\n{}\n", bridge_line("ci"))
    );
    assert!(!dir.join("credentials").exists());
}

#[test]
fn a_bridge_profile_with_no_stored_key_names_the_store_that_was_asked() {
    let config = "[profile ghost]\nregion = us-east-1\ncredential_process = rolecall credential-process ghost\n";
    let env = env_with(config, "");
    let out = env.rolecall(&["export", "ghost"]);
    let said = failed(&out);
    let file = env.home().join(".config/rolecall/keys.age");
    assert!(
        said.contains(&format!(
            "no key is stored for 'ghost' in the encrypted file {}",
            file.display()
        )),
        "{said}"
    );
    assert!(said.contains("ROLECALL_KEYRING names the store"), "{said}");
}
