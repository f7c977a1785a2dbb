//! The state of a table opened from the cache, as the model holds it and the views read it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::cache::{Mark, age_text};
use crate::tui::format::count;

/// How far the relisting behind a cached table went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshState {
    Running {
        listed: usize,
    },
    /// Listed whole and compared: the marks are set.
    Done {
        listed: usize,
    },
    /// Listed whole, but it could not be compared with the cache (why).
    Uncompared,
    /// Stopped by a failure: the table is the cache's.
    Failed,
    /// Stopped with Esc: the table is the cache's.
    Stopped,
}

/// How many rows of each mark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkCounts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// The table came from the cache.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheView {
    /// How old the cache was when the table opened from it.
    pub age: Duration,
    /// Users the cache held.
    pub cached: usize,
    pub refresh: RefreshState,
    /// The users added, changed and removed since the cache, by username (once refreshed).
    pub marks: HashMap<String, Mark>,
    pub counts: MarkCounts,
    /// Users this session changed during the refresh: their rows as read back after the
    /// change are fresher than what the listing may have read before it.
    pub(super) touched: HashSet<String>,
}

impl CacheView {
    pub fn new(age: Duration, cached: usize) -> CacheView {
        CacheView {
            age,
            cached,
            refresh: RefreshState::Running { listed: 0 },
            marks: HashMap::new(),
            counts: MarkCounts::default(),
            touched: HashSet::new(),
        }
    }

    pub fn mark(&self, username: &str) -> Option<Mark> {
        self.marks.get(username).copied()
    }

    /// `cached 3 h ago`.
    pub fn age_text(&self) -> String {
        format!("cached {} ago", age_text(self.age))
    }

    /// `since cache: +12 ~3 −1`, or `no change since cache`.
    pub fn counts_text(&self) -> String {
        let c = self.counts;
        if c == MarkCounts::default() {
            return "no change since cache".into();
        }
        format!(
            "since cache: +{} ~{} −{}",
            count(c.added),
            count(c.changed),
            count(c.removed)
        )
    }

    pub fn is_refreshing(&self) -> bool {
        matches!(self.refresh, RefreshState::Running { .. })
    }
}
