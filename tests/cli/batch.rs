//! `coglink batch`: plan, dry run, execution with journal and progress, resume, kill.

use std::time::{Duration, Instant};

use std::sync::Arc;

use serde_json::{Value, json};

use crate::broken_endpoint::BrokenEndpoint;
use crate::common::{Env, fresh_subject, isolated, native_users, stderr, stdout, write_batch};

fn batch_cmd(env: &Env, file: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.args(["batch", "--user-pool-id", &env.pool]).arg(file);
    cmd
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let env = Env::new();
    let user = env.native_user(2);
    let before = env.link_count(&user);
    let file = write_batch(
        &env,
        &[
            (user.clone(), fresh_subject()),
            ("no.such.user".into(), fresh_subject()),
        ],
    );
    let a = batch_cmd(&env, &file).arg("--dry-run").assert().success();
    let out = stdout(&a);
    assert!(
        out.contains(&format!("({before}/5 -> {}/5)", before + 1)),
        "{out}"
    );
    assert!(
        out.contains("line 3     skip") && out.contains("names no user of this pool"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 1 to link, 0 already done, 0 refused before, 1 skipped"),
        "{out}"
    );
    assert_eq!(env.link_count(&user), before);
    assert!(env.journal().is_empty());
    assert!(!env.dir.path().join("links.csv.progress.jsonl").exists());
}

#[test]
fn a_batch_links_journals_and_a_rerun_repeats_nothing() {
    let env = Env::new();
    let user = env.native_user(2);
    let before = env.link_count(&user);
    let subjects = [fresh_subject(), fresh_subject()];
    let file = write_batch(
        &env,
        &subjects
            .iter()
            .map(|s| (user.clone(), s.clone()))
            .collect::<Vec<_>>(),
    );
    let a = batch_cmd(&env, &file).assert().success();
    let out = stdout(&a);
    assert!(
        out.contains("Done: 2 linked, 0 already done, 0 refused, 0 unresolved, 0 skipped"),
        "{out}"
    );
    assert_eq!(env.link_count(&user), before + 2);
    for s in &subjects {
        assert!(env.has_identity(&user, &env.social(), s));
    }
    let journal = env.journal();
    assert_eq!(journal.len(), 2);
    assert!(journal.iter().all(|e| e["outcome"]["status"] == "ok" && e["operation"] == "AdminLinkProviderForUser"));
    let progress =
        std::fs::read_to_string(env.dir.path().join("links.csv.progress.jsonl")).unwrap();
    assert_eq!(progress.lines().count(), 2);

    let a = batch_cmd(&env, &file).assert().success();
    let out = stdout(&a);
    assert!(out.contains("Plan: 0 to link, 2 already done"), "{out}");
    assert_eq!(env.journal().len(), 2, "nothing sent again");
    assert_eq!(env.link_count(&user), before + 2);
}

#[test]
fn the_link_that_would_pass_five_is_refused_before_sending() {
    let env = Env::new();
    let user = env.native_user(5);
    let before = env.link_count(&user) as usize;
    let rows: Vec<_> = (0..(6 - before))
        .map(|_| (user.clone(), fresh_subject()))
        .collect();
    let file = write_batch(&env, &rows);
    let a = batch_cmd(&env, &file).assert().code(1);
    let out = stdout(&a);
    assert!(
        out.contains("the destination already has 5/5 linked identities"),
        "{out}"
    );
    assert_eq!(env.link_count(&user), 5);
    assert!(env.journal().iter().all(|e| e["outcome"]["status"] == "ok"));
}

#[test]
fn bad_files_and_read_only_are_refused_with_exit_2() {
    let env = Env::new();
    let file = env.dir.path().join("bad.csv");
    std::fs::write(&file, "DestinationProviderName,Oops\nx,y\n").unwrap();
    let a = batch_cmd(&env, &file).assert().code(2);
    assert!(
        stderr(&a).contains("unknown column \"Oops\""),
        "{}",
        stderr(&a)
    );
    let good = write_batch(&env, &[(env.native_user(4), fresh_subject())]);
    let a = batch_cmd(&env, &good).arg("--read-only").assert().code(2);
    assert!(stderr(&a).contains("--read-only"), "{}", stderr(&a));
    let mut cmd = env.cmd();
    let a = cmd.args(["batch"]).arg(&good).assert().code(2);
    assert!(
        stderr(&a).contains("UserPoolId: is required"),
        "{}",
        stderr(&a)
    );
    for flag in ["--rate", "--read-rate"] {
        let a = batch_cmd(&env, &good).args([flag, "0"]).assert().code(2);
        assert!(
            stderr(&a).contains(flag) && stderr(&a).contains("above 0"),
            "{}",
            stderr(&a)
        );
    }
}

/// coglink killed (SIGKILL) in the middle of a batch: the re-run finishes it, and every
/// identity ends up linked exactly once.
#[test]
fn a_killed_batch_resumes_to_the_exact_final_state() {
    let env = Env::new();
    let users: Vec<String> = env
        .users()
        .into_iter()
        .filter(|u| u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"] == 0)
        .filter_map(|u| u["Username"].as_str().map(str::to_owned))
        .take(40)
        .collect();
    assert_eq!(users.len(), 40);
    let rows: Vec<_> = users.iter().map(|u| (u.clone(), fresh_subject())).collect();
    let file = write_batch(&env, &rows);

    let d = env.dir.path();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coglink"))
        .env("HOME", d)
        .env("XDG_STATE_HOME", d.join("state"))
        .env("XDG_DATA_HOME", d.join("data"))
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env(coglink::local::SHORT_PAGES_ENV, "7")
        .arg("--local")
        .arg("--local-state")
        .arg(env.state())
        .args([
            "batch",
            "--user-pool-id",
            &env.pool,
            // Slow enough that the kill, right after the 5th row, comes well before the
            // 40th (3.5 s of margin), however the machine schedules this test.
            "--rate",
            "10",
            "--concurrency",
            "2",
        ])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let progress = env.dir.path().join("links.csv.progress.jsonl");
    let start = Instant::now();
    while std::fs::read_to_string(&progress).map_or(0, |p| p.lines().count()) < 5 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the batch made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done_before_kill = std::fs::read_to_string(&progress).unwrap().lines().count();
    assert!(
        done_before_kill < 40,
        "killed before the end ({done_before_kill} rows done)"
    );

    let a = batch_cmd(&env, &file)
        .args(["--rate", "200"])
        .assert()
        .success();
    assert!(
        stdout(&a).contains("0 refused, 0 unresolved, 0 skipped"),
        "{}",
        stdout(&a)
    );
    let all = env.users();
    for (user, subject) in &rows {
        let u = all.iter().find(|u| u["Username"] == user.as_str()).unwrap();
        let matching = u["Identities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["UserId"] == subject.as_str())
            .count();
        assert_eq!(matching, 1, "{user} holds {subject} once");
        assert_eq!(u["LinkCount"], 1);
    }
    // Written ahead, the journal holds every link made, those in flight at the kill
    // included: the re-run settled their intents by reading the users back (`env.journal`
    // also checks every intent has its one outcome).
    let journal = env.journal();
    let made = journal
        .iter()
        .filter(|e| {
            e["outcome"]["status"] == "ok"
                || (e["outcome"]["status"] == "unknown" && e["outcome"]["resolution"] == "applied")
        })
        .count();
    assert_eq!(made, 40, "every link journaled once as made: {journal:?}");
    assert!(
        journal.iter().all(|e| e["outcome"]["status"] == "ok"
            || (e["outcome"]["status"] == "unknown"
                && e["outcome"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("settled by a later run")))),
        "{journal:?}"
    );
}

/// A source already linked to a user who is not a destination in the file: the plan sends it
/// (and Cognito refuses it) unless `--check-holders` scanned the pool, which states its cost
/// first and skips the row naming the holder.
#[test]
fn check_holders_skips_a_source_linked_to_a_user_outside_the_file() {
    let env = Env::new();
    let users = native_users(&env, 3, 2);
    let (holder, destination) = (&users[0], &users[1]);
    let subject = fresh_subject();
    env.link(holder, &subject).success();
    let journaled = env.journal().len();
    let file = write_batch(&env, &[(destination.clone(), subject.clone())]);

    let unchecked = batch_cmd(&env, &file).arg("--dry-run").assert().success();
    let out = stdout(&unchecked);
    assert!(out.contains("line 2     link"), "{out}");
    assert!(out.contains("Holders: not checked"), "{out}");

    let a = batch_cmd(&env, &file)
        .arg("--check-holders")
        .assert()
        .code(1);
    let (out, err) = (stdout(&a), stderr(&a));
    let users = env.users().len();
    let cost = format!(
        "checking who holds the sources: scanning {users} users (the pool's estimate): about \
         16 ListUsers requests, with no rate ceiling"
    );
    let cost_at = err.find(&cost).unwrap_or_else(|| panic!("{err}"));
    let checked_at = err
        .find(&format!("checked {users} users in "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        cost_at < checked_at,
        "the cost is stated before the scan: {err}"
    );
    assert!(
        out.contains("line 2     skip")
            && out.contains(&format!("already linked to user \"{holder}\"")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Holders: checked: every source was looked for among the pool's {users} users"
        )),
        "{out}"
    );
    assert_eq!(env.journal().len(), journaled, "nothing was sent");
    assert!(env.has_identity(holder, &env.social(), &subject));
}

#[cfg(unix)]
#[test]
fn the_progress_file_is_private_like_the_journal() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let file = write_batch(&env, &[(env.native_user(3), fresh_subject())]);
    batch_cmd(&env, &file).assert().success();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.journal_path()), 0o600);
    assert_eq!(
        mode(&env.dir.path().join("links.csv.progress.jsonl")),
        0o600
    );
}

