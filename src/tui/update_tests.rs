//! Transition tests of `update`: messages in, state and effects out. No I/O, no async.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::effect::{Effect, Request};
use super::keymap::Keymap;
use super::layers::{LayerKind, PromptKind};
use super::model::{Model, Pane, Phase, Screen, Setup, Status};
use super::msg::{Msg, UsersPageReport};
use super::testdata::{federated, native, pools, with_links};
use super::theme::Theme;
use super::update::{init, update};
use super::users::SortOrder;
use crate::aws::{Failure, FailureKind};
use crate::domain::UserRecord;

pub const POOL: &str = "us-east-1_Demo00001";

pub fn setup() -> Setup {
    Setup {
        target: "local · http://127.0.0.1:4599 · us-east-1".into(),
        read_only: false,
        theme: Theme { color: true },
        keymap: Keymap::default(),
        connect: crate::aws::TargetSpec {
            local: true,
            ..Default::default()
        },
        profile: Default::default(),
    }
}

/// A model on `POOL` after start-up, with the first load's request id.
pub fn started(size: (u16, u16)) -> (Model, u64) {
    let mut m = Model::new(setup(), Some(POOL.into()), size);
    let effects = init(&mut m);
    let id = load_id(&effects).expect("start-up loads users");
    (m, id)
}

pub fn page(request_id: u64, users: Vec<UserRecord>, more: bool) -> Msg {
    Msg::UsersPage {
        request_id,
        result: Ok(UsersPageReport {
            users,
            pages: 1,
            more,
            elapsed: Duration::from_millis(500),
            partitions: 1,
            retries: 0,
        }),
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn typed(m: &mut Model, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(m, ch(c))).collect()
}

pub fn expired() -> Failure {
    Failure {
        kind: FailureKind::Credentials,
        code: Some("ExpiredTokenException".into()),
        message: "The security token included in the request is expired".into(),
        hint: Some(
            "credentials expired: run `aws sso login --profile prod` (or refresh them) and retry"
                .into(),
        ),
    }
}

fn load_id(effects: &[Effect]) -> Option<u64> {
    effects.iter().find_map(|e| match e {
        Effect::Worker(Request::LoadUsers { request_id, .. }) => Some(*request_id),
        _ => None,
    })
}

/// The filter of the load among `effects`, if one starts.
fn load_filter(effects: &[Effect]) -> Option<Option<String>> {
    effects.iter().find_map(|e| match e {
        Effect::Worker(Request::LoadUsers { filter, .. }) => Some(filter.clone()),
        _ => None,
    })
}

fn selected(m: &Model) -> &str {
    m.users.selected_user().unwrap().username()
}

fn loaded(n: usize) -> (Model, u64) {
    let (mut m, id) = started((80, 24));
    let users = (0..n).map(|i| native(&format!("user{i:03}"))).collect();
    update(&mut m, page(id, users, false));
    (m, id)
}

#[test]
fn start_up_with_a_pool_loads_its_users_and_describes_it() {
    let mut m = Model::new(setup(), Some(POOL.into()), (80, 24));
    let effects = init(&mut m);
    assert_eq!(m.screen, Screen::Users);
    assert_eq!(
        effects,
        vec![
            Effect::Worker(Request::LoadUsers {
                request_id: 1,
                pool_id: POOL.into(),
                filter: None
            }),
            Effect::Worker(Request::DescribePool {
                pool_id: POOL.into()
            }),
        ]
    );
    assert!(m.wants_tick(), "the spinner runs while loading");
}

fn described(estimate: i32) -> Msg {
    Msg::PoolDescribed {
        pool_id: POOL.into(),
        result: Ok(Some(estimate)),
    }
}

#[test]
fn the_pools_estimate_makes_room_in_the_table_while_it_lists_the_whole_pool() {
    let (mut m, _) = started((80, 24));
    update(&mut m, described(1_000));
    assert!(m.users.room() >= 1_062, "room for {}", m.users.room());

    let (mut m, _) = loaded(3);
    update(&mut m, described(1_000));
    assert!(m.users.room() < 1_000, "a finished load does not grow");

    let (mut m, _) = started((80, 24));
    m.server_filter = Some("email ^= \"ann\"".into());
    update(&mut m, described(1_000));
    assert!(
        m.users.room() < 1_000,
        "a filter's matches are not the pool"
    );
}

#[test]
fn start_up_without_a_pool_opens_the_picker_and_enter_opens_a_pool() {
    let mut m = Model::new(setup(), None, (80, 24));
    assert_eq!(init(&mut m), vec![Effect::Worker(Request::LoadPools)]);
    assert_eq!(m.screen, Screen::Pools);
    update(&mut m, Msg::PoolsLoaded(Ok(pools())));
    update(&mut m, ch('j'));
    update(&mut m, ch('j'));
    assert_eq!(m.picker.selected, 1, "selection stops at the last pool");
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(m.screen, Screen::Users);
    assert_eq!(m.pool.as_ref().unwrap().id, "us-east-1_Empty0002");
    assert_eq!(m.pool.as_ref().unwrap().estimated_users, Some(0));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Worker(Request::LoadUsers { pool_id, .. })] if pool_id == "us-east-1_Empty0002"
    ));
}

