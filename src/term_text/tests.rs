use super::*;

#[test]
fn clean_text_is_borrowed_unchanged() {
    for text in [
        "",
        "prod-admin",
        "arn:aws:iam::123456789012:role/A",
        "Zürich · 東京 …",
        "a\\x1b",
    ] {
        assert!(
            matches!(visible(text), Cow::Borrowed(t) if t == text),
            "{text}"
        );
        assert!(
            matches!(visible_lines(text), Cow::Borrowed(t) if t == text),
            "{text}"
        );
    }
    assert!(matches!(visible_lines("two\nlines"), Cow::Borrowed(_)));
}

#[test]
fn controls_show_escaped() {
    assert_eq!(visible("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
    assert_eq!(visible("\x1b[2J"), "\\x1b[2J");
    assert_eq!(
        visible("\x1b]52;c;ZWNobyBwd25lZA==\x07"),
        "\\x1b]52;c;ZWNobyBwd25lZA==\\x07"
    );
    assert_eq!(visible("a\u{9b}2Jb"), "a\\u{9b}2Jb");
    assert_eq!(visible("\0\x08\x7f"), "\\x00\\x08\\x7f");
    assert_eq!(visible("a\tb\r\nc"), "a\\tb\\r\\nc");
    assert_eq!(visible_lines("a\tb\r\nc"), "a\\tb\\r\nc");
    assert_eq!(visible("admin\u{202e}nimda"), "admin\\u{202e}nimda");
    assert_eq!(
        visible("\u{2066}x\u{2069}\u{200f}\u{61c}"),
        "\\u{2066}x\\u{2069}\\u{200f}\\u{61c}"
    );
    assert_eq!(visible("é\u{85}ü"), "é\\u{85}ü");
}

#[test]
fn escaping_twice_changes_nothing_more() {
    let once = visible("\x1b[2J\u{9b}\u{202e}").into_owned();
    assert!(matches!(visible(&once), Cow::Borrowed(_)));
}

/// Writes `parts` one write each, then flushes.
fn through_visible(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Visible::new(Vec::new());
    for part in parts {
        out.write_all(part).unwrap();
    }
    out.flush().unwrap();
    out.inner
}

#[test]
fn the_writer_keeps_lines_and_escapes_the_rest() {
    assert_eq!(
        through_visible(&[b"NAME  \x1b]0;t\x07\n", b"ok \xc2\x9b2J\n"]),
        b"NAME  \\x1b]0;t\\x07\nok \\u{9b}2J\n"
    );
}

#[test]
fn the_writer_joins_a_character_cut_between_writes() {
    // U+009B (C2 9B) and an ellipsis (E2 80 A6), each cut in two.
    assert_eq!(
        through_visible(&[b"a\xc2", b"\x9bb\xe2\x80", b"\xa6"]),
        "a\\u{9b}b…".as_bytes()
    );
}

#[test]
fn the_writer_shows_bytes_that_are_not_utf8_as_replacement_characters() {
    // A lone 0x9b is CSI to an 8-bit terminal.
    assert_eq!(through_visible(&[b"a\x9b[2J"]), "a\u{fffd}[2J".as_bytes());
    // Cut and never finished.
    assert_eq!(through_visible(&[b"a\xe2\x80"]), "a\u{fffd}".as_bytes());
}

#[test]
fn json_stays_exact_and_escapes_what_a_terminal_would_obey() {
    let value = serde_json::json!({
        "name": "\x1b]0;t\x07 \u{9b}2J \u{7f} \u{202e} é…",
        "list": ["a", "b\nc"],
    });
    let mut out = Vec::new();
    write_json_pretty(&mut out, &value).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.ends_with("}\n"));
    for c in text.chars() {
        assert!(c == '\n' || !needs_escape(c), "{c:?} in {text}");
    }
    assert!(
        text.contains(r#""\u001b]0;t\u0007 \u009b2J \u007f \u202e é…""#),
        "{text}"
    );
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, value);
    // The same layout as serde_json's own pretty printer.
    let clean = serde_json::json!({"a": [1, {"b": null}], "c": "d"});
    let mut ours = Vec::new();
    write_json_pretty(&mut ours, &clean).unwrap();
    assert_eq!(
        String::from_utf8(ours).unwrap(),
        serde_json::to_string_pretty(&clean).unwrap() + "\n"
    );
}

#[test]
fn counts_take_the_noun_for_that_many() {
    assert_eq!(count(0, "request", "requests"), "0 requests");
    assert_eq!(count(1, "request", "requests"), "1 request");
    assert_eq!(
        count(2, "set-aside copy", "set-aside copies"),
        "2 set-aside copies"
    );
}

/// The plain definition [`first_to_escape`] must agree with: the first character that
/// must be escaped, found by decoding every character.
fn first_to_escape_by_chars(text: &str, newlines: Newlines) -> Option<usize> {
    text.char_indices()
        .find(|&(_, c)| must_escape(c, newlines))
        .map(|(i, _)| i)
}

#[test]
fn the_word_at_a_time_scan_finds_what_decoding_every_character_finds() {
    // Every byte of interest, at every offset around the eight-byte words' edges, after
    // printable ASCII and after arrows (a chain's), in both newline modes.
    let specials = [
        "\0", "\x1f", " ", "~", "\x7f", "\n", "\t", "\u{80}", "\u{9f}", "\u{a0}", "é", "→",
        "\u{202e}", "\u{2066}", "\u{061c}", "\u{200e}", "😀", "\u{ffff}",
    ];
    for prefix_len in 0..20 {
        for arrows in [false, true] {
            let prefix: String = (0..prefix_len)
                .map(|i| if arrows && i % 5 == 4 { '→' } else { 'a' })
                .collect();
            for special in specials {
                for suffix in ["", "bcdefghijk", "\x01"] {
                    let text = format!("{prefix}{special}{suffix}");
                    for newlines in [Newlines::Escape, Newlines::Keep] {
                        assert_eq!(
                            first_to_escape(&text, newlines),
                            first_to_escape_by_chars(&text, newlines),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }
}
