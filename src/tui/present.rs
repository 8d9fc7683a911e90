//! Putting frames on the terminal. Each frame is first drawn off-screen; if it
//! is identical to the last one sent, nothing is written at all (over SSH every
//! byte counts). Otherwise ratatui writes only the cells that changed.

use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::state::App;
use super::ui;
use crate::error::{Error, Result};

pub struct Presenter<B: Backend> {
    pub terminal: Terminal<B>,
    shadow: Terminal<TestBackend>,
    last: Option<(Buffer, Position)>,
}

fn io<E: std::fmt::Display>(e: E) -> Error {
    Error::Other(e.to_string())
}

impl<B: Backend> Presenter<B> {
    pub fn new(terminal: Terminal<B>) -> Result<Self> {
        let size = terminal.size().map_err(io)?;
        let shadow = Terminal::new(TestBackend::new(size.width, size.height)).map_err(io)?;
        Ok(Presenter {
            terminal,
            shadow,
            last: None,
        })
    }

    /// The area frames are drawn into.
    pub fn area(&self) -> Result<Rect> {
        let s = self.terminal.size().map_err(io)?;
        Ok(Rect::new(0, 0, s.width, s.height))
    }

    /// Draws `app`; returns whether anything was sent to the terminal.
    pub fn present(
        &mut self,
        app: &App,
        wrap: impl FnOnce(
            &mut Terminal<B>,
            &mut dyn FnMut(&mut Terminal<B>) -> Result<()>,
        ) -> Result<()>,
    ) -> Result<bool> {
        let area = self.area()?;
        if self.shadow.size().map_err(io)? != area.as_size() {
            self.shadow.backend_mut().resize(area.width, area.height);
            self.shadow.resize(area).map_err(io)?;
            self.last = None;
        }
        self.shadow.draw(|f| ui::draw(f, app)).map_err(io)?;
        let buf = self.shadow.backend().buffer().clone();
        let cursor = self.shadow.get_cursor_position().map_err(io)?;
        if self
            .last
            .as_ref()
            .is_some_and(|(b, c)| *b == buf && *c == cursor)
        {
            return Ok(false);
        }
        let mut draw = |t: &mut Terminal<B>| -> Result<()> {
            t.draw(|f| ui::draw(f, app)).map_err(io)?;
            Ok(())
        };
        wrap(&mut self.terminal, &mut draw)?;
        self.last = Some((buf, cursor));
        Ok(true)
    }

    /// Forgets the last frame (after a resize the terminal must be redrawn).
    pub fn invalidate(&mut self) {
        self.last = None;
    }
}
