//! `batch --check-holders`: a partitioned scan of the whole pool for the users already
//! holding the batch's source identities, with its cost stated before it runs.

use std::collections::HashSet;

use super::CmdError;
use crate::aws::listing::{self, ListingEvent, ListingPlan, ListingSettings};
use crate::aws::ops::{MAX_PAGE, Ops};
use crate::batch::holders::{Holders, ScanCost};
use crate::batch::plan::{IdentityKey, identity_key};
use crate::batch::rows::BatchRow;

/// Partitions of the scan (the 16 `sub` prefixes).
const PARTITIONS: usize = 16;

/// Scans every user of `pool_id` for the holders of the rows' source identities, saying on
/// stderr what it costs first (from DescribeUserPool's estimate) and what it read after.
pub async fn scan(
    ops: &Ops,
    pool_id: &str,
    rows: &[BatchRow],
    settings: ListingSettings,
) -> Result<Holders, CmdError> {
    let sources: HashSet<IdentityKey> = rows
        .iter()
        .map(|r| identity_key(&r.request.source()))
        .collect();
    let estimate = ops
        .estimated_users(pool_id)
        .await
        .map_err(|f| CmdError::failure_while("reading the pool's size for --check-holders", &f))?;
    match estimate.and_then(|n| u64::try_from(n).ok()) {
        Some(users) => {
            let cost =
                ScanCost::estimate(users, PARTITIONS as u64, MAX_PAGE as u64, settings.max_rps);
            eprintln!("checking who holds the sources: {cost}...");
        }
        None => eprintln!(
            "checking who holds the sources: the pool's size is unknown: one ListUsers \
             request per {MAX_PAGE} users, at least {PARTITIONS}..."
        ),
    }
    let plan = ListingPlan::partitioned(pool_id, PARTITIONS, settings.max_rps);
    let mut events = listing::start(ops.clone(), plan);
    let mut holders = Holders::default();
    while let Some(event) = events.recv().await {
        match event {
            ListingEvent::Page { users } => holders.add_page(&users, &sources),
            ListingEvent::Retrying { failure, .. } => {
                eprintln!("coglink: reading a page again: {}", failure.summary());
            }
            ListingEvent::Finished(stats) => {
                eprintln!(
                    "checked {} users in {} ListUsers requests ({:.1} s): {} of the sources \
                     are held by a user",
                    stats.users,
                    stats.pages,
                    stats.elapsed.as_secs_f64(),
                    holders.by_identity.len()
                );
                break;
            }
            ListingEvent::Failed(f) => {
                return Err(CmdError::failure_while(
                    "scanning the pool for --check-holders (ListUsers)",
                    &f,
                ));
            }
        }
    }
    Ok(holders)
}
