//! The MFA window: typing a code, submitting it, asking again, and what it draws.

use super::*;
use crate::session::SessionKind;
use crate::testing::tui::*;
use crate::tui::app::{App, Focus};
use crate::tui::backend::AssumeFailure;
use crate::tui::message::Msg;
use crate::tui::modal::Modal;
use ratatui::style::Color;

#[test]
fn mfa_flow_digits_only_masked_and_retry() {
    let mut app = asked_for_mfa();
    assert!(matches!(app.modal, Some(Modal::Mfa(_))));
    type_str(&mut app, "12a3-4567");
    let Some(Modal::Mfa(MfaModal { input, .. })) = &app.modal else {
        panic!("MFA modal closed")
    };
    assert_eq!(input.len(), 6);
    assert_eq!(input.code(), MfaCode::parse("123456").ok());
    // The digits never show in Debug output (of the modal, the app, or a command).
    assert!(!format!("{app:?}").contains("123456"));
    app.update(key(KeyCode::Backspace));
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    let Some(Modal::Mfa(MfaModal { error, .. })) = &app.modal else {
        panic!("MFA modal closed")
    };
    assert!(error.as_ref().unwrap().contains("six digits"));
    app.update(ch('9'));
    let cmds = app.update(key(KeyCode::Enter));
    assert_eq!(
        cmds,
        vec![Cmd::Assume {
            profile: "demo-admin-mfa".into(),
            mfa_code: Some(MfaCode::parse("123459").unwrap()),
            refresh: true,
        }]
    );
    assert!(!format!("{cmds:?}").contains("123459"));
    assert!(app.modal.is_none() && app.busy());
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::WrongMfa {
            message: "MultiFactorAuthentication failed with invalid MFA one time pass code".into(),
        }),
    });
    let Some(Modal::Mfa(MfaModal { input, error, .. })) = &app.modal else {
        panic!("MFA modal not re-opened")
    };
    assert!(input.is_empty());
    assert!(error.as_ref().unwrap().contains("invalid MFA"));
    // Esc closes the modal without quitting or assuming.
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.modal.is_none() && !app.busy());
}

#[test]
fn an_mfa_session_is_listed_refreshed_with_a_new_code_and_forgotten_on_its_own() {
    let mut app = demo_app();
    let mut mfa = session("demo-base", 900);
    mfa.kind = SessionKind::MfaSession;
    mfa.mfa_serial = Some("arn:aws:iam::111111111111:mfa/demo-user".into());
    app.update(Msg::Sessions(Ok(vec![
        listed(session("demo-admin-mfa", 600)),
        listed(mfa.clone()),
    ])));
    app.focus = Focus::Sessions;
    app.update(key(KeyCode::Down));
    assert_eq!(app.selected_session(), Some(&mfa));
    // r on an MFA session asks for a code, then renews it.
    assert!(app.update(ch('r')).is_empty());
    assert!(matches!(
        app.modal,
        Some(Modal::Mfa(MfaModal {
            purpose: MfaPurpose::RenewSession,
            ..
        }))
    ));
    type_str(&mut app, "246810");
    assert_eq!(
        app.update(key(KeyCode::Enter)),
        vec![Cmd::RenewMfa {
            profile: "demo-base".into(),
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            code: MfaCode::parse("246810").ok(),
        }]
    );
    let mut renewed = mfa.clone();
    renewed.credentials.access_key_id = "ASIARENEWED00EXAMPLE".into();
    app.update(Msg::Assumed {
        profile: "demo-base".into(),
        result: Ok(assumed(renewed)),
    });
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("renewed the MFA session of demo-base"));
    // d forgets that one session, not the profile's others.
    assert_eq!(app.update(ch('d')), vec![Cmd::Forget(mfa.key())]);
}

#[test]
fn a_cached_mfa_session_refused_by_sts_asks_for_a_code_saying_why() {
    let mut app = demo_app();
    assume(&mut app, "demo-admin-mfa");
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::NeedsMfa {
            serial: "arn:mfa".into(),
            reason: Some("STS refused the cached MFA session (AccessDenied: too old)".into()),
        }),
    });
    let Some(Modal::Mfa(MfaModal { error, .. })) = &app.modal else {
        panic!("no MFA window")
    };
    assert!(error
        .as_deref()
        .unwrap()
        .contains("refused the cached MFA session"));
}

#[test]
fn mfa_modal_is_masked() {
    let mut app = demo_app();
    type_str(&mut app, "admin");
    app.update(key(KeyCode::Enter));
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::NeedsMfa {
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            reason: None,
        }),
    });
    type_str(&mut app, "1234");
    for (w, h) in SIZES {
        let buf = render(&app, w, h);
        let screen = text(&buf);
        assert!(screen.contains("MFA code for demo-admin-mfa"), "{screen}");
        assert!(screen.contains("arn:aws:iam::111111111111:mfa/demo-user"));
        assert!(screen.contains("code: ••••__"), "{screen}");
        assert!(!screen.contains("1234"));
    }
    app.update(key(KeyCode::Backspace));
    app.update(key(KeyCode::Backspace));
    type_str(&mut app, "3456");
    app.update(key(KeyCode::Enter));
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::WrongMfa {
            message: "invalid MFA one time pass code".into(),
        }),
    });
    let buf = render(&app, 80, 24);
    assert_eq!(fg_at(&buf, "invalid MFA"), Color::Red);
}

