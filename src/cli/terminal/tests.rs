use super::*;

#[test]
fn a_line_is_read_up_to_its_newline_and_no_further() {
    let mut input: &[u8] = b"123456\nnext line";
    let line = read_line(&mut input).unwrap();
    assert_eq!(&line[..], b"123456");
    // What follows the line stays for whoever reads next.
    assert_eq!(input, b"next line");
    let line = read_line(&mut input).unwrap();
    assert_eq!(&line[..], b"next line");
    assert!(read_line(&mut input).is_none());
}

#[test]
fn a_long_line_is_cut_to_the_limit_and_read_to_its_end() {
    let long = format!("{}\n123456\n", "9".repeat(10_000));
    let mut input = long.as_bytes();
    let line = read_line(&mut input).unwrap();
    assert_eq!(line.len(), ANSWER_LIMIT);
    assert_eq!(&read_line(&mut input).unwrap()[..], b"123456");
}
