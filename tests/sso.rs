//! IAM Identity Center end to end: `rolecall sso …` and the library against the loopback
//! stand-in (tests/common/sso_standin.rs), the AWS CLI as the peer that shares the token
//! cache, moto_server for STS, botocore reading what `sso sync` wrote.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::sso_standin::{
    hostile_account_id, Behaviour, Outcome, SsoStandin, HOSTILE_ACCOUNT, ODD_BUT_WRITABLE_ROLES,
    SECRET_MARKERS, UNWRITABLE_ROLES,
};
use common::{failed, ok, Env};
use rolecall::clock::{Clock, ManualClock, SystemClock};
use rolecall::profile::parse::{parse_file, SectionKind};
use rolecall::profile::FileKind;
use rolecall::sso::{SignInFlow, Sso, SsoError, SsoOptions, SsoSessionConfig};
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

const START_URL: &str = "https://corp.awsapps.com/start";

const CONFIG: &str = "\
# hand-written: kept byte for byte
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 000000000001
sso_role_name = Dev
region = eu-west-1
";

/// A legacy profile: its own start URL and region, no sso-session.
const LEGACY: &str = "\
[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 000000000002
sso_role_name = ReadOnly
region = us-east-1
";

fn standin(behaviour: Behaviour) -> SsoStandin {
    SsoStandin::start(behaviour.with_accounts(3, &["Dev", "ReadOnly"]))
}

