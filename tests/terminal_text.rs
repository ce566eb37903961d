//! Outside text reaches the terminal shown, never obeyed: hostile config values and
//! section names, sessions.json, a portal's account and role names, a sign-in's code and
//! URL, STS's error message and a `credential_process`'s stderr, through every command
//! that shows them — checked on the raw bytes rolecall writes. JSON output stays exact.

mod common;

use chrono::{TimeDelta, Utc};
use common::hostile::{plant_session, PAYLOAD};
use common::sso_standin::{Behaviour, Outcome, SsoStandin};
use common::{failed, ok, Env, Reply, Stub};
use serde_json::Value;
use sha1::{Digest, Sha1};
use std::process::Output;

/// What a section name can hold of it (a `]` would end the name): a screen clear, a
/// bell, C1's CSI and a right-to-left override.
const NO_BRACKET: &str = "\x1b[2J\x07\u{9b}2J\u{202e}";

/// The payload as rolecall shows it.
const SHOWN: &str = r"\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J\u{202e}";

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// Values and names with the payload: a role ARN and a region (shown by `list`), a
/// section name and a missing source profile (reported by `check`).
fn hostile_config() -> String {
    format!(
        "[profile evil]\nrole_arn = arn:aws:iam::123456789012:role/R{PAYLOAD}\nsource_profile = base\nregion = eu{PAYLOAD}\n\n\
         [profile orphan]\nrole_arn = arn:aws:iam::123456789012:role/O\nsource_profile = gone{PAYLOAD}\n\n\
         [profile bad{NO_BRACKET}]\nregion = x\n"
    )
}

/// Fails unless `bytes` are UTF-8 holding nothing a terminal obeys: no C0 control but
/// the line break, no DEL, no C1 control (C2 80–C2 9F), no bidirectional control. Checked
/// on the bytes themselves, not with rolecall's own predicate.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let third = bytes.get(i + 2).copied().unwrap_or(0);
        let obeyed = (b < 0x20 && b != b'\n')
            || b == 0x7f
            || (b == 0xc2 && (0x80..=0x9f).contains(&next))
            || (b == 0xe2 && next == 0x80 && (0xaa..=0xae).contains(&third))
            || (b == 0xe2 && next == 0x81 && (0xa6..=0xa9).contains(&third));
        assert!(
            !obeyed,
            "{what}: byte {i} ({b:#04x}) reaches the terminal:\n{text}"
        );
    }
}

/// Both streams are terminal-safe; `shown` is in one of them.
fn assert_shown(out: &Output, shown: &str, what: &str) {
    assert_terminal_safe(&out.stdout, &format!("{what} (stdout)"));
    assert_terminal_safe(&out.stderr, &format!("{what} (stderr)"));
    let both =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(both.contains(shown), "{what}: {shown} not shown:\n{both}");
}

#[test]
fn list_shows_hostile_values_escaped() {
    let env = Env::new(&hostile_config(), CREDENTIALS);
    let out = env.rolecall(&["list"]);
    ok(&out);
    assert_shown(&out, &format!("R{SHOWN}"), "list");
    assert_shown(&out, &format!("eu{SHOWN}"), "list");
}

#[test]
fn list_json_is_exact_and_terminal_safe() {
    let env = Env::new(&hostile_config(), CREDENTIALS);
    let out = env.rolecall(&["list", "--format", "json"]);
    let all: Value = serde_json::from_str(&ok(&out)).unwrap();
    let evil = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "evil")
        .unwrap();
    assert_eq!(evil["region"], format!("eu{PAYLOAD}"));
    assert_eq!(evil["role"], format!("R{PAYLOAD}"));
    assert_terminal_safe(&out.stdout, "list --format json");
}

#[test]
fn check_shows_hostile_names_escaped() {
    let env = Env::new(&hostile_config(), CREDENTIALS);
    let out = env.rolecall(&["check"]);
    assert!(!out.status.success());
    assert_shown(&out, &format!("gone{SHOWN}"), "check");
    assert_shown(&out, r"bad\x1b[2J\x07\u{9b}2J\u{202e}", "check");
}

/// A stored session whose profile name and source carry the payload, as a hand-edited
/// or planted sessions.json would.
fn planted_session(env: &Env) {
    plant_session(&env.dir.path().join("cache"));
}

#[test]
fn sessions_show_names_from_the_store_escaped() {
    let env = Env::new(&hostile_config(), CREDENTIALS);
    planted_session(&env);
    let out = env.rolecall(&["sessions"]);
    ok(&out);
    assert_shown(&out, &format!("ghost{SHOWN}"), "sessions");
    assert_shown(&out, &format!("base{SHOWN}"), "sessions");
    let json = env.rolecall(&["sessions", "--format", "json"]);
    let all: Value = serde_json::from_str(&ok(&json)).unwrap();
    assert_eq!(all[0]["profile"], format!("ghost{PAYLOAD}"));
    assert_terminal_safe(&json.stdout, "sessions --format json");
}

