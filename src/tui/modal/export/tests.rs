//! The export window: cycling formats, copying, and the masked preview it draws.

use super::*;
use crate::testing::tui::*;
use crate::tui::app::{App, Focus};
use crate::tui::message::{Msg, StatusLevel};
use crate::tui::modal::Modal;

#[test]
fn export_overlay_cycles_formats() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('x'));
    let format = |app: &App| match &app.modal {
        Some(Modal::Export(ExportModal { format, .. })) => *format,
        _ => panic!("no export overlay"),
    };
    assert_eq!(format(&app), 0);
    app.update(ch('x'));
    app.update(key(KeyCode::Right));
    assert_eq!(format(&app), 2);
    app.update(key(KeyCode::Left));
    app.update(key(KeyCode::Left));
    app.update(key(KeyCode::Left));
    assert_eq!(format(&app), EXPORT_FORMATS.len() - 1);
    app.update(key(KeyCode::Esc));
    assert!(app.modal.is_none());
}

#[test]
fn y_in_the_export_window_copies_the_real_text_and_says_so_masked() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('x'));
    app.update(key(KeyCode::Right)); // fish
    let cmds = app.update(ch('y'));
    let s = session("demo-ops", 600);
    let expected =
        crate::output::render(crate::output::Format::Fish, &s.credentials, &s.env()).unwrap();
    assert_eq!(
        cmds,
        vec![Cmd::CopyToClipboard(crate::secret::Secret::new(expected))]
    );
    let status = &app.status.as_ref().unwrap().text;
    assert!(
        status.contains("copied the fish export of demo-ops"),
        "{status}"
    );
    assert!(
        status.contains("****1234") && !status.contains("SECRET"),
        "{status}"
    );
    assert!(matches!(
        app.modal,
        Some(Modal::Export(ExportModal { format: 1, .. }))
    ));
}

#[test]
fn y_on_docker_flags_that_a_shell_would_split_copies_nothing_and_says_why() {
    let mut spaced = session("demo-ops", 600);
    spaced.region = Some("eu west 1".into());
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![listed(spaced)])));
    app.focus = Focus::Sessions;
    app.update(ch('x'));
    let docker = EXPORT_FORMATS
        .iter()
        .position(|f| *f == crate::output::Format::Docker)
        .unwrap();
    for _ in 0..docker {
        app.update(key(KeyCode::Right));
    }
    assert!(app.update(ch('y')).is_empty(), "nothing to copy");
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(
        status.text.contains("docker") && status.text.contains("AWS_REGION"),
        "{}",
        status.text
    );
    assert!(matches!(app.modal, Some(Modal::Export(_))));
}

#[test]
fn the_preview_is_each_format_s_own_text_with_only_the_secrets_masked() {
    let mut s = session("demo-ops", 600);
    // No region: the shell formats begin with the lines that remove a stale one.
    s.region = None;
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![listed(s.clone())])));
    app.update(key(KeyCode::Tab));
    app.update(ch('x'));
    for format in EXPORT_FORMATS {
        let real = crate::output::render(*format, &s.credentials, &s.env()).unwrap();
        let expected = real
            .replace("ASIAEXAMPLEKEYID1234", "****1234")
            .replace("SECRETsecretSECRETsecret0000WXYZ", "****WXYZ")
            .replace("TOKENtokenTOKENtokenTOKEN9876", "****9876");
        for (w, h) in [(80, 40), (160, 48)] {
            let buf = render_modal(&app, w, h);
            let screen = text(&buf);
            assert!(screen.contains(&format!("Export: {format}")), "{screen}");
            let whole: String = expected.split_whitespace().collect();
            assert!(
                squashed(&buf).contains(&whole),
                "{format} at {w}x{h}:\n{expected}\n{screen}"
            );
            for secret in ["SECRETsecret", "TOKENtoken", "ASIAEXAMPLE"] {
                assert!(
                    !text(&render(&app, w, h)).contains(secret),
                    "{format}: {secret}"
                );
            }
        }
        app.update(key(KeyCode::Right));
    }
    // The copied text holds the `unset` lines, and so does the preview.
    let buf = render_modal(&app, 80, 40);
    assert!(
        text(&buf).contains("unset AWS_PROFILE AWS_DEFAULT_PROFILE"),
        "{}",
        text(&buf)
    );
}

#[test]
fn the_real_output_command_is_whole_at_80x24() {
    let mut app = demo_app();
    app.demo = true;
    app.update(Msg::Sessions(Ok(vec![listed(session(
        "demo-ops-deploy",
        600,
    ))])));
    app.update(key(KeyCode::Tab));
    app.update(ch('x'));
    let credential_process = EXPORT_FORMATS
        .iter()
        .position(|f| *f == crate::output::Format::CredentialProcess)
        .unwrap();
    for _ in 0..credential_process {
        app.update(key(KeyCode::Right));
    }
    let screen = text(&render(&app, 80, 24));
    assert!(
        screen.contains("rolecall --demo export demo-ops-deploy --format credential-process"),
        "{screen}"
    );
}

#[test]
fn the_export_window_gives_the_exact_command_and_offers_a_copy() {
    let mut app = demo_app();
    app.demo = true;
    app.update(Msg::Sessions(Ok(vec![listed(session("demo-ops", 600))])));
    app.update(key(KeyCode::Tab));
    app.update(ch('x'));
    let screen = text(&render(&app, 100, 30));
    assert!(
        screen.contains("rolecall --demo export demo-ops --format sh"),
        "{screen}"
    );
    assert!(screen.contains("y copy"), "{screen}");
}

#[test]
fn a_preview_taller_than_the_screen_says_how_many_rows_it_leaves_out() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('x'));
    let screen = text(&render_modal(&app, 40, 12));
    let last = screen.lines().last().unwrap();
    assert!(last.contains(" ↓ 7 more · y copy"), "{screen}");
    assert!(
        screen.contains("rolecall export demo-ops --format sh"),
        "{screen}"
    );
}
