
use super::*;

#[test]
fn an_excerpt_is_one_short_visible_line() {
    assert_eq!(excerpt(b"  <html>\r\n <b>Busy</b>\n"), "<html> <b>Busy</b>");
    assert_eq!(excerpt(b"\x1b]0;x\x07\"q\""), "\\u{1b}]0;x\\u{7}\\\"q\\\"");
    let long = excerpt(&vec![b'a'; 20 << 20]);
    assert_eq!(long, format!("{}…", "a".repeat(EXCERPT_CHARS)));
    assert_eq!(excerpt(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
}
