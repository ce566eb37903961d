use super::*;
use crate::session::SessionKind;
use crate::sts::MfaCode;
use crate::testing::tui::{session, FakeBackend};
use crate::tui::backend::AssumeFailure;
use crate::tui::message::IfNotIgnored;

fn tasks(backend: Arc<FakeBackend>) -> (Tasks, mpsc::UnboundedReceiver<Msg>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let tasks = Tasks {
        backend,
        tx,
        assume: None,
        sign_in: None,
        reports: Arc::default(),
    };
    (tasks, rx)
}

#[test]
fn osc52_carries_the_text_base64_encoded() {
    let bytes = osc52("export A='b'\n");
    assert_eq!(&bytes[..], b"\x1b]52;c;ZXhwb3J0IEE9J2InCg==\x07");
}

#[tokio::test]
async fn assume_reports_back_on_the_channel() {
    let fake = Arc::new(FakeBackend::default());
    fake.answer(Err(AssumeFailure::NeedsMfa {
        serial: "arn:mfa".into(),
        reason: None,
    }));
    let (mut tasks, mut rx) = tasks(fake.clone());
    tasks.run(Cmd::Assume {
        profile: "demo-admin-mfa".into(),
        mfa_code: Some(MfaCode::parse("123456").unwrap()),
        refresh: true,
    });
    match rx.recv().await.unwrap() {
        Msg::Assumed { profile, result } => {
            assert_eq!(profile, "demo-admin-mfa");
            assert_eq!(
                result,
                Err(AssumeFailure::NeedsMfa {
                    serial: "arn:mfa".into(),
                    reason: None,
                })
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        fake.calls(),
        vec!["assume demo-admin-mfa with a code (refresh)"]
    );
}

#[tokio::test]
async fn cancel_aborts_the_assume() {
    let fake = Arc::new(FakeBackend {
        delay: Duration::from_secs(30),
        ..Default::default()
    });
    fake.answer(Ok(session("demo-ops", 60)));
    let (mut tasks, mut rx) = tasks(fake);
    tasks.run(Cmd::Assume {
        profile: "demo-ops".into(),
        mfa_code: None,
        refresh: false,
    });
    tasks.run(Cmd::CancelAssume);
    tasks.run(Cmd::LoadSessions);
    // The next (and only) message is the sessions list, not the cancelled assume.
    assert!(matches!(rx.recv().await.unwrap(), Msg::Sessions(Ok(_))));
    assert!(tasks.assume.is_none());
}

#[tokio::test]
async fn refresh_keeps_the_session_until_the_new_one_arrives_and_forget_is_one_session() {
    let fake = Arc::new(FakeBackend::default());
    fake.answer(Ok(session("demo-ops", 60)));
    fake.answer(Ok(session("base", 60)));
    let (mut tasks, mut rx) = tasks(fake.clone());
    tasks.run(Cmd::Assume {
        profile: "demo-ops".into(),
        mfa_code: None,
        refresh: true,
    });
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::Assumed { result: Ok(_), .. }
    ));
    tasks.run(Cmd::RenewMfa {
        profile: "base".into(),
        serial: "arn:mfa".into(),
        code: MfaCode::parse("123456").ok(),
    });
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::Assumed { result: Ok(_), .. }
    ));
    let mut mfa = session("base", 60);
    mfa.kind = SessionKind::MfaSession;
    tasks.run(Cmd::Forget(mfa.key()));
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::Forgot { result: Ok(()), .. }
    ));
    assert_eq!(
        fake.calls(),
        vec![
            "assume demo-ops (refresh)",
            "renew base arn:mfa with a code",
            "forget base mfa-source"
        ]
    );
    // A reload shows the files at once, then asks the portal again, passing its progress
    // on (the list with what has arrived) and its end.
    tasks.run(Cmd::ReloadConfig { rediscover: true });
    assert!(matches!(rx.recv().await.unwrap(), Msg::ConfigReloaded(_)));
    match rx.recv().await.unwrap() {
        Msg::Discovering {
            status: Some(status),
            graph: Some(graph),
        } => {
            assert_eq!((status.accounts_done, status.accounts_total), (1, Some(2)));
            assert!(graph.profiles().iter().any(|p| p.discovered));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::Discovering { status: None, .. }
    ));
    assert_eq!(fake.calls()[3..], ["reload", "discover (refresh)"]);
}