/// An isolated environment whose SSO endpoints are the stand-in's.
fn env_for(standin: &SsoStandin, config: &str) -> Env {
    let mut env = Env::new(config, "");
    env.set("AWS_ENDPOINT_URL_SSO", &standin.url)
        .set("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url);
    env
}

fn sha1_hex(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

fn token_path(env: &Env, key: &str) -> PathBuf {
    env.home()
        .join(".aws/sso/cache")
        .join(format!("{}.json", sha1_hex(key)))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// No token, refresh token, client secret, device code or role secret in any output.
fn assert_no_secrets(outputs: &[&Output]) {
    for out in outputs {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            for marker in SECRET_MARKERS {
                assert!(!text.contains(marker), "{marker} leaked:\n{text}");
            }
        }
    }
}

/// A token file as `aws sso login` writes it for an sso-session.
fn write_cli_token(
    env: &Env,
    key: &str,
    token: &str,
    expires_at: DateTime<Utc>,
    refresh: Option<(&str, &str, &str)>,
) {
    let path = token_path(env, key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut blob = serde_json::json!({
        "startUrl": if key == "corp" { START_URL } else { key },
        "region": "eu-west-1",
        "accessToken": token,
        "expiresAt": expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    if let Some((refresh_token, client_id, client_secret)) = refresh {
        blob["refreshToken"] = refresh_token.into();
        blob["clientId"] = client_id.into();
        blob["clientSecret"] = client_secret.into();
        blob["registrationExpiresAt"] = (Utc::now() + TimeDelta::days(30))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
            .into();
    }
    std::fs::write(&path, blob.to_string()).unwrap();
}

/// A token the stand-in accepts, filed as `aws sso login --sso-session corp` files it.
fn signed_in(standin: &SsoStandin, env: &Env, token: &str) {
    standin.accept_token(token);
    write_cli_token(env, "corp", token, Utc::now() + TimeDelta::hours(1), None);
}

#[test]
fn login_polls_until_approved_and_writes_the_cli_token_cache() {
    let standin = standin(Behaviour {
        pending_rounds: 2,
        ..Behaviour::default()
    });
    let env = env_for(&standin, CONFIG);
    let out = env.rolecall(&[
        "sso",
        "login",
        "--sso-session",
        "corp",
        "--no-browser",
        "--use-device-code",
    ]);
    let stdout = ok(&out);
    assert_eq!(stdout, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}/device", standin.url)),
        "{stderr}"
    );
    assert!(stderr.contains("ABCD-EFGH"), "{stderr}");
    assert!(!stderr.contains("opened the page"), "{stderr}");

    let path = token_path(&env, "corp");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let token = read_json(&path);
    let mut keys: Vec<&str> = token
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "accessToken",
            "clientId",
            "clientSecret",
            "expiresAt",
            "refreshToken",
            "region",
            "registrationExpiresAt",
            "startUrl"
        ]
    );
    assert_eq!(token["startUrl"], START_URL);
    assert_eq!(token["region"], "eu-west-1");
    let access = token["accessToken"].as_str().unwrap();
    assert!(standin.token_is_valid(access));
    let expires = token["expiresAt"].as_str().unwrap();
    let expires_at = DateTime::parse_from_rfc3339(expires).unwrap();
    assert_eq!(expires.len(), "2030-01-01T00:00:00Z".len(), "{expires}");
    let left = expires_at.with_timezone(&Utc) - Utc::now();
    assert!(
        left > TimeDelta::hours(7) && left <= TimeDelta::hours(8),
        "{left}"
    );
    assert!(token["refreshToken"]
        .as_str()
        .unwrap()
        .starts_with("SSO-REFRESH-TOKEN-"));

    let registers = standin.requests_to("/client/register");
    assert_eq!(registers.len(), 1);
    let register = registers[0].json();
    assert_eq!(register["clientType"], "public");
    assert_eq!(
        register["scopes"],
        serde_json::json!(["sso:account:access"])
    );
    let device = standin.requests_to("/device_authorization");
    assert_eq!(device[0].json()["startUrl"], START_URL);
    // Two `authorization_pending` answers, then the token.
    let polls = standin.requests_to("/token");
    assert_eq!(polls.len(), 3);
    assert!(polls
        .iter()
        .all(|p| p.json()["grantType"] == "urn:ietf:params:oauth:grant-type:device_code"));

    // The client registration is cached where the AWS CLI keeps it, and reused.
    let registration_key = format!(
        "{{\"region\": \"eu-west-1\", \"scopes\": [\"sso:account:access\"], \"session_name\": \"corp\", \"startUrl\": \"{START_URL}\", \"tool\": \"botocore\"}}"
    );
    let registration = read_json(&token_path(&env, &registration_key));
    assert_eq!(registration["clientId"], token["clientId"]);
    assert_eq!(
        registration["scopes"],
        serde_json::json!(["sso:account:access"])
    );
    let again = env.rolecall(&["sso", "login", "--no-browser", "--use-device-code"]);
    ok(&again);
    assert_eq!(standin.requests_to("/client/register").len(), 1);
    assert_eq!(standin.requests_to("/device_authorization").len(), 2);
    assert_no_secrets(&[&out, &again]);
}

#[test]
fn denied_and_expired_sign_ins_say_what_to_run() {
    for (outcome, code) in [
        (Outcome::Deny, "access_denied"),
        (Outcome::Expire, "expired_token"),
    ] {
        let standin = standin(Behaviour {
            outcome,
            ..Behaviour::default()
        });
        let env = env_for(&standin, CONFIG);
        let out = env.rolecall(&[
            "sso",
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--use-device-code",
        ]);
        let stderr = failed(&out);
        assert!(stderr.contains(code), "{stderr}");
        assert!(
            stderr.contains("run `rolecall sso login --sso-session corp`"),
            "{stderr}"
        );
        assert!(!token_path(&env, "corp").exists());
        assert_no_secrets(&[&out]);
    }
}

#[test]
fn login_opens_the_browser_unless_told_not_to() {
    let standin = standin(Behaviour::default());
    let mut env = env_for(&standin, CONFIG);
    let browser = common::RecordingBrowser::new(env.dir.path());
    env.set("BROWSER", &browser.var());

    let quiet = env.rolecall(&["sso", "login", "--no-browser", "--use-device-code"]);
    ok(&quiet);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("opened the page"));
    assert!(!browser.was_opened());

    let out = env.rolecall(&["sso", "login", "--use-device-code"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("opened the page with"));
    assert_eq!(
        browser.url(),
        format!("{}/device?user_code=ABCD-EFGH", standin.url)
    );
    assert_no_secrets(&[&quiet, &out]);
}

#[test]
fn the_aws_cli_uses_the_token_rolecall_signed_in_with() {
    let moto = common::Moto::start();
    let standin = standin(Behaviour::default());
    let mut env = env_for(&standin, CONFIG);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let login = env.rolecall(&[
        "sso",
        "login",
        "--sso-session",
        "corp",
        "--no-browser",
        "--use-device-code",
    ]);
    ok(&login);
    let access = read_json(&token_path(&env, "corp"))["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let identity = env.aws_identity("dev");
    assert!(identity["Arn"].as_str().is_some(), "{identity}");
    let calls = standin.requests_to("/federation/credentials");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0].header("x-amz-sso_bearer_token"),
        Some(access.as_str())
    );
    assert_eq!(calls[0].query["account_id"], "000000000001");
    assert_eq!(calls[0].query["role_name"], "Dev");
    // The AWS CLI signed in nowhere itself.
    assert_eq!(standin.requests_to("/token").len(), 1);
    assert_no_secrets(&[&login]);
}

#[test]
fn a_token_from_aws_sso_login_needs_no_new_sign_in() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, &format!("{CONFIG}{LEGACY}"));
    let token = "SSO-ACCESS-TOKEN-from-the-cli";
    signed_in(&standin, &env, token);

    let out = env.rolecall(&["sso", "roles", "--sso-session", "corp", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for row in rows {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(keys, ["account_id", "account_name", "profile", "role_name"]);
    }
    assert_eq!(
        rows[0],
        serde_json::json!({"account_id": "000000000001", "account_name": "Account 1", "role_name": "Dev", "profile": "dev"})
    );
    assert_eq!(rows[1]["profile"], serde_json::Value::Null);
    assert!(standin.requests_to("/token").is_empty());
    assert!(standin.requests_to("/client/register").is_empty());
    for r in standin.requests() {
        assert_eq!(r.header("x-amz-sso_bearer_token"), Some(token), "{r:?}");
    }

    // A legacy profile's token, filed under the start URL, works the same way.
    let legacy = "SSO-ACCESS-TOKEN-legacy";
    standin.accept_token(legacy);
    write_cli_token(
        &env,
        "https://old.awsapps.com/start",
        legacy,
        Utc::now() + TimeDelta::hours(1),
        None,
    );
    let table = env.rolecall(&["sso", "roles", "--profile", "old"]);
    let text = ok(&table);
    assert!(
        text.starts_with("ACCOUNT ID    ACCOUNT NAME  ROLE      PROFILE\n"),
        "{text}"
    );
    assert!(
        text.contains("000000000002  Account 2     ReadOnly  old\n"),
        "{text}"
    );
    assert_no_secrets(&[&out, &table]);
}

#[test]
fn a_token_expiring_within_five_minutes_is_refreshed_and_written_back() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    let old = "SSO-ACCESS-TOKEN-old";
    standin.accept_token(old);
    standin.accept_refresh_token(
        "SSO-REFRESH-TOKEN-old",
        "client-seed",
        "SSO-CLIENT-SECRET-seed",
    );
    write_cli_token(
        &env,
        "corp",
        old,
        Utc::now() + TimeDelta::minutes(4),
        Some((
            "SSO-REFRESH-TOKEN-old",
            "client-seed",
            "SSO-CLIENT-SECRET-seed",
        )),
    );

    let out = env.rolecall(&["sso", "roles"]);
    ok(&out);
    let refresh = standin.requests_to("/token");
    assert_eq!(refresh.len(), 1);
    let body = refresh[0].json();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "SSO-REFRESH-TOKEN-old");
    assert_eq!(body["clientId"], "client-seed");
    let written = read_json(&token_path(&env, "corp"));
    let new = written["accessToken"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(standin.token_is_valid(new));
    assert_ne!(written["refreshToken"], "SSO-REFRESH-TOKEN-old");
    assert_eq!(written["clientId"], "client-seed");
    let expires = DateTime::parse_from_rfc3339(written["expiresAt"].as_str().unwrap()).unwrap();
    assert!(expires.with_timezone(&Utc) - Utc::now() > TimeDelta::hours(7));
    let portal: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/assignment"))
        .collect();
    assert!(!portal.is_empty());
    assert!(portal
        .iter()
        .all(|r| r.header("x-amz-sso_bearer_token") == Some(new)));

    // Six minutes left: no refresh.
    write_cli_token(
        &env,
        "corp",
        new,
        Utc::now() + TimeDelta::minutes(6),
        Some((
            "SSO-REFRESH-TOKEN-x",
            "client-seed",
            "SSO-CLIENT-SECRET-seed",
        )),
    );
    ok(&env.rolecall(&["sso", "roles", "--refresh"]));
    assert_eq!(standin.requests_to("/token").len(), 1);
    assert_no_secrets(&[&out]);
}

