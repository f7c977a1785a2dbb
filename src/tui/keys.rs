//! Key handling: overlays and prompts first, then the keymap's action for the context.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::browse::{load_pools, open_pool, start_users_load};
use super::effect::{Effect, Request};
use super::keymap::Action;
use super::linking;
use super::model::{Model, Pane, Phase, Prompt, PromptKind, Screen, Status};
use super::view::{detail as detail_view, layout};
use crate::domain::filter::parse_filter;
use crate::domain::sanitize::is_unsafe;

pub fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return quit(model);
    }
    if model.help_open {
        on_help_key(model, key);
        return Vec::new();
    }
    if model.prompt.is_some() {
        return on_prompt_key(model, key);
    }
    if model.modal.is_some() {
        return linking::on_modal_key(model, key);
    }
    match model.setup.keymap.action(model.context(), &key) {
        Some(action) => on_action(model, action),
        None => Vec::new(),
    }
}

/// Quits, unless a change is in flight: then the first request waits for it to be settled
/// and journaled, and a second one leaves the UI at once (the worker still settles and
/// journals the change before the process exits; were it killed, the journal's intent lets
/// the next run settle it).
fn quit(model: &mut Model) -> Vec<Effect> {
    if model.in_flight.is_none() {
        return vec![Effect::Quit];
    }
    if !model.quit_after_change {
        model.quit_after_change = true;
        model.flash("Quitting once the change in flight is settled and journaled (q or Ctrl-C again: quit now)");
        return Vec::new();
    }
    vec![Effect::Quit]
}

/// Pasted text goes into the open prompt, without line breaks or control characters.
pub fn on_paste(model: &mut Model, text: &str) {
    if model.prompt.is_none() {
        linking::on_modal_paste(model, text);
    }
    let Some(prompt) = &mut model.prompt else {
        return;
    };
    for c in text.chars().filter(|c| !is_unsafe(*c)) {
        prompt.input.handle(InputRequest::InsertChar(c));
    }
    after_prompt_edit(model);
}

fn on_help_key(model: &mut Model, key: KeyEvent) {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => {
            model.help_open = false;
            model.help_scroll = 0;
        }
        KeyCode::Down | KeyCode::Char('j') => model.help_scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => model.help_scroll = model.help_scroll.saturating_sub(1),
        _ => {}
    }
}

fn on_action(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return quit(model),
        Action::Help => model.help_open = true,
        Action::Refresh => return refresh(model),
        Action::Up => move_by(model, -1),
        Action::Down => move_by(model, 1),
        Action::PageUp => move_by(model, -page(model)),
        Action::PageDown => move_by(model, page(model)),
        Action::Top => move_by(model, isize::MIN / 2),
        Action::Bottom => move_by(model, isize::MAX / 2),
        Action::Open => return open(model),
        Action::Back => return back(model),
        Action::FocusNext => {
            if model.detail_open {
                model.focus = match model.focus {
                    Pane::Table => Pane::Detail,
                    Pane::Detail => Pane::Table,
                };
            }
        }
        Action::FuzzyFilter => open_prompt(model, PromptKind::Fuzzy),
        Action::ServerFilter => open_prompt(model, PromptKind::Server),
        Action::CycleSort => {
            let sort = model.users.sort().next();
            model.users.set_sort(sort);
            model.users.move_by(isize::MIN / 2);
            model.flash(format!("Sorted by {}", sort.label()));
        }
        Action::Link => return linking::open_link_form(model),
        Action::Unlink => return linking::open_unlink(model),
        Action::Activity => linking::open_activity(model),
        Action::SwitchPool => {
            model.screen = Screen::Pools;
            if matches!(model.picker.phase, Phase::Idle | Phase::Failed) {
                return load_pools(model);
            }
        }
    }
    Vec::new()
}

fn page(model: &Model) -> isize {
    if model.context() == super::keymap::Context::Detail {
        layout::detail_rows(model) as isize
    } else {
        layout::table_rows(model) as isize
    }
}

fn move_by(model: &mut Model, delta: isize) {
    match model.context() {
        super::keymap::Context::Pools => move_pool_selection(model, delta),
        super::keymap::Context::Detail => move_in_detail(model, delta),
        _ => {
            model.users.move_by(delta);
            model.detail_scroll = 0;
            model.identity_cursor = 0;
        }
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

fn refresh(model: &mut Model) -> Vec<Effect> {
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

fn open(model: &mut Model) -> Vec<Effect> {
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
                username: user.username.clone(),
            };
            model.detail_open = true;
            model.detail_scroll = 0;
            model.identity_cursor = 0;
            vec![Effect::Worker(command)]
        }
    }
}

/// Esc: the nearest thing to undo, one at a time.
fn back(model: &mut Model) -> Vec<Effect> {
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
            model.flash(format!(
                "Stopped loading after {} users; R loads again",
                super::format::count(model.users.total())
            ));
            return vec![Effect::Worker(Request::CancelUsers)];
        }
        Screen::Users => {}
    }
    Vec::new()
}

fn open_prompt(model: &mut Model, kind: PromptKind) {
    let value = match kind {
        PromptKind::Fuzzy => model.users.query().to_owned(),
        PromptKind::Server => model.server_filter.clone().unwrap_or_default(),
    };
    model.prompt = Some(Prompt {
        kind,
        input: Input::new(value),
        error: None,
    });
    after_prompt_edit(model);
}

fn on_prompt_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some(prompt) = &mut model.prompt else {
        return Vec::new();
    };
    match (prompt.kind, key.code) {
        (PromptKind::Fuzzy, KeyCode::Enter) => model.prompt = None,
        (PromptKind::Fuzzy, KeyCode::Esc) => {
            model.prompt = None;
            model.users.set_query("");
        }
        (PromptKind::Server, KeyCode::Esc) => model.prompt = None,
        (PromptKind::Server, KeyCode::Enter) => {
            if prompt.error.is_some() {
                return Vec::new();
            }
            let value = prompt.input.value().trim().to_owned();
            model.prompt = None;
            model.server_filter = (!value.is_empty()).then_some(value);
            model.detail_open = false;
            model.focus = Pane::Table;
            return start_users_load(model);
        }
        _ => {
            prompt.input.handle_event(&Event::Key(key));
            after_prompt_edit(model);
        }
    }
    Vec::new()
}

/// Applies the fuzzy query, or validates the server filter, after every edit.
fn after_prompt_edit(model: &mut Model) {
    let Some(prompt) = &mut model.prompt else {
        return;
    };
    match prompt.kind {
        PromptKind::Fuzzy => {
            let query = prompt.input.value().to_owned();
            model.users.set_query(&query);
        }
        PromptKind::Server => {
            prompt.error = parse_filter(prompt.input.value())
                .err()
                .map(|e| e.to_string());
        }
    }
}
