//! Transition tests of the duplicates view and a merge: the view fills in while pages
//! arrive, Enter asks for fresh facts, the facts open the review, options re-plan, the typed
//! name guards the one `ApplyMerge`, progress and the end update the table and the activity
//! list, a stop says how to resume, undo names the snapshot, read-only refuses. No I/O.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::{Effect, Request};
use super::layers::{Layer, LayerKind};
use super::merge_review::MergeReview;
use super::model::{Model, Status};
use super::msg::MergeFacts;
use super::msg::Msg;
use super::testdata::{native, providers};
use super::update::update;
use super::update_tests::{POOL, ch, key, page, started, typed};
use crate::change::merge::MergeInputs;
use crate::change::merge_run::MergeEnd;
use crate::change::sequence::SequenceEnd;
use crate::change::{Planned, ReadBack, Sent, settle};
use crate::domain::UserRecord;

pub const AT: &str = "2026-11-21T10:04:05.000Z";
pub const F: &str = "Google_123";

fn user(name: &str, status: &str, extra: &[(&str, &str)]) -> UserRecord {
    let mut attrs = vec![
        ("sub".to_owned(), format!("sub-{name}")),
        ("email".to_owned(), "ann@example.com".to_owned()),
    ];
    attrs.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    UserRecord::new(
        name.into(),
        status.into(),
        true,
        attrs,
        Some(1.7e9),
        Some(1.7e9),
    )
}

const GOOGLE_123: &str = r#"[{"userId":"123","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1700000000000}]"#;
const LINKED_123: &str = r#"[{"userId":"123","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":1700000000000}]"#;

/// ann, native, with her email verified (`verified`: F's too).
pub fn ann() -> UserRecord {
    user("ann", "CONFIRMED", &[("email_verified", "true")])
}

/// ann's duplicate from a Google sign-in.
pub fn fed(verified: bool) -> UserRecord {
    let v = if verified { "true" } else { "false" };
    user(
        F,
        "EXTERNAL_PROVIDER",
        &[
            ("email_verified", v),
            ("name", "Ann Fed"),
            ("identities", GOOGLE_123),
        ],
    )
}

/// The table with alice and ann loaded, the duplicates view open, then F's page.
pub fn dup_view(size: (u16, u16), verified: bool) -> Model {
    let (mut m, id) = started(size);
    update(&mut m, page(id, vec![native("alice"), ann()], true));
    update(&mut m, ch('D'));
    update(&mut m, page(id, vec![fed(verified)], false));
    m
}

pub fn merge_facts(verified: bool) -> MergeFacts {
    MergeFacts {
        inputs: MergeInputs {
            pool_id: POOL.into(),
            keep: ann(),
            keep_groups: vec![],
            merged: fed(verified),
            merged_groups: vec!["admins".into()],
            providers: providers(),
            immutable_attributes: vec!["sub".into()],
        },
        read_at: AT.into(),
        snapshot_path: PathBuf::from("/state/coglink/merges/pool/Google_123.json"),
        resume: None,
    }
}

/// Enter on the group and the worker's facts: the merge review.
pub fn merge_review(size: (u16, u16), verified: bool) -> Model {
    let mut m = dup_view(size, verified);
    let effects = update(&mut m, key(KeyCode::Enter));
    let [Effect::Worker(Request::MergeFacts { request_id, .. })] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let request_id = *request_id;
    let result = Ok(Box::new(merge_facts(verified)));
    update(&mut m, Msg::MergeFacts { request_id, result });
    m
}

pub fn review(m: &Model) -> &MergeReview {
    m.layers.merge_review().expect("the merge review is open")
}

/// Types F's username into the field (the last option) and confirms: the request id.
pub fn merge_confirmed(m: &mut Model) -> (u64, Vec<Planned>) {
    update(m, key(KeyCode::BackTab));
    typed(m, F);
    let effects = update(m, key(KeyCode::Enter));
    match effects.as_slice() {
        [
            Effect::Worker(Request::ApplyMerge {
                request_id, plan, ..
            }),
        ] => (*request_id, plan.steps.clone()),
        other => panic!("expected one merge: {other:?}"),
    }
}

