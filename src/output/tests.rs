//! Golden output of [`render`] for every format, built through `session_env`.

use super::*;
use crate::secret::Secret;
use crate::session::child_env::session_env;
use chrono::{TimeZone, Utc};

fn temporary() -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new("wJalr/K7+KEY"),
        session_token: Some(Secret::new("FwoGZX=")),
        expiration: Some(Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()),
    }
}

fn long_term() -> Credentials {
    Credentials {
        access_key_id: "AKIAEXAMPLE".into(),
        secret_access_key: Secret::new("secret"),
        session_token: None,
        expiration: None,
    }
}

fn out(format: Format, creds: &Credentials) -> String {
    render(format, creds, &session_env(creds, Some("eu-west-1"), "dev")).unwrap()
}

#[test]
fn sh() {
    assert_eq!(
        out(Format::Sh, &temporary()),
        "unset AWS_PROFILE AWS_DEFAULT_PROFILE\n\
         export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n\
         export AWS_SECRET_ACCESS_KEY='wJalr/K7+KEY'\n\
         export AWS_SESSION_TOKEN='FwoGZX='\n\
         export AWS_SECURITY_TOKEN='FwoGZX='\n\
         export AWS_CREDENTIAL_EXPIRATION='2024-05-06T07:08:09Z'\n\
         export AWS_REGION='eu-west-1'\n\
         export AWS_DEFAULT_REGION='eu-west-1'\n\
         export ROLECALL_REGION='eu-west-1'\n\
         export ROLECALL_PROFILE='dev'\n"
    );
}

#[test]
fn fish() {
    assert_eq!(
        out(Format::Fish, &long_term()),
        "set -e AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
         AWS_CREDENTIAL_EXPIRATION; or true;\n\
         set -gx AWS_ACCESS_KEY_ID 'AKIAEXAMPLE';\n\
         set -gx AWS_SECRET_ACCESS_KEY 'secret';\n\
         set -gx AWS_REGION 'eu-west-1';\n\
         set -gx AWS_DEFAULT_REGION 'eu-west-1';\n\
         set -gx ROLECALL_REGION 'eu-west-1';\n\
         set -gx ROLECALL_PROFILE 'dev';\n"
    );
}

#[test]
fn powershell() {
    assert_eq!(
        out(Format::PowerShell, &long_term()),
        "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n\
         Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue\n\
         Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue\n\
         Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue\n\
         Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue\n\
         $Env:AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE'\n\
         $Env:AWS_SECRET_ACCESS_KEY = 'secret'\n\
         $Env:AWS_REGION = 'eu-west-1'\n\
         $Env:AWS_DEFAULT_REGION = 'eu-west-1'\n\
         $Env:ROLECALL_REGION = 'eu-west-1'\n\
         $Env:ROLECALL_PROFILE = 'dev'\n"
    );
}

/// The region rule as each shell format writes it, for a session without a region.
fn without_region(format: Format) -> String {
    let creds = long_term();
    render(format, &creds, &session_env(&creds, None, "dev")).unwrap()
}

#[test]
fn sh_without_a_region_drops_only_the_region_rolecall_set() {
    assert_eq!(
        without_region(Format::Sh),
        "if [ -n \"${ROLECALL_REGION+set}\" ] && [ \"${AWS_REGION-}\" = \"$ROLECALL_REGION\" ]; \
         then unset AWS_REGION; fi\n\
         if [ -n \"${ROLECALL_REGION+set}\" ] && [ \"${AWS_DEFAULT_REGION-}\" = \"$ROLECALL_REGION\" ]; \
         then unset AWS_DEFAULT_REGION; fi\n\
         unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
         AWS_CREDENTIAL_EXPIRATION ROLECALL_REGION\n\
         export AWS_ACCESS_KEY_ID='AKIAEXAMPLE'\n\
         export AWS_SECRET_ACCESS_KEY='secret'\n\
         export ROLECALL_PROFILE='dev'\n"
    );
}

#[test]
fn fish_without_a_region_drops_only_the_region_rolecall_set() {
    assert_eq!(
        without_region(Format::Fish),
        "if set -q ROLECALL_REGION; and test \"$AWS_REGION\" = \"$ROLECALL_REGION\"; \
         set -e AWS_REGION; end;\n\
         if set -q ROLECALL_REGION; and test \"$AWS_DEFAULT_REGION\" = \"$ROLECALL_REGION\"; \
         set -e AWS_DEFAULT_REGION; end;\n\
         set -e AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
         AWS_CREDENTIAL_EXPIRATION ROLECALL_REGION; or true;\n\
         set -gx AWS_ACCESS_KEY_ID 'AKIAEXAMPLE';\n\
         set -gx AWS_SECRET_ACCESS_KEY 'secret';\n\
         set -gx ROLECALL_PROFILE 'dev';\n"
    );
}

