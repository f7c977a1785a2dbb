//! The worker's side of a merge: reading both users fresh (or the snapshot of a merge that
//! stopped, with how far the journal shows it went), then `merge_run::execute` with an
//! observer that reports each step as it is sent.

use std::sync::Mutex;

use tokio::sync::mpsc::UnboundedSender;

use crate::change::merge::MergePlan;
use crate::change::merge_run::{MergeError, ReadProblem, execute, read_inputs};
use crate::change::merge_snapshot::MergeSnapshot;
use crate::change::sequence::first_open_step;
use crate::change::{Engine, Observer, Settled};
use crate::journal::now_rfc3339;
use crate::paths::{merges_dir, remap_file};
use crate::tui::model::failure_text;
use crate::tui::msg::MergeFacts;
use crate::tui::msg::{Msg, RequestId};

/// The facts of merging `merge` into `keep`: the snapshot of the same merge when one is
/// there (like the CLI's re-run), else both users, their groups and the providers, read now.
pub async fn facts(
    engine: &Engine,
    pool: &str,
    keep: &str,
    merge: &str,
) -> Result<MergeFacts, String> {
    let snapshot_path = MergeSnapshot::path(&merges_dir(), pool, merge);
    let saved = MergeSnapshot::read(&snapshot_path)
        .map_err(|e| format!("cannot read the snapshot {}: {e}", snapshot_path.display()))?;
    match saved {
        Some(s) if s.keep.username == keep => {
            let entries = engine
                .journal()
                .read_all()
                .map_err(|e| format!("cannot read the journal: {e}"))?;
            let done = first_open_step(&entries, &s.sequence);
            let (inputs, _) = s.plan_inputs();
            Ok(MergeFacts {
                inputs,
                read_at: s.time.clone(),
                snapshot_path,
                resume: Some((s, done)),
            })
        }
        Some(s) => Err(format!(
            "{merge} is being merged into {} (snapshot {}); finish that merge first",
            s.keep.username,
            snapshot_path.display()
        )),
        None => {
            let inputs =
                read_inputs(engine.ops(), pool, keep, merge)
                    .await
                    .map_err(|p| match p {
                        ReadProblem::Failed { what, failure } => {
                            failure_text(&format!("Reading {what} failed"), &failure)
                        }
                        ReadProblem::Missing { keep, username } => format!(
                            "no user {username} in the pool (the user to {})",
                            if keep { "keep" } else { "merge" }
                        ),
                    })?;
            Ok(MergeFacts {
                inputs,
                read_at: now_rfc3339(),
                snapshot_path,
                resume: None,
            })
        }
    }
}

/// Makes the merge and answers with its end.
pub async fn apply(
    engine: Engine,
    replies: UnboundedSender<Msg>,
    cache: Option<super::Cache>,
    request_id: RequestId,
    snapshot: MergeSnapshot,
    plan: MergePlan,
) {
    let path = MergeSnapshot::path(&merges_dir(), &snapshot.pool_id, &snapshot.merged.username);
    let resuming =
        matches!(MergeSnapshot::read(&path), Ok(Some(s)) if s.sequence == snapshot.sequence);
    let done = engine
        .journal()
        .read_all()
        .map(|entries| first_open_step(&entries, &snapshot.sequence))
        .unwrap_or(0);
    let observer = Steps {
        replies: replies.clone(),
        request_id,
        of: plan.steps.len(),
        state: Mutex::new((done, false)),
    };
    let result = execute(
        &engine,
        &snapshot,
        &path,
        resuming,
        &plan,
        &remap_file(),
        &observer,
    )
    .await
    .map_err(|e| match e {
        MergeError::Snapshot(e) => format!(
            "refusing to merge without its snapshot and remap file ({}): {e}; nothing was sent",
            path.display()
        ),
        MergeError::Run(e) => e.to_string(),
    });
    tracing::info!(request_id, "merge ended");
    if let (Some(cache), Ok(end)) = (&cache, &result) {
        // The kept user as read back after each step, the merged one deleted.
        cache.settled(&end.end.settled);
    }
    let _ = replies.send(Msg::MergeDone {
        request_id,
        at: now_rfc3339(),
        result,
    });
}

/// Reports each step as it is first sent: a send after a throttle or a settled resend is
/// the same step again.
struct Steps {
    replies: UnboundedSender<Msg>,
    request_id: RequestId,
    of: usize,
    /// Steps started so far, and whether the next send repeats the current one.
    state: Mutex<(usize, bool)>,
}

impl Observer for Steps {
    fn sending(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if std::mem::take(&mut state.1) {
            return;
        }
        state.0 = (state.0 + 1).min(self.of);
        let _ = self.replies.send(Msg::MergeProgress {
            request_id: self.request_id,
            step: state.0,
            of: self.of,
        });
    }

    fn throttled(&self, _rate: f64) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
    }

    fn sending_again(&self, _settled: &Settled) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
    }
}
