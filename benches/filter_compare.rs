//! rolecall's filter (`src/tui/filter.rs`) against nucleo-matcher (helix's matcher), on
//! the same rows and queries (`cargo bench --bench filter_compare`):
//! 1. a quality table: the order each gives on small cases (smart case, Unicode, word
//!    starts, several terms, account digits);
//! 2. speed: one keystroke's ranking over the 10,000 generated profiles of
//!    `benches/gen_config.py` (the rows the TUI builds), median of 51 runs per query.
//!
//! nucleo is used the way rolecall uses its own matcher: each term (a nucleo atom, smart
//! case, smart normalisation) must match one of the four fields, its best field counts,
//! and a match in the name or role gets the same small bonus as in rolecall.

mod common;
use common::generated;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use rolecall::profile::{ConfigPaths, ProfileGraph};
use rolecall::tui::filter::{rank, Haystack};
use std::time::{Duration, Instant};

/// One row as nucleo sees it: the four fields, converted once.
struct NucleoRow([Utf32String; 4]);

/// nucleo's points for a name or role match, in its units (16 a matched character),
/// proportional to rolecall's `FIELD_BONUS`.
const NUCLEO_FIELD_BONUS: [u32; 4] = [16, 0, 6, 0];

fn nucleo_rows(rows: &[[String; 4]]) -> Vec<NucleoRow> {
    rows.iter()
        .map(|r| NucleoRow(r.clone().map(Utf32String::from)))
        .collect()
}

fn nucleo_rank(matcher: &mut Matcher, rows: &[NucleoRow], query: &str) -> Vec<usize> {
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    if pattern.atoms.is_empty() {
        return (0..rows.len()).collect();
    }
    let mut scored: Vec<(u32, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let mut total = 0;
            for atom in &pattern.atoms {
                let best = row
                    .0
                    .iter()
                    .zip(NUCLEO_FIELD_BONUS)
                    .filter_map(|(field, bonus)| {
                        atom.score(field.slice(..), matcher)
                            .map(|s| s as u32 + bonus)
                    })
                    .max()?;
                total += best;
            }
            Some((total, i))
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

fn rolecall_rows(rows: &[[String; 4]]) -> Vec<Haystack> {
    rows.iter()
        .map(|[n, a, r, g]| Haystack::new(n, a, r, g))
        .collect()
}

fn row(name: &str, account: &str, role: &str, region: &str) -> [String; 4] {
    [name, account, role, region].map(String::from)
}

fn names(names: &[&str]) -> Vec<[String; 4]> {
    names.iter().map(|n| row(n, "", "", "")).collect()
}

/// The quality cases: (what is tested, rows, query).
fn cases() -> Vec<(&'static str, Vec<[String; 4]>, &'static str)> {
    vec![
        (
            "smart case, lower query",
            names(&["Prod-Admin", "prod-dev"]),
            "prod",
        ),
        (
            "smart case, upper query",
            names(&["Prod-Admin", "prod-dev"]),
            "Prod",
        ),
        (
            "ASCII query, accented name",
            names(&["zürich-prod", "zurich-dev"]),
            "zurich",
        ),
        (
            "accented query",
            names(&["zürich-prod", "zurich-dev"]),
            "zür",
        ),
        (
            "accented upper query",
            names(&["zürich-prod", "ZÜRICH-dev"]),
            "ÜR",
        ),
        ("sharp s", names(&["straße-prod", "strasse-dev"]), "strasse"),
        (
            "sharp s query",
            names(&["straße-prod", "strasse-dev"]),
            "straße",
        ),
        (
            "decomposed (NFD) name, NFC query",
            names(&["zu\u{308}rich-prod", "zurich-dev"]),
            "zür",
        ),
        ("CJK", names(&["本番-admin", "開発-admin"]), "本番"),
        (
            "CJK subsequence",
            names(&["本番環境-admin", "開発-admin"]),
            "本環",
        ),
        ("word start", names(&["badops", "prod-ops"]), "ops"),
        (
            "initials vs run",
            names(&["sandbox-pa", "prod-admin", "spam"]),
            "pa",
        ),
        (
            "initials",
            names(&["payments-dev", "prod-app-dev", "pad"]),
            "pad",
        ),
        (
            "contiguous vs scattered",
            names(&["a-d-m-i-n-x", "xadminx"]),
            "admin",
        ),
        ("exact name", names(&["ops-deploy", "ops"]), "ops"),
        (
            "two terms in two fields",
            vec![
                row("alpha", "111111111111", "Admin", "eu-west-1"),
                row("beta", "222222222222", "ReadOnly", "us-east-1"),
                row("admin-eu", "333333333333", "Dev", "us-east-1"),
            ],
            "admin eu",
        ),
        (
            "account digits",
            vec![
                row("a", "999912349999", "", ""),
                row("b", "123456789012", "", ""),
                row("c", "102030405060", "", ""),
            ],
            "1234",
        ),
        (
            "name before role",
            vec![row("zeta", "", "ops", ""), row("ops", "", "", "")],
            "ops",
        ),
    ]
}

fn quality_table() {
    let mut matcher = Matcher::new(Config::DEFAULT);
    println!("| case | query | rows | rolecall | nucleo |");
    println!("| --- | --- | --- | --- | --- |");
    for (what, rows, query) in cases() {
        let show = |order: Vec<usize>| {
            if order.is_empty() {
                "(none)".to_string()
            } else {
                order
                    .iter()
                    .map(|&i| rows[i][0].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let ours = show(rank(&rolecall_rows(&rows), query));
        let theirs = show(nucleo_rank(&mut matcher, &nucleo_rows(&rows), query));
        let all = rows
            .iter()
            .map(|r| r[0].as_str())
            .collect::<Vec<_>>()
            .join(", ");
        println!("| {what} | `{query}` | {all} | {ours} | {theirs} |");
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn speed() {
    let paths = ConfigPaths::in_dir(&generated(10_000));
    let graph = ProfileGraph::load(&paths);
    let rows: Vec<[String; 4]> = graph
        .profiles()
        .iter()
        .map(|p| {
            row(
                &p.name,
                p.account().unwrap_or(""),
                p.role_name().unwrap_or(""),
                p.region.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let t = Instant::now();
    let ours = rolecall_rows(&rows);
    let build_ours = t.elapsed();
    let t = Instant::now();
    let theirs = nucleo_rows(&rows);
    let build_theirs = t.elapsed();
    println!(
        "{} rows; building the rows: rolecall {build_ours:?}, nucleo {build_theirs:?}",
        rows.len()
    );
    let mut matcher = Matcher::new(Config::DEFAULT);
    println!("| query | matches (rolecall / nucleo) | rolecall | nucleo |");
    println!("| --- | --- | --- | --- |");
    let queries = [
        "t",
        "te",
        "tea",
        "team",
        "team0",
        "team004",
        "team0042",
        "team0042p",
        "team0042profile",
        "prof 0042",
        "Role12",
        "eu west",
        "10000000",
        "xyz",
        "zzzz",
    ];
    for q in queries {
        let n_ours = rank(&ours, q).len();
        let n_theirs = nucleo_rank(&mut matcher, &theirs, q).len();
        let t_ours = median(
            (0..51)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(rank(&ours, q));
                    t.elapsed()
                })
                .collect(),
        );
        let t_theirs = median(
            (0..51)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(nucleo_rank(&mut matcher, &theirs, q));
                    t.elapsed()
                })
                .collect(),
        );
        println!("| `{q}` | {n_ours} / {n_theirs} | {t_ours:?} | {t_theirs:?} |");
    }
}

fn main() {
    quality_table();
    println!();
    speed();
}
