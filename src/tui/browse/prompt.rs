//! The filter prompts: the fuzzy filter (applied on every keystroke) and the Cognito filter
//! (validated on every keystroke, sent when applied). Asked for by intents (`update.rs`).

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::start_users_load;
use crate::domain::filter::parse_filter;
use crate::domain::sanitize::is_unsafe;
use crate::tui::effect::Effect;
use crate::tui::layers::{Layer, LayerKind, Prompt, PromptKind};
use crate::tui::model::{Model, Pane};

/// Opens the prompt with the filter in effect.
pub fn open_prompt(model: &mut Model, kind: PromptKind) {
    let value = match kind {
        PromptKind::Fuzzy => model.users.query().to_owned(),
        PromptKind::Server => model.server_filter.clone().unwrap_or_default(),
    };
    model.layers.open(Layer::Prompt(Prompt {
        kind,
        input: Input::new(value),
        error: None,
    }));
    after_prompt_edit(model);
}

/// Enter: the fuzzy filter stays; the Cognito filter, when valid, reloads the users.
pub fn apply_prompt(model: &mut Model) -> Vec<Effect> {
    let Some(prompt) = model.layers.prompt() else {
        return Vec::new();
    };
    match prompt.kind {
        PromptKind::Fuzzy => {
            model.layers.close(LayerKind::Prompt);
            Vec::new()
        }
        PromptKind::Server => {
            if prompt.error.is_some() {
                return Vec::new();
            }
            let value = prompt.input.value().trim().to_owned();
            model.layers.close(LayerKind::Prompt);
            model.server_filter = (!value.is_empty()).then_some(value);
            model.detail_open = false;
            model.focus = Pane::Table;
            start_users_load(model)
        }
    }
}

/// Esc: closes the prompt; the fuzzy prompt also clears its filter.
pub fn cancel_prompt(model: &mut Model) {
    let Some(Layer::Prompt(prompt)) = model.layers.close(LayerKind::Prompt) else {
        return;
    };
    if prompt.kind == PromptKind::Fuzzy {
        model.users.set_query("");
    }
}

/// A key typed into the prompt.
pub fn type_in_prompt(model: &mut Model, key: KeyEvent) {
    let Some(prompt) = model.layers.prompt_mut() else {
        return;
    };
    prompt.input.handle_event(&Event::Key(key));
    after_prompt_edit(model);
}

/// Pasted text goes into the prompt, without line breaks or control characters.
pub fn paste_in_prompt(model: &mut Model, text: &str) {
    let Some(prompt) = model.layers.prompt_mut() else {
        return;
    };
    for c in text.chars().filter(|c| !is_unsafe(*c)) {
        prompt.input.handle(InputRequest::InsertChar(c));
    }
    after_prompt_edit(model);
}

/// Applies the fuzzy query, or validates the server filter, after every edit.
fn after_prompt_edit(model: &mut Model) {
    let Some(prompt) = model.layers.prompt_mut() else {
        return;
    };
    match prompt.kind {
        PromptKind::Fuzzy => {
            let query = prompt.input.value().to_owned();
            model.users.set_query(&query);
        }
        PromptKind::Server => {
            prompt.error = parse_filter(prompt.input.value())
                .err()
                .map(|e| e.to_string());
        }
    }
}