#[test]
fn expired_tokens_without_refresh_name_the_login_command() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, &format!("{CONFIG}{LEGACY}"));
    write_cli_token(
        &env,
        "https://old.awsapps.com/start",
        "SSO-ACCESS-TOKEN-gone",
        Utc::now() - TimeDelta::minutes(1),
        None,
    );
    let out = env.rolecall(&["sso", "roles", "--profile", "old"]);
    let stderr = failed(&out);
    assert!(stderr.contains("has expired"), "{stderr}");
    assert!(
        stderr.contains("run `rolecall sso login --profile old`"),
        "{stderr}"
    );
    let none = env.rolecall(&["sso", "roles", "--sso-session", "corp"]);
    let stderr = failed(&none);
    assert!(
        stderr.contains("not signed in to IAM Identity Center (sso-session corp): run `rolecall sso login --sso-session corp`"),
        "{stderr}"
    );
    assert!(standin.requests().is_empty());

    // Expired, and the service no longer takes its refresh token.
    standin.accept_refresh_token("SSO-REFRESH-TOKEN-other", "client-x", "SSO-CLIENT-SECRET-x");
    write_cli_token(
        &env,
        "corp",
        "SSO-ACCESS-TOKEN-stale",
        Utc::now() - TimeDelta::minutes(1),
        Some((
            "SSO-REFRESH-TOKEN-revoked",
            "client-x",
            "SSO-CLIENT-SECRET-x",
        )),
    );
    let revoked = env.rolecall(&["sso", "roles", "--sso-session", "corp"]);
    let stderr = failed(&revoked);
    assert!(
        stderr.contains("has expired (refreshing it failed: invalid_grant): run `rolecall sso login --sso-session corp`"),
        "{stderr}"
    );
    assert_eq!(standin.requests_to("/token").len(), 1);
    assert_no_secrets(&[&out, &none, &revoked]);
}

#[test]
fn discovery_reads_every_page_of_both_apis_and_is_cached() {
    let standin = SsoStandin::start(
        Behaviour {
            page_size: 2,
            ..Behaviour::default()
        }
        .with_accounts(5, &["Admin", "Dev", "ReadOnly"]),
    );
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-pages");

    let out = env.rolecall(&["sso", "roles", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(rows.len(), 15);
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["account_id"].as_str().unwrap().into(),
                r["role_name"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut expected = Vec::new();
    for i in 1..=5 {
        for role in ["Admin", "Dev", "ReadOnly"] {
            expected.push((format!("{i:012}"), role.to_string()));
        }
    }
    assert_eq!(pairs, expected);
    let accounts = standin.requests_to("/assignment/accounts");
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts[1].query["next_token"], "2");
    let roles = standin.requests_to("/assignment/roles");
    assert_eq!(roles.len(), 10);
    assert_eq!(
        roles
            .iter()
            .filter(|r| r.query.contains_key("next_token"))
            .count(),
        5
    );

    // Cached: the second run asks nothing; --refresh asks again.
    let before = standin.requests().len();
    let cached = env.rolecall(&["sso", "roles", "--format", "json"]);
    assert_eq!(ok(&cached), ok(&out));
    assert_eq!(standin.requests().len(), before);
    ok(&env.rolecall(&["sso", "roles", "--refresh"]));
    assert_eq!(standin.requests_to("/assignment/accounts").len(), 6);
    assert_no_secrets(&[&out, &cached]);
}

#[test]
fn sync_writes_a_block_once_keeps_hand_written_lines_and_botocore_reads_it() {
    let standin = standin(Behaviour::default());
    // No trailing newline, a profile that already has a role, and one whose name a
    // generated profile would take.
    let hand =
        format!("{CONFIG}\n[profile Account-2.Dev]\nregion = ap-south-1\n; the end, no newline");
    let env = env_for(&standin, "");
    let dotfiles = env.dir.path().join("dotfiles");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let target = dotfiles.join("aws-config");
    std::fs::write(&target, &hand).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = env.home().join(".aws/config");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-sync");

    let first = env.rolecall(&["sso", "sync"]);
    ok(&first);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written.starts_with(&format!(
            "{hand}\n\n# BEGIN rolecall sso sync (sso-session corp)"
        )),
        "{written}"
    );
    assert!(
        written.ends_with("# END rolecall sso sync (sso-session corp)\n"),
        "{written}"
    );
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o644
    );
    let block = &written[hand.len()..];
    assert!(!block.contains("sso_role_name = Dev\nregion = eu-west-1\n\n[profile Account-1.Dev]"));
    assert!(
        !block.contains("[profile Account-1.Dev]"),
        "dev already configures it:\n{block}"
    );
    assert!(block.contains("[profile Account-2.Dev-2]\nsso_session = corp\nsso_account_id = 000000000002\nsso_role_name = Dev\nregion = eu-west-1\n"), "{block}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains(r#""000000000001" / "Dev" already has profile "dev""#),
        "{stderr}"
    );

    // Again: not a byte changed, not even rewritten.
    let before = std::fs::metadata(&target).unwrap();
    let second = env.rolecall(&["sso", "sync"]);
    ok(&second);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    let after = std::fs::metadata(&target).unwrap();
    assert_eq!(
        (before.ino(), before.mtime_nsec()),
        (after.ino(), after.mtime_nsec())
    );
    assert!(String::from_utf8_lossy(&second.stderr).contains("is up to date"));

    // Hand edits inside the block are replaced; lines after it are kept.
    let edited = written.replace(
        "sso_account_id = 000000000003",
        "sso_account_id = 999999999999",
    ) + "[profile later]\nregion = sa-east-1\n";
    std::fs::write(&target, &edited).unwrap();
    ok(&env.rolecall(&["sso", "sync"]));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("{written}[profile later]\nregion = sa-east-1\n")
    );

    // botocore reads the synced profiles as SSO profiles of the session.
    let script = "import botocore.session, json\n\
                  s = botocore.session.Session()\n\
                  c = s.full_config\n\
                  print(json.dumps({'profiles': c['profiles'], 'sessions': c['sso_sessions']}))";
    let out = env
        .command(common::venv_bin("python"))
        .args(["-c", script])
        .output()
        .unwrap();
    let config: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let profiles = config["profiles"].as_object().unwrap();
    let synced: Vec<&String> = profiles
        .keys()
        .filter(|name| block.contains(&format!("[profile {name}]")))
        .collect();
    assert_eq!(synced.len(), 5, "{synced:?}");
    for name in synced {
        let p = &profiles[name.as_str()];
        assert_eq!(p["sso_session"], "corp", "{name}");
        assert_eq!(p["region"], "eu-west-1", "{name}");
        assert!(p["sso_account_id"].as_str().unwrap().len() == 12, "{name}");
    }
    assert_eq!(profiles["Account-2.Dev"]["region"], "ap-south-1");
    assert_eq!(config["sessions"]["corp"]["sso_start_url"], START_URL);
    assert_no_secrets(&[&first, &second]);
}

