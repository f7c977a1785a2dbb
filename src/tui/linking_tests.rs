//! Transition tests of linking and unlinking: form editing and validation, the fresh check,
//! the review, the change, its read-back, the journal record and undo. No I/O.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::{Effect, Request};
use super::form::{FormField, FormPhase, LinkForm};
use super::layers::Layer;
use super::model::{Model, Status};
use super::msg::{ChangeReply, Msg};
use super::review::{Activity, PendingPhase, Review};
use super::testdata::{federated, linked, native, providers, with_links};
use super::update::update;
use super::update_tests::{POOL, ch, key, page, started, typed};
use crate::aws::ops::LinkFacts;
use crate::aws::{Failure, FailureKind};
use crate::change::{Planned, ReadBack, Sent, settle};
use crate::domain::{ErrorKind, Known, Rule, UserRecord};
use crate::journal::{Outcome, Resolution};

pub const AT: &str = "2026-11-21T10:04:05.000Z";

/// alice (0 links), erin (Google 10000 linked), carol (5 links), a Google federated user.
pub fn users() -> Vec<UserRecord> {
    vec![
        native("alice"),
        with_links("erin", 1),
        with_links("carol", 5),
        federated("117892860558610669905"),
    ]
}

pub fn loaded(size: (u16, u16)) -> Model {
    let (mut m, id) = started(size);
    update(&mut m, page(id, users(), false));
    m
}

/// The model with the link form open on the `n`th user, providers loaded.
pub fn form_on(n: usize, size: (u16, u16)) -> Model {
    let mut m = loaded(size);
    for _ in 0..n {
        update(&mut m, ch('j'));
    }
    let effects = update(&mut m, ch('l'));
    assert_eq!(
        effects,
        vec![Effect::Worker(Request::LoadProviders {
            pool_id: POOL.into()
        })]
    );
    update(
        &mut m,
        Msg::ProvidersLoaded {
            pool_id: POOL.into(),
            result: Ok(providers()),
        },
    );
    m
}

pub fn form(m: &Model) -> &LinkForm {
    match m.layers.dialog() {
        Some(Layer::LinkForm(f)) => f,
        other => panic!("no form open: {other:?}"),
    }
}

pub fn review(m: &Model) -> &Review {
    match m.layers.dialog() {
        Some(Layer::Review(r)) => r,
        other => panic!("no review open: {other:?}"),
    }
}

fn shift_tab() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))
}

/// alice's form with Google and `value` filled in.
/// The form on alice with `dest` typed as the destination instead.
pub fn destination_typed(dest: &str, size: (u16, u16)) -> Model {
    let mut m = form_on(0, size);
    update(&mut m, key(KeyCode::BackTab));
    for _ in 0.."alice".len() {
        update(&mut m, key(KeyCode::Backspace));
    }
    typed(&mut m, dest);
    assert_eq!(form(&m).dest_value.value(), dest);
    m
}

pub fn filled(value: &str, size: (u16, u16)) -> Model {
    let mut m = form_on(0, size);
    update(&mut m, ch('G'));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    typed(&mut m, value);
    m
}

fn rules_of(m: &Model, field: Option<FormField>) -> Vec<Rule> {
    form(m).errors_for(field).map(|v| v.rule.clone()).collect()
}

pub fn facts(destination: UserRecord) -> LinkFacts {
    LinkFacts {
        providers: providers(),
        destination: Some(destination),
        source_as_user: Known::Absent,
        source_linked_to: Known::Unknown,
    }
}

