//! `update(model, msg) -> effects`: every state change of the UI, with no I/O and no async.
//! A key becomes an intent in `keys.rs`; each intent goes to the code that acts on it:
//! browsing (`browse.rs`: moving, loading, filtering), the change flow (`linking.rs`) or the
//! layer stack. The worker's replies are routed, the clock, the paste and the mouse handled
//! here; paste and mouse go to the layer in front, like keys.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::browse;
use super::cache;
use super::effect::Effect;
use super::intent::{Intent, Step};
use super::keymap::{Action, Context};
use super::keys;
use super::layers::{Layer, LayerKind};
use super::linking;
use super::merging;
use super::model::{Model, Screen, Status, WHEEL_STEP};
use super::msg::{ChangeReply, Msg};
use super::view::layout;
use crate::domain::sanitize::sanitize;

/// Lines a page key scrolls in dialogs.
const DIALOG_PAGE: isize = 10;

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
    if model.quit_after_change && !model.change_running() && !effects.contains(&Effect::Quit) {
        effects.push(Effect::Quit);
    }
    effects
}

fn dispatch(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => match keys::intent(model, key) {
            Some(intent) => act(model, intent),
            None => Vec::new(),
        },
        Msg::Paste(text) => {
            match model.layers.top_kind() {
                Some(LayerKind::Prompt) => browse::paste_in_prompt(model, &text),
                Some(LayerKind::LinkForm) => linking::paste_in_form(model, &text),
                Some(LayerKind::Review) => linking::paste_in_review(model, &text),
                Some(LayerKind::Merge) => merging::paste_name(model, &text),
                _ => {}
            }
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
                browse::reserve_for_estimate(model);
            }
            Vec::new()
        }
        Msg::UsersPage { request_id, result } => {
            browse::on_users_page(model, request_id, result);
            linking::revalidate(model);
            merging::refresh_duplicates(model);
            Vec::new()
        }
        Msg::CacheOpened {
            request_id,
            users,
            age,
        } => {
            cache::on_opened(model, request_id, users, age);
            linking::revalidate(model);
            merging::refresh_duplicates(model);
            Vec::new()
        }
        Msg::CacheUnusable { request_id, reason } => {
            cache::on_unusable(model, request_id, &reason);
            Vec::new()
        }
        Msg::Refresh { request_id, event } => {
            cache::on_refresh(model, request_id, event);
            linking::revalidate(model);
            merging::refresh_duplicates(model);
            Vec::new()
        }
        Msg::CacheSaved { request_id, result } => {
            cache::on_saved(model, request_id, result);
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
                browse::on_user(model, &pool_id, fresh.username(), Ok(Some(fresh.clone())));
                cache::touched(model, fresh.username());
            }
            linking::on_settled(model, request_id, at, reply);
            linking::revalidate(model);
            Vec::new()
        }
        Msg::MergeFacts { request_id, result } => {
            merging::on_facts(model, request_id, result);
            Vec::new()
        }
        Msg::MergeProgress {
            request_id,
            step,
            of,
        } => {
            merging::on_progress(model, request_id, step, of);
            Vec::new()
        }
        Msg::MergeDone {
            request_id,
            at,
            result,
        } => {
            if let Some(run) = model
                .merging
                .as_ref()
                .filter(|r| r.request_id == request_id)
            {
                let (keep, merge) = (run.keep.clone(), run.merge.clone());
                cache::touched(model, &keep);
                cache::touched(model, &merge);
            }
            merging::on_done(model, request_id, at, result);
            Vec::new()
        }
        Msg::Copied(copied) => {
            linking::on_copied(model, copied);
            Vec::new()
        }
        Msg::Recovered(lines) => {
            model.flash(sanitize(&format!("journal: {}", lines.join("; "))).into_owned());
            Vec::new()
        }
    }
}

