//! The TUI in a real terminal (tmux) with hostile text everywhere it draws from: profile
//! values, a session read back from sessions.json, STS's error message, and the line the
//! subshell starts with. What the pane's program writes is captured raw (`pipe-pane`):
//! rolecall's own escape sequences are there, the hostile ones never are, and the escaped
//! form shows on screen instead.

mod common;

use common::hostile::{plant_session, PAYLOAD};
use common::tmux::Tmux;
use common::{root, Reply, Stub};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// The payload's pieces a terminal would obey, as bytes; and STS's (C1 only: XML 1.0 has
/// no C0 controls), see tests/fixtures/sts/hostile_message.xml.
const OBEYED: [&[u8]; 7] = [
    b"\x1b]0;pwned-title",
    b"\x1b]52;c;cHduZWQ=",
    b"\x07\x1b[2J",
    "\u{9b}".as_bytes(),
    "\u{9d}".as_bytes(),
    "\u{202e}".as_bytes(),
    b"\x7f",
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn hostile_text_is_drawn_escaped_and_never_reaches_the_terminal_raw() {
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile evil]\nrole_arn = arn:aws:iam::123456789012:role/R{PAYLOAD}\nsource_profile = base\nregion = eu{PAYLOAD}\n\n\
             [profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Denied\nsource_profile = base\nregion = eu-west-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    // A planted session: its name and source come back from sessions.json.
    plant_session(&dir.path().join("cache"));
    let body =
        std::fs::read_to_string(root().join("tests/fixtures/sts/hostile_message.xml")).unwrap();
    let sts = Stub::start(move |_| Reply::Status(403, body.clone()));
    let t = Tmux::start(
        "hostile",
        160,
        48,
        dir.path(),
        &[
            ("HOME", &d("home")),
            ("PATH", "/usr/bin:/bin"),
            ("SHELL", "/bin/sh"),
            ("AWS_CONFIG_FILE", &d("config")),
            ("AWS_SHARED_CREDENTIALS_FILE", &d("credentials")),
            ("ROLECALL_CACHE_DIR", &d("cache")),
            ("AWS_ENDPOINT_URL_STS", &sts.url),
        ],
    );
    let raw = dir.path().join("pane.raw");
    t.pipe_to(&raw);
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    t.wait_for_all(&["Profiles 3/3", r"ghost\x1b]0;pwned-title"], WAIT);

    // The selected profile's detail line: its chain and its whole region.
    t.send_text("evil");
    t.wait_for(
        r"eu\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J\u{202e}",
        WAIT,
    );
    t.send_keys(&["Escape"]);
    t.wait_for("Profiles 3/3", WAIT);

    // STS's message on the status line.
    t.send_text("denied");
    t.wait_for("Profiles 1/3 /denied", WAIT);
    t.send_keys(&["Enter"]);
    t.wait_for(
        r"AccessDenied: Denied\u{9b}2J\u{9d}0;pwned-title\u{9c}\u{202e}\x7f",
        WAIT,
    );
    t.send_keys(&["Escape"]);

    // The subshell's first line names the session's profile.
    t.send_keys(&["Tab"]);
    t.send_text("S");
    t.wait_for(r"/bin/sh with ghost\x1b]0;pwned-title", WAIT);
    t.wait_for("rc-test$", WAIT);
    t.run("exit");
    t.wait_for("Profiles", WAIT);
    t.send_keys(&["Tab"]);
    t.send_text("q");
    t.wait_for_prompt(WAIT);

    let bytes = std::fs::read(&raw).unwrap();
    // rolecall did draw (its own sequences are in the stream)...
    assert!(
        contains(&bytes, b"\x1b[?1049h"),
        "no alternate screen in the capture"
    );
    assert!(
        contains(&bytes, br"\x1b]0;pwned-title"),
        "the escaped form is not in the capture"
    );
    // ...and none of the hostile ones.
    for obeyed in OBEYED {
        assert!(
            !contains(&bytes, obeyed),
            "the terminal was sent {:?}",
            String::from_utf8_lossy(obeyed)
        );
    }
}
