//! Figures for a large pool (100,000 users). Ignored by default (about a minute in a debug
//! build); run with `cargo test --test endpoint -- --ignored --nocapture`.

use std::time::Instant;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn large_pool_figures() {
    const N: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let users: Vec<serde_json::Value> = (0..N)
        .map(|i| {
            serde_json::json!({
                "username": format!("user-{i:06}"),
                "attributes": [
                    {"name": "sub", "value": format!("00000000-0000-4000-8000-{i:012}")},
                    {"name": "email", "value": format!("user-{i:06}@example.com")},
                    {"name": "name", "value": format!("User Number {i}")},
                ],
                "enabled": true,
                "status": "CONFIRMED",
                "createdMs": 1_700_000_000_000i64,
                "modifiedMs": 1_700_000_000_000i64,
            })
        })
        .collect();
    let state = serde_json::json!({
        "format": "coglink-local-state",
        "version": 1,
        "pools": [{
            "id": "us-east-1_Big", "name": "big", "createdMs": 0, "modifiedMs": 0,
            "identityProviders": [], "users": users,
        }],
    });
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();

    let t = Instant::now();
    let env = start_with_file(Seed::Empty, &path).await;
    eprintln!("load {N} users ({size} bytes): {:?}", t.elapsed());

    let t = Instant::now();
    let all = all_users(&env.client, "us-east-1_Big", Some(60), None).await;
    assert_eq!(all.len(), N);
    eprintln!("list all {N} users, Limit 60: {:?}", t.elapsed());

    let t = Instant::now();
    let first = env
        .client
        .list_users()
        .user_pool_id("us-east-1_Big")
        .limit(60)
        .send()
        .await
        .unwrap();
    assert_eq!(first.users().len(), 60);
    eprintln!("one page of 60: {:?}", t.elapsed());

    let t = Instant::now();
    let hits = all_users(
        &env.client,
        "us-east-1_Big",
        Some(60),
        Some(r#"email ^= "user-09999""#),
    )
    .await;
    assert_eq!(hits.len(), 10);
    eprintln!("filtered scan of {N} users: {:?}", t.elapsed());

    let t = Instant::now();
    create_user(&env.client, "us-east-1_Big", "one-more", &[]).await;
    eprintln!(
        "AdminCreateUser incl. durable save of {N} users: {:?}",
        t.elapsed()
    );

    let t = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let c = env.client.clone();
            tokio::spawn(async move {
                create_user(&c, "us-east-1_Big", &format!("burst-{i}"), &[]).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    eprintln!(
        "50 concurrent AdminCreateUser: {:?}, {} state writes in total",
        t.elapsed(),
        env.server.state_file_writes()
    );
}
