//! `coglink duplicates` and `coglink merge` against the local endpoint: the demo pool's
//! duplicate groups, a duplicate made by a federated sign-in, a merge end to end (groups,
//! delete, link, remap, the next sign-in lands on the kept user), a merge killed after each
//! step and resumed with nothing sent twice, the unverified and read-only refusals, and a
//! whole duplicates file merged.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use coglink::aws::ops::Ops;
use coglink::local::{ApplyPoint, Fault, Operation, ScriptedEffect, ScriptedFault, Simulation};

use crate::common::{
    Env, SimServer, duplicates_json, fresh_subject, remote, stderr, stdout, with_local_server,
};

const WAIT: Duration = Duration::from_secs(60);

/// A mergeable pair (keep, merge) of the demo pool whose merged user is in a group the kept
/// one is not in, with that group, and an attribute of the merged user to copy.
struct Pair {
    keep: String,
    merge: String,
    /// The merged user's groups the kept one is not in (at least one).
    groups: Vec<String>,
    attribute: (String, String),
}

impl Pair {
    /// The merge's steps: a group add each, the attributes, the delete, the link.
    fn steps(&self) -> usize {
        self.groups.len() + 3
    }
}

fn mergeable_pair_with_a_group(env: &Env) -> Pair {
    let doc = duplicates_json(env);
    let candidates: Vec<(String, String)> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["class"] == "mergeable" && g["merge"].as_array().unwrap().len() == 1)
        .map(|g| {
            (
                g["keep"].as_str().unwrap().to_owned(),
                g["merge"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        !candidates.is_empty(),
        "the demo pool has mergeable pairs: {doc}"
    );
    let pool = env.pool.clone();
    with_local_server(&env.state(), async |_, ops: &Ops| {
        for (keep, merge) in candidates {
            let kept: BTreeSet<String> = ops
                .list_groups_for_user(&pool, &keep)
                .await
                .unwrap()
                .into_iter()
                .collect();
            let groups = ops.list_groups_for_user(&pool, &merge).await.unwrap();
            let f = ops.get_user(&pool, &merge).await.unwrap().unwrap();
            let attribute = f
                .attribute("name")
                .map(|v| ("name".to_owned(), v.to_owned()))
                .expect("demo federated users have a name");
            let groups: Vec<String> = groups.into_iter().filter(|g| !kept.contains(g)).collect();
            if !groups.is_empty() {
                return Pair {
                    keep,
                    merge,
                    groups,
                    attribute,
                };
            }
        }
        panic!("no mergeable pair of the demo pool has a group to copy");
    })
}

fn merge_args(env: &Env, p: &Pair) -> Vec<String> {
    [
        "merge",
        "--user-pool-id",
        &env.pool,
        "--keep",
        &p.keep,
        "--merge",
        &p.merge,
        "--copy-groups",
        "--copy-attributes",
        &p.attribute.0,
        "--yes",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn remap_lines(env: &Env) -> Vec<Value> {
    std::fs::read_to_string(env.dir.path().join("state/coglink/remap.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The end state of a merge: F gone, K holding F's identity, group and attribute, one remap
/// line from F's sub to K's.
fn assert_merged(env: &Env, p: &Pair, f_sub: &str) {
    let pool = env.pool.clone();
    let (k, groups, f) = with_local_server(&env.state(), async |_, ops: &Ops| {
        (
            ops.get_user(&pool, &p.keep).await.unwrap().unwrap(),
            ops.list_groups_for_user(&pool, &p.keep).await.unwrap(),
            ops.get_user(&pool, &p.merge).await.unwrap(),
        )
    });
    assert!(f.is_none(), "{} is deleted", p.merge);
    let subject = p.merge.split_once('_').unwrap().1;
    assert!(
        k.identities_or_empty()
            .any(|i| !i.primary && i.user_id == subject),
        "{} holds the identity: {:?}",
        p.keep,
        k.identities_or_empty()
    );
    assert!(p.groups.iter().all(|g| groups.contains(g)), "{groups:?}");
    assert_eq!(k.attribute(&p.attribute.0), Some(p.attribute.1.as_str()));
    let remap = remap_lines(env);
    assert_eq!(remap.len(), 1, "{remap:?}");
    assert_eq!(remap[0]["from"]["username"], p.merge.as_str());
    assert_eq!(remap[0]["from"]["sub"], f_sub);
    assert_eq!(remap[0]["to"]["username"], p.keep.as_str());
    assert_eq!(remap[0]["to"]["sub"], k.sub().unwrap());
}

fn sub_of(env: &Env, user: &str) -> String {
    let pool = env.pool.clone();
    with_local_server(&env.state(), async |_, ops: &Ops| {
        ops.get_user(&pool, user)
            .await
            .unwrap()
            .unwrap()
            .sub()
            .unwrap()
            .to_owned()
    })
}

#[test]
fn the_demo_pools_duplicates_are_found_and_classified() {
    let env = Env::new();
    let doc = duplicates_json(&env);
    assert_eq!(doc["pool_id"], env.pool.as_str());
    let classes: BTreeSet<&str> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["class"].as_str().unwrap())
        .collect();
    for class in ["mergeable", "needs_choice", "unverified"] {
        assert!(classes.contains(class), "{classes:?}");
    }
    for g in doc["groups"].as_array().unwrap() {
        if g["class"] != "mergeable" {
            continue;
        }
        // One native user kept, federated users merged, the email verified on every side.
        let members = g["members"].as_array().unwrap();
        let keep = members.iter().find(|m| m["role"] == "keep").unwrap();
        assert!(keep["provider"].is_null(), "{g}");
        for m in members.iter().filter(|m| m["role"] == "merge") {
            assert!(m["provider"].is_string(), "{g}");
            assert_eq!(m["verified"], true, "{g}");
        }
        assert_eq!(keep["verified"], true, "{g}");
    }
    let csv = env
        .cmd()
        .args([
            "duplicates",
            "--user-pool-id",
            &env.pool,
            "--output",
            "csv",
            "--by",
            "email",
        ])
        .assert()
        .success();
    assert!(
        stdout(&csv)
            .starts_with("By,Key,Class,Role,Username,Sub,Provider,Subject,Verified,Links\n")
    );
    let table = env
        .cmd()
        .args(["duplicates", "--user-pool-id", &env.pool])
        .assert()
        .success();
    assert!(stdout(&table).contains("mergeable"), "{}", stdout(&table));
    assert!(
        stderr(&table).contains("groups of duplicates"),
        "{}",
        stderr(&table)
    );
}

#[test]
fn a_merge_copies_deletes_links_and_remaps_and_a_rerun_changes_nothing() {
    let env = Env::new();
    let pair = mergeable_pair_with_a_group(&env);
    let f_sub = sub_of(&env, &pair.merge);
    let dry = env
        .cmd()
        .args(merge_args(&env, &pair))
        .arg("--dry-run")
        .assert()
        .success();
    let out = stdout(&dry);
    assert!(
        out.contains("Lost for good:") && out.contains(&f_sub),
        "{out}"
    );
    assert!(out.contains("admin-delete-user"), "{out}");
    assert!(out.contains("Dry run: nothing was changed."), "{out}");
    assert!(env.journal().is_empty());

    let run = env.cmd().args(merge_args(&env, &pair)).assert().success();
    let out = stdout(&run);
    assert!(
        out.contains(&format!("Merged {} into {}", pair.merge, pair.keep)),
        "{out}"
    );
    assert_merged(&env, &pair, &f_sub);
    let journal = env.journal();
    let ops: Vec<&str> = journal
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    let mut expected = vec!["AdminAddUserToGroup"; pair.groups.len()];
    expected.extend([
        "AdminUpdateUserAttributes",
        "AdminDeleteUser",
        "AdminLinkProviderForUser",
    ]);
    assert_eq!(ops, expected, "every step journaled, in order: {journal:?}");
    assert!(
        journal
            .iter()
            .all(|e| e["outcome"]["status"] == "ok" && e["step"].is_object())
    );

    // The re-run finds the merge done from its snapshot and the journal.
    let again = env.cmd().args(merge_args(&env, &pair)).assert().success();
    assert!(
        stdout(&again).contains("Already merged"),
        "{}",
        stdout(&again)
    );
    assert_eq!(env.journal().len(), pair.steps(), "nothing sent again");
    assert_merged(&env, &pair, &f_sub);
}

#[test]
fn a_duplicate_made_by_a_sign_in_needs_the_override_then_its_next_sign_in_lands_on_the_kept_user() {
    let env = Env::new();
    let doc = duplicates_json(&env);
    // A native user whose email no other user holds.
    let taken: BTreeSet<String> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["key"].as_str().map(str::to_owned))
        .collect();
    let users: Vec<Value> = env.users();
    let native = users
        .iter()
        .find(|u| {
            u["UserStatus"] == "CONFIRMED"
                && u["LinkCount"] == 0
                && u["Email"]
                    .as_str()
                    .is_some_and(|e| !taken.contains(&e.to_lowercase()))
        })
        .expect("a native user with an email of its own");
    let (name, email) = (
        native["Username"].as_str().unwrap(),
        native["Email"].as_str().unwrap(),
    );
    let subject = fresh_subject();
    let server = SimServer::start(&env.state(), Simulation::default());
    let url = server.url();
    let sign_in = || {
        remote(&env, &url)
            .args(["local", "sign-in", "--user-pool-id", &env.pool])
            .args(["--provider", &env.social(), "--subject", &subject])
            .args(["--claim", &format!("email={email}")])
            .assert()
            .success()
    };
    let first = sign_in();
    let federated = format!("{}_{subject}", env.social());
    assert!(
        stdout(&first).contains(&format!("Signed in as {federated}")),
        "{}",
        stdout(&first)
    );

    let found = remote(&env, &url)
        .args([
            "duplicates",
            "--user-pool-id",
            &env.pool,
            "--output",
            "json",
            "--by",
            "email",
        ])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&found)).unwrap();
    let group = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == email.to_lowercase().as_str())
        .expect("the sign-in made a duplicate group");
    // The demo IdP maps no email_verified: the federated side is unverified.
    assert_eq!(group["class"], "unverified", "{group}");
    assert_eq!(group["keep"], name);
    assert_eq!(group["merge"][0], federated.as_str());

    let args = [
        "merge",
        "--user-pool-id",
        &env.pool,
        "--keep",
        name,
        "--merge",
        &federated,
        "--yes",
    ];
    let refused = remote(&env, &url).args(args).assert();
    assert_eq!(refused.get_output().status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("refused locally, nothing was sent"), "{err}");
    assert!(
        err.contains("takeover risk") && err.contains("--allow-unverified"),
        "{err}"
    );
    assert!(server.changes_so_far().is_empty(), "nothing sent");

    remote(&env, &url)
        .args(args)
        .arg("--allow-unverified")
        .assert()
        .success();
    let next = sign_in();
    assert!(
        stdout(&next).contains(&format!("Signed in as {name}")),
        "the identity now signs in as the kept user: {}",
        stdout(&next)
    );
    server.stop();
}

#[test]
fn merge_is_refused_under_read_only_and_without_a_confirmation() {
    let env = Env::new();
    let args = [
        "merge",
        "--user-pool-id",
        &env.pool,
        "--keep",
        "a",
        "--merge",
        "Google_1",
    ];
    let ro = env.cmd().arg("--read-only").args(args).assert().code(2);
    assert!(stderr(&ro).contains("--read-only"), "{}", stderr(&ro));
    let pair = mergeable_pair_with_a_group(&env);
    let mut no_yes = merge_args(&env, &pair);
    no_yes.retain(|a| a != "--yes");
    let refused = env.cmd().args(&no_yes).write_stdin("").assert().code(2);
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    assert!(env.journal().is_empty(), "nothing sent");
}

#[test]
fn a_merge_killed_after_each_step_resumes_to_the_same_end_with_nothing_applied_twice() {
    let hang = |point| ScriptedEffect::Fault(Fault::Hang, point);
    // After the snapshot (the first request held, not applied), then after each kind of step.
    let cases = [
        (
            "snapshot",
            Operation::AdminAddUserToGroup,
            ApplyPoint::BeforeApply,
        ),
        (
            "groups",
            Operation::AdminAddUserToGroup,
            ApplyPoint::AfterApply,
        ),
        (
            "attributes",
            Operation::AdminUpdateUserAttributes,
            ApplyPoint::AfterApply,
        ),
        ("delete", Operation::AdminDeleteUser, ApplyPoint::AfterApply),
        (
            "link",
            Operation::AdminLinkProviderForUser,
            ApplyPoint::AfterApply,
        ),
    ];
    for (after, op, point) in cases {
        let env = Env::new();
        let pair = mergeable_pair_with_a_group(&env);
        let f_sub = sub_of(&env, &pair.merge);
        let server = SimServer::start(
            &env.state(),
            Simulation {
                script: vec![ScriptedFault::new(op, 1, hang(point))],
                ..Simulation::default()
            },
        );
        let url = server.url();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coglink"));
        crate::isolate::isolate(&mut cmd, env.dir.path());
        let mut child = cmd
            .env("AWS_ACCESS_KEY_ID", coglink::local::LOCAL_ACCESS_KEY_ID)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                coglink::local::LOCAL_SECRET_ACCESS_KEY,
            )
            .env("AWS_REGION", coglink::local::LOCAL_REGION)
            .args(["--endpoint-url", &url])
            .args(merge_args(&env, &pair))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !server.changes_so_far().iter().any(|c| c.answer == "hung") {
            assert!(
                start.elapsed() < WAIT,
                "{after}: the step never reached the endpoint"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // The re-run against the same endpoint (its script met; the held request stays
        // held until it stops).
        let again = remote(&env, &url).args(merge_args(&env, &pair)).assert();
        let changes = server.stop();
        assert!(
            again.get_output().status.success(),
            "{after}: {}{}",
            stdout(&again),
            stderr(&again)
        );
        assert!(
            stdout(&again).contains("Resuming the merge"),
            "{after}: {}",
            stdout(&again)
        );
        assert_merged(&env, &pair, &f_sub);
        // Each step applied exactly once over both runs.
        let applied: Vec<(&str, String)> = changes
            .iter()
            .filter(|c| c.applied)
            .map(|c| (c.operation, c.input.to_string()))
            .collect();
        let distinct: BTreeSet<&(&str, String)> = applied.iter().collect();
        assert_eq!(
            applied.len(),
            distinct.len(),
            "{after}: applied twice: {changes:?}"
        );
        assert_eq!(applied.len(), pair.steps(), "{after}: {changes:?}");
        env.journal(); // every intent has exactly one outcome
    }
}

#[test]
fn a_duplicates_file_is_merged_pair_by_pair() {
    let env = Env::new();
    let doc = duplicates_json(&env);
    let mergeable: Vec<&Value> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["class"] == "mergeable")
        .collect();
    let pairs: usize = mergeable
        .iter()
        .map(|g| g["merge"].as_array().unwrap().len())
        .sum();
    // The YAML form (`--output yaml`) is read as the JSON one is.
    let yaml = stdout(
        &env.cmd()
            .args([
                "duplicates",
                "--user-pool-id",
                &env.pool,
                "--output",
                "yaml",
            ])
            .assert()
            .success(),
    );
    let read_back: Value = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(read_back, doc, "yaml holds what json holds");
    let file = env.dir.path().join("duplicates.yaml");
    std::fs::write(&file, yaml).unwrap();
    let run = env
        .cmd()
        .args(["merge", "--from"])
        .arg(&file)
        .arg("--yes")
        .assert()
        .success();
    assert!(
        stdout(&run).contains(&format!("Done: {pairs} merged, 0 not merged")),
        "{}",
        stdout(&run)
    );
    let after = duplicates_json(&env);
    assert!(
        after["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["class"] != "mergeable"),
        "{after}"
    );
    assert_eq!(remap_lines(&env).len(), pairs);
}
