//! `coglink users`: formats, filter, errors.

use crate::common::{Env, Has, fresh_subject, stdout};

#[test]
fn table_json_and_csv_list_the_same_users() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let users = env.users();
    assert!(!users.is_empty());
    let linked = users
        .iter()
        .find(|u| u["Username"] == user.as_str())
        .unwrap();
    assert!(linked["Enabled"].is_boolean() && linked["UserStatus"].is_string());

    let table = stdout(
        &env.cmd()
            .args(["users", "--user-pool-id", &env.pool])
            .assert()
            .success(),
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("USERNAME") && lines[0].ends_with("IDENTITIES"),
        "{table}"
    );
    assert_eq!(lines.len(), users.len() + 1, "{table}");
    let row = lines
        .iter()
        .find(|l| l.starts_with(&format!("{user} ")))
        .unwrap();
    assert!(
        row.contains(&format!("{}:{subject}", env.social())),
        "{row}"
    );
    assert!(row.contains(&format!("{}/5", linked["LinkCount"])), "{row}");

    let csv = stdout(
        &env.cmd()
            .args(["users", "--user-pool-id", &env.pool, "--output", "csv"])
            .assert()
            .success(),
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "username,status,enabled,email,link_count,identities"
    );
    assert_eq!(lines.len(), users.len() + 1);
    assert!(!table.contains('\x1b') && !csv.contains('\x1b'));
}

#[test]
fn a_filter_narrows_the_listing() {
    let env = Env::new();
    let user = env.native_user(5);
    let a = env
        .cmd()
        .args(["users", "--user-pool-id", &env.pool, "--output", "json"])
        .args(["--filter", &format!("username = \"{user}\"")])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["Username"], user.as_str());
}

#[test]
fn bad_filters_and_pool_ids_are_bad_input() {
    let env = Env::new();
    env.cmd()
        .args([
            "users",
            "--user-pool-id",
            &env.pool,
            "--filter",
            "email ~ \"a\"",
        ])
        .assert()
        .code(2)
        .err_has("Filter: expected = or ^=");
    env.cmd()
        .args([
            "users",
            "--user-pool-id",
            &env.pool,
            "--filter",
            "custom:x = \"a\"",
        ])
        .assert()
        .code(2)
        .err_has("is not searchable");
    env.cmd()
        .args(["users", "--user-pool-id", "not a pool"])
        .assert()
        .code(2)
        .err_has("UserPoolId: must match");
}

#[test]
fn an_unknown_pool_is_the_services_error() {
    let env = Env::new();
    env.cmd()
        .args(["users", "--user-pool-id", "us-east-1_nopool"])
        .assert()
        .code(1)
        .err_has(
            "An error occurred (ResourceNotFoundException) when calling the ListUsers operation:",
        );
}
