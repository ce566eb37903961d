//! The I/O edge of the TUI: terminal, keys, clock, signals, background tasks.
//!
//! The loop waits (never spins) on four sources: crossterm's event stream, a one-second
//! tick (faster only while a spinner turns), the channel background tasks answer on, and
//! SIGTERM/SIGINT. Each becomes a [`Msg`] for [`App::update`]; the returned [`Cmd`]s are
//! carried out here. The terminal is restored on every way out: return, error, panic,
//! signal, and around each subshell.

use super::app::App;
use super::backend::{AssumeFailure, Assumed, Backend};
use super::frame::FrameWriter;
use super::message::{Cmd, IfNotIgnored, Msg};
use super::{paint, view};

use crate::output::env_file::{add_to_gitignore, git_would_offer, write_env_file, EnvFileError};
use crate::profile::ProfileGraph;
use crate::session::Session;
use crate::term_text::visible;
use anyhow::{Context, Result};
use chrono::Utc;
use crossterm::event::{Event, EventStream, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use futures::future::BoxFuture;
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Interval;

/// What the runtime watches, and how it draws.
pub struct RunOptions {
    /// False when NO_COLOR is set.
    pub colors: bool,
    /// Files whose modification time triggers a reload (empty for the demo).
    pub watch: Vec<PathBuf>,
    /// A first status line (the demo says where its STS emulator is expected).
    pub banner: Option<String>,
    /// Running on the bundled demo (commands the TUI suggests carry `--demo`).
    pub demo: bool,
}

/// The terminal the TUI draws on: ratatui over crossterm, each frame written in one piece.
type CrosstermTerminal = Terminal<CrosstermBackend<FrameWriter<Stdout>>>;

/// Runs the TUI until the user quits or a signal arrives.
pub async fn run(
    graph: Arc<ProfileGraph>,
    backend: Arc<dyn Backend>,
    opts: RunOptions,
) -> Result<()> {
    let mut app = App::new(graph, Utc::now(), opts.colors);
    app.demo = opts.demo;
    if let Some(banner) = &opts.banner {
        app.info(banner.clone());
    }
    install_panic_hook();
    let _guard = TerminalGuard::enter()?;
    let terminal = open_terminal(&mut app)?;
    let (tx, answers) = mpsc::unbounded_channel::<Msg>();
    let mut tasks = Tasks::new(backend, tx);
    tasks.run(Cmd::LoadSessions);
    let inputs = Inputs::new(answers, opts.watch)?;
    let mut ui = Loop {
        app,
        terminal,
        tasks,
        inputs,
    };
    ui.first_frame()?;
    let result = ui.run().await;
    ui.tasks.abort_all();
    result
}

/// The terminal, cleared, with the app told its size.
fn open_terminal(app: &mut App) -> Result<CrosstermTerminal> {
    let mut terminal = Terminal::new(CrosstermBackend::new(FrameWriter::new(io::stdout())))?;
    terminal.clear()?;
    let size = terminal.size()?;
    app.update(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    Ok(terminal)
}

/// What one pass of the loop woke up for.
enum Wake {
    /// A message for the app.
    Msg(Msg),
    /// Nothing for the app (a mouse or focus event): just draw again.
    Redraw,
    /// The terminal closed or a signal arrived: leave.
    Stop,
}

/// Where the loop's messages come from: the terminal, the clocks, the tasks' answers and
/// the signals; and the watched files, looked at on every tick.
struct Inputs {
    /// `None` only while a subshell has the terminal.
    events: Option<EventStream>,
    tick: Interval,
    spin: Interval,
    sigterm: Signal,
    sigint: Signal,
    answers: mpsc::UnboundedReceiver<Msg>,
    watch: Vec<PathBuf>,
    mtimes: Vec<Option<SystemTime>>,
}

impl Inputs {
    fn new(answers: mpsc::UnboundedReceiver<Msg>, watch: Vec<PathBuf>) -> Result<Self> {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut spin = tokio::time::interval(Duration::from_millis(100));
        spin.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Ok(Inputs {
            events: Some(EventStream::new()),
            tick,
            spin,
            sigterm: signal(SignalKind::terminate()).context("cannot watch SIGTERM")?,
            sigint: signal(SignalKind::interrupt()).context("cannot watch SIGINT")?,
            answers,
            mtimes: crate::fsutil::modification_times(&watch),
            watch,
        })
    }

    /// Waits (never spins) for the next thing to do; the spinner's faster tick only while
    /// `busy`. A tick that finds the watched files changed has `tasks` reload them.
    async fn next(&mut self, busy: bool, tasks: &mut Tasks) -> Result<Wake> {
        let events = self.events.get_or_insert_with(EventStream::new);
        Ok(tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    Wake::Msg(Msg::Key(key))
                }
                Some(Ok(Event::Resize(width, height))) => Wake::Msg(Msg::Resize { width, height }),
                Some(Ok(_)) => Wake::Redraw,
                Some(Err(e)) => return Err(e).context("cannot read the terminal"),
                None => Wake::Stop,
            },
            _ = self.tick.tick() => {
                if self.files_changed() {
                    tasks.run(Cmd::ReloadConfig { rediscover: false });
                }
                Wake::Msg(Msg::Tick(Utc::now()))
            }
            _ = self.spin.tick(), if busy => Wake::Msg(Msg::Tick(Utc::now())),
            Some(msg) = self.answers.recv() => {
                if matches!(msg, Msg::Discovering { status: Some(_), .. }) {
                    tasks.reports.took();
                }
                Wake::Msg(msg)
            }
            _ = self.sigterm.recv() => Wake::Stop,
            _ = self.sigint.recv() => Wake::Stop,
        })
    }

    /// Whether a watched file's modification time moved since the last look.
    fn files_changed(&mut self) -> bool {
        let now = crate::fsutil::modification_times(&self.watch);
        if now == self.mtimes {
            return false;
        }
        self.mtimes = now;
        true
    }

    /// Runs `away` (a subshell) with the terminal's input left to it, then listens again.
    async fn lend_terminal<T>(&mut self, away: impl std::future::Future<Output = T>) -> Result<T> {
        // The event stream's reader thread would steal the shell's input.
        self.events = None;
        let result = away.await;
        self.events = Some(EventStream::new());
        // A Ctrl-C typed in the subshell must not quit the TUI afterwards.
        self.sigint = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
        Ok(result)
    }
}

