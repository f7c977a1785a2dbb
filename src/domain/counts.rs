//! Link counts of a destination before and after a change (`4/5 -> 5/5`), as the review
//! screens of the TUI and the CLI show them.
//!
//! Not a check: the link limit is enforced by `check_link` (`Rule::LinkLimitReached`); this only
//! words the count a change leads to, so it needs nothing but the limit itself.

use std::fmt;

use super::provider::MAX_LINKED_IDENTITIES;

/// Link counts of the destination before and after a change, for review screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountChange {
    pub before: usize,
    pub after: usize,
}

impl CountChange {
    pub fn link(before: usize) -> Self {
        CountChange {
            before,
            after: before + 1,
        }
    }

    pub fn unlink(before: usize) -> Self {
        CountChange {
            before,
            after: before.saturating_sub(1),
        }
    }

    pub fn exceeds_limit(self) -> bool {
        self.after > MAX_LINKED_IDENTITIES
    }
}

impl fmt::Display for CountChange {
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
        assert_eq!(CountChange::link(4).to_string(), "4/5 -> 5/5");
        assert!(!CountChange::link(4).exceeds_limit());
        assert!(CountChange::link(5).exceeds_limit());
        assert_eq!(CountChange::unlink(0).after, 0);
    }
}
