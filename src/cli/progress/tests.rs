use super::*;

fn step(listed: usize, total: Option<usize>, done: usize) -> DiscoveryProgress<'static> {
    DiscoveryProgress {
        accounts_listed: listed,
        accounts_total: total,
        accounts_done: done,
        arrived: &[],
    }
}

#[test]
fn the_line_counts_accounts_listed_then_accounts_done() {
    let s = "sso-session corp";
    assert_eq!(
        progress_line(s, &step(300, None, 0)),
        "rolecall: sso-session corp: listing accounts (300 so far)"
    );
    assert_eq!(
        progress_line(s, &step(665, Some(665), 312)),
        format!(
            "rolecall: sso-session corp [{}{}] 312 of 665 accounts",
            "#".repeat(14),
            "-".repeat(16)
        )
    );
    let full = progress_line(s, &step(3, Some(3), 3));
    assert!(full.ends_with(&format!("[{}] 3 of 3 accounts", "#".repeat(30))));
    // No account at all: nothing to divide by.
    assert_eq!(
        progress_line(s, &step(0, Some(0), 0)),
        "rolecall: sso-session corp: listing accounts (0 so far)"
    );
}
