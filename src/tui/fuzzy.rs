//! Fuzzy filtering of loaded users with nucleo-matcher (fzf syntax: `^pre`, `suf$`, `'exact`,
//! `!not`, words AND-ed).
//!
//! Cost per keystroke: when the new query only appends to the previous one, the previous
//! matches are narrowed instead of matching every user again.

use std::fmt;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::domain::UserRecord;

/// The text a user is matched by: username, email, names, sub and linked identities.
pub fn haystack(user: &UserRecord) -> Utf32String {
    let mut text = user.username.clone();
    for name in [
        "email",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "phone_number",
        "sub",
    ] {
        if let Some(v) = user.attribute(name) {
            text.push(' ');
            text.push_str(v);
        }
    }
    for identity in user.identities_or_empty() {
        text.push(' ');
        text.push_str(&identity.provider_name);
        text.push(' ');
        text.push_str(&identity.user_id);
    }
    Utf32String::from(text)
}

/// The current query and the indices of the users it matches, in ascending order.
pub struct FuzzyFilter {
    query: String,
    pattern: Pattern,
    /// `None` when the query is empty (everyone matches).
    matched: Option<Vec<usize>>,
    /// Match score by user index (0 when not matching), for best-match-first order.
    scores: Vec<u32>,
    matcher: Matcher,
}

impl fmt::Debug for FuzzyFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FuzzyFilter")
            .field("query", &self.query)
            .field("matched", &self.matched.as_ref().map(Vec::len))
            .finish()
    }
}

