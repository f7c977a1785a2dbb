//! Scale benchmarks of the headless commands: `cargo bench --bench scale` (1,000,000 users)
//! or `cargo bench --bench scale -- --quick` (100,000 users).
//!
//! 1. `coglink users --output json` of a basic pool (`sub` and `email`) and of a realistic one
//!    (`local serve --synthetic-users N --realistic`): the release binary against an
//!    endpoint in this process, list rate uncapped; wall time and the command's peak resident
//!    memory (`wait4` in a small runner process, see `run`), which must stay under 64 MiB
//!    whatever the pool's size.
//! 2. The TUI's user table loaded with every user of each pool: a fresh process lists the
//!    pool (partitioned, uncapped) and feeds each page to the real UI model as the worker
//!    does (`tui::headless`); its peak and final resident memory, and bytes per user.
//!    Targets at 1,000,000 users: basic under 300 MiB, realistic under 450 MiB.
//! 3. Duplicate grouping (`domain::find_duplicates`, by email and phone) of every user of the
//!    realistic pool, listed into memory first; target under 2 s at 1,000,000 users.
//! 4. `coglink users` against `aws cognito-idp list-users` (when `aws` is on PATH), 10,000
//!    basic users, same endpoint, output to /dev/null: medians of 7 alternated runs,
//!    each timed from its spawn to its end.
//!
//! Exits non-zero when a run fails or a figure misses its target.

mod common;

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use coglink::aws::listing::{self, ListingEvent, ListingPlan};
use coglink::aws::ops::Ops;
use coglink::aws::{ConnectOptions, Connection};
use coglink::cache::{CHUNK, store};
use coglink::domain::{GroupClass, MatchBy, UserRecord, find_duplicates};
use coglink::local::{
    LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, LocalOptions, LocalServer,
    SYNTHETIC_POOL_ID, Seed, Simulation,
};
use coglink::tui::headless::Headless;
use common::{cores, rss_kib};

const STREAMING_PEAK_TARGET_MIB: f64 = 64.0;
/// Peak of the TUI holding 1,000,000 users (scaled down with the pool's size).
const TUI_BASIC_TARGET_MIB: f64 = 300.0;
const TUI_REALISTIC_TARGET_MIB: f64 = 450.0;
/// Grouping 1,000,000 users into duplicates (scaled down with the pool's size).
const GROUPING_TARGET_S: f64 = 2.0;
const AWS_CLI_SPEEDUP_TARGET: f64 = 20.0;
const AWS_CLI_USERS: usize = 10_000;
const AWS_CLI_RUNS: usize = 7;
/// Reopening a pool from its cache: the table usable (a frame showing cached users).
const REOPEN_TARGET_MS: f64 = 1000.0;

/// What a finished child used.
struct Ran {
    wall: Duration,
    peak_mib: f64,
    ok: bool,
}

