//! The state file: survives restarts, is durable before answers, is written atomically with
//! group commit, and a corrupt one is a clear error.

use std::time::Instant;

use crate::helpers::*;

fn dir_entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local-state.json");
    let env = start_with_file(Seed::Demo, &path).await;
    assert!(path.exists(), "the seed is written before serving");
    let c = &env.client;
    create_user(c, DEMO_POOL_ID, "restart.me", &[("email", "r@example.com")]).await;
    c.admin_link_provider_for_user()
        .user_pool_id(DEMO_POOL_ID)
        .destination_user(cognito("restart.me"))
        .source_user(google("123456789012345678901"))
        .send()
        .await
        .unwrap();
    c.admin_link_provider_for_user()
        .user_pool_id(DEMO_POOL_ID)
        .destination_user(cognito("restart.me"))
        .source_user(ident("CorpSAML", "email", "restart@corp.example.com"))
        .send()
        .await
        .unwrap();
    let pool = new_pool(c, "after-restart").await;
    create_social(c, &pool, IdentityProviderTypeType::Facebook).await;
    let before_users = all_users(c, DEMO_POOL_ID, Some(60), None).await.len();
    env.server.shutdown().await;

    // Restart with another seed: the existing file wins.
    let env = start_with_file(Seed::Empty, &path).await;
    let c = &env.client;
    let ids = identities(c, DEMO_POOL_ID, "restart.me").await;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].user_id, "123456789012345678901");
    assert_eq!(
        all_users(c, DEMO_POOL_ID, Some(60), None).await.len(),
        before_users
    );
    let pools = c.list_user_pools().max_results(60).send().await.unwrap();
    assert!(
        pools
            .user_pools()
            .iter()
            .any(|p| p.id() == Some(pool.as_str()))
    );
    let idp = c
        .describe_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Facebook")
        .send()
        .await
        .unwrap();
    assert_eq!(
        idp.identity_provider().unwrap().provider_type(),
        Some(&IdentityProviderTypeType::Facebook)
    );
    // The link index and the attribute name used at link time survived too.
    let err = c
        .admin_link_provider_for_user()
        .user_pool_id(DEMO_POOL_ID)
        .destination_user(cognito("restart.me"))
        .source_user(google("123456789012345678901"))
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error()
            .and_then(|e| e.message())
            .is_some_and(|m| m.contains("already linked"))
    );
    c.admin_disable_provider_for_user()
        .user_pool_id(DEMO_POOL_ID)
        .user(ident("CorpSAML", "email", "restart@corp.example.com"))
        .send()
        .await
        .unwrap();
    env.server.shutdown().await;
    assert_eq!(dir_entries(dir.path()), vec!["local-state.json"]);
}

#[tokio::test]
async fn a_change_is_on_disk_before_it_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let env = start_with_file(Seed::Empty, &path).await;
    let pool = new_pool(&env.client, "durable").await;
    create_user(&env.client, &pool, "written", &[]).await;
    // Read the file while the server runs: no shutdown, no flush.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"written\""), "user not yet on disk");
    assert!(text.contains(&pool));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_are_grouped_into_fewer_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let env = start_with_file(Seed::Demo, &path).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let c = env.client.clone();
            tokio::spawn(async move {
                create_user(&c, DEMO_POOL_ID, &format!("burst-{i:03}"), &[]).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let writes = env.server.state_file_writes();
    eprintln!(
        "200 concurrent AdminCreateUser with a state file: {elapsed:?}, {writes} state writes"
    );
    assert!(
        writes < 200,
        "{writes} writes for 200 changes: no group commit"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for i in 0..200 {
        assert!(text.contains(&format!("\"burst-{i:03}\"")), "burst-{i:03}");
    }
}

#[tokio::test]
async fn a_corrupt_state_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        "{\"format\":\"coglink-local-state\",\"version\":1,\"pools\":[{",
    )
    .unwrap();
    let err = LocalServer::start(LocalOptions {
        port: 0,
        state_file: Some(path.clone()),
        seed: Seed::Demo,
        simulation: Simulation::default(),
    })
    .await
    .err()
    .expect("refused");
    assert!(
        matches!(&err, LocalError::StateCorrupt { path: p, .. } if p == &path),
        "{err:?}"
    );
    assert!(err.to_string().contains("broken.json"), "{err}");
    // The broken file is left alone for the user to inspect.
    assert!(std::fs::read_to_string(&path).unwrap().ends_with("[{"));
    // A directory where the file should be: unreadable.
    let err = LocalServer::start(LocalOptions {
        port: 0,
        state_file: Some(dir.path().to_path_buf()),
        seed: Seed::Empty,
        simulation: Simulation::default(),
    })
    .await
    .err()
    .expect("refused");
    assert!(matches!(err, LocalError::StateUnreadable { .. }), "{err:?}");
}

#[tokio::test]
async fn one_endpoint_per_state_file_and_missing_directories_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("deeper").join("s.json");
    let env = start_with_file(Seed::Empty, &path).await;
    assert!(path.exists());
    let err = LocalServer::start(LocalOptions {
        port: 0,
        state_file: Some(path.clone()),
        seed: Seed::Empty,
        simulation: Simulation::default(),
    })
    .await
    .err()
    .expect("second endpoint refused");
    assert!(
        matches!(&err, LocalError::StateInUse { path: p } if p == &path),
        "{err:?}"
    );
    env.server.shutdown().await;
    // Released on shutdown.
    let env = start_with_file(Seed::Empty, &path).await;
    env.server.shutdown().await;
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error() {
    let env = start(Seed::Empty).await;
    let err = LocalServer::start(LocalOptions {
        port: env.server.addr().port(),
        state_file: None,
        seed: Seed::Empty,
        simulation: Simulation::default(),
    })
    .await
    .err()
    .expect("port is taken");
    assert!(matches!(err, LocalError::Bind { .. }), "{err:?}");
}
