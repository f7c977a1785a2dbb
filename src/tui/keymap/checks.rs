//! What makes a keymap unusable, checked before it is used (a refused keymap leaves the
//! defaults in place and the UI says why): an action its section does not offer, a key that
//! sends a change and also does something else in its layer, and a text editing key bound in
//! a layer that types text.

use super::Binding;
use super::key_spec::KeySpec;

/// The first problem of `bindings`, as a sentence naming the section, the actions and the key.
pub fn check(bindings: &[Binding]) -> Result<(), String> {
    for b in bindings {
        if !b.context.actions().contains(&b.action) {
            let offered: Vec<String> = b.context.actions().iter().map(|a| a.name()).collect();
            return Err(format!(
                "[{}] has no action {:?} (its actions: {})",
                b.context.name(),
                b.action.name(),
                offered.join(", ")
            ));
        }
    }
    for b in bindings.iter().filter(|b| b.action.sends_change()) {
        for other in bindings
            .iter()
            .filter(|o| o.context == b.context && o.action != b.action)
        {
            if let Some(key) = shared_key(&b.keys, &other.keys) {
                return Err(format!(
                    "[{}] the key {key} is bound to both {} (it sends the change) and {}: \
                     a key that sends a change must do nothing else in its layer",
                    b.context.name(),
                    b.action.name(),
                    other.action.name()
                ));
            }
        }
    }
    for b in bindings
        .iter()
        .filter(|b| b.context.has_text() && !b.action.acts_on_choices())
    {
        if let Some(key) = b.keys.iter().find(|k| k.edits_text()) {
            return Err(format!(
                "[{}] the key {key} of {} edits the text typed there (characters, Backspace, \
                 Delete, ←, →, Home and End are fixed in text fields): choose another key",
                b.context.name(),
                b.action.name()
            ));
        }
    }
    Ok(())
}

fn shared_key(a: &[KeySpec], b: &[KeySpec]) -> Option<KeySpec> {
    a.iter().find(|k| b.iter().any(|o| o.same_key(k))).copied()
}
