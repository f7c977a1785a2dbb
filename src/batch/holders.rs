//! The full check of who already holds each source identity (`batch --check-holders`): what
//! a scan of the whole pool costs, stated before it runs, and the identity → holder map
//! built from the users it reads. Pure: the scan itself is the caller's.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::domain::UserRecord;

/// (provider name, value): how an identifier names a user or identity.
pub type IdentityKey = (String, String);

/// Who holds the batch's source identities, from a scan of every user of the pool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holders {
    /// The username holding each source identity that some user holds.
    pub by_identity: HashMap<IdentityKey, String>,
    /// How many users the scan read.
    pub users_scanned: usize,
}

impl Holders {
    /// Adds the users of one page: each identity among `sources` that a user holds.
    pub fn add_page(&mut self, users: &[UserRecord], sources: &HashSet<IdentityKey>) {
        self.users_scanned += users.len();
        for user in users {
            for identity in user.identities_or_empty() {
                let key = (
                    identity.provider_name.to_owned(),
                    identity.user_id.to_owned(),
                );
                if sources.contains(&key) {
                    self.by_identity.insert(key, user.username().to_owned());
                }
            }
        }
    }
}

/// What a partitioned scan of a pool costs: its ListUsers requests and, under a rate
/// ceiling, about how long they take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScanCost {
    /// The pool's estimated user count (DescribeUserPool).
    pub users: u64,
    pub requests: u64,
    /// The rate ceiling in requests per second; `None`: none.
    pub max_rps: Option<f64>,
}

impl ScanCost {
    /// The cost of listing `users` users in `partitions` partitions of pages of `page_size`:
    /// every partition reads at least one page, and about its share of the users.
    pub fn estimate(users: u64, partitions: u64, page_size: u64, max_rps: Option<f64>) -> Self {
        let partitions = partitions.max(1);
        let page_size = page_size.max(1);
        let per_partition = users.div_ceil(partitions).div_ceil(page_size).max(1);
        ScanCost {
            users,
            requests: per_partition * partitions,
            max_rps,
        }
    }

    /// Seconds the requests take at the rate ceiling, when there is one.
    pub fn seconds(&self) -> Option<f64> {
        self.max_rps.map(|rps| self.requests as f64 / rps)
    }
}

impl fmt::Display for ScanCost {
    /// `scanning 428 users: about 16 ListUsers requests, ~1 s at 30 requests/s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scanning {} users (the pool's estimate): about {} ListUsers requests",
            self.users, self.requests
        )?;
        match (self.seconds(), self.max_rps) {
            (Some(secs), Some(rps)) => {
                write!(
                    f,
                    ", ~{} at the list rate of {rps} requests/s",
                    duration(secs)
                )
            }
            _ => f.write_str(", with no rate ceiling"),
        }
    }
}

/// `1 s`, `2 min 5 s`, `1 h 3 min`: rounded up to the second.
fn duration(secs: f64) -> String {
    let total = secs.ceil().max(1.0) as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s} s"),
        _ => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::test_users::with_google_links as user;

    #[test]
    fn holders_keep_only_the_batch_sources() {
        let sources: HashSet<IdentityKey> = [("Google".into(), "1".into())].into();
        let mut holders = Holders::default();
        holders.add_page(&[user("ann", &["1", "2"]), user("bob", &[])], &sources);
        holders.add_page(&[user("cy", &["3"])], &sources);
        assert_eq!(holders.users_scanned, 3);
        assert_eq!(
            holders.by_identity,
            [(("Google".to_owned(), "1".to_owned()), "ann".to_owned())].into()
        );
    }

    #[test]
    fn the_cost_counts_a_page_per_partition_at_least_and_states_the_time() {
        let small = ScanCost::estimate(428, 16, 60, Some(30.0));
        assert_eq!(small.requests, 16);
        assert_eq!(
            small.to_string(),
            "scanning 428 users (the pool's estimate): about 16 ListUsers requests, ~1 s at \
             the list rate of 30 requests/s"
        );
        let big = ScanCost::estimate(1_000_000, 16, 60, Some(30.0));
        assert_eq!(big.requests, 16 * 1042);
        assert!(
            big.to_string()
                .ends_with("~9 min 16 s at the list rate of 30 requests/s")
        );
        let local = ScanCost::estimate(0, 16, 60, None);
        assert_eq!(local.requests, 16);
        assert!(
            local.to_string().ends_with("with no rate ceiling"),
            "{local}"
        );
        assert_eq!(duration(3_700.0), "1 h 1 min");
    }
}
