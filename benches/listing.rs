//! Full-pool listing benchmark: `cargo bench --bench listing` (100,000 users) or
//! `cargo bench --bench listing -- --quick` (10,000 users).
//!
//! `-- --million` lists 1,000,000 users partitioned against 40 ms latency and a 30 RPS quota
//! only (ideal 9.26 min; target within 1.05x); `-- --million --quota-scale K` multiplies the
//! quota (and the client's rate) by K to keep the run short, and reports the same ratio.
//!
//! This process runs the embedded local endpoint (in memory, `Seed::Synthetic`), once per
//! measurement, and re-executes itself as a child (`--child ...`) that lists the pool with
//! coglink's own client and listing code (`aws::listing`). The child reports its figures and
//! its peak resident memory (`VmHWM`), so the memory figure is the client's alone: it does
//! not include the endpoint or the seeded pool. Exits non-zero unless every measurement
//! returned exactly the pool's users.

mod common;

use std::collections::HashSet;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use coglink::aws::listing::{self, ListingEvent, ListingPlan};
use coglink::aws::ops::Ops;
use coglink::aws::{ConnectOptions, Connection};
use coglink::local::{
    LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, LocalOptions, LocalServer, Quota,
    SYNTHETIC_POOL_ID, Seed, Simulation,
};

use common::{cores, peak_kib};

const LATENCY_MS: u64 = 40;
const QUOTA_RPS: f64 = 30.0;
const PAGE: f64 = 60.0;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    if args.iter().any(|a| a == "--million") {
        let scale: f64 = args
            .iter()
            .position(|a| a == "--quota-scale")
            .and_then(|i| args.get(i + 1))
            .and_then(|k| k.parse().ok())
            .unwrap_or(1.0);
        return million(scale);
    }
    let users = if args.iter().any(|a| a == "--quick") {
        10_000
    } else {
        100_000
    };
    parent(users)
}

/// Within this much of the ideal time, a listing at the quota is as fast as it can be.
const IDEAL_RATIO_TARGET: f64 = 1.05;