/// Every profile of a config file as (name, keys and values): rolecall's parser and
/// botocore's, which must agree; any line either rejects fails.
fn profiles_as_both_read(env: &Env, text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let parsed = parse_file(FileKind::Config, text);
    assert_eq!(parsed.errors, vec![], "rolecall rejects lines of:\n{text}");
    let mut ours: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for section in parsed
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Profile)
    {
        let profile = ours.entry(section.name.to_string()).or_default();
        for p in &section.properties {
            profile.insert(p.key.to_string(), p.value.to_string());
        }
    }
    let script = "import botocore.session, json\n\
                  print(json.dumps(botocore.session.Session().full_config['profiles']))";
    let out = env
        .command(common::venv_bin("python"))
        .args(["-c", script])
        .output()
        .unwrap();
    let theirs: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        ours, theirs,
        "rolecall and botocore read the config differently"
    );
    ours
}

#[test]
fn sync_refuses_portal_names_that_would_become_config_lines_and_writes_the_rest() {
    let pwned = "/nonexistent/rolecall-pwned";
    let standin = SsoStandin::start(
        Behaviour::default()
            .with_accounts(2, &["Dev"])
            .with_hostile_accounts(pwned),
    );
    let hand = format!("[default]\nregion = us-east-1\n\n{CONFIG}");
    let env = env_for(&standin, &hand);
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-hostile");
    let config_path = env.home().join(".aws/config");
    let before = profiles_as_both_read(&env, &hand);

    let out = env.rolecall(&["sso", "sync"]);
    ok(&out);
    let written = std::fs::read_to_string(&config_path).unwrap();
    assert!(written.starts_with(&hand), "{written}");
    let after = profiles_as_both_read(&env, &written);

    // The hand-written profiles read exactly as before: nothing merged into [default].
    for (name, keys) in &before {
        assert_eq!(after.get(name), Some(keys), "{name}:\n{written}");
    }
    // Every other profile is a synced one with the four keys it should have, for a role
    // the portal gave, and no other.
    let expected_keys = ["region", "sso_account_id", "sso_role_name", "sso_session"];
    let mut synced: Vec<(String, String)> = Vec::new();
    for (name, keys) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        assert_eq!(
            keys.keys().map(String::as_str).collect::<Vec<_>>(),
            expected_keys,
            "{name}:\n{written}"
        );
        assert_eq!(keys["sso_session"], "corp");
        assert_eq!(keys["region"], "eu-west-1");
        synced.push((
            keys["sso_account_id"].clone(),
            keys["sso_role_name"].clone(),
        ));
    }
    synced.sort();
    let mut wanted: Vec<(String, String)> = vec![
        ("000000000002".into(), "Dev".into()),
        ("000000000011".into(), "Ops".into()),
    ];
    for role in ODD_BUT_WRITABLE_ROLES {
        wanted.push((HOSTILE_ACCOUNT.into(), role.replace("PWNED", pwned)));
    }
    wanted.push((HOSTILE_ACCOUNT.into(), "L".repeat(5000)));
    wanted.sort();
    assert_eq!(synced, wanted, "{written}");

    // Each refused role is named once, escaped: no raw control character reaches stderr.
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        !stderr
            .chars()
            .any(|c| c != '\n' && (c.is_control() || c == '\u{2028}')),
        "{stderr:?}"
    );
    let refusals: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("not synced"))
        .collect();
    assert_eq!(refusals.len(), UNWRITABLE_ROLES.len() + 1, "{stderr}");
    for role in UNWRITABLE_ROLES {
        let shown = role.replace("PWNED", pwned).escape_debug().to_string();
        assert!(
            refusals
                .iter()
                .any(|l| l.contains(HOSTILE_ACCOUNT) && l.contains(&format!("\"{shown}\""))),
            "{shown}: {stderr}"
        );
    }
    let bad_id = hostile_account_id(pwned).escape_debug().to_string();
    assert!(
        refusals.iter().any(|l| l.contains(&bad_id)),
        "{bad_id}: {stderr}"
    );
    assert!(
        stderr.contains(&format!("wrote {} profiles", wanted.len())),
        "{stderr}"
    );
}

#[test]
fn sync_refuses_a_region_that_is_not_one_line_and_writes_nothing() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-region");
    let config_path = env.home().join(".aws/config");
    for region in [
        "eu-west-1\n[profile x]\ncredential_process = touch /nonexistent/p",
        "eu-west-1\r[default]",
        " eu-west-1",
        "eu-west-1 # c",
        "",
    ] {
        let err = failed(&env.rolecall(&["sso", "sync", "--region", region]));
        assert!(err.contains("--region"), "{region:?}: {err}");
        assert!(
            !err.trim_end().contains('\r') && err.trim_end().lines().count() == 1,
            "{err:?}"
        );
        assert_eq!(std::fs::read_to_string(&config_path).unwrap(), CONFIG);
    }
    // sso_region reaches the block too when --region is not given.
    let continued = CONFIG.replace(
        "sso_region = eu-west-1\n",
        "sso_region = eu-west-1\n  [profile x]\n",
    );
    std::fs::write(&config_path, &continued).unwrap();
    let err = failed(&env.rolecall(&["sso", "sync"]));
    assert!(err.contains("sso_region"), "{err}");
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), continued);
}

