//! Snapshots of linking and unlinking: the form (empty, each invalid field, valid, checking),
//! the review dialogs, the spinner while sending, success, a refusal, read-only, activity.

use ratatui::crossterm::event::KeyCode;

use super::tests::{column, screen};
use crate::change::{ReadBack, Sent};
use crate::domain::ErrorKind;
use crate::tui::linking_tests::{
    confirmed, destination_typed, filled, form_on, loaded, reviewed, service, settle_with, users,
};
use crate::tui::model::Model;
use crate::tui::msg::Msg;
use crate::tui::testdata::linked;
use crate::tui::update::update;
use crate::tui::update_tests::{POOL, ch, key, page, setup, typed};

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (120, 40);

/// The review of linking Google 777 to alice, confirmed and answered, alice read again.
fn linked_777(size: (u16, u16)) -> Model {
    let mut m = reviewed("777", size);
    let id = confirmed(&mut m);
    let fresh = linked("alice", &[("Google", "Google", "777")]);
    settle_with(&mut m, id, Sent::Ok, ReadBack::Found(fresh));
    m
}

#[test]
fn form_empty() {
    insta::assert_snapshot!(screen(&form_on(0, NARROW)));
}

#[test]
fn form_empty_wide() {
    insta::assert_snapshot!(screen(&form_on(0, WIDE)));
}