/// The UI loop's state: the app, the terminal it is drawn on, the tasks that do its slow
/// work, and where its messages come from.
struct Loop {
    app: App,
    terminal: CrosstermTerminal,
    tasks: Tasks,
    inputs: Inputs,
}

impl Loop {
    /// The first frame, then the one-time set-up it did not need: the filter's index here,
    /// the STS configuration and the assume's graph on other threads.
    fn first_frame(&mut self) -> Result<()> {
        self.draw()?;
        tokio::spawn(self.tasks.backend.prepare());
        // The roles IAM Identity Center discovery knows join the list when they are ready.
        self.tasks.run(Cmd::Discover);
        self.app.prepare_search();
        Ok(())
    }

    /// Draws, waits, updates, carries out, until the app quits or the inputs stop.
    async fn run(&mut self) -> Result<()> {
        loop {
            self.draw()?;
            let msg = match self.inputs.next(self.app.busy(), &mut self.tasks).await? {
                Wake::Msg(msg) => msg,
                Wake::Redraw => continue,
                Wake::Stop => return Ok(()),
            };
            for cmd in self.app.update(msg) {
                self.carry_out(cmd).await?;
            }
            if self.app.quit {
                return Ok(());
            }
        }
    }

    fn draw(&mut self) -> Result<()> {
        self.terminal.draw(|f| view::draw(&self.app, f))?;
        Ok(())
    }

    /// The commands that need the terminal run here; the others on tasks.
    async fn carry_out(&mut self, cmd: Cmd) -> Result<()> {
        match cmd {
            Cmd::Quit => {}
            Cmd::CopyToClipboard(text) => self.copy_to_clipboard(&text),
            Cmd::OpenSubshell { session, served } => self.open_subshell(session, served).await?,
            other => self.tasks.run(other),
        }
        Ok(())
    }

    fn copy_to_clipboard(&mut self, text: &crate::secret::Secret) {
        let mut out = io::stdout();
        let copied = out
            .write_all(&osc52(text.expose()))
            .and_then(|()| out.flush());
        if let Err(e) = copied {
            self.app.update(Msg::Error(format!("could not copy: {e}")));
            return;
        }
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(caveat) = clipboard_caveat(&var, tmux_set_clipboard) {
            self.app.update(Msg::Error(caveat));
        }
    }

