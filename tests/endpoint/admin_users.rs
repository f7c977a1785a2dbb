//! AdminDeleteUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes, AdminDisableUser and
//! AdminEnableUser through the SDK.

use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_delete_user_attributes::AdminDeleteUserAttributesError;
use aws_sdk_cognitoidentityprovider::operation::admin_disable_user::AdminDisableUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_enable_user::AdminEnableUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_update_user_attributes::AdminUpdateUserAttributesError;

use crate::helpers::*;

const MISSING_POOL: &str = "us-east-1_Nope12345";

/// The user's attributes as (name, value) pairs, from AdminGetUser.
async fn attrs(c: &Client, pool: &str, username: &str) -> Vec<(String, String)> {
    let out = c
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .expect("get user");
    out.user_attributes()
        .iter()
        .map(|a| {
            (
                a.name().to_owned(),
                a.value().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn value<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn get_user_error(c: &Client, pool: &str, username: &str) -> AdminGetUserError {
    c.admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap_err()
        .into_service_error()
}

#[tokio::test]
async fn delete_user_removes_the_user() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "deletes").await;
    create_user(c, &pool, "Keep", &[]).await;
    create_user(c, &pool, "Gone", &[("email", "gone@example.com")]).await;
    // Usernames compare case-insensitively in this pool.
    c.admin_delete_user()
        .user_pool_id(&pool)
        .username("gone")
        .send()
        .await
        .unwrap();
    let err = get_user_error(c, &pool, "Gone").await;
    assert!(err.is_user_not_found_exception(), "{err:?}");
    assert_eq!(
        code_message(&err),
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
    assert_eq!(
        usernames(&all_users(c, &pool, None, None).await),
        vec!["Keep"]
    );
    let described = c
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.user_pool().unwrap().estimated_number_of_users(),
        1
    );
    // The username is free again.
    create_user(c, &pool, "Gone", &[]).await;

    // A user can be named by its sub.
    let sub = value(&attrs(c, &pool, "Keep").await, "sub")
        .unwrap()
        .to_owned();
    c.admin_delete_user()
        .user_pool_id(&pool)
        .username(&sub)
        .send()
        .await
        .unwrap();
    assert!(
        get_user_error(c, &pool, "Keep")
            .await
            .is_user_not_found_exception()
    );

    let err = c
        .admin_delete_user()
        .user_pool_id(&pool)
        .username("Keep")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminDeleteUserError::UserNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, "User does not exist.");
    let err = c
        .admin_delete_user()
        .user_pool_id(MISSING_POOL)
        .username("Gone")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminDeleteUserError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );
    let err = c
        .admin_delete_user()
        .user_pool_id("not a pool")
        .username("Gone")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert!(
        code_message(&err)
            .1
            .starts_with("1 validation error detected: Value 'not a pool' at 'userPoolId'"),
        "{err:?}"
    );
}

