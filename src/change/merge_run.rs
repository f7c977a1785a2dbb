//! Making a planned merge, for every front-end (the `merge` command, the TUI's worker): read
//! both users fresh, write the snapshot before the first step, run the steps as one engine
//! sequence, and append `F.sub → K.sub` to the remap file once the last link is made.

use std::path::Path;

use super::merge::{MergeInputs, MergePlan};
use super::merge_snapshot::MergeSnapshot;
use super::run::{Engine, Observer, Policy, RunError};
use super::sequence::{Sequence, SequenceEnd, run_sequence};
use crate::aws::Failure;
use crate::aws::ops::Ops;
use crate::journal::{append_line, now_rfc3339};

/// Why the users could not be read before a merge.
#[derive(Debug)]
pub enum ReadProblem {
    /// `what` ("the user to keep", ...) failed to read.
    Failed {
        what: &'static str,
        failure: Failure,
    },
    /// The user to keep (`keep: true`) or to merge does not exist.
    Missing { keep: bool, username: String },
}

/// Both users, their groups and the pool's providers, read now.
pub async fn read_inputs(
    ops: &Ops,
    pool: &str,
    keep: &str,
    merge: &str,
) -> Result<MergeInputs, ReadProblem> {
    let failed = |what| move |failure| ReadProblem::Failed { what, failure };
    let missing = |keep: bool, username: &str| ReadProblem::Missing {
        keep,
        username: username.to_owned(),
    };
    let kept = ops
        .get_user(pool, keep)
        .await
        .map_err(failed("the user to keep"))?
        .ok_or_else(|| missing(true, keep))?;
    let merged = ops
        .get_user(pool, merge)
        .await
        .map_err(failed("the user to merge"))?
        .ok_or_else(|| missing(false, merge))?;
    Ok(MergeInputs {
        pool_id: pool.to_owned(),
        keep_groups: ops
            .list_groups_for_user(pool, keep)
            .await
            .map_err(failed("the groups of the user to keep"))?,
        merged_groups: ops
            .list_groups_for_user(pool, merge)
            .await
            .map_err(failed("the groups of the user to merge"))?,
        providers: ops
            .list_providers(pool)
            .await
            .map_err(failed("the pool's identity providers"))?,
        immutable_attributes: ops
            .immutable_attributes(pool)
            .await
            .map_err(failed("the pool's schema"))?,
        keep: kept,
        merged,
    })
}

/// Why a merge stopped before its steps ran, or what they did.
#[derive(Debug)]
pub enum MergeError {
    /// The snapshot could not be written: nothing was sent.
    Snapshot(std::io::Error),
    Run(RunError),
}

/// What a run of a merge did.
#[derive(Debug)]
pub struct MergeEnd {
    pub end: SequenceEnd,
    /// Every step applied (by this run or an earlier one).
    pub complete: bool,
    /// The remap line was appended (false: it was there already, or the merge is not
    /// complete), and the subs it names.
    pub remap: Option<(String, String)>,
}

/// Writes the snapshot (unless `resuming`) and makes the steps not yet applied; once all
/// are, appends the remap line (once).
pub async fn execute(
    engine: &Engine,
    snapshot: &MergeSnapshot,
    snapshot_path: &Path,
    resuming: bool,
    plan: &MergePlan,
    remap: &Path,
    observer: &dyn Observer,
) -> Result<MergeEnd, MergeError> {
    if !resuming {
        snapshot
            .write(snapshot_path)
            .map_err(MergeError::Snapshot)?;
    }
    let sequence = Sequence {
        id: snapshot.sequence.clone(),
        steps: plan.steps.clone(),
    };
    let end = run_sequence(engine, &sequence, Policy::MERGE, observer)
        .await
        .map_err(MergeError::Run)?;
    let complete = end.complete(plan.steps.len());
    let remap = if complete {
        let keep_sub = end
            .settled
            .iter()
            .rev()
            .find_map(|s| s.fresh.as_ref().and_then(|u| u.sub().map(str::to_owned)));
        Some(write_remap(remap, snapshot, keep_sub).map_err(MergeError::Snapshot)?)
    } else {
        None
    };
    Ok(MergeEnd {
        end,
        complete,
        remap,
    })
}

/// Appends `F.sub → K.sub` unless the file has it already; returns the two subs.
pub fn write_remap(
    remap: &Path,
    snapshot: &MergeSnapshot,
    keep_sub: Option<String>,
) -> std::io::Result<(String, String)> {
    let (inputs, _) = snapshot.plan_inputs();
    let from_sub = inputs.merged.sub().unwrap_or_default().to_owned();
    let to_sub = keep_sub
        .or_else(|| inputs.keep.sub().map(str::to_owned))
        .unwrap_or_default();
    let existing = std::fs::read_to_string(remap).unwrap_or_default();
    let already = existing.lines().any(|l| {
        serde_json::from_str::<serde_json::Value>(l).is_ok_and(|v| {
            v["pool_id"] == snapshot.pool_id.as_str() && v["from"]["sub"] == from_sub.as_str()
        })
    });
    if !already {
        let line = serde_json::json!({
            "time": now_rfc3339(),
            "pool_id": snapshot.pool_id,
            "from": {"username": inputs.merged.username(), "sub": from_sub},
            "to": {"username": inputs.keep.username(), "sub": to_sub},
        });
        append_line(remap, &line.to_string())?;
    }
    Ok((from_sub, to_sub))
}
