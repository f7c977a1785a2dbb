//! Transition tests of the link form's issue 15 behaviour: "is required" waits until a
//! field is left or Enter, a 5/5 user gets no form, a SAML/OIDC attribute name is chosen
//! among listed suggestions or typed.

use ratatui::crossterm::event::KeyCode;

use super::FormField;
use crate::domain::Rule;
use crate::tui::layers::Layer;
use crate::tui::linking_tests::{form, form_on, loaded};
use crate::tui::model::Status;
use crate::tui::update::update;
use crate::tui::update_tests::{ch, key, typed};

fn shown(m: &crate::tui::model::Model, field: FormField) -> Vec<Rule> {
    form(m)
        .shown_errors_for(Some(field))
        .map(|v| v.rule.clone())
        .collect()
}

#[test]
fn is_required_waits_until_the_field_is_left_or_enter() {
    let mut m = form_on(0, (80, 24));
    let f = form(&m);
    assert!(f.errors_for(Some(FormField::SrcProvider)).next().is_some());
    assert!(!f.shows_errors(), "a new form opens without red");
    // Leaving the provider field shows its "is required"; the value's still waits.
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(shown(&m, FormField::SrcProvider), vec![Rule::Required]);
    assert!(shown(&m, FormField::SrcValue).is_empty());
    // Enter shows every field's.
    update(&mut m, key(KeyCode::Enter));
    assert!(form(&m).submitted);
    assert!(!shown(&m, FormField::SrcValue).is_empty());
}

#[test]
fn a_field_emptied_by_editing_says_so_at_once() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, key(KeyCode::BackTab));
    for _ in 0.."alice".len() {
        update(&mut m, key(KeyCode::Backspace));
    }
    assert!(!shown(&m, FormField::DestValue).is_empty());
}

#[test]
fn link_on_a_user_at_five_of_five_says_unlink_one_first_instead_of_a_form() {
    let mut m = loaded((80, 24));
    update(&mut m, ch('j'));
    update(&mut m, ch('j'));
    assert_eq!(m.users.selected_user().unwrap().username, "carol");
    let effects = update(&mut m, ch('l'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(m.layers.dialog().is_none(), "no form");
    let Status::Error { text } = &m.status else {
        panic!("{:?}", m.status);
    };
    assert!(text.contains("5/5"), "{text}");
    assert!(text.contains("unlink one first"), "{text}");
    assert!(text.contains("(u opens the detail"), "{text}");
}

#[test]
fn a_saml_attribute_name_is_chosen_among_suggestions_or_typed() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, ch('c'));
    update(&mut m, key(KeyCode::Tab));
    let f = form(&m);
    assert!(f.attribute_is_free());
    assert_eq!(f.attribute_choice(), Some(0));
    let n = f.attribute_choices().len();
    assert!(n > 1, "{:?}", f.attribute_choices());
    update(&mut m, key(KeyCode::Right));
    assert_eq!(form(&m).attribute_choice(), Some(1));
    // Typing replaces nothing silently: characters go at the end, Backspace removes.
    for _ in 0..form(&m).src_attribute.len() {
        update(&mut m, key(KeyCode::Backspace));
    }
    typed(&mut m, "http://schemas.example.com/claims/upn");
    let f = form(&m);
    assert_eq!(f.attribute(), "http://schemas.example.com/claims/upn");
    assert_eq!(f.attribute_choice(), None);
    assert_eq!(f.request().source().attribute_name(), f.attribute());
    assert!(matches!(m.layers.dialog(), Some(Layer::LinkForm(_))));
    // A social provider's attribute cannot be typed.
    let mut m = form_on(0, (80, 24));
    update(&mut m, ch('g'));
    update(&mut m, key(KeyCode::Tab));
    typed(&mut m, "x");
    assert_eq!(form(&m).attribute(), "Cognito_Subject");
}
