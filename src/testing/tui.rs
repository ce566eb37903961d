//! Builders and fakes shared by the TUI's tests: a fixed clock, sessions, keys, a scripted
//! [`Backend`](crate::tui::backend::Backend), rendering on a test terminal, and the hostile
//! payload the terminal-text tests plant in outside text.

use crate::credentials::Credentials;
use crate::profile::{ConfigPaths, Profile, ProfileGraph};
use crate::secret::Secret;
use crate::session::{ListedSession, SessionKey};
use crate::session::{Session, SessionKind};
use crate::sts::MfaCode;
use crate::tui::app::{App, Focus};
use crate::tui::backend::{AssumeFailure, Assumed, SignInPrompt, SignInStatus};
use crate::tui::message::{Cmd, Msg};
use crate::tui::view::draw;
use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures::future::BoxFuture;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::path::PathBuf;
use std::sync::Arc;

/// A fixed clock, so countdowns are deterministic.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
}

/// The demo graph's app, in colour.
pub fn demo_app() -> App {
    App::new(std::sync::Arc::new(crate::demo::graph()), t0(), true)
}

/// A session for `profile` expiring `secs` after [`t0`].
pub fn session(profile: &str, secs: i64) -> Session {
    Session {
        profile: profile.into(),
        kind: SessionKind::Profile,
        credentials: Credentials {
            access_key_id: "ASIAEXAMPLEKEYID1234".into(),
            secret_access_key: Secret::new("SECRETsecretSECRETsecret0000WXYZ"),
            session_token: Some(Secret::new("TOKENtokenTOKENtokenTOKEN9876")),
            expiration: Some(t0() + Duration::seconds(secs)),
        },
        source: "assume-role via demo-base".into(),
        region: Some("eu-west-1".into()),
        region_from_instance: false,
        obtained: t0(),
        fingerprint: "fp".into(),
        mfa_serial: None,
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types `text` one key at a time.
pub fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(ch(c));
    }
}

/// Names of the filtered profiles, in order.
pub fn names(app: &App) -> Vec<&str> {
    app.filtered
        .iter()
        .map(|&i| app.profiles()[i].name.as_str())
        .collect()
}

/// A scripted [`Backend`](crate::tui::backend::Backend): answers assumes from a queue and records
/// every call, so tests can check what the runtime asked for.
#[derive(Default)]
pub struct FakeBackend {
    pub answers: std::sync::Mutex<std::collections::VecDeque<Result<Assumed, AssumeFailure>>>,
    pub calls: std::sync::Mutex<Vec<String>>,
    /// Assumes wait this long before answering (to test cancellation).
    pub delay: std::time::Duration,
    /// Reports a discovery gives beyond its first (accounts done 2, 3, …), each with a
    /// graph, all at once: a discovery going on while the UI is away.
    pub more_reports: usize,
}

impl FakeBackend {
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Queues the answer to the next assume.
    pub fn answer(&self, answer: Result<Session, AssumeFailure>) {
        self.answers
            .lock()
            .unwrap()
            .push_back(answer.map(|session| Assumed {
                session: Box::new(session),
                warnings: vec![],
            }));
    }

    fn next(&self, call: String) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        self.calls.lock().unwrap().push(call);
        let answer = self.answers.lock().unwrap().pop_front().unwrap_or_else(|| {
            Err(AssumeFailure::Failed {
                message: "no scripted answer".into(),
            })
        });
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            answer
        })
    }
}

