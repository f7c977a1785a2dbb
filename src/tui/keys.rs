//! Keys → intents: what a key asks for, given the layer in front and the keymap. Pure: it
//! changes nothing and starts nothing; `update.rs` acts on the [`Intent`].
//!
//! Ctrl-C always quits. With no layer open, the browse screen's keymap section decides
//! (falling back to wider sections). A layer in front takes every key: its own section
//! decides among the actions it offers now, and a layer with text keeps the text's editing
//! keys (characters, Backspace, Delete, ←, →, Home, End) and types the keys nothing binds.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::intent::{Intent, Step};
use super::keymap::{Action, Context, is_text_editing};
use super::layers::PromptKind;
use super::model::Model;

#[cfg(test)]
mod tests;

/// Columns one sideways scroll moves.
pub const SIDEWAYS_STEP: i16 = 8;

pub fn intent(model: &Model, key: KeyEvent) -> Option<Intent> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if is_ctrl_c(&key) {
        return Some(Intent::Quit);
    }
    let keymap = &model.setup.keymap;
    let Some(layer) = model.layers.top() else {
        let context = model.context();
        return keymap
            .action(context, &key)
            .and_then(|a| intent_of(context, a));
    };
    if layer.edits_text() && is_typing(&key) {
        return Some(Intent::Type(key));
    }
    let context = layer.context();
    let sending = model.change_running();
    match keymap.action_among(context, &key, |a| layer.offers(a, sending)) {
        Some(action) => intent_of(context, action),
        None if layer.takes_typing() => Some(Intent::Type(key)),
        None => None,
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c')
}

/// A key that edits text (with no Ctrl or Alt: those are commands).
fn is_typing(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        && is_text_editing(key.code)
}

/// What `action` asks for in `context`; `None` for a pair the keymap refuses.
pub fn intent_of(context: Context, action: Action) -> Option<Intent> {
    use Action as A;
    if context == Context::Merge {
        let intent = match action {
            A::NextField => Intent::MergeFocus(1),
            A::PreviousField => Intent::MergeFocus(-1),
            A::Confirm => Intent::ConfirmMerge,
            A::Cancel => Intent::CancelMerge,
            A::Hide => Intent::HideMerge,
            A::PageDown => Intent::Move(Step::Pages(1)),
            A::PageUp => Intent::Move(Step::Pages(-1)),
            A::Toggle => Intent::ToggleOption,
            A::NextMerge => Intent::NextMerge,
            _ => return None,
        };
        return Some(intent);
    }
    if context == Context::Duplicates && action == A::Open {
        return Some(Intent::OpenMerge);
    }
    let intent = match action {
        A::Up => Intent::Move(Step::Lines(-1)),
        A::Down => Intent::Move(Step::Lines(1)),
        A::PageUp => Intent::Move(Step::Pages(-1)),
        A::PageDown => Intent::Move(Step::Pages(1)),
        A::Top => Intent::Move(Step::First),
        A::Bottom => Intent::Move(Step::Last),
        A::Quit => Intent::Quit,
        A::Help => Intent::ShowHelp,
        A::Refresh => Intent::Refresh,
        A::Open => Intent::Open,
        A::Back => Intent::Back,
        A::FocusNext => Intent::SwitchPane,
        A::FuzzyFilter => Intent::OpenPrompt(PromptKind::Fuzzy),
        A::ServerFilter => Intent::OpenPrompt(PromptKind::Server),
        A::CycleSort => Intent::CycleSort,
        A::SwitchPool => Intent::SwitchPool,
        A::Link => Intent::OpenLinkForm,
        A::Unlink => Intent::Unlink,
        A::Activity => Intent::ShowActivity,
        A::Close => Intent::Close,
        A::Apply => Intent::ApplyPrompt,
        A::Cancel => match context {
            Context::Prompt => Intent::CancelPrompt,
            Context::Form => Intent::CancelForm,
            Context::Review => Intent::CancelReview,
            _ => return None,
        },
        A::NextField => Intent::MoveField(1),
        A::PreviousField => Intent::MoveField(-1),
        A::ChooseNext => Intent::Choose(1),
        A::ChoosePrevious => Intent::Choose(-1),
        A::Submit => Intent::SubmitForm,
        A::Switch => Intent::SwitchButton,
        A::Press => Intent::PressButton,
        A::Confirm => Intent::Confirm,
        A::Hide => Intent::HideReview,
        A::ChooseAttribute => Intent::ChooseAttribute,
        A::Undo => Intent::Undo,
        A::Duplicates => Intent::ShowDuplicates,
        A::CopyCommand => Intent::Copy { request: false },
        A::CopyRequest => Intent::Copy { request: true },
        A::ScrollLeft => Intent::ScrollSideways(-SIDEWAYS_STEP),
        A::ScrollRight => Intent::ScrollSideways(SIDEWAYS_STEP),
        A::Toggle | A::NextMerge => return None,
    };
    Some(intent)
}
