//! The duplicates view and a merge from it. Pure like the rest of `update`: the worker reads
//! the users, writes the snapshot and runs the steps.
//!
//! Flow: `D` → the duplicates of the loaded users (recomputed as pages arrive) → Enter on a
//! mergeable (or unverified) group → the worker reads K and F fresh (or finds the snapshot of
//! a merge that stopped) → the merge review (gains, losses, warnings, requests; options
//! ticked re-plan) → F's username typed and confirmed → one `Request::ApplyMerge` → progress
//! per step → one `Msg::MergeDone` (`settle.rs`).

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::duplicates::{DuplicatesView, can_merge};
use super::effect::{Effect, Request};
use super::keymap::{Action, Context};
use super::layers::{Layer, LayerKind};
use super::linking::{READ_ONLY, change_refused};
use super::merge_review::{MergeReview, MergeRun};
use super::model::Model;
use super::msg::MergeFacts;
use super::msg::RequestId;
use crate::domain::GroupClass;
use crate::domain::sanitize::sanitize;

mod settle;

pub use settle::{on_done, on_progress};

/// `D`: the duplicates of the users loaded so far.
pub fn open_duplicates(model: &mut Model) {
    if model.pool.is_none() {
        return;
    }
    let view = DuplicatesView::of(model.users.all());
    model.layers.open(Layer::Duplicates(Box::new(view)));
}

/// New users arrived (or left): the open duplicates view follows.
pub fn refresh_duplicates(model: &mut Model) {
    if let Some(view) = model.layers.duplicates_mut() {
        view.recompute(model.users.all());
    }
}

/// Enter on a group: K is its user to keep, F its first user to merge; both are read fresh.
pub fn open_merge(model: &mut Model) -> Vec<Effect> {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return Vec::new();
    }
    let Some(pool) = model.pool.as_ref().map(|p| p.id.clone()) else {
        return Vec::new();
    };
    let Some(group) = model
        .layers
        .duplicates()
        .and_then(|d| d.selected())
        .cloned()
    else {
        model.flash("No group of duplicates among the users loaded so far");
        return Vec::new();
    };
    if !can_merge(&group) {
        model.flash(format!(
            "This {} group is not merged from here: {}",
            group.class.name(),
            sanitize(&group.reason)
        ));
        return Vec::new();
    }
    if model.change_running() {
        model.flash("A change is still running");
        return Vec::new();
    }
    let keep = group.keep.clone().expect("checked by can_merge");
    let review = MergeReview::new(
        &pool,
        &keep,
        group.merge.clone(),
        &group.merge[0],
        group.class == GroupClass::Unverified,
    );
    model.clear_status_for_dialog();
    model.layers.open(Layer::MergeReview(Box::new(review)));
    read_facts(model)
}

/// Asks the worker for the facts of the open review's pair.
fn read_facts(model: &mut Model) -> Vec<Effect> {
    let request_id = model.new_request_id();
    let Some(review) = model.layers.merge_review_mut() else {
        return Vec::new();
    };
    review.reading = Some(request_id);
    review.facts = None;
    review.plan = None;
    review.read_error = None;
    review.commands.clear();
    vec![Effect::Worker(Request::MergeFacts {
        request_id,
        pool_id: review.pool_id.clone(),
        keep: review.keep.clone(),
        merge: review.merge.clone(),
    })]
}

/// The next user of the group to merge (read fresh, options back to their defaults).
pub fn next_merge(model: &mut Model) -> Vec<Effect> {
    let Some(review) = model.layers.merge_review() else {
        return Vec::new();
    };
    if review.candidates.len() < 2 {
        model.flash("This group has one user to merge");
        return Vec::new();
    }
    let at = review.candidates.iter().position(|c| *c == review.merge);
    let next = review.candidates[at.map_or(0, |i| (i + 1) % review.candidates.len())].clone();
    let fresh = MergeReview::new(
        &review.pool_id,
        &review.keep,
        review.candidates.clone(),
        &next,
        review.unverified,
    );
    model
        .layers
        .replace(LayerKind::Merge, Layer::MergeReview(Box::new(fresh)));
    read_facts(model)
}