/// Enter on a valid form, and Cognito's facts: the review of linking Google `value` to alice.
pub fn reviewed(value: &str, size: (u16, u16)) -> Model {
    let mut m = filled(value, size);
    let effects = update(&mut m, key(KeyCode::Enter));
    let [Effect::Worker(Request::LinkFacts { request_id, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let request_id = *request_id;
    update(
        &mut m,
        Msg::LinkFactsLoaded {
            request_id,
            result: Ok(facts(native("alice"))),
        },
    );
    m
}

/// Confirms the open review; returns the request id of the one change sent.
pub fn confirmed(m: &mut Model) -> u64 {
    update(m, key(KeyCode::Tab));
    let effects = update(m, key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::Worker(Request::Apply { request_id, .. })] => *request_id,
        other => panic!("expected one change: {other:?}"),
    }
}

/// The worker's settlement of the change in flight, as its engine decides it from `sent`
/// and `read` (the engine's own table is tested in `change::settle`).
pub fn settled_msg(m: &Model, request_id: u64, sent: Sent, read: ReadBack) -> Msg {
    let planned = m
        .in_flight
        .as_ref()
        .expect("a change in flight")
        .planned
        .clone();
    Msg::Settled {
        request_id,
        at: AT.into(),
        reply: ChangeReply::Settled {
            settled: Box::new(settle(&planned, &sent, &read)),
            unrecorded: None,
        },
    }
}

/// Settles the change in flight: `sent` answered, `read` read back.
pub fn settle_with(m: &mut Model, request_id: u64, sent: Sent, read: ReadBack) -> Vec<Effect> {
    let msg = settled_msg(m, request_id, sent, read);
    update(m, msg)
}

fn user_loaded(user: UserRecord) -> Msg {
    Msg::UserLoaded {
        pool_id: POOL.into(),
        username: user.username.clone(),
        result: Ok(Some(user)),
    }
}

pub fn service(kind: ErrorKind, message: &str) -> Failure {
    Failure {
        kind: FailureKind::Service(kind),
        code: Some(kind.type_name().into()),
        message: message.into(),
        hint: None,
    }
}

fn timeout() -> Failure {
    Failure {
        kind: FailureKind::Timeout,
        code: None,
        message: "no answer in time".into(),
        hint: None,
    }
}

fn last_activity(m: &Model) -> &Activity {
    m.activity
        .last()
        .expect("the change is in the activity list")
}

#[test]
fn l_opens_the_form_prefilled_from_the_selected_user() {
    let m = form_on(0, (80, 24));
    let f = form(&m);
    assert_eq!(f.dest_provider.value(), "Cognito");
    assert_eq!(f.dest_value.value(), "alice");
    assert_eq!(f.focus, FormField::SrcProvider);
    assert_eq!(f.providers.as_ref().map(Vec::len), Some(3));

    let m = form_on(3, (80, 24));
    let f = form(&m);
    assert_eq!(f.dest_provider.value(), "Google");
    assert_eq!(f.dest_value.value(), "117892860558610669905");
}

#[test]
fn providers_are_read_once_per_pool() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, key(KeyCode::Esc));
    assert!(m.layers.dialog().is_none());
    assert_eq!(update(&mut m, ch('l')), vec![], "cached");
    assert!(form(&m).providers.is_some());
}

#[test]
fn tab_and_shift_tab_move_between_fields_and_wrap() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(form(&m).focus, FormField::SrcAttribute);
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(form(&m).focus, FormField::DestProvider, "wraps to the top");
    update(&mut m, shift_tab());
    assert_eq!(form(&m).focus, FormField::SrcValue);
    update(&mut m, key(KeyCode::Up));
    assert_eq!(form(&m).focus, FormField::SrcAttribute);
}

#[test]
fn providers_are_picked_and_social_ones_force_cognito_subject() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, ch('c'));
    assert_eq!(form(&m).src_provider.as_deref(), Some("CorpSAML"));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(form(&m).attribute(), "Cognito_Subject");
    update(&mut m, key(KeyCode::Right));
    assert_eq!(
        form(&m).attribute(),
        "email",
        "SAML offers mapped attributes"
    );
    update(&mut m, shift_tab());
    update(&mut m, key(KeyCode::Left));
    assert_eq!(form(&m).src_provider.as_deref(), Some("Facebook"));
    assert_eq!(form(&m).attribute(), "Cognito_Subject");
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Right));
    assert_eq!(form(&m).attribute(), "Cognito_Subject", "the only choice");
    assert_eq!(
        form(&m).request().source().attribute_name(),
        "Cognito_Subject"
    );
}

#[test]
fn every_keystroke_revalidates_with_the_domain_rules() {
    let mut m = form_on(0, (80, 24));
    assert_eq!(
        rules_of(&m, Some(FormField::SrcProvider)),
        vec![Rule::Required]
    );
    assert_eq!(
        rules_of(&m, Some(FormField::SrcValue)),
        vec![Rule::Required]
    );
    update(&mut m, ch('g'));
    assert!(rules_of(&m, Some(FormField::SrcProvider)).is_empty());
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, ch('7'));
    assert!(form(&m).is_valid(), "{:?}", form(&m).violations);
    update(&mut m, key(KeyCode::Backspace));
    assert!(!form(&m).is_valid());
    // The destination is editable and checked too.
    update(&mut m, ch('7'));
    update(&mut m, key(KeyCode::Tab));
    for _ in 0..7 {
        update(&mut m, key(KeyCode::Backspace));
    }
    assert_eq!(
        rules_of(&m, Some(FormField::DestProvider)),
        vec![Rule::Required]
    );
    typed(&mut m, "Nope");
    assert!(matches!(
        rules_of(&m, Some(FormField::DestProvider)).as_slice(),
        [Rule::UnknownProvider { .. }]
    ));
}

