//! `coglink snapshot` and `coglink diff` against the local endpoint: a snapshot is complete
//! and private; after one change of each kind (link, unlink, merge, group membership) the
//! diff shows exactly that change; equal snapshots exit 0; what is not a snapshot exits 2
//! naming the file, the line and the rule; the links written as a batch file, replayed by
//! `coglink batch` into a fresh pool holding the same users, give the same links.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use coglink::aws::ops::Ops;

use crate::common::{Env, Has, fresh_subject, stderr, stdout, with_local_server};

fn take_snapshot(env: &Env, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    env.cmd()
        .args(["snapshot", "--user-pool-id", &env.pool, "-o"])
        .arg(&path)
        .assert()
        .success()
        .err_has("Snapshot of ");
    path
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn users_of(path: &Path) -> Vec<Value> {
    records(path)
        .into_iter()
        .filter(|r| r["kind"] == "user")
        .collect()
}

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
fn a_snapshot_holds_the_whole_pool_privately_and_ends_with_its_counts() {
    let env = Env::new();
    let path = take_snapshot(&env, "a.jsonl");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let recs = records(&path);
    let header = &recs[0];
    assert_eq!(header["kind"], "header");
    assert_eq!(header["format"], "coglink-snapshot");
    assert_eq!(header["format_version"], 1);
    assert_eq!(header["pool_id"], env.pool.as_str());
    assert_eq!(header["endpoint"], "local");
    assert!(header["pool_name"].is_string() && header["taken_at"].is_string());
    let end = recs.last().unwrap();
    assert_eq!(end["kind"], "end");
    let listed = env.users();
    assert_eq!(end["users"], listed.len());
    let users = users_of(&path);
    assert_eq!(users.len(), listed.len());
    let kinds = |k: &str| recs.iter().filter(|r| r["kind"] == k).count();
    assert_eq!(end["providers"], kinds("provider"));
    assert_eq!(end["groups"], kinds("group"));
    assert!(kinds("provider") > 0 && kinds("group") > 0);
    // Groups read group by group match each user's own groups.
    let pool = env.pool.clone();
    let member = users
        .iter()
        .find(|u| !u["groups"].as_array().unwrap().is_empty())
        .expect("a demo user is in a group");
    let name = member["username"].as_str().unwrap().to_owned();
    let mut groups = with_local_server(&env.state(), async |_, ops: &Ops| {
        ops.list_groups_for_user(&pool, &name).await.unwrap()
    });
    groups.sort();
    assert_eq!(member["groups"], json!(groups));
    // Identities parsed, not kept as text; `sub` at the top.
    let linked = users
        .iter()
        .find(|u| u["identities"].as_array().is_some_and(|i| !i.is_empty()))
        .unwrap();
    assert!(linked["identities"][0]["providerName"].is_string());
    assert!(linked["attributes"].get("identities").is_none());
    assert!(linked["sub"].is_string() && linked["attributes"].get("sub").is_none());
}

#[test]
fn without_a_file_the_snapshot_goes_to_stdout() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["snapshot", "--user-pool-id", &env.pool])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(text.starts_with(r#"{"kind":"header","format":"coglink-snapshot""#));
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with(r#"{"kind":"end""#)
    );
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
    let dups: Value = serde_json::from_str(&stdout(
        &env.cmd()
            .args([
                "duplicates",
                "--user-pool-id",
                &env.pool,
                "--output",
                "json",
            ])
            .assert()
            .success(),
    ))
    .unwrap();
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

/// Every (destination, provider, attribute, value) row of a links file.
fn link_rows(path: &Path) -> BTreeSet<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,\
             SourceProviderAttributeName,SourceProviderAttributeValue"
        )
    );
    lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn links_as_batch_replayed_into_a_fresh_pool_with_the_same_users_give_the_same_links() {
    let env = Env::new();
    let links = env.dir.path().join("links.csv");
    let snapshot = take_snapshot(&env, "a.jsonl");
    env.cmd()
        .args(["snapshot", "--user-pool-id", &env.pool, "--links-as-batch"])
        .arg(&links)
        .assert()
        .success()
        .err_has("links written to");
    let rows = link_rows(&links);
    assert!(rows.len() > 10, "the demo pool has links: {rows:?}");
    // A fresh pool with the same identity providers and the links' users, never linked.
    let destinations: BTreeSet<String> = rows.iter().map(|r| r[1].clone()).collect();
    let providers: Vec<(String, String)> = records(&snapshot)
        .iter()
        .filter(|r| r["kind"] == "provider")
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let fresh = with_local_server(&env.state(), async |_, ops: &Ops| {
        let c = &ops.client;
        let pool = c
            .create_user_pool()
            .pool_name("replayed")
            .send()
            .await
            .unwrap()
            .user_pool()
            .and_then(|p| p.id())
            .unwrap()
            .to_owned();
        for (name, kind) in &providers {
            c.create_identity_provider()
                .user_pool_id(&pool)
                .provider_name(name)
                .provider_type(kind.as_str().into())
                .provider_details("client_id", "id")
                .provider_details("client_secret", "secret")
                .provider_details("authorize_scopes", "openid")
                .provider_details("MetadataURL", "https://idp.example.com/metadata")
                .provider_details("oidc_issuer", "https://idp.example.com")
                .send()
                .await
                .unwrap();
        }
        for user in &destinations {
            c.admin_create_user()
                .user_pool_id(&pool)
                .username(user)
                .send()
                .await
                .unwrap();
        }
        pool
    });
    env.cmd()
        .args([
            "batch",
            "--user-pool-id",
            &fresh,
            "--rate",
            "500",
            "--read-rate",
            "500",
        ])
        .arg(&links)
        .assert()
        .success();
    let replayed = env.dir.path().join("replayed.csv");
    env.cmd()
        .args(["snapshot", "--user-pool-id", &fresh, "--links-as-batch"])
        .arg(&replayed)
        .assert()
        .success();
    assert_eq!(link_rows(&replayed), rows);
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

/// A listing that fails part-way replaces nothing: the file written before stays as it was,
/// and no temporary file is left beside it.
#[test]
fn a_snapshot_whose_listing_fails_leaves_the_previous_file_untouched() {
    use coglink::local::{ApplyPoint, Fault, Operation, ScriptedEffect, ScriptedFault, Simulation};
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.jsonl");
    std::fs::write(&path, "the previous snapshot\n").unwrap();
    // The third page fails every one of its attempts (`aws::listing::MAX_ATTEMPTS`).
    let script = (3..3 + coglink::aws::listing::MAX_ATTEMPTS as u64)
        .map(|nth| {
            let fault = ScriptedEffect::Fault(Fault::Internal, ApplyPoint::BeforeApply);
            ScriptedFault::new(Operation::ListUsers, nth, fault)
        })
        .collect();
    let server = crate::common::SimServer::start(
        &env.state(),
        Simulation {
            script,
            short_pages: Some(crate::common::SHORT_PAGES_SEED),
            ..Default::default()
        },
    );
    crate::common::remote(&env, &server.url())
        .args(["snapshot", "--user-pool-id", &env.pool, "-o"])
        .arg(&path)
        .assert()
        .code(1)
        .err_has("when calling the ListUsers operation");
    server.stop();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the previous snapshot\n"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["snap.jsonl"]);
}
