//! Everything that can happen to the UI: terminal input, the clock, and the worker's replies.

use std::time::Duration;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::aws::Failure;
use crate::aws::ops::{LinkFacts, PoolSummary};
use crate::change::Settled;
use crate::change::merge::MergeInputs;
use crate::change::merge_run::MergeEnd;
use crate::change::merge_snapshot::MergeSnapshot;
use crate::domain::{IdentityProviderInfo, UserRecord};

/// Identifies one user load; replies of an older load are stale and ignored.
pub type RequestId = u64;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    Paste(String),
    /// Sent only while something animates or expires (spinner, flash message).
    Tick,
    /// Sent by the loop while the fuzzy filter has matching left (when no other message
    /// waits): matches for another frame's budget.
    FilterStep,
    /// The session opened (the local endpoint started, the SDK client was built): where
    /// coglink is connected, for the header. Until then commands wait in the worker's queue.
    Connected {
        target: String,
    },
    /// The journal's record of how each identity was linked (read once the session opens):
    /// an unlink of a SAML/OIDC identity names the attribute it was linked by.
    JournalLinks(crate::journal::LinkAttributes),
    /// The session could not open (the local endpoint did not start): the UI quits and the
    /// reason is printed once the terminal is restored.
    ConnectFailed,
    /// ListUserPools with estimated user counts.
    PoolsLoaded(Result<Vec<PoolSummary>, Failure>),
    /// DescribeUserPool of the pool being browsed (name and estimate for the progress line).
    PoolDescribed {
        pool_id: String,
        result: Result<Option<i32>, Failure>,
    },
    /// One ListUsers page of load `request_id`.
    UsersPage {
        request_id: RequestId,
        result: Result<UsersPageReport, Failure>,
    },
    /// Users of the pool's cache file (`--cache`), in chunks (the first has none), read
    /// before load `request_id` lists the pool again in the background; `age`: since that
    /// cache's listing started.
    CacheOpened {
        request_id: RequestId,
        users: Vec<UserRecord>,
        age: Duration,
    },
    /// The pool's cache file could not be used (why: its path and the rule it breaks): the
    /// users it gave, if any, are dropped, and load `request_id` lists the pool as without a
    /// cache.
    CacheUnusable {
        request_id: RequestId,
        reason: String,
    },
    /// The relisting of a table opened from the cache.
    Refresh {
        request_id: RequestId,
        event: RefreshEvent,
    },
    /// Load `request_id` wrote the pool's cache file (the users it holds), or why not.
    CacheSaved {
        request_id: RequestId,
        result: Result<u64, String>,
    },
    /// AdminGetUser for the detail pane; `Ok(None)` when the user no longer exists.
    UserLoaded {
        pool_id: String,
        username: String,
        result: Result<Option<UserRecord>, Failure>,
    },
    /// The pool's identity providers for the link form.
    ProvidersLoaded {
        pool_id: String,
        result: Result<Vec<IdentityProviderInfo>, Failure>,
    },
    /// Fresh facts for the link rules, before the review.
    LinkFactsLoaded {
        request_id: RequestId,
        result: Result<LinkFacts, Failure>,
    },
    /// The change in flight had no clear answer; the worker reads the user back.
    ChangeUnclear {
        request_id: RequestId,
        failure: Failure,
    },
    /// The change in flight is settled (and journaled), or was never sent; `at` is when
    /// (RFC 3339).
    Settled {
        request_id: RequestId,
        at: String,
        reply: ChangeReply,
    },
    /// The facts of a merge (both users read fresh, or the snapshot of a merge that
    /// stopped), or why they could not be read.
    MergeFacts {
        request_id: RequestId,
        result: Result<Box<MergeFacts>, String>,
    },
    /// Step `step` (1-based) of `of` of the merge in flight is being sent.
    MergeProgress {
        request_id: RequestId,
        step: usize,
        of: usize,
    },
    /// The merge in flight ended (its steps journaled by the engine), or was not started
    /// (the text says why); `at` is when (RFC 3339).
    MergeDone {
        request_id: RequestId,
        at: String,
        result: Result<MergeEnd, String>,
    },
    /// Changes earlier runs left in flight, settled once the session opened: one line each.
    Recovered(Vec<String>),
    /// The terminal layer copied a review's text (`Effect::Copy`).
    Copied(Copied),
}

/// What a copy did: OSC 52 written, and the file the text also went to (or why not).
#[derive(Debug, PartialEq)]
pub struct Copied {
    pub what: String,
    pub chars: usize,
    pub file: Result<String, String>,
}

/// What became of a change handed to the worker.
#[derive(Debug)]
pub enum ChangeReply {
    /// Settled; `unrecorded` says why its outcome could not be journaled, if it could not.
    Settled {
        settled: Box<Settled>,
        unrecorded: Option<String>,
    },
    /// Refused before sending (the journal cannot be written): nothing was sent.
    NotSent(String),
}

/// New users of a load (possibly none: a retry or the end) with what the progress line
/// needs.
#[derive(Debug)]
pub struct UsersPageReport {
    pub users: Vec<UserRecord>,
    /// Pages this report brings: 1 for a page, 0 for a retry or the end.
    pub pages: u32,
    /// Whether more is to come.
    pub more: bool,
    /// Time since the load started, measured by the worker.
    pub elapsed: Duration,
    /// Partitions paged concurrently (1: one page at a time).
    pub partitions: u8,
    /// Pages read again so far after throttling or a transient failure.
    pub retries: u32,
}

/// How far the relisting of a table opened from the cache went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefreshReport {
    /// Users listed so far.
    pub listed: usize,
    pub pages: u32,
    pub elapsed: Duration,
    pub partitions: u8,
    pub retries: u32,
}

/// The relisting of a table opened from the cache: progress, its end, or its failure.
#[derive(Debug)]
pub enum RefreshEvent {
    Progress(RefreshReport),
    /// Listed whole: what differs from the cache (or why it could not be compared).
    Done(RefreshReport, Result<Box<crate::cache::Refreshed>, String>),
    /// Stopped by a failure that retrying did not cure: the table stays the cache's.
    Failed(Failure),
}

/// What the worker read before a merge.
#[derive(Clone, Debug)]
pub struct MergeFacts {
    pub inputs: MergeInputs,
    /// When they were read (RFC 3339): the snapshot's time.
    pub read_at: String,
    /// Where the snapshot of this merge is (or will be) written.
    pub snapshot_path: std::path::PathBuf,
    /// A merge of this pair stopped earlier: its snapshot (the plan is made from it, with
    /// its options) and how many of its steps the journal shows applied.
    pub resume: Option<(MergeSnapshot, usize)>,
}
