//! The app's state: feed [`App::update`] messages, look at the state and the commands.

use super::*;
use crate::testing::tui::*;
use crate::tui::message::StatusLevel;
use crossterm::event::KeyCode;

#[test]
fn starts_with_every_profile_sorted() {
    let app = demo_app();
    assert_eq!(
        names(&app),
        vec![
            "default",
            "demo-admin-mfa",
            "demo-base",
            "demo-instance",
            "demo-ops",
            "demo-ops-deploy",
            "demo-readonly",
            "demo-sso"
        ]
    );
    assert_eq!(selected(&app), "default");
    assert!(
        app.profiles()
            .iter()
            .find(|p| p.name == "demo-admin-mfa")
            .unwrap()
            .mfa_in_chain
    );
    let deploy = app
        .profiles()
        .iter()
        .find(|p| p.name == "demo-ops-deploy")
        .unwrap();
    assert_eq!(
        deploy.chain_display().to_string(),
        "demo-base → demo-ops → demo-ops-deploy"
    );
}

#[test]
fn typing_filters_and_esc_clears() {
    let mut app = demo_app();
    type_str(&mut app, "ops");
    assert!(app.filter_focus);
    assert_eq!(names(&app), vec!["demo-ops", "demo-ops-deploy"]);
    app.update(key(KeyCode::Down));
    assert_eq!(selected(&app), "demo-ops-deploy");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.filter, "");
    assert!(!app.filter_focus);
    assert_eq!(app.filtered.len(), 8);
    // The cursor stays on the profile it was on.
    assert_eq!(selected(&app), "demo-ops-deploy");
    // Backspace edits; on an empty filter it leaves the filter.
    type_str(&mut app, "opx");
    assert!(app.filtered.is_empty());
    app.update(key(KeyCode::Backspace));
    assert_eq!(app.filter, "op");
    assert_eq!(selected(&app), "demo-ops");
    app.update(key(KeyCode::Backspace));
    app.update(key(KeyCode::Backspace));
    app.update(key(KeyCode::Backspace));
    assert!(!app.filter_focus);
}

#[test]
fn shortcuts_only_when_filter_unfocused() {
    let mut app = demo_app();
    app.update(ch('/'));
    type_str(&mut app, "q?R");
    assert_eq!(app.filter, "q?R");
    assert!(!app.quit && app.modal.is_none());
    app.update(key(KeyCode::Esc));
    assert_eq!(
        app.update(ch('R')),
        vec![Cmd::ReloadConfig { rediscover: true }]
    );
    app.update(ch('?'));
    assert_eq!(app.modal, Some(Modal::Help));
    // Any key closes help and does nothing else.
    assert!(app.update(ch('q')).is_empty());
    assert_eq!(app.modal, None);
    assert!(!app.quit);
    assert_eq!(app.update(ch('q')), vec![Cmd::Quit]);
    assert!(app.quit);
}

#[test]
fn ctrl_c_quits_even_in_a_modal_or_filter() {
    let mut app = demo_app();
    app.update(ch('/'));
    app.update(ch('?'));
    assert_eq!(app.update(ctrl('c')), vec![Cmd::Quit]);
    assert!(app.quit);
}

#[test]
fn movement_keys_clamp() {
    let mut app = demo_app();
    app.update(key(KeyCode::Up));
    assert_eq!(app.selected, 0);
    app.update(key(KeyCode::End));
    assert_eq!(selected(&app), "demo-sso");
    app.update(key(KeyCode::Down));
    assert_eq!(selected(&app), "demo-sso");
    app.update(key(KeyCode::Home));
    assert_eq!(app.selected, 0);
    app.update(Msg::Resize {
        width: 80,
        height: 14,
    });
    app.update(key(KeyCode::PageDown));
    assert_eq!(app.selected, 4);
    app.update(key(KeyCode::PageDown));
    assert_eq!(app.selected, 7);
    app.update(key(KeyCode::PageUp));
    assert_eq!(app.selected, 3);
}

