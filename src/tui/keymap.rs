//! Keys as data: the default keymap is `assets/keymap.toml`, one section per browse screen
//! and per layer (form, review, activity, help, prompt); the help overlay, the footer and the
//! dialogs' key hints are generated from it, and a user file can replace the keys of single
//! actions. A keymap that would make a key ambiguous where it matters is refused
//! (`checks.rs`). Text editing inside inputs and Ctrl-C are not in it: they are fixed.

use ratatui::crossterm::event::KeyEvent;
use serde::Deserialize;

use crate::domain::sanitize::sanitize;

mod checks;
mod key_spec;
mod sections;
#[cfg(test)]
mod tests;

pub use key_spec::{KeySpec, is_text_editing};
pub use sections::{Action, Context};

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

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
    #[serde(default)]
    form: Vec<RawBinding>,
    #[serde(default)]
    review: Vec<RawBinding>,
    #[serde(default)]
    activity: Vec<RawBinding>,
    #[serde(default)]
    duplicates: Vec<RawBinding>,
    #[serde(default)]
    merge: Vec<RawBinding>,
    #[serde(default)]
    help: Vec<RawBinding>,
    #[serde(default)]
    prompt: Vec<RawBinding>,
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
    fn sections(self) -> [(Context, Vec<RawBinding>); 11] {
        [
            (Context::Global, self.global),
            (Context::Pools, self.pools),
            (Context::Users, self.users),
            (Context::Detail, self.detail),
            (Context::Form, self.form),
            (Context::Review, self.review),
            (Context::Activity, self.activity),
            (Context::Duplicates, self.duplicates),
            (Context::Merge, self.merge),
            (Context::Help, self.help),
            (Context::Prompt, self.prompt),
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
                    // The user's texts reach the terminal: escaped like pool text.
                    desc: sanitize(&raw.desc.unwrap_or_default()).into_owned(),
                    hint: raw.hint.map(|h| sanitize(&h).into_owned()),
                });
            }
        }
        Ok(Keymap { bindings })
    }

    /// The defaults with a user file applied: a user binding replaces the keys (and, when
    /// given, the texts) of the same action in the same context, or adds it. Refused, with
    /// the reason, when the result fails [`checks::check`].
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
        checks::check(&keymap.bindings)?;
        Ok(keymap)
    }

    /// The action a key triggers in `context` (falling back to wider contexts).
    pub fn action(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        self.action_among(context, key, |_| true)
    }

    /// The action a key triggers in `context` among those `offered` now (a layer offers some
    /// of its actions only in some states: the review's `hide` only while sending).
    pub fn action_among(
        &self,
        context: Context,
        key: &KeyEvent,
        offered: impl Fn(Action) -> bool,
    ) -> Option<Action> {
        context.chain().iter().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| {
                    b.context == *c && offered(b.action) && b.keys.iter().any(|k| k.matches(key))
                })
                .map(|b| b.action)
        })
    }

    /// The binding of `action` that `context` finds first (falling back to wider contexts).
    pub fn binding(&self, context: Context, action: Action) -> Option<&Binding> {
        context.chain().iter().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| b.context == *c && b.action == action)
        })
    }

    /// The first key of `action` in `context`, as shown to people (`Esc`, `↓`, `y`): what
    /// the dialogs' hints and messages name.
    pub fn key(&self, context: Context, action: Action) -> String {
        self.binding(context, action)
            .and_then(|b| b.keys.first())
            .map_or_else(|| "(unbound)".to_owned(), ToString::to_string)
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
