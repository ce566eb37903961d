//! The TUI's state and the one function that changes it.
//!
//! `App` is a plain struct: no terminal, no I/O, no clock of its own (the runtime injects
//! `now` with every tick). [`App::update`] takes a [`Msg`] (a key, a tick, a task's answer)
//! and returns the [`Cmd`]s the runtime must carry out, so every behaviour of the UI can be
//! tested by feeding messages and looking at the state. While a modal is open it takes the
//! keys (see [`super::modal`]); the app carries out the [`Outcome`] it returns.

use super::backend::{AssumeFailure, Assumed, DiscoveryStatus, SignInPrompt, SignInStatus};
use super::filter::{self, Haystack};
use super::message::{Cmd, InFlight, MfaPurpose, Msg, StatusLine};
use super::modal::{EnvFileModal, ExportModal, MfaModal, Modal, Outcome, SignInModal, Then};
use super::paint::Scene;
use crate::profile::{Profile, ProfileGraph};
use crate::session::{ListedSession, Session, SessionKind};
use crate::term_text::count;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which panel keys go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Profiles,
    Sessions,
}

/// The TUI's whole state; see the module documentation.
#[derive(Debug)]
pub struct App {
    /// The loaded profiles, shared with the backend (one parse of the files, not two).
    graph: std::sync::Arc<ProfileGraph>,
    /// The filter's view of each profile, built when first needed (see
    /// [`App::prepare_search`]), so the first frame does not wait for it.
    haystacks: Vec<Haystack>,
    /// Problems with the files themselves (not tied to a profile).
    pub file_problems: usize,
    /// The files that could not be read at all, and why (shown rather than a count: they
    /// explain a list that is empty or short).
    pub unread_files: Option<String>,
    pub filter: String,
    /// Whether printable keys edit the filter rather than act as shortcuts.
    pub filter_focus: bool,
    /// Indices into `profiles` that match the filter, best first.
    pub filtered: Vec<usize>,
    /// Index into `filtered`.
    pub selected: usize,
    pub sessions: Vec<ListedSession>,
    /// IAM Identity Center sign-ins, shown under the sessions with their own time left.
    pub sign_ins: Vec<SignInStatus>,
    /// What the credential endpoint of each profile's last served subshell did.
    pub served: std::collections::HashMap<String, crate::server::ServerStatus>,
    /// Index into `sessions`.
    pub session_selected: usize,
    pub focus: Focus,
    pub modal: Option<Modal>,
    pub status: Option<StatusLine>,
    pub in_flight: Option<InFlight>,
    pub quit: bool,
    pub now: DateTime<Utc>,
    /// False under NO_COLOR: the view then uses only bold/reverse.
    pub colors: bool,
    /// Rows PgUp/PgDn move, from the terminal height.
    pub page: usize,
    /// Advances on every tick: the sign-in window's spinner.
    pub spin: usize,
    /// The files the profiles came from (the first-run screen names them).
    pub paths: crate::profile::ConfigPaths,
    /// Running on the bundled demo: commands the TUI suggests carry `--demo`.
    pub demo: bool,
    /// How far a running discovery has got (the profiles panel's title says it).
    pub discovering: Option<DiscoveryStatus>,
}

impl App {
    /// What a window needs of the app to draw itself.
    pub fn scene(&self) -> Scene {
        Scene {
            colors: self.colors,
            demo: self.demo,
            spin: self.spin,
            now: self.now,
        }
    }

    /// A new app over a copy of `graph`'s profiles at time `now`.
    pub fn new(graph: std::sync::Arc<ProfileGraph>, now: DateTime<Utc>, colors: bool) -> Self {
        let mut app = Self::empty(now, colors, graph.paths.clone());
        app.set_graph(graph);
        app
    }

    fn empty(now: DateTime<Utc>, colors: bool, paths: crate::profile::ConfigPaths) -> Self {
        App {
            graph: std::sync::Arc::new(ProfileGraph::from_texts(paths.clone(), "", "")),
            haystacks: Vec::new(),
            file_problems: 0,
            unread_files: None,
            filter: String::new(),
            filter_focus: false,
            filtered: Vec::new(),
            selected: 0,
            sessions: Vec::new(),
            sign_ins: Vec::new(),
            served: std::collections::HashMap::new(),
            session_selected: 0,
            focus: Focus::Profiles,
            modal: None,
            status: None,
            in_flight: None,
            quit: false,
            now,
            colors,
            page: 10,
            spin: 0,
            paths,
            demo: false,
            discovering: None,
        }
    }

