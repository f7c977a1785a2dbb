use super::*;
use crate::domain::filter::parse_filter;

fn user(attrs: &[(&str, &str)], status: &str) -> UserRecord {
    UserRecord::new(
        "Google_1".into(),
        status.into(),
        true,
        attrs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        None,
        None,
    )
}

#[test]
fn the_compact_form_gives_back_what_it_was_given() {
    let attrs = [
        ("sub", "0a1b"),
        ("custom:tenant", "t-1"),
        ("email", "ann@x.io"),
        ("custom:empty", ""),
        ("", "nameless"),
        ("email_verified", "true"),
    ];
    for status in ["CONFIRMED", "SOMETHING_NEW", ""] {
        let u = UserRecord::new(
            "ann é".into(),
            status.into(),
            false,
            attrs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            Some(1.5),
            None,
        );
        assert_eq!(u.username(), "ann é");
        assert_eq!(u.status(), status);
        assert_eq!(u.attributes().collect::<Vec<_>>(), attrs);
        assert_eq!(u.attribute_count(), attrs.len());
        assert_eq!(u.attribute("custom:tenant"), Some("t-1"));
        assert_eq!(u.attribute("custom:empty"), Some(""));
        assert_eq!(u.attribute("email"), Some("ann@x.io"));
        assert_eq!(u.attribute("phone_number"), None);
        assert_eq!(u.attribute("custom:other"), None);
        assert_eq!(u.with_status("ARCHIVED").status(), "ARCHIVED");
        let edited = u.with_attributes(|a| a.retain(|(n, _)| n != "sub"));
        assert_eq!(edited.sub(), None);
        assert_eq!(edited.email(), Some("ann@x.io"));
        assert_eq!(u.clone(), u);
        assert_ne!(edited, u);
    }
}

#[test]
fn parses_identities_once_and_counts_links() {
    let ids = r#"[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1},{"userId":"2","providerName":"Facebook","providerType":"Facebook","issuer":null,"primary":false,"dateCreated":2}]"#;
    let u = user(
        &[("identities", ids), ("email", "a@b.c")],
        EXTERNAL_PROVIDER,
    );
    assert_eq!(u.identities().unwrap().len(), 2);
    assert_eq!(u.link_count(), 1);
    assert!(u.is_federated());
    assert_eq!(u.primary_identity().unwrap().user_id, "1");
    assert_eq!(u.email(), Some("a@b.c"));
}

#[test]
fn broken_identities_are_kept_as_an_error() {
    let u = user(&[("identities", "[oops")], "CONFIRMED");
    assert!(u.identities().is_err());
    assert_eq!(u.link_count(), 0);
    assert!(!u.is_federated());
}

#[test]
fn free_search_value_reads_user_fields_and_attributes() {
    let attrs = [("email", "a@b.c")];
    let lookup = |n: &str| attrs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    assert_eq!(
        search_value(SearchAttribute::Status, "u", "CONFIRMED", false, lookup),
        Some("Disabled")
    );
    assert_eq!(
        search_value(SearchAttribute::Email, "u", "CONFIRMED", true, lookup),
        Some("a@b.c")
    );
    assert_eq!(
        search_value(SearchAttribute::Sub, "u", "CONFIRMED", true, lookup),
        None
    );
}

