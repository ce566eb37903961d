
use super::*;

use crate::testing::env_list as env;

#[test]
fn shell_quote_shapes() {
    assert_eq!(shell_quote(""), "''");
    assert_eq!(shell_quote("abc"), "'abc'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote("$HOME `x` \\ \"q\""), "'$HOME `x` \\ \"q\"'");
    assert_eq!(shell_quote("''"), r"''\'''\'''");
}

#[test]
fn sh_shape() {
    let out = sh(&env(&[("A", "x"), ("B", "it's"), (REGION_MARK_VAR, "r")]));
    assert_eq!(
        out,
        "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
             AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION\n\
             export A='x'\nexport B='it'\\''s'\nexport ROLECALL_REGION='r'\n"
    );
}

#[test]
fn fish_shape() {
    let out = fish(&env(&[
        ("A", "x"),
        ("B", r"it's a \ back"),
        (REGION_MARK_VAR, "r"),
    ]));
    assert_eq!(
        out,
        "set -e AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
             AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION; or true;\n\
             set -gx A 'x';\nset -gx B 'it\\'s a \\\\ back';\nset -gx ROLECALL_REGION 'r';\n"
    );
}

#[test]
fn powershell_shape() {
    let out = powershell(&env(&[
        ("A", "x"),
        ("B", "it's \u{2019}q\u{2019} $x"),
        (REGION_MARK_VAR, "r"),
    ]));
    assert_eq!(
        out,
        "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue\n\
             Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue\n\
             $Env:A = 'x'\n\
             $Env:B = 'it''s \u{2019}\u{2019}q\u{2019}\u{2019} $x'\n\
             $Env:ROLECALL_REGION = 'r'\n"
    );
}