    /// Hands the terminal to `$SHELL` with `session` (on a credential endpoint when
    /// `served`) and, back, reports through the channel so the commands it leads to run as
    /// any do.
    async fn open_subshell(&mut self, session: Session, served: bool) -> Result<()> {
        let endpoint = if served {
            match self.serve(&session).await {
                Some(endpoint) => Some(endpoint),
                None => return Ok(()),
            }
        } else {
            None
        };
        let result = self
            .inputs
            .lend_terminal(subshell(&mut self.terminal, &session, endpoint.as_ref()))
            .await?;
        let served = match endpoint {
            Some(endpoint) => {
                let status = endpoint.status();
                endpoint.shutdown().await;
                Some(status)
            }
            None => None,
        };
        let _ = self.tasks.tx.send(Msg::SubshellExited {
            profile: session.profile.clone(),
            result: result.map_err(|e| format!("{e:#}")),
            served,
        });
        Ok(())
    }

    /// The endpoint for a served subshell: started (and fetched from once) before the
    /// terminal is handed over, so a failure shows here, in the TUI (then `None`).
    async fn serve(&mut self, session: &Session) -> Option<crate::server::CredentialServer> {
        match self.tasks.backend.serve(session.profile.clone()).await {
            Ok(endpoint) => Some(endpoint),
            Err(e) => {
                self.app.update(Msg::Error(format!(
                    "cannot serve {}'s session: {e} (S opens a subshell with its keys)",
                    session.profile
                )));
                None
            }
        }
    }
}

/// Background work: each command runs on a task that answers on `tx`.
struct Tasks {
    backend: Arc<dyn Backend>,
    tx: mpsc::UnboundedSender<Msg>,
    /// The running assume, so Esc can abort it.
    assume: Option<JoinHandle<()>>,
    /// The running sign-in, so Esc can abort it (which stops the polling).
    sign_in: Option<JoinHandle<()>>,
    /// Discovery reports on their way to the UI, one at a time.
    reports: Arc<ReportGate>,
}

impl Tasks {
    fn new(backend: Arc<dyn Backend>, tx: mpsc::UnboundedSender<Msg>) -> Self {
        Tasks {
            backend,
            tx,
            assume: None,
            sign_in: None,
            reports: Arc::default(),
        }
    }

