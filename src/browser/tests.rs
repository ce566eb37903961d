
use super::*;
use crate::testing::env;

const URL: &str = "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH";

#[test]
fn browser_variable_wins() {
    assert_eq!(
        opener_command(URL, &env(&[("BROWSER", "firefox --new-tab")]), false),
        Some(("firefox".into(), vec!["--new-tab".into(), URL.into()]))
    );
    assert_eq!(
        opener_command(URL, &env(&[("BROWSER", ":w3m -o x=%s:lynx")]), false),
        Some(("w3m".into(), vec!["-o".into(), format!("x={URL}")]))
    );
}

#[test]
fn a_failure_does_not_repeat_the_url() {
    let secret = "https://signin.example/federation?SigninToken=s3cr3t";
    let opened = open_with(secret, &env(&[("BROWSER", "/nonexistent/browser")]), false);
    let Opened::Failed(message) = opened else {
        panic!("{opened:?}")
    };
    assert!(message.contains("/nonexistent/browser"), "{message}");
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[test]
fn no_display_no_opener_on_linux() {
    assert_eq!(opener_command(URL, &env(&[]), false), None);
    assert_eq!(opener_command(URL, &env(&[("DISPLAY", " ")]), false), None);
    assert_eq!(
        opener_command(URL, &env(&[("WAYLAND_DISPLAY", "wayland-0")]), false),
        Some(("xdg-open".into(), vec![URL.into()]))
    );
    assert_eq!(
        opener_command(URL, &env(&[]), true),
        Some(("open".into(), vec![URL.into()]))
    );
}