    /// The profiles, sorted by name.
    pub fn profiles(&self) -> &[Profile] {
        self.graph.profiles()
    }

    /// The profile graph the list shows.
    pub fn graph(&self) -> &ProfileGraph {
        &self.graph
    }

    fn set_graph(&mut self, graph: std::sync::Arc<ProfileGraph>) {
        let keep = self.selected_profile().map(|p| p.name.clone());
        self.file_problems = graph.file_diagnostics.len();
        self.unread_files = graph.unread_files();
        self.paths = graph.paths.clone();
        self.graph = graph;
        self.haystacks.clear();
        self.filtered = if self.filter.trim().is_empty() {
            (0..self.profiles().len()).collect()
        } else {
            self.prepare_search();
            filter::rank(&self.haystacks, &self.filter)
        };
        self.selected = keep
            .and_then(|name| {
                self.filtered
                    .iter()
                    .position(|&i| self.profiles()[i].name == name)
            })
            .unwrap_or(0);
    }

    /// Builds what filtering needs (each profile's searchable text), if not done yet. The
    /// runtime calls it right after the first frame; a filter keystroke would otherwise.
    pub fn prepare_search(&mut self) {
        if self.haystacks.len() == self.profiles().len() {
            return;
        }
        self.haystacks = self
            .profiles()
            .iter()
            .map(|p| {
                // The account field matches the id and, when discovery told it, the name.
                let account = match (p.account(), p.account_name.as_deref()) {
                    (Some(id), Some(name)) => format!("{id} {name}"),
                    (id, _) => id.unwrap_or("").to_string(),
                };
                Haystack::new(
                    &p.name,
                    &account,
                    p.role_name().unwrap_or(""),
                    p.region.as_deref().unwrap_or(""),
                )
            })
            .collect();
    }

    /// The profile under the cursor, if the filter left any.
    pub fn selected_profile(&self) -> Option<&Profile> {
        self.filtered
            .get(self.selected)
            .map(|&i| &self.profiles()[i])
    }

    /// The current session of profile `name` (its own, not stale), if any.
    pub fn session_of(&self, name: &str) -> Option<&Session> {
        self.sessions
            .iter()
            .find(|l| {
                !l.stale && l.session.kind == SessionKind::Profile && l.session.profile == name
            })
            .map(|l| &l.session)
    }

    /// The session under the cursor in the sessions panel.
    pub fn selected_session(&self) -> Option<&Session> {
        self.sessions.get(self.session_selected).map(|l| &l.session)
    }

    /// Whether an assume or a sign-in is running (the runtime then ticks faster for the
    /// spinner).
    pub fn busy(&self) -> bool {
        self.in_flight.is_some() || matches!(self.modal, Some(Modal::SignIn(_)))
    }

