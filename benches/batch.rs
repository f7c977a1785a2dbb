//! Batch linking throughput against the quota: `cargo bench --bench batch` (1,000 rows over
//! 2,000 users) or `cargo bench --bench batch -- --quick` (300 rows).
//!
//! The endpoint runs in this process (in memory, `Seed::Synthetic`, Google and Facebook
//! providers added) with 40 ms latency and Cognito's default per-category quotas
//! (`Quota::Defaults`): AdminLinkProviderForUser's category, UserUpdate, allows 25 RPS;
//! AdminGetUser (UserRead) 120 RPS. The release binary runs `coglink batch` against it: with
//! `--rate` at the quota, at twice the quota, and at the quota with planning reads at
//! `--read-rate 100` (default 50). Planning time is until the binary
//! says it starts sending (its "progress file:" line); sending time is what the binary reports
//! for the run. Afterwards every user is read back: each row's identity must be linked exactly
//! once, to its destination, and nothing else linked; otherwise the bench exits non-zero.

mod common;
#[path = "../tests/support/isolate.rs"]
mod isolate;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::IdentityProviderTypeType;
use coglink::aws::listing::{self, ListingEvent, ListingPlan};
use coglink::aws::ops::Ops;
use coglink::aws::{ConnectOptions, Connection};
use coglink::domain::UserRecord;
use coglink::local::{
    LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, LocalOptions, LocalServer,
    QUOTA_TABLE, Quota, SYNTHETIC_POOL_ID, Seed, Simulation, synthetic_username,
};
use common::cores;

