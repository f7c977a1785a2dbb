//! What `update` asks the outside world to do. `update` never performs I/O itself.

use super::msg::RequestId;
use crate::domain::{Known, LinkRequest, UnlinkRequest};
use crate::journal::Change;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Hand a command to the Cognito worker.
    Worker(Command),
    /// Leave the UI (restore the terminal, shut the worker and the local endpoint down).
    Quit,
}

/// Requests to the worker task that owns the SDK client; answered with [`super::msg::Msg`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
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
    /// Checks the journal is writable, then AdminLinkProviderForUser, sent once →
    /// `Msg::ChangeDone`.
    Link {
        request_id: RequestId,
        req: LinkRequest,
    },
    /// The same for AdminDisableProviderForUser.
    Unlink {
        request_id: RequestId,
        req: UnlinkRequest,
    },
    /// Appends a change to the journal (client `tui`) → `Msg::Recorded`.
    Record(Change),
}
