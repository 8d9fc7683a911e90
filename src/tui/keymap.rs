//! Keys → actions, per scope, with multi-key sequences (`g g`). Bindings are
//! data: the help screen and the hint line are drawn from this table, and
//! `[keys]` in config.toml rebinds any action.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Scope};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Chord {
    pub fn from_event(k: &KeyEvent) -> Chord {
        // Shift is part of the character for printable keys ('G', '?').
        let code = match k.code {
            KeyCode::BackTab => KeyCode::BackTab,
            KeyCode::Tab if k.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            c => c,
        };
        Chord {
            code,
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-s`, `tab`, `shift-tab`, `pgdn`, `g`, `?`, `1`.
    pub fn parse(s: &str) -> Option<Chord> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            s if s.chars().count() == 1 => KeyCode::Char(s.chars().next()?),
            _ => return None,
        };
        Some(Chord { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("C-{base}"),
            (_, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub keys: Vec<Chord>,
    pub action: Action,
    pub scope: Scope,
}

impl Binding {
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(Chord::label)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub struct Keymap {
    pub bindings: Vec<Binding>,
}

/// What a key press did to the pending sequence.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// A prefix of a longer binding: wait for the next key.
    Pending,
    None,
}

const DEFAULTS: &[(&str, Action, Scope)] = &[
    ("q", Action::Quit, Scope::Global),
    ("tab", Action::NextPane, Scope::Global),
    ("shift-tab", Action::PrevPane, Scope::Global),
    ("1", Action::FocusOrgs, Scope::Global),
    ("2", Action::FocusTasks, Scope::Global),
    ("3", Action::FocusAlerts, Scope::Global),
    ("j", Action::Down, Scope::Global),
    ("down", Action::Down, Scope::Global),
    ("k", Action::Up, Scope::Global),
    ("up", Action::Up, Scope::Global),
    ("g g", Action::Top, Scope::Global),
    ("home", Action::Top, Scope::Global),
    ("G", Action::Bottom, Scope::Global),
    ("end", Action::Bottom, Scope::Global),
    ("pgdn", Action::PageDown, Scope::Global),
    ("pgup", Action::PageUp, Scope::Global),
    ("enter", Action::Open, Scope::Global),
    ("esc", Action::Back, Scope::Global),
    ("?", Action::Help, Scope::Global),
    (":", Action::Palette, Scope::Global),
    ("d", Action::Dashboard, Scope::Global),
    ("ctrl-r", Action::Refresh, Scope::Global),
    ("/", Action::Search, Scope::Orgs),
    ("o", Action::Sort, Scope::Orgs),
    ("f s", Action::FilterStreet, Scope::Orgs),
    ("f c", Action::FilterCoverage, Scope::Orgs),
    ("f k", Action::FilterKind, Scope::Orgs),
    ("f x", Action::ClearFilters, Scope::Orgs),
    ("space", Action::Mark, Scope::Orgs),
    ("e", Action::EditOrg, Scope::Orgs),
    ("a", Action::AddOrg, Scope::Orgs),
    ("s", Action::Survey, Scope::Orgs),
    ("h", Action::RecordHire, Scope::Orgs),
    ("b", Action::FoundBranch, Scope::Orgs),
    ("i", Action::AssignInstructor, Scope::Orgs),
    ("t", Action::Transfer, Scope::Orgs),
    ("e", Action::EditOrg, Scope::Detail),
    ("s", Action::Survey, Scope::Detail),
    ("h", Action::RecordHire, Scope::Detail),
    ("b", Action::FoundBranch, Scope::Detail),
    ("i", Action::AssignInstructor, Scope::Detail),
    ("t", Action::Transfer, Scope::Detail),
    ("a", Action::ToggleAllTasks, Scope::Tasks),
    ("n", Action::AdvanceTask, Scope::Tasks),
    ("x", Action::ResolveAlert, Scope::Alerts),
    ("c", Action::Conflicts, Scope::Global),
];

fn parse_seq(s: &str) -> Option<Vec<Chord>> {
    s.split_whitespace().map(Chord::parse).collect()
}

impl Keymap {
    /// The defaults with `overrides` (action name → key sequences) applied:
    /// an overridden action loses its default keys in every scope.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap> {
        let mut bindings: Vec<Binding> = DEFAULTS
            .iter()
            .filter_map(|(k, a, s)| {
                Some(Binding {
                    keys: parse_seq(k)?,
                    action: *a,
                    scope: *s,
                })
            })
            .collect();
        for (name, keys) in overrides {
            let action = Action::from_name(name)
                .ok_or_else(|| Error::invalid("keys", name, "an action name (see ? in the app)"))?;
            let scopes: Vec<Scope> = {
                let mut v: Vec<Scope> = bindings
                    .iter()
                    .filter(|b| b.action == action)
                    .map(|b| b.scope)
                    .collect();
                v.dedup();
                if v.is_empty() { vec![Scope::Global] } else { v }
            };
            bindings.retain(|b| b.action != action);
            for k in keys {
                let seq = parse_seq(k).ok_or_else(|| {
                    Error::invalid(
                        &format!("keys.{name}"),
                        k,
                        "a key such as ctrl-s, g g, pgdn",
                    )
                })?;
                for s in &scopes {
                    bindings.push(Binding {
                        keys: seq.clone(),
                        action,
                        scope: *s,
                    });
                }
            }
        }
        Ok(Keymap { bindings })
    }

    /// Resolves the pending keys in `scope` (then Global).
    pub fn lookup(&self, scope: Scope, pending: &[Chord]) -> Lookup {
        let mut prefix = false;
        for s in [scope, Scope::Global] {
            for b in self.bindings.iter().filter(|b| b.scope == s) {
                if b.keys == pending {
                    return Lookup::Action(b.action);
                }
                if b.keys.len() > pending.len() && b.keys.starts_with(pending) {
                    prefix = true;
                }
            }
            if prefix {
                return Lookup::Pending;
            }
        }
        Lookup::None
    }

    /// Bindings that apply in `scope`, its own first.
    pub fn for_scope(&self, scope: Scope) -> Vec<&Binding> {
        let mut v: Vec<&Binding> = self.bindings.iter().filter(|b| b.scope == scope).collect();
        if scope != Scope::Global {
            v.extend(self.bindings.iter().filter(|b| b.scope == Scope::Global));
        }
        v
    }

    /// The first key sequence bound to `action` in `scope` or globally.
    pub fn key_for(&self, scope: Scope, action: Action) -> Option<String> {
        self.for_scope(scope)
            .into_iter()
            .find(|b| b.action == action)
            .map(Binding::label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: char) -> Chord {
        Chord {
            code: KeyCode::Char(c),
            ctrl: false,
            alt: false,
        }
    }

    #[test]
    fn sequences_wait_for_their_second_key() {
        let k = Keymap::new(&BTreeMap::new()).unwrap();
        assert_eq!(k.lookup(Scope::Orgs, &[ch('g')]), Lookup::Pending);
        assert_eq!(
            k.lookup(Scope::Orgs, &[ch('g'), ch('g')]),
            Lookup::Action(Action::Top)
        );
        assert_eq!(
            k.lookup(Scope::Orgs, &[ch('f'), ch('s')]),
            Lookup::Action(Action::FilterStreet)
        );
        assert_eq!(k.lookup(Scope::Tasks, &[ch('f')]), Lookup::None);
        assert_eq!(
            k.lookup(Scope::Tasks, &[ch('a')]),
            Lookup::Action(Action::ToggleAllTasks)
        );
        assert_eq!(
            k.lookup(Scope::Orgs, &[ch('a')]),
            Lookup::Action(Action::AddOrg)
        );
    }

    #[test]
    fn config_rebinds_an_action_everywhere_it_was_bound() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["ctrl-q".to_string()]);
        o.insert("edit_org".to_string(), vec!["E".to_string()]);
        let k = Keymap::new(&o).unwrap();
        assert_eq!(k.lookup(Scope::Orgs, &[ch('q')]), Lookup::None);
        let cq = Chord {
            code: KeyCode::Char('q'),
            ctrl: true,
            alt: false,
        };
        assert_eq!(k.lookup(Scope::Orgs, &[cq]), Lookup::Action(Action::Quit));
        assert_eq!(
            k.lookup(Scope::Detail, &[ch('E')]),
            Lookup::Action(Action::EditOrg)
        );
        assert_eq!(k.lookup(Scope::Orgs, &[ch('e')]), Lookup::None);
        let mut bad = BTreeMap::new();
        bad.insert("fly".to_string(), vec!["x".to_string()]);
        assert!(Keymap::new(&bad).is_err());
    }
}
