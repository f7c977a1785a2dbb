//! Transition tests of a table opened from the cache: the cached table at once, the refresh's
//! progress, its end (users replaced, added, marked), a failure, Esc, a session's change.

use std::time::Duration;

use ratatui::crossterm::event::KeyCode;

use super::cache::{MarkCounts, RefreshState};
use super::effect::{Effect, Request};
use super::model::{Model, Phase, Status};
use super::msg::{Msg, RefreshEvent, RefreshReport};
use super::testdata::{native, with_links};
use super::update::update;
use super::update_tests::{POOL, ch, expired, key, started};
use crate::cache::{Mark, Refreshed};
use crate::domain::UserRecord;

pub const AGE: Duration = Duration::from_secs(3 * 3600 + 120);

pub fn cached_users() -> Vec<UserRecord> {
    vec![
        native("alice"),
        with_links("bob.builder", 1),
        native("carol"),
        native("dave"),
    ]
}

/// A model whose table opened from the cache (`cached_users`), its refresh not begun.
pub fn opened(size: (u16, u16)) -> (Model, u64) {
    let (mut m, id) = started(size);
    update(
        &mut m,
        Msg::PoolDescribed {
            pool_id: POOL.into(),
            result: Ok(Some(4)),
        },
    );
    update(
        &mut m,
        Msg::CacheOpened {
            request_id: id,
            users: cached_users(),
            age: AGE,
        },
    );
    (m, id)
}

pub fn report(listed: usize) -> RefreshReport {
    RefreshReport {
        listed,
        pages: listed as u32,
        elapsed: Duration::from_secs(2),
        partitions: 1,
        retries: 0,
    }
}

pub fn progress(id: u64, listed: usize) -> Msg {
    Msg::Refresh {
        request_id: id,
        event: RefreshEvent::Progress(report(listed)),
    }
}

/// The refresh's end: bob changed (2 links), erin added, dave removed.
pub fn refreshed(id: u64) -> Msg {
    Msg::Refresh {
        request_id: id,
        event: RefreshEvent::Done(
            report(4),
            Ok(Box::new(Refreshed {
                changed: vec![(with_links("bob.builder", 2), Mark::Changed)],
                added: vec![native("erin")],
                removed: vec!["dave".into()],
                listed: 4,
            })),
        ),
    }
}

fn names(m: &Model) -> Vec<&str> {
    m.users.rows().map(|u| u.username()).collect()
}

#[test]
fn the_table_opens_from_the_cache_at_once_and_is_usable_while_refreshing() {
    let (mut m, id) = opened((80, 24));
    assert_eq!(names(&m), ["alice", "bob.builder", "carol", "dave"]);
    let cache = m.cache.as_ref().expect("opened from the cache");
    assert_eq!(cache.age, AGE);
    assert_eq!(cache.cached, 4);
    assert_eq!(cache.refresh, RefreshState::Running { listed: 0 });
    assert!(cache.marks.is_empty());
    // Still listing: the spinner runs and the refresh's progress moves.
    assert_eq!(m.load.phase, Phase::Loading);
    assert!(m.is_busy());
    update(&mut m, progress(id, 2));
    assert_eq!(
        m.cache.as_ref().unwrap().refresh,
        RefreshState::Running { listed: 2 }
    );
    assert_eq!(m.load.pages, 2);
    // Moving, the detail (read fresh) and the filter work on the cached rows.
    update(&mut m, ch('j'));
    assert_eq!(m.users.selected_user().unwrap().username(), "bob.builder");
    let effects = update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Worker(Request::GetUser {
            pool_id: POOL.into(),
            username: "bob.builder".into()
        })]
    );
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, ch('/'));
    for c in "car".chars() {
        update(&mut m, ch(c));
    }
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(names(&m), ["carol"]);
}

#[test]
fn the_refresh_replaces_changed_users_adds_new_ones_and_marks_them() {
    let (mut m, id) = opened((80, 24));
    update(&mut m, progress(id, 3));
    update(&mut m, refreshed(id));
    assert_eq!(m.load.phase, Phase::Done);
    // dave is removed from the pool but stays, marked, until the next load.
    assert_eq!(names(&m), ["alice", "bob.builder", "carol", "dave", "erin"]);
    assert_eq!(m.users.find("bob.builder").unwrap().link_count(), 2);
    let cache = m.cache.as_ref().unwrap();
    assert_eq!(cache.refresh, RefreshState::Done { listed: 4 });
    assert_eq!(cache.mark("bob.builder"), Some(Mark::Changed));
    assert_eq!(cache.mark("erin"), Some(Mark::Added));
    assert_eq!(cache.mark("dave"), Some(Mark::Removed));
    assert_eq!(cache.mark("alice"), None);
    assert_eq!(
        cache.counts,
        MarkCounts {
            added: 1,
            changed: 1,
            removed: 1
        }
    );
    assert_eq!(cache.counts_text(), "since cache: +1 ~1 −1");
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text == "Refreshed: since cache: +1 ~1 −1"),
        "{:?}",
        m.status
    );
}