#[test]
fn submit_is_impossible_while_a_field_is_invalid() {
    let mut m = form_on(0, (80, 24));
    assert_eq!(update(&mut m, key(KeyCode::Enter)), vec![]);
    assert_eq!(form(&m).phase, FormPhase::Editing);
    assert!(matches!(&m.status, Status::Info { text, .. } if text.contains("nothing was sent")));
}

#[test]
fn conflicts_show_from_the_loaded_users() {
    // erin holds Google 10000.
    let m = filled("10000", (80, 24));
    assert_eq!(
        rules_of(&m, Some(FormField::SrcValue)),
        vec![Rule::AlreadyLinked {
            to_username: "erin".into()
        }]
    );
    // The Google identity already signed in as its own user.
    let m = filled("117892860558610669905", (80, 24));
    assert_eq!(
        rules_of(&m, Some(FormField::SrcValue)),
        vec![Rule::SourceIsExistingUser {
            username: "Google_117892860558610669905".into()
        }]
    );
    // carol is at 5/5 (typed as the destination: `l` on carol does not open the form).
    let mut m = destination_typed("carol", (80, 24));
    update(&mut m, key(KeyCode::Down));
    update(&mut m, ch('g'));
    assert_eq!(
        rules_of(&m, Some(FormField::DestValue)),
        vec![Rule::LinkLimitReached { count: 5 }]
    );
}

#[test]
fn a_valid_form_is_checked_with_cognito_then_reviewed() {
    let mut m = filled("777", (80, 24));
    let effects = update(&mut m, key(KeyCode::Enter));
    let [Effect::Worker(Request::LinkFacts { req, linked_to, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(req.source().value(), "777");
    assert_eq!(*linked_to, Known::Unknown);
    assert!(m.is_busy(), "the spinner runs while checking");
    let m = reviewed("777", (80, 24));
    let r = review(&m);
    let Planned::Link { user, counts, .. } = &r.planned else {
        panic!()
    };
    assert_eq!(
        (user.as_str(), counts.before, counts.after),
        ("alice", 0, 1)
    );
    assert!(
        r.request_json
            .contains("\"ProviderAttributeValue\": \"777\"")
    );
    assert!(r.aws_command.starts_with(
        "aws cognito-idp admin-link-provider-for-user --user-pool-id us-east-1_Demo00001"
    ));
    assert!(!r.confirm_focused, "the focus starts on Cancel");
}

#[test]
fn fresh_facts_that_refuse_keep_the_form_with_the_reason() {
    let mut m = filled("777", (80, 24));
    let effects = update(&mut m, key(KeyCode::Enter));
    let [Effect::Worker(Request::LinkFacts { request_id, .. })] = effects.as_slice() else {
        panic!()
    };
    let mut f = facts(native("alice"));
    f.source_as_user = Known::Present("Google_777".into());
    update(
        &mut m,
        Msg::LinkFactsLoaded {
            request_id: *request_id,
            result: Ok(f),
        },
    );
    let expected = vec![Rule::SourceIsExistingUser {
        username: "Google_777".into(),
    }];
    assert_eq!(rules_of(&m, Some(FormField::SrcValue)), expected);
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(
        rules_of(&m, Some(FormField::SrcValue)),
        expected,
        "kept while the request is the same"
    );
}

#[test]
fn stale_facts_are_ignored() {
    let mut m = filled("777", (80, 24));
    update(&mut m, key(KeyCode::Enter));
    update(&mut m, key(KeyCode::Esc));
    assert_eq!(form(&m).phase, FormPhase::Editing);
    update(
        &mut m,
        Msg::LinkFactsLoaded {
            request_id: 999,
            result: Ok(facts(native("alice"))),
        },
    );
    assert!(matches!(m.layers.dialog(), Some(Layer::LinkForm(_))));
}

#[test]
fn cancelling_the_review_sends_nothing() {
    let mut m = reviewed("777", (80, 24));
    assert_eq!(update(&mut m, key(KeyCode::Esc)), vec![]);
    assert_eq!(form(&m).src_value.value(), "777", "back to the form");
    assert_eq!(update(&mut m, key(KeyCode::Esc)), vec![]);
    assert!(m.layers.dialog().is_none());
    // Enter alone presses Cancel, where the focus starts.
    let mut m = reviewed("777", (80, 24));
    assert_eq!(update(&mut m, key(KeyCode::Enter)), vec![]);
    assert!(m.in_flight.is_none());
}

#[test]
fn confirming_sends_exactly_one_link() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    assert!(matches!(
        m.in_flight.as_ref().map(|p| &p.phase),
        Some(PendingPhase::Sending)
    ));
    assert_eq!(update(&mut m, ch('y')), vec![], "never twice");
    assert_eq!(update(&mut m, key(KeyCode::Enter)), vec![]);
    assert!(id > 0);
    let mut m = reviewed("777", (80, 24));
    assert_eq!(update(&mut m, ch('y')).len(), 1, "y confirms too");
}

#[test]
fn success_reads_the_user_back_then_journals() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let fresh = linked("alice", &[("Google", "Google", "777")]);
    // One reply: the worker's engine sent it, read alice back and journaled it.
    let effects = settle_with(&mut m, id, Sent::Ok, ReadBack::Found(fresh));
    assert_eq!(effects, vec![], "no further round trip");
    let change = last_activity(&m);
    assert_eq!(change.outcome, Outcome::Ok);
    assert_eq!(change.planned.operation(), "AdminLinkProviderForUser");
    assert_eq!(change.planned.user(), Some("alice"));
    assert_eq!(change.counts.map(|c| (c.before, c.after)), Some((0, 1)));
    assert!(m.layers.dialog().is_none() && m.in_flight.is_none());
    assert_eq!(
        m.users.find("alice").unwrap().link_count(),
        1,
        "row replaced"
    );
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text.contains("Linked Google Cognito_Subject=777 to alice: 0/5 -> 1/5")),
        "{:?}",
        m.status
    );
    assert_eq!(m.activity.len(), 1);
}

