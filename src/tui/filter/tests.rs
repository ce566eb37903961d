
use super::*;

fn hay(names: &[&str]) -> Vec<Haystack> {
    names.iter().map(|n| Haystack::new(n, "", "", "")).collect()
}

fn ranked<'a>(names: &[&'a str], q: &str) -> Vec<&'a str> {
    rank(&hay(names), q).into_iter().map(|i| names[i]).collect()
}

#[test]
fn subsequence_case_insensitive() {
    assert_eq!(ranked(&["Prod-Admin", "dev"], "padm"), vec!["Prod-Admin"]);
    assert!(ranked(&["dev"], "dve").is_empty());
}

#[test]
fn smart_case_an_uppercase_letter_makes_the_term_exact() {
    let names = ["Prod-Admin", "prod-dev"];
    assert_eq!(ranked(&names, "prod"), vec!["Prod-Admin", "prod-dev"]);
    assert_eq!(ranked(&names, "Prod"), vec!["Prod-Admin"]);
    assert_eq!(ranked(&names, "PAdm"), vec!["Prod-Admin"]);
    assert!(ranked(&names, "PADM").is_empty());
    // Per term: the lowercase one stays case-insensitive.
    let h = vec![
        Haystack::new("prod", "", "Admin", ""),
        Haystack::new("Prod", "", "admin", ""),
    ];
    assert_eq!(rank(&h, "Adm prod"), vec![0]);
    assert_eq!(
        ranked(&["ZÜRICH-dev", "zürich-prod"], "ÜR"),
        vec!["ZÜRICH-dev"]
    );
}

#[test]
fn ascii_terms_match_accented_latin_letters() {
    let names = ["zürich-prod", "zurich-dev", "São-Paulo", "Łódź"];
    assert_eq!(ranked(&names, "zurich"), vec!["zürich-prod", "zurich-dev"]);
    assert_eq!(ranked(&names, "sao"), vec!["São-Paulo"]);
    assert_eq!(ranked(&names, "lodz"), vec!["Łódź"]);
    // An accented term means that letter.
    assert_eq!(ranked(&names, "zür"), vec!["zürich-prod"]);
}

#[test]
fn contiguous_beats_scattered() {
    let names = ["a-d-m-i-n-x", "xadminx"];
    assert_eq!(ranked(&names, "admin"), vec!["xadminx", "a-d-m-i-n-x"]);
}

#[test]
fn word_start_beats_middle() {
    let names = ["badops", "prod-ops"];
    assert_eq!(ranked(&names, "ops"), vec!["prod-ops", "badops"]);
}

#[test]
fn exact_name_first() {
    let names = ["ops-deploy", "ops"];
    assert_eq!(ranked(&names, "ops"), vec!["ops", "ops-deploy"]);
}

#[test]
fn terms_match_any_field_all_required() {
    let h = vec![
        Haystack::new("alpha", "111111111111", "Admin", "eu-west-1"),
        Haystack::new("beta", "222222222222", "ReadOnly", "us-east-1"),
    ];
    assert_eq!(rank(&h, "2222"), vec![1]);
    assert_eq!(rank(&h, "admin eu"), vec![0]);
    assert_eq!(rank(&h, "admin east"), Vec::<usize>::new());
    assert_eq!(rank(&h, "  "), vec![0, 1]);
}

#[test]
fn name_match_beats_other_fields() {
    let h = vec![
        Haystack::new("zeta", "", "ops", ""),
        Haystack::new("ops", "", "", ""),
    ];
    assert_eq!(rank(&h, "ops"), vec![1, 0]);
}

#[test]
fn non_ascii_terms_and_fields() {
    let names = ["zürich-prod", "zurich-dev"];
    assert_eq!(ranked(&names, "ür"), vec!["zürich-prod"]);
    assert_eq!(ranked(&names, "zrch").len(), 2);
    assert_eq!(
        ranked(&["本番環境-admin", "開発-admin"], "本環"),
        vec!["本番環境-admin"]
    );
}

#[test]
fn rank_among_narrows() {
    let h = hay(&["ab", "abc", "b"]);
    assert_eq!(rank_among(&h, "abc", [0, 1]), vec![1]);
}