impl Clone for FuzzyFilter {
    fn clone(&self) -> Self {
        FuzzyFilter {
            query: self.query.clone(),
            pattern: self.pattern.clone(),
            matched: self.matched.clone(),
            scores: self.scores.clone(),
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

impl Default for FuzzyFilter {
    fn default() -> Self {
        FuzzyFilter {
            query: String::new(),
            pattern: Pattern::default(),
            matched: None,
            scores: Vec::new(),
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

impl FuzzyFilter {
    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn is_active(&self) -> bool {
        self.matched.is_some()
    }

    /// How well user `index` matches (higher is better; 0 when it does not).
    pub fn score(&self, index: usize) -> u32 {
        self.scores.get(index).copied().unwrap_or(0)
    }

    /// Indices of matching users, or `None` when every user matches.
    pub fn matched(&self) -> Option<&[usize]> {
        self.matched.as_deref()
    }

    /// Changes the query and recomputes the matches over `haystacks`.
    pub fn set_query(&mut self, query: &str, haystacks: &[Utf32String]) {
        if query == self.query {
            return;
        }
        let narrows = narrows(&self.query, query);
        self.query = query.to_owned();
        if query.trim().is_empty() {
            self.pattern = Pattern::default();
            self.matched = None;
            return;
        }
        self.pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let candidates: Vec<usize> = match (&self.matched, narrows) {
            (Some(previous), true) => previous.clone(),
            _ => (0..haystacks.len()).collect(),
        };
        self.scores.clear();
        self.scores.resize(haystacks.len(), 0);
        let matched = candidates
            .into_iter()
            .filter(|&i| self.is_match(&haystacks[i], i))
            .collect();
        self.matched = Some(matched);
    }

    /// Matches newly loaded users (indices from `first` on) and returns the ones that match.
    pub fn extend(&mut self, haystacks: &[Utf32String], first: usize) -> Vec<usize> {
        if self.matched.is_none() {
            return (first..haystacks.len()).collect();
        }
        self.scores.resize(haystacks.len(), 0);
        let new: Vec<usize> = (first..haystacks.len())
            .filter(|&i| self.is_match(&haystacks[i], i))
            .collect();
        if let Some(m) = &mut self.matched {
            m.extend_from_slice(&new);
        }
        new
    }

    /// Matches a replaced user again (after a fresh read) and keeps `matched` sorted.
    pub fn rematch(&mut self, haystacks: &[Utf32String], index: usize) {
        let hit = self.matched.is_some() && self.is_match(&haystacks[index], index);
        if let Some(m) = &mut self.matched {
            match (m.binary_search(&index), hit) {
                (Ok(at), false) => {
                    m.remove(at);
                }
                (Err(at), true) => m.insert(at, index),
                _ => {}
            }
        }
    }

    /// Forgets the matches but keeps the query (the users were reloaded).
    pub fn reset_matches(&mut self) {
        if self.matched.is_some() {
            self.matched = Some(Vec::new());
        }
    }

    /// Scores user `index` and records the score; true when it matches.
    fn is_match(&mut self, haystack: &Utf32String, index: usize) -> bool {
        let score = self.pattern.score(haystack.slice(..), &mut self.matcher);
        if let Some(slot) = self.scores.get_mut(index) {
            *slot = score.unwrap_or(0);
        }
        score.is_some()
    }
}

/// Whether every match of `new` is a match of `old`: true when `new` only appends to `old`
/// and `old` has none of the operators (`!` negation, `$` anchor, `\` escape) that appending
/// can widen.
fn narrows(old: &str, new: &str) -> bool {
    !old.trim().is_empty() && new.starts_with(old) && !old.contains(['!', '$', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stacks(names: &[&str]) -> Vec<Utf32String> {
        names.iter().map(|n| Utf32String::from(*n)).collect()
    }

    #[test]
    fn matches_fuzzily_and_narrows_on_appended_text() {
        let hs = stacks(&["alice", "alan", "bob", "alfred"]);
        let mut f = FuzzyFilter::default();
        f.set_query("al", &hs);
        assert_eq!(f.matched(), Some(&[0, 1, 3][..]));
        f.set_query("ali", &hs);
        assert_eq!(f.matched(), Some(&[0][..]));
        f.set_query("a", &hs);
        assert_eq!(
            f.matched(),
            Some(&[0, 1, 3][..]),
            "shorter query widens again"
        );
        f.set_query("", &hs);
        assert_eq!(f.matched(), None);
    }

    #[test]
    fn negation_is_not_narrowed_from_previous_matches() {
        let hs = stacks(&["alice", "alan", "bob"]);
        let mut f = FuzzyFilter::default();
        f.set_query("!a", &hs);
        assert_eq!(f.matched(), Some(&[2][..]));
        f.set_query("!al", &hs);
        assert_eq!(f.matched(), Some(&[2][..]));
        f.set_query("!ali", &hs);
        assert_eq!(f.matched(), Some(&[1, 2][..]));
    }

    #[test]
    fn narrowing_rule() {
        assert!(narrows("al", "ali"));
        assert!(narrows("al", "al bo"));
        assert!(!narrows("", "a"));
        assert!(!narrows("ali", "al"));
        assert!(!narrows("!a", "!ab"));
        assert!(!narrows("ab$", "ab$c"));
    }

    #[test]
    fn new_pages_are_matched_as_they_arrive() {
        let mut hs = stacks(&["alice", "bob"]);
        let mut f = FuzzyFilter::default();
        f.set_query("b", &hs);
        hs.extend(stacks(&["bert", "carl"]));
        assert_eq!(f.extend(&hs, 2), vec![2]);
        assert_eq!(f.matched(), Some(&[1, 2][..]));
    }

    #[test]
    fn better_matches_score_higher() {
        let hs = stacks(&["anna ingrid", "a.i.n.g.r.i.d"]);
        let mut f = FuzzyFilter::default();
        f.set_query("ingrid", &hs);
        assert!(f.score(0) > f.score(1), "{} {}", f.score(0), f.score(1));
        f.set_query("zzz", &hs);
        assert_eq!(f.score(0), 0);
    }

    #[test]
    fn rematch_keeps_order() {
        let mut hs = stacks(&["bob", "carl", "bea"]);
        let mut f = FuzzyFilter::default();
        f.set_query("b", &hs);
        assert_eq!(f.matched(), Some(&[0, 2][..]));
        hs[1] = Utf32String::from("bill");
        f.rematch(&hs, 1);
        assert_eq!(f.matched(), Some(&[0, 1, 2][..]));
        hs[0] = Utf32String::from("zed");
        f.rematch(&hs, 0);
        assert_eq!(f.matched(), Some(&[1, 2][..]));
    }

    #[test]
    fn smart_case_and_user_fields() {
        let u = UserRecord::new(
            "Google_1178".into(),
            "EXTERNAL_PROVIDER".into(),
            true,
            vec![("email".into(), "Ann@Example.com".into())],
            None,
            None,
        );
        let hs = vec![haystack(&u)];
        let mut f = FuzzyFilter::default();
        f.set_query("ann example", &hs);
        assert_eq!(f.matched(), Some(&[0][..]));
        f.set_query("ANN", &hs);
        assert_eq!(
            f.matched(),
            Some(&[][..]),
            "upper case in the query is exact"
        );
    }
}