/// An emulator that serves the reads planning needs but not AdminLinkProviderForUser, which
/// it answers with an HTML 501 page.
fn emulator_without_linking() -> BrokenEndpoint {
    BrokenEndpoint::answering(
        501,
        Arc::new(|operation: &str, request: &Value| match operation {
            "ListIdentityProviders" => Some((
                200,
                json!({"Providers": [{"ProviderName": "Google", "ProviderType": "Google"}]}),
            )),
            "DescribeIdentityProvider" => Some((
                200,
                json!({"IdentityProvider": {
                    "ProviderName": "Google", "ProviderType": "Google",
                    "AttributeMapping": {"username": "sub"}
                }}),
            )),
            "AdminGetUser" if request["Username"] == "diego" => Some((
                200,
                json!({
                    "Username": "diego",
                    "UserAttributes": [{"Name": "sub", "Value": "5f0c1d2e-0000-4000-8000-000000000001"}],
                    "UserStatus": "CONFIRMED",
                    "Enabled": true
                }),
            )),
            "AdminGetUser" => Some((
                400,
                json!({"__type": "UserNotFoundException", "message": "User does not exist."}),
            )),
            _ => None,
        }),
    )
}

#[test]
fn a_link_the_endpoint_does_not_implement_is_sent_once_and_not_retried() {
    let endpoint = emulator_without_linking();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("links.csv");
    std::fs::write(
        &file,
        "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,\
         SourceProviderAttributeName,SourceProviderAttributeValue\n\
         Cognito,diego,Google,Cognito_Subject,1234\n",
    )
    .unwrap();
    let a = isolated(dir.path())
        .env("AWS_ACCESS_KEY_ID", "AKIABROKENENDPOINT01")
        .env("AWS_SECRET_ACCESS_KEY", "broken-endpoint-secret")
        .env("AWS_REGION", "us-east-1")
        .args(["--endpoint-url", &endpoint.url])
        .args(["batch", "--user-pool-id", "us-east-1_Emulator1"])
        .arg(&file)
        .assert()
        .code(1);
    let (out, err) = (stdout(&a), stderr(&a));
    assert!(out.contains("line 2     link"), "{out}\n{err}");
    assert_eq!(
        endpoint.requests_of("AdminLinkProviderForUser"),
        1,
        "an operation the endpoint does not implement is not sent again: {out}\n{err}"
    );
    let both = format!("{out}{err}");
    assert!(both.contains("HTTP 501 (Not Implemented)"), "{both}");
    assert!(!both.contains('\u{1b}'), "{both:?}");
    assert!(both.contains("retrying will not help"), "{both}");
}
