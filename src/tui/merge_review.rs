//! The merge review's state: the pair (K kept, F merged), the facts read fresh (or the
//! snapshot of a merge to resume), the options ticked, the plan `plan_merge` makes of them,
//! the requests in order, the typed confirmation and the progress. Pure: the worker reads
//! and sends.

use std::path::PathBuf;

use tui_input::Input;

use super::msg::{MergeFacts, RequestId};
use crate::aws::TargetSpec;
use crate::awscli::command::aws_command_json;
use crate::change::merge::{MergeInputs, MergeOptions, MergePlan, plan_merge};
use crate::change::merge_snapshot::MergeSnapshot;

/// Attributes never offered for copying (Cognito sets them; `plan_merge` refuses them).
const NOT_COPIED: [&str; 2] = ["sub", "identities"];

/// One line of the options the cursor moves over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeRow {
    Groups,
    /// F's attribute, by its index in [`MergeReview::attributes`].
    Attribute(usize),
    /// Merge although the address is not verified on both sides.
    Override,
    /// The username of F, typed to confirm.
    Name,
}

#[derive(Clone, Debug)]
pub struct MergeReview {
    pub pool_id: String,
    pub keep: String,
    /// The group's users to merge; `merge` is one of them.
    pub candidates: Vec<String>,
    pub merge: String,
    /// The group is of class unverified: the override is offered.
    pub unverified: bool,
    /// The reading in progress (its facts are awaited).
    pub reading: Option<RequestId>,
    pub facts: Option<MergeFacts>,
    /// Why the facts could not be read.
    pub read_error: Option<String>,
    pub options: MergeOptions,
    /// F's attributes that may be copied, by name.
    pub attributes: Vec<String>,
    pub plan: Option<Result<MergePlan, Vec<String>>>,
    /// The requests, as `aws` commands, in order.
    pub commands: Vec<String>,
    pub focus: MergeRow,
    pub typed: Input,
    pub scroll: u16,
    /// `(step, of)` while the merge runs.
    pub progress: Option<(usize, usize)>,
}

impl MergeReview {
    pub fn new(
        pool_id: &str,
        keep: &str,
        candidates: Vec<String>,
        merge: &str,
        unverified: bool,
    ) -> MergeReview {
        MergeReview {
            pool_id: pool_id.to_owned(),
            keep: keep.to_owned(),
            candidates,
            merge: merge.to_owned(),
            unverified,
            reading: None,
            facts: None,
            read_error: None,
            options: MergeOptions {
                copy_groups: true,
                ..MergeOptions::default()
            },
            attributes: Vec::new(),
            plan: None,
            commands: Vec::new(),
            focus: MergeRow::Groups,
            typed: Input::default(),
            scroll: 0,
            progress: None,
        }
    }

    /// The facts arrived: the options of a snapshot being resumed, else those ticked; the
    /// plan follows.
    pub fn set_facts(&mut self, facts: MergeFacts, connect: &TargetSpec) {
        self.attributes = facts
            .inputs
            .merged
            .attributes()
            .map(|(n, _)| n.to_owned())
            .filter(|n| !NOT_COPIED.contains(&n.as_str()))
            .collect();
        if let Some((snapshot, _)) = &facts.resume {
            self.options = snapshot.plan_inputs().1;
        }
        self.facts = Some(facts);
        self.replan(connect);
    }

    /// Whether the options are fixed by the snapshot of a merge being resumed.
    pub fn resuming(&self) -> Option<usize> {
        self.facts.as_ref()?.resume.as_ref().map(|(_, done)| *done)
    }

    /// The inputs the plan is made from: the snapshot's when resuming.
    pub fn inputs(&self) -> Option<MergeInputs> {
        let facts = self.facts.as_ref()?;
        Some(match &facts.resume {
            Some((snapshot, _)) => snapshot.plan_inputs().0,
            None => facts.inputs.clone(),
        })
    }

    pub fn replan(&mut self, connect: &TargetSpec) {
        let Some(inputs) = self.inputs() else {
            return;
        };
        let plan = plan_merge(&inputs, &self.options);
        self.commands = match &plan {
            Ok(p) => p
                .steps
                .iter()
                .map(|s| aws_command_json(s.operation(), connect, &s.request_value()))
                .collect(),
            Err(_) => Vec::new(),
        };
        self.plan = Some(plan);
    }

    /// The option lines, top to bottom, ending with the name to type.
    pub fn rows(&self) -> Vec<MergeRow> {
        let mut rows = vec![MergeRow::Groups];
        rows.extend((0..self.attributes.len()).map(MergeRow::Attribute));
        if self.unverified {
            rows.push(MergeRow::Override);
        }
        rows.push(MergeRow::Name);
        rows
    }

    pub fn move_focus(&mut self, delta: isize) {
        let rows = self.rows();
        let at = rows.iter().position(|r| *r == self.focus).unwrap_or(0) as isize;
        let n = rows.len() as isize;
        self.focus = rows[(at + delta).rem_euclid(n) as usize];
    }

    /// Ticks or unticks the option under the cursor; false when nothing changed (the name
    /// line, or options fixed by a snapshot).
    pub fn toggle(&mut self, connect: &TargetSpec) -> bool {
        if self.resuming().is_some() {
            return false;
        }
        match self.focus {
            MergeRow::Groups => self.options.copy_groups = !self.options.copy_groups,
            MergeRow::Attribute(i) => {
                let Some(name) = self.attributes.get(i) else {
                    return false;
                };
                let chosen = &mut self.options.copy_attributes;
                match chosen.iter().position(|a| a == name) {
                    Some(at) => {
                        chosen.remove(at);
                    }
                    None => chosen.push(name.clone()),
                }
            }
            MergeRow::Override => {
                self.options.allow_unverified = !self.options.allow_unverified;
            }
            MergeRow::Name => return false,
        }
        self.replan(connect);
        true
    }

    pub fn ticked(&self, row: MergeRow) -> bool {
        match row {
            MergeRow::Groups => self.options.copy_groups,
            MergeRow::Attribute(i) => self
                .attributes
                .get(i)
                .is_some_and(|n| self.options.copy_attributes.contains(n)),
            MergeRow::Override => self.options.allow_unverified,
            MergeRow::Name => false,
        }
    }

    /// The plan, when `plan_merge` accepts the options.
    pub fn accepted(&self) -> Option<&MergePlan> {
        self.plan.as_ref()?.as_ref().ok()
    }

    /// The snapshot to write (or the one being resumed).
    pub fn snapshot(&self) -> Option<MergeSnapshot> {
        let facts = self.facts.as_ref()?;
        Some(match &facts.resume {
            Some((snapshot, _)) => snapshot.clone(),
            None => MergeSnapshot::new(&facts.inputs, &self.options, facts.read_at.clone()),
        })
    }
}

/// The merge being made (at most one change runs at a time).
#[derive(Clone, Debug)]
pub struct MergeRun {
    pub request_id: RequestId,
    pub keep: String,
    pub merge: String,
    pub plan: MergePlan,
    pub snapshot_path: PathBuf,
}

/// A merge this session finished: undoing its last link says F cannot be restored.
#[derive(Clone, Debug)]
pub struct MergeRecord {
    pub keep: String,
    pub merge: String,
    pub snapshot_path: PathBuf,
    /// Its link steps.
    pub links: Vec<crate::change::Planned>,
}
