//! Settling the changes an earlier run left in flight: an intent in the journal with no
//! outcome is a request whose process died before the answer (`kill -9`, a crash, a lost
//! terminal). Each is read back like any unclear answer and its resolution appended, so the
//! journal's promise ("every change attempted is journaled") holds whatever happened.

use super::plan::Planned;
use super::run::Engine;
use super::settle::{ReadBack, ReadNeed, Sent, Settled, settle};
use crate::aws::{Failure, FailureKind};
use crate::journal::{JournalEntry, JournalError};

/// What the journal's `unknown` message says for a change settled by a later run.
pub const STOPPED: &str = "coglink stopped before Cognito answered; settled by a later run";

/// One intent of an earlier run, and what became of it.
#[derive(Debug)]
pub struct Recovered {
    pub intent: JournalEntry,
    /// `None`: the user could not be read (or the intent could not be understood); the
    /// intent stays open for the next run.
    pub settled: Option<Settled>,
}

impl Recovered {
    /// One line for the person: what it was and what became of it.
    pub fn summary(&self) -> String {
        match &self.settled {
            Some(settled) => format!("an earlier run's {}", settled.summary()),
            None => format!(
                "an earlier run's {} of {} (journal {}) is still unsettled: its user could not \
                 be read; the next run tries again",
                self.intent.operation,
                crate::domain::sanitize::sanitize(self.intent.user.as_deref().unwrap_or("?")),
                self.intent.time
            ),
        }
    }
}

/// Settles every unanswered intent of this engine's target whose writer has gone.
pub async fn recover(engine: &Engine) -> Result<Vec<Recovered>, JournalError> {
    let journal = engine.journal().clone();
    let intents = tokio::task::spawn_blocking(move || journal.unanswered())
        .await
        .unwrap_or_else(|_| Ok(Vec::new()))?;
    let mut recovered = Vec::new();
    for intent in intents {
        if !intent.target.same_place(engine.target())
            || intent
                .owner
                .as_deref()
                .is_some_and(|o| engine.journal().owner_alive(o))
        {
            continue;
        }
        let Some(planned) = planned_of(&intent) else {
            recovered.push(Recovered {
                intent,
                settled: None,
            });
            continue;
        };
        let sent = Sent::Unclear(Failure {
            kind: FailureKind::Timeout,
            code: None,
            message: STOPPED.into(),
            hint: None,
        });
        let read = engine.read_back(&planned, ReadNeed::Resolve).await;
        let settled = match read {
            ReadBack::Failed(_) => None,
            read => Some(settle(&planned, &sent, &read)),
        };
        if let Some(settled) = &settled {
            let mut entry = engine.entry(
                &planned,
                intent.change_id.as_deref().unwrap_or_default(),
                settled.outcome.clone(),
                settled.counts,
                intent.step.clone(),
            );
            entry.client = intent.client.clone();
            engine.write_outcome(&entry, settled).map_err(|e| match e {
                super::run::RunError::OutcomeNotRecorded { error, .. }
                | super::run::RunError::NotRecordable(error) => error,
            })?;
        }
        recovered.push(Recovered { intent, settled });
    }
    Ok(recovered)
}

/// The planned change an intent describes.
fn planned_of(intent: &JournalEntry) -> Option<Planned> {
    Planned::from_journal(
        &intent.operation,
        &intent.request,
        intent.user.as_deref(),
        intent.counts.map(|c| c.before),
    )
}
