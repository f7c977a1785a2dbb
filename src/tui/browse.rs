//! Browsing: listing the pools, opening one, loading its users page by page, and reading one
//! user again; moving about the screens (`navigate.rs`) and filtering (`prompt.rs`). Asked
//! for by intents and answered by the worker's replies, both through `update.rs`.

use super::effect::{Effect, Request};
use super::keymap::{Action, Context};
use super::model::{LoadProgress, Model, Phase, PoolInfo, Screen, failure_text};
use super::msg::{RequestId, UsersPageReport};
use crate::aws::Failure;
use crate::aws::ops::PoolSummary;
use crate::domain::UserRecord;
use crate::domain::sanitize::sanitize;

mod navigate;
mod prompt;

pub use navigate::{
    back, cycle_sort, move_by, move_pool_selection, open, refresh, switch_pane, switch_pool,
};
pub use prompt::{apply_prompt, cancel_prompt, open_prompt, paste_in_prompt, type_in_prompt};

/// Asks for the pool list (picker).
pub fn load_pools(model: &mut Model) -> Vec<Effect> {
    model.picker.phase = Phase::Loading;
    vec![Effect::Worker(Request::LoadPools)]
}

/// Starts loading the current pool's users from the first page; pages of earlier loads
/// become stale.
pub fn start_users_load(model: &mut Model) -> Vec<Effect> {
    let Some(pool) = &model.pool else {
        return Vec::new();
    };
    let pool_id = pool.id.clone();
    let describe = pool.estimated_users.is_none();
    let request_id = model.new_request_id();
    model.users.clear();
    model.cache = None;
    model.load = LoadProgress::new(request_id, Phase::Loading);
    reserve_for_estimate(model);
    let mut effects = vec![Effect::Worker(Request::LoadUsers {
        request_id,
        pool_id: pool_id.clone(),
        filter: model.server_filter.clone(),
    })];
    if describe {
        effects.push(Effect::Worker(Request::DescribePool { pool_id }));
    }
    effects
}

/// Room in the table for the whole pool as Cognito estimates it, plus a sixteenth for an
/// estimate short of the truth, when the load lists the whole pool (a Cognito filter's
/// matches are no part of the estimate). At most `RESERVED_USERS_MAX`: past it, the
/// table grows as it fills.
pub fn reserve_for_estimate(model: &mut Model) {
    let estimate = model.pool.as_ref().and_then(|p| p.estimated_users);
    if let Some(estimate) = estimate
        && model.server_filter.is_none()
        && model.load.phase == Phase::Loading
    {
        model.users.reserve(room_for(estimate));
    }
}

/// 50,000,000 users: 3.2 GiB of table, most of it never touched if the estimate is wrong.
const RESERVED_USERS_MAX: usize = 50_000_000;

fn room_for(estimate: i32) -> usize {
    let estimate = usize::try_from(estimate).unwrap_or(0);
    estimate
        .saturating_add(estimate / 16)
        .min(RESERVED_USERS_MAX)
}

/// Switches to a pool chosen in the picker.
pub fn open_pool(model: &mut Model, pool: &PoolSummary) -> Vec<Effect> {
    model.screen = Screen::Users;
    if model.pool.as_ref().is_some_and(|p| p.id == pool.id) {
        return Vec::new();
    }
    model.pool = Some(PoolInfo {
        id: pool.id.clone(),
        name: Some(pool.name.clone()),
        estimated_users: pool.estimated_users,
    });
    model.server_filter = None;
    model.detail_open = false;
    model.users.set_query("");
    start_users_load(model)
}

pub fn on_pools(model: &mut Model, result: Result<Vec<PoolSummary>, Failure>) {
    match result {
        Ok(pools) => {
            let current = model.pool.as_ref().map(|p| p.id.clone());
            model.picker.selected = current
                .and_then(|id| pools.iter().position(|p| p.id == id))
                .unwrap_or(0);
            model.picker.pools = pools;
            model.picker.phase = Phase::Done;
        }
        Err(failure) => {
            model.picker.phase = Phase::Failed;
            let refresh = model.key(Context::Pools, Action::Refresh);
            model.error(
                failure_text("Listing pools failed", &failure) + &format!(" ({refresh} retries)"),
            );
        }
    }
}

pub fn on_users_page(
    model: &mut Model,
    request_id: RequestId,
    result: Result<UsersPageReport, Failure>,
) {
    if request_id != model.load.request_id || model.load.phase != Phase::Loading {
        tracing::debug!(request_id, "stale users page ignored");
        return;
    }
    match result {
        Ok(page) => {
            if !page.users.is_empty() {
                model.users.push_page(page.users);
            }
            model.load.pages += page.pages;
            model.load.elapsed = page.elapsed;
            model.load.partitions = page.partitions;
            model.load.retries = page.retries;
            if !page.more {
                model.load.phase = Phase::Done;
            }
        }
        Err(failure) => {
            model.load.phase = Phase::Failed;
            let refresh = model.key(Context::Users, Action::Refresh);
            model.error(
                failure_text("Loading users failed", &failure) + &format!(" ({refresh} retries)"),
            );
        }
    }
}

pub fn on_user(
    model: &mut Model,
    pool_id: &str,
    username: &str,
    result: Result<Option<UserRecord>, Failure>,
) {
    if model.pool.as_ref().is_none_or(|p| p.id != pool_id) {
        return;
    }
    match result {
        Ok(Some(user)) => {
            model.users.replace(user);
        }
        Ok(None) => {
            let refresh = model.key(Context::Users, Action::Refresh);
            model.error(format!(
                "User {} no longer exists in the pool ({refresh} reloads the list)",
                sanitize(username)
            ))
        }
        Err(failure) => model.error(failure_text("Reading the user failed", &failure)),
    }
}

#[cfg(test)]
mod tests {
    use super::{RESERVED_USERS_MAX, room_for};

    #[test]
    fn the_room_is_the_estimate_and_a_sixteenth_within_a_ceiling() {
        assert_eq!(room_for(1_600), 1_700);
        assert_eq!(room_for(0), 0);
        assert_eq!(room_for(-1), 0, "a negative estimate is no estimate");
        assert_eq!(room_for(i32::MAX), RESERVED_USERS_MAX);
    }
}
