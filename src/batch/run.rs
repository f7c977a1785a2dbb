//! Sending a planned batch at the quota rate, through the change engine.
//!
//! Rows for different destinations go out concurrently; rows for one destination go one after
//! another (its link count and Cognito's per-user write limit). Every request waits for a
//! slot of the shared [`RateLimiter`], which slows down when Cognito throttles. Each row is
//! one engine change under [`Policy::BATCH`]: journaled ahead, sent again only when it is
//! known not applied (throttled, never sent, or an unclear answer read back as not linked).

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::plan::{Plan, PlannedRow, Recorded, RowAction};
use crate::aws::Failure;
use crate::aws::rate::RateLimiter;
use crate::change::{Engine, Observer, Planned, Policy, RunError, Settled};
use crate::journal::{Outcome, Resolution};

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// AdminLinkProviderForUser's quota category; UNVERIFIED which one (spec §4 guesses
    /// UserUpdate, 25 RPS by default).
    pub max_rps: Option<f64>,
    /// Destinations worked on at the same time.
    pub concurrency: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            max_rps: Some(25.0),
            concurrency: 4,
        }
    }
}

/// The outcome of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Linked,
    /// Cognito refused it as "already linked", and reading the destination showed it holds
    /// the identity (someone else linked it meanwhile): done, as asked.
    AlreadyLinked,
    /// The send had no clear answer (`message`), and reading the destination showed the
    /// link: it was applied.
    Confirmed {
        message: String,
    },
    Refused {
        code: String,
        message: String,
    },
    /// Could not be sent or resolved (e.g. the network stayed down): left for a re-run.
    /// `outcome_unknown`: the last send may have been applied (its read-back failed too).
    Unresolved {
        reason: String,
        outcome_unknown: bool,
    },
}

impl RowOutcome {
    pub fn recorded(&self) -> Option<Recorded> {
        match self {
            RowOutcome::Linked | RowOutcome::AlreadyLinked | RowOutcome::Confirmed { .. } => {
                Some(Recorded::Linked)
            }
            RowOutcome::Refused { code, message } => Some(Recorded::Refused {
                code: code.clone(),
                message: message.clone(),
            }),
            RowOutcome::Unresolved { .. } => None,
        }
    }

    pub fn is_linked(&self) -> bool {
        matches!(
            self,
            RowOutcome::Linked | RowOutcome::AlreadyLinked | RowOutcome::Confirmed { .. }
        )
    }

    /// The row's outcome from the engine's last settled attempt.
    pub fn from_settled(settled: &Settled) -> RowOutcome {
        let unclear = |f: Option<&Failure>| {
            format!(
                "{}; the destination could not be read back, so the outcome is unknown",
                f.map_or_else(|| "no clear answer".to_owned(), Failure::summary)
            )
        };
        let failure = settled.failure.as_ref();
        match &settled.outcome {
            Outcome::Ok | Outcome::Pending => RowOutcome::Linked,
            Outcome::AlreadyDone { .. } => RowOutcome::AlreadyLinked,
            Outcome::Unknown {
                message,
                resolution: Resolution::Applied,
            } => RowOutcome::Confirmed {
                message: message.clone(),
            },
            Outcome::Unknown {
                resolution: Resolution::Unresolved,
                ..
            } => RowOutcome::Unresolved {
                reason: unclear(failure),
                outcome_unknown: true,
            },
            // Sent as often as the policy allows, each time known not applied.
            Outcome::Unknown {
                resolution: Resolution::NotApplied,
                ..
            }
            | Outcome::Failed { .. } => RowOutcome::Unresolved {
                reason: failure.map_or_else(|| "not sent".into(), Failure::summary),
                outcome_unknown: false,
            },
            Outcome::Rejected { .. } if failure.is_some_and(Failure::is_throttling) => {
                RowOutcome::Unresolved {
                    reason: failure.map_or_else(|| "throttled".into(), Failure::summary),
                    outcome_unknown: false,
                }
            }
            Outcome::Rejected { code, message } => RowOutcome::Refused {
                code: code.clone(),
                message: message.clone(),
            },
        }
    }
}

/// Progress of a run, in arrival order.
#[derive(Clone, Debug)]
pub enum RunEvent {
    Row {
        row: Box<PlannedRow>,
        outcome: RowOutcome,
    },
    Throttled {
        rate: f64,
    },
    /// A send's outcome was unknown (`message`) and was read back: applied (the row then
    /// ends `Confirmed`) or not (the row is sent again).
    Resolved {
        row: Box<PlannedRow>,
        message: String,
        applied: bool,
    },
    /// The journal could not be written: the run stops taking rows. `message` says why;
    /// `entry` is the outcome line that could not be written (a row whose outcome was not
    /// recorded still has its `Row` event); `None` when nothing was sent.
    JournalFailed {
        message: String,
        entry: Option<String>,
    },
    Finished {
        sent: u64,
        elapsed: Duration,
    },
}

