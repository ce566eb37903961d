//! More than one modal: outside text in their windows is shown escaped.

use super::*;
use crate::testing::tui::*;

#[test]
fn the_export_and_dotenv_windows_show_names_escaped() {
    let mut app = hostile_app();
    let mut s = session(&format!("evil{PAYLOAD}"), 600);
    s.region = Some(format!("eu{PAYLOAD}"));
    app.modal = Some(Modal::Export(ExportModal {
        session: Box::new(s.clone()),
        format: 0,
    }));
    assert_drawn_safely(&app, "ROLECALL_PROFILE='evil\\x1b]0;", "the export window");
    app.modal = Some(Modal::EnvFile(EnvFileModal {
        session: Box::new(s),
        input: format!("./.env{PAYLOAD}"),
        step: EnvFileStep::Path,
        if_not_ignored: crate::tui::message::IfNotIgnored::Ask,
    }));
    assert_drawn_safely(&app, "./.env\\x1b]0;", "the dotenv window");
}
