//! What `update` asks the outside world to do. `update` never performs I/O itself.

use super::msg::RequestId;
use crate::change::Planned;
use crate::domain::{Known, LinkRequest};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Hand a command to the Cognito worker.
    Worker(Request),
    /// Leave the UI (restore the terminal, shut the worker and the local endpoint down).
    Quit,
}

/// Requests to the worker task that owns the SDK client; answered with [`super::msg::Msg`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
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
}