const SSO_CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
";

fn sso_env(standin: &SsoStandin) -> Env {
    let mut env = Env::new(SSO_CONFIG, "");
    env.set("AWS_ENDPOINT_URL_SSO", &standin.url)
        .set("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url);
    env
}

#[test]
fn sso_roles_shows_portal_names_escaped() {
    let mut behaviour = Behaviour::default();
    behaviour
        .accounts
        .push(("000000000001".into(), format!("Evil{PAYLOAD}")));
    behaviour
        .roles
        .insert("000000000001".into(), vec![format!("Admin{PAYLOAD}")]);
    let standin = SsoStandin::start(behaviour);
    let env = sso_env(&standin);
    // Signed in as `aws sso login --sso-session corp` leaves it.
    standin.accept_token("TOKEN-1");
    let cache = env.home().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let token = serde_json::json!({
        "startUrl": "https://corp.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "TOKEN-1",
        "expiresAt": (Utc::now() + TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    let key = hex::encode(Sha1::digest(b"corp"));
    std::fs::write(cache.join(format!("{key}.json")), token.to_string()).unwrap();

    let table = env.rolecall(&["sso", "roles"]);
    ok(&table);
    assert_shown(&table, &format!("Evil{SHOWN}"), "sso roles");
    assert_shown(&table, &format!("Admin{SHOWN}"), "sso roles");
    let json = env.rolecall(&["sso", "roles", "--format", "json"]);
    let all: Value = serde_json::from_str(&ok(&json)).unwrap();
    assert_eq!(all[0]["account_name"], format!("Evil{PAYLOAD}"));
    assert_eq!(all[0]["role_name"], format!("Admin{PAYLOAD}"));
    assert_terminal_safe(&json.stdout, "sso roles --format json");
    assert_terminal_safe(&json.stderr, "sso roles --format json (stderr)");
}

#[test]
fn sso_login_shows_the_code_and_url_escaped() {
    let standin = SsoStandin::start(Behaviour {
        outcome: Outcome::Deny,
        user_code: format!("CODE{PAYLOAD}"),
        verification_uri: Some(format!("https://device.example/{PAYLOAD}")),
        ..Behaviour::default()
    });
    let env = sso_env(&standin);
    let out = env.rolecall(&["sso", "login", "--no-browser", "--use-device-code"]);
    failed(&out);
    assert_shown(&out, &format!("CODE{SHOWN}"), "sso login");
    assert_shown(
        &out,
        &format!("https://device.example/{SHOWN}"),
        "sso login",
    );
}

#[test]
fn an_sts_error_message_is_shown_escaped_on_the_error_line() {
    let body =
        std::fs::read_to_string(common::root().join("tests/fixtures/sts/hostile_message.xml"))
            .unwrap();
    let stub = Stub::start(move |_| Reply::Status(403, body.clone()));
    let config = "[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Denied\nsource_profile = base\n";
    let mut env = Env::new(config, CREDENTIALS);
    env.set("AWS_ENDPOINT_URL_STS", &stub.url);
    let out = env.rolecall(&["export", "denied"]);
    let err = failed(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    // XML 1.0 allows no C0 control but the line break and tab: the message carries C1's
    // CSI, OSC and ST (a window title), a right-to-left override and DEL.
    assert_shown(
        &out,
        r"AccessDenied: Denied\u{9b}2J\u{9d}0;pwned-title\u{9c}\u{202e}\x7f",
        "export (STS error)",
    );
}

#[test]
fn a_credential_process_s_stderr_is_shown_escaped() {
    let config = "[profile proc]\ncredential_process = printf 'vault: \\033]0;pwned-title\\007\\033]52;c;cHduZWQ=\\007\\033[2J\\302\\2332J' >&2; exit 3\n";
    let env = Env::new(config, "");
    let out = env.rolecall(&["export", "proc"]);
    failed(&out);
    assert_shown(
        &out,
        r"vault: \x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J",
        "export (credential_process)",
    );
}

#[test]
fn a_hostile_profile_argument_is_shown_escaped_on_the_error_line() {
    let env = Env::new(&hostile_config(), CREDENTIALS);
    let out = env.rolecall(&["export", &format!("nope{PAYLOAD}")]);
    let err = failed(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_shown(&out, &format!("nope{SHOWN}"), "export (no such profile)");
}

#[test]
fn the_prompt_shows_a_hostile_profile_escaped() {
    let mut env = Env::new("", "");
    env.set("ROLECALL_PROFILE", &format!("p{PAYLOAD}"));
    let out = env.rolecall(&["prompt"]);
    ok(&out);
    assert_shown(&out, &format!("p{SHOWN}"), "prompt");
}
