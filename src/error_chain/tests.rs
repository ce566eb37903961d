use super::*;

#[derive(Debug, thiserror::Error)]
#[error("dispatch failure")]
struct Layer(#[source] std::io::Error);

#[test]
fn the_root_cause_is_the_bottom_of_the_chain() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    assert_eq!(root_cause(&Layer(io)), "refused");
}

#[test]
fn holds_finds_a_type_anywhere_in_the_chain() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    let layered = Layer(io);
    assert!(holds::<std::io::Error>(&layered));
    assert!(holds::<Layer>(&layered));
    assert!(!holds::<std::fmt::Error>(&layered));
}