#[test]
fn stale_change_replies_are_ignored() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let stale = settled_msg(&m, id + 100, Sent::Ok, ReadBack::Skipped);
    assert_eq!(update(&mut m, stale), vec![]);
    assert!(matches!(
        m.in_flight.as_ref().map(|p| &p.phase),
        Some(PendingPhase::Sending)
    ));
    // A read of another user (or of this one) does not settle the change.
    assert_eq!(update(&mut m, user_loaded(native("erin"))), vec![]);
    assert_eq!(update(&mut m, user_loaded(native("alice"))), vec![]);
    assert!(m.in_flight.is_some());
}

#[test]
fn a_refusal_returns_to_the_form_with_the_error_at_its_field() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let f = service(ErrorKind::LimitExceeded, "Exceeded the maximum number");
    settle_with(&mut m, id, Sent::Refused(f), ReadBack::Skipped);
    let change = last_activity(&m);
    assert!(
        matches!(&change.outcome, Outcome::Rejected { code, .. } if code == "LimitExceededException")
    );
    let note = form(&m).note.clone().expect("a note");
    assert_eq!(note.field, Some(FormField::DestValue));
    assert!(
        note.text.contains("the destination already has 0/5"),
        "{}",
        note.text
    );
    assert!(
        note.text.contains("LimitExceededException"),
        "{}",
        note.text
    );
    assert!(matches!(m.status, Status::Error { .. }));

    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let f = service(
        ErrorKind::InvalidParameter,
        crate::domain::cognito_error::link_messages::MERGING_NOT_SUPPORTED,
    );
    settle_with(&mut m, id, Sent::Refused(f), ReadBack::Skipped);
    let note = form(&m).note.clone().unwrap();
    assert_eq!(note.field, Some(FormField::SrcValue));
    assert!(
        note.text
            .contains("already signed in as user \"Google_777\"")
    );
}

#[test]
fn an_unwritable_journal_means_nothing_was_sent() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let effects = update(
        &mut m,
        Msg::Settled {
            request_id: id,
            at: AT.into(),
            reply: ChangeReply::NotSent("cannot write the journal".into()),
        },
    );
    assert_eq!(effects, vec![]);
    assert!(matches!(&m.status, Status::Error { text } if text.starts_with("Nothing was sent")));
    assert!(m.in_flight.is_none());
}

#[test]
fn an_ambiguous_failure_is_resolved_by_reading_the_user_never_by_resending() {
    for (fresh, resolution) in [
        (
            Some(linked("alice", &[("Google", "Google", "777")])),
            Resolution::Applied,
        ),
        (Some(native("alice")), Resolution::NotApplied),
        (None, Resolution::Unresolved),
    ] {
        let mut m = reviewed("777", (80, 24));
        let id = confirmed(&mut m);
        let effects = update(
            &mut m,
            Msg::ChangeUnclear {
                request_id: id,
                failure: timeout(),
            },
        );
        assert_eq!(effects, vec![], "the worker reads back; nothing is resent");
        assert!(matches!(
            m.in_flight.as_ref().map(|p| &p.phase),
            Some(PendingPhase::Verifying { .. })
        ));
        let read = match fresh {
            Some(user) => ReadBack::Found(user),
            None => ReadBack::Failed(timeout()),
        };
        settle_with(&mut m, id, Sent::Unclear(timeout()), read);
        let change = last_activity(&m);
        assert_eq!(
            change.outcome,
            Outcome::Unknown {
                message: "no answer in time".into(),
                resolution
            }
        );
        assert!(m.in_flight.is_none());
        if resolution == Resolution::NotApplied {
            assert!(matches!(&m.status, Status::Error { text } if text.contains("NOT applied")));
            assert!(
                matches!(m.layers.dialog(), Some(Layer::Review(_))),
                "confirm again to retry"
            );
        }
    }
}

