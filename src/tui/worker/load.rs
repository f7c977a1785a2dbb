//! One load of the user table: the pool listed page by page (and, with the cache on, opened
//! from its cache file first, the listing then refreshing it), every page sent to the UI.

use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::cache;
use crate::aws::listing::{self, ListingEvent, ListingEvents, ListingPlan, ListingSettings};
use crate::aws::ops::Ops;
use crate::journal::now_rfc3339;
use crate::snapshot::Header;
use crate::tui::msg::{Msg, RefreshEvent, RefreshReport, RequestId, UsersPageReport};

/// One load of the user table: where it lists, and whom it answers.
pub(super) struct Load {
    pub ops: Ops,
    pub listing: ListingSettings,
    pub replies: UnboundedSender<Msg>,
    pub request_id: RequestId,
    pub pool_id: String,
    pub filter: Option<String>,
}

/// What a listing has done so far, for the progress line.
struct Counts {
    started: Instant,
    partitions: u8,
    pages: u32,
    retries: u32,
    listed: usize,
}

impl Counts {
    fn new(started: Instant, plan: &ListingPlan) -> Counts {
        Counts {
            started,
            partitions: u8::try_from(plan.partitions().len()).unwrap_or(u8::MAX),
            pages: 0,
            retries: 0,
            listed: 0,
        }
    }

    /// Counts a page and its users, or a page read again.
    fn count(&mut self, event: &ListingEvent) {
        match event {
            ListingEvent::Page { users } => {
                self.pages += 1;
                self.listed += users.len();
            }
            ListingEvent::Retrying { failure, rate } => {
                self.retries += 1;
                tracing::info!(rate, "reading a page again: {}", failure.summary());
            }
            _ => {}
        }
    }

    fn refresh(&self) -> RefreshReport {
        RefreshReport {
            listed: self.listed,
            pages: self.pages,
            elapsed: self.started.elapsed(),
            partitions: self.partitions,
            retries: self.retries,
        }
    }
}

impl Load {
    /// Lists the pool (one page at a time or partitioned, as `listing` and the pool's size
    /// decide) and sends every page, retry and the end as a `Msg::UsersPage`, stopping at the
    /// end, at the first failure that retrying did not cure, or when the UI has gone.
    /// Dropping the task (a new load, `CancelUsers`) drops the listing's receiver, which
    /// stops it.
    pub async fn stream(self) {
        let started = Instant::now();
        let (plan, events) = listing::start_chosen(
            self.ops.clone(),
            &self.pool_id,
            self.filter.clone(),
            self.listing,
        )
        .await;
        self.pages(started, &plan, events, None).await;
    }

    /// [`Load::stream`] of a whole pool with the cache on: the table opens from the cache
    /// file when there is one, and the listing refreshes it in the background; either way
    /// the listing is written to a new cache file, put in place once the listing is whole.
    pub async fn cached(self, job: cache::Job) {
        let request_id = self.request_id;
        let mut reading = job.open();
        let from_cache = loop {
            match reading.recv().await {
                Some(cache::Reading::Users { users, age }) => {
                    let msg = Msg::CacheOpened {
                        request_id,
                        users,
                        age,
                    };
                    if self.replies.send(msg).is_err() {
                        return;
                    }
                }
                Some(cache::Reading::End(Ok(given))) => break given,
                Some(cache::Reading::End(Err(reason))) => {
                    let _ = self.replies.send(Msg::CacheUnusable { request_id, reason });
                    break false;
                }
                None => break false,
            }
        };
        let started = Instant::now();
        // One DescribeUserPool for the file's header (the pool's name) and the plan.
        let (pool_name, estimate) = match self.ops.pool_name_and_estimate(&self.pool_id).await {
            Ok(found) => found,
            Err(f) => {
                tracing::info!(
                    "DescribeUserPool failed, listing sequentially: {}",
                    f.summary()
                );
                (None, None)
            }
        };
        let target = &self.ops.target;
        job.begin(Header::new(
            &self.pool_id,
            pool_name,
            target.region.clone(),
            target.label.clone().or_else(|| target.endpoint_url.clone()),
            now_rfc3339(),
        ));
        let (plan, events) = listing::start_with_estimate(
            self.ops.clone(),
            &self.pool_id,
            None,
            self.listing,
            estimate,
        );
        if from_cache {
            self.refresh(started, &plan, events, job).await;
        } else {
            self.pages(started, &plan, events, Some(job)).await;
        }
    }

