//! Keys of the link form, the review dialog and the activity list (they take every key
//! while open; Ctrl-C still quits).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{confirm, revalidate, submit_form, undo_last};
use crate::tui::effect::Effect;
use crate::tui::form::FormPhase;
use crate::tui::model::{Modal, Model};

/// Lines a page key scrolls in dialogs.
const PAGE: u16 = 10;

pub fn on_modal_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    match &model.modal {
        Some(Modal::LinkForm(_)) => form_key(model, key),
        Some(Modal::Review(_)) => review_key(model, key),
        Some(Modal::Activity { .. }) => activity_key(model, key),
        None => Vec::new(),
    }
}

/// Pasted text goes into the focused text field of the form.
pub fn on_modal_paste(model: &mut Model, text: &str) {
    if let Some(Modal::LinkForm(form)) = &mut model.modal
        && form.phase == FormPhase::Editing
        && form.paste(text)
    {
        revalidate(model);
    }
}

fn form_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some(Modal::LinkForm(form)) = &mut model.modal else {
        return Vec::new();
    };
    if let FormPhase::Checking { .. } = form.phase {
        if key.code == KeyCode::Esc {
            form.phase = FormPhase::Editing;
            model.flash("Check abandoned: nothing was sent");
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => {
            model.modal = None;
            model.flash("Link cancelled: nothing was sent");
        }
        KeyCode::Tab | KeyCode::Down => form.move_focus(1),
        KeyCode::BackTab | KeyCode::Up => form.move_focus(-1),
        KeyCode::Enter => return submit_form(model),
        _ => {
            if form.edit(key) {
                revalidate(model);
            }
        }
    }
    Vec::new()
}

fn review_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let sending = model.in_flight.is_some();
    let Some(Modal::Review(review)) = &mut model.modal else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => review.scroll = review.scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => review.scroll = review.scroll.saturating_sub(1),
        KeyCode::PageDown => review.scroll = review.scroll.saturating_add(PAGE),
        KeyCode::PageUp => review.scroll = review.scroll.saturating_sub(PAGE),
        KeyCode::Esc if sending => {
            model.modal = None;
            model.flash(
                "The change continues: its result will show here and in the activity list (a)",
            );
        }
        _ if sending => {}
        KeyCode::Esc | KeyCode::Char('n') => cancel(model),
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
            review.confirm_focused = !review.confirm_focused;
        }
        KeyCode::Enter if review.confirm_focused => return confirm(model),
        KeyCode::Enter => cancel(model),
        KeyCode::Char('y') => return confirm(model),
        KeyCode::Char('c') => review.next_attribute(&model.setup.connect),
        _ => {}
    }
    Vec::new()
}

/// Leaves the review with nothing sent: back to the form it came from, if any.
fn cancel(model: &mut Model) {
    let Some(Modal::Review(review)) = model.modal.take() else {
        return;
    };
    if let Some(mut form) = review.form {
        form.phase = FormPhase::Editing;
        model.modal = Some(Modal::LinkForm(Box::new(form)));
        revalidate(model);
    }
    model.flash(format!(
        "{} cancelled: nothing was sent",
        review.planned.operation()
    ));
}

fn activity_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some(Modal::Activity { scroll }) = &mut model.modal else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('a') => model.modal = None,
        KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::Char('u') => return undo_last(model),
        _ => {}
    }
    Vec::new()
}