#[test]
fn logout_revokes_the_token_removes_it_and_forgets_its_sessions() {
    use rolecall::credentials::Credentials;
    use rolecall::session::{Session, SessionKind, SessionStore};
    for fail_logout in [false, true] {
        let standin = standin(Behaviour {
            fail_logout,
            ..Behaviour::default()
        });
        let config = format!("{CONFIG}[profile deploy]\nrole_arn = arn:aws:iam::000000000001:role/Deploy\nsource_profile = dev\n[profile other]\nregion = eu-west-1\n");
        let env = env_for(&standin, &config);
        let token = "SSO-ACCESS-TOKEN-logout";
        signed_in(&standin, &env, token);
        ok(&env.rolecall(&["sso", "roles"]));
        let cache_dir = env.dir.path().join("cache");
        let store = SessionStore::open(&cache_dir).unwrap();
        for profile in ["dev", "deploy", "other"] {
            store
                .save(&Session {
                    profile: profile.into(),
                    kind: SessionKind::Profile,
                    credentials: Credentials {
                        access_key_id: "ASIAEXAMPLE".into(),
                        secret_access_key: rolecall::secret::Secret::new("s"),
                        session_token: None,
                        expiration: Some(Utc::now() + TimeDelta::hours(1)),
                    },
                    source: "test".into(),
                    region: None,
                    region_from_instance: false,
                    obtained: Utc::now(),
                    fingerprint: "f".into(),
                    mfa_serial: None,
                })
                .unwrap();
        }
        let discovery_files = || {
            std::fs::read_dir(&cache_dir)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with("sso-roles-")
                })
                .count()
        };
        assert_eq!(discovery_files(), 1);

        let out = env.rolecall(&["sso", "logout", "--sso-session", "corp"]);
        ok(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let logouts = standin.requests_to("/logout");
        // One call; a failing one is retried as the SDK retries a 500.
        assert_eq!(logouts.len() == 1, !fail_logout, "{logouts:?}");
        for call in &logouts {
            assert_eq!(call.method, "POST");
            assert_eq!(call.header("x-amz-sso_bearer_token"), Some(token));
        }
        assert_eq!(standin.token_is_valid(token), fail_logout);
        assert_eq!(
            stderr.contains("warning: Logout at the portal failed"),
            fail_logout,
            "{stderr}"
        );
        assert!(stderr.contains("2 sessions forgotten"), "{stderr}");
        assert!(!token_path(&env, "corp").exists());
        assert_eq!(discovery_files(), 0);
        let left: Vec<String> = store
            .load()
            .unwrap()
            .sessions
            .into_iter()
            .map(|s| s.profile)
            .collect();
        assert_eq!(left, ["other"]);
        let roles = env.rolecall(&["sso", "roles", "--sso-session", "corp"]);
        assert!(failed(&roles).contains("not signed in"));
        assert_no_secrets(&[&out, &roles]);
    }
}

#[test]
fn a_corrupt_token_file_is_set_aside_not_fatal() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    let path = token_path(&env, "corp");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{\"accessToken\": \"SSO-ACCESS-TOKEN-torn").unwrap();
    let out = env.rolecall(&["sso", "roles"]);
    let stderr = failed(&out);
    assert!(
        stderr.contains("could not be read and was moved to"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `rolecall sso login --sso-session corp`"),
        "{stderr}"
    );
    assert!(!path.exists());
    let aside: Vec<PathBuf> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap(),
        "{\"accessToken\": \"SSO-ACCESS-TOKEN-torn"
    );
    let login = env.rolecall(&["sso", "login", "--no-browser", "--use-device-code"]);
    ok(&login);
    ok(&env.rolecall(&["sso", "roles"]));
    assert_no_secrets(&[&out, &login]);
}

// ---- The library, with a clock the test drives ----

/// The seconds slept on `clock` so far, in order.
fn slept_seconds(clock: &ManualClock) -> Vec<u64> {
    clock.sleeps().iter().map(Duration::as_secs).collect()
}

fn library(standin: &SsoStandin, dir: &Path, clock: Arc<dyn Clock>, portal: Option<String>) -> Sso {
    Sso::new(SsoOptions {
        token_cache_dir: dir.join("sso-cache"),
        discovery_dir: dir.join("rolecall"),
        oidc_endpoint: Some(standin.url.clone()),
        portal_endpoint: Some(portal.unwrap_or_else(|| standin.url.clone())),
        http: None,
        clock,
    })
}

const DEVICE: SignInFlow = SignInFlow::DeviceCode;

fn corp() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: START_URL.into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