    /// Starts `cmd`'s work; only routes.
    fn run(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Assume {
                profile,
                mfa_code,
                refresh,
            } => {
                let (waiting, heard) = mpsc::unbounded_channel();
                let fut = self
                    .backend
                    .assume(profile.clone(), mfa_code, refresh, waiting);
                self.assume(profile.clone(), self.pass_on_waiting(profile, heard, fut));
            }
            Cmd::RenewMfa {
                profile,
                serial,
                code,
            } => {
                let (waiting, heard) = mpsc::unbounded_channel();
                let fut = self
                    .backend
                    .renew_mfa(profile.clone(), serial, code, waiting);
                self.assume(profile.clone(), self.pass_on_waiting(profile, heard, fut));
            }
            Cmd::CancelAssume => abort(&mut self.assume),
            Cmd::LoadSessions => self.load_sessions(),
            Cmd::Discover => self.discover(),
            Cmd::SignIn { profile } => self.sign_in(profile, false),
            Cmd::SignInWithDeviceCode { profile } => self.sign_in(profile, true),
            Cmd::CancelSignIn => abort(&mut self.sign_in),
            Cmd::OpenConsole(profile) => self.open_console(profile),
            Cmd::Forget(key) => self.forget(key),
            Cmd::ReloadConfig { rediscover } => self.reload(rediscover),
            Cmd::WriteEnvFile {
                path,
                session,
                replace_foreign,
                if_not_ignored,
            } => self.write_env_file(path, session, replace_foreign, if_not_ignored),
            // Handled by the loop itself.
            Cmd::OpenSubshell { .. } | Cmd::CopyToClipboard(_) | Cmd::Quit => {}
        }
    }

    /// `assuming`, with what it says while it waits for a device's `mfa_process` passed on
    /// to the UI as it comes (until the assume ends and drops its sender).
    fn pass_on_waiting(
        &self,
        profile: String,
        mut heard: mpsc::UnboundedReceiver<String>,
        assuming: BoxFuture<'static, Result<Assumed, AssumeFailure>>,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let tx = self.tx.clone();
        let pass_on = async move {
            while let Some(text) = heard.recv().await {
                let profile = profile.clone();
                let _ = tx.send(Msg::WaitingForDevice { profile, text });
            }
        };
        Box::pin(async move { tokio::join!(pass_on, assuming).1 })
    }

    /// Runs an assume (or an MFA renewal) as the one Esc aborts, replacing a running one.
    fn assume(&mut self, profile: String, fut: BoxFuture<'static, Result<Assumed, AssumeFailure>>) {
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let result = fut.await;
            let _ = tx.send(Msg::Assumed { profile, result });
        });
        if let Some(old) = self.assume.replace(task) {
            old.abort();
        }
    }

    fn load_sessions(&self) {
        let (tx, backend) = (self.tx.clone(), self.backend.clone());
        tokio::spawn(async move {
            let _ = tx.send(Msg::Sessions(backend.sessions().await));
            let _ = tx.send(Msg::SignIns(backend.sign_ins().await));
        });
    }

    /// Adds the roles discovery knows (asking the portal only when its cache is old).
    fn discover(&self) {
        let (tx, backend) = (self.tx.clone(), self.backend.clone());
        tokio::spawn(discover(backend, tx, self.reports.clone(), false));
    }

    /// Signs in, sending the window its code and URL as soon as they are known, then the
    /// end; replaces (aborts) a running sign-in.
    fn sign_in(&mut self, profile: String, use_device_code: bool) {
        let tx = self.tx.clone();
        let (prompt_tx, prompt_rx) = tokio::sync::oneshot::channel();
        let signing_in = self
            .backend
            .sign_in(profile.clone(), use_device_code, prompt_tx);
        let task = tokio::spawn(async move {
            let shown = {
                let (tx, profile) = (tx.clone(), profile.clone());
                async move {
                    if let Ok(prompt) = prompt_rx.await {
                        let _ = tx.send(Msg::SignInPrompt { profile, prompt });
                    }
                }
            };
            let ((), result) = tokio::join!(shown, signing_in);
            let _ = tx.send(Msg::SignedIn { profile, result });
        });
        if let Some(old) = self.sign_in.replace(task) {
            old.abort();
        }
    }

    fn open_console(&self, profile: String) {
        let (tx, backend) = (self.tx.clone(), self.backend.clone());
        tokio::spawn(async move {
            let _ = tx.send(Msg::ConsoleOpened(backend.console(profile).await));
        });
    }

    fn forget(&self, key: crate::session::SessionKey) {
        let (tx, backend) = (self.tx.clone(), self.backend.clone());
        tokio::spawn(async move {
            let profile = key.profile.clone();
            let result = backend.forget(key).await;
            let _ = tx.send(Msg::Forgot { profile, result });
        });
    }

    /// Loads the files again and shows them at once; then, with `rediscover`, asks the
    /// portal again (the list keeps the cached roles until the new ones arrive).
    fn reload(&self, rediscover: bool) {
        let (tx, backend) = (self.tx.clone(), self.backend.clone());
        let reports = self.reports.clone();
        tokio::spawn(async move {
            let _ = tx.send(Msg::ConfigReloaded(backend.reload().await));
            if rediscover {
                discover(backend, tx, reports, true).await;
            }
        });
    }

    /// Writes the dotenv file off the UI thread (asking git too is a process and file
    /// reads); a file git would offer for commit and someone else's file come back as
    /// questions, not errors.
    fn write_env_file(
        &self,
        path: PathBuf,
        session: Session,
        replace_foreign: bool,
        if_not_ignored: IfNotIgnored,
    ) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let msg = write_guarded(&session, path, replace_foreign, if_not_ignored);
            let _ = tx.send(msg);
        });
    }

    /// Aborts the running assume and sign-in, on the way out.
    fn abort_all(&mut self) {
        abort(&mut self.assume);
        abort(&mut self.sign_in);
    }
}

