//! Link counts of a user before and after a change (`4/5 -> 5/5`), as the review
//! screens of the TUI and the CLI show them.
//!
//! Not a check: the link limit is enforced by `check_link` (`Rule::LinkLimitReached`); this only
//! words the count a change leads to, so it needs nothing but the limit itself.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::provider::MAX_LINKED_IDENTITIES;

/// A user's link counts before and after a change: planned for the review, as read back
/// once it is settled (and so in the journal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCounts {
    pub before: usize,
    pub after: usize,
}

impl LinkCounts {
    pub fn link(before: usize) -> Self {
        LinkCounts {
            before,
            after: before + 1,
        }
    }

    pub fn unlink(before: usize) -> Self {
        LinkCounts {
            before,
            after: before.saturating_sub(1),
        }
    }

    pub fn exceeds_limit(self) -> bool {
        self.after > MAX_LINKED_IDENTITIES
    }
}

impl fmt::Display for LinkCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{MAX_LINKED_IDENTITIES} -> {}/{MAX_LINKED_IDENTITIES}",
            self.before, self.after
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_change_reports_before_and_after() {
        assert_eq!(LinkCounts::link(4).to_string(), "4/5 -> 5/5");
        assert!(!LinkCounts::link(4).exceeds_limit());
        assert!(LinkCounts::link(5).exceeds_limit());
        assert_eq!(LinkCounts::unlink(0).after, 0);
    }
}