    /// Sends the listing's pages to the UI (and to the cache file, with a `job`).
    async fn pages(
        &self,
        started: Instant,
        plan: &ListingPlan,
        mut events: ListingEvents,
        mut job: Option<cache::Job>,
    ) {
        let request_id = self.request_id;
        let mut counts = Counts::new(started, plan);
        let mut saving = None;
        while let Some(event) = events.recv().await {
            counts.count(&event);
            let (users, pages, more) = match event {
                ListingEvent::Page { users } => {
                    if let Some(job) = &job {
                        job.page(users.clone());
                    }
                    (users, 1, true)
                }
                ListingEvent::Retrying { .. } => (Vec::new(), 0, true),
                ListingEvent::Finished(_) => {
                    // Asked for before the UI hears of the end, so a quit at once still
                    // finds the file put in place.
                    saving = job.take().map(cache::Job::finish);
                    (Vec::new(), 0, false)
                }
                ListingEvent::Failed(failure) => {
                    let _ = self.replies.send(Msg::UsersPage {
                        request_id,
                        result: Err(failure),
                    });
                    break;
                }
            };
            let report = UsersPageReport {
                users,
                pages,
                more,
                elapsed: started.elapsed(),
                partitions: counts.partitions,
                retries: counts.retries,
            };
            let result = Ok(report);
            if self
                .replies
                .send(Msg::UsersPage { request_id, result })
                .is_err()
                || !more
            {
                break;
            }
        }
        tracing::info!(request_id, elapsed = ?started.elapsed(), "user load finished");
        if let Some(saving) = saving {
            let result = match saving.await {
                Ok(finished) => finished.saved,
                Err(_) => Err("the cache thread has stopped".into()),
            };
            let _ = self.replies.send(Msg::CacheSaved { request_id, result });
        }
    }

    /// Lists the pool behind a table opened from the cache: the pages go to the cache file
    /// and its comparison, the UI hears the progress and, at the end, what differs.
    async fn refresh(
        &self,
        started: Instant,
        plan: &ListingPlan,
        mut events: ListingEvents,
        job: cache::Job,
    ) {
        let request_id = self.request_id;
        let mut counts = Counts::new(started, plan);
        let send = |event| {
            (self.replies)
                .send(Msg::Refresh { request_id, event })
                .is_ok()
        };
        while let Some(event) = events.recv().await {
            counts.count(&event);
            match event {
                ListingEvent::Page { users } => job.page(users),
                ListingEvent::Retrying { .. } => {}
                ListingEvent::Finished(_) => {
                    let finished = job.finish().await;
                    let (refreshed, saved) = match finished {
                        Ok(f) => (
                            f.refreshed
                                .unwrap_or_else(|| Err("no cache to compare with".into())),
                            f.saved,
                        ),
                        Err(_) => {
                            let stopped = "the cache thread has stopped".to_owned();
                            (Err(stopped.clone()), Err(stopped))
                        }
                    };
                    tracing::info!(request_id, elapsed = ?started.elapsed(), "table refreshed");
                    send(RefreshEvent::Done(
                        counts.refresh(),
                        refreshed.map(Box::new),
                    ));
                    let _ = (self.replies).send(Msg::CacheSaved {
                        request_id,
                        result: saved,
                    });
                    return;
                }
                ListingEvent::Failed(failure) => {
                    // The job dropped with this task: the cache file stays as it was.
                    send(RefreshEvent::Failed(failure));
                    return;
                }
            }
            if !send(RefreshEvent::Progress(counts.refresh())) {
                return;
            }
        }
    }
}