/// The dotenv write of [`Cmd::WriteEnvFile`]: git is asked first (before anything is
/// written), then the file is written, then added to `.gitignore` when the user chose so.
fn write_guarded(
    session: &Session,
    path: PathBuf,
    replace_foreign: bool,
    if_not_ignored: IfNotIgnored,
) -> Msg {
    let offered = if_not_ignored != IfNotIgnored::WriteAnyway && git_would_offer(&path);
    if offered && if_not_ignored == IfNotIgnored::Ask {
        return Msg::EnvFileNotIgnored(path);
    }
    match write_env_file(session, &path, replace_foreign) {
        Ok(()) => {}
        Err(EnvFileError::NotOurs(_)) => return Msg::EnvFileForeign(path),
        Err(e) => return Msg::Error(e.to_string()),
    }
    let gitignore = if offered {
        match add_to_gitignore(&path) {
            Ok(file) => Some(file),
            Err(e) => {
                return Msg::Error(format!(
                    "wrote {} (mode 0600) but could not add it to .gitignore: {e}",
                    path.display()
                ))
            }
        }
    } else {
        None
    };
    Msg::EnvFileWritten { path, gitignore }
}

/// Runs a discovery, passing its progress on as [`Msg::Discovering`] and its end as
/// `Msg::Discovering` without a status, then [`Msg::Discovered`] when it adds anything.
/// Reports are coalesced: one waits in the UI's queue at a time (see [`ReportGate`]), and
/// the latest replaces those the UI never saw.
async fn discover(
    backend: Arc<dyn Backend>,
    tx: mpsc::UnboundedSender<Msg>,
    gate: Arc<ReportGate>,
    refresh: bool,
) {
    let (progress, mut reports) = tokio::sync::watch::channel(None);
    let discovering = backend.discover(refresh, progress);
    let forward = async {
        let mut shown = None;
        let mut unsent = None;
        loop {
            // Listening before the claim, so a report taken in between is not missed.
            let taken = gate.taken.notified();
            tokio::pin!(taken);
            taken.as_mut().enable();
            if unsent.is_some() && gate.claim() {
                pass_on(&tx, unsent.take(), &mut shown);
            }
            tokio::select! {
                changed = reports.changed() => match changed {
                    Ok(()) => unsent = reports.borrow_and_update().clone(),
                    Err(_) => break,
                },
                () = &mut taken, if unsent.is_some() => {}
            }
        }
        // The last report, whether or not the UI took the one before.
        pass_on(&tx, unsent, &mut shown);
    };
    let (graph, ()) = tokio::join!(discovering, forward);
    let _ = tx.send(Msg::Discovering {
        status: None,
        graph: None,
    });
    if let Some(graph) = graph {
        let _ = tx.send(Msg::Discovered(graph));
    }
}

/// Sends `report` to the UI as [`Msg::Discovering`], with its graph only when it is not
/// the one `shown` last (every report carries the latest).
fn pass_on(
    tx: &mpsc::UnboundedSender<Msg>,
    report: Option<crate::tui::backend::DiscoveryReport>,
    shown: &mut Option<Arc<ProfileGraph>>,
) {
    let Some((status, graph)) = report else {
        return;
    };
    let same = matches!((&graph, &*shown), (Some(new), Some(old)) if Arc::ptr_eq(new, old));
    let graph = if same { None } else { graph };
    if graph.is_some() {
        shown.clone_from(&graph);
    }
    let _ = tx.send(Msg::Discovering {
        status: Some(status),
        graph,
    });
}

/// Whether a discovery report waits in the UI's queue: one at a time goes there, so a UI
/// away in a subshell finds the latest report, not a pile of graphs.
#[derive(Default)]
struct ReportGate {
    queued: std::sync::atomic::AtomicBool,
    /// Told when the UI takes a report off its queue.
    taken: tokio::sync::Notify,
}

impl ReportGate {
    /// Whether a report may go to the queue now (none is waiting there); it then is.
    fn claim(&self) -> bool {
        !self.queued.swap(true, std::sync::atomic::Ordering::SeqCst)
    }

    /// The UI took a report: the next may go.
    fn took(&self) {
        self.queued
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.taken.notify_waiters();
    }
}

/// Aborts `task`, if one is running; its answer never comes.
fn abort(task: &mut Option<JoinHandle<()>>) {
    if let Some(task) = task.take() {
        task.abort();
    }
}