    /// Shows `text` on the status line as information (not an error).
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine::info(text));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine::error(text));
    }

    /// Applies `msg`; returns what the runtime must do next. Only routes: each message has
    /// its handler.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Tick(now) => self.on_tick(now),
            Msg::Resize { height, .. } => self.on_resize(height),
            Msg::Assumed { profile, result } => self.on_assumed(profile, result),
            Msg::WaitingForDevice { profile, text } => self.on_waiting_for_device(&profile, text),
            Msg::Sessions(result) => self.on_sessions(result),
            Msg::Forgot { profile, result } => self.on_forgot(profile, result),
            Msg::EnvFileForeign(path) => self.on_env_file_foreign(&path),
            Msg::EnvFileNotIgnored(path) => self.on_env_file_not_ignored(&path),
            Msg::EnvFileWritten { path, gitignore } => {
                self.on_env_file_written(&path, gitignore.as_deref())
            }
            Msg::SubshellExited {
                profile,
                result,
                served,
            } => self.on_subshell_exited(profile, result, served),
            Msg::ConfigReloaded(graph) => self.on_config_reloaded(graph),
            Msg::Discovered(graph) => {
                self.set_graph(graph);
                vec![]
            }
            Msg::Discovering { status, graph } => self.on_discovering(status, graph),
            Msg::SignInPrompt { profile, prompt } => self.on_sign_in_prompt(&profile, prompt),
            Msg::SignedIn { profile, result } => self.on_signed_in(profile, result),
            Msg::SignIns(sign_ins) => {
                self.sign_ins = sign_ins;
                vec![]
            }
            Msg::ConsoleOpened(result) => self.on_console_opened(result),
            Msg::Error(e) => self.on_error(e),
        }
    }

    /// The clock moved: countdowns follow it, spinners turn.
    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Cmd> {
        self.now = now;
        if let Some(f) = &mut self.in_flight {
            f.frame = f.frame.wrapping_add(1);
        }
        self.spin = self.spin.wrapping_add(1);
        vec![]
    }

    /// PgUp/PgDn move by what fits on the screen.
    fn on_resize(&mut self, height: u16) -> Vec<Cmd> {
        self.page = usize::from(height).saturating_sub(10).max(1);
        vec![]
    }

    /// The running assume waits for a device's `mfa_process`: the spinner says so (Esc
    /// still cancels it, which kills the command).
    fn on_waiting_for_device(&mut self, profile: &str, text: String) -> Vec<Cmd> {
        if let Some(f) = self.in_flight.as_mut().filter(|f| f.profile == profile) {
            f.waiting = Some(text);
        }
        vec![]
    }

    fn on_sessions(&mut self, result: Result<Vec<ListedSession>, String>) -> Vec<Cmd> {
        match result {
            Ok(sessions) => self.set_sessions(sessions, None),
            Err(e) => self.error(format!("could not read sessions: {e}")),
        }
        vec![]
    }

    fn on_forgot(&mut self, profile: String, result: Result<(), String>) -> Vec<Cmd> {
        match result {
            Ok(()) => {
                self.info(format!("forgot {profile}'s sessions"));
                // Rows the store never held (long-term keys) go here, not with the reload.
                self.sessions.retain(|l| {
                    !(l.session.profile == profile && l.session.expiration().is_none())
                });
                vec![Cmd::LoadSessions]
            }
            Err(e) => {
                self.error(format!("could not forget {profile}: {e}"));
                vec![]
            }
        }
    }

    fn on_env_file_foreign(&mut self, path: &std::path::Path) -> Vec<Cmd> {
        if let Some(Modal::EnvFile(modal)) = &mut self.modal {
            modal.found_foreign(path);
        }
        vec![]
    }

    fn on_env_file_not_ignored(&mut self, path: &std::path::Path) -> Vec<Cmd> {
        if let Some(Modal::EnvFile(modal)) = &mut self.modal {
            modal.found_not_ignored(path);
        }
        vec![]
    }

    fn on_env_file_written(
        &mut self,
        path: &std::path::Path,
        gitignore: Option<&std::path::Path>,
    ) -> Vec<Cmd> {
        self.close_env_modal();
        let added = gitignore
            .map(|g| format!(" and added it to {}", g.display()))
            .unwrap_or_default();
        self.info(format!("wrote {} (mode 0600){added}", path.display()));
        vec![]
    }

    /// `8 profiles`, `1 profile`: how many the list holds.
    fn profile_count(&self) -> String {
        count(self.profiles().len(), "profile", "profiles")
    }

    /// The files changed (or `R`): the new profiles, and how many, on the status line.
    fn on_config_reloaded(&mut self, graph: std::sync::Arc<ProfileGraph>) -> Vec<Cmd> {
        let problems = graph.all_diagnostics().count();
        self.set_graph(graph);
        if let Some(unread) = self.unread_files.clone() {
            self.error(format!("reloaded {}; {unread}", self.profile_count()));
        } else if problems > 0 {
            self.info(format!(
                "reloaded {}; {}, run `rolecall check`",
                self.profile_count(),
                count(problems, "problem", "problems")
            ));
        } else {
            self.info(format!("reloaded {}", self.profile_count()));
        }
        vec![]
    }

    /// A discovery's progress in the title, the accounts so far in the list; a failure on
    /// the status line.
    fn on_discovering(
        &mut self,
        status: Option<DiscoveryStatus>,
        graph: Option<std::sync::Arc<ProfileGraph>>,
    ) -> Vec<Cmd> {
        if let Some(graph) = graph {
            self.set_graph(graph);
        }
        match status {
            Some(DiscoveryStatus {
                error: Some(error), ..
            }) => {
                self.discovering = None;
                self.error(error);
            }
            status => self.discovering = status,
        }
        vec![]
    }

    fn on_sign_in_prompt(&mut self, profile: &str, prompt: SignInPrompt) -> Vec<Cmd> {
        if let Some(Modal::SignIn(modal)) = &mut self.modal {
            modal.show_prompt(profile, prompt);
        }
        vec![]
    }

    fn on_console_opened(&mut self, result: Result<String, String>) -> Vec<Cmd> {
        match result {
            Ok(told) => self.info(told),
            Err(why) => self.error(format!("console: {why}")),
        }
        vec![]
    }

    fn on_error(&mut self, e: String) -> Vec<Cmd> {
        self.close_env_modal();
        self.error(e);
        vec![]
    }

    /// A dotenv write finished (or failed): the path prompt has done its job.
    fn close_env_modal(&mut self) {
        if matches!(self.modal, Some(Modal::EnvFile(_))) {
            self.modal = None;
        }
    }

    fn on_assumed(&mut self, profile: String, result: Result<Assumed, AssumeFailure>) -> Vec<Cmd> {
        // An answer for an assume we cancelled (or never asked for) changes nothing.
        let Some(flight) = self.in_flight.take_if(|f| f.profile == profile) else {
            return vec![];
        };
        match result {
            Ok(Assumed { session, warnings }) => {
                let what = match flight.purpose {
                    MfaPurpose::Assume => "assumed",
                    MfaPurpose::RenewSession => "renewed the MFA session of",
                };
                let mut text = format!("{what} {profile} ({})", session.source);
                for w in &warnings {
                    text.push_str(&format!("; {w}"));
                }
                if warnings.is_empty() {
                    self.info(text);
                } else {
                    self.error(text);
                }
                let listed = ListedSession {
                    session: *session,
                    stale: false,
                };
                self.set_sessions(self.sessions.clone(), Some(listed));
                self.focus = Focus::Sessions;
                self.filter_focus = false;
                vec![Cmd::LoadSessions]
            }
            Err(AssumeFailure::NeedsMfa { serial, reason }) => {
                self.modal = Some(Modal::Mfa(MfaModal::new(
                    profile,
                    Some(serial),
                    reason,
                    flight.purpose,
                )));
                vec![]
            }
            Err(AssumeFailure::WrongMfa { message }) => {
                self.modal = Some(Modal::Mfa(MfaModal::new(
                    profile,
                    flight.serial,
                    Some(message),
                    flight.purpose,
                )));
                vec![]
            }
            Err(AssumeFailure::MfaProcessFailed { serial, message }) => {
                // The device failed; the code can still be typed by hand.
                self.error(format!("{message}; type the code instead, or Esc"));
                self.modal = Some(Modal::Mfa(MfaModal::new(
                    profile,
                    Some(serial),
                    Some(message),
                    flight.purpose,
                )));
                vec![]
            }
            Err(AssumeFailure::NeedsSignIn { session }) => {
                self.info(format!(
                    "{profile} needs an IAM Identity Center sign-in ({session})"
                ));
                self.modal = Some(Modal::SignIn(SignInModal::new(profile.clone(), session)));
                vec![Cmd::SignIn { profile }]
            }
            Err(AssumeFailure::Failed { message }) => {
                self.error(format!("{profile}: {message}"));
                vec![]
            }
        }
    }

    /// Back from a subshell: say how it went (and what its endpoint served), and when the
    /// endpoint could not refresh without the person (a new MFA code, an SSO sign-in), ask
    /// for it now.
    fn on_subshell_exited(
        &mut self,
        profile: String,
        result: Result<Option<i32>, String>,
        served: Option<crate::server::ServerStatus>,
    ) -> Vec<Cmd> {
        let served_note = served.as_ref().map_or(String::new(), |s| {
            format!(
                "; the endpoint served {} and refreshed the session {}",
                count(s.requests_served as usize, "request", "requests"),
                count(s.refreshes.saturating_sub(1) as usize, "time", "times")
            )
        });
        match result {
            Ok(Some(code)) if code != 0 => self.info(format!(
                "subshell for {profile} exited with {code}{served_note}"
            )),
            Ok(_) => self.info(format!("back from {profile}'s subshell{served_note}")),
            Err(e) => self.error(format!("could not start a subshell: {e}")),
        }
        let Some(status) = served else {
            return vec![];
        };
        let needs = status.needs_user();
        self.served.insert(profile.clone(), status);
        // Refreshes went to the store: show the sessions as they are now.
        let mut cmds = vec![Cmd::LoadSessions];
        match needs {
            // The device prints the code: assume again, which runs it (the spinner says so).
            Some(crate::server::UserAction::MfaCode) if self.chain_has_mfa_process(&profile) => {
                cmds.extend(
                    self.start(InFlight::assume(profile), |profile| Cmd::Assume {
                        profile,
                        mfa_code: None,
                        refresh: true,
                    }),
                );
            }
            Some(crate::server::UserAction::MfaCode) => {
                self.modal = Some(Modal::Mfa(MfaModal::new(
                    profile,
                    None,
                    Some(
                        "the subshell's session could not be refreshed without a new MFA code"
                            .into(),
                    ),
                    MfaPurpose::Assume,
                )));
            }
            Some(crate::server::UserAction::SsoSignIn) => {
                self.modal = Some(Modal::SignIn(SignInModal::new(
                    profile.clone(),
                    "the subshell's IAM Identity Center sign-in expired".into(),
                )));
                cmds.push(Cmd::SignIn { profile });
            }
            None => {}
        }
        cmds
    }

    /// Whether a profile on `name`'s chain has an `mfa_process`: its MFA code is then had
    /// from the device rather than typed.
    fn chain_has_mfa_process(&self, name: &str) -> bool {
        self.graph.get(name).is_some_and(|p| {
            p.chain
                .iter()
                .filter_map(|n| self.graph.get(n))
                .any(|p| p.settings().mfa_process.is_some())
        })
    }

    /// The sign-in ended: on approval, go on to the session it was for (and discover the
    /// roles it opens); the window closes either way.
    fn on_signed_in(&mut self, profile: String, result: Result<(), String>) -> Vec<Cmd> {
        let Some(Modal::SignIn(SignInModal { session, .. })) = self.modal.take() else {
            return vec![]; // cancelled meanwhile
        };
        match result {
            Ok(()) => {
                let mut cmds = vec![Cmd::Discover, Cmd::LoadSessions];
                cmds.extend(
                    self.start(InFlight::assume(profile), |profile| Cmd::Assume {
                        profile,
                        mfa_code: None,
                        refresh: false,
                    }),
                );
                self.info(format!("signed in to {session}"));
                cmds
            }
            Err(e) => {
                self.error(format!("sign-in failed: {e}"));
                vec![]
            }
        }
    }

    /// Replaces the sessions (adding `new` over its older copy), in the store's order, and
    /// keeps the cursor on the same session (or on `new`).
    fn set_sessions(&mut self, mut sessions: Vec<ListedSession>, new: Option<ListedSession>) {
        let keep = new
            .as_ref()
            .map(|l| l.session.key())
            .or_else(|| self.selected_session().map(Session::key));
        if let Some(new) = new {
            sessions.retain(|l| l.session.key() != new.session.key());
            sessions.push(new);
        } else {
            // Long-term keys are never stored (nothing of them expires to cache), so the
            // store's list lacks the row an assume of a keys profile added: keep it.
            for held in self
                .sessions
                .iter()
                .filter(|l| l.session.expiration().is_none())
            {
                if !sessions
                    .iter()
                    .any(|l| l.session.key() == held.session.key())
                {
                    sessions.push(held.clone());
                }
            }
        }
        sessions.sort_by(|a, b| {
            (&a.session.profile, a.session.kind)
                .cmp(&(&b.session.profile, b.session.kind))
                .then(b.session.obtained.cmp(&a.session.obtained))
        });
        self.sessions = sessions;
        self.session_selected = keep
            .and_then(|k| self.sessions.iter().position(|l| l.session.key() == k))
            .unwrap_or(self.session_selected)
            .min(self.sessions.len().saturating_sub(1));
    }

    fn refilter(&mut self, extended: bool) {
        let keep = self.selected_profile().map(|p| p.name.clone());
        self.prepare_search();
        self.filtered = if extended {
            filter::rank_among(&self.haystacks, &self.filter, self.filtered.clone())
        } else {
            filter::rank(&self.haystacks, &self.filter)
        };
        // Typing puts the best match under the cursor; clearing goes back to where we were.
        self.selected = if self.filter.is_empty() {
            keep.and_then(|n| {
                self.filtered
                    .iter()
                    .position(|&i| self.profiles()[i].name == n)
            })
            .unwrap_or(0)
        } else {
            0
        };
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            self.quit = true;
            return vec![Cmd::Quit];
        }
        if self.modal.is_some() {
            return self.on_modal_key(key);
        }
        if key.code == KeyCode::Esc {
            return self.on_esc();
        }
        if let Some(cmds) = self.on_move_key(key.code) {
            return cmds;
        }
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Focus::Profiles => Focus::Sessions,
                    Focus::Sessions => Focus::Profiles,
                };
                self.filter_focus = false;
                return vec![];
            }
            KeyCode::Enter if self.focus == Focus::Profiles => return self.assume_selected(),
            _ => {}
        }
        if self.focus == Focus::Profiles && self.filter_focus {
            return self.on_filter_key(key);
        }
        let KeyCode::Char(c) = key.code else {
            return vec![];
        };
        if ctrl {
            return vec![];
        }
        match c {
            'q' => {
                self.quit = true;
                vec![Cmd::Quit]
            }
            '?' => {
                self.modal = Some(Modal::Help);
                vec![]
            }
            'R' => {
                self.info("reloading configuration…");
                vec![Cmd::ReloadConfig { rediscover: true }]
            }
            '/' => {
                self.focus = Focus::Profiles;
                self.filter_focus = true;
                vec![]
            }
            _ if self.focus == Focus::Sessions => self.on_session_key(c),
            _ => {
                // Any other letter in the profiles panel starts filtering.
                self.filter_focus = true;
                self.on_filter_key(key)
            }
        }
    }

    fn on_esc(&mut self) -> Vec<Cmd> {
        if let Some(f) = self.in_flight.take() {
            self.info(format!("cancelled assuming {}", f.profile));
            return vec![Cmd::CancelAssume];
        }
        if !self.filter.is_empty() || self.filter_focus {
            self.filter.clear();
            self.filter_focus = false;
            self.refilter(false);
        }
        vec![]
    }

    /// Cursor keys, for whichever panel has the focus.
    fn on_move_key(&mut self, code: KeyCode) -> Option<Vec<Cmd>> {
        let (len, cur) = match self.focus {
            Focus::Profiles => (self.filtered.len(), self.selected),
            Focus::Sessions => (self.sessions.len(), self.session_selected),
        };
        let last = len.saturating_sub(1);
        let next = match code {
            KeyCode::Up => cur.saturating_sub(1),
            KeyCode::Down => (cur + 1).min(last),
            KeyCode::PageUp => cur.saturating_sub(self.page),
            KeyCode::PageDown => (cur + self.page).min(last),
            KeyCode::Home => 0,
            KeyCode::End => last,
            _ => return None,
        };
        match self.focus {
            Focus::Profiles => self.selected = next,
            Focus::Sessions => self.session_selected = next,
        }
        Some(vec![])
    }

    fn on_filter_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.push(c);
                self.refilter(true);
            }
            KeyCode::Backspace => {
                if self.filter.pop().is_some() {
                    self.refilter(false);
                } else {
                    self.filter_focus = false;
                }
            }
            _ => {}
        }
        vec![]
    }

    fn assume_selected(&mut self) -> Vec<Cmd> {
        let Some(name) = self.selected_profile().map(|p| p.name.clone()) else {
            self.error("no profile matches the filter");
            return vec![];
        };
        self.start(InFlight::assume(name), |profile| Cmd::Assume {
            profile,
            mfa_code: None,
            refresh: false,
        })
    }

    /// Starts `flight` with the command `cmd` makes of its profile, unless one is running.
    fn start(&mut self, flight: InFlight, cmd: impl FnOnce(String) -> Cmd) -> Vec<Cmd> {
        if let Some(f) = &self.in_flight {
            let text = format!("already assuming {}; Esc cancels it", f.profile);
            self.error(text);
            return vec![];
        }
        let profile = flight.profile.clone();
        self.in_flight = Some(flight);
        self.status = None;
        vec![cmd(profile)]
    }

    fn on_session_key(&mut self, c: char) -> Vec<Cmd> {
        let Some(session) = self.selected_session().cloned() else {
            self.error("no session selected: Enter on a profile assumes it");
            return vec![];
        };
        match c {
            // On the endpoint (temporary credentials only: an endpoint cannot serve keys).
            's' => {
                let served = session.credentials.is_temporary();
                vec![Cmd::OpenSubshell { session, served }]
            }
            'S' => vec![Cmd::OpenSubshell {
                session,
                served: false,
            }],
            'e' => {
                self.modal = Some(Modal::EnvFile(EnvFileModal::new(session)));
                vec![]
            }
            'x' => {
                self.modal = Some(Modal::Export(ExportModal::new(session)));
                vec![]
            }
            // A stored key's session without MFA is renewed as any other.
            'r' if session.kind == SessionKind::MfaSession && session.mfa_serial.is_some() => {
                self.renew_mfa_session(session)
            }
            // The cached session stays until the new one arrives: a refresh that fails
            // loses nothing.
            'r' => self.start(InFlight::assume(session.profile), |profile| Cmd::Assume {
                profile,
                mfa_code: None,
                refresh: true,
            }),
            'd' => vec![Cmd::Forget(session.key())],
            'c' => {
                self.info(format!("opening the AWS console for {}…", session.profile));
                vec![Cmd::OpenConsole(session.profile)]
            }
            _ => vec![],
        }
    }

    /// `r` on an MFA session: renewed with a new code, which the device prints when a
    /// profile has an `mfa_process` for it (see
    /// [`ProfileGraph::mfa_process_for_keys`]); else asked for first.
    fn renew_mfa_session(&mut self, session: Session) -> Vec<Cmd> {
        let device_serial = session.mfa_serial.clone().filter(|serial| {
            self.graph
                .mfa_process_for_keys(&session.profile, serial)
                .is_some()
        });
        match device_serial {
            Some(serial) => {
                let flight = InFlight {
                    profile: session.profile.clone(),
                    frame: 0,
                    purpose: MfaPurpose::RenewSession,
                    serial: Some(serial.clone()),
                    waiting: None,
                };
                self.start(flight, |profile| Cmd::RenewMfa {
                    profile,
                    serial,
                    code: None,
                })
            }
            None => {
                self.modal = Some(Modal::Mfa(MfaModal::new(
                    session.profile.clone(),
                    session.mfa_serial.clone(),
                    None,
                    MfaPurpose::RenewSession,
                )));
                vec![]
            }
        }
    }

    /// The open modal takes the key; what it asks for is carried out here.
    fn on_modal_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        match &mut self.modal {
            Some(modal) => {
                let outcome = modal.on_key(key);
                self.carry_out(outcome)
            }
            None => vec![],
        }
    }

    /// Does what a modal's key handler asked for.
    fn carry_out(&mut self, outcome: Outcome) -> Vec<Cmd> {
        if outcome.close {
            self.modal = None;
        }
        if let Some(status) = outcome.status {
            self.status = Some(status);
        }
        match outcome.then {
            Then::Nothing => vec![],
            Then::Send(cmd) => vec![cmd],
            Then::Assume { flight, cmd } => self.start(flight, |_| cmd),
        }
    }
}

#[cfg(test)]
mod tests;