const LATENCY_MS: u64 = 40;
const USERS: usize = 2_000;
const PROVIDERS: [IdentityProviderTypeType; 2] = [
    IdentityProviderTypeType::Google,
    IdentityProviderTypeType::Facebook,
];

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    let rows = if quick { 300 } else { 1_000 };
    let quota = QUOTA_TABLE
        .iter()
        .find(|(op, _, _)| format!("{op:?}") == "AdminLinkProviderForUser")
        .map(|r| r.2)
        .expect("AdminLinkProviderForUser has a quota");
    println!(
        "Batch of {rows} link rows over {USERS} users, {LATENCY_MS} ms latency, UserUpdate quota {quota} RPS (release build, {} cores)",
        cores()
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut ok = true;
    let mut results = Vec::new();
    for (name, rate, extra) in [
        ("--rate = quota", quota, &[][..]),
        ("--rate = 2 x quota", 2.0 * quota, &[][..]),
        ("--read-rate 100", quota, &["--read-rate", "100"][..]),
    ] {
        match rt.block_on(run_case(rows, rate, extra)) {
            Ok(r) => results.push((name, rate, r)),
            Err(e) => {
                eprintln!("{name}: {e}");
                ok = false;
            }
        }
    }
    println!();
    println!(
        "| {:<20} | {:>6} | {:>6} | {:>10} | {:>10} | {:>10} | {:>8} | {:>8} | {:>13} | {:>9} |",
        "run",
        "--rate",
        "rows",
        "planning s",
        "sending s",
        "wall s",
        "rows/s",
        "vs quota",
        "throttles s/p",
        "requests"
    );
    println!(
        "|{:-<22}|{:->8}|{:->8}|{:->12}|{:->12}|{:->12}|{:->10}|{:->10}|{:->15}|{:->11}|",
        "", "", "", "", "", "", "", "", "", ""
    );
    for (name, rate, r) in &results {
        let rps = r.rows as f64 / r.sending.as_secs_f64();
        println!(
            "| {:<20} | {:>6} | {:>6} | {:>10.2} | {:>10.2} | {:>10.2} | {:>8.2} | {:>7.1}% | {:>13} | {:>9} |",
            name,
            rate,
            r.rows,
            r.planning.as_secs_f64(),
            r.sending.as_secs_f64(),
            r.wall.as_secs_f64(),
            rps,
            100.0 * rps / quota,
            format!("{}/{}", r.throttled_sending, r.throttled_planning),
            r.requests
        );
    }
    println!(
        "throttles: counted by the endpoint while sending / while planning; requests: link requests the binary sent"
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

struct CaseResult {
    rows: usize,
    planning: Duration,
    sending: Duration,
    wall: Duration,
    throttled_planning: u64,
    throttled_sending: u64,
    requests: u64,
}

/// One row: destination username, source provider, subject.
type Link = (String, &'static str, String);

/// `n` rows over destinations spread through the pool, 1 to 5 links each, shuffled.
fn links(n: usize) -> Vec<Link> {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut out = Vec::with_capacity(n);
    let mut dest = 0;
    while out.len() < n {
        let count = (dest % 5 + 1).min(n - out.len());
        let user = synthetic_username((dest * 6 + 1) % USERS);
        for k in 0..count {
            let provider = PROVIDERS[k % PROVIDERS.len()].as_str();
            let subject: String = (0..18).map(|_| char::from(b'0' + rng.u8(0..10))).collect();
            out.push((user.clone(), provider, subject));
        }
        dest += 1;
    }
    rng.shuffle(&mut out);
    out
}

fn write_csv(path: &Path, links: &[Link]) -> std::io::Result<()> {
    let mut text = String::from(
        "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n",
    );
    for (user, provider, subject) in links {
        text.push_str(&format!(
            "Cognito,{user},{provider},Cognito_Subject,{subject}\n"
        ));
    }
    std::fs::write(path, text)
}

async fn connect(url: &str) -> Connection {
    Connection::open(&ConnectOptions {
        region: Some(LOCAL_REGION.into()),
        endpoint_url: Some(url.to_owned()),
        static_credentials: Some((LOCAL_ACCESS_KEY_ID.into(), LOCAL_SECRET_ACCESS_KEY.into())),
        label: Some("local".into()),
        ..ConnectOptions::default()
    })
    .await
}

async fn run_case(n: usize, rate: f64, extra: &[&str]) -> Result<CaseResult, String> {
    let server = LocalServer::start(LocalOptions {
        port: 0,
        state_file: None,
        seed: Seed::Synthetic { users: USERS },
        simulation: Simulation {
            latency: Duration::from_millis(LATENCY_MS),
            quota: Quota::Defaults,
            ..Simulation::default()
        },
    })
    .await
    .map_err(|e| e.to_string())?;
    let url = server.endpoint_url();
    let conn = connect(&url).await;
    for t in PROVIDERS {
        conn.client
            .create_identity_provider()
            .user_pool_id(SYNTHETIC_POOL_ID)
            .provider_name(t.as_str())
            .provider_type(t)
            .provider_details("client_id", "id")
            .provider_details("client_secret", "secret")
            .provider_details("authorize_scopes", "openid")
            .send()
            .await
            .map_err(|e| format!("creating a provider: {e:?}"))?;
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("links.csv");
    let links = links(n);
    write_csv(&file, &links).map_err(|e| e.to_string())?;
    let throttled_before = server.simulation_stats().throttled;

    let (planning, sending, wall, output, throttled_at_send, requests) = {
        let home = dir.path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coglink"));
        isolate::isolate(&mut cmd, home);
        cmd.env("AWS_ACCESS_KEY_ID", LOCAL_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", LOCAL_SECRET_ACCESS_KEY)
            .env("AWS_REGION", LOCAL_REGION)
            .args(["batch", "--user-pool-id", SYNTHETIC_POOL_ID])
            .args(["--endpoint-url", &url, "--rate", &rate.to_string()])
            .args(extra)
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|e| format!("spawning coglink: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let out_thread = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut BufReader::new(stdout), &mut s);
            s
        });
        // stderr line by line: the planning ends when the binary names the progress file.
        let stderr = BufReader::new(child.stderr.take().expect("piped"));
        let mut planning = None;
        let mut throttled_at_send = None;
        let mut sending = None;
        let mut requests = None;
        let mut err_text = String::new();
        for line in stderr.lines() {
            let Ok(line) = line else { break };
            if planning.is_none() && line.starts_with("progress file:") {
                planning = Some(started.elapsed());
                throttled_at_send = Some(server.simulation_stats().throttled);
            }
            // "1000 rows in 40.1 s (1003 requests, 24.9 rows/s)"
            if let Some((_, rest)) = line.split_once(" rows in ")
                && let Some((secs, _)) = rest.split_once(" s (")
            {
                sending = secs.parse::<f64>().ok().map(Duration::from_secs_f64);
                requests = rest
                    .split_once(" s (")
                    .and_then(|(_, r)| r.split_whitespace().next()?.parse::<u64>().ok());
            }
            err_text.push_str(&line);
            err_text.push('\n');
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        let wall = started.elapsed();
        let out = out_thread.join().unwrap_or_default();
        if !status.success() {
            return Err(format!(
                "coglink batch failed ({status}):\n{}\n{err_text}",
                out.lines().rev().take(5).collect::<Vec<_>>().join("\n")
            ));
        }
        let (Some(planning), Some(sending), Some(requests)) = (planning, sending, requests) else {
            return Err(format!("no planning/sending figures in:\n{err_text}"));
        };
        (
            planning,
            sending,
            wall,
            out,
            throttled_at_send.unwrap_or(0),
            requests,
        )
    };
    let journaled = journal_entries(dir.path())?;
    if journaled != n {
        return Err(format!("{journaled} journal entries for {n} rows"));
    }
    let done = format!("Done: {n} linked, 0 already done, 0 refused, 0 unresolved, 0 skipped");
    if !output.contains(&done) {
        return Err(format!(
            "expected {done:?}, got: {}",
            output.lines().last().unwrap_or("")
        ));
    }
    let throttled_after = server.simulation_stats().throttled;
    verify(&conn, &links).await?;
    server.shutdown().await;
    Ok(CaseResult {
        rows: n,
        planning,
        sending,
        wall,
        throttled_planning: throttled_at_send - throttled_before,
        throttled_sending: throttled_after - throttled_at_send,
        requests,
    })
}

/// Outcomes in the journal the binary wrote (one per row sent; each follows its intent,
/// the journal being written ahead).
fn journal_entries(home: &Path) -> Result<usize, String> {
    let journal = std::fs::read_to_string(home.join("state/coglink/journal.jsonl"))
        .map_err(|e| format!("no journal: {e}"))?;
    Ok(journal
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains(r#""status":"pending""#))
        .count())
}

/// Every row linked exactly once, to its destination; no other links in the pool.
async fn verify(conn: &Connection, links: &[Link]) -> Result<(), String> {
    let mut rx = listing::start(
        Ops::new(conn.client.clone(), conn.target.clone()),
        ListingPlan::sequential(SYNTHETIC_POOL_ID, None),
    );
    let mut users: Vec<UserRecord> = Vec::new();
    loop {
        match rx.recv().await {
            Some(ListingEvent::Page { users: page }) => users.extend(page),
            Some(ListingEvent::Retrying { .. }) => {}
            Some(ListingEvent::Finished(_)) => break,
            Some(ListingEvent::Failed(f)) => return Err(format!("reading back: {f}")),
            None => return Err("reading back stopped".into()),
        }
    }
    if users.len() != USERS {
        return Err(format!("read back {} users, not {USERS}", users.len()));
    }
    let mut found: HashMap<(String, String), Vec<String>> = HashMap::new();
    for u in &users {
        for i in u.identities_or_empty() {
            found
                .entry((i.provider_name.to_owned(), i.user_id.to_owned()))
                .or_default()
                .push(u.username().to_owned());
        }
    }
    let total: usize = found.values().map(Vec::len).sum();
    if total != links.len() {
        return Err(format!(
            "{total} identities linked in the pool, {} rows",
            links.len()
        ));
    }
    for (user, provider, subject) in links {
        let owners = found.get(&((*provider).to_owned(), subject.clone()));
        if owners.map(Vec::as_slice) != Some(std::slice::from_ref(user)) {
            return Err(format!(
                "{provider}:{subject} should be linked once to {user}, found on {owners:?}"
            ));
        }
    }
    Ok(())
}