#[test]
fn powershell_without_a_region_drops_only_the_region_rolecall_set() {
    let out = without_region(Format::PowerShell);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "if ((Test-Path Env:ROLECALL_REGION) -and ($Env:AWS_REGION -ceq $Env:ROLECALL_REGION)) \
             { Remove-Item Env:AWS_REGION -ErrorAction SilentlyContinue }",
            "if ((Test-Path Env:ROLECALL_REGION) -and ($Env:AWS_DEFAULT_REGION -ceq \
             $Env:ROLECALL_REGION)) { Remove-Item Env:AWS_DEFAULT_REGION -ErrorAction \
             SilentlyContinue }",
        ]
    );
    assert!(lines.contains(&"Remove-Item Env:ROLECALL_REGION -ErrorAction SilentlyContinue"));
}

#[test]
fn docker_refuses_a_region_a_shell_would_split() {
    let creds = long_term();
    let env = session_env(&creds, Some("eu west 1"), "dev");
    let err = render(Format::Docker, &creds, &env).unwrap_err();
    assert_eq!(err.var, "AWS_REGION");
}

#[test]
fn dotenv() {
    assert_eq!(
        out(Format::Dotenv, &temporary()),
        "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
         AWS_SECRET_ACCESS_KEY=wJalr/K7+KEY\n\
         AWS_SESSION_TOKEN=FwoGZX=\n\
         AWS_SECURITY_TOKEN=FwoGZX=\n\
         AWS_CREDENTIAL_EXPIRATION=2024-05-06T07:08:09Z\n\
         AWS_REGION=eu-west-1\n\
         AWS_DEFAULT_REGION=eu-west-1\n\
         ROLECALL_REGION=eu-west-1\n\
         ROLECALL_PROFILE=dev\n"
    );
}

#[test]
fn json_temporary() {
    assert_eq!(
        out(Format::Json, &temporary()),
        r#"{
  "AccessKeyId": "ASIAEXAMPLE",
  "SecretAccessKey": "wJalr/K7+KEY",
  "SessionToken": "FwoGZX=",
  "Expiration": "2024-05-06T07:08:09Z"
}
"#
    );
}

#[test]
fn json_long_term_has_nulls() {
    assert_eq!(
        out(Format::Json, &long_term()),
        r#"{
  "AccessKeyId": "AKIAEXAMPLE",
  "SecretAccessKey": "secret",
  "SessionToken": null,
  "Expiration": null
}
"#
    );
}

#[test]
fn json_escapes() {
    let mut creds = long_term();
    creds.secret_access_key = Secret::new("a\"b\\c\nd");
    let parsed: serde_json::Value = serde_json::from_str(&out(Format::Json, &creds)).unwrap();
    assert_eq!(parsed["SecretAccessKey"], "a\"b\\c\nd");
}

#[test]
fn credential_process_temporary() {
    assert_eq!(
        out(Format::CredentialProcess, &temporary()),
        r#"{
  "Version": 1,
  "AccessKeyId": "ASIAEXAMPLE",
  "SecretAccessKey": "wJalr/K7+KEY",
  "SessionToken": "FwoGZX=",
  "Expiration": "2024-05-06T07:08:09Z"
}
"#
    );
}

#[test]
fn credential_process_long_term_omits() {
    assert_eq!(
        out(Format::CredentialProcess, &long_term()),
        r#"{
  "Version": 1,
  "AccessKeyId": "AKIAEXAMPLE",
  "SecretAccessKey": "secret"
}
"#
    );
}

#[test]
fn docker() {
    assert_eq!(
        out(Format::Docker, &long_term()),
        "--env=AWS_ACCESS_KEY_ID=AKIAEXAMPLE\n\
         --env=AWS_SECRET_ACCESS_KEY=secret\n\
         --env=AWS_REGION=eu-west-1\n\
         --env=AWS_DEFAULT_REGION=eu-west-1\n\
         --env=ROLECALL_REGION=eu-west-1\n\
         --env=ROLECALL_PROFILE=dev\n"
    );
}

#[test]
fn redshift() {
    assert_eq!(
        out(Format::Redshift, &temporary()),
        "aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=wJalr/K7+KEY;token=FwoGZX=\n"
    );
    assert_eq!(
        out(Format::Redshift, &long_term()),
        "aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=secret\n"
    );
}

#[test]
fn every_format_ends_with_one_newline() {
    for format in Format::ALL {
        for creds in [temporary(), long_term()] {
            let text = out(format, &creds);
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{format}");
        }
    }
}
