//! Outside text on its way to a terminal: every control character shown, none obeyed.
//!
//! Profile names and config values, a portal's account and role names, a sign-in's code
//! and URL, the messages of STS and the portal, a `credential_process`'s stderr and the
//! names read back from `sessions.json` all come from outside rolecall. A terminal obeys
//! the control characters in them: one crafted value clears the screen (`ESC [ 2 J`),
//! retitles the window (`ESC ] 0 ; … BEL`), writes the clipboard (OSC 52), or does the
//! same through a C1 control (U+009B is CSI). Bidirectional overrides (U+202E…) do not
//! reach the terminal's parser, but they reorder what the user reads.
//!
//! So every piece of outside text passes through here before a terminal sees it: the
//! TUI's cells (`tui::view`), the CLI's human output ([`Visible`], [`term_eprintln!`]),
//! and its JSON ([`write_json_pretty`], which keeps the data exact). Such characters are
//! shown, not dropped, in the form a Rust or C string would write them: `\x1b` for C0
//! controls and DEL, `\n`, `\t` and `\r` by name, `\u{9b}` for C1 controls and
//! `\u{202e}` for bidirectional controls. A backslash already in the text is left as it
//! is: the form is for reading, not for parsing back. Text without such characters (all
//! but a hostile few) passes through borrowed, without a copy.
//!
//! The terminal is taken to be a UTF-8 one, where bytes 0x80–0x9F occur only inside a
//! multi-byte character (`…` is E2 80 A6) and a C1 control is the two bytes C2 80–C2 9F;
//! invalid UTF-8 is decoded lossily (U+FFFD) before it gets here or by [`Visible`].

use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether a terminal would obey `c` or it would reorder the text around it: C0
/// controls, DEL, C1 controls (`char::is_control`), and the bidirectional formatting
/// characters (the embeddings, overrides and isolates, and the LRM, RLM and ALM marks).
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` as one line a terminal shows as it is: every character of [`needs_escape`],
/// line breaks and tabs included, in its escaped form. For a cell, a name, a value, a
/// message quoted inside a line of rolecall's own.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, Newlines::Escape)
}

/// `text` with its line breaks kept and every other character of [`needs_escape`]
/// escaped: for text whose lines rolecall composed itself (a message, a table), where
/// outside parts were already made [`visible`] or can only spoil the layout.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, Newlines::Keep)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Newlines {
    Escape,
    Keep,
}

fn escape(text: &str, newlines: Newlines) -> Cow<'_, str> {
    let Some(first) = first_to_escape(text, newlines) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if must_escape(c, newlines) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn must_escape(c: char, newlines: Newlines) -> bool {
    needs_escape(c) && !(c == '\n' && newlines == Newlines::Keep)
}

/// Where the first character to escape is. Runs of printable ASCII (nearly every name,
/// and the table around a chain's arrows) are skipped eight bytes at a time; only the
/// other characters are decoded, one by one, so a line with one `→` in it costs no more
/// than one without.
fn first_to_escape(text: &str, newlines: Newlines) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        at += printable_ascii_run(&bytes[at..]);
        let &byte = bytes.get(at)?;
        if byte.is_ascii() {
            if byte == b'\n' && newlines == Newlines::Keep {
                at += 1;
                continue;
            }
            // A C0 control or DEL.
            return Some(at);
        }
        // `at` is a character boundary: it follows whole ASCII bytes and whole characters.
        let c = text[at..].chars().next()?;
        if must_escape(c, newlines) {
            return Some(at);
        }
        at += c.len_utf8();
    }
}

/// How many bytes at the start of `bytes` are printable ASCII (0x20 to 0x7e).
fn printable_ascii_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut run = 0;
    for word in bytes.chunks_exact(8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // A byte below 0x20 borrows into its high bit; one of 0x7f or above has it set,
        // or sets it when one is added. A borrow or carry that crosses into the next byte
        // comes only from a byte already caught.
        let below_space = x.wrapping_sub(0x20 * ONES) & !x;
        let del_or_above = x.wrapping_add(ONES) | x;
        if (below_space | del_or_above) & HIGH != 0 {
            break;
        }
        run += 8;
    }
    run + bytes[run..]
        .iter()
        .position(|b| !(0x20..0x7f).contains(b))
        .unwrap_or(bytes.len() - run)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if u32::from(c) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// A writer for human output: what goes through it reaches `inner` as
/// [`visible_lines`] would show it, so the lines a command writes stay lines and
/// nothing in them is obeyed. Bytes that are not UTF-8 show as U+FFFD; a character
/// split across two writes is put back together first.
pub struct Visible<W: Write> {
    inner: W,
    /// The start of a character the last write cut (at most three bytes).
    pending: Vec<u8>,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Self {
        Visible {
            inner,
            pending: Vec::new(),
        }
    }

    /// The inner writer; a character still cut is dropped (`flush` first to show it).
    pub fn into_inner(self) -> W {
        self.inner
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(visible_lines(text).as_bytes())
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let joined;
        let mut rest = if self.pending.is_empty() {
            bytes
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), bytes].concat();
            joined.as_slice()
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    if let Ok(text) = std::str::from_utf8(valid) {
                        self.write_text(text)?;
                    }
                    match e.error_len() {
                        // Cut at the end: wait for the rest of the character.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(bad) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &after[bad..];
                        }
                    }
                }
            }
        }
        Ok(bytes.len())
    }

    /// Ends the text so far: a character still cut shows as U+FFFD.
    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

/// `n` and the noun for that many: `1 request`, `2 requests`, `0 copies` (`plural` for
/// nouns that do not just take an `s`). Every count rolecall prints goes through here, so
/// none says `request(s)`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Writes one line to stderr through [`Visible`]; what [`term_eprintln!`] calls.
pub fn eprint_line(args: std::fmt::Arguments<'_>) {
    let mut err = Visible::new(io::stderr().lock());
    // As eprintln!, minus its panic: a closed stderr loses the message, not the command.
    let _ = writeln!(err, "{args}");
    let _ = err.flush();
}

/// `eprintln!` for a terminal: the line is written through [`Visible`], so nothing
/// outside text puts in it is obeyed. The CLI's messages and warnings use it (clippy
/// refuses `eprintln!` itself: see clippy.toml).
#[macro_export]
macro_rules! term_eprintln {
    ($($arg:tt)*) => {
        $crate::term_text::eprint_line(::std::format_args!($($arg)*))
    };
}

/// Writes `value` as pretty JSON, then a newline. The data stays exact (a JSON parser
/// reads back the same strings), but DEL, C1 and bidirectional controls are written as
/// `\u` escapes too: serde_json escapes only what JSON requires (below U+0020), and
/// JSON on a terminal is still text on a terminal.
pub fn write_json_pretty<W: Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    value: &T,
) -> io::Result<()> {
    let formatter = JsonFormatter(serde_json::ser::PrettyFormatter::new());
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    writeln!(out)
}

/// serde_json's pretty formatter, with the string fragments it writes unescaped
/// escaped when a terminal would obey them.
struct JsonFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for JsonFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = first_to_escape(rest, Newlines::Escape) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            // Every character of needs_escape is in the Basic Multilingual Plane.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests;
