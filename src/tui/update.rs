//! `update(model, msg) -> effects`: every state change of the UI, with no I/O and no async.
//! Keys are handled in `keys.rs`, pool and user loading in `browse.rs`, changes in
//! `change.rs`; the worker's replies are routed, the clock and the mouse handled here.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::browse;
use super::effect::Effect;
use super::keys;
use super::linking;
use super::model::{Model, Screen, Status, WHEEL_STEP};
use super::msg::{ChangeReply, Msg};
use super::view::layout;
use crate::domain::sanitize::sanitize;

/// What to do at start-up: the pool picker's list, or the given pool's users.
pub fn init(model: &mut Model) -> Vec<Effect> {
    match &model.pool {
        Some(_) => browse::start_users_load(model),
        None => browse::load_pools(model),
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(model, msg);
    let rows = layout::table_rows(model);
    model.users.scroll_into_view(rows);
    // A quit asked for during a change happens once the change is settled (the worker has
    // journaled it by then).
    if model.quit_after_change && model.in_flight.is_none() && !effects.contains(&Effect::Quit) {
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
            browse::on_pools(model, result);
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
            browse::on_users_page(model, request_id, result);
            linking::revalidate(model);
            Vec::new()
        }
        Msg::UserLoaded {
            pool_id,
            username,
            result,
        } => {
            browse::on_user(model, &pool_id, &username, result);
            linking::revalidate(model);
            Vec::new()
        }
        Msg::ProvidersLoaded { pool_id, result } => {
            linking::on_providers(model, &pool_id, result);
            Vec::new()
        }
        Msg::LinkFactsLoaded { request_id, result } => {
            linking::on_facts(model, request_id, result);
            Vec::new()
        }
        Msg::ChangeUnclear {
            request_id,
            failure,
        } => {
            linking::on_unclear(model, request_id, failure);
            Vec::new()
        }
        Msg::Settled {
            request_id,
            at,
            reply,
        } => {
            // The user as read back replaces its row and detail, as any fresh read does.
            if let ChangeReply::Settled { settled, .. } = &reply
                && let Some(fresh) = &settled.fresh
                && model
                    .in_flight
                    .as_ref()
                    .is_some_and(|p| p.request_id == request_id)
            {
                let pool_id = settled.planned.pool_id().to_owned();
                browse::on_user(
                    model,
                    &pool_id,
                    &fresh.username.clone(),
                    Ok(Some(fresh.clone())),
                );
            }
            linking::on_settled(model, request_id, at, reply);
            linking::revalidate(model);
            Vec::new()
        }
        Msg::Recovered(lines) => {
            model.flash(sanitize(&format!("journal: {}", lines.join("; "))).into_owned());
            Vec::new()
        }
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