/// Every step applied, K read back holding F's identity.
fn merged_end(steps: &[Planned]) -> MergeEnd {
    let fresh_k = user(
        "ann",
        "CONFIRMED",
        &[("email_verified", "true"), ("identities", LINKED_123)],
    );
    let settled = steps
        .iter()
        .map(|s| {
            let read = match s {
                Planned::AddToGroup { group, .. } => ReadBack::Groups(vec![group.clone()]),
                Planned::DeleteUser { .. } => ReadBack::Gone,
                _ => ReadBack::Found(fresh_k.clone()),
            };
            settle(s, &Sent::Ok, &read)
        })
        .collect();
    MergeEnd {
        end: SequenceEnd {
            skipped: 0,
            settled,
        },
        complete: true,
        remap: None,
    }
}

#[test]
fn the_view_fills_in_while_pages_arrive() {
    let (mut m, id) = started((100, 30));
    update(&mut m, page(id, vec![native("alice"), ann()], true));
    update(&mut m, ch('D'));
    let view = m.layers.duplicates().expect("open");
    assert!(view.groups.is_empty());
    update(&mut m, page(id, vec![fed(true)], false));
    let view = m.layers.duplicates().unwrap();
    assert_eq!(view.groups.len(), 1);
    assert_eq!(view.mergeable(), 1);
    assert_eq!(view.groups[0].keep.as_deref(), Some("ann"));
    update(&mut m, key(KeyCode::Esc));
    assert!(m.layers.is_empty());
}

#[test]
fn enter_on_a_mergeable_group_asks_for_fresh_facts() {
    let mut m = dup_view((100, 30), true);
    let effects = update(&mut m, key(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Worker(Request::MergeFacts { pool_id, keep, merge, .. })]
            if pool_id == POOL && keep == "ann" && merge == F
    ));
    assert!(review(&m).reading.is_some());
    assert!(m.is_busy());
}

#[test]
fn a_group_that_cannot_be_merged_says_why() {
    let (mut m, id) = started((100, 30));
    let twin = user("ann2", "CONFIRMED", &[]);
    update(&mut m, page(id, vec![ann(), twin], false));
    update(&mut m, ch('D'));
    let effects = update(&mut m, key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text.contains("needs_choice") && text.contains("native users")),
        "{:?}",
        m.status
    );
    assert_eq!(m.layers.top_kind(), Some(LayerKind::Duplicates));
}

#[test]
fn the_facts_open_the_review_and_ticking_re_plans() {
    let mut m = merge_review((100, 30), true);
    let r = review(&m);
    let plan = r.accepted().expect("accepted");
    assert!(
        plan.steps
            .iter()
            .any(|s| matches!(s, Planned::AddToGroup { group, .. } if group == "admins"))
    );
    assert_eq!(r.commands.len(), plan.steps.len());
    assert_eq!(plan.counts.to_string(), "0/5 -> 1/5");
    let steps = plan.steps.len();
    // Space on the first option (copy groups) unticks it: no group step any more.
    update(&mut m, ch(' '));
    assert_eq!(review(&m).accepted().unwrap().steps.len(), steps - 1);
    // The next option is F's first attribute: ticked, it is copied.
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, ch(' '));
    assert!(!review(&m).options.copy_attributes.is_empty());
    assert_eq!(review(&m).accepted().unwrap().steps.len(), steps);
}

#[test]
fn an_unverified_group_needs_the_override_and_is_refused_without_it() {
    let mut m = merge_review((100, 30), false);
    assert!(matches!(&review(&m).plan, Some(Err(_))));
    update(&mut m, key(KeyCode::BackTab));
    typed(&mut m, F);
    assert!(update(&mut m, key(KeyCode::Enter)).is_empty(), "refused");
    // The override is the option above the name.
    update(&mut m, key(KeyCode::BackTab));
    update(&mut m, ch(' '));
    assert!(review(&m).options.allow_unverified);
    assert!(review(&m).accepted().is_some());
}

