//! Listing every user of a pool: one page at a time, or partitioned by `sub` prefix.
//!
//! Partitioned listing splits the key space with the filters `sub ^= "0"` .. `sub ^= "f"`
//! (a `sub` is a lower-case UUID) and pages the 16 partitions concurrently, all sharing one
//! [`RateLimiter`], so a large pool loads at the quota rate instead of at one round trip per
//! page. Cognito allows one attribute per filter, so a listing with a filter of its own is
//! always sequential. Pages are read again on transient failures (reads are idempotent);
//! a user read again where two pages of a partition meet is dropped, so the result holds
//! every user once. Memory stays bounded whatever the pool's size (`listing_flow`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::failure::{Failure, FailureKind};
pub use super::listing_flow::{ListingEvent, ListingEvents, ListingStats};
use super::listing_flow::{ListingSender, PreviousPage, UNREAD_PAGES, listing_channel};
use super::ops::{MAX_PAGE, Ops};
use super::rate::{RateLimiter, paced_read};
use crate::domain::UserRecord;
use crate::domain::filter::{FilterOp, SearchAttribute, UserFilter};

/// Attempts per page before a transient failure is given up on.
pub const MAX_ATTEMPTS: u32 = 8;

/// Under `--listing auto`, pools whose DescribeUserPool estimate reaches this are listed
/// partitioned. Below it the 16 partitions' extra requests (at least one page each) cost
/// about what concurrent paging saves (~17 pages of 60).
pub const PARTITION_FROM_USERS: i32 = 1_000;

/// Default request-rate ceiling of a listing against AWS: ListUsers' quota category
/// (UserList) allows 30 RPS per account by default, not adjustable (spec §4; which category
/// ListUsers is in is UNVERIFIED, see `src/local/simulate.rs`).
pub const DEFAULT_LIST_RPS: f64 = 30.0;

/// How a whole pool is listed (`--listing`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ListingMode {
    /// Partitioned when the pool's estimated size reaches 1,000 users, else one page at a
    /// time.
    // (Shown by --help, hence no link: the figure is PARTITION_FROM_USERS.)
    #[default]
    Auto,
    /// One page at a time, in Cognito's order.
    Sequential,
    /// 16 `sub` prefixes paged concurrently.
    Partitioned,
}

/// How listings run: the mode and the request-rate ceiling (`None`: no ceiling; the rate
/// still adapts when throttled).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ListingSettings {
    pub mode: ListingMode,
    pub max_rps: Option<f64>,
}

/// What to list and how.
#[derive(Clone, Debug)]
pub struct ListingPlan {
    pub pool_id: String,
    /// A Cognito filter expression; forces sequential listing.
    pub filter: Option<String>,
    pub partitioned: bool,
    /// Partitions paged at the same time.
    pub concurrency: usize,
    /// Request-rate ceiling (ListUsers is in the UserList category: 30 RPS by default).
    pub max_rps: Option<f64>,
    pub page_size: i32,
}

impl ListingPlan {
    pub fn sequential(pool_id: &str, filter: Option<String>) -> Self {
        ListingPlan {
            pool_id: pool_id.to_owned(),
            filter,
            partitioned: false,
            concurrency: 1,
            max_rps: None,
            page_size: MAX_PAGE,
        }
    }

    pub fn partitioned(pool_id: &str, concurrency: usize, max_rps: Option<f64>) -> Self {
        ListingPlan {
            partitioned: true,
            concurrency: concurrency.clamp(1, 16),
            max_rps,
            ..ListingPlan::sequential(pool_id, None)
        }
    }

    /// The plan for listing `pool_id` under `settings`, given the pool's estimated user count
    /// (when it was read). A filter of its own always lists one page at a time: Cognito
    /// filters on one attribute, so it cannot be combined with the `sub` partitions.
    pub fn choose(
        pool_id: &str,
        filter: Option<String>,
        settings: ListingSettings,
        estimate: Option<i32>,
    ) -> ListingPlan {
        let partitioned = filter.is_none()
            && match settings.mode {
                ListingMode::Sequential => false,
                ListingMode::Partitioned => true,
                ListingMode::Auto => estimate.is_some_and(|n| n >= PARTITION_FROM_USERS),
            };
        if partitioned {
            ListingPlan::partitioned(pool_id, 16, settings.max_rps)
        } else {
            ListingPlan {
                max_rps: settings.max_rps,
                ..ListingPlan::sequential(pool_id, filter)
            }
        }
    }

