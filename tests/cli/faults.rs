//! The real binary's `link`, `unlink` and `batch` against an endpoint that throttles, answers
//! 5xx, drops connections (before and after applying the change) and is slow; and against
//! an endpoint killed and restarted in the middle of a batch. The faults are scripted
//! (`Simulation::script`, by operation and request number), so every fault kind a test names
//! is met by construction, whatever the timing; each test checks every scripted fault was met.
//!
//! What is proven, from the endpoint's own record of every change request
//! (`LocalServer::change_requests`), the journal and the final pool:
//! - a change is never resent blindly: one request per `link`/`unlink` run; in a batch a
//!   row is sent again only after a throttle or after a read showed it was not applied, and
//!   never after a request that applied it;
//! - every ambiguous outcome is resolved by reading: journal `unknown` with the resolution
//!   the endpoint's record confirms (`applied` exactly when the change was made);
//! - no link made twice or lost; the journal matches the final state.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::assert::Assert;
use serde_json::Value;

use coglink::aws::ops::Ops;
use coglink::domain::{LinkRequest, ProviderUserIdentifier};
use coglink::local::{
    self, ApplyPoint, ChangeRecord, Fault, Operation, Quota, ScriptedEffect, ScriptedFault,
    Simulation,
};

use crate::common::{
    Env, SimServer, assert_rerun_sends_nothing, fresh_subject, native_users, remote, stderr,
    stdout, with_local_server, write_batch,
};

/// The identity value a change request or journal request is about.
fn subject_of(request: &Value) -> String {
    let id = if request["SourceUser"].is_object() {
        &request["SourceUser"]
    } else {
        &request["User"]
    };
    id["ProviderAttributeValue"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn status(entry: &Value) -> String {
    match entry["outcome"]["status"].as_str().unwrap() {
        "unknown" => format!(
            "unknown/{}",
            entry["outcome"]["resolution"].as_str().unwrap()
        ),
        s => s.to_owned(),
    }
}

/// Per identity value: which users list it (by the final listing).
fn holders(env: &Env) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in env.users() {
        for i in u["Identities"].as_array().unwrap() {
            if i["Primary"] == true {
                continue;
            }
            map.entry(i["UserId"].as_str().unwrap().to_owned())
                .or_default()
                .push(u["Username"].as_str().unwrap().to_owned());
        }
    }
    map
}

/// The journal against the final state: for each identity, the last entry with a definite
/// conclusion says whether it is linked now (a link `ok`/`applied` → linked, `rejected`/
/// `not_applied` → not linked; an unlink the other way round).
fn assert_journal_matches(journal: &[Value], holders: &BTreeMap<String, Vec<String>>) {
    let mut last: BTreeMap<String, bool> = BTreeMap::new();
    for e in journal {
        let linking = e["operation"] == "AdminLinkProviderForUser";
        let made = match status(e).as_str() {
            "ok" | "unknown/applied" => true,
            "rejected" | "unknown/not_applied" => false,
            _ => continue,
        };
        let subject = subject_of(&e["request"]);
        if !made && !linking {
            // A refused unlink leaves the identity where it was.
            last.insert(subject, true);
        } else {
            last.insert(subject, made == linking);
        }
    }
    assert!(!last.is_empty());
    for (subject, linked) in &last {
        let held = holders.get(subject).map_or(0, Vec::len);
        assert_eq!(
            held,
            usize::from(*linked),
            "identity {subject}: the journal says linked={linked}, the pool has it {held} times"
        );
    }
}

/// Single `link`/`unlink` runs per test, one after the other: run `k` sends the `k`th change
/// request, so the script below decides which runs meet which fault, whatever the timing.
/// Faults hit the change only (a faulted read is retried by the SDK with its standard
/// backoff, about a second a time, too slow for many runs); the batch test below has faults
/// on its reads.
const RUNS: usize = 10;

/// The `nth` change request of `operation` meets each kind of fault once: 500 and dropped
/// connection, each before and after applying; the requests between them succeed.
fn change_faults(operation: Operation) -> Vec<ScriptedFault> {
    [
        (
            2,
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::AfterApply),
        ),
        (
            4,
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::BeforeApply),
        ),
        (
            6,
            ScriptedEffect::Fault(Fault::Drop, ApplyPoint::AfterApply),
        ),
        (
            8,
            ScriptedEffect::Fault(Fault::Drop, ApplyPoint::BeforeApply),
        ),
    ]
    .into_iter()
    .map(|(nth, effect)| ScriptedFault::new(operation, nth, effect))
    .collect()
}

