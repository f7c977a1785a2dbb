//! The change engine (`coglink::change`) driven directly against the endpoint: a sequence of
//! steps, interrupted by a refusal, resumes from its journal at the first step not applied.

use coglink::aws::Target;
use coglink::aws::ops::Ops;
use coglink::change::sequence::{Sequence, run_sequence};
use coglink::change::{Engine, Planned, Policy, Quiet, Verdict};
use coglink::domain::{LinkCounts, LinkRequest, ProviderUserIdentifier, UnlinkRequest};
use coglink::journal::Journal;

use crate::helpers::*;

/// Moving Google `subject` from ann to bob: unlink, then link.
fn move_identity(pool: &str, subject: &str) -> Sequence {
    let source = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), subject);
    Sequence {
        id: format!("move-{subject}"),
        steps: vec![
            Planned::Unlink {
                req: UnlinkRequest::new(pool, source.clone()),
                user: Some("ann".into()),
                counts: Some(LinkCounts::unlink(1)),
                destination: None,
            },
            Planned::Link {
                req: LinkRequest::new(pool, ProviderUserIdentifier::cognito_user("bob"), source),
                user: "bob".into(),
                counts: LinkCounts::link(0),
            },
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_sequence_resumes_at_its_first_step_not_applied() {
    // The first link request is throttled: sent once (Policy::ONCE), the sequence stops
    // there with step 0 applied.
    let env = start_opts(LocalOptions {
        port: 0,
        state_file: None,
        seed: Seed::Empty,
        simulation: Simulation {
            script: vec![ScriptedFault::new(
                Operation::AdminLinkProviderForUser,
                2,
                ScriptedEffect::Throttle,
            )],
            ..short_pages()
        },
    })
    .await;
    let c = &env.client;
    let pool = new_pool(c, "moves").await;
    create_social(c, &pool, IdentityProviderTypeType::Google).await;
    create_user(c, &pool, "ann", &[]).await;
    create_user(c, &pool, "bob", &[]).await;
    c.admin_link_provider_for_user()
        .user_pool_id(&pool)
        .destination_user(cognito("ann"))
        .source_user(google("g-1"))
        .send()
        .await
        .expect("ann holds g-1");

    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let ops = Ops::new(
        c.clone(),
        Target {
            profile: None,
            region: Some(LOCAL_REGION.into()),
            endpoint_url: Some(env.server.endpoint_url()),
            label: None,
        },
    );
    let engine = Engine::new(ops, journal.clone(), "cli");
    let sequence = move_identity(&pool, "g-1");

    let first = run_sequence(&engine, &sequence, Policy::ONCE, &Quiet)
        .await
        .unwrap();
    assert_eq!(first.skipped, 0);
    let verdicts: Vec<Verdict> = first.settled.iter().map(|s| s.verdict()).collect();
    assert_eq!(verdicts, [Verdict::Applied, Verdict::NotApplied]);
    assert!(!first.complete(2));
    assert!(identities(c, &pool, "ann").await.is_empty(), "step 0 made");
    assert!(
        identities(c, &pool, "bob").await.is_empty(),
        "step 1 refused"
    );

    // The re-run skips the unlink (the journal shows it applied) and makes the link.
    let second = run_sequence(&engine, &sequence, Policy::ONCE, &Quiet)
        .await
        .unwrap();
    assert_eq!(second.skipped, 1);
    assert_eq!(second.settled.len(), 1);
    assert_eq!(
        second.settled[0].planned.operation(),
        "AdminLinkProviderForUser"
    );
    assert!(second.complete(2));
    let bob = identities(c, &pool, "bob").await;
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0].user_id, "g-1");

    // Every step's intent and outcome carry the sequence and the step's index.
    let entries = journal.read_all().unwrap();
    let steps: Vec<(usize, String)> = entries
        .iter()
        .map(|e| {
            let step = e.step.as_ref().expect("a step");
            assert_eq!(step.sequence, "move-g-1");
            (
                step.index,
                serde_json::to_value(&e.outcome).unwrap()["status"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (0, "pending".to_owned()),
            (0, "ok".to_owned()),
            (1, "pending".to_owned()),
            (1, "rejected".to_owned()),
            (1, "pending".to_owned()),
            (1, "ok".to_owned()),
        ]
    );
    assert!(env.server.unmet_script().is_empty());
}
