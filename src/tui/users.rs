//! The loaded users and the view the table shows: fuzzy-filtered, sorted, with a selection
//! that stays on the same user while pages arrive, the filter changes or the sort changes.
//!
//! Cost per keystroke over 100k users: while sorted by name or link count, every user is
//! kept in that order (sorted once per sort change, new pages merged in), so a new query
//! only filters that order instead of sorting its matches again; in load order with a query,
//! the matches are ordered by a packed (score, index) key.

mod remove;

use std::cmp::Ordering;
use std::time::Duration;

use super::fuzzy::FuzzyFilter;
use crate::domain::UserRecord;

/// Time a keystroke (or a `Msg::FilterStep`) may spend matching before the frame is drawn.
pub const FILTER_BUDGET: Duration = Duration::from_millis(8);

/// Table order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// The order ListUsers returned them in.
    #[default]
    Loaded,
    /// By username, case-insensitively.
    Name,
    /// Most linked identities first, then by username.
    Links,
}

impl SortOrder {
    pub fn next(self) -> SortOrder {
        match self {
            SortOrder::Loaded => SortOrder::Name,
            SortOrder::Name => SortOrder::Links,
            SortOrder::Links => SortOrder::Loaded,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Loaded => "load order",
            SortOrder::Name => "username",
            SortOrder::Links => "link count",
        }
    }

    /// Orders two user indices; `Loaded` falls back to the fuzzy score (best first) while
    /// a fuzzy filter is active.
    fn compare(self, users: &[UserRecord], fuzzy: &FuzzyFilter, a: usize, b: usize) -> Ordering {
        let by_name = |a: &UserRecord, b: &UserRecord| {
            let fold = |c: u8| c.to_ascii_lowercase();
            (a.username().bytes().map(fold))
                .cmp(b.username().bytes().map(fold))
                .then_with(|| a.username().cmp(b.username()))
        };
        let (ua, ub) = (&users[a], &users[b]);
        match self {
            SortOrder::Loaded if fuzzy.is_active() => fuzzy.score(b).cmp(&fuzzy.score(a)),
            SortOrder::Loaded => Ordering::Equal,
            SortOrder::Name => by_name(ua, ub),
            SortOrder::Links => ub
                .link_count()
                .cmp(&ua.link_count())
                .then_with(|| by_name(ua, ub)),
        }
        .then(a.cmp(&b))
    }
}

/// Users in load order plus the derived view.
#[derive(Clone, Debug, Default)]
pub struct UserTable {
    users: Vec<UserRecord>,
    fuzzy: FuzzyFilter,
    sort: SortOrder,
    /// Every user index in `sort` order while `sort` is not `Loaded` (empty then): a new
    /// query filters it rather than sorting its matches.
    ranked: Vec<usize>,
    /// Indices into `users`: the rows of the table, in display order.
    view: Vec<usize>,
    /// Position in `view`.
    /// A new query awaits its matches: when they come, its best match is selected.
    query_changed: bool,
    selected: usize,
    /// First row on screen (kept by `update`, so only visible rows are built per frame).
    offset: usize,
}

impl UserTable {
    pub fn total(&self) -> usize {
        self.users.len()
    }

