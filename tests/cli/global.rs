//! Global options: `--help` paths, `--endpoint-url`, `--profile`, `--region`, conflicts.

use crate::common::{Env, Has, fresh_subject, isolated, with_local_server};
use coglink::local;

#[test]
fn help_shows_the_journal_path() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("state/coglink/journal.jsonl");
    isolated(dir.path())
        .arg("--help")
        .assert()
        .success()
        .out_has(&journal.display().to_string());
}

#[test]
fn local_conflicts_with_profile_and_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    isolated(dir.path())
        .args(["--local", "--profile", "p", "pools"])
        .assert()
        .code(2);
    isolated(dir.path())
        .args(["--local", "--endpoint-url", "http://127.0.0.1:1", "pools"])
        .assert()
        .code(2);
}

#[test]
fn an_unreachable_endpoint_is_a_failure_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    isolated(dir.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDX")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .args([
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "pools",
        ])
        .assert()
        .code(1)
        .err_has("could not reach http://127.0.0.1:9");
}

#[test]
fn profile_region_and_endpoint_url_reach_any_endpoint_and_are_journaled() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    std::fs::write(
        env.dir.path().join("aws-credentials"),
        format!(
            "[audit]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            local::LOCAL_ACCESS_KEY_ID,
            local::LOCAL_SECRET_ACCESS_KEY
        ),
    )
    .unwrap();
    with_local_server(&env.state(), async |url: &str, _| {
        isolated(env.dir.path())
            .args([
                "--profile",
                "audit",
                "--region",
                local::LOCAL_REGION,
                "--endpoint-url",
                url,
            ])
            .args(env.link_args(&user, &subject))
            .assert()
            .success();
        isolated(env.dir.path())
            .args(["--profile", "audit", "--region", local::LOCAL_REGION, "--endpoint-url", url])
            .args(env.link_args(&user, &fresh_subject()))
            .arg("--dry-run")
            .assert()
            .success()
            .out_has(&format!(
                "aws cognito-idp admin-link-provider-for-user --profile audit --region {} --endpoint-url {url} --user-pool-id",
                local::LOCAL_REGION
            ));
        let e = &env.journal()[0];
        assert_eq!(e["target"]["profile"], "audit");
        assert_eq!(e["target"]["region"], local::LOCAL_REGION);
        assert_eq!(e["target"]["endpoint_url"], url);
        assert_eq!(e["target"]["local"], false);
    });
    assert!(env.has_identity(&user, &env.social(), &subject));
}

/// `local serve --synthetic-users` only seeds a new state file: an existing one (here, the
/// demo pool's) is never replaced.
#[test]
fn synthetic_users_refuse_an_existing_state_file() {
    let env = Env::new();
    let before = std::fs::read_to_string(env.state()).unwrap();
    let out = isolated(env.dir.path())
        .args([
            "local",
            "serve",
            "--port",
            "0",
            "--synthetic-users",
            "10",
            "--state",
        ])
        .arg(env.state())
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("--synthetic-users: seeds a new state file"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(env.state()).unwrap(), before);
}
