//! The credentials handed out are the ones asked for, current, and nothing leaks: a
//! changed profile never reuses its old session, exports leave nothing stale behind, a
//! session knows its region, the MFA session is short and renewable, role chaining stays
//! within STS's hour, STS settings come from the hop's own profile, an MFA code is sent
//! once, an unusable cache loses nothing, and a config path that is not a file is refused.
//!
//! Against moto_server and the real AWS CLI, and a scriptable STS stand-in where a
//! sequence (a denial, then a success) is needed.

mod common;

use common::sts_standin::{form_value, Answer, StsStandIn};
use common::{failed, ok, Env, Moto, Reply, Stub};
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

const KEYS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
[static]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n";

const CHAIN: &str = "\
[profile base]
region = eu-central-1

[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ops

[profile secure-a]
role_arn = arn:aws:iam::333333333333:role/SecureA
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/tester

[profile secure-b]
role_arn = arn:aws:iam::444444444444:role/SecureB
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/tester
";

fn sessions_json(env: &Env) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(&env.rolecall(&["sessions", "--format", "json"])))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn session_of<'a>(all: &'a [Value], profile: &str, kind: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|s| s["profile"] == profile && s["kind"] == kind)
        .collect()
}

/// Runs `rolecall ARGS`, failing the test (instead of hanging it) after 30 seconds.
fn rolecall_bounded(env: &Env, args: &[&str]) -> Output {
    let mut child = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("rolecall {args:?} did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// 1. The session cache is keyed by what determined the session.

#[test]
fn an_edited_profile_never_reuses_its_old_session_and_the_old_one_shows_as_stale() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    assert_eq!(
        env.caller_arn("admin", &[]),
        "arn:aws:sts::222222222222:assumed-role/Admin/tester"
    );
    // The same profile name now points at another account's role.
    let config = CHAIN.replace(
        "arn:aws:iam::222222222222:role/Admin",
        "arn:aws:iam::999999999999:role/Other",
    );
    std::fs::write(env.home().join(".aws/config"), &config).unwrap();
    assert_eq!(
        env.caller_arn("admin", &[]),
        "arn:aws:sts::999999999999:assumed-role/Other/tester"
    );
    let all = sessions_json(&env);
    let admin = session_of(&all, "admin", "profile");
    assert_eq!(admin.len(), 2, "{all:?}");
    let stale: Vec<_> = admin.iter().filter(|s| s["stale"] == true).collect();
    assert_eq!(stale.len(), 1, "the old session shows as stale: {all:?}");
    let table = ok(&env.rolecall(&["sessions"]));
    assert!(table.contains("stale"), "{table}");

    // Another config set with the same names (AWS_CONFIG_FILE) is another definition.
    let other = env.dir.path().join("other-config");
    std::fs::write(
        &other,
        CHAIN.replace(
            "arn:aws:iam::222222222222:role/Admin",
            "arn:aws:iam::888888888888:role/Elsewhere",
        ),
    )
    .unwrap();
    env.set("AWS_CONFIG_FILE", other.to_str().unwrap());
    assert_eq!(
        env.caller_arn("admin", &[]),
        "arn:aws:sts::888888888888:assumed-role/Elsewhere/tester"
    );
}

#[test]
fn external_id_duration_and_session_name_are_part_of_the_definition() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let first = ok(&env.rolecall(&["export", "ops", "--format", "json"]));
    for edit in [
        "external_id = ext-1\n",
        "duration_seconds = 1800\n",
        "role_session_name = other-name\n",
    ] {
        let config = CHAIN.replace(
            "role_arn = arn:aws:iam::111111111111:role/Ops\n",
            &format!("role_arn = arn:aws:iam::111111111111:role/Ops\n{edit}"),
        );
        std::fs::write(env.home().join(".aws/config"), &config).unwrap();
        let again = ok(&env.rolecall(&["export", "ops", "--format", "json"]));
        assert_ne!(
            first,
            again,
            "after `{}` the cached session was reused",
            edit.trim()
        );
    }
}

// 2. Exports unset what they do not set.

