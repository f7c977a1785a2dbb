use std::collections::BTreeMap;

use super::*;
use crate::domain::LinkedIdentity;
use crate::snapshot::compare::Comparison;
use crate::snapshot::format::{GroupEntry, Header, ProviderEntry, Record, UserEntry, to_line};

/// A pool as the tests build it; compared through [`Comparison`], as `diff` compares files.
#[derive(Clone)]
struct Pool {
    header: Header,
    providers: BTreeMap<String, ProviderEntry>,
    groups: BTreeMap<String, GroupEntry>,
    users: BTreeMap<String, UserEntry>,
}

impl Pool {
    fn records(&self) -> Vec<Record> {
        let providers = self.providers.values().cloned().map(Record::Provider);
        let groups = self.groups.values().cloned().map(Record::Group);
        // The later side in reverse order: the changes come out by username whatever the
        // listing's order.
        let users = self.users.values().rev().cloned().map(Record::User);
        providers.chain(groups).chain(users).collect()
    }
}

/// The earlier side's lines, each at its index.
fn earlier(lines: &[String]) -> impl FnMut(u64) -> Result<String, String> + '_ {
    |at| Ok(lines[at as usize].clone())
}

fn diff(before: &Pool, after: &Pool) -> Vec<Change> {
    let mut c = Comparison::new(before.header.clone());
    let lines: Vec<String> = before.records().iter().map(to_line).collect();
    for (at, r) in before.records().into_iter().enumerate() {
        c.add_before(r, &lines[at], at as u64).unwrap();
    }
    let mut again = earlier(&lines);
    c.start_after(after.header.clone(), &mut again).unwrap();
    for r in after.records() {
        c.add_after(&r, &to_line(&r), &mut again).unwrap();
    }
    c.finish(&mut again).unwrap().changes
}

fn identity(provider: &str, user_id: &str, primary: bool) -> LinkedIdentity {
    LinkedIdentity {
        user_id: user_id.into(),
        provider_name: provider.into(),
        provider_type: provider.into(),
        issuer: None,
        primary,
        date_created: 1,
    }
}

fn user(name: &str) -> UserEntry {
    UserEntry {
        username: name.into(),
        sub: Some(format!("sub-{name}")),
        status: "CONFIRMED".into(),
        enabled: true,
        created: None,
        modified: None,
        attributes: BTreeMap::from([("email".to_owned(), format!("{name}@x.io"))]),
        identities: vec![],
        identities_unreadable: None,
        groups: vec![],
    }
}

fn view(users: &[UserEntry]) -> Pool {
    Pool {
        header: Header::new("us-east-1_P", None, None, None, "t".into()),
        providers: BTreeMap::new(),
        groups: BTreeMap::new(),
        users: users
            .iter()
            .map(|u| (u.username.clone(), u.clone()))
            .collect(),
    }
}

#[test]
fn equal_views_have_no_changes_whatever_their_modified_times() {
    let a = view(&[user("ann"), user("bob")]);
    let mut b = a.clone();
    b.users.get_mut("ann").unwrap().modified = Some("2027-01-01T00:00:00Z".into());
    b.header.taken_at = "later".into();
    assert_eq!(diff(&a, &b), vec![]);
    assert!(counts(&[]).is_empty());
}

#[test]
fn users_added_and_removed_by_username() {
    let a = view(&[user("ann"), user("bob")]);
    let b = view(&[user("bob"), user("cy")]);
    assert_eq!(
        diff(&a, &b),
        vec![
            Change::UserRemoved {
                username: "ann".into(),
                sub: Some("sub-ann".into()),
                status: "CONFIRMED".into()
            },
            Change::UserAdded {
                username: "cy".into(),
                sub: Some("sub-cy".into()),
                status: "CONFIRMED".into()
            },
        ]
    );
}

#[test]
fn a_user_made_again_under_its_name_is_removed_and_added_not_changed() {
    let a = view(&[user("ann")]);
    let mut again = user("ann");
    again.sub = Some("another".into());
    again.attributes.clear();
    let changes = diff(&a, &view(&[again]));
    let names: Vec<_> = changes.iter().map(Change::name).collect();
    assert_eq!(names, ["user_removed", "user_added"]);
}

