//! Groups and memberships through the SDK: CreateGroup, GetGroup, ListGroups, DeleteGroup,
//! AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::operation::admin_add_user_to_group::AdminAddUserToGroupError;
use aws_sdk_cognitoidentityprovider::operation::create_group::CreateGroupError;
use aws_sdk_cognitoidentityprovider::operation::delete_group::DeleteGroupError;
use aws_sdk_cognitoidentityprovider::operation::get_group::GetGroupError;
use aws_sdk_cognitoidentityprovider::types::GroupType;

use crate::helpers::*;

const MISSING_POOL: &str = "us-east-1_Nope12345";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/admins";

async fn create_group(c: &Client, pool: &str, name: &str) {
    c.create_group()
        .user_pool_id(pool)
        .group_name(name)
        .send()
        .await
        .expect("group created");
}

async fn add(c: &Client, pool: &str, user: &str, group: &str) {
    c.admin_add_user_to_group()
        .user_pool_id(pool)
        .username(user)
        .group_name(group)
        .send()
        .await
        .expect("user added to group");
}

fn names(groups: &[GroupType]) -> Vec<String> {
    groups
        .iter()
        .map(|g| g.group_name().unwrap_or_default().to_owned())
        .collect()
}

/// Every group of the pool, page by page, checking each page's size.
async fn all_groups(c: &Client, pool: &str, limit: i32) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_groups()
            .user_pool_id(pool)
            .limit(limit)
            .set_next_token(token)
            .send()
            .await
            .expect("list groups");
        assert!(page.groups().len() <= limit as usize);
        out.extend(names(page.groups()));
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => return out,
        }
    }
}

async fn all_groups_for_user(c: &Client, pool: &str, user: &str, limit: i32) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .admin_list_groups_for_user()
            .user_pool_id(pool)
            .username(user)
            .limit(limit)
            .set_next_token(token)
            .send()
            .await
            .expect("list groups for user");
        assert!(page.groups().len() <= limit as usize);
        out.extend(names(page.groups()));
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => return out,
        }
    }
}

async fn all_members(c: &Client, pool: &str, group: &str, limit: i32) -> Vec<UserType> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_users_in_group()
            .user_pool_id(pool)
            .group_name(group)
            .limit(limit)
            .set_next_token(token)
            .send()
            .await
            .expect("list users in group");
        assert!(page.users().len() <= limit as usize);
        out.extend(page.users().iter().cloned());
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => return out,
        }
    }
}

/// Each item once, in order.
fn assert_once_in_order(items: &[String], expected: &[String]) {
    assert_eq!(items, expected);
    let unique: BTreeSet<&String> = items.iter().collect();
    assert_eq!(unique.len(), items.len(), "{items:?}");
}

#[tokio::test]
async fn create_get_and_delete_groups() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "groups").await;
    let out = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .description("People who run things")
        .precedence(0)
        .role_arn(ROLE_ARN)
        .send()
        .await
        .unwrap();
    let created = out.group().unwrap();
    assert_eq!(created.group_name(), Some("Admins"));
    assert_eq!(created.user_pool_id(), Some(pool.as_str()));
    assert_eq!(created.precedence(), Some(0));
    let got = c
        .get_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .send()
        .await
        .unwrap();
    let g = got.group().unwrap();
    assert_eq!(g, created);
    assert_eq!(g.description(), Some("People who run things"));
    assert_eq!(g.role_arn(), Some(ROLE_ARN));
    assert!(g.creation_date().is_some() && g.last_modified_date().is_some());
    // Optional members stay absent.
    create_group(c, &pool, "plain").await;
    let plain = c
        .get_group()
        .user_pool_id(&pool)
        .group_name("plain")
        .send()
        .await
        .unwrap();
    let plain = plain.group().unwrap();
    assert_eq!(
        (plain.description(), plain.precedence(), plain.role_arn()),
        (None, None, None)
    );
    // Names are compared exactly.
    create_group(c, &pool, "admins").await;

    let err = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, CreateGroupError::GroupExistsException(_)),
        "{err:?}"
    );
    assert_eq!(
        code_message(&err),
        (
            "GroupExistsException".into(),
            "A group with the name Admins already exists.".into()
        )
    );

    c.delete_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .send()
        .await
        .unwrap();
    let err = c
        .get_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, GetGroupError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(
        code_message(&err),
        (
            "ResourceNotFoundException".into(),
            "Group not found.".into()
        )
    );
    let err = c
        .delete_group()
        .user_pool_id(&pool)
        .group_name("Admins")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, DeleteGroupError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, "Group not found.");
    // The name can be used again.
    create_group(c, &pool, "Admins").await;

    let err = c
        .create_group()
        .user_pool_id(MISSING_POOL)
        .group_name("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );
    let err = c
        .get_group()
        .user_pool_id(MISSING_POOL)
        .group_name("Admins")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );
}

