//! Snapshots of the duplicates view and the merge review (accepted, and refused for an
//! unverified group), at 80x24 and 120x40.

use super::tests::screen;
use crate::tui::merging_tests::{dup_view, merge_review};

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (120, 40);

#[test]
fn duplicates_view() {
    insta::assert_snapshot!(screen(&dup_view(NARROW, true)));
}

#[test]
fn duplicates_view_wide() {
    insta::assert_snapshot!(screen(&dup_view(WIDE, true)));
}

#[test]
fn merge_review_accepted() {
    insta::assert_snapshot!(screen(&merge_review(NARROW, true)));
}

#[test]
fn merge_review_accepted_wide() {
    insta::assert_snapshot!(screen(&merge_review(WIDE, true)));
}

#[test]
fn merge_review_unverified_refused_wide() {
    insta::assert_snapshot!(screen(&merge_review(WIDE, false)));
}