#[tokio::test]
async fn slow_down_adds_five_seconds_to_the_interval() {
    let standin = standin(Behaviour {
        slow_down_rounds: 2,
        pending_rounds: 1,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let sso = library(&standin, dir.path(), clock.clone(), None);
    let pending = sso.start_sign_in(&corp(), DEVICE).await.unwrap();
    assert_eq!(pending.user_code(), Some("ABCD-EFGH"));
    assert_eq!(pending.interval(), Some(Duration::from_secs(1)));
    let token = pending.finish().await.unwrap();
    // slow_down: 1 + 5; slow_down: + 5; pending: same interval; then approved.
    assert_eq!(slept_seconds(&clock), [6, 11, 11]);
    assert_eq!(standin.requests_to("/token").len(), 4);
    assert_eq!(sso.token_for(&corp()).await.unwrap(), token);
}

#[tokio::test]
async fn polling_stops_when_the_device_code_expires() {
    let standin = standin(Behaviour {
        outcome: Outcome::Pending,
        interval: 5,
        device_expires_in: 30,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let sso = library(&standin, dir.path(), clock.clone(), None);
    let err = sso
        .start_sign_in(&corp(), DEVICE)
        .await
        .unwrap()
        .finish()
        .await
        .unwrap_err();
    assert!(matches!(err, SsoError::SignInTimedOut { .. }), "{err:?}");
    assert!(err
        .to_string()
        .contains("rolecall sso login --sso-session corp"));
    // Polls at 0, 5, …, 25 seconds; at 30 the code has expired.
    assert_eq!(standin.requests_to("/token").len(), 6);
    assert!(!sso.token_cache().token_path(&corp()).exists());
}

#[tokio::test]
async fn role_credentials_and_the_portal_errors() {
    let standin = standin(Behaviour::default());
    standin.behaviour(|b| {
        b.forbidden
            .insert(("000000000001".into(), "ReadOnly".into()));
    });
    let dir = tempfile::tempdir().unwrap();
    let sso = library(&standin, dir.path(), Arc::new(SystemClock), None);
    let token = sso
        .start_sign_in(&corp(), DEVICE)
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    let creds = sso
        .role_credentials(&corp(), &token, "000000000001", "Dev")
        .await
        .unwrap();
    assert!(creds.access_key_id.starts_with("ASIASTANDIN"));
    let left = creds.expiration.unwrap() - Utc::now();
    assert!(
        left > TimeDelta::minutes(59) && left <= TimeDelta::hours(1),
        "{left}"
    );
    let call = standin.requests_to("/federation/credentials").remove(0);
    assert_eq!(
        call.header("x-amz-sso_bearer_token"),
        Some(token.access_token.expose())
    );

    let forbidden = sso
        .role_credentials(&corp(), &token, "000000000001", "ReadOnly")
        .await
        .unwrap_err();
    assert!(
        matches!(forbidden, SsoError::Forbidden { .. }),
        "{forbidden:?}"
    );
    assert!(
        forbidden
            .to_string()
            .contains("account 000000000001, role ReadOnly"),
        "{forbidden}"
    );
    let missing = sso
        .role_credentials(&corp(), &token, "000000000001", "Nope")
        .await
        .unwrap_err();
    assert!(matches!(missing, SsoError::NotFound { .. }), "{missing:?}");

    standin.behaviour(|b| b.reject_all_tokens = true);
    let rejected = sso
        .role_credentials(&corp(), &token, "000000000001", "Dev")
        .await
        .unwrap_err();
    assert!(rejected.needs_sign_in(), "{rejected:?}");
    assert!(rejected
        .to_string()
        .contains("run `rolecall sso login --sso-session corp`"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let offline = library(
        &standin,
        dir.path(),
        Arc::new(SystemClock),
        Some(nowhere.clone()),
    );
    let unreachable = offline
        .role_credentials(&corp(), &token, "000000000001", "Dev")
        .await
        .unwrap_err();
    assert!(
        matches!(unreachable, SsoError::Unreachable { .. }),
        "{unreachable:?}"
    );
    assert!(unreachable.to_string().contains(&nowhere), "{unreachable}");

    for err in [&forbidden, &missing, &rejected, &unreachable] {
        let shown = format!("{err} {err:?}");
        for marker in SECRET_MARKERS {
            assert!(!shown.contains(marker), "{shown}");
        }
    }
}

// SSO as the source of sessions: role credentials, chains on SSO, discovered roles.

const CHAINED: &str = "\
[profile deploy]
role_arn = arn:aws:iam::123456789012:role/Deploy
source_profile = dev
duration_seconds = 7200
";

#[test]
fn an_sso_profile_s_credentials_are_cached_and_a_chain_on_it_is_assumed_through_sts() {
    let moto = common::Moto::start();
    let standin = standin(Behaviour::default());
    let mut env = env_for(&standin, &format!("{CONFIG}{CHAINED}"));
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    signed_in(&standin, &env, "TOKEN-SIGNED-IN");

    let first = env.rolecall(&["export", "dev", "--format", "json"]);
    let creds: serde_json::Value = serde_json::from_str(&ok(&first)).unwrap();
    assert!(creds["AccessKeyId"]
        .as_str()
        .unwrap()
        .starts_with("ASIASTANDIN"));
    let again = env.rolecall(&["export", "dev", "--format", "json"]);
    assert_eq!(ok(&again), ok(&first), "the cached session was not reused");
    let calls = standin.requests_to("/federation/credentials");
    assert_eq!(calls.len(), 1, "GetRoleCredentials called twice");
    assert_eq!(
        calls[0].header("x-amz-sso_bearer_token"),
        Some("TOKEN-SIGNED-IN")
    );
    assert_eq!(calls[0].query["account_id"], "000000000001");
    assert_eq!(calls[0].query["role_name"], "Dev");

    // A role on the SSO profile: through STS, capped at an hour (it is role chaining).
    let arn = env.caller_arn("deploy", &[]);
    assert_eq!(arn, "arn:aws:sts::123456789012:assumed-role/Deploy/tester");
    let sessions: serde_json::Value =
        serde_json::from_str(&ok(&env.rolecall(&["sessions", "--format", "json"]))).unwrap();
    let deploy = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == "deploy")
        .unwrap();
    assert!(deploy["seconds_left"].as_i64().unwrap() <= 3600, "{deploy}");
    assert!(
        deploy["source"]
            .as_str()
            .unwrap()
            .contains("sso (sso-session corp 000000000001/Dev)"),
        "{deploy}"
    );
    let check = String::from_utf8(env.rolecall(&["check"]).stdout).unwrap();
    assert!(
        check.contains("IAM Identity Center role credentials"),
        "{check}"
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(!stderr.contains("SSO-ROLE-SECRET") && !stderr.contains("TOKEN-SIGNED-IN"));
}

#[test]
fn an_sso_profile_without_a_token_names_the_sign_in_to_run() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, &format!("{CONFIG}{CHAINED}{LEGACY}"));
    let err = failed(&env.rolecall(&["export", "deploy"]));
    assert!(
        err.contains("profile 'deploy'")
            && err.contains("run `rolecall sso login --sso-session corp`"),
        "{err}"
    );
    let err = failed(&env.rolecall(&["export", "old"]));
    assert!(err.contains("rolecall sso login --profile old"), "{err}");
    // A role the portal refuses is named with the account and the role.
    standin.behaviour(|b| {
        b.forbidden.insert(("000000000001".into(), "Dev".into()));
    });
    signed_in(&standin, &env, "TOKEN-OK");
    let err = failed(&env.rolecall(&["export", "dev"]));
    assert!(
        err.contains("no access to account 000000000001, role Dev"),
        "{err}"
    );
}

#[test]
fn a_discovered_role_with_no_profile_is_usable_by_its_sync_name() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "TOKEN-DISCOVER");
    ok(&env.rolecall(&["sso", "roles", "--sso-session", "corp"]));
    // Account 2's Dev role has no profile: it is `Account-2.Dev`, as `sso sync` names it.
    let json = ok(&env.rolecall(&["export", "Account-2.Dev", "--format", "json"]));
    assert!(json.contains("ASIASTANDIN"), "{json}");
    let last = standin
        .requests_to("/federation/credentials")
        .pop()
        .unwrap();
    assert_eq!(
        (
            last.query["account_id"].as_str(),
            last.query["role_name"].as_str()
        ),
        ("000000000002", "Dev")
    );
    let sessions = ok(&env.rolecall(&["sessions"]));
    assert!(
        sessions.contains("Account-2.Dev") && !sessions.contains("stale"),
        "{sessions}"
    );
}

#[test]
fn completion_offers_sso_sessions_and_discovered_roles() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    let complete = |line: &str| -> Vec<String> {
        let script = format!(
            "{} completions fish | source; complete -C '{line}'",
            env!("CARGO_BIN_EXE_rolecall")
        );
        let out = env
            .command("fish")
            .args(["--no-config", "-c", &script])
            .output()
            .expect("fish runs (bash .ci/setup installs it)");
        assert!(out.stderr.is_empty(), "{out:?}");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.to_string())
            .collect()
    };
    assert_eq!(
        complete("rolecall sso login --sso-session "),
        ["corp\thttps://corp.awsapps.com/start"]
    );
    assert!(complete("rolecall export Account-2").is_empty());
    // Once discovery has run (its cache: completion never calls the portal), the roles no
    // profile configures complete by the names `export` accepts.
    signed_in(&standin, &env, "TOKEN-COMPLETE");
    ok(&env.rolecall(&["sso", "roles", "--sso-session", "corp"]));
    let before = standin.requests_to("/assignment/accounts").len();
    assert_eq!(
        complete("rolecall export Account-2"),
        [
            "Account-2.Dev\tsso (discovered) Dev in 000000000002",
            "Account-2.ReadOnly\tsso (discovered) ReadOnly in 000000000002"
        ]
    );
    assert_eq!(standin.requests_to("/assignment/accounts").len(), before);
}