/// Latency and jitter stay random (they change no outcome); the faults are scripted.
fn change_simulation(operation: Operation) -> Simulation {
    Simulation {
        latency: Duration::from_millis(1),
        jitter: Duration::from_millis(2),
        seed: Some(11),
        faults_on_changes_only: true,
        script: change_faults(operation),
        short_pages: Some(crate::common::SHORT_PAGES_SEED),
        ..Simulation::default()
    }
}

/// What one single change run tells: its change requests, journal entries and exit code.
fn check_single_change_runs(
    runs: &[(String, Assert)],
    changes: &[ChangeRecord],
    journal: &[Value],
    holders: &BTreeMap<String, Vec<String>>,
    linking: bool,
) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (subject, run) in runs {
        let sent: Vec<&ChangeRecord> = changes
            .iter()
            .filter(|c| subject_of(&c.input) == *subject)
            .collect();
        let entries: Vec<&Value> = journal
            .iter()
            .filter(|e| subject_of(&e["request"]) == *subject)
            .collect();
        let code = run.get_output().status.code();
        let out = format!("{}{}", stdout(run), stderr(run));
        assert!(
            sent.len() <= 1,
            "{subject}: sent {} times: {sent:?}",
            sent.len()
        );
        let Some(sent) = sent.first() else {
            // The reads before the change failed: nothing sent, nothing journaled.
            assert!(entries.is_empty(), "{subject}: {entries:?}");
            assert_eq!(code, Some(1), "{out}");
            *seen.entry("not sent".into()).or_default() += 1;
            continue;
        };
        assert_eq!(
            entries.len(),
            1,
            "{subject}: one journal entry: {entries:?}"
        );
        let journaled = status(entries[0]);
        let expected = match (sent.answer.as_str(), sent.applied) {
            ("ok", true) => "ok",
            ("InternalErrorException" | "dropped", true) => "unknown/applied",
            ("InternalErrorException" | "dropped", false) => "unknown/not_applied",
            other => panic!("{subject}: unexpected answer {other:?}"),
        };
        assert_eq!(journaled, expected, "{subject}: {sent:?}\n{out}");
        assert_eq!(
            code,
            Some(if sent.applied { 0 } else { 1 }),
            "{subject}: {out}"
        );
        if sent.answer != "ok" {
            let word = if linking { "link" } else { "identity" };
            let said = if sent.applied {
                out.contains("confirmed by reading the user again")
            } else {
                out.contains("Nothing was resent") && out.contains(word)
            };
            assert!(said, "{subject}: {out}");
        }
        let held = holders.get(subject).map_or(0, Vec::len);
        assert_eq!(
            held,
            usize::from(sent.applied == linking),
            "{subject}: applied={} but held {held} times",
            sent.applied
        );
        *seen
            .entry(format!("{}/{}", sent.answer, sent.applied))
            .or_default() += 1;
    }
    seen
}

fn assert_every_kind_of_fault_met(seen: &BTreeMap<String, usize>) {
    for kind in [
        "ok/true",
        "InternalErrorException/true",
        "InternalErrorException/false",
        "dropped/true",
        "dropped/false",
    ] {
        assert!(
            seen.contains_key(kind),
            "no {kind} with this seed: {seen:?}"
        );
    }
}