#[tokio::test]
async fn create_group_validates_the_model() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "validation").await;
    let err = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("has space")
        .precedence(-1)
        .role_arn("not-an-arn-but-long-enough")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let m = code_message(&err).1;
    assert!(m.starts_with("3 validation errors detected: "), "{m}");
    assert!(
        m.contains("Value 'has space' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"),
        "{m}"
    );
    assert!(
        m.contains("at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern"),
        "{m}"
    );
    assert!(
        m.contains("Value '-1' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0"),
        "{m}"
    );
    let err = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("g".repeat(129))
        .description("d".repeat(2049))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let m = code_message(&err).1;
    assert!(
        m.contains("at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"),
        "{m}"
    );
    assert!(
        m.contains("at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048"),
        "{m}"
    );
    // Nothing was created by the refused requests.
    assert!(all_groups(c, &pool, 60).await.is_empty());
}

#[tokio::test]
async fn list_groups_pages_return_every_group_once() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "paging").await;
    let other = new_pool(c, "other").await;
    let mut expected: Vec<String> = (0..7).map(|i| format!("group-{i}")).collect();
    // Created out of order; listed in name order.
    for name in expected.iter().rev() {
        create_group(c, &pool, name).await;
    }
    expected.sort();
    for limit in [1, 2, 3, 7, 60] {
        assert_once_in_order(&all_groups(c, &pool, limit).await, &expected);
    }
    // Limit omitted or 0: the default page holds all seven.
    for limit in [None, Some(0)] {
        let page = c
            .list_groups()
            .user_pool_id(&pool)
            .set_limit(limit)
            .send()
            .await
            .unwrap();
        assert_eq!(names(page.groups()), expected);
        assert_eq!(page.next_token(), None);
    }
    let first = c
        .list_groups()
        .user_pool_id(&pool)
        .limit(2)
        .send()
        .await
        .unwrap();
    let token = first.next_token().unwrap().to_owned();
    // A group created between pages, after the last one returned, is in a later page.
    create_group(c, &pool, "group-9").await;
    let rest = c
        .list_groups()
        .user_pool_id(&pool)
        .limit(60)
        .next_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        names(rest.groups()),
        vec![
            "group-2", "group-3", "group-4", "group-5", "group-6", "group-9"
        ]
    );

    let err = c
        .list_groups()
        .user_pool_id(&pool)
        .limit(61)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    // A token of another pool, or not a token at all.
    for bad in [token.as_str(), "zz"] {
        let err = c
            .list_groups()
            .user_pool_id(&other)
            .next_token(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert_eq!(code_message(&err).1, "Invalid pagination token.");
    }
    let err = c
        .list_groups()
        .user_pool_id(MISSING_POOL)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
}

