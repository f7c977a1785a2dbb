//! Snapshots of a table opened from the cache: its age and the refresh's progress in the
//! title, then the marks of what changed since (a removed user struck through), a failed
//! refresh, and the help's key to the marks.

use ratatui::style::Modifier;

use super::tests::{draw, screen};
use crate::tui::cache_tests::{opened, progress, refreshed};
use crate::tui::msg::{Msg, RefreshEvent};
use crate::tui::update::update;
use crate::tui::update_tests::{ch, expired, setup};

const NARROW: (u16, u16) = (80, 24);

#[test]
fn cached_table_refreshing() {
    let (mut m, id) = opened(NARROW);
    update(&mut m, progress(id, 2));
    let text = screen(&m);
    assert!(
        text.contains("Users 4 · cached 3 h ago · refreshing 50%"),
        "{text}"
    );
    assert!(text.contains("refreshing: 2 / ~4 users listed"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn cached_table_refreshed_with_marks() {
    let (mut m, id) = opened(NARROW);
    update(&mut m, refreshed(id));
    let text = screen(&m);
    assert!(text.contains("refreshed · since cache: +1 ~1 −1"), "{text}");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row("bob.builder").contains("~ bob.builder"), "{text}");
    assert!(row("erin").contains("+ erin"), "{text}");
    assert!(row("dave").contains("− dave"), "{text}");
    assert!(row("alice").contains("  alice"), "{text}");
    insta::assert_snapshot!(text);
    // The removed user's row is struck through, the others are not.
    let buffer = draw(&m);
    let (w, h) = m.size;
    let struck = |name: &str| {
        (0..h).any(|y| {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            let x = line.find(name).map(|b| line[..b].chars().count() as u16);
            x.is_some_and(|x| buffer[(x, y)].modifier.contains(Modifier::CROSSED_OUT))
        })
    };
    assert!(struck("dave"));
    assert!(!struck("erin") && !struck("alice"));
}

#[test]
fn cached_table_refresh_failed() {
    let (mut m, id) = opened(NARROW);
    update(
        &mut m,
        Msg::Refresh {
            request_id: id,
            event: RefreshEvent::Failed(expired()),
        },
    );
    let text = screen(&m);
    assert!(text.contains("cached 3 h ago · refresh failed"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_help_explains_the_marks_of_a_cached_table_only() {
    let (mut m, _) = opened((100, 200));
    update(&mut m, ch('?'));
    let text = screen(&m);
    assert!(
        text.contains("Marks of a table opened from the cache"),
        "{text}"
    );
    assert!(
        text.contains("Removed since the cache: struck through"),
        "{text}"
    );
    let mut plain = crate::tui::model::Model::new(setup(), None, (100, 200));
    update(&mut plain, ch('?'));
    assert!(!screen(&plain).contains("Marks of a table"));
}