#[test]
fn links_through_faults_are_resolved_by_reading_never_resent() {
    let env = Env::new();
    let users = native_users(&env, 4, RUNS);
    let server = SimServer::start(
        &env.state(),
        change_simulation(Operation::AdminLinkProviderForUser),
    );
    let url = server.url();
    let runs: Vec<(String, Assert)> = users
        .iter()
        .map(|user| {
            let subject = fresh_subject();
            let run = remote(&env, &url)
                .args(env.link_args(user, &subject))
                .assert();
            (subject, run)
        })
        .collect();
    let changes = server.stop();
    let journal = env.journal();
    let holders = holders(&env);
    let seen = check_single_change_runs(&runs, &changes, &journal, &holders, true);
    assert_every_kind_of_fault_met(&seen);
    assert_journal_matches(&journal, &holders);
}

#[test]
fn unlinks_through_faults_are_resolved_by_reading_never_resent() {
    let env = Env::new();
    let users = native_users(&env, 4, RUNS);
    let social = env.social();
    let pool = env.pool.clone();
    let subjects: Vec<String> = users.iter().map(|_| fresh_subject()).collect();
    // Linked first, without faults.
    with_local_server(&env.state(), async |_, ops: &Ops| {
        for (user, subject) in users.iter().zip(&subjects) {
            let req = LinkRequest {
                user_pool_id: Some(pool.clone()),
                destination_user: Some(ProviderUserIdentifier::cognito_user(user)),
                source_user: Some(ProviderUserIdentifier::new(
                    &social,
                    Some("Cognito_Subject"),
                    subject,
                )),
            };
            ops.link(&req).await.unwrap();
        }
    });
    let server = SimServer::start(
        &env.state(),
        change_simulation(Operation::AdminDisableProviderForUser),
    );
    let url = server.url();
    let runs: Vec<(String, Assert)> = subjects
        .iter()
        .map(|subject| {
            let run = remote(&env, &url)
                .args(["unlink", "--user-pool-id", &env.pool, "--user"])
                .arg(env.source(subject))
                .assert();
            (subject.clone(), run)
        })
        .collect();
    let changes = server.stop();
    let journal = env.journal();
    let holders = holders(&env);
    let seen = check_single_change_runs(&runs, &changes, &journal, &holders, false);
    assert_every_kind_of_fault_met(&seen);
    assert_journal_matches(&journal, &holders);
}

/// The batch's faults: every kind on its links (a throttle too, beside the quota's), and
/// 5xx answers and drops on its reads.
fn batch_faults() -> Vec<ScriptedFault> {
    let link = Operation::AdminLinkProviderForUser;
    let read = Operation::AdminGetUser;
    let mut script = vec![
        ScriptedFault::new(link, 15, ScriptedEffect::Throttle),
        ScriptedFault::new(
            read,
            5,
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::BeforeApply),
        ),
        ScriptedFault::new(
            read,
            11,
            ScriptedEffect::Fault(Fault::Drop, ApplyPoint::BeforeApply),
        ),
        ScriptedFault::new(
            read,
            23,
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::AfterApply),
        ),
    ];
    script.extend(change_faults(link).into_iter().map(|f| ScriptedFault {
        nth: f.nth + 1,
        ..f
    }));
    script
}

/// 2 links for each of 32 users: 64 rows.
fn batch_rows(env: &Env) -> Vec<(String, String)> {
    native_users(env, 3, 32)
        .into_iter()
        .flat_map(|u| [(u.clone(), fresh_subject()), (u, fresh_subject())])
        .collect()
}