#[tokio::test]
async fn a_sign_in_shows_its_prompt_then_its_end_and_esc_aborts_it() {
    let fake = Arc::new(FakeBackend::default());
    let (mut quick, mut rx) = tasks(fake.clone());
    quick.run(Cmd::SignIn {
        profile: "dev".into(),
    });
    match rx.recv().await.unwrap() {
        Msg::SignInPrompt { profile, prompt } => {
            assert_eq!(profile, "dev");
            assert_eq!(prompt.flow, crate::sso::SignInFlow::AuthCode);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::SignedIn { result: Ok(()), .. }
    ));
    // The window's fallback: the same sign-in with a device code.
    quick.run(Cmd::SignInWithDeviceCode {
        profile: "dev".into(),
    });
    match rx.recv().await.unwrap() {
        Msg::SignInPrompt { prompt, .. } => {
            assert_eq!(prompt.user_code.as_deref(), Some("ABCD-EFGH"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        fake.calls().last().unwrap(),
        "sign in dev with a device code"
    );
    // A slow one is aborted by CancelSignIn: no SignedIn arrives, the next message is
    // the one asked for after it.
    let slow = Arc::new(FakeBackend {
        delay: Duration::from_secs(30),
        ..Default::default()
    });
    let (mut slow_tasks, mut rx) = tasks(slow);
    slow_tasks.run(Cmd::SignIn {
        profile: "dev".into(),
    });
    assert!(matches!(rx.recv().await.unwrap(), Msg::SignInPrompt { .. }));
    slow_tasks.run(Cmd::CancelSignIn);
    slow_tasks.run(Cmd::LoadSessions);
    assert!(matches!(rx.recv().await.unwrap(), Msg::Sessions(_)));
    assert!(slow_tasks.sign_in.is_none());
}

#[tokio::test]
async fn a_dotenv_file_rolecall_wrote_is_replaced_another_only_when_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let (mut tasks, mut rx) = tasks(Arc::new(FakeBackend::default()));
    let write = |replace_foreign| Cmd::WriteEnvFile {
        path: path.clone(),
        session: session("demo-ops", 60),
        replace_foreign,
        if_not_ignored: IfNotIgnored::Ask,
    };
    // Absent, then ours: written without asking.
    for _ in 0..2 {
        tasks.run(write(false));
        assert!(
            matches!(rx.recv().await.unwrap(), Msg::EnvFileWritten { path: p, gitignore: None } if p == path)
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(crate::output::env_file::MARKER));
    assert!(text.contains("AWS_SECRET_ACCESS_KEY=SECRETsecretSECRETsecret0000WXYZ\n"));
    // Someone else's: the runtime says so, and only a confirmed write replaces it.
    std::fs::write(&path, "MINE=1\n").unwrap();
    tasks.run(write(false));
    assert!(matches!(rx.recv().await.unwrap(), Msg::EnvFileForeign(p) if p == path));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "MINE=1\n");
    tasks.run(write(true));
    assert!(
        matches!(rx.recv().await.unwrap(), Msg::EnvFileWritten { path: p, gitignore: None } if p == path)
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("ROLECALL_PROFILE=demo-ops"));
}

#[tokio::test]
async fn a_ui_away_finds_the_latest_discovery_report_not_a_pile_of_graphs() {
    // 100 reports, each with a graph, while nothing takes the UI's messages (a subshell).
    let fake = Arc::new(FakeBackend {
        more_reports: 99,
        ..FakeBackend::default()
    });
    let (mut tasks, mut rx) = tasks(fake);
    tasks.run(Cmd::Discover);
    let mut reports = Vec::new();
    loop {
        match rx.recv().await.unwrap() {
            Msg::Discovering {
                status: Some(status),
                graph,
            } => reports.push((status.accounts_done, graph.is_some())),
            Msg::Discovering { status: None, .. } => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(reports, [(100, true)]);
}

#[test]
fn the_clipboard_caveat_names_what_is_in_between_and_the_fix() {
    let tmux = crate::testing::env(&[("TMUX", "/tmp/tmux-0/default,1,0")]);
    let external = || Some("external".to_string());
    let on = || Some("on".to_string());
    let caveat = clipboard_caveat(&tmux, external).expect("a caveat under tmux");
    assert!(caveat.contains("set -g set-clipboard on"), "{caveat}");
    assert!(caveat.contains("(it is external)"), "{caveat}");
    assert_eq!(clipboard_caveat(&tmux, on), None);
    let screen = crate::testing::env(&[("STY", "1234.pts-0.host")]);
    assert!(clipboard_caveat(&screen, on)
        .unwrap()
        .contains("GNU screen"));
    assert_eq!(clipboard_caveat(&crate::testing::env(&[]), external), None);
}

#[tokio::test]
async fn a_dotenv_file_git_would_offer_is_asked_about_first_and_g_ignores_it() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git is needed: run `bash .ci/setup`")
    };
    assert!(git(&["init", "-q"]).success());
    let path = dir.path().join(".env");
    let (mut tasks, mut rx) = tasks(Arc::new(FakeBackend::default()));
    let write = |if_not_ignored| Cmd::WriteEnvFile {
        path: path.clone(),
        session: session("demo-ops", 60),
        replace_foreign: false,
        if_not_ignored,
    };
    tasks.run(write(IfNotIgnored::Ask));
    assert!(matches!(rx.recv().await.unwrap(), Msg::EnvFileNotIgnored(p) if p == path));
    assert!(!path.exists(), "nothing is written before the user answers");
    tasks.run(write(IfNotIgnored::AddToGitignore));
    let gitignore = dir.path().join(".gitignore");
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::EnvFileWritten { path: p, gitignore: Some(g) } if p == path && g == gitignore
    ));
    assert_eq!(std::fs::read_to_string(&gitignore).unwrap(), "/.env\n");
    // Now ignored: written without asking, and .gitignore is left alone.
    assert!(git(&["check-ignore", "-q", ".env"]).success());
    tasks.run(write(IfNotIgnored::Ask));
    assert!(matches!(
        rx.recv().await.unwrap(),
        Msg::EnvFileWritten {
            gitignore: None,
            ..
        }
    ));
    assert_eq!(std::fs::read_to_string(&gitignore).unwrap(), "/.env\n");
}
