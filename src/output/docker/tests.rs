
use super::*;

use crate::testing::env_list as env;

#[test]
fn one_plain_word_per_line() {
    let out = docker(&env(&[
        ("A", "x"),
        ("TOKEN", "FwoGZX+/ab=="),
        ("EXP", "2024-05-06T07:08:09Z"),
        ("P", "a.b_c@d,e%f"),
    ]));
    assert_eq!(
        out.unwrap(),
        "--env=A=x\n--env=TOKEN=FwoGZX+/ab==\n--env=EXP=2024-05-06T07:08:09Z\n\
             --env=P=a.b_c@d,e%f\n"
    );
    assert_eq!(docker(&[]).unwrap(), "\n");
}

#[test]
fn anything_a_shell_splits_or_expands_is_refused_by_name_only() {
    for bad in [
        "eu west 1",
        "a\tb",
        "a\nb",
        "*",
        "a?",
        "[x]",
        "'q'",
        "\"q\"",
        "a\\b",
        "$HOME",
        "`id`",
        "a;b",
        "a|b",
        "a&b",
        "(x)",
        "<x>",
        "~",
        "a#b",
        "\u{1b}[2J",
        "caf\u{e9}",
        "{a,b}",
        "!x",
    ] {
        let err = docker(&env(&[("A", "x"), ("AWS_REGION", bad)])).unwrap_err();
        assert_eq!(err.var, "AWS_REGION", "{bad:?}");
        assert!(!err.to_string().contains(bad), "{bad:?}: {err}");
    }
}