struct Shared {
    engine: Engine,
    stop: Arc<AtomicBool>,
    groups: Mutex<VecDeque<Vec<PlannedRow>>>,
    sends: AtomicU64,
    tx: mpsc::UnboundedSender<RunEvent>,
}

/// A running batch: its events, and a switch that stops it taking new rows (rows in flight
/// finish and report).
pub struct RunHandle {
    pub events: mpsc::UnboundedReceiver<RunEvent>,
    pub stop: Arc<AtomicBool>,
}

/// Starts sending every `Link` row of the plan through `engine` (paced here at
/// `opts.max_rps`); events (one `Row` per row sent) arrive on the handle, ending with
/// `Finished`.
pub fn start(engine: Engine, plan: &Plan, opts: RunOptions) -> RunHandle {
    let mut by_destination: BTreeMap<(String, String), Vec<PlannedRow>> = BTreeMap::new();
    for row in plan.to_send() {
        let d = row.row.request.destination();
        by_destination
            .entry((d.name().to_owned(), d.value().to_owned()))
            .or_default()
            .push(row.clone());
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let stop = Arc::new(AtomicBool::new(false));
    let shared = Arc::new(Shared {
        engine: engine.paced(Arc::new(RateLimiter::new(opts.max_rps))),
        stop: stop.clone(),
        groups: Mutex::new(by_destination.into_values().collect()),
        sends: AtomicU64::new(0),
        tx,
    });
    tokio::spawn(async move {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..opts.concurrency.max(1) {
            tasks.spawn(worker(shared.clone()));
        }
        while tasks.join_next().await.is_some() {}
        let sent = shared.sends.load(Ordering::Relaxed);
        let _ = shared.tx.send(RunEvent::Finished {
            sent,
            elapsed: started.elapsed(),
        });
    });
    RunHandle { events: rx, stop }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn worker(shared: Arc<Shared>) {
    loop {
        let Some(group) = lock(&shared.groups).pop_front() else {
            return;
        };
        for row in group {
            if shared.stop.load(Ordering::Relaxed) {
                return;
            }
            if !send_row(&shared, row).await {
                return;
            }
        }
    }
}

/// Makes one row through the engine and reports it; false when the run must stop (the UI
/// went away, or the journal cannot be written).
async fn send_row(shared: &Shared, row: PlannedRow) -> bool {
    let RowAction::Link { before, after } = row.action else {
        debug_assert!(false, "only Link rows are sent");
        return true;
    };
    let planned = Planned::link_with_counts(
        row.row.request.clone(),
        crate::domain::LinkCounts { before, after },
    );
    let observer = RowObserver { shared, row: &row };
    let (settled, journal_failure) = match shared
        .engine
        .apply(&planned, Policy::BATCH, &observer)
        .await
    {
        Ok(settled) => (Some(settled), None),
        Err(RunError::OutcomeNotRecorded {
            settled,
            error,
            entry,
        }) => (Some(*settled), Some((error.to_string(), Some(entry)))),
        Err(RunError::NotRecordable(e)) => (None, Some((e.to_string(), None))),
    };
    let mut going = true;
    if let Some(settled) = settled {
        let outcome = RowOutcome::from_settled(&settled);
        if matches!(outcome, RowOutcome::Confirmed { .. }) {
            let _ = shared.tx.send(RunEvent::Resolved {
                row: Box::new(row.clone()),
                message: settled.failure.map(|f| f.message).unwrap_or_default(),
                applied: true,
            });
        }
        going &= shared
            .tx
            .send(RunEvent::Row {
                row: Box::new(row),
                outcome,
            })
            .is_ok();
    }
    if let Some((message, entry)) = journal_failure {
        shared.stop.store(true, Ordering::Relaxed);
        let _ = shared.tx.send(RunEvent::JournalFailed { message, entry });
        going = false;
    }
    going
}

/// Turns the engine's reports on one row into run events.
struct RowObserver<'a> {
    shared: &'a Shared,
    row: &'a PlannedRow,
}

impl Observer for RowObserver<'_> {
    fn sending(&self) {
        self.shared.sends.fetch_add(1, Ordering::Relaxed);
    }

    fn throttled(&self, rate: f64) {
        let _ = self.shared.tx.send(RunEvent::Throttled { rate });
    }

    fn sending_again(&self, settled: &Settled) {
        let _ = self.shared.tx.send(RunEvent::Resolved {
            row: Box::new(self.row.clone()),
            message: settled
                .failure
                .as_ref()
                .map(|f| f.message.clone())
                .unwrap_or_default(),
            applied: false,
        });
    }
}
