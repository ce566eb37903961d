//! The terminal sanitiser (`rolecall::term_text`), fed arbitrary bytes decoded as rolecall
//! decodes outside text (lossily): what it hands a terminal never holds a byte below 0x20
//! (but the line break `visible_lines` keeps, the only one a view draws itself), DEL, a
//! C1 control (U+0080–U+009F, C2 80–C2 9F in UTF-8) or a bidirectional control; text
//! without those passes through unchanged and borrowed; escaping twice adds nothing. The
//! same for the `Visible` writer given the bytes in arbitrary pieces (it must equal the
//! whole text made visible), and for JSON, which must also read back exactly.
//!
//! The checks are on the output's bytes, written here without the crate's own predicate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::term_text::{visible, visible_lines, write_json_pretty, Visible};
use std::borrow::Cow;
use std::io::Write;

/// The first byte of `out` a terminal would obey, if any. `newline` allows `\n`.
///
/// Output is UTF-8, so a byte in 0x80–0x9F is a continuation byte; it is a C1 control
/// only after C2 (U+0080–U+009F). Bidirectional controls: U+061C (D8 9C), U+200E/F
/// (E2 80 8E/8F), U+202A–U+202E (E2 80 AA–AE), U+2066–U+2069 (E2 81 A6–A9).
fn first_obeyed(out: &[u8], newline: bool) -> Option<usize> {
    let at = |i: usize| out.get(i).copied().unwrap_or(0);
    (0..out.len()).find(|&i| {
        let b = out[i];
        (b < 0x20 && !(newline && b == b'\n'))
            || b == 0x7f
            || (b == 0xc2 && (0x80..=0x9f).contains(&at(i + 1)))
            || (b == 0xd8 && at(i + 1) == 0x9c)
            || (b == 0xe2 && at(i + 1) == 0x80 && matches!(at(i + 2), 0x8e | 0x8f | 0xaa..=0xae))
            || (b == 0xe2 && at(i + 1) == 0x81 && (0xa6..=0xa9).contains(&at(i + 2)))
    })
}

fn assert_safe(out: &str, newline: bool, what: &str) {
    if let Some(i) = first_obeyed(out.as_bytes(), newline) {
        panic!("{what}: byte {i} of {out:?} reaches the terminal");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let line = visible(&text);
    assert_safe(&line, false, "visible");
    let lines = visible_lines(&text);
    assert_safe(&lines, true, "visible_lines");

    // Clean text is not touched (nor copied).
    if first_obeyed(text.as_bytes(), false).is_none() {
        assert!(matches!(line, Cow::Borrowed(t) if t == text), "clean text changed");
    }
    if first_obeyed(text.as_bytes(), true).is_none() {
        assert!(matches!(lines, Cow::Borrowed(t) if t == text), "clean lines changed");
    }
    // Escaping is done once: the escaped form is clean.
    assert!(matches!(visible(&line), Cow::Borrowed(_)), "visible twice");
    assert!(matches!(visible_lines(&lines), Cow::Borrowed(_)), "visible_lines twice");

    // The writer, given the raw bytes in pieces (sizes from the first byte): a character
    // cut between two writes is joined, and bytes that are not UTF-8 become U+FFFD
    // exactly as the lossy decoding above does.
    let mut writer = Visible::new(Vec::new());
    let step = usize::from(data.first().copied().unwrap_or(1) % 7) + 1;
    for piece in data.chunks(step) {
        writer.write_all(piece).unwrap();
    }
    writer.flush().unwrap();
    let written = String::from_utf8(writer.into_inner()).expect("the writer writes UTF-8");
    assert_eq!(written, lines, "the writer differs from visible_lines");

    // JSON: terminal-safe (its one line break is the writer's own, at the end) and exact.
    let mut json = Vec::new();
    write_json_pretty(&mut json, &*text).unwrap();
    let json = String::from_utf8(json).expect("JSON is UTF-8");
    assert_safe(json.trim_end_matches('\n'), false, "json");
    let back: String = serde_json::from_str(&json).expect("the JSON reads back");
    assert_eq!(back, text, "the JSON is not exact");
});
