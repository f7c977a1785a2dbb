//! The change engine seen from outside: the write-ahead journal under `kill -9`, two batch
//! runs of one file, and a row linked by someone else while a batch runs.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use coglink::local::{ApplyPoint, Fault, Operation, ScriptedEffect, ScriptedFault, Simulation};

use crate::common::{
    Env, SimServer, assert_rerun_sends_nothing, fresh_subject, native_users, remote, stderr,
    stdout, write_batch,
};

/// Generous: these waits end as soon as their condition holds.
const WAIT: Duration = Duration::from_secs(60);

fn hang_first_link() -> Simulation {
    Simulation {
        script: vec![ScriptedFault::new(
            Operation::AdminLinkProviderForUser,
            1,
            ScriptedEffect::Fault(Fault::Hang, ApplyPoint::AfterApply),
        )],
        ..Simulation::default()
    }
}

/// The binary against `url`, as `remote` sets it up, as a child process that can be killed.
fn spawn(env: &Env, url: &str, args: &[String]) -> Child {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coglink"));
    crate::isolate::isolate(&mut cmd, env.dir.path());
    cmd.env("AWS_ACCESS_KEY_ID", coglink::local::LOCAL_ACCESS_KEY_ID)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            coglink::local::LOCAL_SECRET_ACCESS_KEY,
        )
        .env("AWS_REGION", coglink::local::LOCAL_REGION)
        .args(["--endpoint-url", url])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("coglink starts")
}

