use super::*;

const NAMES: [&str; 5] = ["prod-admin", "prod-readonly", "dev", "staging-admin", "Ops"];

#[test]
fn a_near_miss_finds_the_name_it_missed() {
    assert_eq!(closest("prod-admn", NAMES), Some("prod-admin"));
    assert_eq!(closest("prod-amdin", NAMES), Some("prod-admin"));
    assert_eq!(closest("ops", NAMES), Some("Ops"));
    assert_eq!(closest("dve", NAMES), Some("dev"));
}

#[test]
fn nothing_close_suggests_nothing() {
    assert_eq!(closest("production", NAMES), None);
    assert_eq!(closest("x", NAMES), None);
    assert_eq!(closest("", NAMES), None);
    assert_eq!(closest("prod", []), None);
}

#[test]
fn distance_counts_edits() {
    assert_eq!(distance("abc", "abc"), 0);
    assert_eq!(distance("abc", "acb"), 1);
    assert_eq!(distance("abc", "ab"), 1);
    assert_eq!(distance("kitten", "sitting"), 3);
}