#[test]
fn tab_switches_panel() {
    let mut app = demo_app();
    app.update(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Sessions);
    app.update(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Profiles);
}

#[test]
fn enter_assumes_and_result_joins_sessions() {
    let mut app = demo_app();
    let cmds = assume(&mut app, "demo-readonly");
    assert_eq!(
        cmds,
        vec![Cmd::Assume {
            profile: "demo-readonly".into(),
            mfa_code: None,
            refresh: false,
        }]
    );
    assert!(app.busy());
    app.update(Msg::Tick(t0()));
    assert_eq!(app.in_flight.as_ref().unwrap().frame, 1);
    // A second Enter while busy does not start another assume.
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    let cmds = app.update(Msg::Assumed {
        profile: "demo-readonly".into(),
        result: Ok(assumed(session("demo-readonly", 3600))),
    });
    assert_eq!(cmds, vec![Cmd::LoadSessions]);
    assert!(!app.busy());
    assert_eq!(app.sessions.len(), 1);
    assert_eq!(app.focus, Focus::Sessions);
    assert_eq!(app.selected_session().unwrap().profile, "demo-readonly");
}

#[test]
fn failure_shows_on_status_line() {
    let mut app = demo_app();
    assume(&mut app, "demo-ops");
    app.update(Msg::Assumed {
        profile: "demo-ops".into(),
        result: Err(AssumeFailure::Failed {
            message: "AccessDenied: not allowed".into(),
        }),
    });
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(status.text.contains("demo-ops: AccessDenied"));
    assert!(!app.busy());
    assert!(!app.quit);
}

#[test]
fn esc_cancels_in_flight_and_late_answer_is_ignored() {
    let mut app = demo_app();
    assume(&mut app, "demo-ops");
    assert_eq!(app.update(key(KeyCode::Esc)), vec![Cmd::CancelAssume]);
    assert!(!app.busy());
    // The filter is still there: Esc did one thing.
    assert_eq!(app.filter, "demo-ops");
    let cmds = app.update(Msg::Assumed {
        profile: "demo-ops".into(),
        result: Ok(assumed(session("demo-ops", 3600))),
    });
    assert!(cmds.is_empty());
    assert!(app.sessions.is_empty());
}

#[test]
fn s_opens_a_subshell_with_the_keys_when_the_endpoint_cannot_serve_them() {
    // A token without an expiration (a credential_process may give one): the protocol
    // needs both, so `s` falls back to the keys as it does for long-term keys.
    let mut token_only = session("demo-ops", 600);
    token_only.credentials.expiration = None;
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![listed(token_only.clone())])));
    app.focus = Focus::Sessions;
    assert_eq!(
        app.update(ch('s')),
        vec![Cmd::OpenSubshell {
            session: token_only,
            served: false
        }]
    );
}

#[test]
fn subshell_refresh_forget_on_a_session() {
    let mut app = with_session("demo-ops", 600);
    let s = session("demo-ops", 600);
    // s: on the endpoint (the session is temporary); S: with its keys.
    assert_eq!(
        app.update(ch('s')),
        vec![Cmd::OpenSubshell {
            session: s.clone(),
            served: true
        }]
    );
    assert_eq!(
        app.update(ch('S')),
        vec![Cmd::OpenSubshell {
            session: s.clone(),
            served: false
        }]
    );
    app.update(Msg::SubshellExited {
        profile: "demo-ops".into(),
        result: Ok(Some(0)),
        served: None,
    });
    assert!(app.status.as_ref().unwrap().text.contains("back from"));
    assert_eq!(
        app.update(ch('r')),
        vec![Cmd::Assume {
            profile: "demo-ops".into(),
            mfa_code: None,
            refresh: true
        }]
    );
    assert!(app.busy());
    app.update(key(KeyCode::Esc));
    assert_eq!(app.update(ch('d')), vec![Cmd::Forget(s.key())]);
    let cmds = app.update(Msg::Forgot {
        profile: "demo-ops".into(),
        result: Ok(()),
    });
    assert_eq!(cmds, vec![Cmd::LoadSessions]);
    app.update(Msg::Sessions(Ok(vec![])));
    assert!(app.sessions.is_empty());
    // Nothing selected: the session keys say so instead of acting.
    assert!(app.update(ch('s')).is_empty());
    assert_eq!(app.status.as_ref().unwrap().level, StatusLevel::Error);
}

