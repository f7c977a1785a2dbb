//! Latency, quota and fault simulation (`LocalOptions::simulation`), seen through the SDK,
//! and listing a pool completely through throttles, 5xx answers and dropped connections.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use coglink::aws::listing::{self, ListingEvent, ListingPlan, ListingStats};
use coglink::aws::ops::Ops;
use coglink::aws::{Failure, FailureKind, Target};
use coglink::domain::ErrorKind;

use crate::helpers::*;

fn target(env: &Env) -> Target {
    Target {
        profile: None,
        region: Some(LOCAL_REGION.into()),
        endpoint_url: Some(env.server.endpoint_url()),
        label: None,
    }
}

async fn start_sim(seed: Seed, state_file: Option<&Path>, simulation: Simulation) -> Env {
    start_opts(LocalOptions {
        port: 0,
        state_file: state_file.map(Path::to_path_buf),
        seed,
        simulation,
    })
    .await
}

async fn create(
    env: &Env,
    pool: &str,
    username: &str,
) -> Result<(), SdkError<AdminCreateUserError>> {
    env.client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .map(|_| ())
}

async fn exists(env: &Env, pool: &str, username: &str) -> bool {
    match env
        .client
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
    {
        Ok(_) => true,
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(AdminGetUserError::UserNotFoundException(_))
            ) =>
        {
            false
        }
        Err(e) => panic!("AdminGetUser failed: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_is_waited_before_every_answer() {
    let env = start_sim(
        Seed::Demo,
        None,
        Simulation {
            latency: Duration::from_millis(150),
            jitter: Duration::from_millis(30),
            ..Simulation::default()
        },
    )
    .await;
    for _ in 0..3 {
        let t = Instant::now();
        env.client
            .list_user_pools()
            .max_results(10)
            .send()
            .await
            .unwrap();
        assert!(
            t.elapsed() >= Duration::from_millis(150),
            "{:?}",
            t.elapsed()
        );
    }
    // Errors are delayed too.
    let t = Instant::now();
    assert!(!exists(&env, DEMO_POOL_ID, "nobody-at-all").await);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
}

/// A burst far over the quota: some requests are throttled (a 2-RPS bucket lets at most
/// 2 + 2·T of 20 requests through in T seconds, so this holds unless the burst takes over
/// 8 s), each throttled one is not applied, and a later request is accepted once a token
/// is back (polled, not slept for a fixed time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_quota_is_throttled_not_applied_and_later_accepted() {
    let env = start_sim(
        Seed::Empty,
        None,
        Simulation {
            quota: Quota::Uniform(2.0),
            ..Simulation::default()
        },
    )
    .await;
    let pool = new_pool(&env.client, "quota").await;
    let burst: Vec<_> = (0..20)
        .map(|i| {
            let env_client = env.client.clone();
            let pool = pool.clone();
            tokio::spawn(async move {
                let name = format!("u{i}");
                let sent = env_client
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(&name)
                    .send()
                    .await
                    .map(|_| ());
                (name, sent)
            })
        })
        .collect();
    let mut throttled = Vec::new();
    let mut created = Vec::new();
    for task in burst {
        let (name, sent) = task.await.unwrap();
        match sent {
            Ok(()) => created.push(name),
            Err(err) => {
                assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
                let se = err.as_service_error().expect("a service error");
                assert!(se.is_too_many_requests_exception(), "{se:?}");
                assert_eq!(
                    code_message(se),
                    ("TooManyRequestsException".into(), "Rate exceeded".into())
                );
                let failure = Failure::from_sdk(&err, &target(&env));
                assert!(failure.is_throttling());
                assert!(!failure.outcome_unknown());
                throttled.push(name);
            }
        }
    }
    assert!(
        !throttled.is_empty(),
        "20 requests at once, 2 RPS: some throttled"
    );
    assert!(!created.is_empty(), "the bucket starts full");
    assert_eq!(
        env.server.simulation_stats().throttled,
        throttled.len() as u64
    );
    // ListUsers is another category (one request, within its own 2 tokens): throttled users
    // were not created, the others were.
    let listed: BTreeSet<String> = env
        .client
        .list_users()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .users()
        .iter()
        .filter_map(|u| u.username().map(str::to_owned))
        .collect();
    assert_eq!(listed, created.iter().cloned().collect::<BTreeSet<_>>());
    // A token comes back every 500 ms: retried until accepted, with a generous deadline.
    let again = &throttled[0];
    let start = Instant::now();
    while create(&env, &pool, again).await.is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "never accepted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(exists(&env, &pool, again).await);
}

