//! A form: labelled fields (text via ratatui-textarea, choices, yes/no flags,
//! read-only facts and lists), one focused; messages inline by the field. What
//! each form writes is in `forms`.
//!
//! Focus goes through the rows in the order they are drawn, the read-only ones
//! too: the form opens on its first row, and Tab moves to the row below it.
//! A read-only row hands typed text on to the next field that takes it, and a
//! field that cannot take a typed character says how to change it, so no key
//! is lost without a word.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::i18n::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    EditOrg,
    AddOrg,
    Survey,
    Hire,
    FoundBranch,
    Assign,
    Transfer,
    AdvanceTask,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::EditOrg => tr("编辑组织", "Edit organization"),
            FormKind::AddOrg => tr("新增组织", "Add organization"),
            FormKind::Survey => tr("记录摸排", "Record a survey"),
            FormKind::Hire => tr("记录新进人员", "Record a hire"),
            FormKind::FoundBranch => tr("组建党组织", "Found a party organization"),
            FormKind::Assign => tr("选派党建指导员", "Assign an instructor"),
            FormKind::Transfer => tr("转入组织关系", "Transfer a relation"),
            FormKind::AdvanceTask => tr("任务转下一环节", "Hand the task on"),
        }
    }
}

pub enum FieldKind {
    Text,
    /// (value, label) options; the first is the default.
    Choice(Vec<(String, String)>),
    Flag,
    /// Shown, not edited (the organization a survey is about).
    Info(String),
    /// Shown one item a line, not edited (the organizations a branch will
    /// cover); scrolled when it does not fit.
    List(Vec<String>),
}

pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub input: TextArea<'static>,
    pub choice: usize,
    pub flag: bool,
    pub error: Option<String>,
    /// The first item of a `List` shown.
    pub scroll: usize,
}

impl Field {
    pub fn text(key: &'static str, label: &'static str, value: &str) -> Field {
        let mut input = TextArea::new(vec![value.to_string()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        Field {
            key,
            label,
            kind: FieldKind::Text,
            input,
            choice: 0,
            flag: false,
            error: None,
            scroll: 0,
        }
    }

    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        selected: usize,
    ) -> Field {
        let mut f = Field::text(key, label, "");
        f.choice = selected.min(options.len().saturating_sub(1));
        f.kind = FieldKind::Choice(options);
        f
    }

    pub fn flag(key: &'static str, label: &'static str, value: bool) -> Field {
        let mut f = Field::text(key, label, "");
        f.kind = FieldKind::Flag;
        f.flag = value;
        f
    }

    pub fn info(key: &'static str, label: &'static str, text: String) -> Field {
        let mut f = Field::text(key, label, "");
        f.kind = FieldKind::Info(text);
        f
    }

    pub fn list(key: &'static str, label: &'static str, items: Vec<String>) -> Field {
        let mut f = Field::text(key, label, "");
        f.kind = FieldKind::List(items);
        f
    }

    /// The field's value as the command builders read it.
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text => self.input.lines().join(""),
            FieldKind::Choice(o) => o.get(self.choice).map(|c| c.0.clone()).unwrap_or_default(),
            FieldKind::Flag => {
                if self.flag {
                    "yes".into()
                } else {
                    "no".into()
                }
            }
            FieldKind::Info(_) | FieldKind::List(_) => String::new(),
        }
    }

    /// What the field shows (a list: its items, one a line).
    pub fn display(&self) -> String {
        match &self.kind {
            FieldKind::Text => self.input.lines().join(""),
            FieldKind::Choice(o) => o
                .get(self.choice)
                .map(|c| format!("‹ {} ›", c.1))
                .unwrap_or_default(),
            FieldKind::Flag => {
                if self.flag {
                    tr("[x] 是", "[x] yes").into()
                } else {
                    tr("[ ] 否", "[ ] no").into()
                }
            }
            FieldKind::Info(s) => s.clone(),
            FieldKind::List(items) => items.join("\n"),
        }
    }

    /// Whether the field takes input (the others are shown, not edited).
    pub fn editable(&self) -> bool {
        !matches!(self.kind, FieldKind::Info(_) | FieldKind::List(_))
    }

    /// Scrolls a list by `delta` items, within its length.
    fn scroll_by(&mut self, delta: i64) -> bool {
        let FieldKind::List(items) = &self.kind else {
            return false;
        };
        let last = items.len().saturating_sub(1) as i64;
        let to = (self.scroll as i64 + delta).clamp(0, last) as usize;
        let moved = to != self.scroll;
        self.scroll = to;
        moved
    }
}