#[test]
fn session_errors_are_reported() {
    let mut app = with_session("demo-ops", 600);
    app.update(Msg::Sessions(Err("store locked".into())));
    assert!(app.status.as_ref().unwrap().text.contains("store locked"));
    app.update(Msg::Forgot {
        profile: "demo-ops".into(),
        result: Err("permission denied".into()),
    });
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("permission denied"));
    app.update(Msg::SubshellExited {
        profile: "demo-ops".into(),
        result: Err("no such shell".into()),
        served: None,
    });
    assert_eq!(app.status.as_ref().unwrap().level, StatusLevel::Error);
}

#[test]
fn reload_keeps_selection_and_filter() {
    let mut app = demo_app();
    type_str(&mut app, "ops");
    app.update(key(KeyCode::Down));
    app.update(Msg::ConfigReloaded(std::sync::Arc::new(
        crate::demo::graph(),
    )));
    assert_eq!(names(&app), vec!["demo-ops", "demo-ops-deploy"]);
    assert_eq!(selected(&app), "demo-ops-deploy");
    assert!(app.status.as_ref().unwrap().text.starts_with("reloaded 8"));
}

#[test]
fn debug_never_shows_secrets() {
    let app = with_session("demo-ops", 600);
    let shown = format!("{app:?}");
    assert!(!shown.contains("SECRETsecret"));
    assert!(!shown.contains("TOKENtoken"));
}

#[test]
fn warnings_of_an_assume_reach_the_status_line() {
    let mut app = demo_app();
    assume(&mut app, "demo-ops");
    let mut answer = assumed(session("demo-ops", 600));
    answer.warnings = vec!["the session of 'demo-ops' is not cached: disk full".into()];
    app.update(Msg::Assumed {
        profile: "demo-ops".into(),
        result: Ok(answer),
    });
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(status.text.contains("not cached"), "{}", status.text);
    assert_eq!(app.sessions.len(), 1, "the session is kept all the same");
}

#[test]
fn discovered_roles_join_the_list_and_account_names_are_searchable() {
    let mut app = demo_app();
    let before = app.profiles().len();
    app.update(Msg::Discovered(demo_graph_with_a_discovered_role()));
    assert_eq!(app.profiles().len(), before + 1);
    assert!(app.status.is_none(), "discovery is swapped in quietly");
    type_str(&mut app, "payments prod");
    assert_eq!(names(&app), ["Payments-Prod.Admin"]);
    assert_eq!(
        app.update(key(KeyCode::Enter)),
        vec![Cmd::Assume {
            profile: "Payments-Prod.Admin".into(),
            mfa_code: None,
            refresh: false
        }]
    );
}

#[test]
fn a_running_discovery_lists_accounts_as_they_arrive_and_says_how_far_it_is() {
    let mut app = demo_app();
    let before = app.profiles().len();
    let status = |done, total| crate::tui::backend::DiscoveryStatus {
        session: "sso-session corp".into(),
        accounts_listed: 665,
        accounts_total: total,
        accounts_done: done,
        error: None,
    };
    app.update(Msg::Discovering {
        status: Some(status(0, None)),
        graph: None,
    });
    assert_eq!(app.profiles().len(), before);
    app.update(Msg::Discovering {
        status: Some(status(312, Some(665))),
        graph: Some(demo_graph_with_a_discovered_role()),
    });
    assert_eq!(app.discovering, Some(status(312, Some(665))));
    assert_eq!(
        app.profiles().len(),
        before + 1,
        "the arrived role is listed"
    );
    assert!(
        app.status.is_none(),
        "the title says it, the status line is free"
    );
    app.update(Msg::Discovering {
        status: None,
        graph: None,
    });
    assert_eq!(app.discovering, None);
    assert_eq!(app.profiles().len(), before + 1);

    // A discovery that stops says why on the status line; the list keeps what it has.
    app.update(Msg::Discovering {
        status: Some(status(400, Some(665))),
        graph: None,
    });
    app.update(Msg::Discovering {
        status: Some(crate::tui::backend::DiscoveryStatus {
            error: Some("discovery of the roles of sso-session corp stopped: …".into()),
            ..status(400, Some(665))
        }),
        graph: None,
    });
    assert_eq!(app.discovering, None);
    let line = app.status.clone().unwrap();
    assert_eq!(line.level, StatusLevel::Error);
    assert!(line
        .text
        .starts_with("discovery of the roles of sso-session corp stopped"));
    assert_eq!(app.profiles().len(), before + 1);
}

