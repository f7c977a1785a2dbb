//! What `update` asks the outside world to do. `update` never performs I/O itself.

use super::msg::RequestId;
use crate::change::Planned;
use crate::change::merge::MergePlan;
use crate::change::merge_snapshot::MergeSnapshot;
use crate::domain::{Known, LinkRequest};

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Hand a command to the Cognito worker.
    Worker(Request),
    /// Leave the UI (restore the terminal, shut the worker and the local endpoint down).
    Quit,
    /// Copy `text` (the terminal layer writes OSC 52, and the text to a file in the state
    /// directory for a terminal that ignores it) → `Msg::Copied`.
    Copy { what: String, text: String },
}

/// Requests to the worker task that owns the SDK client; answered with [`super::msg::Msg`]s.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// ListUserPools + DescribeUserPool of each → `Msg::PoolsLoaded`.
    LoadPools,
    /// DescribeUserPool → `Msg::PoolDescribed`.
    DescribePool { pool_id: String },
    /// Every ListUsers page, one `Msg::UsersPage` each, until the last page or a failure.
    /// Starting a load cancels the previous one.
    LoadUsers {
        request_id: RequestId,
        pool_id: String,
        filter: Option<String>,
    },
    /// Stop the running user load, if any.
    CancelUsers,
    /// AdminGetUser → `Msg::UserLoaded`.
    GetUser { pool_id: String, username: String },
    /// ListIdentityProviders + DescribeIdentityProvider of each → `Msg::ProvidersLoaded`.
    LoadProviders { pool_id: String },
    /// `Ops::link_facts` (providers, destination, source as its own user) →
    /// `Msg::LinkFactsLoaded`.
    LinkFacts {
        request_id: RequestId,
        req: LinkRequest,
        linked_to: Known<String>,
    },
    /// Makes the change through the engine (journaled ahead, sent once, read back,
    /// settled, journaled) → `Msg::ChangeUnclear` while an unclear answer is read back, then
    /// one `Msg::Settled`.
    Apply {
        request_id: RequestId,
        planned: Box<Planned>,
    },
    /// `merge_run::read_inputs` of K and F, or the snapshot of a merge of F into K that
    /// stopped → `Msg::MergeFacts`.
    MergeFacts {
        request_id: RequestId,
        pool_id: String,
        keep: String,
        merge: String,
    },
    /// `merge_run::execute`: the snapshot written (unless it is there, resuming), the steps
    /// not yet applied made through the engine → `Msg::MergeProgress` per step, then one
    /// `Msg::MergeDone`.
    ApplyMerge {
        request_id: RequestId,
        snapshot: Box<MergeSnapshot>,
        plan: Box<MergePlan>,
    },
}
