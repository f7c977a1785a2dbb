use super::*;
use crate::tui::testdata::{native, with_links};

fn names(t: &UserTable) -> Vec<&str> {
    t.rows().map(|u| u.username()).collect()
}

#[test]
fn sorted_view_merges_new_pages_in_place() {
    let mut t = UserTable::default();
    t.set_sort(SortOrder::Name);
    t.push_page(vec![native("dora"), native("Bob")]);
    t.push_page(vec![native("carl"), native("anna"), native("eve")]);
    assert_eq!(names(&t), ["anna", "Bob", "carl", "dora", "eve"]);
}

#[test]
fn selection_follows_the_user_across_sort_and_filter() {
    let mut t = UserTable::default();
    t.push_page(vec![native("zed"), native("amy"), native("max")]);
    t.move_by(2); // max
    t.set_sort(SortOrder::Name);
    assert_eq!(t.selected_user().unwrap().username(), "max");
    t.set_query("m");
    assert_eq!(t.selected_user().unwrap().username(), "max");
    t.set_query("zed");
    assert_eq!(t.selected_user().unwrap().username(), "zed");
}

#[test]
fn fuzzy_matches_show_best_first_in_load_order_mode() {
    let mut t = UserTable::default();
    t.push_page(vec![native("anna.martin"), native("ingrid")]);
    t.set_query("ingrid");
    assert_eq!(names(&t)[0], "ingrid");
    t.push_page(vec![native("xingrid")]);
    assert_eq!(names(&t)[0], "ingrid", "new pages merge by score");
    t.set_query("");
    assert_eq!(names(&t), ["anna.martin", "ingrid", "xingrid"]);
}

#[test]
fn link_count_sort_puts_full_users_first() {
    let mut t = UserTable::default();
    t.push_page(vec![native("a"), with_links("b", 5), with_links("c", 2)]);
    t.set_sort(SortOrder::Links);
    assert_eq!(names(&t), ["b", "c", "a"]);
}

#[test]
fn moves_stay_within_bounds() {
    let mut t = UserTable::default();
    t.move_by(1);
    assert_eq!(t.selected(), 0);
    t.push_page(vec![native("a"), native("b")]);
    t.move_by(10);
    assert_eq!(t.selected(), 1);
    t.move_by(-10);
    assert_eq!(t.selected(), 0);
    t.move_by(isize::MAX / 2);
    assert_eq!(t.selected(), 1);
}

#[test]
fn replace_updates_the_row_and_its_matches() {
    let mut t = UserTable::default();
    t.push_page(vec![native("ann"), native("bob")]);
    t.set_query("ann");
    assert_eq!(t.len(), 1);
    let fresh = with_links("bob", 1).with_attributes(|a| a.push(("name".into(), "Ann Lee".into())));
    assert!(t.replace(fresh));
    assert_eq!(names(&t), ["ann", "bob"]);
    assert!(!t.replace(native("nobody")));
}

#[test]
fn scrolling_keeps_the_selection_visible_with_minimal_moves() {
    let mut t = UserTable::default();
    t.push_page((0..20).map(|i| native(&format!("u{i:02}"))).collect());
    t.move_by(7);
    t.scroll_into_view(5);
    assert_eq!(t.offset(), 3, "selection on the last visible row");
    t.move_by(-1);
    t.scroll_into_view(5);
    assert_eq!(t.offset(), 3, "moving up within the window does not scroll");
    let shown: Vec<_> = t.window(5).map(|u| u.username()).collect();
    assert_eq!(shown, ["u03", "u04", "u05", "u06", "u07"]);
    t.move_by(-10);
    t.scroll_into_view(5);
    assert_eq!(t.offset(), 0);
    assert!(t.select_visible(2));
    assert_eq!(t.selected_user().unwrap().username(), "u02");
    assert!(!t.select_visible(30));
    t.set_query("u19");
    t.scroll_into_view(5);
    assert_eq!(t.offset(), 0, "a shorter view pulls the window back");
}