#[test]
fn exporting_static_keys_after_a_role_session_leaves_no_stale_token() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let rolecall = env!("CARGO_BIN_EXE_rolecall");
    let script = format!(
        "eval \"$({rolecall} export ops)\" && eval \"$({rolecall} export static)\" && \
         env | grep -E '^AWS_(SESSION_TOKEN|SECURITY_TOKEN|CREDENTIAL_EXPIRATION|ACCESS_KEY_ID)=' | sort"
    );
    let out = ok(&env.command("sh").args(["-c", &script]).output().unwrap());
    assert_eq!(out, "AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE\n");
    let fish = format!(
        "{rolecall} export ops -f fish | source; and {rolecall} export static -f fish | source; \
         and env | grep -E '^AWS_(SESSION_TOKEN|SECURITY_TOKEN|CREDENTIAL_EXPIRATION|ACCESS_KEY_ID)=' | sort"
    );
    let out = ok(&env.command("fish").args(["-c", &fish]).output().unwrap());
    assert_eq!(out, "AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE\n");
    let ps = ok(&env.rolecall(&["export", "static", "--format", "powershell"]));
    for var in [
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ] {
        assert!(
            ps.contains(&format!(
                "Remove-Item Env:{var} -ErrorAction SilentlyContinue"
            )),
            "{ps}"
        );
    }
}

// 3. A session's region comes from its chain when the profile has none.

#[test]
fn a_session_takes_the_nearest_region_along_its_chain() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["env-file", "admin"]));
    let text = std::fs::read_to_string(env.dir.path().join(".env")).unwrap();
    assert!(
        text.contains("AWS_REGION=eu-central-1\n"),
        "no region in .env"
    );
    assert!(text.contains("AWS_DEFAULT_REGION=eu-central-1\n"));
    // With no [default] region and none in the environment, the AWS CLI needs the session's.
    let arn = env.caller_arn("admin", &[]);
    assert!(arn.contains("assumed-role/Admin"), "{arn}");
    let json = ok(&env.rolecall(&["export", "admin", "--format", "json"]));
    assert!(
        !json.contains("Region"),
        "the JSON shape is the CLI's: {json}"
    );
}

#[test]
fn default_region_comes_last_and_a_role_in_another_partition_never_goes_to_us_east_1() {
    // No region anywhere on the chain: [default]'s is the session's.
    let standin = StsStandIn::start(&[]);
    let mut env = Env::new(
        "[default]\nregion = ap-southeast-2\n\n[profile ops]\nrole_arn = arn:aws:iam::111111111111:role/Ops\nsource_profile = static\n\n\
         [profile china]\nrole_arn = arn:aws-cn:iam::111111111111:role/Ops\nsource_profile = static\n",
        KEYS,
    );
    env.set("AWS_ENDPOINT_URL_STS", &standin.url);
    let sh = ok(&env.rolecall(&["export", "ops"]));
    assert!(sh.contains("export AWS_REGION='ap-southeast-2'"), "{sh}");
    // The aws-cn role: [default]'s region is in another partition, so STS is called in
    // the partition's own region and the session gets none it cannot use.
    let _ = standin.bodies();
    let sh = ok(&env.rolecall(&["export", "china"]));
    assert!(!sh.contains("export AWS_REGION"), "{sh}");
    let auth = standin_authorizations(&standin);
    assert!(
        auth.iter()
            .all(|a| a.contains("/cn-north-1/sts/aws4_request")),
        "{auth:?}"
    );
}

/// The Authorization headers of the stand-in's requests: their credential scope names the
/// region each was signed for.
fn standin_authorizations(standin: &StsStandIn) -> Vec<String> {
    standin
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect()
}

// 4. The MFA session: short by default, configurable, renewed by --refresh, re-asked once.

