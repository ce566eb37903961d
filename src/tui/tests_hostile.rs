//! Outside text in the TUI: hostile profile values, portal names, a sign-in's code and
//! URL, sessions and error messages are drawn shown (`\x1b]0;…`), never obeyed: checked
//! in the rendered cells and in the bytes the terminal backend writes.

use super::app::{App, Focus, Msg};
use super::backend::SignInPrompt;
use super::modal::{EnvFileModal, ExportModal, MfaModal, MfaPurpose, Modal, SignInModal};
use super::test_support::*;
use super::view::{draw, scrub};
use crate::profile::{ConfigPaths, Profile, ProfileGraph};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::path::PathBuf;
use std::sync::Arc;

/// A window title (OSC 0), a clipboard write (OSC 52), a screen clear (CSI 2 J), the
/// same through C1's CSI (U+009B), and a right-to-left override.
const PAYLOAD: &str = "\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J\u{202e}";

/// What a cell run shows of the payload's start.
const SHOWN: &str = r"\x1b]0;pwned-title\x07";

/// The payload's pieces a terminal would obey, as bytes.
const OBEYED: [&[u8]; 5] = [
    b"\x1b]0;pwned-title",
    b"\x1b]52;c;cHduZWQ=",
    b"\x07\x1b[2J",
    "\u{9b}".as_bytes(),
    "\u{202e}".as_bytes(),
];

fn hostile_graph() -> Arc<ProfileGraph> {
    let paths = ConfigPaths {
        config: PathBuf::from("/nonexistent/config"),
        credentials: PathBuf::from("/nonexistent/credentials"),
    };
    let config = format!(
        "[profile evil]\nrole_arn = arn:aws:iam::123456789012:role/R{PAYLOAD}\nsource_profile = base\nregion = eu{PAYLOAD}\nmfa_serial = arn:aws:iam::123456789012:mfa/m{PAYLOAD}\n\n\
         [profile broken]\nsource_profile = gone{PAYLOAD}\nrole_arn = arn:aws:iam::123456789012:role/B\n"
    );
    let credentials =
        "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n";
    let graph = ProfileGraph::from_texts(paths, &config, credentials);
    let mut profiles = graph.profiles().to_vec();
    profiles.push(Profile::sso_role(
        format!("Acct.Admin{PAYLOAD}"),
        Some("corp"),
        None,
        None,
        "777777777777",
        &format!("Account{PAYLOAD}"),
        &format!("Admin{PAYLOAD}"),
        Some("eu-west-2"),
    ));
    Arc::new(graph.with_profiles(profiles))
}

fn hostile_app() -> App {
    let mut app = App::new(hostile_graph(), t0(), true);
    let mut s = session(&format!("evil{PAYLOAD}"), 600);
    s.source = format!("assume-role via base{PAYLOAD}");
    app.update(Msg::Sessions(Ok(vec![listed(s)])));
    app
}

fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The bytes crossterm writes for one frame of `app`.
fn frame_bytes(app: &App, width: u16, height: u16) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let backend = CrosstermBackend::new(&mut bytes);
        let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
        let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
        terminal.draw(|f| draw(app, f)).unwrap();
    }
    bytes
}

fn screen(buf: &Buffer) -> String {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// No cell holds a character a terminal obeys, and the crossterm bytes hold none of the
/// payload's sequences; `shown` is on the wide screen.
fn assert_drawn_safely(app: &App, shown: &str, what: &str) {
    for (w, h) in [(80, 24), (160, 48)] {
        let buf = render(app, w, h);
        for cell in buf.content() {
            let symbol = cell.symbol();
            assert!(
                !symbol.chars().any(|c| c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)),
                "{what} at {w}x{h}: a cell holds {symbol:?}"
            );
        }
        // Shown where there is room for it (80 columns may cut it).
        let text = screen(&buf);
        assert!(
            w < 160 || text.contains(shown),
            "{what} at {w}x{h}: {shown} not shown:\n{text}"
        );
        let bytes = frame_bytes(app, w, h);
        for obeyed in OBEYED {
            assert!(
                !bytes.windows(obeyed.len()).any(|win| win == obeyed),
                "{what} at {w}x{h}: the terminal would get {:?}",
                String::from_utf8_lossy(obeyed)
            );
        }
    }
}

#[test]
fn profile_values_and_diagnostics_are_shown_not_obeyed() {
    let mut app = hostile_app();
    // The selected row's detail line: chain, region, first problem.
    type_str(&mut app, "evil");
    assert_drawn_safely(&app, SHOWN, "the profile table and detail line");
    let mut app = hostile_app();
    type_str(&mut app, "broken");
    assert_drawn_safely(&app, "gone\\x1b]0;", "a problem under the table");
}

#[test]
fn discovered_names_are_shown_not_obeyed() {
    let mut app = hostile_app();
    type_str(&mut app, "acct");
    assert_drawn_safely(&app, "Admin\\x1b]0;", "a discovered role's detail line");
}

#[test]
fn sessions_and_their_sources_are_shown_not_obeyed() {
    let mut app = hostile_app();
    app.focus = Focus::Sessions;
    assert_drawn_safely(&app, "base\\x1b]0;", "the sessions panel");
}

#[test]
fn errors_on_the_status_line_are_shown_not_obeyed() {
    let mut app = hostile_app();
    app.update(Msg::Error(format!("AccessDenied: {PAYLOAD}")));
    assert_drawn_safely(&app, "AccessDenied: \\x1b]0;", "the status line");
}

#[test]
fn the_sign_in_window_shows_the_code_and_url_escaped() {
    let mut app = hostile_app();
    app.modal = Some(Modal::SignIn(SignInModal {
        profile: format!("p{PAYLOAD}"),
        session: "sso-session corp".into(),
        prompt: Some(SignInPrompt {
            session: "sso-session corp".into(),
            url: format!("https://device.sso/{PAYLOAD}"),
            user_code: format!("CODE{PAYLOAD}"),
            expires_at: t0() + chrono::Duration::minutes(10),
            browser: format!("opened with {PAYLOAD}"),
        }),
    }));
    assert_drawn_safely(&app, "CODE\\x1b]0;", "the sign-in window");
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
fn a_cell_a_draw_path_filled_raw_is_replaced_before_it_reaches_the_terminal() {
    let mut terminal = Terminal::new(TestBackend::new(12, 1)).unwrap();
    terminal
        .draw(|f| {
            // What a draw path that forgot `shown` would leave: ESC in a cell.
            f.render_widget(ratatui::widgets::Paragraph::new("a\x1b[2Jb"), f.area());
            scrub(f);
        })
        .unwrap();
    let buf = terminal.backend().buffer();
    assert_eq!(buf[(0, 0)].symbol(), "a");
    assert_eq!(buf[(1, 0)].symbol(), "\u{fffd}");
    assert!(buf.content().iter().all(|c| !c.symbol().contains('\x1b')));
}

#[test]
fn the_export_and_dotenv_windows_show_names_escaped() {
    let mut app = hostile_app();
    let mut s = session(&format!("evil{PAYLOAD}"), 600);
    s.region = Some(format!("eu{PAYLOAD}"));
    app.modal = Some(Modal::Export(ExportModal {
        session: Box::new(s.clone()),
        format: 0,
    }));
    assert_drawn_safely(&app, "ROLECALL_PROFILE=evil\\x1b]0;", "the export window");
    app.modal = Some(Modal::EnvFile(EnvFileModal {
        session: Box::new(s),
        input: format!("./.env{PAYLOAD}"),
        foreign: false,
    }));
    assert_drawn_safely(&app, "./.env\\x1b]0;", "the dotenv window");
}
