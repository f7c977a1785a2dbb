//! Test environment: a tempdir holding the local endpoint's state, the XDG directories (so
//! the journal lands there) and an empty AWS config; helpers to run the binary.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use serde_json::Value;
use tempfile::TempDir;

use coglink::aws::ops::Ops;
use coglink::aws::{ConnectOptions, Connection};
use coglink::domain::IdentityProviderInfo;
use coglink::local::{self, ChangeRecord, LocalOptions, LocalServer, Seed, Simulation};

pub struct Env {
    pub dir: TempDir,
    pub pool: String,
    pub providers: Vec<IdentityProviderInfo>,
}

/// A subject no other call of this test process has used.
pub fn fresh_subject() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}{:04}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `duplicates --output json` of the environment's pool.
pub fn duplicates_json(env: &Env) -> Value {
    let out = env
        .cmd()
        .args([
            "duplicates",
            "--user-pool-id",
            &env.pool,
            "--output",
            "json",
        ])
        .assert()
        .success();
    serde_json::from_str(&stdout(&out)).expect("duplicates --output json is JSON")
}

pub fn stdout(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

pub fn stderr(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// The seed of the short ListUsers pages every test endpoint answers.
pub const SHORT_PAGES_SEED: u64 = 7;

/// A command of the binary with every user-level directory inside `dir`.
pub fn isolated(dir: &std::path::Path) -> Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coglink"));
    crate::isolate::isolate(&mut cmd, dir);
    // `--local` lists in short pages, as Cognito does in production.
    cmd.env("NO_COLOR", "1").env(
        coglink::local::SHORT_PAGES_ENV,
        SHORT_PAGES_SEED.to_string(),
    );
    Command::from_std(cmd)
}

/// The binary pointed at `url` with static credentials (as against AWS), journal in `env`.
pub fn remote(env: &Env, url: &str) -> assert_cmd::Command {
    let mut cmd = isolated(env.dir.path());
    cmd.env("AWS_ACCESS_KEY_ID", local::LOCAL_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", local::LOCAL_SECRET_ACCESS_KEY)
        .env("AWS_REGION", local::LOCAL_REGION)
        .args(["--endpoint-url", url]);
    cmd
}

/// Runs the embedded endpoint in this process on `state` for the duration of `f`. The
/// server runs on the runtime's worker threads, so `f` may block (e.g. run the binary).
pub fn with_local_server<T>(state: &std::path::Path, f: impl AsyncFnOnce(&str, &Ops) -> T) -> T {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = LocalServer::start(LocalOptions {
            port: 0,
            state_file: Some(state.to_owned()),
            seed: Seed::Demo,
            simulation: Simulation {
                short_pages: Some(SHORT_PAGES_SEED),
                ..Default::default()
            },
        })
        .await
        .expect("the local endpoint starts");
        let url = server.endpoint_url();
        let conn = Connection::open(&ConnectOptions {
            region: Some(local::LOCAL_REGION.into()),
            endpoint_url: Some(url.clone()),
            static_credentials: Some((
                local::LOCAL_ACCESS_KEY_ID.into(),
                local::LOCAL_SECRET_ACCESS_KEY.into(),
            )),
            ..Default::default()
        })
        .await;
        let ops = Ops::new(conn.client, conn.target);
        let out = f(&url, &ops).await;
        server.shutdown().await;
        out
    })
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let mut env = Env {
            dir,
            pool: String::new(),
            providers: Vec::new(),
        };
        let pools: Value = serde_json::from_str(&stdout(
            &env.cmd()
                .args(["pools", "--output", "json"])
                .assert()
                .success(),
        ))
        .unwrap();
        // The demo pool with the most users has every kind of identity provider.
        env.pool = pools
            .as_array()
            .unwrap()
            .iter()
            .max_by_key(|p| p["EstimatedNumberOfUsers"].as_i64())
            .and_then(|p| p["Id"].as_str())
            .expect("a demo pool")
            .to_owned();
        let pool = env.pool.clone();
        env.providers = with_local_server(&env.state(), async |_, ops: &Ops| {
            ops.list_providers(&pool).await.unwrap()
        });
        env
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    pub fn journal_path(&self) -> PathBuf {
        self.dir.path().join("state/coglink/journal.jsonl")
    }

    /// The binary with `--local` on this environment's state.
    pub fn cmd(&self) -> Command {
        let mut cmd = isolated(self.dir.path());
        cmd.arg("--local").arg("--local-state").arg(self.state());
        cmd
    }

    /// The journal's outcomes, oldest first. The journal is written ahead: each change has
    /// an intent (`pending`) and then its outcome with the same `change_id`; this checks
    /// every intent has exactly one outcome (no run of these tests is killed mid-change; the
    /// kill tests read [`Env::journal_lines`]) and returns the outcomes.
    pub fn journal(&self) -> Vec<Value> {
        crate::journal::outcomes(self.journal_lines())
    }

    /// Every line of the journal, intents included.
    pub fn journal_lines(&self) -> Vec<Value> {
        crate::journal::lines(&self.journal_path())
    }

    pub fn users(&self) -> Vec<Value> {
        let out = stdout(
            &self
                .cmd()
                .args(["users", "--user-pool-id", &self.pool, "--output", "json"])
                .assert()
                .success(),
        );
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    pub fn user(&self, name: &str) -> Value {
        self.users()
            .into_iter()
            .find(|u| u["Username"] == name)
            .unwrap_or_else(|| panic!("no user {name}"))
    }

    pub fn link_count(&self, name: &str) -> u64 {
        self.user(name)["LinkCount"].as_u64().unwrap()
    }

    /// Whether `name` lists `provider`/`subject` as a linked identity.
    pub fn has_identity(&self, name: &str, provider: &str, subject: &str) -> bool {
        self.user(name)["Identities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["ProviderName"] == provider && i["UserId"] == subject)
    }

    /// A native (username/password) user with at most `max_links` links.
    pub fn native_user(&self, max_links: u64) -> String {
        self.users()
            .into_iter()
            .find(|u| {
                u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"].as_u64() <= Some(max_links)
            })
            .and_then(|u| u["Username"].as_str().map(str::to_owned))
            .expect("the demo pool has a native user with room for links")
    }

    /// The name of a social identity provider of the pool (links by Cognito_Subject).
    pub fn social(&self) -> String {
        self.providers
            .iter()
            .find(|p| p.provider_type.is_social())
            .map(|p| p.name.clone())
            .expect("the demo pool has a social identity provider")
    }

    pub fn dest(&self, user: &str) -> String {
        format!("ProviderName=Cognito,ProviderAttributeValue={user}")
    }

    pub fn source(&self, subject: &str) -> String {
        format!(
            "ProviderName={},ProviderAttributeName=Cognito_Subject,ProviderAttributeValue={subject}",
            self.social()
        )
    }

    /// `coglink link` of a fresh subject of the social provider to `user`.
    pub fn link_args(&self, user: &str, subject: &str) -> Vec<String> {
        vec![
            "link".into(),
            "--user-pool-id".into(),
            self.pool.clone(),
            "--destination-user".into(),
            self.dest(user),
            "--source-user".into(),
            self.source(subject),
        ]
    }

    pub fn link(&self, user: &str, subject: &str) -> Assert {
        self.cmd().args(self.link_args(user, subject)).assert()
    }
}

/// Output checks that print the whole output when they fail.
pub trait Has: Sized {
    fn err_has(self, text: &str) -> Self;
    fn out_has(self, text: &str) -> Self;
}

impl Has for Assert {
    fn err_has(self, text: &str) -> Self {
        let err = stderr(&self);
        assert!(err.contains(text), "stderr lacks {text:?}:\n{err}");
        self
    }

    fn out_has(self, text: &str) -> Self {
        let out = stdout(&self);
        assert!(out.contains(text), "stdout lacks {text:?}:\n{out}");
        self
    }
}

const BATCH_HEADER: &str = "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n";

/// A batch CSV in `env`'s directory linking each `(user, subject)` with the pool's social
/// provider.
pub fn write_batch(env: &Env, rows: &[(String, String)]) -> PathBuf {
    let social = env.social();
    let mut text = BATCH_HEADER.to_owned();
    for (user, subject) in rows {
        text.push_str(&format!(
            "Cognito,{user},{social},Cognito_Subject,{subject}\n"
        ));
    }
    let path = env.dir.path().join("links.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// An in-process endpoint with a simulation, on the environment's state file.
pub struct SimServer {
    rt: tokio::runtime::Runtime,
    server: Option<LocalServer>,
}

impl SimServer {
    /// On any free port. (A test never restarts one on the port it had: a parallel test may
    /// take that port in between.)
    pub fn start(state: &Path, simulation: Simulation) -> SimServer {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt
            .block_on(LocalServer::start(LocalOptions {
                port: 0,
                state_file: Some(state.to_owned()),
                seed: Seed::Demo,
                simulation,
            }))
            .expect("the endpoint starts");
        SimServer {
            rt,
            server: Some(server),
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().endpoint_url()
    }

    /// The change requests received so far (the server keeps running).
    pub fn changes_so_far(&self) -> Vec<ChangeRecord> {
        self.server.as_ref().unwrap().change_requests()
    }

    /// Stops it (every change on disk) and returns its record of change requests, after
    /// checking that every scripted fault was met.
    pub fn stop(mut self) -> Vec<ChangeRecord> {
        let server = self.server.take().unwrap();
        let changes = server.change_requests();
        let unmet = server.unmet_script();
        self.rt.block_on(server.shutdown());
        assert!(
            unmet.is_empty(),
            "scripted faults never met: {}",
            unmet
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        changes
    }
}

/// Native users with at most `max_links` links, `n` of them.
pub fn native_users(env: &Env, max_links: u64, n: usize) -> Vec<String> {
    let users: Vec<String> = env
        .users()
        .into_iter()
        .filter(|u| {
            u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"].as_u64() <= Some(max_links)
        })
        .filter_map(|u| u["Username"].as_str().map(str::to_owned))
        .take(n)
        .collect();
    assert_eq!(users.len(), n, "the demo pool has {n} such users");
    users
}

/// A re-run of the batch `file` against a clean endpoint on `env`'s state plans every row
/// done (`rows` of them) and sends nothing.
pub fn assert_rerun_sends_nothing(env: &Env, file: &Path, rows: usize) {
    let server = SimServer::start(&env.state(), Simulation::default());
    let again = remote(env, &server.url())
        .args(["batch", "--user-pool-id", &env.pool])
        .arg(file)
        .assert()
        .success();
    assert!(
        stdout(&again).contains(&format!(
            "Plan: 0 to link, {rows} already done, 0 refused before"
        )),
        "{}",
        stdout(&again)
    );
    assert!(server.stop().is_empty());
}