impl crate::tui::backend::Backend for FakeBackend {
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
        _waiting: crate::tui::backend::MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        // The code itself is never recorded: the call says whether there was one.
        let code = if mfa_code.is_some() {
            " with a code"
        } else {
            ""
        };
        let refresh = if refresh { " (refresh)" } else { "" };
        self.next(format!("assume {profile}{code}{refresh}"))
    }

    fn renew_mfa(
        &self,
        profile: String,
        serial: String,
        code: Option<MfaCode>,
        _waiting: crate::tui::backend::MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let code = if code.is_some() { " with a code" } else { "" };
        self.next(format!("renew {profile} {serial}{code}"))
    }

    fn sessions(&self) -> BoxFuture<'static, Result<Vec<ListedSession>, String>> {
        self.calls.lock().unwrap().push("sessions".into());
        Box::pin(async { Ok(vec![listed(session("demo-ops", 600))]) })
    }

    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("forget {} {}", key.profile, key.kind.as_str()));
        Box::pin(async { Ok(()) })
    }

    fn sign_in(
        &self,
        profile: String,
        use_device_code: bool,
        prompt: tokio::sync::oneshot::Sender<SignInPrompt>,
    ) -> BoxFuture<'static, Result<(), String>> {
        let how = if use_device_code {
            " with a device code"
        } else {
            ""
        };
        self.calls
            .lock()
            .unwrap()
            .push(format!("sign in {profile}{how}"));
        let _ = prompt.send(if use_device_code {
            device_code_prompt()
        } else {
            auth_code_prompt()
        });
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            Ok(())
        })
    }

    fn serve(
        &self,
        profile: String,
    ) -> BoxFuture<'static, Result<crate::server::CredentialServer, String>> {
        self.calls.lock().unwrap().push(format!("serve {profile}"));
        Box::pin(async move {
            let feed: Arc<dyn crate::server::SessionFeed> =
                Arc::new(FixedFeed(session(&profile, 3600)));
            crate::server::start(feed, crate::server::ServerConfig::default())
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn console(&self, profile: String) -> BoxFuture<'static, Result<String, String>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("console {profile}"));
        Box::pin(async move { Ok(format!("opened the AWS console for {profile} with true")) })
    }

    fn sign_ins(&self) -> BoxFuture<'static, Vec<SignInStatus>> {
        Box::pin(async { Vec::new() })
    }

    fn reload(&self) -> BoxFuture<'static, Arc<ProfileGraph>> {
        self.calls.lock().unwrap().push("reload".into());
        Box::pin(async { Arc::new(crate::demo::graph()) })
    }

    /// Reports one account of two, with the list holding its role, then ends.
    fn discover(
        &self,
        refresh: bool,
        progress: crate::tui::backend::DiscoverySender,
    ) -> BoxFuture<'static, Option<Arc<ProfileGraph>>> {
        let refresh = if refresh { " (refresh)" } else { "" };
        self.calls
            .lock()
            .unwrap()
            .push(format!("discover{refresh}"));
        for done in 1..=1 + self.more_reports {
            let status = crate::tui::backend::DiscoveryStatus {
                session: "sso-session demo".into(),
                accounts_listed: 2 + self.more_reports,
                accounts_total: Some(2 + self.more_reports),
                accounts_done: done,
                error: None,
            };
            let _ = progress.send(Some((status, Some(demo_graph_with_a_discovered_role()))));
        }
        Box::pin(async { None })
    }
}

/// The demo's profiles plus one role IAM Identity Center discovery found:
/// `Payments-Prod.Admin` (account 777777777777, "Payments Prod").
pub fn demo_graph_with_a_discovered_role() -> Arc<ProfileGraph> {
    let graph = crate::demo::graph();
    let mut profiles = graph.profiles().to_vec();
    profiles.push(crate::profile::Profile::sso_role(
        "Payments-Prod.Admin".into(),
        Some("demo"),
        None,
        None,
        "777777777777",
        "Payments Prod",
        "Admin",
        Some("eu-west-2"),
    ));
    Arc::new(graph.with_profiles(profiles))
}

/// A backend's answer carrying `session` and no warnings.
pub fn assumed(session: Session) -> Assumed {
    Assumed {
        session: Box::new(session),
        warnings: vec![],
    }
}

/// A feed serving one session's credentials, always.
struct FixedFeed(Session);

impl crate::server::SessionFeed for FixedFeed {
    fn obtain(
        &self,
        _: bool,
    ) -> BoxFuture<'static, Result<crate::credentials::Credentials, crate::server::FeedError>> {
        let mut credentials = self.0.credentials.clone();
        // Served credentials must not be expired by the real clock.
        credentials.expiration = Some(Utc::now() + Duration::hours(1));
        Box::pin(async move { Ok(credentials) })
    }
}

/// A current (not stale) listing of `session`.
pub fn listed(session: Session) -> ListedSession {
    ListedSession {
        session,
        stale: false,
    }
}

// State: moving the cursor and assuming, as a person does.

/// The name of the profile under the cursor.
pub fn selected(app: &App) -> &str {
    &app.selected_profile().unwrap().name
}

/// Moves the cursor to `name` by filtering for it, then clears the filter.
pub fn assume(app: &mut App, name: &str) -> Vec<Cmd> {
    app.update(ch('/'));
    type_str(app, name);
    assert_eq!(selected(app), name);
    app.update(key(KeyCode::Enter))
}

