//! Keys → intents: what a key asks for, given the layer in front and the keymap. Pure: it
//! changes nothing and starts nothing; `update.rs` acts on the [`Intent`].
//!
//! Ctrl-C always quits. With no layer open, the browse screen's keymap section decides; a
//! layer in front takes every key (text layers first give their text its keys).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{FormPhase, LinkForm};
use super::intent::{Intent, Step};
use super::keymap::Action;
use super::layers::{Layer, PromptKind};
use super::model::Model;

pub fn intent(model: &Model, key: KeyEvent) -> Option<Intent> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Intent::Quit);
    }
    match model.layers.top() {
        None => model
            .setup
            .keymap
            .action(model.context(), &key)
            .map(browse_intent),
        Some(Layer::Help { .. }) => help_intent(key),
        Some(Layer::Prompt(_)) => Some(prompt_intent(key)),
        Some(Layer::LinkForm(form)) => form_intent(form, key),
        Some(Layer::Review(_)) => review_intent(model.in_flight.is_some(), key),
        Some(Layer::Activity { .. }) => activity_intent(key),
    }
}

/// What a browse screen's action asks for.
fn browse_intent(action: Action) -> Intent {
    match action {
        Action::Quit => Intent::Quit,
        Action::Help => Intent::ShowHelp,
        Action::Refresh => Intent::Refresh,
        Action::Up => Intent::Move(Step::Lines(-1)),
        Action::Down => Intent::Move(Step::Lines(1)),
        Action::PageUp => Intent::Move(Step::Pages(-1)),
        Action::PageDown => Intent::Move(Step::Pages(1)),
        Action::Top => Intent::Move(Step::First),
        Action::Bottom => Intent::Move(Step::Last),
        Action::Open => Intent::Open,
        Action::Back => Intent::Back,
        Action::FocusNext => Intent::SwitchPane,
        Action::FuzzyFilter => Intent::OpenPrompt(PromptKind::Fuzzy),
        Action::ServerFilter => Intent::OpenPrompt(PromptKind::Server),
        Action::CycleSort => Intent::CycleSort,
        Action::Link => Intent::OpenLinkForm,
        Action::Unlink => Intent::Unlink,
        Action::Activity => Intent::ShowActivity,
        Action::SwitchPool => Intent::SwitchPool,
    }
}

fn help_intent(key: KeyEvent) -> Option<Intent> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => Some(Intent::Close),
        KeyCode::Down | KeyCode::Char('j') => Some(Intent::Move(Step::Lines(1))),
        KeyCode::Up | KeyCode::Char('k') => Some(Intent::Move(Step::Lines(-1))),
        _ => None,
    }
}

fn prompt_intent(key: KeyEvent) -> Intent {
    match key.code {
        KeyCode::Enter => Intent::ApplyPrompt,
        KeyCode::Esc => Intent::CancelPrompt,
        _ => Intent::Type(key),
    }
}

fn form_intent(form: &LinkForm, key: KeyEvent) -> Option<Intent> {
    if let FormPhase::Checking { .. } = form.phase {
        return (key.code == KeyCode::Esc).then_some(Intent::CancelForm);
    }
    let choice = !form.focus.is_text();
    Some(match key.code {
        KeyCode::Esc => Intent::CancelForm,
        KeyCode::Tab | KeyCode::Down => Intent::MoveField(1),
        KeyCode::BackTab | KeyCode::Up => Intent::MoveField(-1),
        KeyCode::Enter => Intent::SubmitForm,
        KeyCode::Right | KeyCode::Char(' ') if choice => Intent::Choose(1),
        KeyCode::Left if choice => Intent::Choose(-1),
        _ => Intent::Type(key),
    })
}

fn review_intent(sending: bool, key: KeyEvent) -> Option<Intent> {
    Some(match key.code {
        KeyCode::Down | KeyCode::Char('j') => Intent::Move(Step::Lines(1)),
        KeyCode::Up | KeyCode::Char('k') => Intent::Move(Step::Lines(-1)),
        KeyCode::PageDown => Intent::Move(Step::Pages(1)),
        KeyCode::PageUp => Intent::Move(Step::Pages(-1)),
        KeyCode::Esc if sending => Intent::HideReview,
        _ if sending => return None,
        KeyCode::Esc | KeyCode::Char('n') => Intent::CancelReview,
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => Intent::SwitchButton,
        KeyCode::Enter => Intent::PressButton,
        KeyCode::Char('y') => Intent::Confirm,
        KeyCode::Char('c') => Intent::ChooseAttribute,
        _ => return None,
    })
}

fn activity_intent(key: KeyEvent) -> Option<Intent> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('a') => Some(Intent::Close),
        KeyCode::Down | KeyCode::Char('j') => Some(Intent::Move(Step::Lines(1))),
        KeyCode::Up | KeyCode::Char('k') => Some(Intent::Move(Step::Lines(-1))),
        KeyCode::Char('u') => Some(Intent::Undo),
        _ => None,
    }
}