#[test]
fn an_sso_profile_signs_in_to_the_console_with_its_role_credentials() {
    let standin = standin(Behaviour::default());
    let mut env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "TOKEN-CONSOLE");
    let federation = common::Stub::start(|_| {
        common::Reply::Status(200, r#"{"SigninToken":"console-token"}"#.into())
    });
    env.set(
        "ROLECALL_FEDERATION_ENDPOINT",
        &format!("{}/federation", federation.url),
    );
    let exported: serde_json::Value =
        serde_json::from_str(&ok(&env.rolecall(&["export", "dev", "--format", "json"]))).unwrap();
    let out = env.rolecall(&["console", "dev", "--print", "--duration", "7200"]);
    assert!(ok(&out).contains("SigninToken=console-token"));
    let request = federation
        .requests
        .recv_timeout(Duration::from_secs(10))
        .expect("the federation endpoint was called");
    let query = request.path.split_once('?').unwrap().1;
    let param = |name: &str| {
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            })
        })
    };
    let session: serde_json::Value = serde_json::from_str(&param("Session").unwrap()).unwrap();
    assert_eq!(session["sessionId"], exported["AccessKeyId"]);
    assert_eq!(session["sessionToken"], exported["SessionToken"]);
    // IAM Identity Center's role session is not one assumed with long-term keys.
    assert_eq!(param("SessionDuration"), None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not sent"));
    assert_no_secrets(&[&out]);
}

#[test]
fn discovery_applied_again_drops_the_roles_the_portal_no_longer_gives() {
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "TOKEN-REDISCOVER");
    ok(&env.rolecall(&["sso", "roles", "--refresh"]));
    let sso = Sso::new(SsoOptions {
        token_cache_dir: env.home().join(".aws/sso/cache"),
        discovery_dir: env.dir.path().join("cache"),
        oidc_endpoint: Some(standin.url.clone()),
        portal_endpoint: Some(standin.url.clone()),
        http: None,
        clock: Arc::new(SystemClock),
    });
    let files = rolecall::profile::ProfileGraph::load(&rolecall::profile::ConfigPaths {
        config: env.home().join(".aws/config"),
        credentials: env.home().join(".aws/credentials"),
    });
    let names = |g: &rolecall::profile::ProfileGraph| -> Vec<String> {
        g.profiles().iter().map(|p| p.name.clone()).collect()
    };
    let first = rolecall::sso::with_discovered(&files, &sso).unwrap();
    assert!(names(&first).contains(&"Account-3.Dev".to_string()));
    // Account 3 goes; the TUI applies the new discovery to the graph it shows, which holds
    // the first discovery's roles.
    standin.behaviour(|b| b.accounts.retain(|(id, _)| id != "000000000003"));
    ok(&env.rolecall(&["sso", "roles", "--refresh"]));
    let again = rolecall::sso::with_discovered(&first, &sso).unwrap();
    let fresh = rolecall::sso::with_discovered(&files, &sso).unwrap();
    assert!(!names(&fresh).contains(&"Account-3.Dev".to_string()));
    assert_eq!(names(&again), names(&fresh));
}

/// What `export dev` (GetRoleCredentials) and `sso login` (RegisterClient) say when every
/// answer is `status` with `body`; both are one line, with no secret.
fn sso_failures(status: u16, body: &str) -> (String, String, String) {
    let standin = standin(Behaviour {
        raw_answer: Some((status, body.to_string())),
        ..Behaviour::default()
    });
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "TOKEN-OK");
    let export = env.rolecall(&["export", "dev"]);
    let login = env.rolecall(&[
        "sso",
        "login",
        "--sso-session",
        "corp",
        "--no-browser",
        "--use-device-code",
    ]);
    assert_no_secrets(&[&export, &login]);
    let (export, login) = (failed(&export), failed(&login));
    // Before the error, login says which flow it started.
    let (flow, login) = login.split_once('\n').unwrap();
    assert!(
        flow.contains("with a device code (--use-device-code)"),
        "{flow}"
    );
    let login = login.to_string();
    for err in [&export, &login] {
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(!err.contains("TOKEN-OK"), "{err}");
    }
    (export, login, standin.url.clone())
}

const CHECK_SSO: &str =
    "check sso_region and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, or try again later";

#[test]
fn an_html_error_page_from_the_portal_and_the_oidc_service_is_quoted_short() {
    let (export, login, url) = sso_failures(
        503,
        "<html>\r\n<body>\x1b]0;pwned\x07Service Unavailable</body></html>",
    );
    let page = "HTTP 503 with a body that is not an error of";
    let quoted =
        "(first bytes: \"<html> <body>\\u{1b}]0;pwned\\u{7}Service Unavailable</body></html>\")";
    assert_eq!(
        export,
        format!(
            "rolecall: profile 'dev': the AWS access portal at {url} answered {page} the AWS \
             access portal {quoted} (GetRoleCredentials for sso-session corp); {CHECK_SSO}\n"
        )
    );
    assert_eq!(
        login,
        format!(
            "rolecall: the IAM Identity Center OIDC service at {url} answered {page} the IAM \
             Identity Center OIDC service {quoted} (RegisterClient for sso-session corp); {CHECK_SSO}\n"
        )
    );
}

#[test]
fn garbage_and_huge_answers_from_the_portal_are_described_not_echoed() {
    let (export, _, url) = sso_failures(200, "{\"roleCredentials\": {\"accessKeyId\": \"ASIA");
    assert_eq!(
        export,
        format!(
            "rolecall: profile 'dev': the AWS access portal at {url} answered HTTP 200 with 41 \
             bytes that are not a complete answer of the AWS access portal (cut short, or not \
             the AWS access portal at all) (GetRoleCredentials for sso-session corp); {CHECK_SSO}\n"
        )
    );
    let (export, _, url) = sso_failures(503, &"x".repeat(20 << 20));
    assert_eq!(
        export,
        format!(
            "rolecall: profile 'dev': the AWS access portal at {url} answered HTTP 503 with a \
             body larger than 1024 KiB, which is not an answer of the AWS access portal \
             (GetRoleCredentials for sso-session corp); {CHECK_SSO}\n"
        )
    );
}

