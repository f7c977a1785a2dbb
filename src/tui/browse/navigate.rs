//! Moving about the browse screens: the selection, the detail pane, opening a pool or a
//! user, Esc, the sort and the pool picker. Asked for by intents (`update.rs`).

use super::{load_pools, open_pool, start_users_load};
use crate::tui::effect::{Effect, Request};
use crate::tui::intent::Step;
use crate::tui::keymap::{Action, Context};
use crate::tui::model::{Model, Pane, Phase, Screen, Status};
use crate::tui::view::{detail as detail_view, layout};

/// Moves the selection (pool picker, table) or the detail's cursor and scroll.
pub fn move_by(model: &mut Model, step: Step) {
    let delta = match step {
        Step::Lines(n) => n,
        Step::Pages(n) => n * page(model),
        Step::First => isize::MIN / 2,
        Step::Last => isize::MAX / 2,
    };
    match model.context() {
        Context::Pools => move_pool_selection(model, delta),
        Context::Detail => move_in_detail(model, delta),
        _ => {
            model.users.move_by(delta);
            model.detail_scroll = 0;
            model.identity_cursor = 0;
        }
    }
}

fn page(model: &Model) -> isize {
    if model.context() == Context::Detail {
        layout::detail_rows(model) as isize
    } else {
        layout::table_rows(model) as isize
    }
}

/// One step moves the identity cursor (and scrolls to keep it visible) when the user has
/// identities; bigger moves scroll.
fn move_in_detail(model: &mut Model, delta: isize) {
    let identities = model
        .users
        .selected_user()
        .map_or(0, |u| u.identities_or_empty().len());
    if identities > 0 && delta.abs() == 1 {
        let cursor = model.identity_cursor.saturating_add_signed(delta);
        model.identity_cursor = cursor.min(identities - 1);
        let first = detail_view::identity_line(model.identity_cursor);
        let last = first + detail_view::IDENTITY_LINES - 1;
        let rows = layout::detail_rows(model);
        if first < model.detail_scroll {
            model.detail_scroll = first;
        } else if last >= model.detail_scroll + rows {
            model.detail_scroll = last + 1 - rows;
        }
        return;
    }
    if delta == isize::MIN / 2 {
        model.identity_cursor = 0;
    }
    let delta = delta.clamp(i16::MIN.into(), i16::MAX.into()) as i16;
    model.detail_scroll = model.detail_scroll.saturating_add_signed(delta);
}

pub fn move_pool_selection(model: &mut Model, delta: isize) {
    let last = model.picker.pools.len().saturating_sub(1);
    model.picker.selected = model.picker.selected.saturating_add_signed(delta).min(last);
}

/// Reads the screen's data again: the pool list, or the pool's users.
pub fn refresh(model: &mut Model) -> Vec<Effect> {
    match model.screen {
        Screen::Pools => load_pools(model),
        Screen::Users => {
            if let Some(pool) = &mut model.pool {
                pool.estimated_users = None;
            }
            model.status = Status::None;
            start_users_load(model)
        }
    }
}

/// Opens the selected pool, or the selected user's detail (read again from Cognito).
pub fn open(model: &mut Model) -> Vec<Effect> {
    match model.screen {
        Screen::Pools => match model.picker.pools.get(model.picker.selected).cloned() {
            Some(pool) => open_pool(model, &pool),
            None => Vec::new(),
        },
        Screen::Users => {
            let (Some(user), Some(pool)) = (model.users.selected_user(), &model.pool) else {
                return Vec::new();
            };
            let command = Request::GetUser {
                pool_id: pool.id.clone(),
                username: user.username().to_owned(),
            };
            model.detail_open = true;
            model.detail_scroll = 0;
            model.identity_cursor = 0;
            vec![Effect::Worker(command)]
        }
    }
}

/// Esc: the nearest thing to undo, one at a time.
pub fn back(model: &mut Model) -> Vec<Effect> {
    if matches!(model.status, Status::Error { .. }) {
        model.status = Status::None;
        return Vec::new();
    }
    match model.screen {
        Screen::Pools if model.pool.is_some() => model.screen = Screen::Users,
        Screen::Pools => {}
        Screen::Users if model.detail_open => {
            model.detail_open = false;
            model.focus = Pane::Table;
        }
        Screen::Users if model.users.is_filtered() => model.users.set_query(""),
        Screen::Users if model.load.phase == Phase::Loading => {
            model.load.phase = Phase::Done;
            if crate::tui::cache::stopped(model) {
                model.flash(format!(
                    "Stopped refreshing: the table is the pool as cached; {} lists it again",
                    model.key(Context::Users, Action::Refresh)
                ));
                return vec![Effect::Worker(Request::CancelUsers)];
            }
            model.flash(format!(
                "Stopped loading after {} users; {} loads again",
                crate::tui::format::count(model.users.total()),
                model.key(Context::Users, Action::Refresh)
            ));
            return vec![Effect::Worker(Request::CancelUsers)];
        }
        Screen::Users => {}
    }
    Vec::new()
}

/// The focus between the table and the open detail pane.
pub fn switch_pane(model: &mut Model) {
    if model.detail_open {
        model.focus = match model.focus {
            Pane::Table => Pane::Detail,
            Pane::Detail => Pane::Table,
        };
    }
}

pub fn cycle_sort(model: &mut Model) {
    let sort = model.users.sort().next();
    model.users.set_sort(sort);
    model.users.move_by(isize::MIN / 2);
    model.flash(format!("Sorted by {}", sort.label()));
}

/// The pool picker, its list read once (again after a failure).
pub fn switch_pool(model: &mut Model) -> Vec<Effect> {
    model.screen = Screen::Pools;
    if matches!(model.picker.phase, Phase::Idle | Phase::Failed) {
        return load_pools(model);
    }
    Vec::new()
}
