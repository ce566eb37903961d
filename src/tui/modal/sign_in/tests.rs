//! The IAM Identity Center sign-in window: opened by an assume, cancelled, approved or
//! failed, and what it draws.

use super::*;
use crate::testing::tui::*;
use crate::tui::backend::AssumeFailure;
use crate::tui::message::{Msg, StatusLevel};
use crate::tui::modal::Modal;

#[test]
fn an_sso_profile_without_a_sign_in_opens_the_window_and_goes_on_once_approved() {
    let mut app = demo_app();
    assume(&mut app, "demo-sso");
    let cmds = app.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    assert_eq!(
        cmds,
        vec![Cmd::SignIn {
            profile: "demo-sso".into()
        }]
    );
    assert!(matches!(
        app.modal,
        Some(Modal::SignIn(SignInModal { prompt: None, .. }))
    ));
    assert!(app.busy(), "the window's spinner turns");
    let prompt = auth_code_prompt();
    app.update(Msg::SignInPrompt {
        profile: "demo-sso".into(),
        prompt: prompt.clone(),
    });
    assert!(
        matches!(&app.modal, Some(Modal::SignIn(SignInModal { prompt: Some(p), .. })) if *p == prompt)
    );
    // Other keys do nothing while it waits.
    assert!(app.update(ch('q')).is_empty());
    assert!(!app.quit);
    let cmds = app.update(Msg::SignedIn {
        profile: "demo-sso".into(),
        result: Ok(()),
    });
    assert_eq!(
        cmds,
        vec![
            Cmd::Discover,
            Cmd::LoadSessions,
            Cmd::Assume {
                profile: "demo-sso".into(),
                mfa_code: None,
                refresh: false
            }
        ]
    );
    assert!(app.modal.is_none() && app.busy());
}

#[test]
fn esc_cancels_a_sign_in_and_a_failed_one_is_reported() {
    let mut app = demo_app();
    assume(&mut app, "demo-sso");
    app.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    assert_eq!(app.update(key(KeyCode::Esc)), vec![Cmd::CancelSignIn]);
    assert!(app.modal.is_none() && !app.busy());
    // A late answer for the cancelled sign-in changes nothing.
    assert!(app
        .update(Msg::SignedIn {
            profile: "demo-sso".into(),
            result: Ok(()),
        })
        .is_empty());
    // Enter again (the filter still selects demo-sso): the same window, and a failure.
    app.update(key(KeyCode::Enter));
    app.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    app.update(Msg::SignedIn {
        profile: "demo-sso".into(),
        result: Err("access_denied".into()),
    });
    let status = app.status.as_ref().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert!(status.text.contains("sign-in failed: access_denied"));
}

#[test]
fn the_sign_in_window_shows_the_code_the_url_and_the_time_left() {
    let mut app = demo_app();
    type_str(&mut app, "demo-sso");
    app.update(key(KeyCode::Enter));
    app.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    let waiting = text(&render(&app, 100, 30));
    assert!(waiting.contains("starting the sign-in"), "{waiting}");
    app.update(Msg::SignInPrompt {
        profile: "demo-sso".into(),
        prompt: SignInPrompt {
            session: "sso-session demo".into(),
            flow: crate::sso::SignInFlow::DeviceCode,
            why: "in a container: a browser outside it cannot reach a listener inside".into(),
            url: "https://device.sso.eu-west-2.amazonaws.com/?user_code=WXYZ-1234".into(),
            user_code: Some("WXYZ-1234".into()),
            expires_at: t0() + chrono::Duration::seconds(599),
            browser: "no display to open a browser on: open the URL yourself".into(),
        },
    });
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let screen = text(&render(&app, w, h));
        for expected in [
            "IAM Identity Center sign-in",
            "WXYZ-1234",
            "user_code=WXYZ-1234",
            "open the URL yourself",
            "waiting for approval (09:59 left)",
            "with a device code: in a container",
            "Esc cancel",
        ] {
            assert!(
                screen.contains(expected),
                "{w}x{h}: {expected} missing\n{screen}"
            );
        }
    }
}