/// Runs `cmd` to the end (stdout to /dev/null) through a fresh, small copy of this bench
/// (`--measure`), and reads the command's wall time and peak RSS from there (`wait4`). A
/// child's peak counts the memory of the process that forked it, so the fork must not come
/// from this process, which holds the endpoint's pool; the runner's own start-up is no part
/// of the command's time.
fn run(cmd: &Command) -> Ran {
    let out = Command::new(std::env::current_exe().expect("bench path"))
        .arg("--measure")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .expect("runner starts");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let (peak_kib, wall_us) = (field("PEAK_KIB"), field("WALL_US"));
    let ok = out.status.success() && peak_kib.is_some() && wall_us.is_some();
    if !ok {
        eprintln!(
            "child failed ({}): {cmd:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ran {
        wall: Duration::from_micros(wall_us.unwrap_or(0)),
        peak_mib: peak_kib.unwrap_or(0) as f64 / 1024.0,
        ok,
    }
}

/// `--measure PROGRAM ARGS...`: runs it with stdout to /dev/null and prints `PEAK_KIB n`
/// and `WALL_US n` (from the spawn to the end); exits with its status.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which `Child::wait` cannot replace
fn measure(args: &[String]) -> ExitCode {
    let Some((program, rest)) = args.split_first() else {
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let child = Command::new(program)
        .args(rest)
        .stdout(Stdio::null())
        .spawn()
        .expect("child starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data filled by the kernel; `pid` is our own child, waited once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    drop(child);
    println!("PEAK_KIB {}", usage.ru_maxrss);
    println!("WALL_US {}", wall.as_micros());
    if waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn start(rt: &tokio::runtime::Runtime, seed: Seed) -> LocalServer {
    rt.block_on(LocalServer::start(LocalOptions {
        port: 0,
        state_file: None,
        seed,
        simulation: Simulation::default(),
    }))
    .expect("endpoint starts")
}

fn coglink_users(url: &str) -> Command {
    let mut cmd = coglink_command(url);
    cmd.args(["users", "--user-pool-id", SYNTHETIC_POOL_ID])
        .args(["--output", "json"]);
    cmd
}

/// The release binary on the endpoint at `url`, list rate uncapped, with its own state.
fn coglink_command(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coglink"));
    let dir = std::env::temp_dir().join("coglink-scale-bench");
    cmd.env("XDG_STATE_HOME", &dir)
        .env("XDG_CONFIG_HOME", &dir)
        .env("XDG_CACHE_HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", LOCAL_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", LOCAL_SECRET_ACCESS_KEY)
        .args(["--endpoint-url", url, "--region", LOCAL_REGION])
        .args(["--list-rate", "1000000"]);
    cmd
}

fn aws_list_users(url: &str) -> Command {
    let mut cmd = Command::new("aws");
    cmd.env("AWS_ACCESS_KEY_ID", LOCAL_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", LOCAL_SECRET_ACCESS_KEY)
        .env("AWS_PAGER", "")
        .args(["--endpoint-url", url, "--region", LOCAL_REGION])
        .args([
            "cognito-idp",
            "list-users",
            "--user-pool-id",
            SYNTHETIC_POOL_ID,
        ])
        .args(["--output", "json"]);
    cmd
}

fn has_aws_cli() -> bool {
    Command::new("aws")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Writes a cache file of the realistic pool with `coglink snapshot` (the cache's format),
/// then opens the TUI's table from it in a fresh process (`--reopen`).
fn reopen_bench(rt: &tokio::runtime::Runtime, users: usize) -> bool {
    let server = start(rt, Seed::Realistic { users });
    let dir = std::env::temp_dir().join("coglink-scale-bench");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("reopen-cache.jsonl");
    let mut snapshot = coglink_command(&server.endpoint_url());
    snapshot.args(["snapshot", "--user-pool-id", SYNTHETIC_POOL_ID, "-o"]);
    snapshot.arg(&file);
    let wrote = snapshot.stdout(Stdio::null()).status();
    rt.block_on(server.shutdown());
    if !wrote.is_ok_and(|s| s.success()) {
        eprintln!("reopen: the snapshot failed");
        return false;
    }
    let size = std::fs::metadata(&file).map_or(0, |m| m.len());
    let count = users.to_string();
    let fields = child_result(
        "reopen",
        &["--reopen".as_ref(), file.as_ref(), count.as_ref()],
    );
    let _ = std::fs::remove_file(&file);
    let Some(&[usable_ms, all_ms, peak_kib]) = fields.as_deref() else {
        return false;
    };
    let met = usable_ms < REOPEN_TARGET_MS;
    println!(
        "Reopening the TUI's table of {users} realistic users from its cache ({:.0} MB): usable in {usable_ms:.0} ms (target < {REOPEN_TARGET_MS} ms: {}), every user in {:.2} s, peak {:.1} MiB",
        size as f64 / 1e6,
        if met { "met" } else { "MISSED" },
        all_ms / 1e3,
        peak_kib / 1024.0
    );
    met
}

/// Runs this bench again in one of its child modes (`--tui-load`, `--reopen`, `--group`)
/// and returns the numbers of the `RESULT` line it prints; `None`, with what the child
/// said, when it printed none.
fn child_result(part: &str, args: &[&std::ffi::OsStr]) -> Option<Vec<f64>> {
    let out = Command::new(std::env::current_exe().expect("bench path"))
        .args(args)
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let fields = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .map(|l| l.split(' ').filter_map(|v| v.parse().ok()).collect());
    if fields.is_none() {
        eprintln!(
            "{part}: child failed:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fields
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Lists the pool at `url` (partitioned, uncapped) and hands each page to `on_page`.
/// What the TUI's worker hands the model while a pool is listed.
enum Delivery {
    /// DescribeUserPool's estimate, asked for beside the first page.
    Described(Option<i32>),
    Page(Vec<UserRecord>),
}

fn each_page(url: &str, mut on_page: impl FnMut(Delivery)) -> Result<(), String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let conn = Connection::open(&ConnectOptions {
            region: Some(LOCAL_REGION.into()),
            endpoint_url: Some(url.to_owned()),
            static_credentials: Some((LOCAL_ACCESS_KEY_ID.into(), LOCAL_SECRET_ACCESS_KEY.into())),
            label: Some("local".into()),
            ..ConnectOptions::default()
        })
        .await;
        let plan = ListingPlan::partitioned(SYNTHETIC_POOL_ID, 16, None);
        let ops = Ops::new(conn.client, conn.target);
        let mut events = listing::start(ops.clone(), plan);
        let estimate = ops.estimated_users(SYNTHETIC_POOL_ID).await;
        on_page(Delivery::Described(estimate.map_err(|f| f.to_string())?));
        while let Some(event) = events.recv().await {
            match event {
                ListingEvent::Page { users } => on_page(Delivery::Page(users)),
                ListingEvent::Retrying { .. } => {}
                ListingEvent::Finished(_) => return Ok(()),
                ListingEvent::Failed(f) => return Err(f.to_string()),
            }
        }
        Err("the listing stopped without an end".to_owned())
    })
}

/// `--tui-load URL USERS`: lists the pool into the UI model page by page and prints
/// `RESULT wall_ms peak_kib held_kib base_kib`.
fn tui_load(args: &[String]) -> ExitCode {
    let [url, expected] = args else {
        return ExitCode::FAILURE;
    };
    let expected: usize = expected.parse().expect("user count");
    let mut ui = Headless::loading(SYNTHETIC_POOL_ID, (120, 35));
    let base = rss_kib();
    let started = Instant::now();
    let loaded = each_page(url, |delivery| match delivery {
        Delivery::Described(estimate) => ui.described(estimate),
        Delivery::Page(users) => ui.page(users, true),
    });
    ui.page(Vec::new(), false);
    let wall = started.elapsed();
    if let Err(e) = loaded {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if ui.total() != expected {
        eprintln!("loaded {} users, expected {expected}", ui.total());
        return ExitCode::FAILURE;
    }
    println!(
        "RESULT {} {} {} {base}",
        wall.as_millis(),
        common::peak_kib(),
        rss_kib()
    );
    ExitCode::SUCCESS
}

/// `--reopen FILE USERS`: opens the TUI's table from the cache file `FILE` as the worker's
/// cache thread reads it (`cache::store::read`, in chunks of `CHUNK`) and prints
/// `RESULT usable_ms all_ms peak_kib`: the first frame showing users, and every user held.
fn reopen(args: &[String]) -> ExitCode {
    let [file, expected] = args else {
        return ExitCode::FAILURE;
    };
    let expected: usize = expected.parse().expect("user count");
    let started = Instant::now();
    let mut ui = Headless::loading(SYNTHETIC_POOL_ID, (120, 35));
    // The worker asks for DescribeUserPool as it opens the cache; here, offline, its answer
    // is the pool's size, given first (over a network it comes some chunks in).
    ui.described(i32::try_from(expected).ok());
    let mut usable = None;
    let read = store::read(
        std::path::Path::new(file),
        SYNTHETIC_POOL_ID,
        CHUNK,
        |_, users| {
            let some = !users.is_empty();
            ui.cache_opened(users, Duration::from_secs(60));
            if some && usable.is_none() {
                ui.draw();
                if ui.screen().iter().any(|l| l.contains("cached")) {
                    usable = Some(started.elapsed());
                }
            }
            Ok(())
        },
    );
    let all = started.elapsed();
    match read {
        Ok(Some(opening)) if opening.users == expected && ui.total() == expected => {}
        other => {
            eprintln!("the cache gave {other:?}, the table {} users", ui.total());
            return ExitCode::FAILURE;
        }
    }
    let Some(usable) = usable else {
        eprintln!("no frame showed the cached table");
        return ExitCode::FAILURE;
    };
    println!(
        "RESULT {} {} {}",
        usable.as_secs_f64() * 1e3,
        all.as_secs_f64() * 1e3,
        common::peak_kib()
    );
    ExitCode::SUCCESS
}

/// `--group URL USERS`: lists the pool into memory, then times `find_duplicates` and prints
/// `RESULT ms groups mergeable`.
fn group(args: &[String]) -> ExitCode {
    let [url, expected] = args else {
        return ExitCode::FAILURE;
    };
    let expected: usize = expected.parse().expect("user count");
    let mut users = Vec::with_capacity(expected);
    let listed = each_page(url, |delivery| {
        if let Delivery::Page(page) = delivery {
            users.extend(page);
        }
    });
    if let Err(e) = listed {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if users.len() != expected {
        eprintln!("listed {} users, expected {expected}", users.len());
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let groups = find_duplicates(&users, &[MatchBy::Email, MatchBy::Phone]);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let mergeable = groups
        .iter()
        .filter(|g| g.class == GroupClass::Mergeable)
        .count();
    println!("RESULT {ms} {} {mergeable}", groups.len());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--measure") {
        return measure(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "--tui-load") {
        return tui_load(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "--group") {
        return group(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "--reopen") {
        return reopen(&args[1..]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let users = if quick { 100_000 } else { 1_000_000 };
    // `-- users`, `-- tui`, `-- group`, `-- aws`: only those parts.
    let parts: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |part: &str| parts.is_empty() || parts.contains(&part);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut ok = true;
    println!("Scale benchmarks (release build, {} cores)", cores());
    if wanted("users") {
        println!("`users --output json`, {users} users, list rate uncapped:");
        for (name, seed) in [
            ("basic", Seed::Synthetic { users }),
            ("realistic", Seed::Realistic { users }),
        ] {
            let t = Instant::now();
            let server = start(&rt, seed);
            let seeded = t.elapsed();
            let ran = run(&coglink_users(&server.endpoint_url()));
            rt.block_on(server.shutdown());
            let within = ran.peak_mib < STREAMING_PEAK_TARGET_MIB;
            ok &= ran.ok && within;
            println!(
                "  {name:<9} {:>7.2} s wall, peak {:>6.1} MiB (target < {STREAMING_PEAK_TARGET_MIB} MiB: {}) [pool seeded in {seeded:.1?}]",
                ran.wall.as_secs_f64(),
                ran.peak_mib,
                if within { "met" } else { "MISSED" }
            );
        }
    }
    if wanted("tui") {
        println!("The TUI's table holding {users} users (listed partitioned, uncapped):");
        for (name, seed, target) in [
            ("basic", Seed::Synthetic { users }, TUI_BASIC_TARGET_MIB),
            (
                "realistic",
                Seed::Realistic { users },
                TUI_REALISTIC_TARGET_MIB,
            ),
        ] {
            let target = target * users as f64 / 1e6;
            let server = start(&rt, seed);
            let (url, count) = (server.endpoint_url(), users.to_string());
            let fields = child_result(name, &["--tui-load".as_ref(), url.as_ref(), count.as_ref()]);
            rt.block_on(server.shutdown());
            let Some(&[wall_ms, peak_kib, held_kib, base_kib]) = fields.as_deref() else {
                ok = false;
                continue;
            };
            let peak_mib = peak_kib / 1024.0;
            let met = peak_mib < target;
            ok &= met;
            println!(
                "  {name:<9} loaded in {:>6.2} s, peak {peak_mib:>6.1} MiB (target < {target:.0} MiB: {}), held {:.1} MiB, {:.0} bytes per user",
                wall_ms / 1e3,
                if met { "met" } else { "MISSED" },
                held_kib / 1024.0,
                (held_kib - base_kib) * 1024.0 / users as f64
            );
        }
    }
    if wanted("group") {
        let server = start(&rt, Seed::Realistic { users });
        let (url, count) = (server.endpoint_url(), users.to_string());
        let fields = child_result(
            "grouping",
            &["--group".as_ref(), url.as_ref(), count.as_ref()],
        );
        rt.block_on(server.shutdown());
        match fields.as_deref() {
            Some(&[ms, groups, mergeable]) => {
                let target = GROUPING_TARGET_S * users as f64 / 1e6;
                let met = ms / 1e3 < target;
                ok &= met;
                println!(
                    "Duplicate grouping of {users} realistic users (email and phone): {:.2} s (target < {target:.2} s: {}), {groups} groups, {mergeable} mergeable",
                    ms / 1e3,
                    if met { "met" } else { "MISSED" }
                );
            }
            None => ok = false,
            Some(other) => {
                eprintln!("grouping: RESULT {other:?} is not `ms groups mergeable`");
                ok = false;
            }
        }
    }
    if wanted("reopen") {
        ok &= reopen_bench(&rt, users);
    }
    if !wanted("aws") {
    } else if has_aws_cli() {
        let server = start(
            &rt,
            Seed::Synthetic {
                users: AWS_CLI_USERS,
            },
        );
        let url = server.endpoint_url();
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..AWS_CLI_RUNS {
            let a = run(&coglink_users(&url));
            let b = run(&aws_list_users(&url));
            ok &= a.ok && b.ok;
            ours.push(a.wall);
            theirs.push(b.wall);
        }
        rt.block_on(server.shutdown());
        let (ours, theirs) = (median(ours), median(theirs));
        let speedup = theirs.as_secs_f64() / ours.as_secs_f64();
        let met = speedup >= AWS_CLI_SPEEDUP_TARGET;
        ok &= met;
        println!(
            "`users` against `aws cognito-idp list-users`, {AWS_CLI_USERS} users (medians of {AWS_CLI_RUNS} alternated runs): {:.3} s against {:.3} s, {speedup:.1}x (target {AWS_CLI_SPEEDUP_TARGET}x: {})",
            ours.as_secs_f64(),
            theirs.as_secs_f64(),
            if met { "met" } else { "MISSED" }
        );
    } else {
        println!(
            "`aws` is not on PATH: the comparison with `aws cognito-idp list-users` is skipped"
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
