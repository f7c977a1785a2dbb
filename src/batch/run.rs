//! Sending a planned batch at the quota rate.
//!
//! Rows for different destinations go out concurrently; rows for one destination go one after
//! another (its link count and Cognito's per-user write limit). Every request waits for a
//! slot of the shared [`RateLimiter`], which slows down when Cognito throttles. A row whose
//! outcome is unknown (timeout, dropped connection, 5xx) is resolved by reading the
//! destination again: linked means done; not linked means it is sent again, never blindly.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::plan::{Action, Plan, PlannedRow, Recorded};
use crate::aws::failure::Failure;
use crate::aws::ops::Ops;
use crate::aws::rate::RateLimiter;

/// Sends of one row before its failures are reported as they are.
pub const MAX_SENDS_PER_ROW: u32 = 5;
/// Reads of the destination after a send with no clear answer, before the row is left
/// unresolved (it is never sent again without one succeeding).
pub const MAX_READ_BACKS: u32 = 5;

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
            RowOutcome::Linked | RowOutcome::Confirmed { .. } => Some(Recorded::Linked),
            RowOutcome::Refused { code, message } => Some(Recorded::Refused {
                code: code.clone(),
                message: message.clone(),
            }),
            RowOutcome::Unresolved { .. } => None,
        }
    }

    pub fn is_linked(&self) -> bool {
        matches!(self, RowOutcome::Linked | RowOutcome::Confirmed { .. })
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
    Finished {
        sent: u64,
        elapsed: Duration,
    },
}

struct Shared {
    ops: Ops,
    stop: Arc<AtomicBool>,
    limiter: RateLimiter,
    groups: Mutex<VecDeque<Vec<PlannedRow>>>,
    sends: Mutex<u64>,
    tx: mpsc::UnboundedSender<RunEvent>,
}

/// A running batch: its events, and a switch that stops it taking new rows (rows in flight
/// finish and report).
pub struct RunHandle {
    pub events: mpsc::UnboundedReceiver<RunEvent>,
    pub stop: Arc<AtomicBool>,
}

/// Starts sending every `Link` row of the plan; events (one `Row` per row sent) arrive on
/// the handle, ending with `Finished`.
pub fn start(ops: Ops, plan: &Plan, opts: RunOptions) -> RunHandle {
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
        ops,
        stop: stop.clone(),
        limiter: RateLimiter::new(opts.max_rps),
        groups: Mutex::new(by_destination.into_values().collect()),
        sends: Mutex::new(0),
        tx,
    });
    tokio::spawn(async move {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..opts.concurrency.max(1) {
            tasks.spawn(worker(shared.clone()));
        }
        while tasks.join_next().await.is_some() {}
        let sent = *lock(&shared.sends);
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
            let outcome = send_row(&shared, &row).await;
            if shared
                .tx
                .send(RunEvent::Row {
                    row: Box::new(row),
                    outcome,
                })
                .is_err()
            {
                return;
            }
        }
    }
}

async fn send_row(shared: &Shared, row: &PlannedRow) -> RowOutcome {
    debug_assert!(matches!(row.action, Action::Link { .. }));
    let req = &row.row.request;
    let mut last_failure: Option<Failure> = None;
    for _ in 0..MAX_SENDS_PER_ROW {
        shared.limiter.acquire().await;
        *lock(&shared.sends) += 1;
        let failure = match shared.ops.link(req).await {
            Ok(()) => {
                shared.limiter.on_success();
                return RowOutcome::Linked;
            }
            Err(f) => f,
        };
        if failure.is_throttling() {
            shared.limiter.on_throttle();
            let _ = shared.tx.send(RunEvent::Throttled {
                rate: shared.limiter.rate(),
            });
        } else if failure.outcome_unknown() {
            // Resolved by reading, never by resending: the row is sent again only once a
            // read has shown the link is not there.
            let mut applied = None;
            for attempt in 0..MAX_READ_BACKS {
                applied = read_back(shared, row).await;
                if applied.is_some() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt + 1))).await;
            }
            let Some(applied) = applied else {
                return RowOutcome::Unresolved {
                    reason: format!(
                        "{}; the destination could not be read back, so the outcome is unknown",
                        failure.summary()
                    ),
                    outcome_unknown: true,
                };
            };
            let _ = shared.tx.send(RunEvent::Resolved {
                row: Box::new(row.clone()),
                message: failure.message.clone(),
                applied,
            });
            if applied {
                return RowOutcome::Confirmed {
                    message: failure.message,
                };
            }
        } else if let Some(code) = failure.code.clone() {
            return RowOutcome::Refused {
                code,
                message: failure.message,
            };
        } else {
            // Never sent (connection refused, no credentials): safe to send again.
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        last_failure = Some(failure);
    }
    RowOutcome::Unresolved {
        reason: last_failure.map_or_else(|| "not sent".into(), |f| f.summary()),
        outcome_unknown: false,
    }
}

/// Whether the row's link exists now (`None`: the destination could not be read).
async fn read_back(shared: &Shared, row: &PlannedRow) -> Option<bool> {
    let req = &row.row.request;
    let dest = req.destination();
    shared.limiter.acquire().await;
    let user = shared
        .ops
        .find_destination(req.pool_id(), dest.name(), dest.value())
        .await
        .ok()??;
    Some(
        user.identities_or_empty()
            .iter()
            .any(|i| i.is_identified_by(&req.source())),
    )
}
