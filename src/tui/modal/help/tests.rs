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
