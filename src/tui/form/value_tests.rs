//! Issue 15 item 6, values: the model's limit inline, typed and pasted text kept alike
//! (control characters shown escaped and flagged, never removed), long values shortened
//! in the review with their length while the request stays whole.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{FormField, control_characters};
use crate::change::Planned;
use crate::domain::{Rule, STRING_TYPE_MAX};
use crate::tui::layers::Layer;
use crate::tui::linking_tests::{form, form_on, reviewed};
use crate::tui::model::Model;
use crate::tui::msg::Msg;
use crate::tui::review::Review;
use crate::tui::update::update;
use crate::tui::update_tests::key;
use crate::tui::view::tests::screen;

/// The form on alice with the destination value emptied and focused.
fn destination_emptied(size: (u16, u16)) -> Model {
    let mut m = form_on(0, size);
    update(&mut m, key(KeyCode::BackTab));
    for _ in 0.."alice".len() {
        update(&mut m, key(KeyCode::Backspace));
    }
    m
}

fn rules(m: &Model, field: FormField) -> Vec<Rule> {
    form(m)
        .errors_for(Some(field))
        .map(|v| v.rule.clone())
        .collect()
}

#[test]
fn a_value_over_the_model_limit_is_refused_inline() {
    let mut m = destination_emptied((80, 24));
    update(&mut m, Msg::Paste("x".repeat(STRING_TYPE_MAX)));
    assert_eq!(form(&m).dest_value.value().len(), STRING_TYPE_MAX);
    assert!(
        !rules(&m, FormField::DestValue)
            .iter()
            .any(|r| matches!(r, Rule::TooLong { .. }))
    );
    update(&mut m, Msg::Paste("y".into()));
    assert_eq!(
        rules(&m, FormField::DestValue),
        vec![Rule::TooLong {
            max: STRING_TYPE_MAX,
            actual: STRING_TYPE_MAX + 1
        }]
    );
    let text = screen(&m);
    assert!(text.contains("must be at most 131072 characters"), "{text}");
    assert!(text.contains("131,073 characters"), "{text}");
    // The frame stays one screen: the value is one scrolled line, not thousands.
    assert_eq!(text.lines().count(), 24);
}

#[test]
fn a_paste_goes_in_at_the_cursor_whole() {
    let mut m = destination_emptied((80, 24));
    update(&mut m, Msg::Paste("acde".into()));
    for _ in 0..3 {
        update(&mut m, key(KeyCode::Left));
    }
    update(&mut m, Msg::Paste("b".into()));
    assert_eq!(form(&m).dest_value.value(), "abcde");
    assert_eq!(form(&m).dest_value.cursor(), 2);
}

#[test]
fn typed_and_pasted_control_characters_are_kept_alike_shown_escaped_and_flagged() {
    let mut typed = destination_emptied((80, 24));
    for c in ['a', '\u{7}', 'b'] {
        update(
            &mut typed,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let mut pasted = destination_emptied((80, 24));
    update(&mut pasted, Msg::Paste("a\u{7}b".into()));
    assert_eq!(form(&typed).dest_value.value(), "a\u{7}b");
    assert_eq!(
        form(&pasted).dest_value.value(),
        form(&typed).dest_value.value(),
        "nothing removed silently"
    );
    let text = screen(&pasted);
    assert_eq!(text, screen(&typed));
    assert!(text.contains("a\\x07b"), "{text}");
    assert!(!text.contains('\u{7}'));
    assert!(
        text.contains("1 control character (\\x07), shown escaped: sent as is"),
        "{text}"
    );
    assert_eq!(
        control_characters("x\ny\nz\u{1b}"),
        Some("3 control characters (\\n, \\e), shown escaped: sent as is".into())
    );
    assert_eq!(control_characters("plain é 日本"), None);
    for size in [(80, 24), (120, 40)] {
        let mut m = destination_emptied(size);
        update(&mut m, Msg::Paste("a\u{7}b\n".into()));
        insta::assert_snapshot!(
            format!("form_control_characters_{}x{}", size.0, size.1),
            screen(&m)
        );
    }
}

#[test]
fn the_review_shortens_long_values_with_their_length_and_keeps_the_request_whole() {
    for size in [(80, 24), (120, 40)] {
        review_of_a_long_value(size);
    }
}

fn review_of_a_long_value(size: (u16, u16)) {
    let mut m = reviewed("777", size);
    let long = "v".repeat(STRING_TYPE_MAX);
    let Some(Layer::Review(r)) = m.layers.dialog() else {
        panic!("no review");
    };
    let Planned::Link {
        mut req,
        user,
        counts,
    } = r.planned.clone()
    else {
        panic!("{:?}", r.planned);
    };
    if let Some(dest) = &mut req.destination_user {
        dest.provider_attribute_value = Some(long.clone());
    }
    let planned = Planned::Link { req, user, counts };
    let review = Review::new(planned, &m.setup.connect, None, false);
    assert!(review.request_json.contains(&long), "sent whole");
    assert!(review.aws_command.contains(&long));
    let (_, json, command) = review.shown();
    assert!(json.len() < 1_000 && command.len() < 1_000);
    assert!(json.contains("[131,072 characters]"), "{json}");
    m.layers.replace_top(Layer::Review(Box::new(review)));
    // Scrolled to the request.
    let scroll = if size.1 < 30 { 9 } else { 0 };
    if let Some(r) = m.layers.review_mut() {
        r.scroll = scroll;
    }
    let text = screen(&m);
    assert!(text.contains("vvvvvvvvvv"), "{text}");
    assert!(text.contains("shortened here"), "{text}");
    // The line is not wrapped: its end, with the length, is to the right.
    assert!(!text.contains("[131,072 characters]"), "{text}");
    for _ in 0..8 {
        update(&mut m, crate::tui::update_tests::ch('l'));
    }
    let text = screen(&m);
    assert!(
        text.contains("…vvvvvvvvvvvvvvvv [131,072 characters]\""),
        "{text}"
    );
    insta::assert_snapshot!(format!("review_long_value_{}x{}", size.0, size.1), text);
}
