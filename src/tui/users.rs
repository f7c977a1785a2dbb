//! The loaded users and the view the table shows: fuzzy-filtered, sorted, with a selection
//! that stays on the same user while pages arrive, the filter changes or the sort changes.
//!
//! Cost per keystroke over 100k users: while sorted by name or link count, every user is
//! kept in that order (sorted once per sort change, new pages merged in), so a new query
//! only filters that order instead of sorting its matches again; in load order with a query,
//! the matches are ordered by a packed (score, index) key.

mod refresh;
mod remove;
mod sort;

use std::cmp::Ordering;
use std::time::{Duration, Instant};

use super::fuzzy::FuzzyFilter;
use crate::domain::UserRecord;

/// Time a keystroke (or a `Msg::FilterStep`) may spend matching before the frame is drawn.
pub const FILTER_BUDGET: Duration = Duration::from_millis(8);

/// Most matches whose rows are made in the frame that finished matching them. More take
/// a frame of their own (a million, best first: about 10 ms), which would not fit beside
/// the matching's share of the frame.
const ROWS_AFTER_MATCHING: usize = 50_000;

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
    /// The query's matching is done but the rows are not yet its own: matching took most of
    /// that frame, so the rows are made in the next (`continue_filter`), each within budget.
    view_behind: bool,
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
        self.view_behind = false;
        self.selected = 0;
        self.offset = 0;
    }

    /// Makes room for `users` in all (the pool's estimate), so a growing table is not copied
    /// whole as it doubles: at 1,000,000 users that copy is 64 MiB held twice, the load's
    /// peak. Room left by a pool more than twice as big is given back. Nothing more is
    /// reserved when the room cannot be had (an absurd estimate).
    pub fn reserve(&mut self, users: usize) {
        if self.users.capacity() / 2 > users {
            self.users.shrink_to(users);
            self.view.shrink_to(users);
        }
        let more = users.saturating_sub(self.users.len());
        if self.users.try_reserve_exact(more).is_ok() {
            let _ = self
                .view
                .try_reserve_exact(users.saturating_sub(self.view.len()));
        }
    }

    /// Users the table holds without growing.
    #[cfg(test)]
    pub fn room(&self) -> usize {
        self.users.capacity()
    }

    /// Appends a page; the matching users join the view at their sorted place.
    pub fn push_page(&mut self, page: Vec<UserRecord>) {
        self.catch_up();
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
        self.catch_up();
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
        self.fuzzy.is_pending() || self.view_behind
    }

    /// Matches for up to `budget` more; the rows change when the query is done.
    /// Once a new query's matching is done, the selection goes to its best match (as in
    /// fzf, k9s and lazygit: the row Enter opens is the one the query names best); sort
    /// changes and new pages keep the selected user instead.
    pub fn continue_filter(&mut self, budget: Duration) {
        let started = Instant::now();
        if !self.view_behind {
            if !self.fuzzy.step(&self.users, budget) {
                return;
            }
            let many = self.fuzzy.matched().map_or(0, <[usize]>::len) > ROWS_AFTER_MATCHING;
            if many || started.elapsed() >= budget / 2 {
                self.view_behind = true;
                return;
            }
        }
        self.show_matches();
    }

    /// Makes the rows from the finished query's matches.
    fn show_matches(&mut self) {
        self.view_behind = false;
        let keep = self.selected_index();
        let keep = if std::mem::take(&mut self.query_changed) {
            self.best_match().or(keep)
        } else {
            keep
        };
        self.rebuild_view(keep);
    }

    /// Rows made late (`view_behind`) are made now, before anything else changes them.
    fn catch_up(&mut self) {
        if self.view_behind {
            self.show_matches();
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
        self.catch_up();
        let keep = self.selected_index();
        self.sort = sort;
        self.ranked.clear();
        if sort != SortOrder::Loaded {
            self.ranked = sort::rank(&self.users, &self.fuzzy, sort);
            let users = &self.users;
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
    ///
    /// The view's own allocation is filled again: a million rows are 8 MB, which a fresh one
    /// would fault in page by page, in the frame.
    fn rebuild_view(&mut self, keep: Option<usize>) {
        let mut view = std::mem::take(&mut self.view);
        view.clear();
        match (self.sort, self.fuzzy.matched()) {
            (SortOrder::Loaded, None) => view.extend(0..self.users.len()),
            (SortOrder::Loaded, Some(matched)) => {
                best_first(matched, |i| self.fuzzy.score(i), &mut view);
            }
            (_, None) => view.extend_from_slice(&self.ranked),
            (_, Some(matched)) => {
                // A bit per user: a million users in 122 KiB, which stays in cache while
                // `ranked` is read in its own order.
                let mut hit = vec![0u64; self.users.len().div_ceil(64)];
                for &i in matched {
                    hit[i / 64] |= 1 << (i % 64);
                }
                view.reserve(matched.len());
                let shown = |&i: &usize| hit[i / 64] >> (i % 64) & 1 == 1;
                view.extend(self.ranked.iter().copied().filter(shown));
            }
        }
        self.view = view;
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

/// `matched` (ascending) by descending score, equal scores in ascending order, into `out`:
/// a stable counting sort by 16-bit digits of the score, linear in the matches (a million
/// matches fit in a frame). Scores under 65,536 (nucleo's, in practice) take one pass, from
/// `matched` straight into `out`, whose allocation is reused.
fn best_first(matched: &[usize], score: impl Fn(usize) -> u32, out: &mut Vec<usize>) {
    let key = |i: usize| u32::MAX - score(i);
    let low = |i: usize| (key(i) & 0xFFFF) as usize;
    let high = |i: usize| (key(i) >> 16) as usize;
    let one_pass = matched.iter().all(|&i| high(i) == u32::MAX as usize >> 16);
    out.clear();
    out.resize(matched.len(), 0);
    scatter(matched, low, out);
    if !one_pass {
        let by_low = out.clone();
        scatter(&by_low, high, out);
    }
}

/// `from` into `to` (as long), stably ordered by `digit` (under 65,536).
fn scatter(from: &[usize], digit: impl Fn(usize) -> usize, to: &mut [usize]) {
    let mut starts = vec![0usize; 1 << 16];
    for &i in from {
        starts[digit(i)] += 1;
    }
    let mut sum = 0;
    for slot in starts.iter_mut() {
        let count = *slot;
        *slot = sum;
        sum += count;
    }
    for &i in from {
        let at = &mut starts[digit(i)];
        to[*at] = i;
        *at += 1;
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
mod tests;