#[test]
fn c_on_a_session_opens_the_console_and_says_so() {
    let mut app = with_session("demo-ops", 600);
    assert_eq!(
        app.update(ch('c')),
        vec![Cmd::OpenConsole("demo-ops".into())]
    );
    app.update(Msg::ConsoleOpened(Ok(
        "opened the AWS console for demo-ops with xdg-open".into(),
    )));
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("opened the AWS console"));
    app.update(Msg::ConsoleOpened(Err(
        "no display to open a browser on; `rolecall console demo-ops --print` prints the URL"
            .into(),
    )));
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(status.text.contains("--print"));
}

#[test]
fn back_from_a_served_subshell_it_says_what_was_served_and_asks_for_what_a_refresh_lacked() {
    let mut app = with_session("demo-admin-mfa", 600);
    let served = crate::server::ServerStatus {
        requests_served: 12,
        refreshes: 3,
        ..Default::default()
    };
    let cmds = app.update(Msg::SubshellExited {
        profile: "demo-admin-mfa".into(),
        result: Ok(Some(0)),
        served: Some(served.clone()),
    });
    assert_eq!(cmds, vec![Cmd::LoadSessions]);
    let text = &app.status.as_ref().unwrap().text;
    assert!(
        text.contains("served 12 requests and refreshed the session 2 times"),
        "{text}"
    );
    assert_eq!(app.served.get("demo-admin-mfa"), Some(&served));
    // A refresh that needed a new MFA code: the code is asked for now.
    let needs_code = crate::server::ServerStatus {
        last_error: Some(crate::server::FeedError::needs_user(
            crate::server::UserAction::MfaCode,
            "needs a new code",
        )),
        ..Default::default()
    };
    app.update(Msg::SubshellExited {
        profile: "demo-admin-mfa".into(),
        result: Ok(Some(0)),
        served: Some(needs_code),
    });
    assert!(matches!(
        &app.modal,
        Some(Modal::Mfa(MfaModal { profile, purpose: MfaPurpose::Assume, .. })) if profile == "demo-admin-mfa"
    ));
    // A long-term-keys session cannot be served: s gives its keys.
    let mut keys = demo_app();
    let mut static_keys = session("demo-base", 600);
    static_keys.credentials.session_token = None;
    keys.update(Msg::Sessions(Ok(vec![listed(static_keys.clone())])));
    keys.focus = Focus::Sessions;
    assert_eq!(
        keys.update(ch('s')),
        vec![Cmd::OpenSubshell {
            session: static_keys,
            served: false
        }]
    );
}

/// An app over a role `prod` whose `mfa_serial` has an `mfa_process`, assumed from `keys`.
fn app_with_a_device() -> App {
    let graph = ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir("/cfg".as_ref()),
        "[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/P\nsource_profile = keys\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nmfa_process = ykman oath code\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    App::new(std::sync::Arc::new(graph), t0(), true)
}