#[test]
fn the_mfa_window_shows_the_serial_escaped() {
    let mut app = hostile_app();
    app.modal = Some(Modal::Mfa(MfaModal {
        profile: "evil".into(),
        serial: Some(format!("arn:aws:iam::123456789012:mfa/m{PAYLOAD}")),
        input: Default::default(),
        error: Some(format!("wrong code {PAYLOAD}")),
        purpose: MfaPurpose::Assume,
    }));
    assert_drawn_safely(&app, "mfa/m\\x1b]0;", "the MFA window");
}

#[test]
fn the_six_digits_hint_goes_once_the_code_is_edited() {
    let mut app = asked_for_mfa();
    type_str(&mut app, "12a345");
    app.update(key(KeyCode::Enter));
    assert!(text(&render(&app, 100, 30)).contains("six digits"));
    app.update(ch('6'));
    let screen = text(&render(&app, 100, 30));
    assert!(!screen.contains("six digits"), "{screen}");
    let Some(Modal::Mfa(MfaModal { error, .. })) = &app.modal else {
        panic!("MFA modal closed")
    };
    assert_eq!(error, &None);
}

/// The demo app assuming `demo-admin-mfa`, whose device's `mfa_process` now runs.
fn waiting_for_the_device() -> App {
    let mut app = demo_app();
    assume(&mut app, "demo-admin-mfa");
    app.update(Msg::WaitingForDevice {
        profile: "demo-admin-mfa".into(),
        text: "waiting for ykman (mfa_process of 'demo-admin-mfa'): touch your security key \
               if it blinks"
            .into(),
    });
    app
}

#[test]
fn while_the_device_runs_the_spinner_says_so_and_no_window_opens() {
    let mut app = waiting_for_the_device();
    assert!(app.modal.is_none());
    assert!(app.busy());
    let screen = text(&render(&app, 120, 24));
    assert!(
        screen.contains(
            "waiting for ykman (mfa_process of 'demo-admin-mfa'): touch your security key if it \
             blinks"
        ),
        "{screen}"
    );
    assert!(screen.contains("Esc cancel"), "{screen}");
    // Another profile's word changes nothing.
    app.update(Msg::WaitingForDevice {
        profile: "demo-ops".into(),
        text: "waiting for other".into(),
    });
    assert!(!text(&render(&app, 120, 24)).contains("waiting for other"));
    // The device gave its code: the session arrives as any other.
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Ok(assumed(session("demo-admin-mfa", 3600))),
    });
    assert!(app.modal.is_none() && !app.busy());
    assert_eq!(app.selected_session().unwrap().profile, "demo-admin-mfa");
}

#[test]
fn esc_while_the_device_runs_cancels_the_assume() {
    let mut app = waiting_for_the_device();
    assert_eq!(app.update(key(KeyCode::Esc)), vec![Cmd::CancelAssume]);
    assert!(!app.busy() && app.modal.is_none());
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "cancelled assuming demo-admin-mfa"
    );
}

#[test]
fn a_device_that_fails_is_reported_and_the_code_can_be_typed() {
    let mut app = waiting_for_the_device();
    let message = "mfa_process of 'demo-admin-mfa' (ykman) printed something that is not a \
                   six-digit code";
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::MfaProcessFailed {
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            message: message.into(),
        }),
    });
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, crate::tui::message::StatusLevel::Error);
    assert!(status.text.starts_with(message), "{}", status.text);
    let Some(Modal::Mfa(modal)) = &app.modal else {
        panic!("no MFA window: {:?}", app.modal);
    };
    assert_eq!(modal.error.as_deref(), Some(message));
    assert_eq!(
        modal.serial.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/demo-user")
    );
    // Typed by hand, the code goes with the assume (which then runs no device).
    type_str(&mut app, "123456");
    let cmds = app.update(key(KeyCode::Enter));
    assert!(
        matches!(
            &cmds[..],
            [Cmd::Assume {
                mfa_code: Some(_),
                ..
            }]
        ),
        "{cmds:?}"
    );
}

#[test]
fn the_typed_code_never_moves_so_no_copy_is_left_behind() {
    // A String that grows reallocates, and the old allocation (digits included) is freed
    // unzeroised.
    let mut input = CodeInput::default();
    let buffer = input.0.as_ptr();
    for c in "1234567".chars() {
        input.push(c);
        assert_eq!(input.0.as_ptr(), buffer);
    }
    input.pop();
    input.push('9');
    assert_eq!(input.0.as_ptr(), buffer);
}
