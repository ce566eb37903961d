//! Round trips of the shell-read output formats through real parsers: whatever
//! `render` writes, the shell (or python-dotenv, or fish) must read back byte for byte.

use rolecall::credentials::Credentials;
use rolecall::output::{render, Format};
use rolecall::secret::Secret;
use rolecall::session::child_env::{cleared_vars, session_env};
use std::path::Path;
use std::process::Command;

/// Credentials whose every part needs quoting, with a multi-line session token.
fn nasty() -> Credentials {
    Credentials {
        access_key_id: "AKIA'single\"double".into(),
        secret_access_key: Secret::new(r#"sp ace $HOME ${HOME} \back\\slash `id` ;semi 'q' "d""#),
        session_token: Some(Secret::new(
            "line1\nline2 'it''s' \"$HOME\" \\n `true`;\n\n",
        )),
        expiration: None,
    }
}

fn nasty_env() -> Vec<(String, String)> {
    session_env(&nasty(), Some("eu-west-1"), "my prof'ile $USER")
}

/// Values for the one-variable dotenv round trips: each quoting case and its edges.
const VALUES: &[&str] = &[
    "",
    "plain",
    "a b",
    "it's",
    "\"dq\"",
    "back\\slash",
    "\\\\double",
    "trailing\\",
    "$HOME",
    "${HOME}",
    "`id`",
    "a;b#c",
    "new\nline",
    "\n",
    "it's $HOME",
    "\\$HOME",
    "'${HOME}'\\",
    "tab\there",
    "caf\u{e9} \u{2019}",
];

/// A POSIX sh script printing, for each name, `NAME=value\0` if it is set (in the
/// environment it inherited) or `NAME!\0` if not.
fn checker(names: &[String]) -> String {
    format!(
        r#"for k in {}; do if eval "test \"\${{$k+set}}\" = set"; then eval "v=\${{$k}}"; printf '%s=%s\0' "$k" "$v"; else printf '%s!\0' "$k"; fi; done"#,
        names.join(" ")
    )
}

/// What [`checker`] prints when exactly `env` is set and `unset` are not.
fn expected(env: &[(String, String)], unset: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in env {
        out.extend_from_slice(format!("{k}={v}\0").as_bytes());
    }
    for k in unset {
        out.extend_from_slice(format!("{k}!\0").as_bytes());
    }
    out
}

fn names(env: &[(String, String)], unset: &[&str]) -> Vec<String> {
    env.iter()
        .map(|(k, _)| k.clone())
        .chain(unset.iter().map(|k| k.to_string()))
        .collect()
}

/// A command with a known environment: a decoy `HOME`, stale profile variables and a stale
/// session's variables (the nasty credentials have no expiration: it must go).
fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/decoy-home")
        .env("USER", "decoy-user")
        .env("AWS_PROFILE", "stale")
        .env("AWS_DEFAULT_PROFILE", "stale")
        .env("AWS_SESSION_TOKEN", "stale")
        .env("AWS_CREDENTIAL_EXPIRATION", "stale");
    cmd
}

fn stdout_of(mut cmd: Command) -> Vec<u8> {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", "command -v \"$1\" >/dev/null", "sh", program])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\0', "\u{2400}\n")
}

fn assert_same(got: &[u8], want: &[u8], what: &str) {
    assert!(
        got == want,
        "{what}:\n--- got\n{}\n--- want\n{}",
        show(got),
        show(want)
    );
}

/// `eval "$rendered"` in `shell`, then a child sh reports what it inherited.
fn sh_round_trip(shell: &str) {
    let env = nasty_env();
    let rendered = render(Format::Sh, &nasty(), &env).unwrap();
    let mut cmd = command(shell);
    cmd.args([
        "-c",
        r#"eval "$1"; exec sh -c "$2""#,
        shell,
        &rendered,
        &checker(&names(&env, &cleared_vars(&env))),
    ]);
    assert_same(&stdout_of(cmd), &expected(&env, &cleared_vars(&env)), shell);
}

#[test]
fn sh_eval_round_trip() {
    sh_round_trip("sh");
}

#[test]
fn dash_bash_and_zsh_eval_round_trip() {
    for shell in ["dash", "bash", "zsh"] {
        require(shell);
        sh_round_trip(shell);
    }
}

/// Writes `env` as a .env file and reads it back with `set -a; . file`.
fn source_dotenv(dir: &Path, env: &[(String, String)]) -> Vec<u8> {
    let path = dir.join(".env");
    std::fs::write(&path, render(Format::Dotenv, &nasty(), env).unwrap()).expect("write .env");
    let mut cmd = command("sh");
    cmd.arg("-c")
        .arg(r#"set -a; . "$1"; exec sh -c "$2""#)
        .arg("sh")
        .arg(&path)
        .arg(checker(&names(env, &[])));
    stdout_of(cmd)
}

#[test]
fn dotenv_sourced_by_sh_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = nasty_env();
    assert_same(
        &source_dotenv(dir.path(), &env),
        &expected(&env, &[]),
        "dotenv",
    );
}

#[test]
fn dotenv_each_value_sourced_by_sh() {
    let dir = tempfile::tempdir().expect("tempdir");
    for value in VALUES {
        let env = vec![("V".to_string(), value.to_string())];
        assert_same(
            &source_dotenv(dir.path(), &env),
            &expected(&env, &[]),
            &format!("{value:?}"),
        );
    }
}

