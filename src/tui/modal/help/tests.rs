//! The help window.

use crate::testing::tui::*;
use ratatui::style::Color;

#[test]
fn help_overlay() {
    let mut app = demo_app();
    app.update(ch('?'));
    for (w, h) in SIZES {
        let buf = render(&app, w, h);
        let screen = text(&buf);
        assert!(screen.contains("Help"), "{screen}");
        assert!(screen.contains("assume the selected profile"));
        assert!(screen.contains("reload the AWS config files"));
        assert_eq!(fg_at(&buf, "Enter  assume"), Color::Cyan);
    }
}

#[test]
fn help_maps_the_kind_column_to_the_words_of_list() {
    let mut app = demo_app();
    app.update(ch('?'));
    let screen = text(&render(&app, 120, 30));
    assert!(
        screen.contains("keys = static, role = source_profile"),
        "{screen}"
    );
    assert!(screen.contains("= credential_source"), "{screen}");
}

#[test]
fn every_help_line_is_whole_at_80x24() {
    let mut app = demo_app();
    app.update(ch('?'));
    let squashed = squashed(&render_modal(&app, 80, 24));
    for (key, what) in super::HELP {
        let whole: String = format!("{key}{what}").split_whitespace().collect();
        assert!(
            squashed.contains(&whole),
            "{key}: {what} is cut:\n{squashed}"
        );
    }
    // The two shells, each said whole.
    let screen = text(&render(&app, 80, 24));
    assert!(
        screen.contains("session: subshell on a self-refreshing endpoint"),
        "{screen}"
    );
    assert!(
        screen.contains("session: subshell with the session's keys"),
        "{screen}"
    );
}