#[test]
fn unlink_reviews_the_identity_under_the_detail_cursor() {
    let mut m = loaded((80, 24));
    update(&mut m, ch('j')); // erin
    let effects = update(&mut m, ch('u'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Worker(Request::GetUser { .. })]
    ));
    assert!(
        m.detail_open && m.layers.dialog().is_none(),
        "the detail opens first"
    );
    update(&mut m, ch('u'));
    let r = review(&m);
    let Planned::Unlink {
        req, user, counts, ..
    } = &r.planned
    else {
        panic!()
    };
    assert_eq!(user.as_deref(), Some("erin"));
    assert_eq!(
        (
            req.user().name(),
            req.user().attribute_name(),
            req.user().value()
        ),
        ("Google", "Cognito_Subject", "10000")
    );
    assert_eq!(counts.map(|c| (c.before, c.after)), Some((1, 0)));
    assert!(
        r.aws_command
            .starts_with("aws cognito-idp admin-disable-provider-for-user")
    );
    let id = confirmed(&mut m);
    settle_with(&mut m, id, Sent::Ok, ReadBack::Found(native("erin")));
    let change = last_activity(&m);
    assert_eq!(change.planned.operation(), "AdminDisableProviderForUser");
    assert_eq!(change.outcome, Outcome::Ok);
}

#[test]
fn a_users_own_identity_cannot_be_unlinked() {
    let mut m = loaded((80, 24));
    for _ in 0..3 {
        update(&mut m, ch('j'));
    }
    update(&mut m, key(KeyCode::Enter));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, ch('u'));
    assert!(m.layers.dialog().is_none());
    assert!(matches!(&m.status, Status::Error { text } if text.contains("own sign-in identity")));
}

#[test]
fn the_last_change_is_undone_through_the_same_review() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let fresh = linked("alice", &[("Google", "Google", "777")]);
    settle_with(&mut m, id, Sent::Ok, ReadBack::Found(fresh));
    update(&mut m, ch('a'));
    assert!(matches!(m.layers.dialog(), Some(Layer::Activity { .. })));
    assert_eq!(
        update(&mut m, ch('u')),
        vec![],
        "nothing is sent before the review"
    );
    let Planned::Unlink { req, counts, .. } = &review(&m).planned else {
        panic!()
    };
    assert_eq!(req.user().value(), "777");
    assert_eq!(counts.map(|c| (c.before, c.after)), Some((1, 0)));
    let id = confirmed(&mut m);
    settle_with(&mut m, id, Sent::Ok, ReadBack::Found(native("alice")));
    // Undoing the unlink links again, after a fresh check.
    update(&mut m, ch('a'));
    let effects = update(&mut m, ch('u'));
    let [Effect::Worker(Request::LinkFacts { req, .. })] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(req.source().value(), "777");
    assert_eq!(req.destination().value(), "alice");
}

#[test]
fn read_only_refuses_and_says_why() {
    let (mut m, id) = {
        let mut setup = super::update_tests::setup();
        setup.read_only = true;
        let mut m = Model::new(setup, Some(POOL.into()), (80, 24));
        let effects = super::update::init(&mut m);
        let Some(Effect::Worker(Request::LoadUsers { request_id, .. })) = effects.first() else {
            panic!()
        };
        let id = *request_id;
        (m, id)
    };
    update(&mut m, page(id, users(), false));
    assert_eq!(update(&mut m, ch('l')), vec![]);
    assert!(m.layers.dialog().is_none());
    assert!(matches!(&m.status, Status::Info { text, .. } if text.contains("--read-only")));
    update(&mut m, ch('u'));
    assert!(m.layers.dialog().is_none());
}

#[test]
fn paste_goes_into_the_focused_text_field_exactly_as_pasted() {
    let mut m = form_on(0, (80, 24));
    update(&mut m, ch('g'));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    // Kept, as a typed one is (issue 15 item 6): shown escaped and flagged, not removed.
    update(&mut m, Msg::Paste("12\u{1b}[2J34\n".into()));
    assert_eq!(form(&m).src_value.value(), "12\u{1b}[2J34\n");
    assert!(form(&m).is_valid());
}