/// Values the dotenv module promises every reader agrees on (cases 1-3 in
/// `output/dotenv.rs`).
fn portable(value: &str) -> bool {
    let double = !value.contains(['$', '`']) && !value.ends_with('\\');
    let single = !value.contains(['\'', '\\']) && !value.contains("${");
    double || single
}

#[test]
fn dotenv_read_by_python_dotenv() {
    // The venv's Python: `.ci/setup` installs python-dotenv there. A missing one fails the
    // test rather than skipping it.
    let python = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python");
    let probe = Command::new(python).args(["-c", "import dotenv"]).output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{python} cannot import python-dotenv: run `bash .ci/setup` first"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let env: Vec<(String, String)> = VALUES
        .iter()
        .filter(|v| portable(v))
        .enumerate()
        .map(|(i, v)| (format!("V{i}"), v.to_string()))
        .collect();
    let path = dir.path().join(".env");
    std::fs::write(&path, render(Format::Dotenv, &nasty(), &env).unwrap()).expect("write .env");
    let mut cmd = command(python);
    cmd.args([
        "-c",
        "import sys, dotenv\n\
         for k, v in dotenv.dotenv_values(sys.argv[1]).items():\n\
         \x20   sys.stdout.write(k + '=' + v + '\\0')\n",
    ])
    .arg(&path);
    assert_same(&stdout_of(cmd), &expected(&env, &[]), "python-dotenv");
}

#[test]
fn fish_source_round_trip() {
    require("fish");
    let dir = tempfile::tempdir().expect("tempdir");
    let env = nasty_env();
    let path = dir.path().join("session.fish");
    std::fs::write(&path, render(Format::Fish, &nasty(), &env).unwrap()).expect("write");
    let mut cmd = command("fish");
    cmd.args(["-c", "source $RC_FILE; exec sh -c $RC_CHECK"])
        .env("RC_FILE", &path)
        .env("RC_CHECK", checker(&names(&env, &cleared_vars(&env))))
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path());
    assert_same(
        &stdout_of(cmd),
        &expected(&env, &cleared_vars(&env)),
        "fish",
    );
}

/// Fails (rather than skips) when a shell the tests need is missing.
fn require(program: &str) {
    assert!(
        on_path(program),
        "{program} is not on PATH: run `bash .ci/setup` first"
    );
}

/// A session with keys only, in `region` or none.
fn session(key: &str, region: Option<&str>, profile: &str) -> Vec<(String, String)> {
    let creds = Credentials {
        access_key_id: key.into(),
        secret_access_key: Secret::new("secret"),
        session_token: None,
        expiration: None,
    };
    session_env(&creds, region, profile)
}

/// The region variables after `shell` evaluates session A (eu-west-1), runs `between`,
/// then evaluates session B (no region), as `NAME=value` or `NAME!` lines.
fn regions_after_a_then_b(shell: &str, between: &str) -> Vec<u8> {
    let a = session("AKIAAEXAMPLE", Some("eu-west-1"), "a");
    let b = session("AKIABEXAMPLE", None, "b");
    let creds = nasty();
    let format = if shell == "fish" {
        Format::Fish
    } else {
        Format::Sh
    };
    let (a, b) = (
        render(format, &creds, &a).unwrap(),
        render(format, &creds, &b).unwrap(),
    );
    let check = checker(&[
        "AWS_ACCESS_KEY_ID".into(),
        "AWS_REGION".into(),
        "AWS_DEFAULT_REGION".into(),
        "ROLECALL_REGION".into(),
    ]);
    let script = if shell == "fish" {
        format!("eval $RC_A; {between}; eval $RC_B; exec sh -c $RC_CHECK")
    } else {
        format!(r#"eval "$RC_A"; {between}; eval "$RC_B"; exec sh -c "$RC_CHECK""#)
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = command(shell);
    cmd.args(["-c", &script])
        .env("RC_A", a)
        .env("RC_B", b)
        .env("RC_CHECK", check)
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path());
    stdout_of(cmd)
}

const SHELLS: [&str; 4] = ["dash", "bash", "zsh", "fish"];

#[test]
fn a_session_without_a_region_drops_the_region_rolecall_set() {
    for shell in SHELLS {
        require(shell);
        assert_same(
            &regions_after_a_then_b(shell, "true"),
            b"AWS_ACCESS_KEY_ID=AKIABEXAMPLE\0AWS_REGION!\0AWS_DEFAULT_REGION!\0ROLECALL_REGION!\0",
            shell,
        );
    }
}

#[test]
fn a_session_without_a_region_keeps_the_region_the_user_set() {
    for shell in SHELLS {
        require(shell);
        let between = if shell == "fish" {
            "set -gx AWS_REGION us-east-2"
        } else {
            "export AWS_REGION=us-east-2"
        };
        assert_same(
            &regions_after_a_then_b(shell, between),
            b"AWS_ACCESS_KEY_ID=AKIABEXAMPLE\0AWS_REGION=us-east-2\0AWS_DEFAULT_REGION!\0ROLECALL_REGION!\0",
            shell,
        );
    }
}
