
use super::*;

#[test]
fn values_that_fit_on_one_line_pass() {
    for value in [
        "eu-west-1",
        "111111111111",
        "AWSAdministratorAccess",
        "a=b",
        "url#fragment",
        "semi;colon",
        "quotes \"'",
        "$(touch /tmp/p)",
        "[profile x]",
        "ünïcødé name",
        &"x".repeat(10_000),
    ] {
        assert_eq!(check_value(value), Ok(()), "{value:?}");
    }
}

#[test]
fn values_that_would_break_the_line_are_refused() {
    let cases: [(&str, Unwritable); 16] = [
        ("", Unwritable::Empty),
        ("Admin\n[profile x]", Unwritable::Control('\n')),
        ("Admin\r[profile x]", Unwritable::Control('\r')),
        ("Admin\0", Unwritable::Control('\0')),
        ("a\x1b]0;title\x07", Unwritable::Control('\x1b')),
        ("a\x7f", Unwritable::Control('\x7f')),
        ("a\u{9b}31m", Unwritable::Control('\u{9b}')),
        ("a\u{85}b", Unwritable::Control('\u{85}')),
        ("a\tb", Unwritable::Control('\t')),
        ("a\u{2028}b", Unwritable::LineSeparator('\u{2028}')),
        (" Admin", Unwritable::EdgeWhitespace),
        ("Admin ", Unwritable::EdgeWhitespace),
        ("Admin\u{a0}", Unwritable::EdgeWhitespace),
        ("#Admin", Unwritable::Comment('#')),
        ("Admin ;x", Unwritable::Comment(';')),
        ("Admin\u{3000}#x", Unwritable::Comment('#')),
    ];
    for (value, why) in cases {
        assert_eq!(check_value(value), Err(why), "{value:?}");
    }
}

#[test]
fn profile_names_are_identifiers() {
    for name in ["Prod.Admin", "a/b@c:d+e%f_g-h", "0"] {
        assert_eq!(check_profile_name(name), Ok(()), "{name}");
    }
    assert_eq!(check_profile_name(""), Err(Unwritable::Empty));
    for (name, bad) in [
        ("a b", ' '),
        ("a]", ']'),
        ("[a", '['),
        ("a#b", '#'),
        ("a\nb", '\n'),
        ("é", 'é'),
        ("a=b", '='),
    ] {
        assert_eq!(
            check_profile_name(name),
            Err(Unwritable::NameCharacter(bad)),
            "{name:?}"
        );
    }
}

#[test]
fn lines_are_built_only_from_what_passes() {
    assert_eq!(
        property_line("region", "eu-west-1", "\r\n").unwrap(),
        "region = eu-west-1\r\n"
    );
    assert!(property_line("region", "eu\n[x]", "\n").is_err());
    assert!(property_line("re gion", "x", "\n").is_err());
    assert_eq!(profile_header("a.b", "\n").unwrap(), "[profile a.b]\n");
    assert!(profile_header("a]\n[b", "\n").is_err());
}

#[test]
fn shown_text_is_escaped_and_cut() {
    assert_eq!(shown("a\n[b]\u{1b}\0\""), r#""a\n[b]\u{1b}\0\"""#);
    let long = shown(&"é".repeat(500));
    assert!(long.ends_with("\"… (500 characters)"), "{long}");
    assert_eq!(long.chars().filter(|c| *c == 'é').count(), SHOWN_CHARS);
}

#[test]
fn refusals_read_without_raw_control_characters() {
    let text = Unwritable::Control('\x1b').to_string();
    assert!(text.contains("\\u{1b}") && !text.contains('\x1b'), "{text}");
    assert!(!Unwritable::NameCharacter('\n').to_string().contains('\n'));
}
