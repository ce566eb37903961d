//! `rolecall prompt` inside a real session (`rolecall exec` against moto_server) and
//! outside one. It reads the environment only: the tests give it no config files at all
//! where they can, to show it needs none.

mod common;

use common::{ok, Env, Moto};

const CONFIG: &str = "\
[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base
duration_seconds = 1800
region = eu-west-1
";

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

#[test]
fn inside_exec_it_shows_the_profile_and_time_left() {
    let moto = Moto::start();
    let mut env = Env::new(CONFIG, CREDENTIALS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let rolecall = env!("CARGO_BIN_EXE_rolecall");
    let out = ok(&env.rolecall(&["exec", "ops", "--", rolecall, "prompt"]));
    // A 30-minute session, a moment old.
    assert!(
        out == "ops 29m\n" || out == "ops 30m\n",
        "unexpected prompt: {out:?}"
    );
    let out = ok(&env.rolecall(&[
        "exec",
        "ops",
        "--",
        rolecall,
        "prompt",
        "--format",
        "[aws:{profile}]",
    ]));
    assert_eq!(out, "[aws:ops]\n");
}

#[test]
fn outside_a_session_it_prints_nothing() {
    let env = Env::new("", "");
    let out = env.rolecall(&["prompt"]);
    assert!(ok(&out).is_empty());
    assert!(out.stderr.is_empty());
}

#[test]
fn expired_and_served_sessions_are_marked() {
    let mut env = Env::new("", "");
    env.set("ROLECALL_PROFILE", "prod-admin");
    env.set("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z");
    let out = env.rolecall(&["prompt"]);
    assert_eq!(ok(&out), "prod-admin expired\n");
    assert!(out.stderr.is_empty());
    env.vars.retain(|(k, _)| k != "AWS_CREDENTIAL_EXPIRATION");
    env.set("ROLECALL_SERVED", "1");
    assert_eq!(ok(&env.rolecall(&["prompt"])), "prod-admin served\n");
}

#[test]
fn it_touches_no_file_and_no_network() {
    // strace lists every file and network system call of the whole process: only the
    // dynamic loader's files may appear, never the AWS files, the session cache or HOME.
    let mut env = Env::new(CONFIG, CREDENTIALS);
    env.set("ROLECALL_PROFILE", "ops");
    env.set("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z");
    let trace = env.dir.path().join("trace");
    let out = env
        .command("strace")
        .args(["-f", "-qq", "-e", "trace=%file,%network", "-o"])
        .arg(&trace)
        .args([env!("CARGO_BIN_EXE_rolecall"), "prompt"])
        .output()
        .expect("strace runs (bash .ci/setup installs it)");
    assert!(ok(&out).starts_with("ops "), "{out:?}");
    let trace = std::fs::read_to_string(trace).unwrap();
    let home = env.home().display().to_string();
    let cache = env.dir.path().join("cache").display().to_string();
    for line in trace.lines() {
        if line.contains("execve(") {
            continue;
        }
        assert!(
            !line.contains("socket(") && !line.contains("connect("),
            "network: {line}"
        );
        assert!(
            !line.contains(&home) && !line.contains(&cache),
            "a rolecall file: {line}"
        );
        let opened = line.split('"').nth(1).unwrap_or("");
        let loader = opened.starts_with("/etc/ld.so")
            || opened.starts_with("/lib")
            || opened.starts_with("/usr/lib")
            || opened == "/proc/self/maps";
        assert!(opened.is_empty() || loader, "opened {opened}: {line}");
    }
}