#[test]
fn a_new_query_selects_its_best_match_and_a_sort_keeps_the_selection() {
    let mut t = UserTable::default();
    t.set_sort(SortOrder::Name);
    let mut page = vec![native("quokka1x23")];
    page.extend((120..130).map(|i| native(&format!("quokka{i}"))));
    t.push_page(page);
    t.set_query("quokka1");
    t.move_by(-100);
    assert_eq!(t.selected_user().unwrap().username(), "quokka120");
    t.move_by(10);
    assert_eq!(t.selected_user().unwrap().username(), "quokka1x23");
    // Narrowing to an exact name: the selection does not stay on an earlier row that
    // still matches (quokka1x23 matches "quokka123" too); it goes to the user the query
    // names best.
    t.set_query("quokka123");
    assert_eq!(t.len(), 2, "both match");
    assert_eq!(t.selected_user().unwrap().username(), "quokka123");
    t.scroll_into_view(3);
    let shown: Vec<_> = t.window(3).map(|u| u.username().to_owned()).collect();
    assert!(shown.contains(&"quokka123".to_owned()), "{shown:?}");
    // A sort change keeps the user selected.
    t.set_sort(SortOrder::Links);
    assert_eq!(t.selected_user().unwrap().username(), "quokka123");
    // As do new pages.
    t.push_page(vec![native("quokka1230")]);
    assert_eq!(t.selected_user().unwrap().username(), "quokka123");
}

#[test]
fn a_query_filters_the_kept_sort_order() {
    let mut t = UserTable::default();
    t.set_sort(SortOrder::Name);
    t.push_page(vec![native("dora"), native("Rita"), native("zed")]);
    t.set_query("r");
    assert_eq!(names(&t), ["dora", "Rita"]);
    t.push_page(vec![native("ari"), native("kim"), native("Ron")]);
    assert_eq!(names(&t), ["ari", "dora", "Rita", "Ron"]);
    t.set_query("");
    assert_eq!(names(&t), ["ari", "dora", "kim", "Rita", "Ron", "zed"]);
    t.set_query("z");
    assert_eq!(names(&t), ["zed"]);
}

#[test]
fn a_changed_link_count_moves_the_user_in_the_link_sort() {
    let mut t = UserTable::default();
    t.push_page(vec![with_links("a", 1), with_links("b", 3), native("c")]);
    t.set_sort(SortOrder::Links);
    assert_eq!(names(&t), ["b", "a", "c"]);
    assert!(t.replace(with_links("c", 4)));
    assert_eq!(names(&t), ["c", "b", "a"]);
    t.set_query("a");
    assert!(t.replace(native("b")));
    t.set_query("");
    assert_eq!(names(&t), ["c", "a", "b"]);
    t.set_sort(SortOrder::Loaded);
    assert_eq!(names(&t), ["a", "b", "c"]);
}

#[test]
fn ties_in_score_keep_load_order() {
    let mut t = UserTable::default();
    t.push_page(vec![native("xa"), native("a"), native("ya")]);
    t.set_query("a");
    let n = names(&t);
    assert_eq!(n.len(), 3);
    let scores: Vec<u32> = t.view.iter().map(|&i| t.fuzzy.score(i)).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for w in t.view.windows(2) {
        if t.fuzzy.score(w[0]) == t.fuzzy.score(w[1]) {
            assert!(w[0] < w[1]);
        }
    }
}

#[test]
fn clear_keeps_query_and_sort() {
    let mut t = UserTable::default();
    t.set_sort(SortOrder::Name);
    t.push_page(vec![native("ann"), native("bob")]);
    t.set_query("bo");
    t.clear();
    assert_eq!(t.total(), 0);
    t.push_page(vec![native("bob"), native("ann"), native("boa")]);
    assert_eq!(names(&t), ["boa", "bob"]);
    assert_eq!(t.query(), "bo");
}

