//! The one runner of changes: write the intent, send once, read the user back under one
//! policy, settle, write the outcome. `link`, `unlink`, `batch` and the TUI's worker all
//! drive it; they differ only in the [`Policy`] (whether a change known not to be applied is
//! sent again) and in what they print.

use std::sync::Arc;
use std::time::Duration;

use super::plan::Planned;
use super::settle::{ReadBack, ReadNeed, Sent, Settled, read_need, settle};
use crate::aws::Failure;
use crate::aws::ops::Ops;
use crate::aws::rate::RateLimiter;
use crate::journal::{
    Journal, JournalEntry, JournalError, JournalTarget, Outcome, OwnerLock, StepRef, now_rfc3339,
};

/// Reads of the user after a send with no clear answer before its outcome is left
/// unresolved (each read has the SDK's own retries too). The one read-back policy.
pub const READ_BACK_ATTEMPTS: u32 = 5;

/// The pause before read-back attempt `attempt + 1` (100 ms, 200 ms, ...).
pub fn read_back_pause(attempt: u32) -> Duration {
    Duration::from_millis(100 * u64::from(attempt + 1))
}

/// When a change is sent again. Never after an unclear answer without a read showing it
/// was not applied; a refusal is never sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Sends of one change at most.
    pub max_sends: u32,
    /// Send again after throttling (the limiter slows down first).
    pub after_throttle: bool,
    /// Send again after a passing failure that never reached Cognito (connection refused);
    /// never after one that sending again cannot mend (an HTTP 501, no credentials).
    pub after_not_sent: bool,
    /// Send again when an unclear answer was read back as not applied.
    pub after_not_applied: bool,
    /// Read the user once after a clear success, for the counts after (a person looks at
    /// them; a batch row knows its counts from planning and spends no request on them).
    pub counts_after_ok: bool,
}

impl Policy {
    /// Send once; the person decides what next (the `link`/`unlink` commands, the TUI).
    pub const ONCE: Policy = Policy {
        max_sends: 1,
        after_throttle: false,
        after_not_sent: false,
        after_not_applied: false,
        counts_after_ok: true,
    };
    /// `batch`: up to 5 sends, each only when the previous is known not applied; no read
    /// after a clear success (the quota is the link's: a read per row would halve the rate).
    pub const BATCH: Policy = Policy {
        max_sends: 5,
        after_throttle: true,
        after_not_sent: true,
        after_not_applied: true,
        counts_after_ok: false,
    };
    /// A merge's steps: as `BATCH` (a merge must not stop half-way on a throttle), and the
    /// kept user is read after its link, to show it as it is.
    pub const MERGE: Policy = Policy {
        counts_after_ok: true,
        ..Policy::BATCH
    };
}

/// What a runner reports while it works (for progress lines); every method has a no-op
/// default.
pub trait Observer: Send + Sync {
    /// A request of the change is about to go out.
    fn sending(&self) {}
    /// Cognito throttled; the limiter now sends at `rate` per second.
    fn throttled(&self, _rate: f64) {}
    /// A send had no clear answer; the user is being read back.
    fn unclear(&self, _failure: &Failure) {}
    /// A send was settled and is about to be sent again (`settled` says why: not applied).
    fn sending_again(&self, _settled: &Settled) {}
}

/// Reports nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// Why a change could not be made or recorded.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The intent could not be written: nothing was sent.
    #[error("refusing to make a change that could not be recorded: {0}")]
    NotRecordable(JournalError),
    /// The change was settled but its outcome could not be written; `entry` is the line
    /// that should have been.
    #[error("{error}")]
    OutcomeNotRecorded {
        settled: Box<Settled>,
        entry: String,
        error: JournalError,
    },
}

/// Sends changes to one target and journals them.
#[derive(Clone)]
pub struct Engine {
    ops: Ops,
    journal: Journal,
    /// `cli` or `tui`: who made the change, for the journal.
    client: &'static str,
    target: JournalTarget,
    limiter: Arc<RateLimiter>,
    owner: Arc<OwnerSlot>,
}

/// This process's owner lock, taken with the first intent.
#[derive(Default)]
struct OwnerSlot(std::sync::Mutex<Option<OwnerLock>>);

impl Engine {
    pub fn new(ops: Ops, journal: Journal, client: &'static str) -> Engine {
        let target = JournalTarget::from_target(&ops.target);
        Engine {
            ops,
            journal,
            client,
            target,
            limiter: Arc::new(RateLimiter::new(None)),
            owner: Arc::default(),
        }
    }

    /// Every send and read waits for a slot of `limiter` (a batch's quota).
    pub fn paced(mut self, limiter: Arc<RateLimiter>) -> Engine {
        self.limiter = limiter;
        self
    }