    /// Rows the table shows.
    pub fn len(&self) -> usize {
        self.view.len()
    }

    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Every loaded user, in load order (filtered out or not).
    pub fn all(&self) -> impl Iterator<Item = &UserRecord> + '_ {
        self.users.iter()
    }

    pub fn find(&self, username: &str) -> Option<&UserRecord> {
        self.users.iter().find(|u| u.username() == username)
    }

    pub fn selected_user(&self) -> Option<&UserRecord> {
        self.view.get(self.selected).map(|&i| &self.users[i])
    }

    /// Users in display order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &UserRecord> + '_ {
        self.view.iter().map(|&i| &self.users[i])
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The rows from `offset`, at most `n`.
    pub fn window(&self, n: usize) -> impl Iterator<Item = &UserRecord> + '_ {
        let end = (self.offset + n).min(self.view.len());
        let start = self.offset.min(end);
        self.view[start..end].iter().map(|&i| &self.users[i])
    }

    /// Scrolls as little as possible so the selection is among `rows` visible rows, and no
    /// further than needed to fill them.
    pub fn scroll_into_view(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(rows));
    }

    /// Selects the `n`th visible row (a mouse click); false when there is none.
    pub fn select_visible(&mut self, n: usize) -> bool {
        let pos = self.offset + n;
        if pos < self.view.len() {
            self.selected = pos;
            true
        } else {
            false
        }
    }

    pub fn sort(&self) -> SortOrder {
        self.sort
    }

    pub fn query(&self) -> &str {
        self.fuzzy.query()
    }

    pub fn is_filtered(&self) -> bool {
        self.fuzzy.is_active()
    }

    /// Forgets every user; keeps the query and the sort.
    pub fn clear(&mut self) {
        self.users.clear();
        self.ranked.clear();
        self.view.clear();
        self.fuzzy.reset_matches();
        self.selected = 0;
        self.offset = 0;
    }

    /// Appends a page; the matching users join the view at their sorted place.
    pub fn push_page(&mut self, page: Vec<UserRecord>) {
        let first = self.users.len();
        self.users.extend(page);
        let mut new = self.fuzzy.extend(&self.users, first);
        if self.sort == SortOrder::Loaded && !self.fuzzy.is_active() {
            self.view.extend(new);
            return;
        }
        let keep = self.selected_index();
        let (sort, users, fuzzy) = (self.sort, &self.users, &self.fuzzy);
        if sort != SortOrder::Loaded {
            let mut page: Vec<usize> = (first..users.len()).collect();
            page.sort_by(|&a, &b| sort.compare(users, fuzzy, a, b));
            self.ranked = merge(&self.ranked, &page, |a, b| sort.compare(users, fuzzy, a, b));
        }
        new.sort_by(|&a, &b| sort.compare(users, fuzzy, a, b));
        self.view = merge(&self.view, &new, |a, b| sort.compare(users, fuzzy, a, b));
        self.reselect(keep);
    }

    /// Replaces a user by username with a fresher copy (AdminGetUser); false when absent.
    pub fn replace(&mut self, user: UserRecord) -> bool {
        let Some(index) = self
            .users
            .iter()
            .position(|u| u.username() == user.username())
        else {
            return false;
        };
        let keep = self.selected_index();
        self.users[index] = user;
        self.fuzzy.rematch(&self.users, index);
        if self.sort != SortOrder::Loaded
            && let Some(at) = self.ranked.iter().position(|&i| i == index)
        {
            // The link count (the sort key) may have changed: move the user to its place.
            self.ranked.remove(at);
            let (sort, users, fuzzy) = (self.sort, &self.users, &self.fuzzy);
            let at = self
                .ranked
                .partition_point(|&i| sort.compare(users, fuzzy, i, index) == Ordering::Less);
            self.ranked.insert(at, index);
        }
        self.rebuild_view(keep);
        true
    }

    /// Starts filtering by `query` and matches for up to [`FILTER_BUDGET`]; when that is
    /// not enough, the previous rows stay and `continue_filter` goes on.
    pub fn set_query(&mut self, query: &str) {
        self.fuzzy.set_query(query, &self.users);
        self.query_changed = true;
        self.continue_filter(FILTER_BUDGET);
    }

    /// Whether the query's matching is unfinished (the rows are the previous query's).
    pub fn is_filtering(&self) -> bool {
        self.fuzzy.is_pending()
    }

    /// Matches for up to `budget` more; the rows change when the query is done.
    /// Once a new query's matching is done, the selection goes to its best match (as in
    /// fzf, k9s and lazygit: the row Enter opens is the one the query names best); sort
    /// changes and new pages keep the selected user instead.
    pub fn continue_filter(&mut self, budget: Duration) {
        let keep = self.selected_index();
        if self.fuzzy.step(&self.users, budget) {
            let keep = if std::mem::take(&mut self.query_changed) {
                self.best_match().or(keep)
            } else {
                keep
            };
            self.rebuild_view(keep);
        }
    }

    /// The matched user with the highest score (the first loaded among equals).
    fn best_match(&self) -> Option<usize> {
        let matched = self.fuzzy.matched()?;
        matched
            .iter()
            .copied()
            .max_by_key(|&i| (self.fuzzy.score(i), std::cmp::Reverse(i)))
    }

    pub fn set_sort(&mut self, sort: SortOrder) {
        let keep = self.selected_index();
        self.sort = sort;
        self.ranked.clear();
        if sort != SortOrder::Loaded {
            // Keys computed once per user (the same order as `compare`).
            let users = &self.users;
            let fold = |u: &UserRecord| -> Vec<u8> {
                u.username()
                    .bytes()
                    .map(|c| c.to_ascii_lowercase())
                    .collect()
            };
            self.ranked = (0..users.len()).collect();
            match sort {
                SortOrder::Links => self.ranked.sort_by_cached_key(|&i| {
                    let u = &users[i];
                    (std::cmp::Reverse(u.link_count()), fold(u), u.username(), i)
                }),
                _ => self.ranked.sort_by_cached_key(|&i| {
                    let u = &users[i];
                    (0, fold(u), u.username(), i)
                }),
            }
            debug_assert!(
                self.ranked
                    .windows(2)
                    .all(|w| { sort.compare(users, &self.fuzzy, w[0], w[1]) == Ordering::Less })
            );
        }
        self.rebuild_view(keep);
    }

    /// Moves the selection by `delta` rows, staying within the view.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.view.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn selected_index(&self) -> Option<usize> {
        self.view.get(self.selected).copied()
    }

    /// The view from the matches: filtered from `ranked` when sorted by a key, by score
    /// (best first, then load order) when filtering in load order.
    fn rebuild_view(&mut self, keep: Option<usize>) {
        self.view = match (self.sort, self.fuzzy.matched()) {
            (SortOrder::Loaded, None) => (0..self.users.len()).collect(),
            (SortOrder::Loaded, Some(matched)) => {
                // Descending score, then ascending index, as one integer key.
                let mut keyed: Vec<u64> = matched
                    .iter()
                    .map(|&i| (u64::from(u32::MAX - self.fuzzy.score(i)) << 32) | i as u64)
                    .collect();
                keyed.sort_unstable();
                keyed
                    .into_iter()
                    .map(|k| (k & 0xFFFF_FFFF) as usize)
                    .collect()
            }
            (_, None) => self.ranked.clone(),
            (_, Some(matched)) => {
                let mut hit = vec![false; self.users.len()];
                for &i in matched {
                    hit[i] = true;
                }
                self.ranked.iter().copied().filter(|&i| hit[i]).collect()
            }
        };
        self.reselect(keep);
    }

    /// Keeps the selection on the same user when still shown, else on the first row (the
    /// best match while filtering).
    fn reselect(&mut self, keep: Option<usize>) {
        self.selected = keep
            .and_then(|k| self.view.iter().position(|&i| i == k))
            .unwrap_or(0);
    }
}

fn merge(a: &[usize], b: &[usize], cmp: impl Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if cmp(a[i], b[j]) == Ordering::Greater {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
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
        let fresh =
            with_links("bob", 1).with_attributes(|a| a.push(("name".into(), "Ann Lee".into())));
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
}
