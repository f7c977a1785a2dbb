//! Listing a pool into a snapshot's records: the pool's name, its identity providers, its
//! groups with their members, then every user as the partitioned listing pages them.
//!
//! Group membership is read group by group (ListGroups, then ListUsersInGroup for each: about
//! one request per 60 members) rather than with AdminListGroupsForUser per user (one request
//! per user: 100,000 users take 33 minutes at its quota of 50 per second). The membership is
//! kept in memory, username → groups, until each user is written: memory grows with the
//! membership count, never with the pool's size, and users stream page by page.

use std::collections::HashMap;
use std::time::Duration;

use super::format::{EndEntry, GroupEntry, Header, ProviderEntry, Record, UserEntry};
use super::sink::RecordSink;
use crate::aws::Failure;
use crate::aws::listing::{self, ListingEvent, ListingSettings};
use crate::aws::ops::Ops;
use crate::journal::now_rfc3339;

/// Why a snapshot could not be taken.
#[derive(Debug)]
pub enum CollectError {
    /// A Cognito call failed (its operation named).
    Read {
        operation: &'static str,
        failure: Failure,
    },
    /// A record could not be written.
    Write(std::io::Error),
}

/// What was listed, for the summary line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Collected {
    pub counts: EndEntry,
    pub partitions: usize,
    pub pages: u64,
    pub throttles: u64,
    pub elapsed: Duration,
}

fn read(operation: &'static str) -> impl Fn(Failure) -> CollectError {
    move |failure| CollectError::Read { operation, failure }
}

/// Lists `pool_id` into `sink`, calling `on_retry` when a page is read again.
pub async fn collect(
    ops: &Ops,
    pool_id: &str,
    settings: ListingSettings,
    sink: &mut dyn RecordSink,
    mut on_retry: impl FnMut(&Failure),
) -> Result<Collected, CollectError> {
    let taken_at = now_rfc3339();
    // One DescribeUserPool for the header's name and the listing's choice of plan.
    let (pool_name, estimate) = ops
        .pool_name_and_estimate(pool_id)
        .await
        .map_err(read("DescribeUserPool"))?;
    let providers = ops
        .list_providers(pool_id)
        .await
        .map_err(read("ListIdentityProviders"))?;
    let groups = ops.list_groups(pool_id).await.map_err(read("ListGroups"))?;
    // username → indexes into `groups`: a membership costs its username and 4 bytes.
    let mut membership: HashMap<String, Vec<u32>> = HashMap::new();
    for (index, group) in (0u32..).zip(&groups) {
        let members = ops
            .list_group_members(pool_id, &group.name)
            .await
            .map_err(read("ListUsersInGroup"))?;
        for username in members {
            membership.entry(username).or_default().push(index);
        }
    }
    let groups_of = |indexes: Vec<u32>| -> Vec<String> {
        indexes
            .into_iter()
            .map(|i| groups[i as usize].name.clone())
            .collect()
    };
    let target = &ops.target;
    let endpoint = target.label.clone().or_else(|| target.endpoint_url.clone());
    let header = Header::new(
        pool_id,
        pool_name,
        target.region.clone(),
        endpoint,
        taken_at,
    );
    let mut write = |record: Record| sink.record(&record).map_err(CollectError::Write);
    write(Record::Header(header))?;
    let mut counts = EndEntry::default();
    for p in &providers {
        write(Record::Provider(ProviderEntry::from(p)))?;
        counts.providers += 1;
    }
    for g in &groups {
        write(Record::Group(GroupEntry::from(g)))?;
        counts.groups += 1;
    }
    let (plan, mut events) =
        listing::start_with_estimate(ops.clone(), pool_id, None, settings, estimate);
    while let Some(event) = events.recv().await {
        match event {
            ListingEvent::Page { users } => {
                for user in users {
                    let indexes = membership.remove(user.username()).unwrap_or_default();
                    write(Record::User(UserEntry::from_user(user, groups_of(indexes))))?;
                    counts.users += 1;
                }
            }
            ListingEvent::Retrying { failure, .. } => on_retry(&failure),
            ListingEvent::Finished(stats) => {
                write(Record::End(counts.clone()))?;
                return Ok(Collected {
                    counts,
                    partitions: plan.partitions().len(),
                    pages: stats.pages,
                    throttles: stats.throttles,
                    elapsed: stats.elapsed,
                });
            }
            ListingEvent::Failed(failure) => {
                return Err(CollectError::Read {
                    operation: "ListUsers",
                    failure,
                });
            }
        }
    }
    Err(CollectError::Read {
        operation: "ListUsers",
        failure: Failure {
            kind: crate::aws::FailureKind::Unreadable,
            code: None,
            message: "the listing stopped unexpectedly".into(),
            hint: None,
        },
    })
}