#[test]
fn search_values_follow_the_filter_attributes() {
    let u = user(&[("sub", "0abc")], "CONFIRMED");
    let f = parse_filter(r#"sub ^= "0""#).unwrap().unwrap();
    assert!(f.matches(u.search_value(f.attribute)));
    let f = parse_filter(r#"status = "Enabled""#).unwrap().unwrap();
    assert!(f.matches(u.search_value(f.attribute)));
    let f = parse_filter(r#"username = "Google_1""#).unwrap().unwrap();
    assert!(f.matches(u.search_value(f.attribute)));
    let f = parse_filter(r#"email = "x""#).unwrap().unwrap();
    assert!(!f.matches(u.search_value(f.attribute)));
}

fn with_identities(identities: &str) -> UserRecord {
    UserRecord::new(
        "diego".into(),
        "CONFIRMED".into(),
        true,
        vec![("identities".into(), identities.into())],
        None,
        None,
    )
}

const LINKED_1: &str = r#"[{"userId":"1","providerName":"Google","providerType":"Google","primary":false,"dateCreated":1}]"#;

#[test]
fn holders_list_the_identity_as_linked_not_as_their_own() {
    let id = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "1");
    assert!(with_identities(LINKED_1).holds_link(&id));
    let own = LINKED_1.replace("false", "true");
    assert!(!with_identities(&own).holds_link(&id));
    let other = LINKED_1.replace("\"1\"", "\"2\"");
    assert!(!with_identities(&other).holds_link(&id));
}

#[test]
fn a_link_shows_by_its_identity_or_a_higher_count() {
    let source = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "1");
    assert!(with_identities(LINKED_1).shows_link(&source, 1));
    let other = with_identities(&LINKED_1.replace("\"1\"", "\"2\""));
    assert!(!other.shows_link(&source, 1));
    assert!(other.shows_link(&source, 0), "the count went up");
    assert!(!with_identities("").shows_link(&source, 0));
}

/// What `identities()` gives, owned, to compare with a fresh parse of the attribute.
fn owned_identities(u: &UserRecord) -> Vec<crate::domain::LinkedIdentity> {
    u.identities().unwrap().map(|i| i.to_linked()).collect()
}

#[test]
fn identities_read_back_as_parsed_whatever_their_text() {
    let cases = [
        // Escapes: the decoded pieces are not in the text and are kept beside it.
        r#"[{"userId":"a\"b","providerName":"Corp\u00e9","providerType":"SAML","issuer":"http:\/\/idp.example\/x","primary":"true","dateCreated":"17"}]"#,
        // A numeric subject, an empty issuer, pieces equal to each other.
        r#"[{"userId":12345,"providerName":"Google","providerType":"Google","issuer":"","primary":false,"dateCreated":-1},{"userId":"Google","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":9007199254740993}]"#,
        "[]",
    ];
    for raw in cases {
        let u = with_identities(raw);
        assert_eq!(
            owned_identities(&u),
            crate::domain::parse_identities(raw).unwrap(),
            "{raw}"
        );
        assert_eq!(
            u.attribute("identities"),
            Some(raw),
            "the value is kept as sent"
        );
        assert_eq!(
            u.identities_or_empty().len(),
            u.identities().unwrap().count()
        );
    }
}

#[test]
fn a_text_over_64_kib_takes_wide_offsets() {
    let long = "x".repeat(70_000);
    let raw = r#"[{"userId":"9","providerName":"Facebook","providerType":"Facebook","primary":false,"dateCreated":3}]"#;
    let u = UserRecord::new(
        "wide".into(),
        "CONFIRMED".into(),
        true,
        vec![
            ("custom:blob".into(), long.clone()),
            ("identities".into(), raw.into()),
            ("email".into(), "w@x.io".into()),
        ],
        None,
        None,
    );
    assert_eq!(u.attribute("custom:blob"), Some(long.as_str()));
    assert_eq!(u.email(), Some("w@x.io"));
    assert_eq!(u.link_count(), 1);
    assert_eq!(u.identities_or_empty().next().unwrap().user_id, "9");
}

#[test]
fn unknown_times_stay_unknown_and_known_ones_exact() {
    let u = user(&[], "CONFIRMED").with_times(Some(1548108509.537), Some(f64::NAN));
    assert_eq!(u.created(), Some(1548108509.537));
    assert_eq!(u.modified(), None);
    assert_eq!(u.clone(), u, "a user equals itself, unknown times too");
}

#[test]
fn a_user_takes_64_bytes_beside_its_text_and_table() {
    assert_eq!(std::mem::size_of::<UserRecord>(), 64);
}

#[test]
fn link_counts_past_254_are_counted_not_capped() {
    let entry = |i: usize| {
        format!(
            r#"{{"userId":"{i}","providerName":"Google","providerType":"Google","primary":false,"dateCreated":1}}"#
        )
    };
    for n in [254, 255, 300] {
        let raw = format!("[{}]", (0..n).map(entry).collect::<Vec<_>>().join(","));
        assert_eq!(with_identities(&raw).link_count(), n);
    }
}

#[test]
fn attributes_of_reads_a_set_in_one_pass_as_attribute_does() {
    let u = user(
        &[
            ("custom:plan", "pro"),
            ("email", "a@b.c"),
            ("custom:plan", "second"),
            ("sub", "s-1"),
        ],
        "CONFIRMED",
    );
    let set = AttributeSet::new(["sub", "custom:plan", "phone_number", "email"]);
    assert_eq!(
        u.attributes_of(&set),
        [Some("s-1"), Some("pro"), None, Some("a@b.c")],
        "the first of a repeated name, as `attribute` gives"
    );
    for (name, got) in ["sub", "custom:plan", "phone_number", "email"]
        .iter()
        .zip(u.attributes_of(&set))
    {
        assert_eq!(u.attribute(name), got);
    }
}
