//! The IAM Identity Center sign-in window: which flow runs and why, then for the
//! authorization code "waiting for the browser" with the URL (and the device code offered
//! as the fallback, `d`), or for the device code the code to confirm and where; a spinner
//! and the time left while it waits. The profile is assumed once signed in.

use super::Outcome;
use crate::sso::SignInFlow;
use crate::tui::backend::SignInPrompt;
use crate::tui::message::Cmd;
use crate::tui::paint::{countdown, fg, popup, shown, Scene, SPINNER};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// IAM Identity Center sign-in of `profile` through `session`: what the person is to do,
/// once the sign-in has started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInModal {
    pub profile: String,
    pub session: String,
    pub prompt: Option<SignInPrompt>,
}

impl SignInModal {
    /// The window while the sign-in starts (nothing to show yet).
    pub fn new(profile: String, session: String) -> Self {
        SignInModal {
            profile,
            session,
            prompt: None,
        }
    }

    /// Shows the URL (and code) of `profile`'s sign-in (one for another profile is stale).
    pub fn show_prompt(&mut self, profile: &str, prompt: SignInPrompt) {
        if self.profile == profile {
            self.prompt = Some(prompt);
        }
    }

    /// Esc cancels the sign-in; `d`, while the browser is awaited, starts a device-code
    /// sign-in instead; other keys do nothing.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let waits_for_browser = self
            .prompt
            .as_ref()
            .is_some_and(|p| p.flow == SignInFlow::AuthCode);
        match key.code {
            KeyCode::Esc => Outcome::close()
                .info(format!("sign-in for {} cancelled", self.profile))
                .send(Cmd::CancelSignIn),
            KeyCode::Char('d')
                if waits_for_browser && !key.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                self.prompt = None;
                Outcome::stay()
                    .info(format!(
                        "{}: signing in with a device code instead",
                        self.profile
                    ))
                    .send(Cmd::SignInWithDeviceCode {
                        profile: self.profile.clone(),
                    })
            }
            _ => Outcome::stay(),
        }
    }

    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let spinner = SPINNER[scene.spin % SPINNER.len()];
        let mut lines = vec![Line::from(format!(
            "{} signs in through IAM Identity Center ({}).",
            shown(&self.profile),
            shown(&self.session)
        ))];
        let hint = match &self.prompt {
            None => {
                lines.push(Line::from(Span::styled(
                    format!("{spinner} starting the sign-in…"),
                    fg(scene.colors, Color::Cyan),
                )));
                " Esc cancel "
            }
            Some(p) if p.flow == SignInFlow::AuthCode => {
                lines.extend(browser_lines(scene, p, spinner));
                " Esc cancel · d device code "
            }
            Some(p) => {
                lines.extend(device_lines(scene, p, spinner));
                " Esc cancel "
            }
        };
        let area = popup(frame, WIDTH, rows_for(&lines, WIDTH - 2) + 2);
        let block = Block::bordered()
            .title(" IAM Identity Center sign-in ")
            .title_bottom(hint)
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
    }
}

/// The window's width, borders included.
const WIDTH: u16 = 76;

/// About how many rows `lines` take wrapped at `width` columns (a line wrapped at a space
/// may take one more: it is given one).
fn rows_for(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = lines
        .iter()
        .map(|line| {
            let w = line.width();
            let wrapped = w > width;
            let spaced = line.spans.iter().any(|s| s.content.contains(' '));
            w.div_ceil(width).max(1) + usize::from(wrapped && spaced)
        })
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// Which flow runs and why, dimmed.
fn flow_line<'a>(scene: &Scene, p: &'a SignInPrompt) -> Line<'a> {
    Line::from(Span::styled(
        format!("with {}: {}", p.flow.describe(), shown(&p.why)),
        fg(scene.colors, Color::DarkGray),
    ))
}

/// The time left, behind the spinner.
fn waiting_line<'a>(scene: &Scene, p: &SignInPrompt, spinner: &str, what: &str) -> Line<'a> {
    let left = (p.expires_at - scene.now).num_seconds();
    Line::from(Span::styled(
        format!("{spinner} {what} ({} left)", countdown(Some(left))),
        fg(scene.colors, Color::Cyan),
    ))
}

fn url_line<'a>(label: &'static str, url: &str) -> Line<'a> {
    Line::from(vec![
        Span::raw(label),
        Span::styled(
            shown(url).into_owned(),
            Style::default().add_modifier(Modifier::UNDERLINED),
        ),
    ])
}

/// The authorization code: waiting for the browser, the URL, what the browser did, and
/// the device code as the way out.
fn browser_lines<'a>(scene: &Scene, p: &'a SignInPrompt, spinner: &str) -> Vec<Line<'a>> {
    vec![
        flow_line(scene, p),
        waiting_line(scene, p, spinner, "waiting for the browser"),
        Line::from("sign in at:"),
        url_line("", &p.url),
        Line::from(Span::styled(
            shown(&p.browser),
            fg(scene.colors, Color::DarkGray),
        )),
        Line::from(vec![
            Span::raw("no browser on this machine? "),
            Span::styled(
                "d",
                fg(scene.colors, Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::raw(": a device code instead, approved on any device"),
        ]),
    ]
}

/// The device code: the code, the URL, what the browser did and the time left.
fn device_lines<'a>(scene: &Scene, p: &'a SignInPrompt, spinner: &str) -> Vec<Line<'a>> {
    vec![
        flow_line(scene, p),
        Line::from(vec![
            Span::raw("code: "),
            Span::styled(
                shown(p.user_code.as_deref().unwrap_or("")),
                fg(scene.colors, Color::Yellow).add_modifier(Modifier::BOLD),
            ),
        ]),
        url_line("approve it at: ", &p.url),
        Line::from(Span::styled(
            shown(&p.browser),
            fg(scene.colors, Color::DarkGray),
        )),
        waiting_line(scene, p, spinner, "waiting for approval"),
    ]
}

#[cfg(test)]
mod tests;
