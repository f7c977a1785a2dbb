use super::*;

fn stacks(names: &[&str]) -> Vec<Utf32String> {
    names.iter().map(|n| Utf32String::from(*n)).collect()
}

/// Sets the query and matches it to the end.
fn query(f: &mut FuzzyFilter, q: &str, hs: &[Utf32String]) {
    f.set_query(q, hs);
    assert!(f.step(hs, Duration::MAX));
}

/// 2,000 names: `n0`..: every third holds "ab", every fifth "abc".
fn many() -> Vec<Utf32String> {
    (0..2000)
        .map(|i| {
            let tag = match (i % 3, i % 5) {
                (_, 0) => "abc",
                (0, _) => "ab",
                _ => "zz",
            };
            Utf32String::from(format!("n{i} {tag}").as_str())
        })
        .collect()
}

fn brute(hs: &[Utf32String], q: &str) -> Vec<usize> {
    let p = Pattern::parse(q, CaseMatching::Smart, Normalization::Smart);
    let mut m = Matcher::new(Config::DEFAULT);
    (0..hs.len())
        .filter(|&i| p.score(hs[i].slice(..), &mut m).is_some())
        .collect()
}

#[test]
fn matching_goes_in_steps_and_keeps_the_previous_matches_meanwhile() {
    let hs = many();
    let mut f = FuzzyFilter::default();
    query(&mut f, "ab", &hs);
    let ab = brute(&hs, "ab");
    assert_eq!(f.matched(), Some(&ab[..]));
    f.set_query("zz", &hs);
    assert!(f.is_pending() && f.is_active());
    assert!(
        !f.step(&hs, Duration::ZERO),
        "one chunk per step at zero budget"
    );
    assert_eq!(f.matched(), Some(&ab[..]), "previous matches until done");
    let mut steps = 1;
    while !f.step(&hs, Duration::ZERO) {
        steps += 1;
    }
    assert!(steps >= 3, "{steps}");
    assert_eq!(f.matched(), Some(&brute(&hs, "zz")[..]));
    assert!(!f.is_pending());
}

#[test]
fn narrowing_an_unfinished_query_and_pages_arriving_meanwhile() {
    let mut hs = many();
    let mut f = FuzzyFilter::default();
    f.set_query("a", &hs);
    assert!(!f.step(&hs, Duration::ZERO));
    f.set_query("abc", &hs);
    assert!(!f.step(&hs, Duration::ZERO));
    hs.push(Utf32String::from("late abc"));
    hs.push(Utf32String::from("late zz"));
    assert!(f.extend(&hs, 2000).is_empty(), "joins the unfinished query");
    hs[0] = Utf32String::from("n0 zz");
    f.rematch(&hs, 0);
    hs[1999] = Utf32String::from("n1999 abc");
    f.rematch(&hs, 1999);
    while !f.step(&hs, Duration::ZERO) {}
    assert_eq!(f.matched(), Some(&brute(&hs, "abc")[..]));
    f.set_query("", &hs);
    assert!(!f.is_active() && !f.is_pending());
}

#[test]
fn matches_fuzzily_and_narrows_on_appended_text() {
    let hs = stacks(&["alice", "alan", "bob", "alfred"]);
    let mut f = FuzzyFilter::default();
    query(&mut f, "al", &hs);
    assert_eq!(f.matched(), Some(&[0, 1, 3][..]));
    query(&mut f, "ali", &hs);
    assert_eq!(f.matched(), Some(&[0][..]));
    query(&mut f, "a", &hs);
    assert_eq!(
        f.matched(),
        Some(&[0, 1, 3][..]),
        "shorter query widens again"
    );
    query(&mut f, "", &hs);
    assert_eq!(f.matched(), None);
}

#[test]
fn negation_is_not_narrowed_from_previous_matches() {
    let hs = stacks(&["alice", "alan", "bob"]);
    let mut f = FuzzyFilter::default();
    query(&mut f, "!a", &hs);
    assert_eq!(f.matched(), Some(&[2][..]));
    query(&mut f, "!al", &hs);
    assert_eq!(f.matched(), Some(&[2][..]));
    query(&mut f, "!ali", &hs);
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
    query(&mut f, "b", &hs);
    hs.extend(stacks(&["bert", "carl"]));
    assert_eq!(f.extend(&hs, 2), vec![2]);
    assert_eq!(f.matched(), Some(&[1, 2][..]));
}

#[test]
fn better_matches_score_higher() {
    let hs = stacks(&["anna ingrid", "a.i.n.g.r.i.d"]);
    let mut f = FuzzyFilter::default();
    query(&mut f, "ingrid", &hs);
    assert!(f.score(0) > f.score(1), "{} {}", f.score(0), f.score(1));
    query(&mut f, "zzz", &hs);
    assert_eq!(f.score(0), 0);
}

#[test]
fn rematch_keeps_order() {
    let mut hs = stacks(&["bob", "carl", "bea"]);
    let mut f = FuzzyFilter::default();
    query(&mut f, "b", &hs);
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
    query(&mut f, "ann example", &hs);
    assert_eq!(f.matched(), Some(&[0][..]));
    query(&mut f, "ANN", &hs);
    assert_eq!(
        f.matched(),
        Some(&[][..]),
        "upper case in the query is exact"
    );
}