#[tokio::test]
async fn memberships_are_added_removed_and_listed_both_ways() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "members").await;
    let users: Vec<String> = (0..7).map(|i| format!("member-{i}")).collect();
    for u in users.iter().rev() {
        create_user(c, &pool, u, &[("email", &format!("{u}@example.com"))]).await;
    }
    create_user(c, &pool, "loner", &[]).await;
    let groups: Vec<String> = (0..5).map(|i| format!("team-{i}")).collect();
    for g in &groups {
        create_group(c, &pool, g).await;
    }
    create_group(c, &pool, "empty").await;
    for u in &users {
        add(c, &pool, u, "team-0").await;
    }
    for g in &groups {
        add(c, &pool, "member-3", g).await;
    }
    // Adding again is fine and changes nothing; the user may be named by its sub.
    add(c, &pool, "MEMBER-3", "team-0").await;
    let sub = attribute(
        c.admin_get_user()
            .user_pool_id(&pool)
            .username("member-3")
            .send()
            .await
            .unwrap()
            .user_attributes(),
        "sub",
    )
    .unwrap()
    .to_owned();
    add(c, &pool, &sub, "team-1").await;

    for limit in [1, 2, 3, 60] {
        let members = all_members(c, &pool, "team-0", limit).await;
        assert_once_in_order(&usernames(&members), &users);
        assert_once_in_order(
            &all_groups_for_user(c, &pool, "member-3", limit).await,
            &groups,
        );
    }
    // Members come as ListUsers' UserType.
    let members = all_members(c, &pool, "team-0", 60).await;
    assert_eq!(
        attribute(members[0].attributes(), "email"),
        Some("member-0@example.com")
    );
    assert!(members[0].enabled());
    assert_eq!(
        members[0].user_status().unwrap().as_str(),
        "FORCE_CHANGE_PASSWORD"
    );
    assert!(all_members(c, &pool, "empty", 60).await.is_empty());
    assert!(all_groups_for_user(c, &pool, "loner", 60).await.is_empty());
    let listed = c
        .admin_list_groups_for_user()
        .user_pool_id(&pool)
        .username("member-0")
        .send()
        .await
        .unwrap();
    assert_eq!(names(listed.groups()), vec!["team-0"]);
    assert_eq!(listed.groups()[0].user_pool_id(), Some(pool.as_str()));

    c.admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("member-3")
        .group_name("team-0")
        .send()
        .await
        .unwrap();
    // Removing a non-member succeeds too.
    c.admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("member-3")
        .group_name("team-0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        all_groups_for_user(c, &pool, "member-3", 2).await,
        &groups[1..]
    );
    let remaining: Vec<String> = users.iter().filter(|u| *u != "member-3").cloned().collect();
    assert_eq!(
        usernames(&all_members(c, &pool, "team-0", 2).await),
        remaining
    );

    // Tokens stay with the group or user they were issued for.
    let page = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("team-0")
        .limit(1)
        .send()
        .await
        .unwrap();
    let err = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("team-1")
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code_message(&err).1, "Invalid pagination token.");
    let page = c
        .admin_list_groups_for_user()
        .user_pool_id(&pool)
        .username("member-3")
        .limit(1)
        .send()
        .await
        .unwrap();
    let err = c
        .admin_list_groups_for_user()
        .user_pool_id(&pool)
        .username("member-0")
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code_message(&err).1, "Invalid pagination token.");
}

#[tokio::test]
async fn membership_errors_name_the_missing_thing() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "member-errors").await;
    create_user(c, &pool, "ivy", &[]).await;
    create_group(c, &pool, "crew").await;

    let err = c
        .admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("ivy")
        .group_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminAddUserToGroupError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, "Group not found.");
    let err = c
        .admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("nobody")
        .group_name("crew")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminAddUserToGroupError::UserNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, "User does not exist.");
    let err = c
        .admin_add_user_to_group()
        .user_pool_id(MISSING_POOL)
        .username("ivy")
        .group_name("crew")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );

    let err = c
        .admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("ivy")
        .group_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(code_message(&err).1, "Group not found.");
    let err = c
        .admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("nobody")
        .group_name("crew")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception(), "{err:?}");

    let err = c
        .admin_list_groups_for_user()
        .user_pool_id(&pool)
        .username("nobody")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception(), "{err:?}");
    assert_eq!(code_message(&err).1, "User does not exist.");
    let err = c
        .admin_list_groups_for_user()
        .user_pool_id(&pool)
        .username("ivy")
        .limit(61)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );

    let err = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(code_message(&err).1, "Group not found.");
    let err = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("crew")
        .limit(-1)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0"
    );
    let err = c
        .list_users_in_group()
        .user_pool_id(MISSING_POOL)
        .group_name("crew")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );
}

