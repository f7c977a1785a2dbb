//! Editing the link form: keys typed into the focused field, a paste (at the cursor, whole),
//! the provider and attribute choices. Typed and pasted text are kept alike, control
//! characters included: the view shows them escaped and [`control_characters`] flags them.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{FormField, LinkForm};
use crate::domain::sanitize::is_unsafe;

impl LinkForm {
    /// A key typed into the focused field: text for a text field, a letter jumping to the
    /// next provider whose name starts with it on the provider field; true when a value
    /// changed.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        self.note = None;
        let changed = match self.focus {
            FormField::SrcProvider => self.jump_to_provider(key),
            FormField::SrcAttribute => self.edit_attribute(key),
            field => {
                let input = self.input_mut(field).expect("text field");
                input.handle_event(&Event::Key(key)).is_some()
            }
        };
        if changed {
            self.touch(self.focus);
        }
        changed
    }

    /// A SAML/OIDC attribute name typed: characters go at its end, Backspace takes the last
    /// one off (←/→ choose among the suggestions instead of moving a cursor).
    fn edit_attribute(&mut self, key: KeyEvent) -> bool {
        if !self.attribute_is_free() {
            return false;
        }
        match key.code {
            KeyCode::Char(c) => {
                self.src_attribute.push(c);
                true
            }
            KeyCode::Backspace => self.src_attribute.pop().is_some(),
            _ => false,
        }
    }

    /// The next (`delta` 1) or previous (-1) provider or attribute name, when one of those
    /// fields has the focus; true when a value changed.
    pub fn choose(&mut self, delta: isize) -> bool {
        self.note = None;
        match self.focus {
            FormField::SrcProvider => self.cycle_provider(delta),
            FormField::SrcAttribute => {
                let choices = self.attribute_choices();
                if choices.len() <= 1 {
                    return false;
                }
                let at = choices.iter().position(|c| *c == self.src_attribute);
                let next = cycle(at.unwrap_or(0), delta, choices.len());
                self.src_attribute = choices[next].clone();
                true
            }
            _ => false,
        }
    }

    fn cycle_provider(&mut self, delta: isize) -> bool {
        let n = self.providers.as_ref().map_or(0, Vec::len);
        if n == 0 {
            return false;
        }
        let next = match self.provider_index() {
            None if delta < 0 => n - 1,
            None => 0,
            Some(i) => cycle(i, delta, n),
        };
        self.choose_provider(next);
        true
    }

    fn jump_to_provider(&mut self, key: KeyEvent) -> bool {
        let Some(providers) = &self.providers else {
            return false;
        };
        let n = providers.len();
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        let start = self.provider_index().map_or(0, |i| i + 1);
        let found = (0..n).map(|k| (start + k) % n).find(|&i| {
            providers[i]
                .name
                .chars()
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case(&c))
        });
        match found {
            Some(i) => {
                self.choose_provider(i);
                true
            }
            None => false,
        }
    }

    /// Pasted text into the focused text field at its cursor, exactly as pasted (control
    /// characters too, as typed ones are: they are shown escaped and flagged, see
    /// [`control_characters`]). One rebuild of the value, so a paste of the model's
    /// 131,072 characters takes milliseconds, not the seconds a character at a time took.
    pub fn paste(&mut self, text: &str) -> bool {
        if self.focus == FormField::SrcAttribute && self.attribute_is_free() {
            self.src_attribute.push_str(text);
            self.touch(self.focus);
            self.note = None;
            return true;
        }
        let focus = self.focus;
        let Some(input) = self.input_mut(focus) else {
            return false;
        };
        let value = input.value();
        let cursor = input.cursor();
        let at = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        let mut pasted = String::with_capacity(value.len() + text.len());
        pasted.push_str(&value[..at]);
        pasted.push_str(text);
        pasted.push_str(&value[at..]);
        *input = Input::new(pasted).with_cursor(cursor + text.chars().count());
        self.touch(focus);
        self.note = None;
        true
    }

    /// The text of a field as it will be sent (the attribute name included).
    pub fn text_of(&self, field: FormField) -> Option<&str> {
        match field {
            FormField::SrcAttribute => Some(self.attribute()),
            FormField::SrcProvider => None,
            field => self.input(field).map(Input::value),
        }
    }
}

/// `2 control characters (\n, \x07), shown escaped: sent as is`, or `None` when the
/// text has none (nor any other character [`is_unsafe`] escapes).
pub fn control_characters(text: &str) -> Option<String> {
    let mut n = 0;
    let mut kinds: Vec<String> = Vec::new();
    let mut more = false;
    for c in text.chars().filter(|c| is_unsafe(*c)) {
        n += 1;
        let shown = crate::domain::sanitize::sanitize(c.encode_utf8(&mut [0; 4])).into_owned();
        if !kinds.contains(&shown) {
            if kinds.len() < 3 {
                kinds.push(shown);
            } else {
                more = true;
            }
        }
    }
    (n > 0).then(|| {
        format!(
            "{n} control character{} ({}{}), shown escaped: sent as is",
            if n == 1 { "" } else { "s" },
            kinds.join(", "),
            if more { ", …" } else { "" }
        )
    })
}

fn cycle(i: usize, delta: isize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    (i as isize + delta).rem_euclid(n as isize) as usize
}
