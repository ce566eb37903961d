
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