#[test]
fn a_journal_write_failure_is_shown() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let planned = m.in_flight.as_ref().unwrap().planned.clone();
    update(
        &mut m,
        Msg::Settled {
            request_id: id,
            at: AT.into(),
            reply: ChangeReply::Settled {
                settled: Box::new(settle(&planned, &Sent::Ok, &ReadBack::Skipped)),
                unrecorded: Some("cannot write the journal /x".into()),
            },
        },
    );
    assert!(
        matches!(&m.status, Status::Error { text } if text.contains("NOT recorded in the journal"))
    );
}

fn ctrl_c() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
}

#[test]
fn quitting_during_a_change_waits_until_it_is_journaled() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    assert_eq!(
        update(&mut m, ctrl_c()),
        vec![],
        "not while the change is in flight"
    );
    assert!(m.quit_after_change);
    let effects = update(
        &mut m,
        Msg::ChangeUnclear {
            request_id: id,
            failure: timeout(),
        },
    );
    assert!(
        !effects.contains(&Effect::Quit),
        "still reading the user back"
    );
    let fresh = linked("alice", &[("Google", "Google", "777")]);
    let effects = settle_with(&mut m, id, Sent::Unclear(timeout()), ReadBack::Found(fresh));
    // The worker journaled it before it replied.
    assert_eq!(effects, vec![Effect::Quit]);
    assert!(last_activity(&m).applied());
}

/// The second quit leaves the UI at once; the worker still settles the change and
/// journals its real outcome before the process exits (`tui::worker::run`), and the event
/// loop waits for it with the terminal restored.
#[test]
fn quitting_twice_during_a_change_leaves_it_to_the_worker() {
    let mut m = reviewed("777", (80, 24));
    confirmed(&mut m);
    update(&mut m, ctrl_c());
    let effects = update(&mut m, ctrl_c());
    assert_eq!(
        effects,
        vec![Effect::Quit],
        "nothing journaled as unknown by the UI"
    );
}

#[test]
fn quitting_with_no_change_in_flight_is_immediate() {
    let mut m = loaded((80, 24));
    assert_eq!(update(&mut m, ctrl_c()), vec![Effect::Quit]);
}

/// `--read-only` from every screen and pane: `l` and `u` (and undo in the activity list)
/// refuse with the message and send nothing; and no sequence of keys, from any of these
/// screens, ever hands the worker a Link or Unlink.
mod read_only_everywhere {
    use super::*;
    use crate::tui::testdata::pools;
    use proptest::prelude::*;

    /// The starting screens: the pool picker, the table, the detail (focused), the activity
    /// list holding a change to undo, and a review left open (read-only is per session; this
    /// one checks the confirmation itself refuses).
    fn screens() -> Vec<(&'static str, Model)> {
        let ro = |mut m: Model| {
            m.setup.read_only = true;
            m
        };
        let mut picker = Model::new(super::super::update_tests::setup(), None, (100, 30));
        super::super::update::init(&mut picker);
        update(&mut picker, Msg::PoolsLoaded(Ok(pools())));

        let table = loaded((100, 30));

        let mut detail = loaded((100, 30));
        update(&mut detail, ch('j'));
        update(&mut detail, key(KeyCode::Enter));
        update(&mut detail, user_loaded(with_links("erin", 1)));
        update(&mut detail, key(KeyCode::Tab));

        let mut activity = reviewed("777", (100, 30));
        let id = confirmed(&mut activity);
        let fresh = linked("alice", &[("Google", "Google", "777")]);
        settle_with(&mut activity, id, Sent::Ok, ReadBack::Found(fresh));
        update(&mut activity, ch('a'));
        assert!(matches!(
            activity.layers.dialog(),
            Some(Layer::Activity { .. })
        ));

        let review = reviewed("778", (100, 30));
        vec![
            ("pool picker", ro(picker)),
            ("table", ro(table)),
            ("detail", ro(detail)),
            ("activity", ro(activity)),
            ("review", ro(review)),
        ]
    }

    fn is_change(e: &Effect) -> bool {
        matches!(e, Effect::Worker(Request::Apply { .. }))
    }