/// Does what the user asked for.
fn act(model: &mut Model, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Quit => return quit(model),
        Intent::Move(step) if model.layers.is_empty() => browse::move_by(model, step),
        Intent::Move(step) => scroll_top(model, step),
        Intent::ShowHelp => model.layers.open(Layer::Help { scroll: 0 }),
        Intent::Close => {
            model.layers.close_top();
        }
        Intent::Refresh => return browse::refresh(model),
        Intent::Open => return browse::open(model),
        Intent::Back => return browse::back(model),
        Intent::SwitchPane => browse::switch_pane(model),
        Intent::OpenPrompt(kind) => browse::open_prompt(model, kind),
        Intent::CycleSort => browse::cycle_sort(model),
        Intent::SwitchPool => return browse::switch_pool(model),
        Intent::OpenLinkForm => return linking::open_link_form(model),
        Intent::Unlink => return linking::open_unlink(model),
        Intent::ShowActivity => linking::open_activity(model),
        Intent::Type(key) => match model.layers.top_kind() {
            Some(LayerKind::Prompt) => browse::type_in_prompt(model, key),
            Some(LayerKind::LinkForm) => linking::type_in_form(model, key),
            Some(LayerKind::Review) => linking::type_in_review(model, key),
            Some(LayerKind::Merge) => merging::type_name(model, key),
            _ => {}
        },
        Intent::ApplyPrompt => return browse::apply_prompt(model),
        Intent::CancelPrompt => browse::cancel_prompt(model),
        Intent::MoveField(delta) => linking::move_field(model, delta),
        Intent::Choose(delta) => linking::choose(model, delta),
        Intent::SubmitForm => return linking::submit_form(model),
        Intent::CancelForm => linking::cancel_form(model),
        Intent::SwitchButton => linking::switch_button(model),
        Intent::PressButton => return linking::press_button(model),
        Intent::Confirm => return linking::confirm(model),
        Intent::CancelReview => linking::cancel_review(model),
        Intent::HideReview => linking::hide_review(model),
        Intent::ChooseAttribute => linking::choose_attribute(model),
        Intent::Copy { request } => return linking::copy_from_review(model, request),
        Intent::ScrollSideways(delta) => linking::scroll_sideways(model, delta),
        Intent::Undo => return linking::undo_last(model),
        Intent::ShowDuplicates => merging::open_duplicates(model),
        Intent::OpenMerge => return merging::open_merge(model),
        Intent::MergeFocus(delta) => merging::move_focus(model, delta),
        Intent::ToggleOption => merging::toggle(model),
        Intent::NextMerge => return merging::next_merge(model),
        Intent::ConfirmMerge => return merging::confirm(model),
        Intent::CancelMerge => merging::cancel(model),
        Intent::HideMerge => merging::hide(model),
    }
    Vec::new()
}

/// Quits, unless a change is in flight: then the first request waits for it to be settled
/// and journaled, and a second one leaves the UI at once (the worker still settles and
/// journals the change before the process exits; were it killed, the journal's intent lets
/// the next run settle it).
fn quit(model: &mut Model) -> Vec<Effect> {
    if !model.change_running() {
        return vec![Effect::Quit];
    }
    if !model.quit_after_change {
        model.quit_after_change = true;
        let quit = model.key(Context::Global, Action::Quit);
        model.flash(format!(
            "Quitting once the change in flight is settled and journaled ({quit} or Ctrl-C again: \
             quit now)"
        ));
        return Vec::new();
    }
    vec![Effect::Quit]
}

/// Scrolls the help, a review or the activity list, or moves the duplicates view's cursor,
/// whichever is in front.
fn scroll_top(model: &mut Model, step: Step) {
    let (scroll, page) = match model.layers.top_mut() {
        Some(Layer::Help { scroll } | Layer::Activity { scroll }) => (scroll, 1),
        Some(Layer::Review(review)) => (&mut review.scroll, DIALOG_PAGE),
        Some(Layer::MergeReview(review)) => (&mut review.scroll, DIALOG_PAGE),
        Some(Layer::Duplicates(view)) => {
            view.move_by(match step {
                Step::Lines(n) | Step::Pages(n) => n,
                Step::First => isize::MIN,
                Step::Last => isize::MAX,
            });
            return;
        }
        _ => return,
    };
    *scroll = match step {
        Step::Lines(n) => scroll.saturating_add_signed(clamp_i16(n)),
        Step::Pages(n) => scroll.saturating_add_signed(clamp_i16(n.saturating_mul(page))),
        Step::First => 0,
        Step::Last => u16::MAX,
    };
}

fn clamp_i16(n: isize) -> i16 {
    n.clamp(i16::MIN.into(), i16::MAX.into()) as i16
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
                && model.layers.is_empty()
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
    // The wheel scrolls the help; a dialog ignores it; a prompt leaves it to the screen.
    match model.layers.top_mut() {
        Some(Layer::Help { scroll }) => {
            *scroll = scroll.saturating_add_signed(delta as i16);
            return;
        }
        Some(layer) if layer.is_dialog() => return,
        _ => {}
    }
    match model.screen {
        Screen::Pools => browse::move_pool_selection(model, delta),
        Screen::Users if areas.detail.is_some_and(|d| d.contains(at)) => {
            model.detail_scroll = model.detail_scroll.saturating_add_signed(delta as i16);
        }
        Screen::Users => model.users.move_by(delta),
    }
}