/// The OSC 52 escape that puts `text` on the system clipboard: understood by most terminal
/// emulators, carried over SSH, and taken by tmux into its paste buffer (and passed on to
/// the outer terminal) with `set -g set-clipboard on`. The bytes hold a secret: they go to
/// the terminal only, and are zeroised by the caller's `Secret`.
fn osc52(text: &str) -> zeroize::Zeroizing<Vec<u8>> {
    let encoded = zeroize::Zeroizing::new(aws_smithy_types::base64::encode(text));
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(encoded.len() + 8));
    out.extend_from_slice(b"\x1b]52;c;");
    out.extend_from_slice(encoded.as_bytes());
    out.push(0x07);
    out
}

/// Raw mode and the alternate screen for as long as it lives.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<Self> {
        enter_tui().context("cannot set up the terminal")?;
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        leave_tui();
    }
}

fn enter_tui() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)
}

/// Best effort: called on the way out, when nothing can be done about a failure.
/// Why the clipboard may not have the text although the escape was written: a
/// multiplexer in between that does not pass OSC 52 on. `None` when nothing says so (most
/// terminals cannot be asked).
fn clipboard_caveat(
    var: &dyn Fn(&str) -> Option<String>,
    tmux_set_clipboard: fn() -> Option<String>,
) -> Option<String> {
    if var("TMUX").is_some() {
        let setting = tmux_set_clipboard().unwrap_or_else(|| "unknown".into());
        if setting != "on" {
            return Some(format!(
                "sent to the clipboard, but tmux passes it on only with set-clipboard on \
                 (it is {}): add `set -g set-clipboard on` to ~/.tmux.conf",
                visible(&setting)
            ));
        }
    } else if var("STY").is_some() {
        return Some(
            "sent to the clipboard, but GNU screen does not pass it on to the terminal: \
             copy from outside screen"
                .into(),
        );
    }
    None
}

/// tmux's `set-clipboard` option, asked of the tmux server rolecall runs under.
fn tmux_set_clipboard() -> Option<String> {
    let out = std::process::Command::new("tmux")
        .args(["show-options", "-gv", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let value = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !value.is_empty()).then_some(value)
}

fn leave_tui() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
}

/// Restores the terminal before the panic message prints, so it is readable — when the
/// panic is the UI's own (the thread that installs the hook runs the UI loop). A panic in
/// a background task ends only that task (tokio catches it) while the TUI goes on, so the
/// terminal is left as the TUI needs it.
fn install_panic_hook() {
    let ui = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            leave_tui();
        }
        previous(info);
    }));
}

/// Leaves the TUI, runs `$SHELL` with the session (its keys, or `endpoint`'s variables),
/// and comes back.
async fn subshell(
    terminal: &mut CrosstermTerminal,
    session: &Session,
    endpoint: Option<&crate::server::CredentialServer>,
) -> Result<Option<i32>> {
    leave_tui();
    // A clear screen for the banner: the last subshell's output would sit above it.
    let _ = execute!(
        io::stdout(),
        terminal::Clear(terminal::ClearType::All),
        cursor::MoveTo(0, 0)
    );
    let shell = std::env::var("SHELL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into());
    // Plain lines on the terminal: the names in them are shown, not obeyed.
    let mut stdout = crate::term_text::Visible::new(io::stdout());
    if let Ok(outer) = std::env::var("ROLECALL_PROFILE") {
        let _ = writeln!(
            stdout,
            "rolecall: warning: already inside a rolecall subshell for {}",
            visible(&outer)
        );
    }
    let how = match (endpoint, session.seconds_left(Utc::now())) {
        (Some(_), _) => "served by a local credential endpoint that refreshes it before it \
                         expires"
            .to_string(),
        (None, Some(s)) => format!("its keys, expiring in {}", paint::countdown(Some(s))),
        (None, None) => "its long-term keys".into(),
    };
    let _ = writeln!(
        stdout,
        "rolecall: {} with {}'s session, {how}; exit to return to rolecall",
        visible(&shell),
        visible(&session.profile),
    );
    let _ = stdout.flush();
    let mut command: tokio::process::Command = match endpoint {
        Some(endpoint) => {
            let mut command = std::process::Command::new(&shell);
            endpoint.served_env().apply_for(&mut command, session);
            command
        }
        None => crate::session::child_env::command_with_env(&shell, &[], &session.env()),
    }
    .into();
    let status = command.status().await;
    enter_tui().context("cannot restore the terminal")?;
    terminal.clear()?;
    let status = status.with_context(|| format!("cannot run {shell}"))?;
    Ok(status.code())
}

#[cfg(test)]
mod tests;
