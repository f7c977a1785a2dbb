//! Fuzzy filtering of loaded users with nucleo-matcher (fzf syntax: `^pre`, `suf$`, `'exact`,
//! `!not`, words AND-ed).
//!
//! Cost per keystroke: when the new query only appends to the previous one, the previous
//! matches are narrowed instead of matching every user again. Matching is done in steps of
//! a time budget (`step`), so a keystroke over 100k users never holds the UI for longer than
//! a frame: until a query is done, the previous matches stay on screen.
//!
//! A user's text is made when it is matched, in a buffer the filter keeps (`Haystacks`):
//! holding a copy per user would cost about as much memory as the users themselves.

use std::fmt;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use crate::domain::UserRecord;
use crate::domain::user::AttributeSet;

/// The text a user is matched by: username, email, names, sub and linked identities.
pub fn haystack(user: &UserRecord) -> Utf32String {
    let mut text = String::new();
    write_haystack(user, &mut text);
    Utf32String::from(text)
}

/// The attributes a user is matched by, after its username.
static MATCHED_ATTRIBUTES: LazyLock<AttributeSet<7>> = LazyLock::new(|| {
    AttributeSet::new([
        "email",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "phone_number",
        "sub",
    ])
});

/// Writes the text `user` is matched by into `text` (cleared first).
fn write_haystack(user: &UserRecord, text: &mut String) {
    text.clear();
    text.push_str(user.username());
    for value in user
        .attributes_of(&MATCHED_ATTRIBUTES)
        .into_iter()
        .flatten()
    {
        text.push(' ');
        text.push_str(value);
    }
    for identity in user.identities_or_empty() {
        text.push(' ');
        text.push_str(identity.provider_name);
        text.push(' ');
        text.push_str(identity.user_id);
    }
}

/// The buffers a text is made in.
#[derive(Default)]
pub struct Buffers {
    text: String,
    chars: Vec<char>,
}

/// What the filter matches: a text per item, by index.
pub trait Haystacks {
    fn count(&self) -> usize;
    /// The text of item `i`, made in `buffers` when it is not held as it is.
    fn text<'a>(&'a self, i: usize, buffers: &'a mut Buffers) -> Utf32Str<'a>;
}

impl Haystacks for [UserRecord] {
    fn count(&self) -> usize {
        self.len()
    }

    fn text<'a>(&'a self, i: usize, buffers: &'a mut Buffers) -> Utf32Str<'a> {
        let Buffers { text, chars } = buffers;
        match self.get(i) {
            Some(user) => write_haystack(user, text),
            None => text.clear(),
        }
        Utf32Str::new(text, chars)
    }
}

impl<T> Haystacks for Vec<T>
where
    [T]: Haystacks,
{
    fn count(&self) -> usize {
        self.as_slice().count()
    }

    fn text<'a>(&'a self, i: usize, buffers: &'a mut Buffers) -> Utf32Str<'a> {
        self.as_slice().text(i, buffers)
    }
}

impl Haystacks for [Utf32String] {
    fn count(&self) -> usize {
        self.len()
    }

    fn text<'a>(&'a self, i: usize, _: &'a mut Buffers) -> Utf32Str<'a> {
        self.get(i).map_or(Utf32Str::Ascii(&[]), |h| h.slice(..))
    }
}

/// Candidates checked between two looks at the clock.
const CLOCK_EVERY: usize = 512;

/// A query being matched: the candidates (ascending), how far it got, what matched so far.
#[derive(Clone, Debug, Default)]
struct Pending {
    candidates: Vec<usize>,
    next: usize,
    found: Vec<usize>,
}

/// The current query and the indices of the users it matches, in ascending order.
pub struct FuzzyFilter {
    query: String,
    pattern: Pattern,
    /// The matches of the last query done; `None` when it was empty (everyone matches).
    matched: Option<Vec<usize>>,
    /// The current query while its matching is unfinished.
    pending: Option<Pending>,
    /// Match score by user index (0 when not matching), for best-match-first order.
    scores: Vec<u32>,
    matcher: Matcher,
    buffers: Buffers,
}

impl fmt::Debug for FuzzyFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FuzzyFilter")
            .field("query", &self.query)
            .field("matched", &self.matched.as_ref().map(Vec::len))
            .field("pending", &self.pending.is_some())
            .finish()
    }
}

impl Clone for FuzzyFilter {
    fn clone(&self) -> Self {
        FuzzyFilter {
            query: self.query.clone(),
            pattern: self.pattern.clone(),
            matched: self.matched.clone(),
            pending: self.pending.clone(),
            scores: self.scores.clone(),
            matcher: Matcher::new(Config::DEFAULT),
            buffers: Buffers::default(),
        }
    }
}

impl Default for FuzzyFilter {
    fn default() -> Self {
        FuzzyFilter {
            query: String::new(),
            pattern: Pattern::default(),
            matched: None,
            pending: None,
            scores: Vec::new(),
            matcher: Matcher::new(Config::DEFAULT),
            buffers: Buffers::default(),
        }
    }
}

impl FuzzyFilter {
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether a non-empty query is in effect (its matching may be unfinished).
    pub fn is_active(&self) -> bool {
        self.matched.is_some() || self.pending.is_some()
    }

