//! Grouping and classification: case variants, unverified sides, phone numbers, the 5-link
//! limit, shadow profiles of linked sign-ins, a federated user holding several identities.

use super::*;
use crate::domain::test_users::{identity, user};

fn native(name: &str, email: &str, verified: bool, links: &[(&str, &str)]) -> UserRecord {
    let ids: Vec<String> = links.iter().map(|(p, s)| identity(p, s, false)).collect();
    user(
        name,
        "CONFIRMED",
        &[
            ("email", email),
            ("email_verified", if verified { "true" } else { "false" }),
        ],
        &ids,
    )
}

fn federated(provider: &str, subject: &str, email: &str, verified: bool) -> UserRecord {
    user(
        &format!("{provider}_{subject}"),
        "EXTERNAL_PROVIDER",
        &[
            ("email", email),
            ("email_verified", if verified { "true" } else { "false" }),
        ],
        &[identity(provider, subject, true)],
    )
}

fn by_email(users: &[UserRecord]) -> Vec<DuplicateGroup> {
    find_duplicates(users, &[MatchBy::Email])
}

#[test]
fn a_native_user_and_its_federated_twin_are_mergeable() {
    let users = [
        native("ann", "Ann@Example.com", true, &[]),
        federated("Google", "1093", "ann@example.com", true),
        native("bob", "bob@example.com", true, &[]),
    ];
    let groups = by_email(&users);
    assert_eq!(groups.len(), 1, "{groups:?}");
    let g = &groups[0];
    assert_eq!(g.key, "ann@example.com", "case-folded");
    assert_eq!(g.class, GroupClass::Mergeable, "{}", g.reason);
    assert_eq!(g.keep.as_deref(), Some("ann"));
    assert_eq!(g.merge, ["Google_1093"]);
    assert_eq!(g.members[0].username, "ann", "the native user first");
    assert_eq!(
        g.members[1].identity,
        Some(("Google".to_owned(), "1093".to_owned()))
    );
    assert!(g.reason.contains("0/5 -> 1/5"), "{}", g.reason);
}

#[test]
fn two_native_case_variants_need_a_choice() {
    let users = [
        native("bob1", "Bob@x.com", true, &[]),
        native("bob2", "bob@x.com", true, &[]),
        federated("Google", "7", "BOB@X.COM", true),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(g.class, GroupClass::NeedsChoice);
    assert_eq!(g.keep, None);
    assert!(g.merge.is_empty());
    assert!(g.reason.contains("2 native users"), "{}", g.reason);
    // Federated users only: one of them must be chosen as the destination.
    let only_federated = [
        federated("Google", "1", "c@x.com", true),
        federated("Facebook", "2", "c@x.com", true),
    ];
    assert_eq!(by_email(&only_federated)[0].class, GroupClass::NeedsChoice);
}

#[test]
fn an_unverified_side_is_reported_never_mergeable() {
    for (native_verified, federated_verified) in [(true, false), (false, true), (false, false)] {
        let users = [
            native("ann", "ann@x.com", native_verified, &[]),
            federated("Facebook", "55", "ann@x.com", federated_verified),
        ];
        let g = &by_email(&users)[0];
        assert_eq!(
            g.class,
            GroupClass::Unverified,
            "{native_verified} {federated_verified}"
        );
        assert!(g.reason.contains("takeover risk"), "{}", g.reason);
        assert_eq!(g.keep.as_deref(), Some("ann"));
        assert_eq!(g.merge, ["Facebook_55"], "named, for an explicit override");
    }
    // A missing email_verified is not verified.
    let users = [
        user("ann", "CONFIRMED", &[("email", "a@x.com")], &[]),
        federated("Google", "1", "a@x.com", true),
    ];
    assert_eq!(by_email(&users)[0].class, GroupClass::Unverified);
}

#[test]
fn phone_numbers_match_with_their_own_verified_flag() {
    let phone = |name: &str, status: &str, verified: &str, ids: &[String]| {
        user(
            name,
            status,
            &[
                ("phone_number", "+15551234567"),
                ("phone_number_verified", verified),
            ],
            ids,
        )
    };
    let users = [
        phone("ann", "CONFIRMED", "true", &[]),
        phone(
            "LoginWithAmazon_amzn1.account.A",
            "EXTERNAL_PROVIDER",
            "true",
            &[identity("LoginWithAmazon", "amzn1.account.A", true)],
        ),
    ];
    assert!(by_email(&users).is_empty(), "no email: no email group");
    let groups = find_duplicates(&users, &[MatchBy::Phone]);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].by, MatchBy::Phone);
    assert_eq!(
        groups[0].class,
        GroupClass::Mergeable,
        "{}",
        groups[0].reason
    );
    let both = find_duplicates(&users, &[MatchBy::Email, MatchBy::Phone]);
    assert_eq!(both.len(), 1);
}

