
use super::*;

#[test]
fn bare_values() {
    assert_eq!(quote("AKIAIOSFODNN7EXAMPLE"), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(quote("wJalr/K7+MDENG=="), "wJalr/K7+MDENG==");
    assert_eq!(quote("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z");
    assert_eq!(quote("a@b,c.d_e"), "a@b,c.d_e");
    assert_eq!(quote(""), "");
}

#[test]
fn portable_double_quotes() {
    assert_eq!(quote("a b"), "\"a b\"");
    assert_eq!(quote("it's"), "\"it's\"");
    assert_eq!(quote(r#"a\b"c"#), r#""a\\b\"c""#);
    assert_eq!(quote("a\nb;#"), "\"a\nb;#\"");
}

#[test]
fn portable_single_quotes() {
    assert_eq!(quote("$HOME"), "'$HOME'");
    assert_eq!(quote("a `b` \"c\"\nd"), "'a `b` \"c\"\nd'");
}

#[test]
fn shell_fallback() {
    assert_eq!(quote("it's $HOME"), r#""it's \$HOME""#);
    assert_eq!(quote(r"\$"), r#""\\\$""#);
    assert_eq!(quote("${X}`y`"), r#""\${X}\`y\`""#);
    assert_eq!(quote("trailing\\"), r#""trailing\\""#);
}

#[test]
fn lines() {
    let env = vec![
        ("A".to_string(), "x".to_string()),
        ("B".to_string(), "y z".to_string()),
    ];
    assert_eq!(dotenv(&env), "A=x\nB=\"y z\"\n");
}