    #[test]
    fn l_and_u_refuse_on_every_screen() {
        for c in ['l', 'u'] {
            for (name, mut m) in screens() {
                let effects = update(&mut m, ch(c));
                assert!(
                    effects.iter().all(|e| !is_change(e)),
                    "{name} {c}: {effects:?}"
                );
                let bound = matches!((name, c), ("table" | "detail", _) | ("activity", 'u'));
                if bound {
                    assert!(
                        matches!(&m.status, Status::Info { text, .. } if text.contains("--read-only")),
                        "{name} {c}: {:?}",
                        m.status
                    );
                    assert!(
                        !matches!(m.layers.dialog(), Some(Layer::LinkForm(_))),
                        "{name} {c}: the form opened"
                    );
                }
            }
        }
        // The review's own confirmation refuses too.
        let (_, mut m) = screens().pop().unwrap();
        for k in [key(KeyCode::Tab), key(KeyCode::Enter), ch('y')] {
            let effects = update(&mut m, k);
            assert!(effects.iter().all(|e| !is_change(e)), "{effects:?}");
        }
    }

    /// What may arrive: keys, and the worker's replies a screen may wait for.
    #[derive(Clone, Debug)]
    enum Input {
        Key(KeyCode),
        UserLoaded,
        ProvidersLoaded,
    }

    impl Input {
        fn msg(&self) -> Msg {
            match self {
                Input::Key(k) => key(*k),
                Input::UserLoaded => user_loaded(linked("alice", &[("Google", "Google", "777")])),
                Input::ProvidersLoaded => Msg::ProvidersLoaded {
                    pool_id: POOL.into(),
                    result: Ok(providers()),
                },
            }
        }
    }

