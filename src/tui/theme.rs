//! Colours and borders. With NO_COLOR the theme uses reverse and bold only, so
//! the selection stays visible; the ASCII border set serves terminals that draw
//! box lines two cells wide.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, BorderType, Borders};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BorderSet {
    Rounded,
    Plain,
    Ascii,
}

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
    pub borders: BorderSet,
}

const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    pub fn new(border: &str, no_color: bool) -> Theme {
        Theme {
            color: !no_color,
            borders: match border {
                "plain" => BorderSet::Plain,
                "ascii" => BorderSet::Ascii,
                _ => BorderSet::Rounded,
            },
        }
    }

    pub fn from_env(border: &str) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(border, no_color)
    }

    pub fn block<'a>(&self, title: String, focused: bool) -> Block<'a> {
        let b = Block::default().borders(Borders::ALL).title(title);
        let b = match self.borders {
            BorderSet::Rounded => b.border_type(BorderType::Rounded),
            BorderSet::Plain => b.border_type(BorderType::Plain),
            BorderSet::Ascii => b.border_set(ASCII),
        };
        if focused {
            b.border_style(self.accent()).title_style(self.accent())
        } else {
            b
        }
    }

    pub fn accent(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn warn(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn marker(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}