    /// Whether the plan needs the pool's estimate to choose (`Auto` over the whole pool).
    pub fn needs_estimate(filter: Option<&str>, settings: ListingSettings) -> bool {
        filter.is_none() && settings.mode == ListingMode::Auto
    }

    /// How many listing tasks page at the same time.
    pub fn workers(&self) -> usize {
        if self.partitioned {
            self.concurrency.max(1)
        } else {
            1
        }
    }

    /// The filters each listing task pages through.
    pub fn partitions(&self) -> Vec<Option<String>> {
        if self.partitioned && self.filter.as_deref().is_none_or(str::is_empty) {
            "0123456789abcdef"
                .chars()
                .map(|c| {
                    Some(
                        UserFilter::new(SearchAttribute::Sub, FilterOp::StartsWith, &c.to_string())
                            .to_string(),
                    )
                })
                .collect()
        } else {
            vec![self.filter.clone()]
        }
    }
}

struct Shared {
    ops: Ops,
    plan: ListingPlan,
    limiter: RateLimiter,
    queue: Mutex<VecDeque<Option<String>>>,
    stats: Mutex<ListingStats>,
    tx: ListingSender,
}

/// Starts listing in the background; events arrive on the returned receiver, ending with
/// `Finished` or `Failed`. Dropping the receiver stops the listing.
pub fn start(ops: Ops, plan: ListingPlan) -> ListingEvents {
    let (tx, rx) = listing_channel(UNREAD_PAGES);
    let workers = plan.workers();
    let shared = Arc::new(Shared {
        queue: Mutex::new(plan.partitions().into()),
        limiter: RateLimiter::new(plan.max_rps),
        stats: Mutex::default(),
        ops,
        plan,
        tx,
    });
    tokio::spawn(async move {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..workers {
            tasks.spawn(worker(shared.clone()));
        }
        let mut failure = None;
        while let Some(result) = tasks.join_next().await {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(f)) => {
                    failure.get_or_insert(f);
                    tasks.abort_all();
                }
                Err(e) if e.is_cancelled() => {}
                Err(e) => {
                    failure.get_or_insert(Failure {
                        kind: FailureKind::Unreadable,
                        code: None,
                        message: format!("listing task failed: {e}"),
                        hint: None,
                    });
                }
            }
        }
        let event = match failure {
            Some(f) => ListingEvent::Failed(f),
            None => {
                let mut stats = lock(&shared.stats).clone();
                stats.elapsed = started.elapsed();
                stats.throttles = shared.limiter.throttles();
                ListingEvent::Finished(stats)
            }
        };
        shared.tx.event(event);
    });
    rx
}

/// Chooses the plan under `settings` (reading the pool's estimate with DescribeUserPool when
/// `Auto` needs it; if that read fails, one page at a time) and starts listing.
pub async fn start_chosen(
    ops: Ops,
    pool_id: &str,
    filter: Option<String>,
    settings: ListingSettings,
) -> (ListingPlan, ListingEvents) {
    let estimate = if ListingPlan::needs_estimate(filter.as_deref(), settings) {
        match ops.estimated_users(pool_id).await {
            Ok(estimate) => estimate,
            Err(f) => {
                tracing::info!(
                    "DescribeUserPool failed, listing sequentially: {}",
                    f.summary()
                );
                None
            }
        }
    } else {
        None
    };
    start_with_estimate(ops, pool_id, filter, settings, estimate)
}