    pub fn ops(&self) -> &Ops {
        &self.ops
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    pub fn target(&self) -> &JournalTarget {
        &self.target
    }

    /// Makes `planned` under `policy`: each send is preceded by its intent in the journal
    /// and followed by its outcome. Returns the last settled attempt.
    pub async fn apply(
        &self,
        planned: &Planned,
        policy: Policy,
        observer: &dyn Observer,
    ) -> Result<Settled, RunError> {
        self.apply_step(planned, policy, observer, None).await
    }

    /// [`Engine::apply`] for one step of a sequence (its entries carry `step`).
    pub async fn apply_step(
        &self,
        planned: &Planned,
        policy: Policy,
        observer: &dyn Observer,
        step: Option<StepRef>,
    ) -> Result<Settled, RunError> {
        let mut sends = 0;
        loop {
            let change_id = self.new_change_id();
            let intent = self.entry(planned, &change_id, Outcome::Pending, None, step.clone());
            self.write_intent(&intent)?;
            // Throttled and never-sent attempts are known not applied: they are sent again
            // under the same intent.
            let sent = loop {
                sends += 1;
                self.limiter.acquire().await;
                observer.sending();
                let sent = Sent::from_result(self.send(planned).await);
                match &sent {
                    Sent::Refused(f) | Sent::NotSent(f) if f.is_throttling() => {
                        self.limiter.on_throttle();
                        observer.throttled(self.limiter.rate());
                        if policy.after_throttle && sends < policy.max_sends {
                            continue;
                        }
                    }
                    // Only what may pass is sent again: not an endpoint that answered it
                    // does not implement the operation (HTTP 501), nor missing credentials.
                    Sent::NotSent(f)
                        if policy.after_not_sent
                            && f.is_transient()
                            && sends < policy.max_sends =>
                    {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        continue;
                    }
                    Sent::Ok => self.limiter.on_success(),
                    _ => {}
                }
                break sent;
            };
            if let Sent::Unclear(f) = &sent {
                observer.unclear(f);
            }
            let need = match read_need(planned, &sent) {
                ReadNeed::Counts if !policy.counts_after_ok => ReadNeed::None,
                need => need,
            };
            let read = self.read_back(planned, need).await;
            let settled = settle(planned, &sent, &read);
            let outcome = self.entry(
                planned,
                &change_id,
                settled.outcome.clone(),
                settled.counts,
                step.clone(),
            );
            let again = policy.after_not_applied
                && sends < policy.max_sends
                && matches!(settled.outcome, Outcome::Unknown { .. })
                && settled.verdict() == super::settle::Verdict::NotApplied;
            self.write_outcome(&outcome, &settled)?;
            if !again {
                return Ok(settled);
            }
            observer.sending_again(&settled);
        }
    }

    async fn send(&self, planned: &Planned) -> Result<(), Failure> {
        let ops = &self.ops;
        match planned {
            Planned::Link { req, .. } => ops.link(req).await,
            Planned::Unlink { req, .. } => ops.unlink(req).await,
            Planned::AddToGroup {
                pool_id,
                user,
                group,
            } => ops.add_user_to_group(pool_id, user, group).await,
            Planned::CopyAttributes {
                pool_id,
                user,
                attributes,
            } => ops.update_user_attributes(pool_id, user, attributes).await,
            Planned::DeleteUser { pool_id, user } => ops.delete_user(pool_id, user).await,
        }
    }

    /// Reads the user `planned` changes, as `need` asks: once, or until a read answers.
    pub async fn read_back(&self, planned: &Planned, need: ReadNeed) -> ReadBack {
        let (Some(user), attempts) = (
            planned.user(),
            match need {
                ReadNeed::None => return ReadBack::Skipped,
                ReadNeed::Counts => 1,
                ReadNeed::Resolve => READ_BACK_ATTEMPTS,
            },
        ) else {
            return ReadBack::Skipped;
        };
        let mut last = ReadBack::Skipped;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(read_back_pause(attempt - 1)).await;
            }
            self.limiter.acquire().await;
            if matches!(planned, Planned::AddToGroup { .. }) {
                match self.ops.list_groups_for_user(planned.pool_id(), user).await {
                    Ok(groups) => return ReadBack::Groups(groups),
                    Err(f) if f.service_kind() == Some(crate::domain::ErrorKind::UserNotFound) => {
                        return ReadBack::Gone;
                    }
                    Err(f) => last = ReadBack::Failed(f),
                }
                continue;
            }
            match self.ops.get_user(planned.pool_id(), user).await {
                Ok(Some(fresh)) => return ReadBack::Found(fresh),
                Ok(None) => return ReadBack::Gone,
                Err(f) => last = ReadBack::Failed(f),
            }
        }
        last
    }

    fn new_change_id(&self) -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!(
            "{}-{nanos:x}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )
    }

    pub(super) fn entry(
        &self,
        planned: &Planned,
        change_id: &str,
        outcome: Outcome,
        counts: Option<crate::domain::LinkCounts>,
        step: Option<StepRef>,
    ) -> JournalEntry {
        JournalEntry {
            time: now_rfc3339(),
            client: self.client.to_owned(),
            operation: planned.operation().into(),
            target: self.target.clone(),
            pool_id: planned.pool_id().to_owned(),
            request: planned.request_value(),
            user: planned.user().map(str::to_owned),
            // An intent carries the counts as planned (the review's), an outcome as read.
            counts: match outcome {
                Outcome::Pending => planned.counts(),
                _ => counts,
            },
            outcome,
            change_id: Some(change_id.to_owned()),
            owner: None,
            step,
        }
    }

    fn write_intent(&self, entry: &JournalEntry) -> Result<(), RunError> {
        let mut entry = entry.clone();
        entry.owner = Some(self.owner_id().map_err(RunError::NotRecordable)?);
        self.journal.record(&entry).map_err(RunError::NotRecordable)
    }

    pub(super) fn write_outcome(
        &self,
        entry: &JournalEntry,
        settled: &Settled,
    ) -> Result<(), RunError> {
        self.journal
            .record(entry)
            .map_err(|error| RunError::OutcomeNotRecorded {
                settled: Box::new(settled.clone()),
                entry: serde_json::to_string(entry).unwrap_or_default(),
                error,
            })
    }

    fn owner_id(&self) -> Result<String, JournalError> {
        let mut slot = self.owner.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(self.journal.take_owner()?);
        }
        Ok(slot.as_ref().map(|o| o.id().to_owned()).unwrap_or_default())
    }
}
