//! What the intents of the change dialogs do: moving about and editing the link form,
//! cancelling it, and the review's buttons. Nothing here sends a change except through
//! [`super::confirm`].

use ratatui::crossterm::event::KeyEvent;

use super::{confirm, revalidate};
use crate::tui::effect::Effect;
use crate::tui::form::FormPhase;
use crate::tui::keymap::{Action, Context};
use crate::tui::layers::{Layer, LayerKind};
use crate::tui::model::Model;

/// To the next (positive `delta`) or previous field of the form.
pub fn move_field(model: &mut Model, delta: isize) {
    if let Some(form) = model.layers.form_mut() {
        form.move_focus(delta);
    }
}

/// The next or previous provider or attribute name, on those fields.
pub fn choose(model: &mut Model, delta: isize) {
    if model.layers.form_mut().is_some_and(|f| f.choose(delta)) {
        revalidate(model);
    }
}

/// A key typed into the form's focused field.
pub fn type_in_form(model: &mut Model, key: KeyEvent) {
    if model.layers.form_mut().is_some_and(|f| f.edit(key)) {
        revalidate(model);
    }
}

/// Pasted text goes into the focused text field of the form.
pub fn paste_in_form(model: &mut Model, text: &str) {
    if let Some(form) = model.layers.form_mut()
        && form.phase == FormPhase::Editing
        && form.paste(text)
    {
        revalidate(model);
    }
}

/// Esc in the form: abandons the check with Cognito, or closes the form; nothing is sent.
pub fn cancel_form(model: &mut Model) {
    let Some(form) = model.layers.form_mut() else {
        return;
    };
    if let FormPhase::Checking { .. } = form.phase {
        form.phase = FormPhase::Editing;
        model.flash("Check abandoned: nothing was sent");
        return;
    }
    model.layers.close(LayerKind::LinkForm);
    model.flash("Link cancelled: nothing was sent");
}

/// The focus between the review's Cancel and confirm buttons.
pub fn switch_button(model: &mut Model) {
    let Some(review) = model.layers.review_mut() else {
        return;
    };
    match &mut review.guard {
        // Guarded: the typed field, then Cancel, then the confirm button.
        Some(guard) if guard.focused => {
            guard.focused = false;
            review.confirm_focused = false;
        }
        Some(guard) if review.confirm_focused => {
            guard.focused = true;
            review.confirm_focused = false;
        }
        _ => review.confirm_focused = !review.confirm_focused,
    }
}

/// Presses the focused button: confirm sends the change, Cancel sends nothing.
pub fn press_button(model: &mut Model) -> Vec<Effect> {
    match model.layers.review() {
        // Enter in the typed field confirms (refused until the name matches).
        Some(review)
            if review.confirm_focused || review.guard.as_ref().is_some_and(|g| g.focused) =>
        {
            confirm(model)
        }
        Some(_) => {
            cancel_review(model);
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// Leaves the review with nothing sent: back to the form it came from, if any.
pub fn cancel_review(model: &mut Model) {
    let Some(review) = model.layers.review() else {
        return;
    };
    let operation = review.planned.operation();
    match review.form.clone() {
        Some(mut form) => {
            form.phase = FormPhase::Editing;
            model
                .layers
                .replace(LayerKind::Review, Layer::LinkForm(Box::new(form)));
            revalidate(model);
        }
        None => {
            model.layers.close(LayerKind::Review);
        }
    }
    model.flash(format!("{operation} cancelled: nothing was sent"));
}

/// Esc while the change is sent: the review closes, the change goes on.
pub fn hide_review(model: &mut Model) {
    model.layers.close(LayerKind::Review);
    let activity = model.key(Context::Users, Action::Activity);
    model.flash(format!(
        "The change continues: its result will show here and in the activity list ({activity})"
    ));
}

/// The next attribute name an unlink whose link is not on record may need.
pub fn choose_attribute(model: &mut Model) {
    if let Some(review) = model.layers.review_mut() {
        review.next_attribute(&model.setup.connect);
    }
}