#[test]
fn merging_past_five_links_is_flagged() {
    let links = [("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")];
    let users = [
        native("ann", "ann@x.com", true, &links),
        federated("Google", "8", "ann@x.com", true),
        federated("Facebook", "9", "ann@x.com", true),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(g.class, GroupClass::WouldPassLimit);
    assert!(g.reason.contains("4/5"), "{}", g.reason);
    // With room for one, one twin is mergeable.
    let users = [
        native("ann", "ann@x.com", true, &links),
        federated("Google", "8", "ann@x.com", true),
    ];
    assert_eq!(by_email(&users)[0].class, GroupClass::Mergeable);
}

#[test]
fn a_linked_sign_ins_shadow_profile_is_already_linked() {
    let users = [
        native("ann", "ann@x.com", true, &[("Google", "1093")]),
        federated("Google", "1093", "ann@x.com", true),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(g.class, GroupClass::AlreadyLinked);
    assert_eq!(g.members[1].linked_to.as_deref(), Some("ann"));
    assert!(g.merge.is_empty());
    // A shadow and a real twin: only the twin is merged, and the count counts the link held.
    let users = [
        native("ann", "ann@x.com", true, &[("Google", "1093")]),
        federated("Google", "1093", "ann@x.com", true),
        federated("Facebook", "42", "ann@x.com", true),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(g.class, GroupClass::Mergeable);
    assert_eq!(g.merge, ["Facebook_42"]);
    assert!(g.reason.contains("1/5 -> 2/5"), "{}", g.reason);
}

#[test]
fn a_federated_user_holding_several_identities_is_one_member() {
    // Google_5 was a destination once: it holds a Facebook link besides its own identity.
    let users = [
        native("ann", "ann@x.com", true, &[]),
        user(
            "Google_5",
            "EXTERNAL_PROVIDER",
            &[("email", "ann@x.com"), ("email_verified", "true")],
            &[
                identity("Google", "5", true),
                identity("Facebook", "6", false),
            ],
        ),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(g.class, GroupClass::Mergeable);
    assert_eq!(g.members.len(), 2);
    assert_eq!(g.members[1].links, 1);
    assert!(
        g.reason.contains("0/5 -> 2/5"),
        "both identities move: {}",
        g.reason
    );
    // So with 4 links held, that merge would pass the limit.
    let links = [("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")];
    let users = [native("ann", "ann@x.com", true, &links), users[1].clone()];
    assert_eq!(by_email(&users)[0].class, GroupClass::WouldPassLimit);
    assert_eq!(g.members[1].identity, Some(("Google".into(), "5".into())));
}

#[test]
fn groups_come_most_constrained_first_and_singles_are_not_groups() {
    let users = [
        native("z", "z@x.com", true, &[]),
        federated("Google", "1", "z@x.com", true),
        native("a1", "a@x.com", true, &[]),
        native("a2", "A@x.com", true, &[]),
        native("solo", "solo@x.com", true, &[]),
        user("blank", "CONFIRMED", &[("email", "  ")], &[]),
        user("blank2", "CONFIRMED", &[("email", "")], &[]),
    ];
    let classes: Vec<GroupClass> = by_email(&users).iter().map(|g| g.class).collect();
    assert_eq!(classes, [GroupClass::NeedsChoice, GroupClass::Mergeable]);
}

#[test]
fn a_federated_user_without_identities_is_known_by_its_username() {
    let users = [
        native("ann", "ann@x.com", true, &[]),
        user(
            "Facebook_77",
            "EXTERNAL_PROVIDER",
            &[("email", "ann@x.com"), ("email_verified", "true")],
            &[],
        ),
    ];
    let g = &by_email(&users)[0];
    assert_eq!(
        g.members[1].identity,
        Some(("Facebook".into(), "77".into()))
    );
    assert_eq!(g.class, GroupClass::Mergeable);
}