    fn keys() -> impl Strategy<Value = Input> {
        prop_oneof![
            4 => proptest::sample::select(&['l', 'u', 'a', 'j', 'k', 'y', 'n', 'g', 'G', '/', 'f', '?', 's', 'x', '1'][..])
                .prop_map(|c| Input::Key(KeyCode::Char(c))),
            2 => proptest::sample::select(&[
                KeyCode::Enter, KeyCode::Tab, KeyCode::BackTab, KeyCode::Esc,
                KeyCode::Down, KeyCode::Up, KeyCode::Left, KeyCode::Right,
            ][..]).prop_map(Input::Key),
            1 => Just(Input::UserLoaded),
            1 => Just(Input::ProvidersLoaded),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_key_sequence_sends_a_change(
            start in 0usize..5,
            msgs in proptest::collection::vec(keys(), 1..40),
        ) {
            let (name, mut m) = screens().swap_remove(start);
            for input in msgs {
                let shown = format!("{input:?}");
                let effects = update(&mut m, input.msg());
                prop_assert!(effects.iter().all(|e| !is_change(e)), "{}: {} -> {:?}", name, shown, effects);
                // A fresh check that comes back must not lead to a change either.
                for e in &effects {
                    if let Effect::Worker(Request::LinkFacts { request_id, .. }) = e {
                        let effects = update(&mut m, Msg::LinkFactsLoaded {
                            request_id: *request_id,
                            result: Ok(facts(native("alice"))),
                        });
                        prop_assert!(effects.iter().all(|e| !is_change(e)), "{:?}", effects);
                    }
                }
            }
        }
    }
}

/// A SAML identity is unlinked by the attribute it was linked by: the journal of earlier runs
/// supplies it; without a record, `Cognito_Subject` is sent and the review says plainly that
/// Cognito may refuse (cognito-fidelity (b)1).
#[test]
fn a_saml_unlink_names_the_attribute_the_journal_linked_it_by_else_warns() {
    let mut m = loaded((100, 30));
    let open_carol_saml_review = |m: &mut Model| {
        update(m, ch('u')); // the detail opens first
        for _ in 0..2 {
            update(m, ch('j')); // CorpSAML, the third identity
        }
        update(m, ch('u'));
    };
    update(&mut m, ch('j'));
    update(&mut m, ch('j')); // carol
    open_carol_saml_review(&mut m);
    let r = review(&m);
    assert_eq!(r.planned.identity().name(), "CorpSAML");
    assert_eq!(r.planned.identity().attribute_name(), "Cognito_Subject");
    let note = r.note.as_deref().expect("a note");
    assert!(
        note.contains("no record of how this CorpSAML identity was linked"),
        "{note}"
    );
    update(&mut m, key(KeyCode::Esc));
    assert!(m.layers.dialog().is_none());

    let value = r#"{"ProviderName":"CorpSAML","ProviderAttributeName":"employeeNumber","ProviderAttributeValue":"10022"}"#;
    let entry = crate::journal::JournalEntry {
        operation: "AdminLinkProviderForUser".into(),
        pool_id: POOL.into(),
        request: serde_json::json!({ "SourceUser": serde_json::from_str::<serde_json::Value>(value).unwrap() }),
        outcome: Outcome::Ok,
        user: Some("carol".into()),
        counts: None,
        ..crate::journal::tests::entry(Outcome::Ok)
    };
    update(
        &mut m,
        Msg::JournalLinks(crate::journal::LinkAttributes::from_entries(&[entry])),
    );
    m.detail_open = false;
    m.focus = super::model::Pane::Table;
    open_carol_saml_review(&mut m);
    let r = review(&m);
    assert_eq!(r.planned.identity().attribute_name(), "employeeNumber");
    assert_eq!(r.note, None);
}

/// `c` in such a review chooses the attribute among the provider's suggestions; the request
/// and the focus follow.
#[test]
fn c_chooses_the_attribute_of_an_unlink_whose_link_is_unknown() {
    let mut m = loaded((100, 30));
    update(&mut m, ch('j'));
    update(&mut m, ch('j')); // carol
    update(&mut m, ch('u'));
    update(&mut m, ch('j'));
    update(&mut m, ch('j')); // CorpSAML
    // The pool's providers are read for the choices, and fill them in when they arrive.
    assert_eq!(
        update(&mut m, ch('u')),
        vec![Effect::Worker(Request::LoadProviders {
            pool_id: POOL.into()
        })]
    );
    assert_eq!(review(&m).attribute_choices, ["Cognito_Subject"]);
    update(
        &mut m,
        Msg::ProvidersLoaded {
            pool_id: POOL.into(),
            result: Ok(providers()),
        },
    );
    let choices = review(&m).attribute_choices.clone();
    assert_eq!(choices[0], "Cognito_Subject");
    assert!(choices.len() >= 2, "{choices:?}");
    update(&mut m, key(KeyCode::Tab));
    assert!(review(&m).confirm_focused);
    update(&mut m, ch('c'));
    let r = review(&m);
    assert_eq!(r.planned.identity().attribute_name(), choices[1]);
    assert!(r.request_json.contains(&choices[1]));
    assert!(
        r.aws_command
            .contains(&format!("ProviderAttributeName={}", choices[1]))
    );
    assert!(
        !r.confirm_focused,
        "back on Cancel after a change of request"
    );
    for _ in 1..choices.len() {
        update(&mut m, ch('c'));
    }
    assert_eq!(
        review(&m).planned.identity().attribute_name(),
        "Cognito_Subject"
    );
}

/// A message about the previous action does not stay on a new dialog (it would read as if it
/// were about the new one).
#[test]
fn opening_a_dialog_clears_the_last_actions_message() {
    let mut m = reviewed("777", (80, 24));
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, key(KeyCode::Esc));
    m.flash("Link cancelled: nothing was sent");
    update(&mut m, ch('l'));
    assert!(m.layers.form().is_some(), "the form opened");
    assert_eq!(m.status, Status::None);
    // The review that follows the form's check starts clean too.
    let mut m = filled("777", (80, 24));
    m.flash("Checking with Cognito…");
    let effects = update(&mut m, key(KeyCode::Enter));
    let [Effect::Worker(Request::LinkFacts { request_id, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let request_id = *request_id;
    m.error("an earlier error");
    update(
        &mut m,
        Msg::LinkFactsLoaded {
            request_id,
            result: Ok(facts(native("alice"))),
        },
    );
    assert!(matches!(
        m.layers.top_kind(),
        Some(crate::tui::layers::LayerKind::Review)
    ));
    assert_eq!(m.status, Status::None);
    // And the activity list, after the review and the form are cancelled (each says so).
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, key(KeyCode::Esc));
    assert!(m.layers.dialog().is_none());
    assert!(matches!(&m.status, Status::Info { text, .. } if text.contains("nothing was sent")));
    update(&mut m, ch('a'));
    assert!(matches!(
        m.layers.top_kind(),
        Some(crate::tui::layers::LayerKind::Activity)
    ));
    assert_eq!(m.status, Status::None);
}

/// Cognito refuses a link as "already linked" because someone linked the identity to
/// another user after the table loaded: the form says so, and which key reloads.
#[test]
fn an_identity_linked_elsewhere_meanwhile_says_so_and_that_r_reloads() {
    let mut m = reviewed("777", (80, 24));
    let id = confirmed(&mut m);
    let f = service(
        ErrorKind::InvalidParameter,
        crate::domain::cognito_error::link_messages::ALREADY_LINKED,
    );
    // Read back, alice does not hold it: someone else does.
    settle_with(
        &mut m,
        id,
        Sent::Refused(f),
        ReadBack::Found(native("alice")),
    );
    let note = form(&m).note.clone().expect("a note");
    assert_eq!(note.field, Some(FormField::SrcValue));
    assert!(
        note.text
            .contains("linked to another user, since the table was loaded: R reloads it"),
        "{}",
        note.text
    );
    assert!(note.text.contains("Cognito said"), "{}", note.text);
    assert!(matches!(
        last_activity(&m).outcome,
        Outcome::Rejected { .. }
    ));
}