pub struct Form {
    pub kind: FormKind,
    /// The organization the form is about, if any.
    pub org: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Field values when the form opened, to notice another session's change.
    pub original: Vec<(&'static str, String)>,
    /// Fields another session changed since the form opened: (label, theirs, yours).
    pub conflict: Option<Vec<(String, String, String)>>,
    pub message: Option<String>,
    pub dirty: bool,
    /// Ctrl-C with unsaved input: the next key says whether to quit.
    pub confirm_quit: bool,
    /// What the form acts on when it is not an organization (a task).
    pub subject: Option<String>,
}

/// What a key did to the form.
#[derive(Debug, PartialEq, Eq)]
pub enum FormInput {
    Edited,
    Submit,
    Cancel,
    Ignored,
}

impl Form {
    pub fn new(kind: FormKind, org: Option<String>, fields: Vec<Field>) -> Form {
        let mut f = Form {
            kind,
            org,
            fields,
            focus: 0,
            original: Vec::new(),
            conflict: None,
            message: None,
            dirty: false,
            confirm_quit: false,
            subject: None,
        };
        // the first row, read-only or not: where the eye starts, Tab goes on
        f.focus = 0;
        f
    }

    pub fn get(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(Field::value)
            .unwrap_or_default()
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// Moves the focus to the next (or previous) row, wrapping around.
    fn step(&mut self, forward: bool) {
        let n = self.fields.len();
        self.message = None;
        if n > 0 {
            self.focus = if forward {
                (self.focus + 1) % n
            } else {
                (self.focus + n - 1) % n
            };
        }
    }

    /// The field a typed character goes to: the focused one, or after a
    /// read-only row the next field that takes input.
    pub fn typing_target(&self) -> Option<usize> {
        (self.focus..self.fields.len()).find(|&i| self.fields[i].editable())
    }

    pub fn input(&mut self, key: KeyEvent) -> FormInput {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => return FormInput::Submit,
            KeyCode::Esc => return FormInput::Cancel,
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => {
                self.step(true);
                return FormInput::Edited;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.step(false);
                return FormInput::Edited;
            }
            _ => {}
        }
        let typing = matches!(key.code, KeyCode::Char(_)) && !ctrl;
        if let Some(field) = self.fields.get_mut(self.focus) {
            if !field.editable() {
                let page = 5;
                let moved = match key.code {
                    KeyCode::PageDown | KeyCode::Right => field.scroll_by(page),
                    KeyCode::PageUp | KeyCode::Left => field.scroll_by(-page),
                    _ => false,
                };
                if moved {
                    return FormInput::Edited;
                }
                if !typing {
                    return FormInput::Ignored;
                }
            }
        }
        // typed text on a read-only row goes on to the field below it
        if typing {
            match self.typing_target() {
                Some(i) => self.focus = i,
                None => return FormInput::Ignored,
            }
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormInput::Ignored;
        };
        let changed = match &field.kind {
            FieldKind::Choice(o) => {
                let n = o.len().max(1);
                match key.code {
                    KeyCode::Right | KeyCode::Char(' ') | KeyCode::Char('l') => {
                        field.choice = (field.choice + 1) % n;
                        true
                    }
                    KeyCode::Left | KeyCode::Char('h') => {
                        field.choice = (field.choice + n - 1) % n;
                        true
                    }
                    _ => false,
                }
            }
            FieldKind::Flag => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    field.flag = !field.flag;
                    true
                }
                KeyCode::Char('y') => {
                    field.flag = true;
                    true
                }
                KeyCode::Char('n') => {
                    field.flag = false;
                    true
                }
                _ => false,
            },
            FieldKind::Text => field.input.input(key),
            FieldKind::Info(_) | FieldKind::List(_) => false,
        };
        if changed {
            field.error = None;
            self.dirty = true;
            self.message = None;
            FormInput::Edited
        } else {
            if typing {
                self.message = Some(
                    match field.kind {
                        FieldKind::Flag => tr("此栏用空格或 y/n 选择", "toggle with space or y/n"),
                        _ => tr("此栏用 ←→ 或空格选择", "choose with ←→ or space"),
                    }
                    .into(),
                );
            }
            FormInput::Ignored
        }
    }

    /// Puts an error by the field it names, or at the bottom of the form.
    pub fn show_error(&mut self, field: Option<&str>, msg: String) {
        let key = field.map(|f| match f {
            "on" | "hired-on" | "hired_on" => "date",
            "covers" | "mode" => f,
            other => other,
        });
        match key.and_then(|k| self.fields.iter().position(|x| x.key == k)) {
            Some(i) => {
                self.fields[i].error = Some(msg);
                self.focus = i;
            }
            None => self.message = Some(msg),
        }
    }
}