#[tokio::test]
async fn deleting_a_link_destination_frees_its_linked_identities() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "links").await;
    create_social(c, &pool, IdentityProviderTypeType::Google).await;
    create_user(c, &pool, "first", &[]).await;
    create_user(c, &pool, "second", &[]).await;
    for subject in ["g-1", "g-2"] {
        c.admin_link_provider_for_user()
            .user_pool_id(&pool)
            .destination_user(cognito("first"))
            .source_user(google(subject))
            .send()
            .await
            .unwrap();
    }
    // While `first` exists the identity belongs to it.
    let err = c
        .admin_link_provider_for_user()
        .user_pool_id(&pool)
        .destination_user(cognito("second"))
        .source_user(google("g-1"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");

    c.admin_delete_user()
        .user_pool_id(&pool)
        .username("first")
        .send()
        .await
        .unwrap();
    // The links went with it: the identity links to another user, and unlinking it from the
    // deleted user finds nothing.
    c.admin_link_provider_for_user()
        .user_pool_id(&pool)
        .destination_user(cognito("second"))
        .source_user(google("g-1"))
        .send()
        .await
        .unwrap();
    let ids = identities(c, &pool, "second").await;
    assert_eq!(ids.len(), 1);
    assert_eq!(
        (ids[0].user_id.as_str(), ids[0].provider_name.as_str()),
        ("g-1", "Google")
    );
    let err = c
        .admin_disable_provider_for_user()
        .user_pool_id(&pool)
        .user(google("g-2"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    // A new user under the old name starts without links.
    create_user(c, &pool, "first", &[]).await;
    assert!(identities(c, &pool, "first").await.is_empty());
}

#[tokio::test]
async fn update_attributes_sets_replaces_and_deletes() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "updates").await;
    create_user(
        c,
        &pool,
        "ana",
        &[
            ("email", "ana@example.com"),
            ("email_verified", "true"),
            ("given_name", "Ana"),
            ("phone_number", "+15550100"),
            ("phone_number_verified", "true"),
        ],
    )
    .await;
    let sub = value(&attrs(c, &pool, "ana").await, "sub")
        .unwrap()
        .to_owned();
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("ana")
        .user_attributes(attr("given_name", "Anna"))
        .user_attributes(attr("family_name", "Lima"))
        .user_attributes(attr("custom:tier", "gold"))
        .send()
        .await
        .unwrap();
    let a = attrs(c, &pool, "ana").await;
    assert_eq!(value(&a, "given_name"), Some("Anna"));
    assert_eq!(value(&a, "family_name"), Some("Lima"));
    assert_eq!(value(&a, "custom:tier"), Some("gold"));
    assert_eq!(value(&a, "sub"), Some(sub.as_str()));
    // Not touched: still verified.
    assert_eq!(value(&a, "email_verified"), Some("true"));

    // A new email without email_verified in the request is unverified.
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("ana")
        .user_attributes(attr("email", "ana@new.example.com"))
        .send()
        .await
        .unwrap();
    let a = attrs(c, &pool, "ana").await;
    assert_eq!(value(&a, "email"), Some("ana@new.example.com"));
    assert_eq!(value(&a, "email_verified"), Some("false"));
    assert_eq!(value(&a, "phone_number_verified"), Some("true"));
    // With the flag in the same request, the flag is what the request says.
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username(&sub)
        .user_attributes(attr("email_verified", "true"))
        .user_attributes(attr("email", "ana@third.example.com"))
        .user_attributes(attr("phone_number", "+15550199"))
        .send()
        .await
        .unwrap();
    let a = attrs(c, &pool, "ana").await;
    assert_eq!(value(&a, "email"), Some("ana@third.example.com"));
    assert_eq!(value(&a, "email_verified"), Some("true"));
    assert_eq!(value(&a, "phone_number_verified"), Some("false"));

    // An empty value deletes the attribute (model doc).
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("ana")
        .user_attributes(attr("family_name", ""))
        .send()
        .await
        .unwrap();
    let a = attrs(c, &pool, "ana").await;
    assert_eq!(value(&a, "family_name"), None);
    // ListUsers sees the same attributes.
    let listed = all_users(c, &pool, None, None).await;
    assert_eq!(
        attribute(listed[0].attributes(), "given_name"),
        Some("Anna")
    );
    assert_eq!(attribute(listed[0].attributes(), "family_name"), None);
}

#[tokio::test]
async fn update_attributes_refuses_immutable_unknown_and_null_attributes() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "refusals").await;
    create_user(c, &pool, "bo", &[("name", "Bo")]).await;
    let before = attrs(c, &pool, "bo").await;
    let update = |attributes: Vec<AttributeType>| {
        c.admin_update_user_attributes()
            .user_pool_id(&pool)
            .username("bo")
            .set_user_attributes(Some(attributes))
            .send()
    };
    let err = update(vec![attr("name", "Bob"), attr("sub", "x")])
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            AdminUpdateUserAttributesError::InvalidParameterException(_)
        ),
        "{err:?}"
    );
    assert_eq!(
        code_message(&err).1,
        "Cannot modify the non-mutable attribute sub"
    );
    let err = update(vec![attr("identities", "[]")])
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        "Cannot modify the non-mutable attribute identities"
    );
    let err = update(vec![
        attr("favorite_color", "blue"),
        attr("name", "Bob"),
        attr("Username", "x"),
    ])
    .await
    .unwrap_err()
    .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        "user.favorite_color: Attribute does not exist in the schema.\nuser.Username: Attribute does not exist in the schema.\n"
    );
    let no_value = AttributeType::builder().name("name").build().unwrap();
    let err = update(vec![no_value])
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err),
        (
            "InvalidParameterException".into(),
            "Attribute value for name must not be null".into()
        )
    );
    let err = update(vec![attr(&"n".repeat(33), "v")])
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        code_message(&err).1.starts_with(&format!(
            "1 validation error detected: Value '{}' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32",
            "n".repeat(33)
        )),
        "{err:?}"
    );
    // A refused request changed nothing, not even the attributes it could have set.
    assert_eq!(attrs(c, &pool, "bo").await, before);

    let err = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("nobody")
        .user_attributes(attr("name", "N"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception(), "{err:?}");
    assert_eq!(code_message(&err).1, "User does not exist.");
    let err = c
        .admin_update_user_attributes()
        .user_pool_id(MISSING_POOL)
        .username("bo")
        .user_attributes(attr("name", "N"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(
        code_message(&err).1,
        format!("User pool {MISSING_POOL} does not exist.")
    );
}

#[tokio::test]
async fn delete_attributes_removes_by_name() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "attribute-deletes").await;
    create_user(
        c,
        &pool,
        "cy",
        &[
            ("name", "Cy"),
            ("given_name", "Cyrus"),
            ("custom:tier", "gold"),
        ],
    )
    .await;
    c.admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("cy")
        .user_attribute_names("given_name")
        .user_attribute_names("custom:tier")
        // Names the user does not have are ignored.
        .user_attribute_names("nickname")
        .send()
        .await
        .unwrap();
    let a = attrs(c, &pool, "cy").await;
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["sub", "name"]);

    let err = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("cy")
        .user_attribute_names("name")
        .user_attribute_names("sub")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            AdminDeleteUserAttributesError::InvalidParameterException(_)
        ),
        "{err:?}"
    );
    assert_eq!(
        code_message(&err).1,
        "Cannot modify the non-mutable attribute sub"
    );
    assert_eq!(value(&attrs(c, &pool, "cy").await, "name"), Some("Cy"));
    let err = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("nobody")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception(), "{err:?}");
    let err = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("cy")
        .user_attribute_names("")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        code_message(&err)
            .1
            .contains("at 'userAttributeNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        "{err:?}"
    );
}

