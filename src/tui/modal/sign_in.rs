//! The IAM Identity Center sign-in window: the code to confirm and where, with a spinner
//! while the service waits for approval; the profile is assumed once approved.

use super::Outcome;
use crate::tui::backend::SignInPrompt;
use crate::tui::message::Cmd;
use crate::tui::paint::{countdown, fg, popup, shown, Scene, SPINNER};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// IAM Identity Center sign-in of `profile` through `session`: the code and the URL to
/// approve it on, once the service gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInModal {
    pub profile: String,
    pub session: String,
    pub prompt: Option<SignInPrompt>,
}

impl SignInModal {
    /// The window while the sign-in starts (no code yet).
    pub fn new(profile: String, session: String) -> Self {
        SignInModal {
            profile,
            session,
            prompt: None,
        }
    }

    /// Shows the code and URL of `profile`'s sign-in (one for another profile is stale).
    pub fn show_prompt(&mut self, profile: &str, prompt: SignInPrompt) {
        if self.profile == profile {
            self.prompt = Some(prompt);
        }
    }

    /// Esc cancels the sign-in; the window waits for the browser, other keys do nothing.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        if key.code == KeyCode::Esc {
            Outcome::close()
                .info(format!("sign-in for {} cancelled", self.profile))
                .send(Cmd::CancelSignIn)
        } else {
            Outcome::stay()
        }
    }

    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let area = popup(frame, 76, 10);
        let spinner = SPINNER[scene.spin % SPINNER.len()];
        let mut lines = vec![Line::from(format!(
            "{} signs in through IAM Identity Center ({}).",
            shown(&self.profile),
            shown(&self.session)
        ))];
        match &self.prompt {
            None => lines.push(Line::from(Span::styled(
                format!("{spinner} starting the sign-in…"),
                fg(scene.colors, Color::Cyan),
            ))),
            Some(p) => lines.extend(prompt_lines(scene, p, spinner)),
        }
        let block = Block::bordered()
            .title(" IAM Identity Center sign-in ")
            .title_bottom(" Esc cancel ")
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
    }
}

/// The code, the URL, what the browser did and the time left to approve.
fn prompt_lines<'a>(scene: &Scene, p: &'a SignInPrompt, spinner: &str) -> Vec<Line<'a>> {
    let left = (p.expires_at - scene.now).num_seconds();
    vec![
        Line::from(vec![
            Span::raw("code: "),
            Span::styled(
                shown(&p.user_code),
                fg(scene.colors, Color::Yellow).add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(vec![
            Span::raw("approve it at: "),
            Span::styled(
                shown(&p.url),
                Style::default().add_modifier(Modifier::UNDERLINED),
            ),
        ]),
        Line::from(Span::styled(
            shown(&p.browser),
            fg(scene.colors, Color::DarkGray),
        )),
        Line::from(Span::styled(
            format!(
                "{spinner} waiting for approval ({} left)",
                countdown(Some(left))
            ),
            fg(scene.colors, Color::Cyan),
        )),
    ]
}

#[cfg(test)]
mod tests;