#[test]
fn links_made_and_removed_are_listed_and_the_own_identity_is_not_a_link() {
    let mut before = user("ann");
    before.identities = vec![identity("Google", "1", false), identity("Okta", "9", true)];
    let mut after = user("ann");
    after.identities = vec![
        identity("Facebook", "2", false),
        identity("Okta", "9", true),
    ];
    assert_eq!(
        diff(&view(&[before.clone()]), &view(&[after])),
        vec![
            Change::IdentityUnlinked {
                username: "ann".into(),
                provider: "Google".into(),
                user_id: "1".into()
            },
            Change::IdentityLinked {
                username: "ann".into(),
                provider: "Facebook".into(),
                user_id: "2".into()
            },
        ]
    );
    let mut own_only = user("ann");
    own_only.identities = vec![identity("Google", "1", true)];
    let mut linked = user("ann");
    linked.identities = vec![identity("Google", "1", false)];
    // The same identity turning from own to linked is a link made.
    assert_eq!(
        diff(&view(&[own_only]), &view(&[linked]))[0].name(),
        "identity_linked"
    );
}

#[test]
fn groups_joined_and_left_and_groups_created_and_deleted() {
    let mut before = user("ann");
    before.groups = vec!["a".into(), "b".into()];
    let mut after = user("ann");
    after.groups = vec!["b".into(), "c".into()];
    let mut a = view(&[before]);
    let mut b = view(&[after]);
    let group = |name: &str| GroupEntry {
        name: name.into(),
        description: None,
        precedence: None,
        role_arn: None,
        created: None,
        modified: None,
    };
    a.groups.insert("a".into(), group("a"));
    b.groups.insert("c".into(), group("c"));
    assert_eq!(
        diff(&a, &b),
        vec![
            Change::GroupDeleted { group: "a".into() },
            Change::GroupCreated { group: "c".into() },
            Change::GroupLeft {
                username: "ann".into(),
                group: "a".into()
            },
            Change::GroupJoined {
                username: "ann".into(),
                group: "c".into()
            },
        ]
    );
}

#[test]
fn attributes_set_changed_and_removed_then_status_and_enabled() {
    let before = user("ann");
    let mut after = user("ann");
    after.attributes.insert("email".into(), "new@x.io".into());
    after.attributes.insert("name".into(), "Ann".into());
    after.status = "RESET_REQUIRED".into();
    after.enabled = false;
    let changes = diff(&view(&[before]), &view(&[after.clone()]));
    assert_eq!(
        changes,
        vec![
            Change::AttributeChanged {
                username: "ann".into(),
                attribute: "email".into(),
                before: Some("ann@x.io".into()),
                after: Some("new@x.io".into())
            },
            Change::AttributeChanged {
                username: "ann".into(),
                attribute: "name".into(),
                before: None,
                after: Some("Ann".into())
            },
            Change::StatusChanged {
                username: "ann".into(),
                before: "CONFIRMED".into(),
                after: "RESET_REQUIRED".into()
            },
            Change::EnabledChanged {
                username: "ann".into(),
                before: true,
                after: false
            },
        ]
    );
    assert_eq!(
        counts(&changes),
        [
            ("attribute_changed", 2),
            ("status_changed", 1),
            ("enabled_changed", 1)
        ]
    );
    let back = diff(&view(&[after]), &view(&[user("ann")]));
    assert!(back.contains(&Change::AttributeChanged {
        username: "ann".into(),
        attribute: "name".into(),
        before: Some("Ann".into()),
        after: None
    }));
}

#[test]
fn a_merge_reads_as_its_steps() {
    // Kept user ann; federated Google_1 merged into it: its groups copied, its name copied,
    // it is deleted and its identity linked to ann.
    let mut federated = user("Google_1");
    federated.status = "EXTERNAL_PROVIDER".into();
    federated.identities = vec![identity("Google", "1", true)];
    federated.groups = vec!["fans".into()];
    federated.attributes.insert("name".into(), "Ann A".into());
    let mut kept = user("ann");
    kept.identities = vec![identity("Google", "1", false)];
    kept.groups = vec!["fans".into()];
    kept.attributes.insert("name".into(), "Ann A".into());
    let changes = diff(&view(&[user("ann"), federated]), &view(&[kept]));
    let names: Vec<_> = changes.iter().map(Change::name).collect();
    assert_eq!(
        names,
        [
            "user_removed",
            "identity_linked",
            "group_joined",
            "attribute_changed"
        ]
    );
}

