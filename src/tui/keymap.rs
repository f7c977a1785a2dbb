//! Keys as data: the default keymap is `assets/keymap.toml`; the help overlay and the footer
//! hints are generated from it, and a user file can replace the keys of single actions.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Pools,
    Users,
    Detail,
}

impl Context {
    pub const ALL: [Context; 4] = [
        Context::Global,
        Context::Pools,
        Context::Users,
        Context::Detail,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Pools => "Pool picker",
            Context::Users => "User table",
            Context::Detail => "Detail pane (focused)",
        }
    }

    /// Contexts searched for a key, most specific first.
    pub fn chain(self) -> &'static [Context] {
        match self {
            Context::Global => &[Context::Global],
            Context::Pools => &[Context::Pools, Context::Global],
            Context::Users => &[Context::Users, Context::Global],
            Context::Detail => &[Context::Detail, Context::Users, Context::Global],
        }
    }
}

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Refresh,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    FocusNext,
    FuzzyFilter,
    ServerFilter,
    CycleSort,
    SwitchPool,
    Link,
    Unlink,
    Activity,
}

impl Action {
    /// Actions that change the pool: hidden and refused with `--read-only`.
    pub fn is_change(self) -> bool {
        matches!(self, Action::Link | Action::Unlink)
    }
}

/// One key with its modifiers: a character (shift is part of the character) or a named key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl KeySpec {
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let (ctrl, rest) = match text.strip_prefix("ctrl-") {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, text),
        };
        let code = match rest {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            other => {
                let mut chars = other.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {text:?}")),
                }
            }
        };
        Ok(KeySpec { code, ctrl })
    }

    pub fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, key.code) {
            // Terminals report ctrl-f as 'f' or 'F' depending on shift state.
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        match self.code {
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("Bksp"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A binding: keys of one action in one context, with the text help and footer show.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub context: Context,
    pub action: Action,
    pub keys: Vec<KeySpec>,
    pub desc: String,
    pub hint: Option<String>,
}

impl Binding {
    /// Keys as shown to people: `j / ↓`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// The keymap file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    global: Vec<RawBinding>,
    #[serde(default)]
    pools: Vec<RawBinding>,
    #[serde(default)]
    users: Vec<RawBinding>,
    #[serde(default)]
    detail: Vec<RawBinding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    action: Action,
    keys: Vec<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    hint: Option<String>,
}

impl KeymapFile {
    fn sections(self) -> [(Context, Vec<RawBinding>); 4] {
        [
            (Context::Global, self.global),
            (Context::Pools, self.pools),
            (Context::Users, self.users),
            (Context::Detail, self.detail),
        ]
    }
}

/// Every binding, in file order (the order help shows them in).
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::parse(DEFAULT_KEYMAP).expect("assets/keymap.toml is valid (tested)")
    }
}

impl Keymap {
    fn parse(text: &str) -> Result<Keymap, String> {
        let file: KeymapFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut bindings = Vec::new();
        for (context, raws) in file.sections() {
            for raw in raws {
                bindings.push(Binding {
                    context,
                    action: raw.action,
                    keys: parse_keys(&raw.keys)?,
                    desc: raw.desc.unwrap_or_default(),
                    hint: raw.hint,
                });
            }
        }
        Ok(Keymap { bindings })
    }

    /// The defaults with a user file applied: a user binding replaces the keys (and, when
    /// given, the texts) of the same action in the same context, or adds it.
    pub fn with_overrides(user_file: &str) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        for user in Keymap::parse(user_file)?.bindings {
            match keymap
                .bindings
                .iter_mut()
                .find(|b| b.context == user.context && b.action == user.action)
            {
                Some(b) => {
                    b.keys = user.keys;
                    if !user.desc.is_empty() {
                        b.desc = user.desc;
                    }
                    if user.hint.is_some() {
                        b.hint = user.hint;
                    }
                }
                None => keymap.bindings.push(user),
            }
        }
        Ok(keymap)
    }

    /// The action a key triggers in `context` (falling back to wider contexts).
    pub fn action(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        context.chain().iter().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| b.context == *c && b.keys.iter().any(|k| k.matches(key)))
                .map(|b| b.action)
        })
    }

    pub fn bindings(&self, context: Context) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }

    /// Footer hints for `context`: `(keys, label, action)`, most specific context first.
    pub fn hints(&self, context: Context) -> Vec<(String, &str, Action)> {
        context
            .chain()
            .iter()
            .flat_map(|c| self.bindings(*c))
            .filter_map(|b| {
                let hint = b.hint.as_deref()?;
                Some((b.keys.first()?.to_string(), hint, b.action))
            })
            .collect()
    }
}

fn parse_keys(keys: &[String]) -> Result<Vec<KeySpec>, String> {
    if keys.is_empty() {
        return Err("a binding needs at least one key".into());
    }
    keys.iter().map(|k| KeySpec::parse(k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn default_keymap_parses_and_has_help_text_for_every_binding() {
        let km = Keymap::default();
        assert!(km.bindings.len() > 20);
        assert!(km.bindings.iter().all(|b| !b.desc.is_empty()));
    }

    #[test]
    fn specific_context_wins_then_falls_back() {
        let km = Keymap::default();
        assert_eq!(
            km.action(Context::Users, &key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(Context::Detail, &key(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(Context::Detail, &key(KeyCode::Char('/'))),
            Some(Action::FuzzyFilter)
        );
        assert_eq!(km.action(Context::Pools, &key(KeyCode::Char('/'))), None);
        assert_eq!(
            km.action(Context::Users, &key(KeyCode::Char('G'))),
            Some(Action::Bottom)
        );
    }

    #[test]
    fn ctrl_keys_match_only_with_ctrl() {
        let km = Keymap::default();
        let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
        assert_eq!(km.action(Context::Users, &ctrl_f), Some(Action::PageDown));
        assert_eq!(
            km.action(Context::Users, &key(KeyCode::Char('f'))),
            Some(Action::ServerFilter)
        );
    }

    #[test]
    fn user_overrides_replace_keys_of_one_action() {
        let km = Keymap::with_overrides("[[users]]\naction = \"down\"\nkeys = [\"n\"]\n").unwrap();
        assert_eq!(
            km.action(Context::Users, &key(KeyCode::Char('n'))),
            Some(Action::Down)
        );
        assert_eq!(km.action(Context::Users, &key(KeyCode::Char('j'))), None);
        // Other contexts keep their defaults.
        assert_eq!(
            km.action(Context::Pools, &key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
    }

    #[test]
    fn invalid_user_files_are_refused_with_the_reason() {
        let err =
            Keymap::with_overrides("[[users]]\naction = \"fly\"\nkeys = [\"x\"]\n").unwrap_err();
        assert!(err.contains("fly"), "{err}");
        let err = Keymap::with_overrides("[[users]]\naction = \"up\"\nkeys = [\"hyper-x\"]\n")
            .unwrap_err();
        assert!(err.contains("hyper-x"), "{err}");
    }

    #[test]
    fn keys_display_for_people() {
        assert_eq!(KeySpec::parse("ctrl-f").unwrap().to_string(), "Ctrl-f");
        assert_eq!(KeySpec::parse("down").unwrap().to_string(), "↓");
        assert_eq!(KeySpec::parse("G").unwrap().to_string(), "G");
    }

    #[test]
    fn hints_follow_the_context_chain() {
        let km = Keymap::default();
        let hints = km.hints(Context::Users);
        assert_eq!(hints.first().map(|h| h.1), Some("detail"));
        assert!(hints.iter().any(|(k, h, _)| k == "q" && *h == "quit"));
    }
}