/// Each row's identity is linked exactly once, to its user, and the journal has exactly
/// one `ok`/`applied` entry for it.
fn assert_batch_done(env: &Env, rows: &[(String, String)], journal: &[Value]) {
    let holders = holders(env);
    for (user, subject) in rows {
        assert_eq!(
            holders.get(subject),
            Some(&vec![user.clone()]),
            "{subject} linked once, to {user}"
        );
        let made: Vec<String> = journal
            .iter()
            .filter(|e| subject_of(&e["request"]) == *subject)
            .map(status)
            .filter(|s| s == "ok" || s == "unknown/applied")
            .collect();
        assert_eq!(made.len(), 1, "{subject}: {made:?}");
    }
    assert!(
        journal
            .iter()
            .all(|e| e["operation"] == "AdminLinkProviderForUser" && status(e) != "rejected"),
        "no row refused"
    );
    assert_journal_matches(journal, &holders);
}

#[test]
fn a_batch_through_faults_and_a_quota_links_every_row_exactly_once() {
    let env = Env::new();
    let rows = batch_rows(&env);
    let file = write_batch(&env, &rows);
    let server = SimServer::start(
        &env.state(),
        Simulation {
            latency: Duration::from_millis(2),
            jitter: Duration::from_millis(3),
            quota: Quota::Uniform(15.0),
            seed: Some(3),
            script: batch_faults(),
            short_pages: Some(crate::common::SHORT_PAGES_SEED),
            ..Simulation::default()
        },
    );
    let url = server.url();
    // Above the quota, so Cognito throttles and the client slows down.
    let run = remote(&env, &url)
        .args(["batch", "--user-pool-id", &env.pool, "--rate", "30"])
        .arg(&file)
        .assert();
    let changes = server.stop();
    let out = format!("{}{}", stdout(&run), stderr(&run));
    assert_eq!(run.get_output().status.code(), Some(0), "{out}");
    assert!(
        out.contains("Done: 64 linked, 0 already done, 0 refused, 0 unresolved"),
        "{out}"
    );

    let journal = env.journal();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (_, subject) in &rows {
        let sent: Vec<&ChangeRecord> = changes
            .iter()
            .filter(|c| subject_of(&c.input) == *subject)
            .collect();
        // Applied exactly once, by the last request sent for it: never sent after that.
        let applied: Vec<usize> = (0..sent.len()).filter(|&i| sent[i].applied).collect();
        assert_eq!(applied, vec![sent.len() - 1], "{subject}: {sent:?}");
        for c in &sent {
            *kinds
                .entry(format!("{}/{}", c.answer, c.applied))
                .or_default() += 1;
        }
        // Every ambiguous answer is in the journal with the resolution the endpoint confirms.
        let journaled: Vec<String> = journal
            .iter()
            .filter(|e| subject_of(&e["request"]) == *subject)
            .map(status)
            .collect();
        let expected: Vec<String> = sent
            .iter()
            .filter_map(|c| match (c.answer.as_str(), c.applied) {
                ("ok", true) => Some("ok".to_owned()),
                ("TooManyRequestsException", false) => None,
                ("InternalErrorException" | "dropped", applied) => Some(if applied {
                    "unknown/applied".to_owned()
                } else {
                    "unknown/not_applied".to_owned()
                }),
                other => panic!("{subject}: unexpected answer {other:?}"),
            })
            .collect();
        assert_eq!(journaled, expected, "{subject}: {sent:?}");
    }
    // Concurrent rows make which row meets which fault vary from run to run; the script
    // makes every kind met (and `stop` checked each scripted fault was).
    for kind in [
        "ok/true",
        "TooManyRequestsException/false",
        "InternalErrorException/true",
        "InternalErrorException/false",
        "dropped/true",
        "dropped/false",
    ] {
        assert!(kinds.contains_key(kind), "no {kind}: {kinds:?}");
    }
    assert_batch_done(&env, &rows, &journal);

    // A re-run finds everything done and sends nothing.
    assert_rerun_sends_nothing(&env, &file, 64);
    assert_eq!(env.journal().len(), journal.len());
}

/// `coglink local serve` on `port` (0: any); returns the child and its URL.
fn serve(env: &Env, port: u16) -> (Child, String) {
    crate::serve::serve(&env.state(), port, &env.dir.path().join("serve-xdg"), &[])
}

