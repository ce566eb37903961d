//! The rule that picks the sign-in flow, case by case.

use super::*;

fn session() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

fn legacy() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: None,
        legacy_profile: Some("old".into()),
        ..session()
    }
}

fn desktop() -> Surroundings {
    Surroundings {
        display: true,
        ..Surroundings::default()
    }
}

fn around(vars: &[(&str, &str)], files: &[&str], macos: bool) -> Surroundings {
    Surroundings::detect_with(
        &|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        },
        &|path| files.contains(&path),
        macos,
    )
}

#[test]
fn an_sso_session_on_a_desktop_signs_in_with_the_authorization_code() {
    let choice = choose_flow(&session(), false, &desktop());
    assert_eq!(choice.flow, SignInFlow::AuthCode);
    assert!(choice.why.contains("default"), "{}", choice.why);
}

#[test]
fn legacy_profiles_and_the_flag_keep_the_device_code_whatever_the_surroundings() {
    let browser = Surroundings {
        browser_var: true,
        ..desktop()
    };
    let choice = choose_flow(&legacy(), false, &browser);
    assert_eq!(choice.flow, SignInFlow::DeviceCode);
    assert!(choice.why.contains("sso_start_url"), "{}", choice.why);
    let choice = choose_flow(&session(), true, &browser);
    assert_eq!(choice.flow, SignInFlow::DeviceCode);
    assert_eq!(choice.why, "--use-device-code");
}

#[test]
fn where_no_browser_can_reach_the_listener_the_device_code_is_used_and_why_is_said() {
    for (vars, files, macos, why) in [
        (
            &[("CI", "true"), ("DISPLAY", ":0")][..],
            &[][..],
            false,
            "CI is set",
        ),
        (
            &[("DISPLAY", ":0")][..],
            &["/.dockerenv"][..],
            false,
            "container",
        ),
        (
            &[("DISPLAY", ":0")][..],
            &["/run/.containerenv"][..],
            false,
            "container",
        ),
        (
            &[("container", "podman"), ("DISPLAY", ":0")][..],
            &[][..],
            false,
            "container",
        ),
        (
            &[("KUBERNETES_SERVICE_HOST", "10.0.0.1")][..],
            &[][..],
            true,
            "container",
        ),
        (
            &[("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.3 22")][..],
            &[][..],
            false,
            "SSH session",
        ),
        (
            &[("SSH_TTY", "/dev/pts/1")][..],
            &[][..],
            true,
            "SSH session",
        ),
        (&[][..], &[][..], false, "no display"),
    ] {
        let choice = choose_flow(&session(), false, &around(vars, files, macos));
        assert_eq!(choice.flow, SignInFlow::DeviceCode, "{vars:?} {files:?}");
        assert!(choice.why.contains(why), "{vars:?}: {}", choice.why);
    }
}

#[test]
fn a_display_or_browser_keeps_the_authorization_code() {
    for (vars, files, macos) in [
        (&[("DISPLAY", ":0")][..], &[][..], false),
        (&[("WAYLAND_DISPLAY", "wayland-0")][..], &[][..], false),
        (&[][..], &[][..], true),
        // X forwarding: the browser runs here and reaches this loopback.
        (
            &[("SSH_CONNECTION", "a"), ("DISPLAY", "localhost:10")][..],
            &[][..],
            false,
        ),
        // CI=false and CI=0 are not CI.
        (&[("CI", "false"), ("DISPLAY", ":0")][..], &[][..], false),
        (&[("CI", "0"), ("DISPLAY", ":0")][..], &[][..], false),
        // BROWSER names how to reach a browser (VS Code remote, dev containers).
        (
            &[("BROWSER", "/opt/helper.sh"), ("CI", "1")][..],
            &["/.dockerenv"][..],
            false,
        ),
    ] {
        let choice = choose_flow(&session(), false, &around(vars, files, macos));
        assert_eq!(
            choice.flow,
            SignInFlow::AuthCode,
            "{vars:?} {files:?}: {}",
            choice.why
        );
    }
}

#[test]
fn the_authorization_code_always_asks_for_scopes() {
    let configured = SsoSessionConfig {
        registration_scopes: Some(vec!["a:b".into(), "c:d".into()]),
        ..session()
    };
    for flow in [SignInFlow::AuthCode, SignInFlow::DeviceCode] {
        assert_eq!(flow.scopes(&configured), ["a:b", "c:d"]);
        assert_eq!(flow.scopes(&session()), ["sso:account:access"]);
    }
    assert_eq!(
        SignInFlow::AuthCode.scopes(&legacy()),
        ["sso:account:access"]
    );
    assert!(SignInFlow::DeviceCode.scopes(&legacy()).is_empty());
}
