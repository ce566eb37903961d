
use super::*;

#[test]
fn debug_is_masked() {
    let s = Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let shown = format!("{s:?}");
    assert_eq!(shown, "Secret(****EKEY)");
    assert!(!shown.contains("wJalr"));
}

#[test]
fn short_values_show_nothing() {
    assert_eq!(mask("abc"), "****");
    assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "****MPLE");
}