/// The endpoint SIGKILLed in the middle of a batch and restarted on the same state file and
/// port while the batch still runs; then the batch is run again: every row linked exactly
/// once, nothing refused, the journal consistent with the pool.
#[test]
fn a_batch_survives_its_endpoint_being_killed_and_restarted() {
    let env = Env::new();
    let rows = batch_rows(&env);
    let file = write_batch(&env, &rows);
    let (mut endpoint, url) = serve(&env, 0);
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let d = env.dir.path();
    let mut batch = Command::new(env!("CARGO_BIN_EXE_coglink"))
        .env("HOME", d)
        .env("XDG_STATE_HOME", d.join("state"))
        .env("XDG_DATA_HOME", d.join("data"))
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env("AWS_CONFIG_FILE", d.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", d.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", local::LOCAL_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", local::LOCAL_SECRET_ACCESS_KEY)
        .env("AWS_REGION", local::LOCAL_REGION)
        .env_remove("AWS_PROFILE")
        .args(["--endpoint-url", &url])
        .args(["batch", "--user-pool-id", &env.pool, "--rate", "25"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let progress = d.join("links.csv.progress.jsonl");
    let start = Instant::now();
    while std::fs::read_to_string(&progress).map_or(0, |p| p.lines().count()) < 10 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the batch made no progress"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    endpoint.kill().unwrap();
    endpoint.wait().unwrap();
    let done_at_kill = std::fs::read_to_string(&progress).unwrap().lines().count();
    assert!(done_at_kill < rows.len(), "killed before the end");
    // Back on the same port while the batch is still retrying.
    std::thread::sleep(Duration::from_millis(300));
    let (mut endpoint, url2) = serve(&env, port);
    assert_eq!(url2, url);
    let first = batch.wait().unwrap();
    assert!(first.code().is_some(), "the batch exited by itself");

    let again = remote(&env, &url)
        .args(["batch", "--user-pool-id", &env.pool])
        .arg(&file)
        .assert();
    let out = format!("{}{}", stdout(&again), stderr(&again));
    endpoint.kill().unwrap();
    endpoint.wait().unwrap();
    assert_eq!(again.get_output().status.code(), Some(0), "{out}");
    assert!(out.contains("0 refused, 0 unresolved, 0 skipped"), "{out}");
    assert_batch_done(&env, &rows, &env.journal());
}

/// `--read-only` on `link`, `unlink` and `batch`: exit 2 naming the flag, and the endpoint
/// receives no change request at all (reads and `--dry-run` still work).
#[test]
fn read_only_commands_send_no_change() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    let file = write_batch(&env, &[(user.clone(), fresh_subject())]);
    let server = SimServer::start(&env.state(), Simulation::default());
    let url = server.url();
    let refused: Vec<Assert> = vec![
        remote(&env, &url)
            .arg("--read-only")
            .args(env.link_args(&user, &subject))
            .assert(),
        remote(&env, &url)
            .arg("--read-only")
            .args(["unlink", "--user-pool-id", &env.pool, "--user"])
            .arg(env.source(&subject))
            .assert(),
        remote(&env, &url)
            .arg("--read-only")
            .args(["batch", "--user-pool-id", &env.pool])
            .arg(&file)
            .assert(),
    ];
    let dry = remote(&env, &url)
        .arg("--read-only")
        .args(env.link_args(&user, &subject))
        .arg("--dry-run")
        .assert();
    let changes = server.stop();
    for a in &refused {
        assert_eq!(a.get_output().status.code(), Some(2), "{}", stderr(a));
        assert!(stderr(a).contains("--read-only is set"), "{}", stderr(a));
    }
    assert_eq!(dry.get_output().status.code(), Some(0), "{}", stderr(&dry));
    assert!(changes.is_empty(), "{changes:?}");
    assert!(env.journal().is_empty());
}