/// Sends AdminCreateUser through a faulty endpoint with a state file, then reads the user back
/// through a fresh endpoint without faults. Returns the failure and whether it was applied.
async fn create_through_fault(
    simulation: Simulation,
) -> (SdkError<AdminCreateUserError>, Failure, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let env = start_with_file(Seed::Empty, &path).await;
    let pool = new_pool(&env.client, "faults").await;
    env.server.shutdown().await;

    let env = start_sim(Seed::Empty, Some(&path), simulation).await;
    let err = create(&env, &pool, "victim").await.unwrap_err();
    let failure = Failure::from_sdk(&err, &target(&env));
    env.server.shutdown().await;

    let env = start_with_file(Seed::Empty, &path).await;
    let applied = exists(&env, &pool, "victim").await;
    env.server.shutdown().await;
    (err, failure, applied)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_errors_answer_500_before_or_after_applying() {
    for (after, applied_expected) in [(0.0, false), (1.0, true)] {
        let (err, failure, applied) = create_through_fault(Simulation {
            fault_rate: 1.0,
            fault_after_apply_fraction: after,
            ..Simulation::default()
        })
        .await;
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
        let se = err.as_service_error().expect("a service error");
        assert!(se.is_internal_error_exception(), "{se:?}");
        assert_eq!(failure.kind, FailureKind::Service(ErrorKind::InternalError));
        assert!(failure.outcome_unknown());
        assert_eq!(
            applied, applied_expected,
            "fault_after_apply_fraction {after}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_transport_failures_of_unknown_outcome() {
    for (after, applied_expected) in [(0.0, false), (1.0, true)] {
        let (err, failure, applied) = create_through_fault(Simulation {
            drop_rate: 1.0,
            fault_after_apply_fraction: after,
            ..Simulation::default()
        })
        .await;
        // No HTTP response at all: the SDK reports a dispatch (IO) failure.
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert!(err.raw_response().is_none());
        assert!(
            matches!(failure.kind, FailureKind::Network | FailureKind::Unreadable),
            "{failure:?}"
        );
        assert!(failure.outcome_unknown(), "{failure:?}");
        // The interesting case: the client saw a failure, but the change was applied.
        assert_eq!(
            applied, applied_expected,
            "fault_after_apply_fraction {after}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_after_a_drop_works() {
    let dropped = [2, 3, 7, 20, 39];
    let env = start_sim(
        Seed::Demo,
        None,
        Simulation {
            script: dropped
                .iter()
                .map(|&nth| ScriptedFault::new(Operation::ListUserPools, nth, drop_before()))
                .collect(),
            ..Simulation::default()
        },
    )
    .await;
    let mut ok = 0;
    for _ in 0..40 {
        if env
            .client
            .list_user_pools()
            .max_results(10)
            .send()
            .await
            .is_ok()
        {
            ok += 1;
        }
    }
    let drops = env.server.simulation_stats().drops;
    assert_eq!(drops, dropped.len() as u64);
    assert_eq!(
        ok,
        40 - dropped.len() as u64,
        "every other request was answered"
    );
    assert!(env.server.unmet_script().is_empty());
}

fn drop_before() -> ScriptedEffect {
    ScriptedEffect::Fault(Fault::Drop, ApplyPoint::BeforeApply)
}

/// ListUsers faults, by request number: throttles, 5xx answers and drops.
fn listing_faults() -> Vec<ScriptedFault> {
    let effects = [
        ScriptedEffect::Throttle,
        ScriptedEffect::Fault(Fault::Internal, ApplyPoint::BeforeApply),
        drop_before(),
        ScriptedEffect::Fault(Fault::Internal, ApplyPoint::AfterApply),
        ScriptedEffect::Fault(Fault::Drop, ApplyPoint::AfterApply),
    ];
    (0..10)
        .map(|i| ScriptedFault::new(Operation::ListUsers, 2 + 3 * i, effects[i as usize % 5]))
        .collect()
}

const USERS: usize = 1_500;

/// Lists the synthetic pool through quota, 5xx answers and drops; checks every user arrives
/// exactly once and that every simulated failure was read again.
async fn list_through_faults(plan: ListingPlan) -> ListingStats {
    let env = start_sim(
        Seed::Synthetic { users: USERS },
        None,
        Simulation {
            quota: Quota::Uniform(10.0),
            script: listing_faults(),
            ..Simulation::default()
        },
    )
    .await;
    let ops = Ops::new(env.client.clone(), target(&env));
    let mut rx = listing::start(ops, plan);
    let mut names = Vec::new();
    let stats = loop {
        match rx
            .recv()
            .await
            .expect("listing ends with Finished or Failed")
        {
            ListingEvent::Page { users } => {
                names.extend(users.iter().map(|u| u.username().to_owned()))
            }
            ListingEvent::Retrying { .. } => {}
            ListingEvent::Finished(stats) => break stats,
            ListingEvent::Failed(f) => panic!("listing failed: {f}"),
        }
    };
    let set: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(set.len(), names.len(), "duplicates");
    let expected: BTreeSet<String> = (0..USERS).map(synthetic_username).collect();
    assert_eq!(set, expected);
    assert_eq!(stats.users, USERS as u64);
    let sim = env.server.simulation_stats();
    assert!(
        env.server.unmet_script().is_empty(),
        "{:?}",
        env.server.unmet_script()
    );
    assert!(
        sim.throttled >= 2 && sim.internal_errors >= 4 && sim.drops >= 4,
        "{stats:?} {sim:?}"
    );
    // Every simulated failure reached the client once and was read again.
    assert_eq!(
        stats.retries,
        sim.throttled + sim.internal_errors + sim.drops,
        "{sim:?}"
    );
    assert_eq!(stats.throttles, sim.throttled);
    stats
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitioned_listing_through_quota_and_faults_returns_every_user_once() {
    let stats =
        list_through_faults(ListingPlan::partitioned(SYNTHETIC_POOL_ID, 8, Some(40.0))).await;
    // 16 partitions of about 94 users: at least two pages each.
    assert!(stats.pages >= 32, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_listing_through_quota_and_faults_returns_every_user_once() {
    let mut plan = ListingPlan::sequential(SYNTHETIC_POOL_ID, None);
    plan.max_rps = Some(40.0);
    let stats = list_through_faults(plan).await;
    assert_eq!(stats.pages, USERS.div_ceil(60) as u64);
}