#[test]
fn a_refresh_that_finds_nothing_says_so() {
    let (mut m, id) = opened((80, 24));
    let done = Msg::Refresh {
        request_id: id,
        event: RefreshEvent::Done(
            report(4),
            Ok(Box::new(Refreshed {
                listed: 4,
                ..Refreshed::default()
            })),
        ),
    };
    update(&mut m, done);
    assert_eq!(names(&m), ["alice", "bob.builder", "carol", "dave"]);
    assert_eq!(
        m.cache.as_ref().unwrap().counts_text(),
        "no change since cache"
    );
}

#[test]
fn a_user_this_session_changed_during_the_refresh_keeps_its_row_as_read_back() {
    let (mut m, id) = opened((80, 24));
    // bob as read back after a link this session made (3 links): the listing read him
    // before it (2 links).
    super::cache::touched(&mut m, "bob.builder");
    m.users.replace(with_links("bob.builder", 3));
    update(&mut m, refreshed(id));
    assert_eq!(m.users.find("bob.builder").unwrap().link_count(), 3);
    assert_eq!(m.users.find("erin").map(|u| u.username()), Some("erin"));
}

#[test]
fn a_failed_refresh_leaves_the_cached_table_and_says_so() {
    let (mut m, id) = opened((80, 24));
    update(
        &mut m,
        Msg::Refresh {
            request_id: id,
            event: RefreshEvent::Failed(expired()),
        },
    );
    assert_eq!(m.load.phase, Phase::Failed);
    assert_eq!(names(&m), ["alice", "bob.builder", "carol", "dave"]);
    assert_eq!(m.cache.as_ref().unwrap().refresh, RefreshState::Failed);
    let Status::Error { text } = &m.status else {
        panic!("{:?}", m.status)
    };
    assert!(
        text.starts_with("Refreshing the table failed — credentials expired"),
        "{text}"
    );
    assert!(
        text.ends_with("(the table is the pool cached 3 h ago; R retries)"),
        "{text}"
    );
}

#[test]
fn esc_stops_the_refresh_and_r_lists_the_pool_again() {
    let (mut m, _) = opened((80, 24));
    let effects = update(&mut m, key(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::Worker(Request::CancelUsers)]);
    assert_eq!(m.cache.as_ref().unwrap().refresh, RefreshState::Stopped);
    assert!(
        matches!(&m.status, Status::Info { text, .. } if text.starts_with("Stopped refreshing")),
        "{:?}",
        m.status
    );
    let effects = update(&mut m, ch('R'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Worker(Request::LoadUsers { filter: None, .. }))),
        "{effects:?}"
    );
    assert!(m.cache.is_none() && m.users.total() == 0);
}

#[test]
fn messages_of_another_load_are_ignored() {
    let (mut m, id) = opened((80, 24));
    update(&mut m, refreshed(id + 7));
    assert!(m.cache.as_ref().unwrap().marks.is_empty());
    assert_eq!(m.users.total(), 4);
    // A cache read for an older load does not fill this one's table.
    let (mut m, id) = started((80, 24));
    update(
        &mut m,
        Msg::CacheOpened {
            request_id: id - 1,
            users: cached_users(),
            age: AGE,
        },
    );
    assert!(m.cache.is_none() && m.users.total() == 0);
}

#[test]
fn a_cache_that_cannot_be_used_or_written_is_said_escaped() {
    let (mut m, id) = started((80, 24));
    update(
        &mut m,
        Msg::CacheUnusable {
            request_id: id,
            reason: "/c/p.jsonl: no end record after line 9\u{1b}[2J".into(),
        },
    );
    let Status::Info { text, .. } = &m.status else {
        panic!("{:?}", m.status)
    };
    assert!(
        text.starts_with("The pool's cache was not used (/c/p.jsonl: no end record"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(m.cache.is_none());
    update(
        &mut m,
        Msg::CacheSaved {
            request_id: id,
            result: Err("/c: Permission denied".into()),
        },
    );
    assert_eq!(
        m.status,
        Status::Error {
            text: "The pool's cache was not written: /c: Permission denied".into()
        }
    );
}

#[test]
fn the_cache_fills_the_table_in_chunks_and_a_bad_line_later_drops_them_all() {
    let (mut m, id) = started((80, 24));
    let chunk = |users: Vec<UserRecord>| Msg::CacheOpened {
        request_id: id,
        users,
        age: AGE,
    };
    // The first, empty, says the file is a cache of the pool: the table is the cache's.
    update(&mut m, chunk(Vec::new()));
    assert_eq!(m.cache.as_ref().map(|c| c.cached), Some(0));
    update(&mut m, chunk(vec![native("alice"), native("bob")]));
    update(&mut m, chunk(vec![native("carol")]));
    assert_eq!(names(&m), ["alice", "bob", "carol"]);
    assert_eq!(m.cache.as_ref().unwrap().cached, 3);
    // A line further on is not a record: nothing of the file is kept.
    update(
        &mut m,
        Msg::CacheUnusable {
            request_id: id,
            reason: "/c/p.jsonl:5: not a snapshot record".into(),
        },
    );
    assert!(m.cache.is_none());
    assert_eq!(m.users.total(), 0);
    assert_eq!(
        m.load.phase,
        Phase::Loading,
        "the pool is listed as without a cache"
    );
}