/// Chooses the plan under `settings` given the pool's estimate, already read (or `None`),
/// and starts listing.
pub fn start_with_estimate(
    ops: Ops,
    pool_id: &str,
    filter: Option<String>,
    settings: ListingSettings,
    estimate: Option<i32>,
) -> (ListingPlan, ListingEvents) {
    let plan = ListingPlan::choose(pool_id, filter, settings, estimate);
    tracing::info!(
        partitioned = plan.partitioned,
        max_rps = ?plan.max_rps,
        ?estimate,
        "listing users"
    );
    let events = start(ops, plan.clone());
    (plan, events)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn worker(shared: Arc<Shared>) -> Result<(), Failure> {
    loop {
        let Some(partition) = lock(&shared.queue).pop_front() else {
            return Ok(());
        };
        let mut token = None;
        let mut previous = PreviousPage::default();
        loop {
            let page = fetch_page(&shared, partition.as_deref(), token.clone()).await?;
            let fresh: Vec<UserRecord> = previous.fresh(page.users);
            {
                let mut stats = lock(&shared.stats);
                stats.pages += 1;
                stats.users += fresh.len() as u64;
            }
            if !shared.tx.page(ListingEvent::Page { users: fresh }).await {
                return Ok(()); // nobody listens any more
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
}

async fn fetch_page(
    shared: &Shared,
    filter: Option<&str>,
    token: Option<String>,
) -> Result<super::ops::UsersPage, Failure> {
    let plan = &shared.plan;
    paced_read(
        &shared.limiter,
        MAX_ATTEMPTS,
        || {
            shared.ops.list_users_page_with(
                &plan.pool_id,
                filter,
                token.clone(),
                plan.page_size,
                false,
            )
        },
        |f| {
            lock(&shared.stats).retries += 1;
            shared.tx.event(ListingEvent::Retrying {
                rate: shared.limiter.rate(),
                failure: f.clone(),
            });
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::filter::parse_filter;

    #[test]
    fn partitions_cover_every_hex_prefix_once() {
        let plan = ListingPlan::partitioned("p_1", 8, Some(30.0));
        let parts = plan.partitions();
        assert_eq!(parts.len(), 16);
        let prefixes: HashSet<String> = parts
            .iter()
            .map(|p| parse_filter(p.as_deref().unwrap()).unwrap().unwrap().value)
            .collect();
        assert_eq!(prefixes.len(), 16);
        for c in "0123456789abcdef".chars() {
            assert!(prefixes.contains(&c.to_string()));
        }
    }

    #[test]
    fn auto_partitions_large_pools_only_and_explicit_modes_win() {
        let auto = ListingSettings {
            mode: ListingMode::Auto,
            max_rps: Some(30.0),
        };
        let large = ListingPlan::choose("p_1", None, auto, Some(PARTITION_FROM_USERS));
        assert!(large.partitioned);
        assert_eq!(large.partitions().len(), 16);
        assert_eq!(large.max_rps, Some(30.0));
        let small = ListingPlan::choose("p_1", None, auto, Some(PARTITION_FROM_USERS - 1));
        assert!(!small.partitioned);
        assert_eq!(small.max_rps, Some(30.0));
        assert!(!ListingPlan::choose("p_1", None, auto, None).partitioned);
        let forced = ListingSettings {
            mode: ListingMode::Partitioned,
            max_rps: None,
        };
        assert!(ListingPlan::choose("p_1", None, forced, Some(3)).partitioned);
        let sequential = ListingSettings {
            mode: ListingMode::Sequential,
            max_rps: None,
        };
        assert!(!ListingPlan::choose("p_1", None, sequential, Some(1_000_000)).partitioned);
        assert!(ListingPlan::needs_estimate(None, auto));
        assert!(!ListingPlan::needs_estimate(Some("email = \"a\""), auto));
        assert!(!ListingPlan::needs_estimate(None, forced));
    }

    #[test]
    fn a_filter_keeps_the_listing_sequential_whatever_the_mode() {
        let forced = ListingSettings {
            mode: ListingMode::Partitioned,
            max_rps: None,
        };
        let plan = ListingPlan::choose("p_1", Some("email ^= \"a\"".into()), forced, Some(50_000));
        assert!(!plan.partitioned);
        assert_eq!(plan.workers(), 1);
        assert_eq!(plan.partitions(), vec![Some("email ^= \"a\"".to_owned())]);
    }

    #[test]
    fn a_filter_of_its_own_forces_one_sequential_listing() {
        let mut plan = ListingPlan::partitioned("p_1", 8, None);
        plan.filter = Some(r#"email ^= "a""#.into());
        assert_eq!(plan.partitions(), vec![Some(r#"email ^= "a""#.to_owned())]);
        assert_eq!(
            ListingPlan::sequential("p_1", None).partitions(),
            vec![None]
        );
    }
}