#[test]
fn r_on_an_mfa_session_whose_device_prints_codes_renews_it_without_asking() {
    let mut app = app_with_a_device();
    let mut mfa = session("keys", 600);
    mfa.kind = SessionKind::MfaSession;
    mfa.mfa_serial = Some("arn:aws:iam::123456789012:mfa/me".into());
    app.update(Msg::Sessions(Ok(vec![listed(mfa)])));
    app.focus = Focus::Sessions;
    assert_eq!(
        app.update(ch('r')),
        vec![Cmd::RenewMfa {
            profile: "keys".into(),
            serial: "arn:aws:iam::123456789012:mfa/me".into(),
            code: None,
        }]
    );
    assert!(app.modal.is_none() && app.busy());
    // Another device's session: the window asks, as before.
    let mut other = session("keys", 600);
    other.kind = SessionKind::MfaSession;
    other.mfa_serial = Some("arn:aws:iam::123456789012:mfa/other".into());
    let mut app = app_with_a_device();
    app.update(Msg::Sessions(Ok(vec![listed(other)])));
    app.focus = Focus::Sessions;
    assert!(app.update(ch('r')).is_empty());
    assert!(matches!(app.modal, Some(Modal::Mfa(_))));
}

#[test]
fn back_from_a_served_subshell_a_device_prints_the_code_the_refresh_lacked() {
    let mut app = app_with_a_device();
    let needs_code = crate::server::ServerStatus {
        last_error: Some(crate::server::FeedError::needs_user(
            crate::server::UserAction::MfaCode,
            "needs a new code",
        )),
        ..Default::default()
    };
    let cmds = app.update(Msg::SubshellExited {
        profile: "prod".into(),
        result: Ok(Some(0)),
        served: Some(needs_code),
    });
    // Assumed again (which runs the device), instead of the MFA window.
    assert_eq!(
        cmds,
        vec![
            Cmd::LoadSessions,
            Cmd::Assume {
                profile: "prod".into(),
                mfa_code: None,
                refresh: true,
            }
        ]
    );
    assert!(app.modal.is_none() && app.busy());
}

#[test]
fn back_from_a_served_subshell_one_of_each_is_said_in_the_singular() {
    let mut app = with_session("demo-admin-mfa", 600);
    let one = crate::server::ServerStatus {
        requests_served: 1,
        refreshes: 2,
        ..Default::default()
    };
    app.update(Msg::SubshellExited {
        profile: "demo-admin-mfa".into(),
        result: Ok(Some(0)),
        served: Some(one),
    });
    let text = &app.status.as_ref().unwrap().text;
    assert!(
        text.contains("served 1 request and refreshed the session 1 time"),
        "{text}"
    );
}

/// The demo's `demo-base` keys as an assume hands them out: long-term, no expiration.
fn long_term_keys() -> Session {
    let mut keys = session("demo-base", 0);
    keys.credentials.session_token = None;
    keys.credentials.expiration = None;
    keys.source = "shared-credentials-file (assets/demo/credentials)".into();
    keys
}

#[test]
fn assuming_long_term_keys_keeps_their_row_selected_when_the_store_is_read_again() {
    let mut app = demo_app();
    let mut mfa = session("demo-base", 600);
    mfa.kind = SessionKind::MfaSession;
    app.update(Msg::Sessions(Ok(vec![listed(mfa.clone())])));
    assume(&mut app, "demo-base");
    let cmds = app.update(Msg::Assumed {
        profile: "demo-base".into(),
        result: Ok(Assumed {
            session: Box::new(long_term_keys()),
            warnings: vec![],
        }),
    });
    assert_eq!(cmds, vec![Cmd::LoadSessions]);
    // The store holds no long-term keys: reading it again gives the MFA session only.
    app.update(Msg::Sessions(Ok(vec![listed(mfa)])));
    let selected = app.selected_session().expect("a session is selected");
    assert_eq!(
        (
            selected.profile.as_str(),
            selected.kind,
            selected.expiration()
        ),
        ("demo-base", SessionKind::Profile, None)
    );
    assert_eq!(app.sessions.len(), 2);
    // Forgetting it removes the row, though the store never held it.
    app.update(Msg::Forgot {
        profile: "demo-base".into(),
        result: Ok(()),
    });
    app.update(Msg::Sessions(Ok(vec![])));
    assert!(app.sessions.is_empty(), "{:?}", app.sessions);
}
