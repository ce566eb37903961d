//! The dotenv window: the path, the question before replacing someone else's file, and
//! what it draws.

use super::*;
use crate::testing::tui::*;
use crate::tui::message::{IfNotIgnored, Msg, StatusLevel};
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
            replace_foreign: false,
            if_not_ignored: IfNotIgnored::Ask,
        }]
    );
    app.update(Msg::EnvFileForeign(PathBuf::from("./ops.env")));
    assert!(matches!(
        app.modal,
        Some(Modal::EnvFile(EnvFileModal {
            step: EnvFileStep::Foreign,
            ..
        }))
    ));
    let cmds = app.update(ch('y'));
    assert_eq!(
        cmds,
        vec![Cmd::WriteEnvFile {
            path: PathBuf::from("./ops.env"),
            session: session("demo-ops", 600),
            replace_foreign: true,
            if_not_ignored: IfNotIgnored::Ask,
        }]
    );
    app.update(Msg::EnvFileWritten {
        path: PathBuf::from("./ops.env"),
        gitignore: None,
    });
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

#[test]
fn a_file_git_would_offer_for_commit_is_named_and_g_adds_it_to_gitignore() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('e'));
    app.update(key(KeyCode::Enter));
    app.update(Msg::EnvFileNotIgnored("./.env".into()));
    for (w, h) in [(80, 24), (40, 14)] {
        let squashed = squashed(&render_modal(&app, w, h));
        for said in [
            "./.envisnotignoredbygit:itwouldbeofferedforcommit",
            "g:additto.gitignoreandwrite",
            "y:writeanyway",
        ] {
            assert!(
                squashed.contains(said),
                "{w}x{h}: {said} missing\n{squashed}"
            );
        }
    }
    assert_eq!(
        app.update(ch('g')),
        vec![Cmd::WriteEnvFile {
            path: PathBuf::from("./.env"),
            session: session("demo-ops", 600),
            replace_foreign: false,
            if_not_ignored: IfNotIgnored::AddToGitignore,
        }]
    );
    // Someone else's file there: the answer about git carries over to the replace.
    app.update(Msg::EnvFileForeign("./.env".into()));
    let cmds = app.update(ch('y'));
    assert!(matches!(
        &cmds[..],
        [Cmd::WriteEnvFile {
            replace_foreign: true,
            if_not_ignored: IfNotIgnored::AddToGitignore,
            ..
        }]
    ));
    app.update(Msg::EnvFileWritten {
        path: "./.env".into(),
        gitignore: Some("./.gitignore".into()),
    });
    let status = &app.status.as_ref().unwrap().text;
    assert!(status.contains("and added it to ./.gitignore"), "{status}");
}

#[test]
fn y_writes_a_file_git_would_offer_anyway_and_esc_writes_nothing() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('e'));
    app.update(key(KeyCode::Enter));
    app.update(Msg::EnvFileNotIgnored("./.env".into()));
    assert!(matches!(
        &app.update(ch('y'))[..],
        [Cmd::WriteEnvFile {
            if_not_ignored: IfNotIgnored::WriteAnyway,
            ..
        }]
    ));
    app.update(Msg::EnvFileNotIgnored("./.env".into()));
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.modal.is_none());
}

#[test]
fn the_replace_prompt_is_whole_and_its_keys_agree_with_it() {
    let mut app = with_session("demo-ops", 600);
    app.update(ch('e'));
    app.update(key(KeyCode::Enter));
    app.update(Msg::EnvFileForeign(
        "./a/rather/long/path/to/the/project/.env".into(),
    ));
    for (w, h) in [(80, 24), (40, 14)] {
        let buf = render(&app, w, h);
        let squashed = squashed(&render_modal(&app, w, h));
        for said in [
            "./a/rather/long/path/to/the/project/.envexistsandwasnotwrittenbyrolecall",
            "Replaceit?y:replaceit·Esc:keepit·otherkey:editthepath",
        ] {
            assert!(
                squashed.contains(said),
                "{w}x{h}: {said} missing\n{}",
                text(&buf)
            );
        }
        assert!(!text(&buf).contains("Enter write"), "{}", text(&buf));
    }
}