#[test]
fn provider_changes_come_first() {
    let provider = |mapping: &[(&str, &str)]| ProviderEntry {
        name: "Okta".into(),
        provider_type: "OIDC".into(),
        attribute_mapping: mapping
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    };
    let mut a = view(&[user("ann")]);
    let mut b = view(&[]);
    a.providers
        .insert("Okta".into(), provider(&[("email", "email")]));
    b.providers
        .insert("Okta".into(), provider(&[("email", "mail")]));
    let changes = diff(&a, &b);
    assert_eq!(
        changes[0],
        Change::ProviderMappingChanged {
            provider: "Okta".into(),
            attribute: "email".into(),
            before: Some("email".into()),
            after: Some("mail".into())
        }
    );
    assert_eq!(changes[1].name(), "user_removed");
    b.providers.clear();
    assert_eq!(diff(&a, &b)[0].name(), "provider_removed");
    assert_eq!(diff(&b, &a)[0].name(), "provider_added");
}

#[test]
fn every_change_name_is_listed_once_and_matches_its_json_tag() {
    let sample = Change::GroupCreated { group: "g".into() };
    let json = serde_json::to_value(&sample).unwrap();
    assert_eq!(json["change"], sample.name());
    let unique: std::collections::BTreeSet<_> = CHANGE_NAMES.iter().collect();
    assert_eq!(unique.len(), CHANGE_NAMES.len());
}

#[test]
fn a_name_twice_on_either_side_is_refused() {
    let ann = Record::User(user("ann"));
    let line = to_line(&ann);
    let lines = [line.clone(), line.clone()];
    let mut again = earlier(&lines);
    let mut c = Comparison::new(view(&[]).header);
    c.add_before(ann.clone(), &line, 0).unwrap();
    c.add_before(ann.clone(), &line, 1).unwrap();
    assert_eq!(
        c.start_after(view(&[]).header, &mut again).unwrap_err(),
        "user \"ann\" appears twice: a name is unique in a pool",
        "found once the earlier side is complete, and named"
    );
    let mut c = Comparison::new(view(&[]).header);
    c.add_before(ann.clone(), &line, 0).unwrap();
    c.start_after(view(&[]).header, &mut again).unwrap();
    c.add_after(&ann, &line, &mut again).unwrap();
    let second = c.add_after(&ann, &line, &mut again).unwrap_err();
    assert!(second.contains("appears twice"), "{second}");
    let header = Record::Header(view(&[]).header);
    let e = c.add_after(&header, "", &mut again).unwrap_err();
    assert!(e.contains("a second header"), "{e}");
}

#[test]
fn a_user_is_compared_by_content_when_its_line_differs_only_in_form() {
    let ann = Record::User(user("ann"));
    let lines = [to_line(&ann)];
    let mut read_again = 0;
    let mut again = |at: u64| {
        read_again += 1;
        Ok(lines[at as usize].clone())
    };
    let mut c = Comparison::new(view(&[]).header);
    c.add_before(ann.clone(), &lines[0], 0).unwrap();
    // Another writer's line for the same user (a field order of its own, an unknown field).
    let other = r#"{"kind":"user","groups":[],"username":"ann","sub":"sub-ann","status":"CONFIRMED","enabled":true,"created":null,"modified":null,"attributes":{"email":"ann@x.io"},"identities":[],"new_field":1}"#;
    let Ok(record) = crate::snapshot::format::parse_line(other) else {
        panic!("reads")
    };
    c.add_after(&record, other, &mut again).unwrap();
    assert_eq!(c.finish(&mut again).unwrap().changes, vec![]);
    assert_eq!(
        read_again, 1,
        "a line of another form is read again and compared"
    );
}

#[test]
fn an_unchanged_user_is_not_read_again_and_a_removed_one_is() {
    let (ann, bob) = (Record::User(user("ann")), Record::User(user("bob")));
    let lines = [to_line(&ann), to_line(&bob)];
    let mut read = Vec::new();
    let mut again = |at: u64| {
        read.push(at);
        Ok(lines[at as usize].clone())
    };
    let mut c = Comparison::new(view(&[]).header);
    c.add_before(ann.clone(), &lines[0], 0).unwrap();
    c.add_before(bob, &lines[1], 1).unwrap();
    c.add_after(&ann, &lines[0], &mut again).unwrap();
    let changes = c.finish(&mut again).unwrap().changes;
    assert_eq!(
        changes.iter().map(Change::name).collect::<Vec<_>>(),
        ["user_removed"]
    );
    assert_eq!(read, [1]);
}