#[test]
fn form_invalid_destination() {
    let mut m = form_on(0, NARROW);
    update(&mut m, ch('g'));
    for _ in 0..3 {
        update(&mut m, key(KeyCode::Tab));
    }
    typed(&mut m, "X");
    update(&mut m, key(KeyCode::Tab));
    for _ in 0..5 {
        update(&mut m, key(KeyCode::Backspace));
    }
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn form_source_already_linked() {
    insta::assert_snapshot!(screen(&filled("10000", NARROW)));
}

#[test]
fn form_source_signed_in_as_its_own_user() {
    insta::assert_snapshot!(screen(&filled("117892860558610669905", NARROW)));
}

#[test]
fn form_destination_at_the_limit() {
    let mut m = destination_typed("carol", NARROW);
    update(&mut m, key(KeyCode::Down));
    update(&mut m, ch('f'));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn form_attribute_outside_the_mapping_is_a_warning() {
    let mut m = form_on(0, NARROW);
    update(&mut m, ch('c'));
    if let Some(f) = m.layers.form_mut() {
        // As an undo of an unlink by another attribute would fill it in.
        f.src_attribute = "custom:employee_id".into();
    }
    crate::tui::linking::revalidate(&mut m);
    update(&mut m, key(KeyCode::Tab));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn form_valid() {
    insta::assert_snapshot!(screen(&filled("104790318432776551234", NARROW)));
}

#[test]
fn form_checking_with_cognito() {
    let mut m = filled("777", NARROW);
    update(&mut m, key(KeyCode::Enter));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn review_link_narrow() {
    insta::assert_snapshot!(screen(&reviewed("777", NARROW)));
}

#[test]
fn review_link_scrolled_to_the_command() {
    let mut m = reviewed("777", NARROW);
    update(&mut m, key(KeyCode::PageDown));
    update(&mut m, key(KeyCode::PageDown));
    update(&mut m, key(KeyCode::Tab));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn review_link_wide() {
    insta::assert_snapshot!(screen(&reviewed("777", WIDE)));
}

#[test]
fn review_unlink() {
    let mut m = loaded(WIDE);
    update(&mut m, ch('j'));
    update(&mut m, ch('u'));
    update(&mut m, ch('u'));
    insta::assert_snapshot!(screen(&m));
}

/// A SAML identity coglink has no record of: the review says Cognito may refuse.
#[test]
fn review_unlink_saml_without_a_record() {
    let mut m = loaded(WIDE);
    update(&mut m, ch('j'));
    update(&mut m, ch('j'));
    update(&mut m, ch('u'));
    update(&mut m, ch('j'));
    update(&mut m, ch('j'));
    update(&mut m, ch('u'));
    update(
        &mut m,
        Msg::ProvidersLoaded {
            pool_id: crate::tui::update_tests::POOL.into(),
            result: Ok(crate::tui::testdata::providers()),
        },
    );
    update(&mut m, ch('c'));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn sending_spinner() {
    let mut m = reviewed("777", NARROW);
    confirmed(&mut m);
    update(&mut m, Msg::Tick);
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn success() {
    insta::assert_snapshot!(screen(&linked_777(NARROW)));
}

#[test]
fn refused_by_cognito() {
    let mut m = reviewed("777", NARROW);
    let id = confirmed(&mut m);
    let f = service(
        ErrorKind::InvalidParameter,
        crate::domain::cognito_error::link_messages::MERGING_NOT_SUPPORTED,
    );
    settle_with(&mut m, id, Sent::Refused(f), ReadBack::Skipped);
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn read_only() {
    let mut s = setup();
    s.read_only = true;
    let mut m = Model::new(s, Some(POOL.into()), NARROW);
    let effects = crate::tui::update::init(&mut m);
    let Some(crate::tui::effect::Effect::Worker(crate::tui::effect::Request::LoadUsers {
        request_id,
        ..
    })) = effects.first()
    else {
        panic!()
    };
    update(&mut m, page(*request_id, users(), false));
    update(&mut m, ch('l'));
    insta::assert_snapshot!(screen(&m));
}

#[test]
fn activity_list() {
    let mut m = linked_777(NARROW);
    update(&mut m, ch('a'));
    insta::assert_snapshot!(screen(&m));
}

/// Issue 15 item 8: a username over 14 characters kept the activity's columns in line only
/// up to 14; now each column is as wide as its longest text.
#[test]
fn activity_list_with_a_long_username_keeps_its_columns() {
    for size in [NARROW, WIDE] {
        let mut m = linked_777(size);
        let mut entry = m.activity[0].clone();
        if let crate::change::Planned::Link { user, .. } = &mut entry.planned {
            *user = "a.rather.long.username@example.com".into();
        }
        m.activity.insert(0, entry);
        update(&mut m, ch('a'));
        let text = screen(&m);
        let lines: Vec<&str> = text.lines().collect();
        let header = lines.iter().find(|l| l.contains("Outcome")).unwrap();
        let at = column(header, "Outcome").unwrap();
        let rows: Vec<&&str> = lines.iter().filter(|l| l.contains("Google 777")).collect();
        assert_eq!(rows.len(), 2, "{text}");
        for row in rows {
            assert_eq!(column(row, " ok ").map(|c| c + 1), Some(at), "{text}");
        }
        insta::assert_snapshot!(
            format!("activity_list_long_username_{}x{}", size.0, size.1),
            text
        );
    }
}

/// Issue 15 item 5: `l` on a 5/5 user says at once to unlink one first, with the key.
#[test]
fn link_on_a_five_of_five_user() {
    for size in [NARROW, WIDE] {
        let mut m = loaded(size);
        update(&mut m, ch('j'));
        update(&mut m, ch('j'));
        update(&mut m, ch('l'));
        let text = screen(&m);
        assert!(text.contains("unlink one first"), "{text}");
        insta::assert_snapshot!(format!("link_on_five_of_five_{}x{}", size.0, size.1), text);
    }
}

/// Issue 15 item 5: at 120 columns the form is wider than 80, so a message stays on one
/// line; the SAML attribute's suggestions are listed with the count.
#[test]
fn form_wide_with_saml_suggestions_and_a_message() {
    let mut m = destination_typed("carol", WIDE);
    update(&mut m, key(KeyCode::Down));
    update(&mut m, ch('c'));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Right));
    let text = screen(&m);
    assert!(
        text.contains("✗ the destination already has 5/5 linked identities, the maximum"),
        "{text}"
    );
    assert!(text.contains("2 of 3 suggested"), "{text}");
    insta::assert_snapshot!(text);
}

/// Issue 15 item 9: a production profile's header (badge and name in its colour) and the
/// review's typed confirmation.
#[test]
fn production_guard_header_and_review() {
    use ratatui::style::Color;
    for size in [NARROW, WIDE] {
        let mut m = crate::tui::linking::guard_tests::guarded_review(size);
        typed(&mut m, "ali");
        let text = screen(&m);
        assert!(
            text.lines()
                .next()
                .unwrap()
                .starts_with("\" PROD  coglink │"),
            "{text}"
        );
        assert!(
            text.contains(&format!("PROD  type {POOL} or alice to confirm › ali")),
            "{text}"
        );
        // The badge is red.
        let buffer = super::tests::draw(&m);
        assert_eq!(buffer[(1, 0)].fg, Color::Red);
        insta::assert_snapshot!(format!("production_guard_{}x{}", size.0, size.1), text);
    }
}
