//! Changes of several steps, made in order, each settled and journaled on its own (with a
//! [`StepRef`]), and resumed after an interruption from the first step the journal does not
//! show applied. A merge of two accounts is such a sequence; so is moving an identity from
//! one user to another (unlink, then link).

use super::plan::Planned;
use super::run::{Engine, Observer, Policy, RunError};
use super::settle::{Settled, Verdict};
use crate::journal::{JournalEntry, StepRef};

/// Steps to make in order, under one id (stable across runs: resuming needs the same id).
#[derive(Clone, Debug)]
pub struct Sequence {
    pub id: String,
    pub steps: Vec<Planned>,
}

/// How far a sequence got.
#[derive(Debug)]
pub struct SequenceEnd {
    /// Steps applied by an earlier run, skipped by this one.
    pub skipped: usize,
    /// The steps this run settled, in order.
    pub settled: Vec<Settled>,
}

impl SequenceEnd {
    /// Whether every step is applied.
    pub fn complete(&self, steps: usize) -> bool {
        self.skipped + self.settled.len() == steps
            && self.settled.iter().all(|s| s.verdict() == Verdict::Applied)
    }
}

/// The index of the first step of `sequence` that `entries` do not show applied: steps
/// before it are done and not sent again.
pub fn first_open_step(entries: &[JournalEntry], sequence: &str) -> usize {
    let mut applied = std::collections::BTreeSet::new();
    for e in entries {
        if let Some(step) = &e.step
            && step.sequence == sequence
            && e.outcome.applied()
        {
            applied.insert(step.index);
        }
    }
    (0..).find(|i| !applied.contains(i)).unwrap_or(0)
}

/// Makes the steps of `sequence` not yet applied, in order, stopping at the first that is
/// not applied (a refusal, or an outcome nobody knows: the next steps wait for it).
pub async fn run_sequence(
    engine: &Engine,
    sequence: &Sequence,
    policy: Policy,
    observer: &dyn Observer,
) -> Result<SequenceEnd, RunError> {
    let entries = engine
        .journal()
        .read_all()
        .map_err(RunError::NotRecordable)?;
    let skipped = first_open_step(&entries, &sequence.id).min(sequence.steps.len());
    let mut end = SequenceEnd {
        skipped,
        settled: Vec::new(),
    };
    for (index, planned) in sequence.steps.iter().enumerate().skip(skipped) {
        let step = StepRef {
            sequence: sequence.id.clone(),
            index,
        };
        let settled = engine
            .apply_step(planned, policy, observer, Some(step))
            .await?;
        let applied = settled.verdict() == Verdict::Applied;
        end.settled.push(settled);
        if !applied {
            break;
        }
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Outcome;

    fn at(sequence: &str, index: usize, outcome: Outcome) -> JournalEntry {
        JournalEntry {
            step: Some(StepRef {
                sequence: sequence.into(),
                index,
            }),
            ..crate::journal::tests::entry(outcome)
        }
    }

    #[test]
    fn a_sequence_resumes_at_its_first_step_not_applied() {
        let refused = Outcome::Rejected {
            code: "X".into(),
            message: "m".into(),
        };
        assert_eq!(first_open_step(&[], "s"), 0);
        let entries = [
            at("s", 0, Outcome::Pending),
            at("s", 0, Outcome::Ok),
            at("s", 1, Outcome::Pending),
            at("s", 1, refused.clone()),
            at("t", 1, Outcome::Ok),
        ];
        assert_eq!(first_open_step(&entries, "s"), 1, "step 1 was refused");
        assert_eq!(first_open_step(&entries, "t"), 0, "another sequence");
        let mut more = entries.to_vec();
        more.push(at("s", 1, Outcome::Ok));
        assert_eq!(first_open_step(&more, "s"), 2);
    }
}