#[test]
fn the_sign_in_window_shows_the_code_and_url_escaped() {
    let mut app = hostile_app();
    app.modal = Some(Modal::SignIn(SignInModal {
        profile: format!("p{PAYLOAD}"),
        session: "sso-session corp".into(),
        prompt: Some(SignInPrompt {
            session: "sso-session corp".into(),
            flow: crate::sso::SignInFlow::DeviceCode,
            why: format!("why{PAYLOAD}"),
            url: format!("https://device.sso/{PAYLOAD}"),
            user_code: Some(format!("CODE{PAYLOAD}")),
            expires_at: t0() + chrono::Duration::minutes(10),
            browser: format!("opened with {PAYLOAD}"),
        }),
    }));
    assert_drawn_safely(&app, "CODE\\x1b]0;", "the sign-in window");
    app.modal = Some(Modal::SignIn(SignInModal {
        profile: "p".into(),
        session: "sso-session corp".into(),
        prompt: Some(SignInPrompt {
            flow: crate::sso::SignInFlow::AuthCode,
            url: format!("https://oidc/authorize?state={PAYLOAD}"),
            ..auth_code_prompt()
        }),
    }));
    assert_drawn_safely(&app, "state=\\x1b]0;", "the browser sign-in window");
}

#[test]
fn the_browser_window_waits_for_the_browser_shows_the_url_and_offers_the_device_code() {
    let mut app = demo_app();
    type_str(&mut app, "demo-sso");
    app.update(key(KeyCode::Enter));
    app.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    app.update(Msg::SignInPrompt {
        profile: "demo-sso".into(),
        prompt: auth_code_prompt(),
    });
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let screen = text(&render(&app, w, h));
        for expected in [
            "with the authorization code and PKCE: the default for sso-session",
            "waiting for the browser (10:00 left)",
            "sign in at",
            "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code",
            "E9Melhoa2Ow",
            "opened with true",
            "d: a device code instead",
            "d device code",
        ] {
            assert!(
                screen.contains(expected),
                "{w}x{h}: {expected} missing\n{screen}"
            );
        }
    }
    // d: the same window, now starting a device-code sign-in.
    let cmds = app.update(ch('d'));
    assert_eq!(
        cmds,
        vec![Cmd::SignInWithDeviceCode {
            profile: "demo-sso".into()
        }]
    );
    assert!(matches!(
        app.modal,
        Some(Modal::SignIn(SignInModal { prompt: None, .. }))
    ));
    assert!(text(&render(&app, 100, 30)).contains("starting the sign-in"));
    app.update(Msg::SignInPrompt {
        profile: "demo-sso".into(),
        prompt: device_code_prompt(),
    });
    let screen = text(&render(&app, 100, 30));
    assert!(screen.contains("code: ABCD-EFGH"), "{screen}");
    assert!(!screen.contains("d device code"), "{screen}");
    // In the device-code window, d is just a key.
    assert!(app.update(ch('d')).is_empty());
    // Esc cancels whichever runs.
    assert_eq!(app.update(key(KeyCode::Esc)), vec![Cmd::CancelSignIn]);
    assert!(app.modal.is_none());
}

#[test]
fn on_a_narrow_screen_the_sign_in_window_still_shows_the_whole_url() {
    let mut app = demo_app();
    app.modal = Some(Modal::SignIn(SignInModal {
        profile: "demo-sso".into(),
        session: "sso-session corp".into(),
        prompt: Some(auth_code_prompt()),
    }));
    let url: String = auth_code_prompt().url;
    for (w, h) in [(60, 30), (40, 40)] {
        let buf = render_modal(&app, w, h);
        assert!(squashed(&buf).contains(&url), "{w}x{h}:\n{}", text(&buf));
    }
}
