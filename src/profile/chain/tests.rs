
use super::Chain;

fn chain_of(names: &[&str]) -> Chain {
    let (base, rest) = names.split_last().unwrap();
    rest.iter()
        .rev()
        .fold(Chain::single(base), |chain, name| Chain::then(name, &chain))
}

#[test]
fn names_run_from_the_profile_to_the_base_and_display_base_first() {
    let chain = chain_of(&["admin", "ops", "base"]);
    assert_eq!(chain, ["admin", "ops", "base"]);
    assert_eq!((chain.len(), chain.base()), (3, "base"));
    assert_eq!(chain.display().to_string(), "base → ops → admin");
    assert_eq!(Chain::single("me").display().to_string(), "me");
    assert_eq!(
        serde_json::to_string(&chain).unwrap(),
        r#"["admin","ops","base"]"#
    );
}

#[test]
fn a_long_chain_shows_both_ends() {
    let names: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let chain = chain_of(&refs);
    assert_eq!(
        chain.display().to_string(),
        "p19 → p18 → p17 → p16 → … 12 more … → p3 → p2 → p1 → p0"
    );
    // Nine names fit whole.
    let nine = chain_of(&refs[11..]);
    assert_eq!(
        nine.display().to_string(),
        "p19 → p18 → p17 → p16 → p15 → p14 → p13 → p12 → p11"
    );
}

#[test]
fn a_chain_of_a_million_links_drops_without_overflowing_the_stack() {
    let mut chain = Chain::single("base");
    for _ in 0..1_000_000 {
        chain = Chain::then("p", &chain);
    }
    assert_eq!(chain.len(), 1_000_001);
    drop(chain);
}
