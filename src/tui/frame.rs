//! How a frame reaches the terminal: whole, in one write, marked as one update.
//!
//! Rust's stdout is line-buffered with a 1 KiB buffer and ratatui's output has no
//! newlines, so a frame used to leave in 1 KiB pieces: a terminal (or tmux, or an SSH
//! link) that drew between two pieces showed a torn frame, a new title over old rows.
//! [`FrameWriter`] collects everything until ratatui flushes at the end of a draw, then
//! writes it at once between the synchronized-update marks (DEC private mode 2026), so a
//! terminal that knows the mode shows the frame only when it is complete, and one that
//! does not ignores the marks.

use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::io::{self, Write};

/// Buffers a frame; `flush` hands it to `inner` in one `write_all`.
pub struct FrameWriter<W: Write> {
    inner: W,
    /// The frame so far, after the begin mark (empty: nothing to send). Kept between
    /// frames, so its capacity is allocated once.
    frame: Vec<u8>,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(inner: W) -> Self {
        FrameWriter {
            inner,
            frame: Vec::with_capacity(64 * 1024),
        }
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.frame.is_empty() && !bytes.is_empty() {
            queue!(self.frame, BeginSynchronizedUpdate)?;
        }
        self.frame.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.frame.is_empty() {
            queue!(self.frame, EndSynchronizedUpdate)?;
            // Cleared whether or not the write went through: a frame half sent is not
            // sent again in front of the next one.
            let sent = self.inner.write_all(&self.frame);
            self.frame.clear();
            sent?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::tui::{ch, demo_app};
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{Terminal, TerminalOptions, Viewport};
    use std::sync::{Arc, Mutex};

    /// Records each write it is given, as the terminal would receive them.
    #[derive(Clone, Default)]
    struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().push(bytes.to_vec());
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    const BEGIN: &[u8] = b"\x1b[?2026h";
    const END: &[u8] = b"\x1b[?2026l";

    #[test]
    fn each_frame_reaches_the_terminal_in_one_write_marked_as_one_update() {
        let writes = Writes::default();
        let crossterm = CrosstermBackend::new(FrameWriter::new(writes.clone()));
        let viewport = Viewport::Fixed(Rect::new(0, 0, 160, 48));
        let mut terminal = Terminal::with_options(crossterm, TerminalOptions { viewport }).unwrap();
        let mut app = demo_app();
        let mut draw = |app: &crate::tui::App| {
            terminal.draw(|f| crate::tui::view::draw(app, f)).unwrap();
        };
        draw(&app);
        // A second frame that changes most of the screen: the help window.
        app.update(ch('?'));
        draw(&app);
        let frames = writes.0.lock().unwrap().clone();
        assert_eq!(frames.len(), 2, "one write per frame, not {}", frames.len());
        for frame in &frames {
            assert!(frame.len() > 1024, "a frame bigger than stdout's buffer");
            assert!(frame.starts_with(BEGIN) && frame.ends_with(END));
        }
        // Nothing changed: ratatui only resets the colours and hides the cursor again.
        draw(&app);
        let frames = writes.0.lock().unwrap().clone();
        assert_eq!(frames.len(), 3);
        assert!(
            frames[2].len() < 64,
            "{:?}",
            String::from_utf8_lossy(&frames[2])
        );
    }
}
