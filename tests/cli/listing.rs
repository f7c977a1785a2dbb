//! `--listing` and `--list-rate`: partitioned listing through the real binary lists every
//! user exactly once, `auto` partitions a large pool, and throttling is absorbed.

use std::collections::BTreeSet;

use serde_json::Value;

use coglink::local::{
    self, LocalOptions, LocalServer, Operation, Quota, SYNTHETIC_POOL_ID, ScriptedEffect,
    ScriptedFault, Seed, Simulation,
};

use crate::common::{Env, isolated, stderr, stdout};

/// Usernames of a `users --output json` listing, checked to hold no username twice.
fn usernames(json: &str) -> BTreeSet<String> {
    let users: Vec<Value> = serde_json::from_str(json).expect("a complete JSON array");
    let names: BTreeSet<String> = users
        .iter()
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), users.len(), "no user listed twice");
    names
}

#[test]
fn partitioned_and_sequential_list_the_same_users_once() {
    let env = Env::new();
    let list = |mode: &str| {
        env.cmd()
            .args(["users", "--user-pool-id", &env.pool, "--output", "json"])
            .args(["--listing", mode])
            .assert()
            .success()
    };
    let sequential = list("sequential");
    let partitioned = list("partitioned");
    assert_eq!(
        usernames(&stdout(&sequential)),
        usernames(&stdout(&partitioned))
    );
    assert!(
        stderr(&partitioned).contains("(16 partitions, "),
        "{}",
        stderr(&partitioned)
    );
    assert!(!stderr(&sequential).contains("partitions"));
}

#[test]
fn partitioned_with_a_filter_and_a_zero_rate_are_bad_input() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "users",
            "--user-pool-id",
            &env.pool,
            "--listing",
            "partitioned",
        ])
        .args(["--filter", r#"email ^= "a""#])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--listing partitioned: cannot be combined with --filter"));
    let out = env
        .cmd()
        .args(["users", "--user-pool-id", &env.pool, "--list-rate", "0"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--list-rate"), "{}", stderr(&out));
}

/// A 1,500-user pool behind a 10 RPS ListUsers quota, listed by a client allowed 40 RPS:
/// `auto` partitions it (the estimate passes 1,000), throttled pages are read again at a
/// lower rate, and every user arrives exactly once.
#[test]
fn auto_partitions_a_large_pool_and_absorbs_throttling() {
    const USERS: usize = 1_500;
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(LocalServer::start(LocalOptions {
            port: 0,
            state_file: None,
            seed: Seed::Synthetic { users: USERS },
            // The quota throttles a client at 40 RPS; the scripted throttle makes sure one
            // page is read again whatever the timing.
            simulation: Simulation {
                quota: Quota::Uniform(10.0),
                script: vec![ScriptedFault::new(
                    Operation::ListUsers,
                    4,
                    ScriptedEffect::Throttle,
                )],
                ..Default::default()
            },
        }))
        .expect("the endpoint starts");
    let out = isolated(dir.path())
        .env("AWS_ACCESS_KEY_ID", local::LOCAL_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", local::LOCAL_SECRET_ACCESS_KEY)
        .env("AWS_REGION", local::LOCAL_REGION)
        .args([
            "--endpoint-url",
            &server.endpoint_url(),
            "--list-rate",
            "40",
        ])
        .args([
            "users",
            "--user-pool-id",
            SYNTHETIC_POOL_ID,
            "--output",
            "json",
        ])
        .assert()
        .success();
    let throttled = server.simulation_stats().throttled;
    assert!(server.unmet_script().is_empty());
    rt.block_on(server.shutdown());
    assert_eq!(usernames(&stdout(&out)).len(), USERS);
    let summary = stderr(&out);
    assert!(summary.contains("(16 partitions, "), "{summary}");
    assert!(throttled > 0, "the quota was met: {summary}");
    assert!(summary.contains("reading a page again"), "{summary}");
}
