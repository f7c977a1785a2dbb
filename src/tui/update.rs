//! `update(model, msg) -> effects`: every state change of the UI, with no I/O and no async.
//! Keys are handled in `keys.rs`; the worker's replies, the clock and the mouse here.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::change;
use super::effect::{Command, Effect};
use super::keys;
use super::model::{LoadProgress, Model, Phase, PoolInfo, Screen, Status, WHEEL_STEP};
use super::msg::{Msg, RequestId, UsersPageReport};
use super::view::layout;
use crate::aws::Failure;
use crate::aws::ops::PoolSummary;
use crate::domain::UserRecord;
use crate::domain::sanitize::sanitize;

/// What to do at start-up: the pool picker's list, or the given pool's users.
pub fn init(model: &mut Model) -> Vec<Effect> {
    match &model.pool {
        Some(_) => start_users_load(model),
        None => load_pools(model),
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(model, msg);
    let rows = layout::table_rows(model);
    model.users.scroll_into_view(rows);
    // A quit asked for during a change happens once the change is settled: after the
    // effects that journal it, which the event loop still runs on its way out.
    if model.quit_after_change && model.change.is_none() && !effects.contains(&Effect::Quit) {
        effects.push(Effect::Quit);
    }
    effects
}

fn dispatch(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => keys::on_key(model, key),
        Msg::Paste(text) => {
            keys::on_paste(model, &text);
            Vec::new()
        }
        Msg::Mouse(mouse) => {
            on_mouse(model, mouse);
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.size = (width, height);
            Vec::new()
        }
        Msg::Tick => {
            on_tick(model);
            Vec::new()
        }
        Msg::FilterStep => {
            model.users.continue_filter(super::users::FILTER_BUDGET);
            Vec::new()
        }
        Msg::Connected { target } => {
            model.setup.target = target;
            Vec::new()
        }
        Msg::JournalLinks(links) => {
            model.journal_links = links;
            Vec::new()
        }
        Msg::ConnectFailed => vec![Effect::Quit],
        Msg::PoolsLoaded(result) => {
            on_pools(model, result);
            Vec::new()
        }
        Msg::PoolDescribed { pool_id, result } => {
            if let (Some(pool), Ok(estimate)) = (&mut model.pool, result)
                && pool.id == pool_id
            {
                pool.estimated_users = estimate;
            }
            Vec::new()
        }
        Msg::UsersPage { request_id, result } => {
            on_users_page(model, request_id, result);
            change::revalidate(model);
            Vec::new()
        }
        Msg::UserLoaded {
            pool_id,
            username,
            result,
        } => {
            on_user(model, &pool_id, &username, result.clone());
            change::revalidate(model);
            change::after_user_loaded(model, &pool_id, &username, &result)
        }
        Msg::ProvidersLoaded { pool_id, result } => {
            change::on_providers(model, &pool_id, result);
            Vec::new()
        }
        Msg::LinkFactsLoaded { request_id, result } => {
            change::on_facts(model, request_id, result);
            Vec::new()
        }
        Msg::ChangeDone {
            request_id,
            at,
            result,
        } => change::on_change_done(model, request_id, at, result),
        Msg::Recorded(result) => {
            change::on_recorded(model, result);
            Vec::new()
        }
    }
}

/// Asks for the pool list (picker).
pub fn load_pools(model: &mut Model) -> Vec<Effect> {
    model.picker.phase = Phase::Loading;
    vec![Effect::Worker(Command::LoadPools)]
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
    model.load = LoadProgress::new(request_id, Phase::Loading);
    let mut effects = vec![Effect::Worker(Command::LoadUsers {
        request_id,
        pool_id: pool_id.clone(),
        filter: model.server_filter.clone(),
    })];
    if describe {
        effects.push(Effect::Worker(Command::DescribePool { pool_id }));
    }
    effects
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

/// The error line for a failure: what failed, what to do next, then the details (the
/// advice comes first so a narrow status line still shows it).
pub fn failure_text(what: &str, failure: &Failure) -> String {
    let text = match &failure.hint {
        Some(hint) => {
            let details = Failure {
                hint: None,
                ..failure.clone()
            };
            format!("{what} — {hint} · {}", details.summary())
        }
        None => format!("{what}: {}", failure.summary()),
    };
    sanitize(&text).into_owned()
}

fn on_pools(model: &mut Model, result: Result<Vec<PoolSummary>, Failure>) {
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
            model.error(failure_text("Listing pools failed", &failure) + " (R retries)");
        }
    }
}

fn on_users_page(
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
            model.error(failure_text("Loading users failed", &failure) + " (R retries)");
        }
    }
}

fn on_user(
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
        Ok(None) => model.error(format!(
            "User {} no longer exists in the pool (R reloads the list)",
            sanitize(username)
        )),
        Err(failure) => model.error(failure_text("Reading the user failed", &failure)),
    }
}

fn on_tick(model: &mut Model) {
    if model.is_busy() {
        model.spinner = model.spinner.wrapping_add(1);
    }
    if let Status::Info { ticks_left, .. } = &mut model.status {
        *ticks_left = ticks_left.saturating_sub(1);
        if *ticks_left == 0 {
            model.status = Status::None;
        }
    }
}

fn on_mouse(model: &mut Model, mouse: MouseEvent) {
    let (w, h) = model.size;
    let areas = layout::areas(model, Rect::new(0, 0, w, h));
    let at = Position::new(mouse.column, mouse.row);
    let delta = match mouse.kind {
        MouseEventKind::ScrollDown => WHEEL_STEP,
        MouseEventKind::ScrollUp => -WHEEL_STEP,
        MouseEventKind::Down(MouseButton::Left) => {
            // A click on a user row selects it (below the border and the column header).
            let first_row = areas.main.y + 2;
            if model.screen == Screen::Users
                && !model.help_open
                && model.prompt.is_none()
                && model.modal.is_none()
                && areas.main.contains(at)
                && at.y >= first_row
            {
                model.users.select_visible(usize::from(at.y - first_row));
                model.focus = super::model::Pane::Table;
            }
            return;
        }
        _ => return,
    };
    if model.help_open {
        model.help_scroll = model.help_scroll.saturating_add_signed(delta as i16);
        return;
    }
    if model.modal.is_some() {
        return;
    }
    match model.screen {
        Screen::Pools => keys::move_pool_selection(model, delta),
        Screen::Users if areas.detail.is_some_and(|d| d.contains(at)) => {
            model.detail_scroll = model.detail_scroll.saturating_add_signed(delta as i16);
        }
        Screen::Users => model.users.move_by(delta),
    }
}
