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
