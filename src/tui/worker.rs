//! The one task that talks to Cognito. It owns the SDK client (`Ops`), takes `Request`s from
//! the UI and answers with `Msg`s on the UI's channel. The UI thread never awaits the network.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use super::effect::Request;
use super::msg::{ChangeReply, Msg, RequestId};
use crate::aws::Failure;
use crate::aws::listing::ListingSettings;
use crate::aws::ops::Ops;
use crate::cache::CacheSpec;
use crate::change::{Engine, Observer, Planned, Policy, RunError, recover};
use crate::journal::{Journal, LinkAttributes, now_rfc3339};

mod cache;
mod load;
mod merge;

use cache::Cache;
use load::Load;

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