#[tokio::test]
async fn disable_and_enable_show_in_get_and_list() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "enabled").await;
    create_user(c, &pool, "dee", &[]).await;
    create_user(c, &pool, "eve", &[]).await;
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("dee")
        .send()
        .await
        .unwrap();
    let got = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("dee")
        .send()
        .await
        .unwrap();
    assert!(!got.enabled());
    let users = all_users(c, &pool, None, None).await;
    let enabled: Vec<(String, bool)> = users
        .iter()
        .map(|u| (u.username().unwrap().to_owned(), u.enabled()))
        .collect();
    assert_eq!(
        enabled,
        vec![("dee".to_owned(), false), ("eve".to_owned(), true)]
    );
    let disabled = all_users(c, &pool, None, Some(r#"status = "Disabled""#)).await;
    assert_eq!(usernames(&disabled), vec!["dee"]);
    // Disabling twice is fine.
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("dee")
        .send()
        .await
        .unwrap();
    c.admin_enable_user()
        .user_pool_id(&pool)
        .username("dee")
        .send()
        .await
        .unwrap();
    let got = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("dee")
        .send()
        .await
        .unwrap();
    assert!(got.enabled());

    let err = c
        .admin_disable_user()
        .user_pool_id(&pool)
        .username("nobody")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminDisableUserError::UserNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, "User does not exist.");
    let err = c
        .admin_enable_user()
        .user_pool_id(MISSING_POOL)
        .username("dee")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AdminEnableUserError::ResourceNotFoundException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn user_changes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.json");
    let env = start_with_file(Seed::Empty, &path).await;
    let c = &env.client;
    let pool = new_pool(c, "durable-users").await;
    for u in ["off", "renamed", "deleted"] {
        create_user(c, &pool, u, &[("name", u)]).await;
    }
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("off")
        .send()
        .await
        .unwrap();
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("renamed")
        .user_attributes(attr("name", "New Name"))
        .send()
        .await
        .unwrap();
    c.admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("off")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    c.admin_delete_user()
        .user_pool_id(&pool)
        .username("deleted")
        .send()
        .await
        .unwrap();
    env.server.shutdown().await;

    let env = start_with_file(Seed::Empty, &path).await;
    let c = &env.client;
    let users = all_users(c, &pool, None, None).await;
    assert_eq!(usernames(&users), vec!["off", "renamed"]);
    assert!(!users[0].enabled());
    assert_eq!(attribute(users[0].attributes(), "name"), None);
    assert_eq!(attribute(users[1].attributes(), "name"), Some("New Name"));
    env.server.shutdown().await;
}