#[tokio::test]
async fn deleting_a_group_or_a_user_ends_their_memberships() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "cleanup").await;
    for u in ["jo", "kai"] {
        create_user(c, &pool, u, &[]).await;
    }
    for g in ["a", "b"] {
        create_group(c, &pool, g).await;
        add(c, &pool, "jo", g).await;
        add(c, &pool, "kai", g).await;
    }
    c.delete_group()
        .user_pool_id(&pool)
        .group_name("a")
        .send()
        .await
        .unwrap();
    assert_eq!(all_groups_for_user(c, &pool, "jo", 60).await, vec!["b"]);
    // A new group under the old name starts empty.
    create_group(c, &pool, "a").await;
    assert!(all_members(c, &pool, "a", 60).await.is_empty());

    c.admin_delete_user()
        .user_pool_id(&pool)
        .username("jo")
        .send()
        .await
        .unwrap();
    assert_eq!(
        usernames(&all_members(c, &pool, "b", 60).await),
        vec!["kai"]
    );
    // A new user under the old name is in no group.
    create_user(c, &pool, "jo", &[]).await;
    assert!(all_groups_for_user(c, &pool, "jo", 60).await.is_empty());
}

#[tokio::test]
async fn groups_and_memberships_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.json");
    let env = start_with_file(Seed::Demo, &path).await;
    let c = &env.client;
    c.create_group()
        .user_pool_id(DEMO_POOL_ID)
        .group_name("Support")
        .description("Helpdesk")
        .precedence(3)
        .role_arn(ROLE_ARN)
        .send()
        .await
        .unwrap();
    create_group(c, DEMO_POOL_ID, "Beta").await;
    create_user(c, DEMO_POOL_ID, "Restart.Member", &[]).await;
    add(c, DEMO_POOL_ID, "Restart.Member", "Support").await;
    add(c, DEMO_POOL_ID, "Restart.Member", "Beta").await;
    let before = c
        .get_group()
        .user_pool_id(DEMO_POOL_ID)
        .group_name("Support")
        .send()
        .await
        .unwrap()
        .group()
        .cloned()
        .unwrap();
    // Durable before the answer: the state file already holds the membership.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(r#""members":["Restart.Member"]"#), "{text}");
    env.server.shutdown().await;

    let env = start_with_file(Seed::Empty, &path).await;
    let c = &env.client;
    let after = c
        .get_group()
        .user_pool_id(DEMO_POOL_ID)
        .group_name("Support")
        .send()
        .await
        .unwrap();
    assert_eq!(after.group(), Some(&before));
    assert_eq!(
        all_groups_for_user(c, DEMO_POOL_ID, "restart.member", 1).await,
        vec!["Beta", "Support"]
    );
    assert_eq!(
        usernames(&all_members(c, DEMO_POOL_ID, "Support", 60).await),
        vec!["Restart.Member"]
    );
    env.server.shutdown().await;
}

/// The demo pool has what the merge work needs: groups with members (federated users among
/// them) and people with both a native and a federated user under one email.
#[tokio::test]
async fn the_demo_pool_has_groups_and_duplicate_accounts() {
    let env = start(Seed::Demo).await;
    let c = &env.client;
    let groups = c
        .list_groups()
        .user_pool_id(DEMO_POOL_ID)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = groups
        .groups()
        .iter()
        .filter_map(|g| g.group_name())
        .collect();
    assert_eq!(names, ["admins", "beta-testers", "premium", "support"]);
    let mut members = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_users_in_group()
            .user_pool_id(DEMO_POOL_ID)
            .group_name("beta-testers")
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        members.extend(usernames(page.users()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(members.len(), 15);
    assert!(
        members.iter().any(|m| m.starts_with("Google_")),
        "{members:?}"
    );
    let pair = all_users(
        c,
        DEMO_POOL_ID,
        None,
        Some("email = \"lillian.chavez@gmail.com\""),
    )
    .await;
    let mut statuses: Vec<String> = pair
        .iter()
        .map(|u| {
            u.user_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default()
        })
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["CONFIRMED", "EXTERNAL_PROVIDER"]);
}
