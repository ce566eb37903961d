//! End-to-end sessions against moto_server (a real STS emulator on loopback), proven with
//! the real AWS CLI: chains, MFA, external id, duration, GetSessionToken, cache reuse,
//! exec and dotenv files.

mod common;

use common::{failed, ok, Env, Moto};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

const CONFIG: &str = "\
[profile base]
region = us-east-1
mfa_serial = arn:aws:iam::123456789012:mfa/tester

[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base
external_id = ext-123
duration_seconds = 1800
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ops
role_session_name = admin-session
region = eu-west-1

[profile secure-a]
role_arn = arn:aws:iam::333333333333:role/SecureA
source_profile = base
region = us-east-1
mfa_serial = arn:aws:iam::123456789012:mfa/tester

[profile secure-b]
role_arn = arn:aws:iam::444444444444:role/SecureB
source_profile = base
region = us-east-1
mfa_serial = arn:aws:iam::123456789012:mfa/tester

[profile plain]
role_arn = arn:aws:iam::555555555555:role/Plain
source_profile = keys

[profile keys]
region = us-west-2
";

const KEYS: &str = "[keys]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n";

fn env_for(moto: &Moto) -> Env {
    let mut env = Env::new(CONFIG, &format!("{CREDENTIALS}{KEYS}"));
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env
}

fn export_json(env: &Env, profile: &str, extra: &[&str]) -> Value {
    let mut args = vec!["export", profile, "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&env.rolecall(&args))).unwrap()
}

#[test]
fn two_hop_chain_works_with_the_aws_cli() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let arn = env.caller_arn("admin", &[]);
    assert_eq!(
        arn,
        "arn:aws:sts::222222222222:assumed-role/Admin/admin-session"
    );
    // The chain's middle profile, with its external id and default session name.
    let arn = env.caller_arn("ops", &[]);
    assert_eq!(arn, "arn:aws:sts::111111111111:assumed-role/Ops/tester");
}

#[test]
fn duration_seconds_sets_the_expiration() {
    let moto = Moto::start();
    let env = env_for(&moto);
    export_json(&env, "ops", &[]);
    let sessions: Value =
        serde_json::from_str(&ok(&env.rolecall(&["sessions", "--format", "json"]))).unwrap();
    let ops = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == "ops")
        .expect("ops session listed");
    let left = ops["seconds_left"].as_i64().unwrap();
    assert!(
        (1700..=1800).contains(&left),
        "duration_seconds 1800 gave {left} s"
    );
    assert!(ops["expiration"].as_str().unwrap().ends_with('Z'));
    assert!(ops["source"].as_str().unwrap().contains("base → ops"));
}

#[test]
fn cached_session_is_reused_until_refresh() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let first = export_json(&env, "admin", &[]);
    let second = export_json(&env, "admin", &[]);
    assert_eq!(
        first["AccessKeyId"], second["AccessKeyId"],
        "cache not reused"
    );
    let third = export_json(&env, "admin", &["--refresh"]);
    assert_ne!(
        first["AccessKeyId"], third["AccessKeyId"],
        "--refresh did not call STS"
    );
    // The cache holds mode 0600 files in a 0700 directory.
    let cache = env.dir.path().join("cache");
    assert_eq!(
        std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for entry in std::fs::read_dir(&cache).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", entry.path().display());
    }
}

#[test]
fn mfa_once_serves_every_role_of_the_source() {
    let moto = Moto::start();
    let env = env_for(&moto);
    // No code and no terminal: a clear error naming the profile and the serial.
    let err = failed(&env.rolecall(&["export", "secure-a"]));
    assert!(err.contains("profile 'secure-a'"), "{err}");
    assert!(
        err.contains("MFA code is needed for arn:aws:iam::123456789012:mfa/tester"),
        "{err}"
    );
    assert!(err.contains("--mfa-code"), "{err}");
    let arn = env.caller_arn("secure-a", &["--mfa-code", "123456"]);
    assert_eq!(arn, "arn:aws:sts::333333333333:assumed-role/SecureA/tester");
    // The second role of the same source needs no code: the MFA session is cached.
    let arn = env.caller_arn("secure-b", &[]);
    assert_eq!(arn, "arn:aws:sts::444444444444:assumed-role/SecureB/tester");
    let table = ok(&env.rolecall(&["sessions"]));
    assert!(table.contains("mfa-source"), "{table}");
    // A malformed code is refused before anything is sent.
    let err = failed(&env.rolecall(&[
        "export",
        "secure-a",
        "--refresh",
        "--mfa-per-role",
        "--mfa-code",
        "12ab56",
    ]));
    assert!(err.contains("six digits"), "{err}");
    // Per-role MFA sends the code with AssumeRole itself.
    let arn = env.caller_arn(
        "secure-a",
        &["--refresh", "--mfa-per-role", "--mfa-code", "654321"],
    );
    assert!(arn.ends_with("assumed-role/SecureA/tester"), "{arn}");
    // Forgetting sessions brings the MFA prompt back.
    ok(&env.rolecall(&["sessions", "clear"]));
    let err = failed(&env.rolecall(&["export", "secure-b"]));
    assert!(err.contains("MFA code is needed"), "{err}");
}

#[test]
fn get_session_token_for_static_keys_with_mfa() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let creds = export_json(&env, "base", &["--mfa-code", "123456"]);
    assert!(creds["SessionToken"].is_string(), "{creds}");
    assert!(creds["Expiration"].is_string(), "{creds}");
    // Keys with no MFA and no role are handed out as they are, never cached.
    let keys = export_json(&env, "keys", &[]);
    assert_eq!(keys["AccessKeyId"], "AKIAI44QH8DHBEXAMPLE");
    assert!(keys["SessionToken"].is_null());
}

