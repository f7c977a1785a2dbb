//! The one task that talks to Cognito. It owns the SDK client (`Ops`), takes `Request`s from
//! the UI and answers with `Msg`s on the UI's channel. The UI thread never awaits the network.

use std::time::Instant;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use super::effect::Request;
use super::msg::{ChangeReply, Msg, RefreshEvent, RefreshReport, RequestId, UsersPageReport};
use crate::aws::Failure;
use crate::aws::listing::{self, ListingEvent, ListingEvents, ListingPlan, ListingSettings};
use crate::aws::ops::Ops;
use crate::cache::CacheSpec;
use crate::change::{Engine, Observer, Planned, Policy, RunError, recover};
use crate::journal::{Journal, LinkAttributes, now_rfc3339};
use crate::snapshot::Header;

mod cache;
mod merge;

use cache::Cache;

/// What the UI's worker needs once the session has opened.
pub struct Connected {
    pub ops: Ops,
    /// `Target::describe()`, for the header.
    pub target: String,
    /// How user tables are listed (`--listing`, `--list-rate`).
    pub listing: ListingSettings,
    /// Where pools' caches are (`--cache`); `None`: the cache is off, nothing is read from
    /// or written to the cache directory.
    pub cache: Option<CacheSpec>,
}

/// How the session's opening reaches the worker: `Err` carries nothing, as the reason is
/// reported by whoever opened it, after the terminal is restored.
pub type Connecting = tokio::sync::oneshot::Receiver<Result<Connected, ()>>;

/// Waits for the session to open (commands queue meanwhile; the UI is already drawn), then
/// runs. When it cannot open, the UI is told to quit.
pub async fn run_when_connected(
    connecting: Connecting,
    journal: Journal,
    commands: UnboundedReceiver<Request>,
    replies: UnboundedSender<Msg>,
) {
    match connecting.await {
        Ok(Ok(Connected {
            ops,
            target,
            listing,
            cache,
        })) => {
            let _ = replies.send(Msg::Connected { target });
            let (links_journal, links_replies) = (journal.clone(), replies.clone());
            tokio::task::spawn_blocking(move || {
                let entries = links_journal.read_all().unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "journal unreadable: how identities were linked is unknown");
                    Vec::new()
                });
                let _ =
                    links_replies.send(Msg::JournalLinks(LinkAttributes::from_entries(&entries)));
            });
            let cache = cache.map(Cache::start);
            run(ops, listing, journal, cache, commands, replies).await;
        }
        Ok(Err(())) | Err(_) => {
            let _ = replies.send(Msg::ConnectFailed);
        }
    }
}

