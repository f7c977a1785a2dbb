//! `coglink snapshot` against the local endpoint: a snapshot is complete and private, goes
//! to stdout without a file, replaces nothing when its listing fails; the links written as a
//! batch file, replayed by `coglink batch` into a fresh pool holding the same users, give
//! the same links.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use coglink::aws::ops::Ops;

use crate::common::{Env, Has, stdout, with_local_server};

pub fn take_snapshot(env: &Env, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    env.cmd()
        .args(["snapshot", "--user-pool-id", &env.pool, "-o"])
        .arg(&path)
        .assert()
        .success()
        .err_has("Snapshot of ");
    path
}

pub fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn users_of(path: &Path) -> Vec<Value> {
    records(path)
        .into_iter()
        .filter(|r| r["kind"] == "user")
        .collect()
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

/// Paths that could not be written are refused before anything is listed.
#[test]
fn a_folder_a_missing_folder_or_one_file_for_both_outputs_is_refused_at_once() {
    let env = Env::new();
    let dir = env.dir.path();
    let refused = |args: &[&std::ffi::OsStr], message: &str| {
        env.cmd()
            .args(["snapshot", "--user-pool-id", &env.pool])
            .args(args)
            .assert()
            .code(2)
            .err_has(message);
    };
    refused(
        &["-o".as_ref(), dir.as_os_str()],
        "is a folder: name the file to write",
    );
    let missing = dir.join("no-such-folder").join("s.jsonl");
    refused(&["-o".as_ref(), missing.as_os_str()], "cannot be created");
    let both = dir.join("both");
    refused(
        &[
            "-o".as_ref(),
            both.as_os_str(),
            "--links-as-batch".as_ref(),
            both.as_os_str(),
        ],
        "name the same file",
    );
    assert!(!both.exists());
}