#[test]
fn exec_sets_the_documented_environment_and_passes_the_exit_status() {
    let moto = Moto::start();
    let mut env = env_for(&moto);
    env.set("AWS_PROFILE", "somewhere-else");
    env.set("AWS_SESSION_TOKEN", "stale-token");
    let out = env.rolecall(&["exec", "plain", "--", "sh", "-c", "env | sort; exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    let vars = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "AWS_ACCESS_KEY_ID=",
        "AWS_SECRET_ACCESS_KEY=",
        "AWS_SESSION_TOKEN=",
        "AWS_SECURITY_TOKEN=",
        "AWS_CREDENTIAL_EXPIRATION=",
        "ROLECALL_PROFILE=plain",
    ] {
        assert!(
            vars.lines().any(|l| l.starts_with(expected)),
            "{expected} missing"
        );
    }
    assert!(
        !vars.contains("AWS_PROFILE="),
        "AWS_PROFILE must be removed"
    );
    assert!(!vars.contains("stale-token"));
    // `plain` has no region, its source `keys` does: the nearest region on the chain is
    // the session's.
    assert!(
        vars.lines().any(|l| l == "AWS_REGION=us-west-2"),
        "no region"
    );
    // Nested: refused with a hint, unless forced.
    let mut nested = env_for(&moto);
    nested.set("ROLECALL_PROFILE", "admin");
    let err = failed(&nested.rolecall(&["exec", "plain", "--", "true"]));
    assert!(
        err.contains("already inside a rolecall session for 'admin'") && err.contains("--nested"),
        "{err}"
    );
    ok(&nested.rolecall(&["exec", "plain", "--nested", "--", "true"]));
}

#[test]
fn dotenv_file_works_with_the_aws_cli() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let out = env.rolecall(&["env-file", "admin"]);
    ok(&out);
    let path = env.dir.path().join(".env");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let out = env
        .command("sh")
        .args([
            "-c",
            "set -a; . ./.env; set +a; exec aws sts get-caller-identity --output json",
        ])
        .output()
        .unwrap();
    let id: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        id["Arn"],
        "arn:aws:sts::222222222222:assumed-role/Admin/admin-session"
    );
    // Our own file may be replaced; someone else's needs --force.
    ok(&env.rolecall(&["env-file", "admin", ".env"]));
    let other = env.dir.path().join("mine.env");
    std::fs::write(&other, "DATABASE_URL=postgres://x\n").unwrap();
    let err = failed(&env.rolecall(&["env-file", "admin", "mine.env"]));
    assert!(
        err.contains("mine.env exists and was not written by rolecall") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "DATABASE_URL=postgres://x\n"
    );
    ok(&env.rolecall(&["env-file", "admin", "mine.env", "--force"]));
    // A symlink planted at the path is never followed.
    let target = env.dir.path().join("target.txt");
    std::fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, env.dir.path().join("link.env")).unwrap();
    let err = failed(&env.rolecall(&["env-file", "admin", "link.env", "--force"]));
    assert!(err.contains("link.env"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
}

#[test]
fn every_export_format_carries_the_session() {
    let moto = Moto::start();
    let env = env_for(&moto);
    let creds = export_json(&env, "ops", &[]);
    let key = creds["AccessKeyId"].as_str().unwrap();
    for format in [
        "sh",
        "fish",
        "powershell",
        "dotenv",
        "json",
        "credential-process",
        "docker",
        "redshift",
    ] {
        let text = ok(&env.rolecall(&["export", "ops", "--format", format]));
        assert!(text.contains(key), "{format} lacks the key id:\n{text}");
    }
    let cp: Value = serde_json::from_str(&ok(&env.rolecall(&[
        "export",
        "ops",
        "--format",
        "credential-process",
    ])))
    .unwrap();
    assert_eq!(cp["Version"], 1);
    let err = failed(&env.rolecall(&["export", "ops", "--format", "yaml"]));
    assert!(err.contains("invalid value 'yaml'"), "{err}");
    assert!(
        err.contains(
            "[possible values: sh, fish, powershell, dotenv, json, credential-process, docker, redshift]"
        ),
        "{err}"
    );
}

/// Runs `rolecall export plain` under strace with the TLS roots pointed at a file of the
/// test's own, and says whether the process opened it.
fn reads_tls_roots(env: &mut Env, sts_url: &str) -> bool {
    let roots = env.dir.path().join("tls-roots-marker.pem");
    std::fs::write(&roots, "").unwrap();
    env.set("SSL_CERT_FILE", roots.to_str().unwrap());
    env.set("AWS_ENDPOINT_URL_STS", sts_url);
    let trace = env.dir.path().join("trace");
    env.command("strace")
        .args(["-f", "-qq", "-e", "trace=%file", "-o"])
        .arg(&trace)
        .args([env!("CARGO_BIN_EXE_rolecall"), "export", "plain"])
        .output()
        .expect("strace runs (bash .ci/setup installs it)");
    let trace = std::fs::read_to_string(trace).unwrap();
    trace.contains("tls-roots-marker.pem")
}

#[test]
fn tls_roots_are_read_only_when_a_call_needs_tls() {
    let moto = Moto::start();
    let mut env = env_for(&moto);
    // STS on plain http:// (an emulator, the demo): the system's roots are never read.
    assert!(!reads_tls_roots(&mut env, &moto.url));
    // The same call over https:// builds the TLS connector, roots and all (it then fails:
    // moto speaks plain HTTP), so the check above can fail.
    let https = moto.url.replacen("http://", "https://", 1);
    assert!(reads_tls_roots(&mut env, &https));
}