#[test]
fn the_mfa_session_lasts_an_hour_unless_configured_and_refresh_renews_it() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    ok(&env.rolecall(&["export", "secure-a", "--mfa-code", "123456"]));
    let all = sessions_json(&env);
    let mfa = session_of(&all, "base", "mfa-source");
    assert_eq!(mfa.len(), 1, "{all:?}");
    let left = mfa[0]["seconds_left"].as_i64().unwrap();
    assert!((3000..=3600).contains(&left), "MFA session of {left} s");
    // --refresh renews the MFA session too: without a code it needs one.
    let err = failed(&env.rolecall(&["export", "secure-b", "--refresh"]));
    assert!(err.contains("MFA code is needed"), "{err}");

    let configured = CHAIN.replace(
        "[profile base]\n",
        "[profile base]\nmfa_session_duration = 900\n",
    );
    std::fs::write(env.home().join(".aws/config"), configured).unwrap();
    ok(&env.rolecall(&["export", "secure-b", "--refresh", "--mfa-code", "654321"]));
    let all = sessions_json(&env);
    let left = session_of(&all, "base", "mfa-source")
        .iter()
        .filter(|s| s["stale"] == false)
        .map(|s| s["seconds_left"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!((800..=900).contains(&left), "MFA session of {left} s");
}

#[test]
fn a_role_denied_on_the_cached_mfa_session_asks_for_a_new_code_once() {
    let standin = StsStandIn::start(&[
        Answer::Ok,                          // GetSessionToken (code 111111)
        Answer::Ok,                          // AssumeRole SecureA
        Answer::Error(403, "access_denied"), // AssumeRole SecureB on the cached MFA session
        Answer::Ok,                          // GetSessionToken (code 222222)
        Answer::Ok,                          // AssumeRole SecureB again
    ]);
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &standin.url);
    ok(&env.rolecall(&["export", "secure-a", "--mfa-code", "111111"]));
    let out = ok(&env.rolecall(&["export", "secure-b", "--mfa-code", "222222"]));
    assert!(out.contains("AWS_SESSION_TOKEN"), "{out}");
    let actions: Vec<String> = standin
        .bodies()
        .iter()
        .map(|b| {
            format!(
                "{} {}",
                form_value(b, "Action").unwrap_or_default(),
                form_value(b, "TokenCode").unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "GetSessionToken 111111",
            "AssumeRole ",
            "AssumeRole ",
            "GetSessionToken 222222",
            "AssumeRole "
        ],
        "{actions:?}"
    );
    // Without a code (and no terminal) the denial says a new code is needed.
    let standin = StsStandIn::start(&[Answer::Error(403, "access_denied")]);
    env.set("AWS_ENDPOINT_URL_STS", &standin.url);
    let err = failed(&env.rolecall(&["export", "secure-a", "--refresh"]));
    assert!(err.contains("MFA code is needed"), "{err}");
}

// 5. Role chaining is limited to one hour.

#[test]
fn a_chained_role_asking_for_more_than_an_hour_is_reported_and_capped() {
    let moto = Moto::start();
    let config = CHAIN.replace(
        "role_arn = arn:aws:iam::222222222222:role/Admin\n",
        "role_arn = arn:aws:iam::222222222222:role/Admin\nduration_seconds = 7200\n",
    );
    let mut env = Env::new(&config, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let out = env.rolecall(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let check = String::from_utf8(out.stdout).unwrap();
    assert!(
        check.contains("profile 'admin'")
            && check.contains("duration_seconds 7200")
            && check.contains("one hour"),
        "{check}"
    );
    let out = env.rolecall(&["export", "admin", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    ok(&out);
    assert!(
        stderr.contains("capped") && stderr.contains("3600"),
        "{stderr}"
    );
    let all = sessions_json(&env);
    let left = session_of(&all, "admin", "profile")[0]["seconds_left"]
        .as_i64()
        .unwrap();
    assert!(left <= 3600, "{left}");
}

// 6. STS settings come from the hop's profile, never from AWS_PROFILE.

#[test]
fn aws_profile_endpoint_settings_never_apply_to_a_chain() {
    let moto = Moto::start();
    let trap = Stub::start(|_| Reply::Status(500, "trap".into()));
    let config = format!(
        "[profile localstack]\nendpoint_url = {}\nregion = us-east-1\n\n\
         [profile prod]\nrole_arn = arn:aws:iam::111111111111:role/Prod\nsource_profile = static\nendpoint_url = {}\n\n\
         [profile via-services]\nrole_arn = arn:aws:iam::111111111111:role/Svc\nsource_profile = static\nservices = local\n\n\
         [services local]\nsts =\n  endpoint_url = {}\n",
        trap.url, moto.url, moto.url
    );
    let mut env = Env::new(&config, KEYS);
    env.set("AWS_PROFILE", "localstack");
    // The AWS CLI in the child is pointed at moto by a flag: an AWS_ENDPOINT_URL_STS in the
    // environment would steer rolecall too and hide what this checks.
    let arn = |profile: &str| {
        let out = ok(&env.rolecall(&[
            "exec",
            profile,
            "--",
            "aws",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &moto.url,
            "sts",
            "get-caller-identity",
            "--query",
            "Arn",
            "--output",
            "text",
        ]));
        out.trim().to_string()
    };
    assert_eq!(
        arn("prod"),
        "arn:aws:sts::111111111111:assumed-role/Prod/tester"
    );
    assert_eq!(
        arn("via-services"),
        "arn:aws:sts::111111111111:assumed-role/Svc/tester"
    );
    assert_eq!(
        trap.requests.try_iter().count(),
        0,
        "keys were sent to AWS_PROFILE's endpoint"
    );
}

// 7. A one-time MFA code is never sent twice.

#[test]
fn a_request_carrying_an_mfa_code_is_never_retried() {
    let standin = StsStandIn::start(&[
        Answer::Error(400, "throttling"),
        Answer::Error(400, "throttling"),
    ]);
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &standin.url);
    let err = failed(&env.rolecall(&["export", "secure-a", "--mfa-code", "123456"]));
    assert!(err.contains("Throttling"), "{err}");
    assert_eq!(
        standin.bodies().len(),
        1,
        "the code was sent more than once"
    );
    // Per-role MFA: the AssumeRole carrying the code is not retried either.
    let standin = StsStandIn::start(&[
        Answer::Error(400, "throttling"),
        Answer::Error(400, "throttling"),
    ]);
    env.set("AWS_ENDPOINT_URL_STS", &standin.url);
    failed(&env.rolecall(&[
        "export",
        "secure-a",
        "--mfa-per-role",
        "--mfa-code",
        "123456",
    ]));
    assert_eq!(standin.bodies().len(), 1);
}

// 11. An unusable cache never costs the user a session.

#[test]
fn an_unusable_cache_directory_warns_once_and_still_hands_out_the_session() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let file = env.dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    env.set("ROLECALL_CACHE_DIR", file.join("cache").to_str().unwrap());
    let out = env.rolecall(&["export", "admin"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(ok(&out).contains("AWS_SESSION_TOKEN"));
    assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
    assert!(stderr.contains("not cached"), "{stderr}");
    let arn = env.caller_arn("admin", &[]);
    assert!(arn.contains("assumed-role/Admin"), "{arn}");
}

#[test]
fn a_failed_save_after_sts_answered_keeps_the_session_and_the_mfa_code() {
    let moto = Moto::start();
    let mut env = Env::new(CHAIN, KEYS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let cache = env.dir.path().join("cache");
    std::fs::create_dir_all(cache.join("sessions.json")).unwrap();
    let out = env.rolecall(&["export", "secure-a", "--mfa-code", "123456"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(ok(&out).contains("AWS_SESSION_TOKEN"), "{stderr}");
    assert!(stderr.contains("not cached"), "{stderr}");
}

// 12. A config path that is not a regular file.

#[test]
fn a_config_path_that_is_not_a_regular_file_is_refused_not_read() {
    let mut env = Env::new("", "");
    env.set("AWS_CONFIG_FILE", "/dev/zero");
    let out = rolecall_bounded(&env, &["check"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("/dev/zero") && text.contains("not a regular file"),
        "{text}"
    );
    let fifo = env.dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    env.set("AWS_CONFIG_FILE", fifo.to_str().unwrap());
    let out = rolecall_bounded(&env, &["list"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("problem"), "{text}");
    let big = env.dir.path().join("big");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    env.set("AWS_CONFIG_FILE", big.to_str().unwrap());
    let out = rolecall_bounded(&env, &["check"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains(big.to_str().unwrap()) && text.contains("MiB"),
        "{text}"
    );
}