#[test]
fn a_mismatched_name_refuses_and_the_right_one_sends_exactly_one_merge() {
    let mut m = merge_review((100, 30), true);
    update(&mut m, key(KeyCode::BackTab));
    typed(&mut m, "Google_12");
    assert!(update(&mut m, key(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text.contains("does not match")),
        "{:?}",
        m.status
    );
    typed(&mut m, "3");
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Worker(Request::ApplyMerge { .. })))
            .count(),
        1
    );
    assert!(m.change_running());
    // A second Enter sends nothing more.
    assert!(update(&mut m, key(KeyCode::Enter)).is_empty());
}

#[test]
fn progress_then_the_end_update_the_table_and_the_activity_list() {
    let mut m = merge_review((100, 30), true);
    let (request_id, steps) = merge_confirmed_from_review(&mut m);
    update(
        &mut m,
        Msg::MergeProgress {
            request_id,
            step: 2,
            of: steps.len(),
        },
    );
    assert_eq!(review(&m).progress, Some((2, steps.len())));
    let result = Ok(merged_end(&steps));
    update(
        &mut m,
        Msg::MergeDone {
            request_id,
            at: AT.into(),
            result,
        },
    );
    assert!(!m.change_running());
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text == "Merged Google_123 into ann: 0/5 -> 1/5 linked identities"),
        "{:?}",
        m.status
    );
    assert!(m.users.find(F).is_none(), "F is gone from the table");
    assert_eq!(m.users.find("ann").unwrap().link_count(), 1);
    assert_eq!(m.activity.len(), steps.len());
    assert!(m.activity.iter().all(|a| a.applied()));
    assert_eq!(m.layers.top_kind(), Some(LayerKind::Duplicates));
    assert!(m.layers.duplicates().unwrap().groups.is_empty());
    // Undo from the activity list: the unlink review, saying F cannot be restored.
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, ch('a'));
    update(&mut m, ch('u'));
    let Some(Layer::Review(r)) = m.layers.top() else {
        panic!("{:?}", m.layers.top_kind());
    };
    assert!(matches!(r.planned, Planned::Unlink { .. }));
    let note = r.note.as_deref().unwrap_or_default();
    assert!(note.contains("cannot be restored"), "{note}");
    assert!(note.contains("Google_123.json"), "{note}");
}

fn merge_confirmed_from_review(m: &mut Model) -> (u64, Vec<Planned>) {
    merge_confirmed(m)
}

#[test]
fn a_merge_that_stops_says_where_and_how_to_resume() {
    let mut m = merge_review((100, 30), true);
    let (request_id, steps) = merge_confirmed(&mut m);
    let mut end = merged_end(&steps[..1]);
    end.complete = false;
    update(
        &mut m,
        Msg::MergeDone {
            request_id,
            at: AT.into(),
            result: Ok(end),
        },
    );
    let Status::Error { text } = &m.status else {
        panic!("{:?}", m.status);
    };
    assert!(text.contains("stopped at step 1/"), "{text}");
    assert!(text.contains("Enter on the group again resumes"), "{text}");
    assert!(m.users.find(F).is_some(), "not deleted yet");
    assert_eq!(m.activity.len(), 1);
}

#[test]
fn read_only_opens_the_view_but_refuses_the_merge() {
    let (mut m, id) = started((100, 30));
    m.setup.read_only = true;
    update(&mut m, page(id, vec![ann(), fed(true)], false));
    update(&mut m, ch('D'));
    assert_eq!(m.layers.top_kind(), Some(LayerKind::Duplicates));
    assert!(update(&mut m, key(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text.contains("--read-only")),
        "{:?}",
        m.status
    );
    let ctrl_n = Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert!(update(&mut m, ctrl_n).is_empty());
}