#[test]
fn pages_fill_the_table_while_it_stays_usable() {
    let (mut m, id) = started((80, 24));
    update(&mut m, page(id, vec![native("a"), native("b")], true));
    assert_eq!(m.load.phase, Phase::Loading);
    update(&mut m, ch('j'));
    assert_eq!(selected(&m), "b");
    update(&mut m, page(id, vec![native("c")], false));
    assert_eq!(m.users.total(), 3);
    assert_eq!(m.load.pages, 2);
    assert_eq!(m.load.phase, Phase::Done);
    assert_eq!(selected(&m), "b", "selection stays while pages arrive");
    assert!(!m.wants_tick());
}

#[test]
fn refresh_makes_pages_of_the_old_load_stale() {
    let (mut m, old) = started((80, 24));
    update(&mut m, page(old, vec![native("a")], true));
    let new = load_id(&update(&mut m, ch('R'))).unwrap();
    assert_ne!(old, new);
    assert_eq!(m.users.total(), 0);
    update(&mut m, page(old, vec![native("stale")], false));
    assert_eq!(m.users.total(), 0, "a page of the old load is ignored");
    update(&mut m, page(new, vec![native("fresh")], false));
    assert_eq!(selected(&m), "fresh");
}

#[test]
fn navigation_stays_within_bounds() {
    let (mut m, _) = loaded(50);
    update(&mut m, ch('k'));
    assert_eq!(m.users.selected(), 0);
    update(&mut m, ch('G'));
    assert_eq!(m.users.selected(), 49);
    update(&mut m, ch('j'));
    assert_eq!(m.users.selected(), 49);
    update(&mut m, ch('g'));
    update(&mut m, key(KeyCode::PageDown));
    let page = super::view::layout::table_rows(&m);
    assert!(page > 5, "{page}");
    assert_eq!(m.users.selected(), page);
    update(&mut m, key(KeyCode::PageUp));
    assert_eq!(m.users.selected(), 0);
    update(&mut m, key(KeyCode::Down));
    assert_eq!(m.users.selected(), 1);
}

#[test]
fn page_size_follows_resize() {
    let (mut m, _) = loaded(100);
    update(
        &mut m,
        Msg::Resize {
            width: 80,
            height: 40,
        },
    );
    update(&mut m, key(KeyCode::PageDown));
    assert_eq!(m.users.selected(), 40 - 5);
}

#[test]
fn sort_cycles_through_name_links_and_load_order() {
    let (mut m, id) = started((80, 24));
    update(
        &mut m,
        page(
            id,
            vec![native("bob"), with_links("zed", 4), native("Amy")],
            false,
        ),
    );
    update(&mut m, ch('j'));
    update(&mut m, ch('s'));
    assert_eq!(m.users.sort(), SortOrder::Name);
    assert_eq!(selected(&m), "Amy", "a new order is shown from its top");
    update(&mut m, ch('s'));
    assert_eq!(selected(&m), "zed");
    update(&mut m, ch('s'));
    assert_eq!(m.users.sort(), SortOrder::Loaded);
    assert!(matches!(m.status, Status::Info { .. }));
}

#[test]
fn fuzzy_filter_applies_on_every_keystroke_and_esc_clears_it() {
    let (mut m, id) = started((80, 24));
    update(
        &mut m,
        page(
            id,
            vec![native("alice"), native("bob"), federated("1178")],
            false,
        ),
    );
    update(&mut m, ch('/'));
    assert_eq!(m.layers.prompt().unwrap().kind, PromptKind::Fuzzy);
    assert!(
        typed(&mut m, "bo").is_empty(),
        "typing q-free text has no effect"
    );
    assert_eq!(m.users.len(), 1);
    assert_eq!(selected(&m), "bob");
    update(&mut m, key(KeyCode::Backspace));
    update(&mut m, key(KeyCode::Backspace));
    typed(&mut m, "google");
    assert_eq!(selected(&m), "Google_1178", "identities are searchable");
    update(&mut m, key(KeyCode::Enter));
    assert!(m.layers.prompt().is_none());
    assert!(m.users.is_filtered(), "Enter keeps the filter");
    update(&mut m, key(KeyCode::Esc));
    assert!(!m.users.is_filtered(), "Esc in the table clears it");
    update(&mut m, ch('/'));
    typed(&mut m, "zzz");
    assert_eq!(m.users.len(), 0);
    update(&mut m, key(KeyCode::Esc));
    assert!(m.layers.prompt().is_none());
    assert_eq!(m.users.len(), 3);
}

