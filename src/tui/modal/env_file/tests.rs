//! The dotenv window: the path, the question before replacing someone else's file, and
//! what it draws.

use super::*;
use crate::testing::tui::*;
use crate::tui::message::{Msg, StatusLevel};
use crate::tui::modal::Modal;

#[test]
fn env_file_prompt_default_confirm_and_write() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('e'));
    let Some(Modal::EnvFile(EnvFileModal { input, .. })) = &app.modal else {
        panic!("no path prompt")
    };
    assert_eq!(input, DEFAULT_ENV_PATH);
    for _ in 0..4 {
        app.update(key(KeyCode::Backspace));
    }
    type_str(&mut app, "ops.env");
    let cmds = app.update(key(KeyCode::Enter));
    assert_eq!(
        cmds,
        vec![Cmd::WriteEnvFile {
            path: PathBuf::from("./ops.env"),
            session: session("demo-ops", 600),
            replace_foreign: false
        }]
    );
    app.update(Msg::EnvFileForeign(PathBuf::from("./ops.env")));
    assert!(matches!(
        app.modal,
        Some(Modal::EnvFile(EnvFileModal { foreign: true, .. }))
    ));
    let cmds = app.update(ch('y'));
    assert_eq!(
        cmds,
        vec![Cmd::WriteEnvFile {
            path: PathBuf::from("./ops.env"),
            session: session("demo-ops", 600),
            replace_foreign: true
        }]
    );
    app.update(Msg::EnvFileWritten(PathBuf::from("./ops.env")));
    assert!(app.modal.is_none());
    assert!(app.status.as_ref().unwrap().text.contains("0600"));
}

#[test]
fn env_file_declined_and_error() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('e'));
    app.update(key(KeyCode::Enter));
    app.update(Msg::EnvFileForeign(PathBuf::from("./.env")));
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.modal.is_none());
    app.update(ch('e'));
    app.update(key(KeyCode::Enter));
    app.update(Msg::Error("cannot write ./.env: it is a symlink".into()));
    assert!(app.modal.is_none());
    assert_eq!(app.status.as_ref().unwrap().level, StatusLevel::Error);
}

#[test]
fn env_path_prompt_and_confirm() {
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![listed(session("demo-ops", 600))])));
    app.update(key(KeyCode::Tab));
    app.update(ch('e'));
    let screen = text(&render(&app, 80, 24));
    assert!(screen.contains("./.env"), "{screen}");
    app.update(key(KeyCode::Enter));
    app.update(Msg::EnvFileForeign("./.env".into()));
    let screen = text(&render(&app, 80, 24));
    assert!(
        screen.contains("./.env exists and was not written by rolecall"),
        "{screen}"
    );
    assert!(screen.contains("Replace it?"), "{screen}");
}