/// The demo app after Enter on `demo-admin-mfa`, whose chain needs a code: the MFA window
/// is open for its device.
pub fn asked_for_mfa() -> App {
    let mut app = demo_app();
    assume(&mut app, "demo-admin-mfa");
    app.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::NeedsMfa {
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            reason: None,
        }),
    });
    app
}

/// The demo app with one session of `profile`, the sessions panel focused.
pub fn with_session(profile: &str, secs: i64) -> App {
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![listed(session(profile, secs))])));
    app.focus = Focus::Sessions;
    app
}

// Screens: the app drawn on a test terminal and read back.

/// `app` drawn on a `width` x `height` test terminal.
pub fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The open modal's window alone on a `width` x `height` screen (nothing beside it).
pub fn render_modal(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let modal = app.modal.as_ref().expect("a window is open");
    terminal.draw(|f| modal.draw(&app.scene(), f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The text of `buf` with the rows joined and every space and vertical border left out:
/// what wrapped text says, however it wrapped.
pub fn squashed(buf: &Buffer) -> String {
    lines(buf)
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

/// The screen's rows, as text.
pub fn lines(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// The whole screen as text, one row a line.
pub fn text(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

/// The (x, y) of the first cell of `needle`, counting cells (not bytes).
pub fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for (y, line) in lines(buf).iter().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return Some((x as u16, y as u16));
        }
    }
    None
}

/// The colour of the first cell of `needle`.
pub fn fg_at(buf: &Buffer, needle: &str) -> Color {
    let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen"));
    buf[(x, y)].fg
}

/// A small terminal and a large one.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

// Outside text: a payload a terminal would obey, planted where outside text is shown.

/// A window title (OSC 0), a clipboard write (OSC 52), a screen clear (CSI 2 J), the
/// same through C1's CSI (U+009B), and a right-to-left override.
pub const PAYLOAD: &str = "\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J\u{202e}";

/// What a cell run shows of the payload's start.
pub const SHOWN: &str = r"\x1b]0;pwned-title\x07";

/// The payload's pieces a terminal would obey, as bytes.
pub const OBEYED: [&[u8]; 5] = [
    b"\x1b]0;pwned-title",
    b"\x1b]52;c;cHduZWQ=",
    b"\x07\x1b[2J",
    "\u{9b}".as_bytes(),
    "\u{202e}".as_bytes(),
];

/// Profiles whose values, problems and discovered names carry [`PAYLOAD`].
pub fn hostile_graph() -> Arc<ProfileGraph> {
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

/// The app over [`hostile_graph`] with a session whose name and source carry [`PAYLOAD`].
pub fn hostile_app() -> App {
    let mut app = App::new(hostile_graph(), t0(), true);
    let mut s = session(&format!("evil{PAYLOAD}"), 600);
    s.source = format!("assume-role via base{PAYLOAD}");
    app.update(Msg::Sessions(Ok(vec![listed(s)])));
    app
}

/// The bytes crossterm writes for one frame of `app`.
pub fn frame_bytes(app: &App, width: u16, height: u16) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let crossterm = CrosstermBackend::new(&mut bytes);
        let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
        let mut terminal = Terminal::with_options(crossterm, TerminalOptions { viewport }).unwrap();
        terminal.draw(|f| draw(app, f)).unwrap();
    }
    bytes
}

/// No cell holds a character a terminal obeys, and the crossterm bytes hold none of the
/// payload's sequences; `shown` is on the wide screen.
pub fn assert_drawn_safely(app: &App, shown: &str, what: &str) {
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
        let text = text(&buf);
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

/// The sign-in window's prompt for the authorization code and PKCE.
pub fn auth_code_prompt() -> SignInPrompt {
    SignInPrompt {
        session: "sso-session corp".into(),
        flow: crate::sso::SignInFlow::AuthCode,
        why: "the default for sso-session profiles, as in the AWS CLI".into(),
        url: "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A49152%2Foauth%2Fcallback&state=0123456789abcdef0123456789abcdef&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        user_code: None,
        expires_at: t0() + Duration::seconds(600),
        browser: "opened with true".into(),
    }
}

/// The sign-in window's prompt for a device code.
pub fn device_code_prompt() -> SignInPrompt {
    SignInPrompt {
        session: "sso-session corp".into(),
        flow: crate::sso::SignInFlow::DeviceCode,
        why: "asked for in this window (d)".into(),
        url: "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH".into(),
        user_code: Some("ABCD-EFGH".into()),
        expires_at: t0() + Duration::seconds(600),
        browser: "opened with true".into(),
    }
}
