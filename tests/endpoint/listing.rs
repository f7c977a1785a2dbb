//! ListUsers: paging, filters, limits, AttributesToGet; AdminGetUser; AdminCreateUser.

use std::collections::{BTreeSet, HashSet};
use std::time::Instant;

use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use aws_sdk_cognitoidentityprovider::operation::list_users::ListUsersError;

use crate::helpers::*;

async fn create_many(client: &Client, pool: &str, prefix: &str, n: usize) {
    // Eight requests in flight at a time keeps creation quick without a special API.
    let mut i = 0;
    while i < n {
        let batch: Vec<_> = (i..n.min(i + 8))
            .map(|j| {
                let client = client.clone();
                let pool = pool.to_owned();
                let name = format!("{prefix}{j:05}");
                tokio::spawn(async move {
                    create_user(&client, &pool, &name, &[("email", &format!("{name}@x.io"))]).await
                })
            })
            .collect();
        for t in batch {
            t.await.unwrap();
        }
        i += 8;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_through_more_than_1000_users_returns_each_exactly_once() {
    // Full pages: this test also checks the page size itself (short pages have their own).
    let env = start_opts(LocalOptions {
        port: 0,
        state_file: None,
        seed: Seed::Empty,
        simulation: Simulation::default(),
    })
    .await;
    let c = &env.client;
    let pool = new_pool(c, "paging").await;
    create_many(c, &pool, "user-", 1_050).await;
    let expected: BTreeSet<String> = (0..1_050).map(|j| format!("user-{j:05}")).collect();
    for limit in [Some(60), Some(1), Some(7), Some(59), None, Some(0)] {
        let t = Instant::now();
        let users = usernames(&all_users(c, &pool, limit, None).await);
        let elapsed = t.elapsed();
        let set: BTreeSet<String> = users.iter().cloned().collect();
        assert_eq!(set.len(), users.len(), "duplicates with limit {limit:?}");
        assert_eq!(set, expected, "limit {limit:?}");
        if limit == Some(60) {
            eprintln!("listing 1,050 users with Limit 60 took {elapsed:?}");
        }
    }
    // Without Limit the page holds the default (60, see local::limits).
    let first = c.list_users().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(
        first.users().len(),
        coglink::local::limits::LIST_USERS_DEFAULT_LIMIT
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_is_stable_while_users_are_created_between_pages() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "moving").await;
    create_many(c, &pool, "m-", 1_010).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut round = 0;
    loop {
        let page = c
            .list_users()
            .user_pool_id(&pool)
            .limit(60)
            .set_pagination_token(token.take())
            .send()
            .await
            .unwrap();
        seen.extend(usernames(page.users()));
        // New users sort before, inside and after the part already listed.
        for name in [
            format!("a-new-{round}"),
            format!("m-{round:05}x"),
            format!("z-new-{round}"),
        ] {
            create_user(c, &pool, &name, &[]).await;
        }
        round += 1;
        match page.pagination_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a user was listed twice");
    for j in 0..1_010 {
        assert!(unique.contains(&format!("m-{j:05}")), "m-{j:05} missing");
    }
    // Users created after the cursor passed them are not listed; those ahead of it are.
    assert!(!unique.contains(&"a-new-0".to_owned()));
    assert!(unique.contains(&"z-new-0".to_owned()));
}

#[tokio::test]
async fn limit_61_is_refused_with_the_exact_validation_message() {
    let env = start(Seed::Demo).await;
    let err = env
        .client
        .list_users()
        .user_pool_id(DEMO_POOL_ID)
        .limit(61)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let ListUsersError::InvalidParameterException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some(
            "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
        )
    );
    // A malformed pool id: the verified pattern message.
    let err = env
        .client
        .list_users()
        .user_pool_id("bad")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        "1 validation error detected: Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    );
    let err = env
        .client
        .list_users()
        .user_pool_id("us-east-1_Nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(err, ListUsersError::ResourceNotFoundException(_)));
    assert_eq!(
        code_message(&err).1,
        "User pool us-east-1_Nope does not exist."
    );
}

/// A pool with known values for every searchable attribute.
async fn filter_pool(c: &Client) -> String {
    let pool = new_pool(c, "filters").await;
    create_user(
        c,
        &pool,
        "Alice",
        &[
            ("email", "Alice.Smith@Example.com"),
            ("phone_number", "+12065550100"),
            ("name", "Alice Smith"),
            ("given_name", "Alice"),
            ("family_name", "Smith"),
            ("preferred_username", "ally"),
            ("custom:tier", "gold"),
        ],
    )
    .await;
    create_user(
        c,
        &pool,
        "alicia",
        &[
            ("email", "alicia@example.org"),
            ("phone_number", "+13125550101"),
            ("name", "Alicia \"AJ\" Jones"),
            ("given_name", "Alicia"),
            ("family_name", "Jones"),
        ],
    )
    .await;
    create_user(c, &pool, "bob", &[("email", "bob@example.com")]).await;
    pool
}

async fn filtered(c: &Client, pool: &str, filter: &str) -> BTreeSet<String> {
    usernames(&all_users(c, pool, Some(60), Some(filter)).await)
        .into_iter()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn filters_cover_each_operator_and_attribute() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = filter_pool(c).await;
    let cases: &[(&str, &[&str])] = &[
        // username: case-sensitive.
        (r#"username = "Alice""#, &["Alice"]),
        (r#"username = "alice""#, &[]),
        (r#"username ^= "Ali""#, &["Alice"]),
        (r#"username ^= "ali""#, &["alicia"]),
        // email: case-insensitive, both operators, spaces optional.
        (r#"email = "alice.smith@example.com""#, &["Alice"]),
        (r#"email^="ALI""#, &["Alice", "alicia"]),
        (r#"email ^= "bob@""#, &["bob"]),
        (r#"phone_number = "+12065550100""#, &["Alice"]),
        (r#"phone_number ^= "+1""#, &["Alice", "alicia"]),
        (r#"name ^= "alic""#, &["Alice", "alicia"]),
        (r#"name = "Alicia \"AJ\" Jones""#, &["alicia"]),
        (r#"given_name = "alice""#, &["Alice"]),
        (r#"family_name ^= "Jo""#, &["alicia"]),
        (r#"preferred_username = "ally""#, &["Alice"]),
        (r#"preferred_username ^= "x""#, &[]),
        // Status: every created user is FORCE_CHANGE_PASSWORD; case-insensitive.
        (
            r#"cognito:user_status = "force_change_password""#,
            &["Alice", "alicia", "bob"],
        ),
        (r#"cognito:user_status = "CONFIRMED""#, &[]),
        (r#"status = "Enabled""#, &["Alice", "alicia", "bob"]),
        (r#"status = "enabled""#, &[]),
        (r#"status = "Disabled""#, &[]),
        // Quoted attribute name, as in the AWS model example.
        (r#""email"^="alic""#, &["Alice", "alicia"]),
        (r#""email" = "bob@example.com""#, &["bob"]),
        // Empty filter: everyone.
        ("", &["Alice", "alicia", "bob"]),
    ];
    for (filter, want) in cases {
        assert_eq!(&filtered(c, &pool, filter).await, &set(want), "{filter}");
    }
    // sub: exact and prefix.
    let alice = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("Alice")
        .send()
        .await
        .unwrap();
    let sub = attribute(alice.user_attributes(), "sub")
        .unwrap()
        .to_owned();
    assert_eq!(
        filtered(c, &pool, &format!("sub = \"{sub}\"")).await,
        set(&["Alice"])
    );
    let prefix_hits = filtered(c, &pool, &format!("sub ^= \"{}\"", &sub[..8])).await;
    assert!(prefix_hits.contains("Alice"));
    assert_eq!(
        filtered(c, &pool, &format!("sub ^= \"{}\"", sub.to_uppercase())).await,
        set(&["Alice"]),
        "sub compares case-insensitively (UNVERIFIED, domain::filter)"
    );
}

#[tokio::test]
async fn filters_on_the_demo_pool_agree_with_a_client_side_scan() {
    let env = start(Seed::Demo).await;
    let c = &env.client;
    let all = all_users(c, DEMO_POOL_ID, Some(60), None).await;
    assert!(all.len() > 400);
    let count = |f: &dyn Fn(&UserType) -> bool| all.iter().filter(|u| f(u)).count();
    let status = |s: &'static str| move |u: &UserType| u.user_status().unwrap().as_str() == s;
    for s in [
        "CONFIRMED",
        "UNCONFIRMED",
        "RESET_REQUIRED",
        "FORCE_CHANGE_PASSWORD",
        "EXTERNAL_PROVIDER",
    ] {
        let want = count(&status(s));
        assert!(want > 0, "{s}");
        let got = filtered(c, DEMO_POOL_ID, &format!("cognito:user_status = \"{s}\"")).await;
        assert_eq!(got.len(), want, "{s}");
    }
    let disabled = count(&|u: &UserType| !u.enabled());
    assert!(disabled > 0);
    assert_eq!(
        filtered(c, DEMO_POOL_ID, r#"status = "Disabled""#)
            .await
            .len(),
        disabled
    );
    let google = count(&|u: &UserType| u.username().unwrap().starts_with("Google_"));
    assert!(google > 10);
    assert_eq!(
        filtered(c, DEMO_POOL_ID, r#"username ^= "Google_""#)
            .await
            .len(),
        google
    );
    let gmail = count(&|u: &UserType| {
        attribute(u.attributes(), "email").is_some_and(|e| e.ends_with("@gmail.com"))
    });
    let a_emails = count(&|u: &UserType| {
        attribute(u.attributes(), "email").is_some_and(|e| e.to_lowercase().starts_with('a'))
    });
    assert!(gmail > 0 && a_emails > 0);
    assert_eq!(
        filtered(c, DEMO_POOL_ID, r#"email ^= "A""#).await.len(),
        a_emails
    );
}

#[tokio::test]
async fn invalid_filters_answer_error_while_parsing_filter() {
    let env = start(Seed::Demo).await;
    for bad in [
        "email",
        r#"email == "x""#,
        r#"email = x"#,
        r#"email = "x"#,
        r#"email = "x" and name = "y""#,
        r#"custom:tier = "gold""#,
        r#"nickname = "x""#,
    ] {
        let err = env
            .client
            .list_users()
            .user_pool_id(DEMO_POOL_ID)
            .filter(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        let ListUsersError::InvalidParameterException(e) = &err else {
            panic!("{bad}: {err:?}")
        };
        assert_eq!(e.message(), Some("Error while parsing filter."), "{bad}");
    }
    let long = format!("email = \"{}\"", "a".repeat(250));
    let err = env
        .client
        .list_users()
        .user_pool_id(DEMO_POOL_ID)
        .filter(&long)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        format!(
            "1 validation error detected: Value '{long}' at 'filter' failed to satisfy constraint: Member must have length less than or equal to 256"
        )
    );
}

#[tokio::test]
async fn attributes_to_get_selects_refuses_missing_and_empty_means_none() {
    // Full pages: what AttributesToGet does is a property of one page (a short page, whose
    // size depends on the pool's random id, might hold fewer users, or not bob).
    let env = start_opts(LocalOptions {
        port: 0,
        state_file: None,
        seed: Seed::Empty,
        simulation: Simulation::default(),
    })
    .await;
    let c = &env.client;
    let pool = filter_pool(c).await;
    let out = c
        .list_users()
        .user_pool_id(&pool)
        .attributes_to_get("email")
        .attributes_to_get("sub")
        .send()
        .await
        .unwrap();
    assert_eq!(out.users().len(), 3);
    for u in out.users() {
        let names: BTreeSet<&str> = u.attributes().iter().map(|a| a.name()).collect();
        assert_eq!(names, ["email", "sub"].into_iter().collect());
    }
    // bob has no phone number: the whole request fails (spec §1.4 pitfall).
    let err = c
        .list_users()
        .user_pool_id(&pool)
        .attributes_to_get("phone_number")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let ListUsersError::InvalidParameterException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("One or more requested attributes do not exist.")
    );
    // ...but is fine when the page only holds users that have it.
    let out = c
        .list_users()
        .user_pool_id(&pool)
        .filter(r#"phone_number ^= "+1""#)
        .attributes_to_get("phone_number")
        .send()
        .await
        .unwrap();
    assert_eq!(out.users().len(), 2);
    let out = c
        .list_users()
        .user_pool_id(&pool)
        .set_attributes_to_get(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert_eq!(out.users().len(), 3);
    assert!(out.users().iter().all(|u| u.attributes().is_empty()));
    assert!(out.users().iter().all(|u| u.user_status().is_some()));
}

#[tokio::test]
async fn create_and_get_users() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "crud").await;
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("diego")
        .user_attributes(attr("email", "diego@example.com"))
        .user_attributes(attr("phone_number", "+15125550123"))
        .send()
        .await
        .unwrap();
    let user = out.user().unwrap();
    assert_eq!(
        user.user_status().unwrap().as_str(),
        "FORCE_CHANGE_PASSWORD"
    );
    assert!(user.enabled());
    let created = user.user_create_date().unwrap().secs();
    assert!((created - before).abs() <= 5, "{created} vs {before}");
    let sub = attribute(user.attributes(), "sub").unwrap().to_owned();
    let re =
        regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .unwrap();
    assert!(re.is_match(&sub), "{sub}");
    // Usernames are case-insensitive in a default pool.
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("Diego")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let AdminCreateUserError::UsernameExistsException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message(), Some("User account already exists"));
    // By username and by sub.
    for name in ["diego", "DIEGO", sub.as_str()] {
        let got = c
            .admin_get_user()
            .user_pool_id(&pool)
            .username(name)
            .send()
            .await
            .unwrap();
        assert_eq!(got.username(), "diego");
        assert_eq!(
            attribute(got.user_attributes(), "email"),
            Some("diego@example.com")
        );
    }
    let err = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("nobody")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let AdminGetUserError::UserNotFoundException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message(), Some("User does not exist."));
    // sub cannot be chosen by the caller.
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("eve")
        .user_attributes(attr("sub", "x"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(
        err,
        AdminCreateUserError::InvalidParameterException(_)
    ));
}

/// Short pages (`Simulation::short_pages`, on in every test): pages hold fewer users than
/// `Limit` and still carry a token; a walk lists each user once, and is the same walk on
/// every run (the sizes depend only on the seed and where a page starts).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_pages_carry_a_token_and_a_walk_lists_each_user_once() {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "short").await;
    create_many(c, &pool, "s-", 300).await;
    let walk = || async {
        let mut sizes = Vec::new();
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = c
                .list_users()
                .user_pool_id(&pool)
                .limit(20)
                .set_pagination_token(token.take())
                .send()
                .await
                .unwrap();
            sizes.push((page.users().len(), page.pagination_token().is_some()));
            names.extend(usernames(page.users()));
            match page.pagination_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return (sizes, names),
            }
        }
    };
    let (sizes, names) = walk().await;
    assert!(sizes.iter().all(|(n, _)| (1..=20).contains(n)), "{sizes:?}");
    assert!(
        sizes.iter().any(|&(n, more)| n < 20 && more),
        "a short page with a token: {sizes:?}"
    );
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "a user listed twice");
    assert_eq!(unique.len(), 300);
    assert_eq!(walk().await.0, sizes, "the same walk every run");
}

/// A ListUsers token is bound to the pool, filter and AttributesToGet it was issued for:
/// presented with another, it is refused with Cognito's text; with the same, it works.
#[tokio::test]
async fn a_token_is_refused_with_another_filter_attributes_or_pool() {
    let env = start(Seed::Demo).await;
    let c = &env.client;
    let first = c
        .list_users()
        .user_pool_id(DEMO_POOL_ID)
        .filter("status = \"Enabled\"")
        .limit(10)
        .send()
        .await
        .unwrap();
    let token = first.pagination_token().expect("more pages").to_owned();
    let refused = |e: aws_sdk_cognitoidentityprovider::error::SdkError<ListUsersError>| {
        let request_id = e
            .raw_response()
            .and_then(|r| r.headers().get("x-amzn-requestid"))
            .unwrap_or_default()
            .to_owned();
        let se = e.into_service_error();
        assert!(se.is_invalid_parameter_exception(), "{se:?}");
        assert_eq!(
            se.message(),
            Some(format!("Paging marker {token} is invalid for request {request_id}").as_str())
        );
    };
    // Without the filter (as in aws/aws-sdk-js#3705), with another, with AttributesToGet.
    for (filter, attrs) in [
        (None, None),
        (Some("status = \"Disabled\""), None),
        (Some("status = \"Enabled\""), Some(vec!["email".to_owned()])),
    ] {
        let err = c
            .list_users()
            .user_pool_id(DEMO_POOL_ID)
            .set_filter(filter.map(str::to_owned))
            .set_attributes_to_get(attrs)
            .limit(10)
            .pagination_token(&token)
            .send()
            .await
            .unwrap_err();
        refused(err);
    }
    // Another pool.
    let err = c
        .list_users()
        .user_pool_id("us-east-1_DemoPool2")
        .limit(10)
        .pagination_token(&token)
        .send()
        .await
        .unwrap_err();
    refused(err);
    // The same parameters: the next page.
    let next = c
        .list_users()
        .user_pool_id(DEMO_POOL_ID)
        .filter("status = \"Enabled\"")
        .limit(10)
        .pagination_token(&token)
        .send()
        .await
        .unwrap();
    assert!(!next.users().is_empty());
}

/// `\w` in the UserPoolId pattern is ASCII, as in Cognito: a pool id with a non-ASCII letter
/// fails model validation (with the model's pattern text), not ResourceNotFound.
#[tokio::test]
async fn a_user_pool_id_with_a_non_ascii_letter_fails_validation() {
    let env = start(Seed::Demo).await;
    let err = env
        .client
        .list_users()
        .user_pool_id("ü-east-1_abc")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let ListUsersError::InvalidParameterException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some(
            "1 validation error detected: Value 'ü-east-1_abc' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
        )
    );
}
