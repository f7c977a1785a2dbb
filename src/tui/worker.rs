//! The one task that talks to Cognito. It owns the SDK client (`Ops`), takes `Command`s from
//! the UI and answers with `Msg`s on the UI's channel. The UI thread never awaits the network.

use std::time::Instant;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use super::effect::Command;
use super::msg::{Msg, RequestId, UsersPageReport};
use crate::aws::ops::{MAX_PAGE, Ops};

/// Runs until the command channel closes (the UI quit), then stops any running load.
pub async fn run(
    ops: Ops,
    mut commands: UnboundedReceiver<Command>,
    replies: UnboundedSender<Msg>,
) {
    let mut users_load: Option<JoinHandle<()>> = None;
    while let Some(command) = commands.recv().await {
        tracing::debug!(?command, "worker command");
        match command {
            Command::LoadPools => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let _ = replies.send(Msg::PoolsLoaded(ops.list_pools().await));
                });
            }
            Command::DescribePool { pool_id } => {
                let (ops, replies) = (ops.clone(), replies.clone());
                tokio::spawn(async move {
                    let result = ops.estimated_users(&pool_id).await;
                    if let Err(f) = &result {
                        tracing::info!("DescribeUserPool failed: {}", f.summary());
                    }
                    let _ = replies.send(Msg::PoolDescribed { pool_id, result });
                });
            }
            Command::LoadUsers {
                request_id,
                pool_id,
                filter,
            } => {
                if let Some(previous) = users_load.take() {
                    previous.abort();
                }
                let (ops, replies) = (ops.clone(), replies.clone());
                users_load = Some(tokio::spawn(stream_users(
                    ops, replies, request_id, pool_id, filter,
                )));
            }
            Command::CancelUsers => {
                if let Some(previous) = users_load.take() {
                    previous.abort();
                }
            }
            Command::GetUser { pool_id, username } => {
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
        }
    }
    if let Some(load) = users_load {
        load.abort();
    }
}

/// Sends every ListUsers page as its own message, stopping at the last page, at the first
/// failure, or when the UI has gone.
async fn stream_users(
    ops: Ops,
    replies: UnboundedSender<Msg>,
    request_id: RequestId,
    pool_id: String,
    filter: Option<String>,
) {
    let started = Instant::now();
    let mut token = None;
    loop {
        let result = ops
            .list_users_page(&pool_id, filter.as_deref(), token.take(), MAX_PAGE)
            .await;
        let (result, next) = match result {
            Ok(page) => {
                let next = page.next_token;
                let report = UsersPageReport {
                    users: page.users,
                    more: next.is_some(),
                    elapsed: started.elapsed(),
                };
                (Ok(report), next)
            }
            Err(failure) => (Err(failure), None),
        };
        if replies.send(Msg::UsersPage { request_id, result }).is_err() || next.is_none() {
            break;
        }
        token = next;
    }
    tracing::info!(request_id, elapsed = ?started.elapsed(), "user load finished");
}
