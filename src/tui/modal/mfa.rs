//! The MFA window: asks for a six-digit code to assume a profile or to renew the MFA
//! session of its keys. The digits never reach the screen (it shows dots).

use super::Outcome;
use crate::sts::MfaCode;
use crate::tui::message::{Cmd, InFlight, MfaPurpose};
use crate::tui::paint::{fg, popup, shown, Scene};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// The digits typed into the MFA window. They never reach the screen, `Debug` output or a
/// log (the window shows dots), and are zeroised when dropped; the buffer has room for six
/// from the start, so growing it never leaves a copy behind.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeInput(String);

impl Default for CodeInput {
    fn default() -> Self {
        CodeInput(String::with_capacity(6))
    }
}

impl CodeInput {
    /// Adds a digit; anything else, or a seventh digit, is ignored.
    pub fn push(&mut self, c: char) {
        if c.is_ascii_digit() && self.0.len() < 6 {
            self.0.push(c);
        }
    }

    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// How many digits were typed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code, once six digits are typed.
    pub fn code(&self) -> Option<MfaCode> {
        MfaCode::parse(&self.0).ok()
    }
}

impl Drop for CodeInput {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for CodeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CodeInput({} digits)", self.0.len())
    }
}

/// What Enter on fewer than six digits says.
const SIX_DIGITS: &str = "the code has six digits";

/// Asks for a six-digit MFA code; `error` is STS's reason after a wrong code (or why the
/// cached MFA session would not do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaModal {
    pub profile: String,
    pub serial: Option<String>,
    pub input: CodeInput,
    pub error: Option<String>,
    pub purpose: MfaPurpose,
}

impl MfaModal {
    /// An empty code for `profile`'s device `serial` (when known), saying `error` first.
    pub fn new(
        profile: String,
        serial: Option<String>,
        error: Option<String>,
        purpose: MfaPurpose,
    ) -> Self {
        MfaModal {
            profile,
            serial,
            input: CodeInput::default(),
            error,
            purpose,
        }
    }

    /// Digits edit the code, Enter submits it once it has six, Esc cancels.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::close().info(format!("MFA cancelled for {}", self.profile)),
            KeyCode::Enter => match self.input.code() {
                Some(code) => self.submit(code),
                None => {
                    self.error = Some(SIX_DIGITS.into());
                    Outcome::stay()
                }
            },
            KeyCode::Char(c) => {
                self.input.push(c);
                self.forget_stale_hint();
                Outcome::stay()
            }
            KeyCode::Backspace => {
                self.input.pop();
                self.forget_stale_hint();
                Outcome::stay()
            }
            _ => Outcome::stay(),
        }
    }

    /// The window's own "six digits" hint goes once the code is edited: it was about the
    /// code as it was. STS's reason stays until the next code is submitted.
    fn forget_stale_hint(&mut self) {
        if self.error.as_deref() == Some(SIX_DIGITS) {
            self.error = None;
        }
    }

    /// A complete code: assume with it, or renew the MFA session; the window closes.
    fn submit(&self, code: MfaCode) -> Outcome {
        let flight = InFlight {
            profile: self.profile.clone(),
            frame: 0,
            purpose: self.purpose.clone(),
            serial: self.serial.clone(),
            waiting: None,
        };
        let profile = self.profile.clone();
        match (&self.purpose, &self.serial) {
            (MfaPurpose::RenewSession, Some(serial)) => {
                let serial = serial.clone();
                Outcome::close().assume(
                    flight,
                    Cmd::RenewMfa {
                        profile,
                        serial,
                        code: Some(code),
                    },
                )
            }
            (MfaPurpose::RenewSession, None) => Outcome::close().error("this MFA session does not say which device made it; forget it (d) and assume a profile instead"),
            (MfaPurpose::Assume, _) => Outcome::close().assume(
                flight,
                Cmd::Assume {
                    profile,
                    mfa_code: Some(code),
                    refresh: true,
                },
            ),
        }
    }

    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let area = popup(frame, 60, 8);
        let typed = self.input.len();
        let masked = format!("{}{}", "•".repeat(typed), "_".repeat(6 - typed.min(6)));
        let profile = shown(&self.profile);
        let title = match self.purpose {
            MfaPurpose::Assume => format!("MFA code for {profile}"),
            MfaPurpose::RenewSession => format!("MFA code to renew the MFA session of {profile}"),
        };
        let mut lines = vec![
            Line::from(title),
            Line::from(Span::styled(
                shown(self.serial.as_deref().unwrap_or("")),
                fg(scene.colors, Color::DarkGray),
            )),
            Line::from(vec![
                Span::raw("code: "),
                Span::styled(masked, Style::default().add_modifier(Modifier::BOLD)),
            ]),
        ];
        if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(
                shown(e),
                fg(scene.colors, Color::Red),
            )));
        }
        let block = Block::bordered()
            .title(" MFA ")
            .title_bottom(" Enter submit · Esc cancel ")
            .border_style(fg(scene.colors, Color::Magenta));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
            area,
        );
    }
}

#[cfg(test)]
mod tests;