#[test]
fn letters_in_a_prompt_are_text_not_commands() {
    let (mut m, _) = loaded(3);
    update(&mut m, ch('/'));
    let effects = typed(&mut m, "qR?");
    assert!(effects.is_empty());
    assert!(!m.layers.is_open(LayerKind::Help));
    assert_eq!(m.layers.prompt().unwrap().input.value(), "qR?");
}

#[test]
fn server_filter_is_validated_before_it_is_sent() {
    let (mut m, _) = loaded(3);
    update(&mut m, ch('f'));
    typed(&mut m, "custom:tier = \"gold\"");
    let err = m.layers.prompt().unwrap().error.clone().unwrap();
    assert!(err.contains("not searchable"), "{err}");
    assert!(
        update(&mut m, key(KeyCode::Enter)).is_empty(),
        "invalid: not sent"
    );
    assert!(m.layers.prompt().is_some());
    update(&mut m, key(KeyCode::Home));
    for _ in 0.."custom:tier".len() {
        update(&mut m, key(KeyCode::Delete));
    }
    typed(&mut m, "email");
    assert_eq!(m.layers.prompt().unwrap().error, None);
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(load_filter(&effects), Some(Some("email = \"gold\"".into())));
    assert_eq!(m.server_filter.as_deref(), Some("email = \"gold\""));
    assert_eq!(m.users.total(), 0, "the table reloads under the filter");
}

#[test]
fn an_empty_server_filter_clears_it_and_esc_cancels_the_prompt() {
    let (mut m, _) = loaded(3);
    m.server_filter = Some("email ^= \"a\"".into());
    update(&mut m, ch('f'));
    typed(&mut m, "x");
    assert!(update(&mut m, key(KeyCode::Esc)).is_empty());
    assert_eq!(m.server_filter.as_deref(), Some("email ^= \"a\""));
    update(&mut m, ch('f'));
    for _ in 0..20 {
        update(&mut m, key(KeyCode::Backspace));
    }
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(load_filter(&effects), Some(None));
    assert_eq!(m.server_filter, None);
}

#[test]
fn a_failed_load_shows_what_to_do_and_the_app_stays_usable() {
    let (mut m, id) = started((80, 24));
    update(&mut m, page(id, vec![native("a"), native("b")], true));
    update(
        &mut m,
        Msg::UsersPage {
            request_id: id,
            result: Err(expired()),
        },
    );
    assert_eq!(m.load.phase, Phase::Failed);
    let Status::Error { text } = &m.status else {
        panic!("{:?}", m.status)
    };
    assert!(text.contains("aws sso login --profile prod"), "{text}");
    update(&mut m, ch('j'));
    assert_eq!(selected(&m), "b", "loaded users stay browsable");
    update(&mut m, key(KeyCode::Esc));
    assert_eq!(m.status, Status::None, "Esc dismisses the error");
    update(&mut m, Msg::PoolsLoaded(Err(expired())));
    assert!(matches!(m.status, Status::Error { .. }));
    let effects = update(&mut m, ch('R'));
    assert!(load_id(&effects).is_some());
    assert_eq!(m.status, Status::None, "a reload clears the error");
}

#[test]
fn enter_opens_the_detail_and_reads_the_user_again() {
    let (mut m, id) = started((80, 24));
    update(&mut m, page(id, vec![native("ann"), native("bob")], false));
    update(&mut m, ch('j'));
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Worker(Request::GetUser {
            pool_id: POOL.into(),
            username: "bob".into()
        })]
    );
    assert!(m.detail_open);
    update(
        &mut m,
        Msg::UserLoaded {
            pool_id: POOL.into(),
            username: "bob".into(),
            result: Ok(Some(with_links("bob", 2))),
        },
    );
    assert_eq!(m.users.selected_user().unwrap().link_count(), 2);
    update(
        &mut m,
        Msg::UserLoaded {
            pool_id: "other_pool".into(),
            username: "bob".into(),
            result: Ok(Some(with_links("bob", 5))),
        },
    );
    assert_eq!(
        m.users.selected_user().unwrap().link_count(),
        2,
        "other pool ignored"
    );
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(m.focus, Pane::Detail);
    update(&mut m, ch('j'));
    assert_eq!(m.detail_scroll, 1, "j scrolls the focused detail");
    assert_eq!(selected(&m), "bob");
    update(&mut m, key(KeyCode::Esc));
    assert!(!m.detail_open);
    assert_eq!(m.focus, Pane::Table);
}

