//! IAM Identity Center in the TUI, as a person uses it, in a real terminal (tmux): Enter on
//! an sso-session profile with no sign-in opens the sign-in window, which waits for the
//! browser (authorization code and PKCE) and shows the URL; a test browser follows it back
//! to rolecall's listener, the profile's session appears with its countdown, the sign-in
//! shows its own time left, and the roles discovery found join the list. `d` in the window
//! switches to the device code, which the stand-in approves.

mod common;

use common::sso_standin::{follow_in_browser, Behaviour, SsoStandin};
use common::tmux::Tmux;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 000000000001
sso_role_name = Dev
region = eu-west-1
";

/// The TUI on `standin` in tmux, with a recording browser.
fn start_tui(
    name: &str,
    standin: &SsoStandin,
    dir: &std::path::Path,
) -> (Tmux, common::RecordingBrowser) {
    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), CONFIG).unwrap();
    let browser = common::RecordingBrowser::new(dir);
    let d = |p: &std::path::Path| p.display().to_string();
    let t = Tmux::start(
        name,
        140,
        40,
        dir,
        &[
            ("HOME", &d(&home)),
            ("USER", "tester"),
            ("ROLECALL_CACHE_DIR", &d(&dir.join("cache"))),
            ("AWS_ENDPOINT_URL_SSO", &standin.url),
            ("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url),
            ("BROWSER", &browser.var()),
        ],
    );
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for("Profiles 1/1", WAIT);
    (t, browser)
}

#[test]
fn enter_on_an_sso_profile_signs_in_through_the_browser_then_shows_its_countdown_and_the_discovered_roles(
) {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let standin = SsoStandin::start(Behaviour::default().with_accounts(2, &["Dev", "Admin"]));
    let dir = tempfile::tempdir().unwrap();
    let (t, browser) = start_tui("sso-pkce", &standin, dir.path());
    t.send_keys(&["Enter"]);
    // The window: the flow and why, waiting for the browser, the URL, the fallback.
    t.wait_for_all(
        &[
            "IAM Identity Center sign-in",
            "with the authorization code and PKCE: BROWSER is set",
            "waiting for the browser",
            "/authorize?response_type=code",
            "d device code",
        ],
        WAIT,
    );
    // The browser was opened on the authorize URL; a test browser follows it back to
    // rolecall's listener.
    let url = browser.url();
    assert!(
        url.starts_with(&format!("{}/authorize?", standin.url)),
        "{url}"
    );
    let visit = follow_in_browser(&url);
    let (status, page) = visit.page.expect("redirected to rolecall's listener");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Signed in."), "{page}");
    // The profile's session follows with its countdown, and the sign-in with its own time
    // left.
    t.wait_until("the session and the sign-in", WAIT, |s| {
        s.contains("Sessions 1")
            && (s.contains("59:") || s.contains("1h00m"))
            && s.contains("SSO sign-in")
            && s.contains("sso-session corp")
    });
    // Discovery: account 2's roles and account 1's Admin have no profile; they join the
    // list, marked as discovered.
    t.wait_for_all(&["Profiles 4/4", "Account-2.Admin", "sso·new"], WAIT);
    // The sign-in went to the AWS CLI's token cache: rolecall sso roles needs no new one.
    t.send_text("q");
    t.wait_for_prompt(WAIT);
    t.run(&format!(
        "{} sso roles --format json | grep -c account_id",
        env!("CARGO_BIN_EXE_rolecall")
    ));
    t.wait_for("\n4\n", WAIT);
    assert_eq!(standin.requests_to("/authorize").len(), 1);
}

#[test]
fn d_in_the_sign_in_window_switches_to_a_device_code() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let standin = SsoStandin::start(Behaviour {
        pending_rounds: 1,
        ..Behaviour::default().with_accounts(1, &["Dev"])
    });
    let dir = tempfile::tempdir().unwrap();
    let (t, _browser) = start_tui("sso-device", &standin, dir.path());
    t.send_keys(&["Enter"]);
    t.wait_for("waiting for the browser", WAIT);
    t.send_text("d");
    // The device code, the URL to approve it on; the stand-in approves on the second poll.
    t.wait_for_all(
        &[
            "with a device code: asked for in this window (d)",
            "ABCD-EFGH",
            "/device?user_code=ABCD-EFGH",
        ],
        WAIT,
    );
    t.wait_until("the session", WAIT, |s| {
        s.contains("Sessions 1") && (s.contains("59:") || s.contains("1h00m"))
    });
    assert!(standin.requests_to("/device_authorization").len() == 1);
}
