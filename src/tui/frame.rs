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
mod tests;