#[test]
fn an_unreachable_portal_gives_the_cause_not_a_debug_struct() {
    let standin = standin(Behaviour::default());
    let mut env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "TOKEN-OK");
    let closed = common::sts_standin::closed_port_url();
    env.set("AWS_ENDPOINT_URL_SSO", &closed);
    let err = failed(&env.rolecall(&["export", "dev"]));
    assert_eq!(
        err,
        format!(
            "rolecall: profile 'dev': cannot reach the AWS access portal at {closed}: Connection \
             refused (os error 111) (check the network, sso_region, and AWS_ENDPOINT_URL_SSO / \
             AWS_ENDPOINT_URL_SSO_OIDC)\n"
        )
    );
}

// Overlapping writes and crashes lose nothing (issue 16, items 5-7).

/// A second sso-session beside `corp`, for syncs that overlap.
const OTHER_SESSION: &str = "\
[sso-session other]
sso_start_url = https://other.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
";

/// How often the overlapping syncs are started; unlocked, one block was lost 90 times in 100.
const RACE_ROUNDS: usize = 40;

/// `corp` and `other` both signed in, and both discoveries cached: a sync then does no
/// network call, only the read–modify–write of the config.
fn two_sessions_ready(standin: &SsoStandin) -> (Env, String) {
    let config = format!("{CONFIG}\n{OTHER_SESSION}");
    let env = env_for(standin, &config);
    signed_in(standin, &env, "SSO-ACCESS-TOKEN-race");
    let other = serde_json::json!({
        "startUrl": "https://other.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "SSO-ACCESS-TOKEN-race",
        "expiresAt": (Utc::now() + TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    std::fs::write(token_path(&env, "other"), other.to_string()).unwrap();
    for session in ["corp", "other"] {
        ok(&env.rolecall(&["sso", "roles", "--sso-session", session]));
    }
    (env, config)
}

fn block_start(session: &str) -> String {
    format!("# BEGIN rolecall sso sync (sso-session {session})")
}

fn spawn_rolecall(env: &Env, args: &[&str]) -> std::process::Child {
    env.command(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn overlapping_syncs_of_two_sso_sessions_keep_both_blocks() {
    let standin = standin(Behaviour::default());
    let (env, config) = two_sessions_ready(&standin);
    let path = env.home().join(".aws/config");
    for round in 0..RACE_ROUNDS {
        std::fs::write(&path, &config).unwrap();
        let children: Vec<_> = ["corp", "other"]
            .iter()
            .map(|s| spawn_rolecall(&env, &["sso", "sync", "--sso-session", s]))
            .collect();
        for child in children {
            ok(&child.wait_with_output().unwrap());
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for session in ["corp", "other"] {
            assert!(
                text.contains(&block_start(session)),
                "round {round}: both syncs succeeded but the block of {session} is missing:\n{text}"
            );
        }
        assert!(text.starts_with(&config), "round {round}:\n{text}");
    }
    assert_eq!(
        common::temp_files(&env.home().join(".aws")),
        Vec::<String>::new()
    );
}

#[test]
fn a_config_saved_during_sync_keeps_the_edit_and_sync_says_to_run_again() {
    let standin = standin(Behaviour::default());
    let (mut env, config) = two_sessions_ready(&standin);
    let path = env.home().join(".aws/config");
    env.set("ROLECALL_TEST_WRITE_HOOK", "stop-before-rename:config");
    let child = spawn_rolecall(&env, &["sso", "sync", "--sso-session", "corp"]);
    common::wait_until_stopped(&child);
    // An editor that takes no lock saves the file between sync's read and its rename.
    let edited = format!("{config}[profile edited]\nregion = eu-north-1\n");
    std::fs::write(&path, &edited).unwrap();
    common::resume(&child);
    let out = child.wait_with_output().unwrap();
    let err = failed(&out);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("changed on disk"), "{err}");
    assert!(err.contains("run the command again"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    assert_eq!(
        common::temp_files(&env.home().join(".aws")),
        Vec::<String>::new()
    );

    // Run again, as the message says: the edit stays and the block is added.
    env.set("ROLECALL_TEST_WRITE_HOOK", "");
    ok(&env.rolecall(&["sso", "sync", "--sso-session", "corp"]));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&edited), "{text}");
    assert!(text.contains(&block_start("corp")), "{text}");
}

#[test]
fn sync_run_as_root_keeps_the_config_s_owner_and_mode() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "this test gives the config to another user, which needs root (CI runs tests as root)"
    );
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-owner");
    let path = env.home().join(".aws/config");
    std::os::unix::fs::chown(&path, Some(1234), Some(1234)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

    ok(&env.rolecall(&["sso", "sync"]));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&block_start("corp")), "{text}");
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    assert_eq!(meta.mode() & 0o7777, 0o640);
}

#[test]
fn a_sync_killed_while_writing_leaves_the_config_and_no_temporary_file() {
    let standin = standin(Behaviour::default());
    let (mut env, config) = two_sessions_ready(&standin);
    let aws = env.home().join(".aws");
    let path = aws.join("config");
    let killed = |out: &Output| {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(libc::SIGKILL), "{out:?}");
    };

    // Killed with the new contents written but not yet linked in: nothing is on disk.
    env.set("ROLECALL_TEST_WRITE_HOOK", "kill-before-link:config");
    killed(&env.rolecall(&["sso", "sync", "--sso-session", "corp"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), config);
    assert_eq!(common::temp_files(&aws), Vec::<String>::new());

    // Killed in the instant it has a temporary name: the next write in the directory removes it.
    env.set("ROLECALL_TEST_WRITE_HOOK", "kill-before-rename:config");
    killed(&env.rolecall(&["sso", "sync", "--sso-session", "corp"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), config);
    assert_eq!(common::temp_files(&aws).len(), 1);
    env.set("ROLECALL_TEST_WRITE_HOOK", "");
    ok(&env.rolecall(&["sso", "sync", "--sso-session", "corp"]));
    assert_eq!(common::temp_files(&aws), Vec::<String>::new());
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains(&block_start("corp")));
}

#[test]
fn a_temporary_file_an_older_sync_left_is_removed_by_the_next() {
    // What a sync killed before this fix left: `.config.tmp-PID-0` of a process that is gone.
    let standin = standin(Behaviour::default());
    let env = env_for(&standin, CONFIG);
    signed_in(&standin, &env, "SSO-ACCESS-TOKEN-leftover");
    let aws = env.home().join(".aws");
    let gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait_with_output().unwrap();
    let leftover = aws.join(format!(".config.tmp-{pid}-0"));
    std::fs::write(&leftover, "[profile x]\n").unwrap();
    // Not rolecall's pattern: kept.
    let other = aws.join(".config.tmp-notes");
    std::fs::write(&other, "mine").unwrap();
    ok(&env.rolecall(&["sso", "sync"]));
    assert!(!leftover.exists());
    assert!(other.exists());
}