/// Waits until the endpoint has applied (and is holding) the first link request.
fn wait_for_hung_link(server: &SimServer) {
    let start = Instant::now();
    while !server
        .changes_so_far()
        .iter()
        .any(|c| c.answer == "hung" && c.applied)
    {
        assert!(
            start.elapsed() < WAIT,
            "the link never reached the endpoint"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn status(e: &Value) -> String {
    match e["outcome"]["resolution"].as_str() {
        Some(r) => format!("{}/{r}", e["outcome"]["status"].as_str().unwrap()),
        None => e["outcome"]["status"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn a_link_killed_in_flight_is_settled_from_its_intent_by_the_next_run() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    let server = SimServer::start(&env.state(), hang_first_link());
    let url = server.url();
    let mut child = spawn(&env, &url, &env.link_args(&user, &subject));
    wait_for_hung_link(&server);
    child.kill().unwrap(); // SIGKILL: no chance to write anything more
    child.wait().unwrap();

    // The intent was written before sending; nothing answers it yet.
    let lines = env.journal_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let intent = &lines[0];
    assert_eq!(intent["outcome"]["status"], "pending");
    assert_eq!(intent["operation"], "AdminLinkProviderForUser");
    assert_eq!(intent["user"], user.as_str());
    assert!(intent["request"].to_string().contains(&subject));
    let change_id = intent["change_id"]
        .as_str()
        .expect("a change id")
        .to_owned();

    // The next run (the same link again) settles it by reading the user back first: the
    // link was applied, so this run's own link is refused locally, nothing sent.
    let again = remote(&env, &url)
        .args(env.link_args(&user, &subject))
        .assert();
    let err = stderr(&again);
    assert!(
        err.contains("coglink: journal: an earlier run's Linked")
            && err.contains("settled by a later run; confirmed by reading the user again"),
        "{err}"
    );
    // This run's own link meets "already linked", which reading back shows is as asked.
    assert_eq!(again.get_output().status.code(), Some(0), "{err}");
    assert!(
        stdout(&again).contains("already, as asked"),
        "{}",
        stdout(&again)
    );
    let changes = server.changes_so_far();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes[0].applied, "the held link was applied: {changes:?}");
    assert_eq!(changes[1].answer, "InvalidParameterException");
    assert!(!changes[1].applied);

    let lines = env.journal_lines();
    assert_eq!(
        lines.len(),
        4,
        "the intent, its resolution, then this run's: {lines:?}"
    );
    assert_eq!(lines[1]["change_id"], change_id.as_str());
    assert_eq!(status(&lines[1]), "unknown/applied");
    assert_eq!(
        lines[1]["counts"]["after"],
        lines[1]["counts"]["before"].as_u64().unwrap() + 1
    );
    assert_eq!(status(&lines[3]), "already_done");
    // And a later change (the unlink) finds nothing left to settle. (The same endpoint:
    // another on the same port could lose the port to a parallel test.)
    let unlink = remote(&env, &url)
        .args([
            "unlink",
            "--user-pool-id",
            &env.pool,
            "--user",
            &env.source(&subject),
        ])
        .assert();
    server.stop();
    assert!(
        unlink.get_output().status.success() && !stderr(&unlink).contains("earlier run"),
        "{}",
        stderr(&unlink)
    );
    assert_eq!(
        env.journal().len(),
        3,
        "every intent has exactly one outcome"
    );
}

#[test]
fn a_change_in_flight_in_a_live_process_is_not_settled_by_another() {
    let env = Env::new();
    let [user, other] = <[String; 2]>::try_from(native_users(&env, 3, 2)).unwrap();
    let server = SimServer::start(&env.state(), hang_first_link());
    let url = server.url();
    let mut child = spawn(&env, &url, &env.link_args(&user, &fresh_subject()));
    wait_for_hung_link(&server);
    // Another change meanwhile: the hung one's writer still runs, so it is left alone.
    let run = remote(&env, &url)
        .args(env.link_args(&other, &fresh_subject()))
        .assert()
        .success();
    assert!(!stderr(&run).contains("earlier run"), "{}", stderr(&run));
    child.kill().unwrap();
    child.wait().unwrap();
    server.stop();
    let pending: Vec<Value> = env
        .journal_lines()
        .into_iter()
        .filter(|e| e["user"] == user.as_str())
        .collect();
    assert_eq!(pending.len(), 1, "only the intent: {pending:?}");
    assert_eq!(pending[0]["outcome"]["status"], "pending");
}

#[test]
fn a_second_batch_of_the_same_file_refuses_to_start_while_the_first_runs() {
    let env = Env::new();
    let rows: Vec<(String, String)> = (0..3)
        .map(|_| (env.native_user(3), fresh_subject()))
        .collect();
    let file = write_batch(&env, &rows);
    let server = SimServer::start(&env.state(), hang_first_link());
    let url = server.url();
    let args: Vec<String> = vec![
        "batch".into(),
        "--user-pool-id".into(),
        env.pool.clone(),
        "--concurrency".into(),
        "1".into(),
        file.display().to_string(),
    ];
    let mut first = spawn(&env, &url, &args);
    // The first run holds the progress file from before planning; its first link hangs.
    wait_for_hung_link(&server);
    let second = remote(&env, &url).args(&args).assert();
    let err = stderr(&second);
    assert_eq!(second.get_output().status.code(), Some(1), "{err}");
    assert!(
        err.contains("another coglink batch is running with this progress file"),
        "{err}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    let changes = server.changes_so_far();
    assert_eq!(changes.len(), 1, "the second run sent nothing: {changes:?}");

    // With the first gone, a run resumes: the hung row is settled from the journal, the
    // rest linked. (The same endpoint, still holding the first run's request.)
    let third = remote(&env, &url).args(&args).assert();
    assert!(
        stdout(&third).contains("0 refused, 0 unresolved, 0 skipped"),
        "{}{}",
        stdout(&third),
        stderr(&third)
    );
    assert!(stderr(&third).contains("coglink: journal: an earlier run's Linked"));
    server.stop();
    for (user, subject) in &rows {
        assert!(env.has_identity(user, &env.social(), subject), "{user}");
    }
    env.journal(); // every intent has exactly one outcome
}

#[test]
fn a_row_linked_by_someone_else_during_a_batch_ends_done_not_refused() {
    let env = Env::new();
    let rows: Vec<(String, String)> = (0..3)
        .map(|_| (env.native_user(3), fresh_subject()))
        .collect();
    let file = write_batch(&env, &rows);
    // The second link request is performed twice, as if another admin had linked the same
    // identity just before: Cognito then answers "already linked".
    let server = SimServer::start(
        &env.state(),
        Simulation {
            script: vec![ScriptedFault::new(
                Operation::AdminLinkProviderForUser,
                2,
                ScriptedEffect::Fault(Fault::Twice, ApplyPoint::AfterApply),
            )],
            ..Simulation::default()
        },
    );
    let run = remote(&env, &server.url())
        .args(["batch", "--user-pool-id", &env.pool, "--concurrency", "1"])
        .arg(&file)
        .assert();
    let changes = server.stop();
    let out = format!("{}{}", stdout(&run), stderr(&run));
    assert_eq!(run.get_output().status.code(), Some(0), "{out}");
    assert!(
        out.contains("Done: 2 linked, 1 already done, 0 refused, 0 unresolved, 0 skipped"),
        "{out}"
    );
    assert!(
        out.contains("reading the user shows it linked as asked"),
        "{out}"
    );
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.answer == "InvalidParameterException")
            .count(),
        1,
        "{changes:?}"
    );
    let journal = env.journal();
    let statuses: Vec<String> = journal.iter().map(status).collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "ok").count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "already_done").count(),
        1,
        "{statuses:?}"
    );
    // A re-run sees every row done: nothing refused before, nothing sent.
    assert_rerun_sends_nothing(&env, &file, 3);
}
