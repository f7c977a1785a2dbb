//! `coglink diff` against the local endpoint: after one change of each kind (link, unlink,
//! merge, group membership) it shows exactly that change; equal snapshots exit 0; what is not
//! a snapshot exits 2 naming the file, the line and the rule; a live pool that cannot be read
//! exits 2.

use std::path::Path;

use serde_json::{Value, json};

use coglink::aws::ops::Ops;

use crate::common::{Env, Has, duplicates_json, fresh_subject, stderr, stdout, with_local_server};
use crate::snapshot::{take_snapshot, users_of};

/// `diff A --live --output json`: the exit code and the changes.
fn diff_live(env: &Env, before: &Path) -> (i32, Vec<Value>) {
    let out = env
        .cmd()
        .args(["diff", "--live", "--output", "json"])
        .arg(before)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let changes = doc["changes"].as_array().unwrap().clone();
    (out.status.code().unwrap(), changes)
}

#[test]
fn equal_snapshots_and_a_pool_unchanged_since_exit_0() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let b = take_snapshot(&env, "b.jsonl");
    env.cmd()
        .arg("diff")
        .args([&a, &b])
        .assert()
        .code(0)
        .out_has("No differences between");
    assert_eq!(diff_live(&env, &a), (0, vec![]));
}

#[test]
fn a_link_shows_as_one_identity_linked() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let expected = json!({
        "change": "identity_linked",
        "username": user,
        "provider": env.social(),
        "user_id": subject,
    });
    assert_eq!(diff_live(&env, &a), (1, vec![expected]));
    let b = take_snapshot(&env, "b.jsonl");
    let table = env.cmd().arg("diff").args([&a, &b]).assert().code(1);
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("identity_linked"), "{text}");
    assert!(lines[1].contains(&user) && lines[1].ends_with(&format!("{}:{subject}", env.social())));
    assert!(lines[2].starts_with("1 changes from"), "{text}");
}

#[test]
fn an_unlink_shows_as_one_identity_unlinked() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let a = take_snapshot(&env, "a.jsonl");
    env.cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user"])
        .arg(env.source(&subject))
        .assert()
        .success();
    let expected = json!({
        "change": "identity_unlinked",
        "username": user,
        "provider": env.social(),
        "user_id": subject,
    });
    assert_eq!(diff_live(&env, &a), (1, vec![expected]));
}

#[test]
fn a_group_change_shows_as_joined_and_left() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let users = users_of(&a);
    let member = users
        .iter()
        .find(|u| !u["groups"].as_array().unwrap().is_empty())
        .unwrap();
    let left_user = member["username"].as_str().unwrap().to_owned();
    let left_group = member["groups"][0].as_str().unwrap().to_owned();
    let joiner = users
        .iter()
        .find(|u| u["groups"].as_array().unwrap().is_empty())
        .unwrap();
    let joined_user = joiner["username"].as_str().unwrap().to_owned();
    let pool = env.pool.clone();
    with_local_server(&env.state(), async |_, ops: &Ops| {
        ops.remove_user_from_group(&pool, &left_user, &left_group)
            .await
            .unwrap();
        ops.add_user_to_group(&pool, &joined_user, &left_group)
            .await
            .unwrap();
    });
    let (code, changes) = diff_live(&env, &a);
    assert_eq!(code, 1);
    let mut expected = vec![
        json!({"change": "group_left", "username": left_user, "group": left_group}),
        json!({"change": "group_joined", "username": joined_user, "group": left_group}),
    ];
    // Listed by username.
    if joined_user < left_user {
        expected.reverse();
    }
    assert_eq!(changes, expected);
}

#[test]
fn a_merge_shows_as_the_user_removed_and_its_identity_linked_to_the_kept_user() {
    let env = Env::new();
    let dups = duplicates_json(&env);
    let group = dups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["class"] == "mergeable" && g["merge"].as_array().unwrap().len() == 1)
        .expect("the demo pool has a mergeable pair");
    let keep = group["keep"].as_str().unwrap().to_owned();
    let merge = group["merge"][0].as_str().unwrap().to_owned();
    let a = take_snapshot(&env, "a.jsonl");
    let merged = users_of(&a)
        .into_iter()
        .find(|u| u["username"] == merge.as_str())
        .unwrap();
    let own = merged["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["primary"] == true)
        .expect("a federated user has its own identity")
        .clone();
    env.cmd()
        .args([
            "merge",
            "--user-pool-id",
            &env.pool,
            "--keep",
            &keep,
            "--merge",
            &merge,
            "--yes",
        ])
        .assert()
        .success();
    let (code, changes) = diff_live(&env, &a);
    assert_eq!(code, 1);
    let removed = json!({
        "change": "user_removed",
        "username": merge,
        "sub": merged["sub"],
        "status": merged["status"],
    });
    let linked = json!({
        "change": "identity_linked",
        "username": keep,
        "provider": own["providerName"],
        "user_id": own["userId"],
    });
    let mut expected = vec![removed, linked];
    if keep < merge {
        expected.reverse();
    }
    assert_eq!(changes, expected);
}