#[test]
fn a_user_gone_since_listing_is_reported() {
    let (mut m, _) = loaded(2);
    update(
        &mut m,
        Msg::UserLoaded {
            pool_id: POOL.into(),
            username: "user001".into(),
            result: Ok(None),
        },
    );
    assert!(matches!(&m.status, Status::Error { text } if text.contains("no longer exists")));
}

#[test]
fn esc_while_loading_stops_the_load() {
    let (mut m, id) = started((80, 24));
    update(&mut m, page(id, vec![native("a")], true));
    assert_eq!(
        update(&mut m, key(KeyCode::Esc)),
        vec![Effect::Worker(Request::CancelUsers)]
    );
    assert_eq!(m.load.phase, Phase::Done);
    update(&mut m, page(id, vec![native("late")], true));
    assert_eq!(m.users.total(), 1, "pages after a stop are ignored");
}

#[test]
fn quit_with_q_or_ctrl_c_even_in_a_prompt() {
    let (mut m, _) = loaded(1);
    assert_eq!(update(&mut m, ch('q')), vec![Effect::Quit]);
    update(&mut m, ch('/'));
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(update(&mut m, ctrl_c), vec![Effect::Quit]);
}

#[test]
fn help_overlay_takes_the_keys_until_closed() {
    let (mut m, _) = loaded(5);
    update(&mut m, ch('?'));
    assert!(m.layers.is_open(LayerKind::Help));
    update(&mut m, ch('j'));
    assert_eq!(m.users.selected(), 0, "j scrolls the help, not the table");
    assert_eq!(m.layers.help_scroll(), 1);
    assert!(update(&mut m, ch('q')).is_empty(), "q closes the help");
    assert!(!m.layers.is_open(LayerKind::Help));
}

#[test]
fn flash_messages_expire_with_ticks() {
    let (mut m, _) = loaded(2);
    update(&mut m, ch('s'));
    assert!(m.wants_tick());
    for _ in 0..super::model::FLASH_TICKS {
        update(&mut m, Msg::Tick);
    }
    assert_eq!(m.status, Status::None);
    assert!(!m.wants_tick(), "no ticks when idle");
}

#[test]
fn mouse_wheel_moves_the_selection() {
    let (mut m, _) = loaded(10);
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 5,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut m, wheel(MouseEventKind::ScrollDown));
    assert_eq!(m.users.selected(), 3);
    update(&mut m, wheel(MouseEventKind::ScrollUp));
    assert_eq!(m.users.selected(), 0);
    // Row 5 of the screen: header line, border, column header, then users 0, 1, 2.
    update(&mut m, wheel(MouseEventKind::Down(MouseButton::Left)));
    assert_eq!(m.users.selected(), 2, "a click selects the row under it");
}

#[test]
fn the_window_follows_the_selection_for_rendering() {
    let (mut m, _) = loaded(100);
    update(&mut m, ch('G'));
    let rows = super::view::layout::table_rows(&m);
    assert_eq!(m.users.offset(), 100 - rows);
    update(&mut m, ch('g'));
    assert_eq!(m.users.offset(), 0);
}

#[test]
fn paste_goes_into_the_prompt_without_control_characters() {
    let (mut m, _) = loaded(3);
    update(&mut m, Msg::Paste("ignored".into()));
    update(&mut m, ch('/'));
    update(&mut m, Msg::Paste("user\u{1b}[2J001\n".into()));
    assert_eq!(m.layers.prompt().unwrap().input.value(), "user[2J001");
}

#[test]
fn switching_pools_loads_the_list_once_and_esc_returns() {
    let (mut m, _) = loaded(3);
    assert_eq!(
        update(&mut m, ch('p')),
        vec![Effect::Worker(Request::LoadPools)]
    );
    assert_eq!(m.screen, Screen::Pools);
    update(&mut m, Msg::PoolsLoaded(Ok(pools())));
    assert_eq!(m.picker.selected, 0, "the current pool is preselected");
    update(&mut m, key(KeyCode::Esc));
    assert_eq!(m.screen, Screen::Users);
    assert!(update(&mut m, ch('p')).is_empty(), "the list is kept");
    assert!(
        update(&mut m, key(KeyCode::Enter)).is_empty(),
        "reopening the same pool keeps its users"
    );
    assert_eq!(m.users.total(), 3);
}

#[test]
fn the_header_names_the_target_once_the_session_opens_and_a_failed_open_quits() {
    let (mut m, _) = started((100, 30));
    m.setup.target = "local · starting the endpoint…".into();
    let effects = update(
        &mut m,
        Msg::Connected {
            target: "local · http://127.0.0.1:4599 · us-east-1".into(),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(m.setup.target, "local · http://127.0.0.1:4599 · us-east-1");
    assert_eq!(update(&mut m, Msg::ConnectFailed), vec![Effect::Quit]);
}
