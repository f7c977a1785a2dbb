//! A merge's progress and end: the review says which step is sent, the table loses F and
//! gets K as read back, each settled step joins the activity list (the worker's engine has
//! journaled them), and a merge that stopped says where and how to resume.

use crate::change::merge_run::MergeEnd;
use crate::change::{Planned, Verdict};
use crate::domain::sanitize::sanitize;
use crate::tui::layers::LayerKind;
use crate::tui::merge_review::MergeRecord;
use crate::tui::model::Model;
use crate::tui::msg::RequestId;
use crate::tui::review::Activity;

/// Step `step` of `of` is being sent.
pub fn on_progress(model: &mut Model, request_id: RequestId, step: usize, of: usize) {
    if model
        .merging
        .as_ref()
        .is_none_or(|r| r.request_id != request_id)
    {
        return;
    }
    if let Some(review) = model.layers.merge_review_mut() {
        review.progress = Some((step, of));
    }
}

/// The merge ended: applied, stopped at a step, or not started.
pub fn on_done(
    model: &mut Model,
    request_id: RequestId,
    at: String,
    result: Result<MergeEnd, String>,
) {
    if model
        .merging
        .as_ref()
        .is_none_or(|r| r.request_id != request_id)
    {
        tracing::debug!(request_id, "stale merge reply ignored");
        return;
    }
    let run = model.merging.take().expect("checked above");
    let (f, k) = (
        sanitize(&run.merge).into_owned(),
        sanitize(&run.keep).into_owned(),
    );
    let end = match result {
        Ok(end) => end,
        Err(text) => {
            model.error(format!(
                "The merge of {f} into {k} was not made: {}",
                sanitize(&text)
            ));
            if let Some(review) = model.layers.merge_review_mut() {
                review.progress = None;
            }
            return;
        }
    };
    let applied = |s: &&crate::change::Settled| s.verdict() == Verdict::Applied;
    let deleted = end.complete
        || end
            .end
            .settled
            .iter()
            .filter(applied)
            .any(|s| matches!(s.planned, Planned::DeleteUser { .. }));
    for settled in &end.end.settled {
        model.activity.push(Activity {
            at: at.clone(),
            planned: settled.planned.clone(),
            outcome: settled.outcome.clone(),
            counts: settled.counts,
        });
    }
    if deleted {
        model.users.remove(&run.merge);
    }
    let fresh_keep = end.end.settled.iter().rev().find_map(|s| match s.planned {
        Planned::Link { .. } => s.fresh.clone(),
        _ => None,
    });
    if let Some(fresh) = fresh_keep {
        model.users.replace(fresh);
    }
    super::refresh_duplicates(model);
    model.layers.close(LayerKind::Merge);
    if end.complete {
        model.flash(format!(
            "Merged {f} into {k}: {} linked identities",
            run.plan.counts
        ));
        model.merges.push(MergeRecord {
            keep: run.keep.clone(),
            merge: run.merge.clone(),
            snapshot_path: run.snapshot_path.clone(),
            links: run
                .plan
                .steps
                .iter()
                .filter(|s| matches!(s, Planned::Link { .. }))
                .cloned()
                .collect(),
        });
        return;
    }
    let index = end.end.skipped + end.end.settled.len();
    let (what, summary) = match end.end.settled.last() {
        Some(s) => (s.planned.verb(), sanitize(&s.summary()).into_owned()),
        None => ("nothing", "no step was sent".to_owned()),
    };
    model.error(format!(
        "The merge of {f} into {k} stopped at step {index}/{} ({what}): {summary}. Nothing \
         after it was sent; Enter on the group again resumes (snapshot {})",
        run.plan.steps.len(),
        sanitize(&run.snapshot_path.display().to_string())
    ));
}