/// 1,000,000 users, partitioned, 40 ms latency, the quota times `scale`.
fn million(scale: f64) -> ExitCode {
    const USERS: usize = 1_000_000;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let exe = std::env::current_exe().expect("own path");
    let rps = QUOTA_RPS * scale;
    let ideal = USERS as f64 / (PAGE * rps);
    println!(
        "Listing {USERS} users partitioned, {LATENCY_MS} ms latency, {rps} RPS quota (x{scale}), ideal {ideal:.1} s (release build, {} cores)",
        cores()
    );
    let t = Instant::now();
    let server = rt
        .block_on(LocalServer::start(LocalOptions {
            port: 0,
            state_file: None,
            seed: Seed::Synthetic { users: USERS },
            simulation: Simulation {
                latency: Duration::from_millis(LATENCY_MS),
                quota: Quota::Uniform(rps),
                ..Simulation::default()
            },
        }))
        .expect("endpoint starts");
    eprintln!("seeded in {:.2?}", t.elapsed());
    let out = Command::new(&exe)
        .args([
            "--child",
            "partitioned",
            &server.endpoint_url(),
            &USERS.to_string(),
            &rps.to_string(),
        ])
        .output()
        .expect("child runs");
    let server_throttled = server.simulation_stats().throttled;
    rt.block_on(server.shutdown());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .and_then(|l| parse_row("partitioned 16/16", l, server_throttled, Some(ideal)));
    let Some(row) = row else {
        eprintln!(
            "child failed ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        return ExitCode::FAILURE;
    };
    let ratio = row.wall.as_secs_f64() / ideal;
    let complete = out.status.success() && row.users == USERS as u64;
    print_table(std::slice::from_ref(&row));
    let met = ratio <= IDEAL_RATIO_TARGET;
    println!(
        "{:.3}x the ideal (target within {IDEAL_RATIO_TARGET}x: {})",
        ratio,
        if met { "met" } else { "MISSED" }
    );
    if complete && met {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One measurement's results, as the child prints them.
struct Row {
    name: String,
    wall: Duration,
    pages: u64,
    throttles: u64,
    retries: u64,
    users: u64,
    peak_kib: u64,
    server_throttled: u64,
    ideal: Option<f64>,
}

fn parent(users: usize) -> ExitCode {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let exe = std::env::current_exe().expect("own path");
    let quota = Simulation {
        latency: Duration::from_millis(LATENCY_MS),
        quota: Quota::Uniform(QUOTA_RPS),
        ..Simulation::default()
    };
    let ideal = users as f64 / (PAGE * QUOTA_RPS);
    let runs = [
        ("sequential", "sequential", Simulation::default(), None),
        (
            "partitioned 16/16",
            "partitioned",
            Simulation::default(),
            None,
        ),
        (
            "sequential, 40 ms + 30 RPS",
            "sequential",
            quota.clone(),
            Some(ideal),
        ),
        (
            "partitioned 16/16, 40 ms + 30 RPS",
            "partitioned",
            quota,
            Some(ideal),
        ),
    ];
    println!("Listing {users} users (release build, {} cores)", cores());
    let mut rows = Vec::new();
    let mut ok = true;
    for (name, mode, simulation, ideal) in runs {
        let max_rps = if ideal.is_some() {
            QUOTA_RPS.to_string()
        } else {
            "none".into()
        };
        let t = Instant::now();
        let server = rt
            .block_on(LocalServer::start(LocalOptions {
                port: 0,
                state_file: None,
                seed: Seed::Synthetic { users },
                simulation,
            }))
            .expect("endpoint starts");
        let seeded = t.elapsed();
        let out = Command::new(&exe)
            .args([
                "--child",
                mode,
                &server.endpoint_url(),
                &users.to_string(),
                &max_rps,
            ])
            .output()
            .expect("child runs");
        let server_throttled = server.simulation_stats().throttled;
        rt.block_on(server.shutdown());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().find_map(|l| l.strip_prefix("RESULT "));
        let Some(row) = line.and_then(|l| parse_row(name, l, server_throttled, ideal)) else {
            eprintln!(
                "{name}: child failed ({}):\n{stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            ok = false;
            continue;
        };
        eprintln!("{name}: seeded in {seeded:.2?}, listed in {:.2?}", row.wall);
        if !out.status.success() || row.users != users as u64 {
            eprintln!("{name}: expected {users} users, got {}", row.users);
            ok = false;
        }
        rows.push(row);
    }
    print_table(&rows);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse_row(name: &str, line: &str, server_throttled: u64, ideal: Option<f64>) -> Option<Row> {
    let f: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [wall_us, pages, throttles, retries, users, peak_kib] = f[..] else {
        return None;
    };
    Some(Row {
        name: name.to_owned(),
        wall: Duration::from_micros(wall_us),
        pages,
        throttles,
        retries,
        users,
        peak_kib,
        server_throttled,
        ideal,
    })
}

fn print_table(rows: &[Row]) {
    println!(
        "| {:<34} | {:>8} | {:>5} | {:>9} | {:>7} | {:>7} | {:>7} | {:>8} | {:>15} |",
        "listing",
        "wall s",
        "pages",
        "throttles",
        "retries",
        "users",
        "ideal s",
        "vs ideal",
        "client peak MiB"
    );
    println!(
        "|{:-<36}|{:->10}|{:->7}|{:->11}|{:->9}|{:->9}|{:->9}|{:->10}|{:->17}|",
        "", "", "", "", "", "", "", "", ""
    );
    for r in rows {
        let (ideal, ratio) = match r.ideal {
            Some(i) => (
                format!("{i:.1}"),
                format!("{:.3}x", r.wall.as_secs_f64() / i),
            ),
            None => ("-".into(), "-".into()),
        };
        println!(
            "| {:<34} | {:>8.2} | {:>5} | {:>9} | {:>7} | {:>7} | {:>7} | {:>8} | {:>15.1} |",
            r.name,
            r.wall.as_secs_f64(),
            r.pages,
            format!("{}/{}", r.throttles, r.server_throttled),
            r.retries,
            r.users,
            ideal,
            ratio,
            r.peak_kib as f64 / 1024.0
        );
    }
    println!("throttles: seen by the client / counted by the endpoint");
}

/// `--child <sequential|partitioned> <url> <users> <max_rps|none>`: lists the pool and prints
/// `RESULT wall_us pages throttles retries users peak_kib`.
fn child(args: &[String]) -> ExitCode {
    let [mode, url, expected, max_rps] = args else {
        eprintln!("usage: --child <sequential|partitioned> <url> <users> <max_rps|none>");
        return ExitCode::FAILURE;
    };
    let expected: usize = expected.parse().expect("user count");
    let max_rps: Option<f64> = max_rps.parse().ok();
    let plan = if mode == "partitioned" {
        ListingPlan::partitioned(SYNTHETIC_POOL_ID, 16, max_rps)
    } else {
        ListingPlan {
            max_rps,
            ..ListingPlan::sequential(SYNTHETIC_POOL_ID, None)
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let result = rt.block_on(async {
        let conn = Connection::open(&ConnectOptions {
            region: Some(LOCAL_REGION.into()),
            endpoint_url: Some(url.clone()),
            static_credentials: Some((LOCAL_ACCESS_KEY_ID.into(), LOCAL_SECRET_ACCESS_KEY.into())),
            label: Some("local".into()),
            ..ConnectOptions::default()
        })
        .await;
        let started = Instant::now();
        let mut rx = listing::start(Ops::new(conn.client, conn.target), plan);
        // Held like the UI holds them.
        let mut users = Vec::new();
        loop {
            match rx.recv().await {
                Some(ListingEvent::Page { users: page }) => users.extend(page),
                Some(ListingEvent::Retrying { .. }) => {}
                Some(ListingEvent::Finished(stats)) => {
                    return Ok((started.elapsed(), stats, users));
                }
                Some(ListingEvent::Failed(f)) => return Err(f.to_string()),
                None => return Err("listing stopped without an end event".into()),
            }
        }
    });
    let (wall, stats, users) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("listing failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let peak = peak_kib(); // before the check below adds its own set
    let distinct: HashSet<&str> = users.iter().map(|u| u.username()).collect();
    println!(
        "RESULT {} {} {} {} {} {}",
        wall.as_micros(),
        stats.pages,
        stats.throttles,
        stats.retries,
        distinct.len(),
        peak
    );
    if distinct.len() == expected && users.len() == expected {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} users, {} distinct, {expected} expected",
            users.len(),
            distinct.len()
        );
        ExitCode::FAILURE
    }
}