/// Runs until the command channel closes (the UI quit), then stops any running load.
async fn run(
    ops: Ops,
    listing: ListingSettings,
    journal: Journal,
    cache: Option<Cache>,
    mut commands: UnboundedReceiver<Request>,
    replies: UnboundedSender<Msg>,
) {
    let mut users_load: Option<JoinHandle<()>> = None;
    let engine = Engine::new(ops.clone(), journal, "tui");
    let mut changes = tokio::task::JoinSet::new();
    {
        // Changes an earlier run left in flight, settled before this session makes any.
        let (engine, replies) = (engine.clone(), replies.clone());
        changes.spawn(async move {
            let lines = match recover(&engine).await {
                Ok(found) => found.iter().map(|r| r.summary()).collect(),
                Err(e) => vec![format!(
                    "the journal's earlier changes could not be checked: {e}"
                )],
            };
            if !lines.is_empty() {
                let _ = replies.send(Msg::Recovered(lines));
            }
        });
    }
    while let Some(command) = commands.recv().await {
        tracing::debug!(?command, "worker command");
        match command {
            Request::LoadPools => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let _ = replies.send(Msg::PoolsLoaded(ops.list_pools().await));
                });
            }
            Request::DescribePool { pool_id } => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = ops.estimated_users(&pool_id).await;
                    if let Err(f) = &result {
                        tracing::info!("DescribeUserPool failed: {}", f.summary());
                    }
                    let _ = replies.send(Msg::PoolDescribed { pool_id, result });
                });
            }
            Request::LoadUsers {
                request_id,
                pool_id,
                filter,
            } => {
                if let Some(previous) = users_load.take() {
                    previous.abort();
                }
                let (ops, replies) = (ops.clone(), replies.clone());
                // Only a listing of the whole pool is cached: a filtered one is not the pool.
                let job = (cache.as_ref())
                    .filter(|_| filter.is_none())
                    .map(|c| c.job(request_id, &pool_id));
                let load = Load {
                    ops,
                    listing,
                    replies,
                    request_id,
                    pool_id,
                    filter,
                };
                users_load = Some(match job {
                    Some(job) => tokio::spawn(load.cached(job)),
                    None => tokio::spawn(load.stream()),
                });
            }
            Request::CancelUsers => {
                if let Some(previous) = users_load.take() {
                    previous.abort();
                }
            }
            Request::GetUser { pool_id, username } => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = ops.get_user(&pool_id, &username).await;
                    let _ = replies.send(Msg::UserLoaded {
                        pool_id,
                        username,
                        result,
                    });
                });
            }
            Request::LoadProviders { pool_id } => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = ops.list_providers(&pool_id).await;
                    let _ = replies.send(Msg::ProvidersLoaded { pool_id, result });
                });
            }
            Request::LinkFacts {
                request_id,
                req,
                linked_to,
            } => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = ops.link_facts(&req, linked_to).await;
                    let _ = replies.send(Msg::LinkFactsLoaded { request_id, result });
                });
            }
            Request::Apply {
                request_id,
                planned,
            } => {
                let (engine, replies) = (engine.clone(), replies.clone());
                changes.spawn(apply(engine, replies, cache.clone(), request_id, *planned));
            }
            Request::MergeFacts {
                request_id,
                pool_id,
                keep,
                merge,
            } => {
                let (engine, replies) = (engine.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = merge::facts(&engine, &pool_id, &keep, &merge).await;
                    let result = result.map(Box::new);
                    let _ = replies.send(Msg::MergeFacts { request_id, result });
                });
            }
            Request::ApplyMerge {
                request_id,
                snapshot,
                plan,
            } => {
                let (engine, replies) = (engine.clone(), replies.clone());
                changes.spawn(merge::apply(
                    engine,
                    replies,
                    cache.clone(),
                    request_id,
                    *snapshot,
                    *plan,
                ));
            }
        }
    }
    if let Some(load) = users_load {
        load.abort();
    }
    // The UI has gone; a change still in flight is finished and journaled with its real
    // outcome (the event loop waits for this, after restoring the terminal).
    while changes.join_next().await.is_some() {}
}

/// Makes one change and answers with its settlement.
async fn apply(
    engine: Engine,
    replies: UnboundedSender<Msg>,
    cache: Option<Cache>,
    request_id: RequestId,
    planned: Planned,
) {
    let observer = Unclear {
        replies: replies.clone(),
        request_id,
    };
    let reply = match engine.apply(&planned, Policy::ONCE, &observer).await {
        Ok(settled) => ChangeReply::Settled {
            settled: Box::new(settled),
            unrecorded: None,
        },
        Err(RunError::OutcomeNotRecorded {
            settled,
            entry,
            error,
        }) => {
            tracing::error!(entry, "journal entry not recorded");
            ChangeReply::Settled {
                settled,
                unrecorded: Some(error.to_string()),
            }
        }
        Err(e @ RunError::NotRecordable(_)) => ChangeReply::NotSent(e.to_string()),
    };
    tracing::info!(request_id, "change settled");
    if let (Some(cache), ChangeReply::Settled { settled, .. }) = (&cache, &reply) {
        cache.settled([settled.as_ref()]);
    }
    let _ = replies.send(Msg::Settled {
        request_id,
        at: now_rfc3339(),
        reply,
    });
}

/// Tells the UI when the change in flight is being read back after an unclear answer.
struct Unclear {
    replies: UnboundedSender<Msg>,
    request_id: RequestId,
}

impl Observer for Unclear {
    fn unclear(&self, failure: &Failure) {
        let _ = self.replies.send(Msg::ChangeUnclear {
            request_id: self.request_id,
            failure: failure.clone(),
        });
    }
}

/// One load of the user table: where it lists, and whom it answers.
struct Load {
    ops: Ops,
    listing: ListingSettings,
    replies: UnboundedSender<Msg>,
    request_id: RequestId,
    pool_id: String,
    filter: Option<String>,
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
    async fn stream(self) {
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
    async fn cached(self, job: cache::Job) {
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
