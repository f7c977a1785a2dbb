//! A production profile's guard in the review (`config.toml`, `production = true`): the
//! pool id or the user's name is typed into the review before the confirm button, `y` or
//! Enter send anything; until then the change is refused, saying what to type.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::domain::sanitize::sanitize;
use crate::tui::model::Model;

/// A key typed into the review's confirmation field.
pub fn type_in_review(model: &mut Model, key: KeyEvent) {
    if let Some(guard) = model.layers.review_mut().and_then(|r| r.guard.as_mut()) {
        guard.typed.handle_event(&Event::Key(key));
        // A refusal of what was typed before is about the old text.
        model.clear_status_for_dialog();
    }
}

/// Pasted text goes into the review's confirmation field, when it has the focus.
pub fn paste_in_review(model: &mut Model, text: &str) {
    if let Some(guard) = model
        .layers
        .review_mut()
        .and_then(|r| r.guard.as_mut())
        .filter(|g| g.focused)
    {
        let typed = format!("{}{text}", guard.typed.value());
        guard.typed = tui_input::Input::new(typed);
    }
}

/// Why the review's change may not be sent yet: the guard's name is not typed.
pub fn refusal(model: &Model) -> Option<String> {
    let guard = model.layers.review()?.guard.as_ref()?;
    if guard.matches() {
        return None;
    }
    let names: Vec<String> = guard
        .expected
        .iter()
        .map(|e| sanitize(e).into_owned())
        .collect();
    let what = if guard.typed.value().is_empty() {
        "nothing is typed"
    } else {
        "the text typed does not match"
    };
    Some(format!(
        "Nothing was sent: type {} to confirm ({what})",
        names.join(" or ")
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use ratatui::crossterm::event::KeyCode;

    use crate::settings::{Badge, BadgeColor, ProfileSettings};
    use crate::tui::effect::{Effect, Request};
    use crate::tui::linking_tests::{review, reviewed};
    use crate::tui::model::{Model, Status};
    use crate::tui::msg::Msg;
    use crate::tui::review::TypedConfirm;
    use crate::tui::update::update;
    use crate::tui::update_tests::{POOL, ch, key, typed};

    /// The review of linking Google 777 to alice under a production profile.
    pub fn guarded_review(size: (u16, u16)) -> Model {
        let mut m = reviewed("777", size);
        m.setup.profile = ProfileSettings {
            read_only: false,
            typed_confirmation: true,
            badge: Some(Badge {
                text: "PROD".into(),
                color: BadgeColor::Red,
            }),
            cache: false,
        };
        let r = m.layers.review_mut().unwrap();
        r.guard = Some(TypedConfirm::for_change(&r.planned));
        m
    }

    fn sent(effects: &[Effect]) -> bool {
        effects
            .iter()
            .any(|e| matches!(e, Effect::Worker(Request::Apply { .. })))
    }

    #[test]
    fn a_production_review_sends_only_once_the_pool_id_or_user_is_typed() {
        let mut m = guarded_review((80, 24));
        // Focus starts in the field: `y` is typed, not a confirmation.
        assert!(!sent(&update(&mut m, ch('y'))));
        assert_eq!(review(&m).guard.as_ref().unwrap().typed.value(), "y");
        update(&mut m, key(KeyCode::Backspace));
        // Enter with nothing typed: refused, saying what to type.
        assert!(!sent(&update(&mut m, key(KeyCode::Enter))));
        let Status::Error { text } = &m.status else {
            panic!("{:?}", m.status);
        };
        assert_eq!(
            text,
            &format!("Nothing was sent: type {POOL} or alice to confirm (nothing is typed)")
        );
        typed(&mut m, "alic");
        assert!(!sent(&update(&mut m, key(KeyCode::Enter))));
        assert!(matches!(&m.status, Status::Error { text } if text.contains("does not match")));
        // A review has no key that only dismisses: the error names none.
        assert!(!crate::tui::view::tests::screen(&m).contains("unbound"));
        // The name typed: Tab to Cancel, Tab to the Link button, `y` confirms too.
        typed(&mut m, "e");
        update(&mut m, key(KeyCode::Tab));
        assert!(!review(&m).guard.as_ref().unwrap().focused);
        assert!(sent(&update(&mut m, ch('y'))));
    }

    #[test]
    fn the_pool_id_typed_then_enter_sends_and_tab_cycles_field_cancel_confirm() {
        let mut m = guarded_review((80, 24));
        update(&mut m, Msg::Paste(POOL.into()));
        update(&mut m, key(KeyCode::Tab));
        assert!(!review(&m).confirm_focused);
        update(&mut m, key(KeyCode::Tab));
        assert!(review(&m).confirm_focused);
        update(&mut m, key(KeyCode::Tab));
        assert!(
            review(&m).guard.as_ref().unwrap().focused,
            "back to the field"
        );
        assert!(sent(&update(&mut m, key(KeyCode::Enter))));
    }

    #[test]
    fn without_the_guard_y_confirms_at_once() {
        let mut m = reviewed("777", (80, 24));
        assert!(review(&m).guard.is_none());
        assert!(sent(&update(&mut m, ch('y'))));
    }
}
