//! IAM Identity Center in the TUI, as a person uses it, in a real terminal (tmux): Enter on
//! an SSO profile with no sign-in opens the sign-in window with the code and the URL (and
//! the browser), the stand-in approves, the profile's session appears with its countdown,
//! the sign-in shows its own time left, and the roles discovery found join the list.

mod common;

use common::sso_standin::{Behaviour, SsoStandin};
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

#[test]
fn enter_on_an_sso_profile_signs_in_then_shows_its_countdown_and_the_discovered_roles() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let standin = SsoStandin::start(Behaviour {
        pending_rounds: 1,
        ..Behaviour::default().with_accounts(2, &["Dev", "Admin"])
    });
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), CONFIG).unwrap();
    let browser = common::RecordingBrowser::new(dir.path());
    let d = |p: &std::path::Path| p.display().to_string();
    let t = Tmux::start(
        "sso",
        140,
        40,
        dir.path(),
        &[
            ("HOME", &d(&home)),
            ("USER", "tester"),
            ("ROLECALL_CACHE_DIR", &d(&dir.path().join("cache"))),
            ("AWS_ENDPOINT_URL_SSO", &standin.url),
            ("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url),
            ("BROWSER", &browser.var()),
        ],
    );
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for("Profiles 1/1", WAIT);
    t.send_keys(&["Enter"]);
    // The window: the code, the URL to approve it on, a spinner while it waits.
    t.wait_for_all(
        &[
            "IAM Identity Center sign-in",
            "ABCD-EFGH",
            "/device?user_code=ABCD-EFGH",
        ],
        WAIT,
    );
    // The stand-in approves on the second poll; the profile's session follows with its
    // countdown, and the sign-in with its own time left.
    t.wait_until("the session and the sign-in", WAIT, |s| {
        s.contains("Sessions 1")
            && (s.contains("59:") || s.contains("1h00m"))
            && s.contains("SSO sign-in")
            && s.contains("sso-session corp")
    });
    assert!(
        browser.url().contains("/device?user_code=ABCD-EFGH"),
        "the browser was not opened on the URL"
    );
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
}
