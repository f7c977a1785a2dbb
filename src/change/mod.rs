//! The change engine: how every change is made, whoever asks for it.
//!
//! A front-end (the `link` and `unlink` commands, `batch`, the TUI's worker) plans a change
//! ([`Planned`]: the request, the user it changes, the counts the review showed) and hands it
//! to an [`Engine`]. The engine writes the intent to the journal, sends the request once,
//! reads the user back under one policy, decides what happened ([`settle`], pure) and writes
//! the outcome. An intent left without an outcome (the process died mid-request) is settled
//! by the next run ([`recover`]).
//!
//! A change of several steps (a merge: copy groups, copy attributes, delete, link) is a
//! sequence of these, each journaled with its [`StepRef`](crate::journal::StepRef); a
//! sequence resumes at its first step not applied ([`sequence`]).

pub mod merge;
pub mod merge_run;
pub mod merge_snapshot;
pub mod plan;
pub mod recover;
pub mod run;
pub mod sequence;
pub mod settle;

pub use plan::{Planned, describe_identity};
pub use recover::{Recovered, recover};
pub use run::{Engine, Observer, Policy, Quiet, RunError};
pub use settle::{ReadBack, Sent, Settled, Verdict, settle};