    /// Whether the current query's matching is unfinished (`step` continues it).
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// How well user `index` matches (higher is better; 0 when it does not).
    pub fn score(&self, index: usize) -> u32 {
        self.scores.get(index).copied().unwrap_or(0)
    }

    /// Indices of matching users, or `None` when every user matches.
    pub fn matched(&self) -> Option<&[usize]> {
        self.matched.as_deref()
    }

    /// Changes the query and starts matching it over `haystacks`; `step` does the work.
    /// Until it is done, `matched` keeps the previous query's matches.
    pub fn set_query(&mut self, query: &str, haystacks: &(impl Haystacks + ?Sized)) {
        if query == self.query {
            return;
        }
        let narrows = narrows(&self.query, query);
        self.query = query.to_owned();
        if query.trim().is_empty() {
            self.pattern = Pattern::default();
            self.matched = None;
            self.pending = None;
            return;
        }
        self.pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let candidates: Vec<usize> = match (self.pending.take(), &self.matched, narrows) {
            // Narrowing an unfinished query: what matched so far and what is left.
            (Some(p), _, true) => {
                let mut c = p.found;
                c.extend_from_slice(&p.candidates[p.next..]);
                c
            }
            (None, Some(previous), true) => previous.clone(),
            _ => (0..haystacks.count()).collect(),
        };
        self.scores.resize(haystacks.count(), 0);
        // Room for every candidate: a million matches grown by doubling would copy 8 MB
        // into fresh pages in the middle of a frame. What is not used is never touched.
        let found = Vec::with_capacity(candidates.len());
        self.pending = Some(Pending {
            candidates,
            next: 0,
            found,
        });
    }

    /// Matches candidates of the current query for about `budget`; true when the query is
    /// done (its matches are then `matched`).
    pub fn step(&mut self, haystacks: &(impl Haystacks + ?Sized), budget: Duration) -> bool {
        let Some(mut p) = self.pending.take() else {
            return true;
        };
        let started = Instant::now();
        while p.next < p.candidates.len() {
            let end = (p.next + CLOCK_EVERY).min(p.candidates.len());
            for k in p.next..end {
                let i = p.candidates[k];
                if self.is_match(haystacks, i) {
                    p.found.push(i);
                }
            }
            p.next = end;
            if p.next < p.candidates.len() && started.elapsed() >= budget {
                self.pending = Some(p);
                return false;
            }
        }
        self.matched = Some(p.found);
        true
    }

    /// Matches newly loaded users (indices from `first` on) and returns the ones that match
    /// (none while a query is unfinished: they join its candidates).
    pub fn extend(&mut self, haystacks: &(impl Haystacks + ?Sized), first: usize) -> Vec<usize> {
        let len = haystacks.count();
        if let Some(p) = &mut self.pending {
            self.scores.resize(len, 0);
            p.candidates.extend(first..len);
            return Vec::new();
        }
        if self.matched.is_none() {
            return (first..len).collect();
        }
        self.scores.resize(len, 0);
        let new: Vec<usize> = (first..len)
            .filter(|&i| self.is_match(haystacks, i))
            .collect();
        if let Some(m) = &mut self.matched {
            m.extend_from_slice(&new);
        }
        new
    }

    /// Matches a replaced user again (after a fresh read) and keeps `matched` sorted.
    pub fn rematch(&mut self, haystacks: &(impl Haystacks + ?Sized), index: usize) {
        if let Some(mut p) = self.pending.take() {
            // A candidate not reached yet is matched when it is; one already checked again.
            let checked = p.candidates[..p.next].binary_search(&index).is_ok();
            if checked {
                let hit = self.is_match(haystacks, index);
                toggle(&mut p.found, index, hit);
            }
            self.pending = Some(p);
            return;
        }
        let hit = self.matched.is_some() && self.is_match(haystacks, index);
        if let Some(m) = &mut self.matched {
            toggle(m, index, hit);
        }
    }

    /// Forgets the matches but keeps the query (the users were reloaded).
    pub fn reset_matches(&mut self) {
        if self.is_active() {
            self.matched = Some(Vec::new());
            self.pending = None;
        }
    }

    /// Scores user `index` and records the score; true when it matches.
    fn is_match(&mut self, haystacks: &(impl Haystacks + ?Sized), index: usize) -> bool {
        let text = haystacks.text(index, &mut self.buffers);
        let score = self.pattern.score(text, &mut self.matcher);
        if let Some(slot) = self.scores.get_mut(index) {
            *slot = score.unwrap_or(0);
        }
        score.is_some()
    }
}

/// Adds `index` to the sorted `list` or removes it from it.
fn toggle(list: &mut Vec<usize>, index: usize, present: bool) {
    match (list.binary_search(&index), present) {
        (Ok(at), false) => {
            list.remove(at);
        }
        (Err(at), true) => list.insert(at, index),
        _ => {}
    }
}

/// Whether every match of `new` is a match of `old`: true when `new` only appends to `old`
/// and `old` has none of the operators (`!` negation, `$` anchor, `\` escape) that appending
/// can widen.
fn narrows(old: &str, new: &str) -> bool {
    !old.trim().is_empty() && new.starts_with(old) && !old.contains(['!', '$', '\\'])
}

#[cfg(test)]
mod tests;