#[test]
fn names_sharing_a_long_prefix_sort_as_the_full_comparison_says() {
    // The first 16 folded bytes tie for most of these: the full comparison decides.
    let list = [
        "customer.account.0002",
        "Customer.Account.0001",
        "customer.account",
        "customer.account.0001",
        "CUSTOMER.ACCOUNT.00010",
        "b",
        "a\u{0}z",
        "a",
    ];
    let mut t = UserTable::default();
    t.push_page(list.iter().map(|n| native(n)).collect());
    for sort in [SortOrder::Name, SortOrder::Links] {
        t.set_sort(sort);
        let mut expected: Vec<usize> = (0..list.len()).collect();
        expected.sort_by(|&a, &b| sort.compare(&t.users, &t.fuzzy, a, b));
        let expected: Vec<&str> = expected.iter().map(|&i| list[i]).collect();
        assert_eq!(names(&t), expected, "{sort:?}");
    }
    assert_eq!(
        names(&t)[..3],
        ["a", "a\u{0}z", "b"],
        "shorter first, then by byte"
    );
}

#[test]
fn rows_made_late_come_in_the_next_step_or_before_any_other_change() {
    let mut t = UserTable::default();
    t.push_page(vec![native("wolf"), native("qqa"), native("qqb")]);
    // A budget of zero: the matching finishes but has used "most of the frame".
    t.fuzzy.set_query("qq", &t.users);
    t.query_changed = true;
    t.continue_filter(Duration::ZERO);
    assert!(t.is_filtering(), "the rows are still to be made");
    assert_eq!(
        names(&t),
        ["wolf", "qqa", "qqb"],
        "the previous rows stay meanwhile"
    );
    t.continue_filter(Duration::ZERO);
    assert!(!t.is_filtering());
    assert_eq!(names(&t), ["qqa", "qqb"]);

    t.fuzzy.set_query("wo", &t.users);
    t.continue_filter(Duration::ZERO);
    assert!(t.is_filtering());
    t.push_page(vec![native("wok"), native("yak")]);
    assert!(!t.is_filtering(), "a page makes the late rows first");
    let mut shown = names(&t);
    shown.sort();
    assert_eq!(shown, ["wok", "wolf"]);
}

#[test]
fn room_follows_the_pool_that_is_listed() {
    let mut t = UserTable::default();
    t.reserve(1_000);
    assert!(t.room() >= 1_000);
    t.push_page(vec![native("ann"), native("bob")]);
    t.clear();
    t.reserve(10);
    assert!(t.room() < 100, "a small pool after a big one: {}", t.room());
    t.reserve(1_000);
    t.push_page(vec![native("ann")]);
    t.reserve(600);
    assert!(t.room() >= 1_000, "a pool about as big keeps its room");
    assert_eq!(t.total(), 1);
}

#[test]
fn the_rows_of_many_matches_come_in_a_frame_of_their_own() {
    let mut t = UserTable::default();
    t.push_page((0..=50_000).map(|i| native(&format!("u{i}"))).collect());
    t.fuzzy.set_query("u", &t.users);
    t.continue_filter(Duration::from_secs(3600));
    assert!(t.is_filtering(), "matched at once, shown in the next frame");
    t.continue_filter(Duration::from_secs(3600));
    assert!(!t.is_filtering());
    assert_eq!(t.len(), 50_001);

    t.fuzzy.set_query("u7", &t.users);
    t.continue_filter(Duration::from_secs(3600));
    assert!(
        !t.is_filtering(),
        "a few matches are shown in the frame that found them"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, failure_persistence: None, ..Default::default() })]

    #[test]
    fn best_first_orders_by_score_then_load_order(
        scores in proptest::collection::vec(
            proptest::prop_oneof![0u32..4, 65_530u32..65_542, proptest::num::u32::ANY],
            0..200,
        )
    ) {
        let matched: Vec<usize> = (0..scores.len()).filter(|i| i % 3 != 0).collect();
        let mut expected = matched.clone();
        expected.sort_by_key(|&i| (std::cmp::Reverse(scores[i]), i));
        let mut out = vec![7; 3];
        best_first(&matched, |i| scores[i], &mut out);
        proptest::prop_assert_eq!(out, expected);
    }
}
