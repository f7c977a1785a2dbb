//! The endpoint killed (SIGKILL) while it writes its state file: the file is never torn, and
//! every change it acknowledged is there after a restart.

use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::{DEMO_POOL_ID, all_users, client, usernames};

/// `coglink local serve` on a free port; returns the child and its endpoint URL.
fn serve(state: &std::path::Path) -> (Child, String) {
    crate::serve::serve(state, 0, &state.parent().unwrap().join("xdg"), &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_endpoint_restarts_with_every_acknowledged_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    for round in 0..4 {
        let (mut child, url) = serve(&state);
        let c = client(&url).await;
        let mut writers = tokio::task::JoinSet::new();
        for writer in 0..4 {
            let (c, acknowledged) = (c.clone(), acknowledged.clone());
            writers.spawn(async move {
                for i in 0.. {
                    let name = format!("kill-r{round}-w{writer}-{i}");
                    let sent = c
                        .admin_create_user()
                        .user_pool_id(DEMO_POOL_ID)
                        .username(&name)
                        .send()
                        .await;
                    match sent {
                        Ok(_) => acknowledged.lock().unwrap().push(name),
                        Err(_) => return, // the endpoint is gone
                    }
                }
            });
        }
        // Kill once this round's writers are under way (a fixed sleep is too short on a
        // loaded machine), at a different moment of the write cycle each round.
        let acked_before = acknowledged.lock().unwrap().len();
        let start = std::time::Instant::now();
        while acknowledged.lock().unwrap().len() < acked_before + 3 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "round {round}: no write answered"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(7 + 31 * round)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        while writers.join_next().await.is_some() {}

        let text = std::fs::read_to_string(&state).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).expect("the state file is whole JSON");
        let (mut child, url) = serve(&state);
        let users = usernames(&all_users(&client(&url).await, DEMO_POOL_ID, None, None).await);
        let acked = acknowledged.lock().unwrap().clone();
        assert!(
            !acked.is_empty(),
            "round {round}: some writes were acknowledged"
        );
        for name in &acked {
            assert!(
                users.contains(name),
                "round {round}: acknowledged {name} lost"
            );
        }
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