#[test]
fn what_is_not_a_snapshot_exits_2_naming_the_file_the_line_and_the_rule() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let text = std::fs::read_to_string(&a).unwrap();
    let write = |name: &str, content: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let refused = |path: &Path, message: &str| {
        let out = env.cmd().arg("diff").arg(&a).arg(path).assert().code(2);
        let err = stderr(&out);
        let expected = format!("{}{message}", path.display());
        assert!(err.contains(&expected), "stderr lacks {expected:?}:\n{err}");
        assert!(stdout(&out).is_empty());
    };
    let csv = write(
        "links.csv",
        "DestinationProviderName,SourceProviderName\nCognito,Google\n",
    );
    refused(
        &csv,
        ":1: not a coglink snapshot: the first line is not JSON",
    );
    let v2 = write(
        "v2.jsonl",
        &text.replacen(r#""format_version":1"#, r#""format_version":2"#, 1),
    );
    refused(
        &v2,
        ":1: format_version 2: this coglink reads format_version 1 only",
    );
    let lines: Vec<&str> = text.lines().collect();
    let cut = write("cut.jsonl", &lines[..lines.len() - 1].join("\n"));
    refused(
        &cut,
        &format!(
            ": no end record after line {}: the snapshot is incomplete",
            lines.len() - 1
        ),
    );
    let mut broken = lines.clone();
    broken[2] = "{\"kind\":\"user\"}";
    let broken = write("broken.jsonl", &broken.join("\n"));
    refused(
        &broken,
        ":3: not a snapshot record: missing field `username`",
    );
    let other_pool = write(
        "other.jsonl",
        &text.replacen(
            &format!("\"pool_id\":\"{}\"", env.pool),
            "\"pool_id\":\"us-east-1_Other\"",
            1,
        ),
    );
    env.cmd()
        .arg("diff")
        .args([&a, &other_pool])
        .assert()
        .code(2)
        .err_has("of pool us-east-1_Other: diff compares one pool over time");
    env.cmd()
        .args(["diff", "--across-pools"])
        .args([&a, &other_pool])
        .assert()
        .code(0);
}

/// diff(1)'s codes: 1 means "they differ", so a live pool that cannot be read is 2.
#[test]
fn a_live_pool_that_cannot_be_read_exits_2_not_1() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    crate::common::remote(&env, &url)
        .args(["diff", "--live"])
        .arg(&a)
        .assert()
        .code(2)
        .err_has("when calling the DescribeUserPool operation");
}

#[test]
fn an_attribute_change_shows_its_values_before_and_after() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let user = env.native_user(5);
    let before = users_of(&a)
        .into_iter()
        .find(|u| u["username"] == user.as_str())
        .unwrap()["attributes"]["name"]
        .clone();
    let pool = env.pool.clone();
    with_local_server(&env.state(), async |_, ops: &Ops| {
        let name = vec![("name".to_owned(), "Renamed \u{1b}[31m".to_owned())];
        ops.update_user_attributes(&pool, &user, &name)
            .await
            .unwrap();
    });
    let expected = json!({
        "change": "attribute_changed",
        "username": user,
        "attribute": "name",
        "before": before,
        "after": "Renamed \u{1b}[31m",
    });
    assert_eq!(diff_live(&env, &a), (1, vec![expected]));
    let table = env.cmd().args(["diff", "--live"]).arg(&a).assert().code(1);
    let text = stdout(&table);
    assert!(text.contains(r#"-> "Renamed \e[31m""#), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// Refusals name the file and quote pool text: both are escaped on the terminal.
#[test]
fn a_refusal_never_prints_the_escapes_a_file_name_or_a_username_holds() {
    let env = Env::new();
    let a = take_snapshot(&env, "a.jsonl");
    let text = std::fs::read_to_string(&a).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let end = lines.pop().unwrap();
    let evil = r#"{"kind":"user","username":"ev\u001b[31mil","sub":null,"status":"CONFIRMED","enabled":true,"created":null,"modified":null,"attributes":{},"identities":[],"groups":[]}"#;
    lines.push(evil.to_owned());
    lines.push(evil.to_owned());
    lines.push(end);
    let b = env.dir.path().join("b\x1b]0;owned\x07.jsonl");
    std::fs::write(&b, lines.join("\n")).unwrap();
    let out = env.cmd().arg("diff").arg(&a).arg(&b).assert().code(2);
    let err = stderr(&out);
    assert!(err.contains("appears twice"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains(r"b\e]0;owned\x07.jsonl:"), "{err:?}");
}

#[test]
fn a_diff_prints_in_the_v2_formats_with_a_query() {
    let env = Env::new();
    let before = env.dir.path().join("before.jsonl");
    env.cmd()
        .args(["snapshot", "--user-pool-id", &env.pool, "-o"])
        .arg(&before)
        .assert()
        .success();
    let user = env.native_user(3);
    let subject = crate::common::fresh_subject();
    env.link(&user, &subject).success();
    let yaml = env
        .cmd()
        .args(["diff", "--live", "--output", "yaml"])
        .arg(&before)
        .assert()
        .code(1);
    let doc: serde_json::Value =
        serde_yaml_ng::from_str(&crate::common::stdout(&yaml)).expect("yaml");
    assert_eq!(doc["equal"], false);
    assert_eq!(doc["counts"]["identity_linked"], 1);
    let text = env
        .cmd()
        .args([
            "diff",
            "--live",
            "--output",
            "text",
            "--query",
            "changes[].username",
        ])
        .arg(&before)
        .assert()
        .code(1);
    assert_eq!(crate::common::stdout(&text).trim(), user);
    env.cmd()
        .args(["diff", "--live", "--query", "changes"])
        .arg(&before)
        .assert()
        .code(2);
}
