//! A table opened from the pool's cache file (`--cache`) and its refresh: what the views show
//! (the cache's age, how far the relisting is, the marks of what changed since) and the
//! handling of the worker's cache messages. Pure: the worker reads and writes the files.
//!
//! The table is usable from the first frame: moving, filtering, the detail (read fresh), the
//! link form (its review is made from facts read fresh, never from the cached row) and
//! merges (both users read fresh). When the relisting ends, the users that changed are
//! replaced, the new ones added, and the rows marked `+` added, `~` changed, `−` removed
//! (those stay, struck through, until the next load); a user this session changed keeps its
//! row as read back after the change. A refresh that fails leaves the cached table, saying so.

use std::collections::HashMap;
use std::time::Duration;

use super::keymap::{Action, Context};
use super::model::{Model, Phase, failure_text};
use super::msg::{RefreshEvent, RefreshReport, RequestId};
use crate::cache::{Mark, Refreshed};
use crate::domain::UserRecord;
use crate::domain::sanitize::sanitize;

pub mod state;

pub use state::{CacheView, MarkCounts, RefreshState};

/// Whether a cache message is for the load in progress (and its table came from the cache,
/// unless `opening`).
fn current(model: &Model, request_id: RequestId, opening: bool) -> bool {
    request_id == model.load.request_id
        && model.load.phase == Phase::Loading
        && (opening || model.cache.is_some())
}

/// Users of the cache file: the table opens with them (the first chunk, with none, says the
/// file is a cache of the pool) while the pool is listed again.
pub fn on_opened(model: &mut Model, request_id: RequestId, users: Vec<UserRecord>, age: Duration) {
    if !current(model, request_id, true) {
        tracing::debug!(request_id, "stale cache table ignored");
        return;
    }
    let cache = model.cache.get_or_insert_with(|| CacheView::new(age, 0));
    cache.cached += users.len();
    if !users.is_empty() {
        model.users.push_page(users);
    }
}

/// The cache file could not be used: what it gave is dropped, the pool is listed as without
/// one.
pub fn on_unusable(model: &mut Model, request_id: RequestId, reason: &str) {
    if current(model, request_id, true) {
        if model.cache.take().is_some() {
            model.users.clear();
        }
        model.flash(format!(
            "The pool's cache was not used ({}): listing the pool",
            sanitize(reason)
        ));
    }
}

pub fn on_refresh(model: &mut Model, request_id: RequestId, event: RefreshEvent) {
    if !current(model, request_id, false) {
        tracing::debug!(request_id, "stale refresh ignored");
        return;
    }
    let progress = |model: &mut Model, report: &RefreshReport| {
        model.load.pages = report.pages;
        model.load.elapsed = report.elapsed;
        model.load.partitions = report.partitions;
        model.load.retries = report.retries;
    };
    match event {
        RefreshEvent::Progress(report) => {
            progress(model, &report);
            if let Some(cache) = &mut model.cache {
                cache.refresh = RefreshState::Running {
                    listed: report.listed,
                };
            }
        }
        RefreshEvent::Done(report, Ok(refreshed)) => {
            progress(model, &report);
            model.load.phase = Phase::Done;
            apply(model, *refreshed);
        }
        RefreshEvent::Done(report, Err(reason)) => {
            progress(model, &report);
            model.load.phase = Phase::Done;
            if let Some(cache) = &mut model.cache {
                cache.refresh = RefreshState::Uncompared;
            }
            let refresh = model.key(Context::Users, Action::Refresh);
            model.error(format!(
                "The pool was listed again but could not be compared with its cache ({}); {refresh} reloads",
                sanitize(&reason)
            ));
        }
        RefreshEvent::Failed(failure) => {
            model.load.phase = Phase::Failed;
            let age = match &mut model.cache {
                Some(cache) => {
                    cache.refresh = RefreshState::Failed;
                    cache.age_text()
                }
                None => return,
            };
            let refresh = model.key(Context::Users, Action::Refresh);
            model.error(
                failure_text("Refreshing the table failed", &failure)
                    + &format!(" (the table is the pool {age}; {refresh} retries)"),
            );
        }
    }
}

/// The refresh's users into the table, and its marks.
fn apply(model: &mut Model, refreshed: Refreshed) {
    let Some(cache) = &mut model.cache else {
        return;
    };
    let Refreshed {
        changed,
        added,
        removed,
        listed,
    } = refreshed;
    let mut marks = HashMap::new();
    for user in &added {
        marks.insert(user.username().to_owned(), Mark::Added);
    }
    for (user, mark) in &changed {
        marks.insert(user.username().to_owned(), *mark);
    }
    for username in removed {
        marks.insert(username, Mark::Removed);
    }
    let mut counts = MarkCounts::default();
    for mark in marks.values() {
        match mark {
            Mark::Added => counts.added += 1,
            Mark::Changed => counts.changed += 1,
            Mark::Removed => counts.removed += 1,
        }
    }
    // What this session changed meanwhile is in the table as read back already.
    let touched = std::mem::take(&mut cache.touched);
    let fresh = |u: &UserRecord| !touched.contains(u.username());
    let changed: Vec<UserRecord> = changed.into_iter().map(|(u, _)| u).filter(fresh).collect();
    let added: Vec<UserRecord> = added.into_iter().filter(fresh).collect();
    cache.marks = marks;
    cache.counts = counts;
    cache.refresh = RefreshState::Done { listed };
    let text = cache.counts_text();
    model.users.refresh(changed, added);
    model.flash(format!("Refreshed: {text}"));
}

/// The load wrote the pool's cache file, or could not.
pub fn on_saved(model: &mut Model, request_id: RequestId, result: Result<u64, String>) {
    match result {
        Ok(users) => tracing::debug!(request_id, users, "pool cache written"),
        Err(reason) if request_id == model.load.request_id => model.error(format!(
            "The pool's cache was not written: {}",
            sanitize(&reason)
        )),
        Err(_) => {}
    }
}

/// A change of this session settled on `username` (its row is as read back).
pub fn touched(model: &mut Model, username: &str) {
    if let Some(cache) = &mut model.cache
        && cache.is_refreshing()
    {
        cache.touched.insert(username.to_owned());
    }
}

/// Esc stopped the refresh: the table stays the cache's.
pub fn stopped(model: &mut Model) -> bool {
    match &mut model.cache {
        Some(cache) if cache.is_refreshing() => {
            cache.refresh = RefreshState::Stopped;
            true
        }
        _ => false,
    }
}