/// The worker read the pair (or found its snapshot).
pub fn on_facts(model: &mut Model, request_id: RequestId, result: Result<Box<MergeFacts>, String>) {
    let connect = model.setup.connect.clone();
    let Some(review) = model.layers.merge_review_mut() else {
        return;
    };
    if review.reading != Some(request_id) {
        tracing::debug!(request_id, "stale merge facts ignored");
        return;
    }
    review.reading = None;
    match result {
        Ok(facts) => {
            let fresh = facts
                .resume
                .is_none()
                .then(|| [facts.inputs.keep.clone(), facts.inputs.merged.clone()]);
            review.set_facts(*facts, &connect);
            // The users as just read replace their rows, as any fresh read does.
            for user in fresh.into_iter().flatten() {
                model.users.replace(user);
            }
            refresh_duplicates(model);
        }
        Err(text) => review.read_error = Some(sanitize(&text).into_owned()),
    }
}

pub fn move_focus(model: &mut Model, delta: isize) {
    if let Some(review) = model.layers.merge_review_mut() {
        review.move_focus(delta);
    }
}

pub fn toggle(model: &mut Model) {
    let connect = model.setup.connect.clone();
    if let Some(review) = model.layers.merge_review_mut()
        && !review.toggle(&connect)
        && review.resuming().is_some()
    {
        model.flash("Resuming a merge: its options are those of its snapshot");
    }
}

/// A key typed into the confirmation field.
pub fn type_name(model: &mut Model, key: KeyEvent) {
    if let Some(review) = model.layers.merge_review_mut() {
        review.typed.handle_event(&Event::Key(key));
    }
}

pub fn paste_name(model: &mut Model, text: &str) {
    if let Some(review) = model.layers.merge_review_mut() {
        let clean: String = text
            .chars()
            .filter(|c| !crate::domain::sanitize::is_unsafe(*c))
            .collect();
        let typed = format!("{}{clean}", review.typed.value());
        review.typed = tui_input::Input::new(typed);
    }
}

/// Enter in the merge review: with the plan accepted and F's username typed exactly, the
/// merge is handed to the worker, once.
pub fn confirm(model: &mut Model) -> Vec<Effect> {
    if change_refused(model) {
        return Vec::new();
    }
    let request_id = model.new_request_id();
    let Some(review) = model.layers.merge_review() else {
        return Vec::new();
    };
    if review.reading.is_some() || review.facts.is_none() {
        model.flash("Still reading both users: nothing was sent");
        return Vec::new();
    }
    let Some(plan) = review.accepted().cloned() else {
        model.flash("This merge is refused (the review says why): nothing was sent");
        return Vec::new();
    };
    if review.typed.value() != review.merge {
        model.flash(format!(
            "Type {} exactly to confirm: the name typed does not match, nothing was sent",
            sanitize(&review.merge)
        ));
        return Vec::new();
    }
    let (Some(snapshot), Some(facts)) = (review.snapshot(), review.facts.as_ref()) else {
        return Vec::new();
    };
    let run = MergeRun {
        request_id,
        keep: review.keep.clone(),
        merge: review.merge.clone(),
        plan: plan.clone(),
        snapshot_path: facts.snapshot_path.clone(),
    };
    let done = review.resuming().unwrap_or(0).min(plan.steps.len());
    let request = Request::ApplyMerge {
        request_id: run.request_id,
        snapshot: Box::new(snapshot),
        plan: Box::new(plan),
    };
    if let Some(review) = model.layers.merge_review_mut() {
        review.progress = Some((done, run.plan.steps.len()));
    }
    model.merging = Some(run);
    vec![Effect::Worker(request)]
}

/// Esc before confirming: nothing is sent.
pub fn cancel(model: &mut Model) {
    model.layers.close(LayerKind::Merge);
    model.flash("Merge cancelled: nothing was sent");
}

/// Esc while the merge runs: the review closes, the merge goes on.
pub fn hide(model: &mut Model) {
    model.layers.close(LayerKind::Merge);
    let activity = model.key(Context::Users, Action::Activity);
    model.flash(format!(
        "The merge continues: its result will show here and in the activity list ({activity})"
    ));
}
