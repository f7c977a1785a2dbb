//! Terminal UI benchmarks: `cargo bench --bench tui` (100,000 users, 5 start-ups per case) or
//! `cargo bench --bench tui -- --quick` (20,000 users, 2 start-ups per case); `-- fuzzy` or
//! `-- startup` runs one part only; `-- --users N` sets the fuzzy part's number of users.
//!
//! 1. Fuzzy filter per keystroke: 100,000 generated users (names, emails, federated users,
//!    linked identities) are loaded into the real UI model (`tui::headless`, pages of 60 as
//!    the worker delivers them); queries are typed one key at a time through `update` with
//!    `Msg::Key`, exactly as the event loop does, and a frame is drawn after each key (into an
//!    off-screen buffer). Once per sort order. After every key the table is checked against a
//!    brute-force match of every user (count, order, every row matching) and the frame must
//!    show the selected row.
//! 2. Start-up: the release binary runs `coglink --local` in a tmux pane of 120×35. The app
//!    logs "first frame drawn after N ms" and "user table loaded after N ms" (timed from the
//!    first line of `main`); the bench also times, from spawning, when `tmux capture-pane`
//!    first shows the header and the loaded table.
//!
//! 3. Paste (`-- paste`): a value of 131,072 characters (the model's limit) and one of
//!    131,073 pasted into the link form's destination value, timed through `update` and the
//!    next frame; the screen must show the value's length, and the longer one refused.
//!
//! Exits non-zero when a check fails or a figure misses its target (16 ms per keystroke,
//! 50 ms to the first frame).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use coglink::domain::UserRecord;
use coglink::local::DEMO_POOL_ID;
use coglink::tui::headless::{Headless, haystack};
use common::{Spread, cores};

const KEYSTROKE_TARGET_MS: f64 = 16.0;
const FIRST_FRAME_TARGET_MS: f64 = 50.0;
/// A sort change of 1,000,000 users, key to frame.
const SORT_TARGET_MS: f64 = 300.0;
const SIZE: (u16, u16) = (120, 35);

/// What is typed: text, or `<` for a backspace.
const SCRIPT: &[&str] = &[
    "ingrid.s", "<<<<<<<<", "gmail", "<<<<<", "zzqx", "<<<<", "google 1", "<<<<<<<<", "'acme",
    "<<<<<",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let (mut users, startups) = if quick { (20_000, 2) } else { (100_000, 5) };
    // `--users N` sets the fuzzy part's pool size (e.g. 1000000).
    if let Some(n) = args
        .iter()
        .position(|a| a == "--users")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
    {
        users = n;
    }
    println!(
        "TUI benchmarks (release build, {} cores, {}x{} terminal)",
        cores(),
        SIZE.0,
        SIZE.1
    );
    // `-- fuzzy` or `-- startup` runs one part only.
    let only = |part: &str| {
        !args
            .iter()
            .any(|a| ["fuzzy", "startup", "paste", "sort"].contains(&a.as_str()))
            || args.iter().any(|a| a == part)
    };
    let mut ok = true;
    if only("fuzzy") {
        ok &= fuzzy_bench(users);
    }
    if only("startup") {
        ok &= startup_bench(startups);
    }
    if only("paste") {
        ok &= paste_bench();
    }
    if only("sort") {
        ok &= sort_bench(users);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---------------------------------------------------------------------------------------
// Sort changes

/// Loads `n` users, then presses `s` (load order → username → link count → load order)
/// `ROUNDS` times round; the time from each key to its frame drawn, per order, and a check
/// that each order holds every user in order.
fn sort_bench(n: usize) -> bool {
    const ROUNDS: usize = 3;
    let users = generate_users(n);
    let mut h = Headless::with_users(DEMO_POOL_ID, users, 60, SIZE);
    h.draw();
    let mut ok = true;
    let mut times: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    for _ in 0..ROUNDS * 3 {
        let t = Instant::now();
        h.key(key(KeyCode::Char('s')));
        h.draw();
        let took = t.elapsed();
        let label = h.sort_label();
        match times.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => v.push(took),
            None => times.push((label, vec![took])),
        }
        if h.rows().len() != n {
            eprintln!("{label}: {} rows, expected {n}", h.rows().len());
            ok = false;
        }
        let rows: Vec<&UserRecord> = h.rows().collect();
        let in_order = rows.windows(2).all(|w| match label {
            "username" => fold(w[0].username()) <= fold(w[1].username()),
            "link count" => {
                (std::cmp::Reverse(w[0].link_count()), fold(w[0].username()))
                    <= (std::cmp::Reverse(w[1].link_count()), fold(w[1].username()))
            }
            _ => true,
        });
        if !in_order {
            eprintln!("{label}: rows out of order");
            ok = false;
        }
    }
    println!();
    println!(
        "Sort change (`s`), {n} users, key to frame drawn, ms min / median / max of {ROUNDS}:"
    );
    for (label, v) in &times {
        if let Some(s) = Spread::of(v) {
            let met = *label == "load order" || s.max < SORT_TARGET_MS;
            ok &= met;
            println!(
                "  {label:<10} {:>7.1} {:>7.1} {:>7.1}  (target < {SORT_TARGET_MS} ms: {})",
                s.min,
                s.median,
                s.max,
                if met { "met" } else { "MISSED" }
            );
        }
    }
    ok
}

// ---------------------------------------------------------------------------------------
// Paste of a large value into the link form

/// Pastes `len` characters into the destination value of a fresh link form; the time of
/// the paste's `update` and of the next frame, and the frame.
fn paste_once(len: usize) -> (Duration, Duration, Vec<String>) {
    let users = vec![UserRecord::new(
        "alice".into(),
        "CONFIRMED".into(),
        true,
        vec![("sub".into(), "sub-alice".into())],
        None,
        None,
    )];
    let mut ui = Headless::with_users(DEMO_POOL_ID, users, 60, SIZE);
    ui.key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE));
    ui.key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    // Empty the prefilled username, then paste.
    for _ in 0.."alice".len() {
        ui.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }
    let text: String = "x".repeat(len);
    let start = Instant::now();
    ui.paste(&text);
    let pasted = start.elapsed();
    let start = Instant::now();
    ui.draw();
    let drawn = start.elapsed();
    (pasted, drawn, ui.screen())
}

fn paste_bench() -> bool {
    println!("\nPaste into the link form (release build):");
    let mut ok = true;
    for len in [1_000, 10_000, 131_072, 131_073] {
        let (pasted, drawn, screen) = paste_once(len);
        println!(
            "  {len:>7} characters: update {:>9.2} ms, next frame {:>7.2} ms",
            pasted.as_secs_f64() * 1000.0,
            drawn.as_secs_f64() * 1000.0
        );
        let text = screen.join("\n");
        if len > 131_072 && !text.contains("at most 131072") {
            println!("  FAIL: the value over the limit is not refused on screen");
            ok = false;
        }
    }
    ok
}

// ---------------------------------------------------------------------------------------
// Fuzzy filter per keystroke

const GIVEN: &[&str] = &[
    "ingrid", "anna", "lars", "sofia", "mohammed", "wei", "olga", "james", "maria", "carlos",
    "yuki", "fatima", "peter", "elena", "david", "chloe", "ahmed", "lena", "tomas", "grace",
    "ivan", "nora", "luca", "amara", "jonas", "mei", "omar", "sara", "ingmar", "isabel",
];
const FAMILY: &[&str] = &[
    "svensson",
    "smith",
    "schmidt",
    "nguyen",
    "garcia",
    "kowalski",
    "rossi",
    "tanaka",
    "okafor",
    "silva",
    "johansson",
    "muller",
    "dubois",
    "ivanova",
    "kim",
    "patel",
    "novak",
    "sato",
    "larsen",
    "sorensen",
    "stein",
    "singh",
    "costa",
    "berg",
    "haddad",
    "weber",
    "moreau",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "hotmail.com",
    "acme.io",
    "example.org",
    "globex.com",
    "initech.net",
];
const PROVIDERS: &[(&str, &str)] = &[
    ("Google", "Google"),
    ("Facebook", "Facebook"),
    ("CorpSAML", "SAML"),
    ("Okta", "OIDC"),
    ("SignInWithApple", "SignInWithApple"),
];

fn uuid(rng: &mut fastrand::Rng) -> String {
    let h = |rng: &mut fastrand::Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0'))
            .collect()
    };
    format!(
        "{}-{}-4{}-{}-{}",
        h(rng, 8),
        h(rng, 4),
        h(rng, 3),
        h(rng, 4),
        h(rng, 12)
    )
}

fn provider_id(rng: &mut fastrand::Rng, kind: &str, email: &str) -> String {
    match kind {
        "Google" => (0..21).map(|_| char::from(b'0' + rng.u8(0..10))).collect(),
        "Facebook" => (0..16).map(|_| char::from(b'0' + rng.u8(0..10))).collect(),
        "SAML" => email.to_owned(),
        _ => uuid(rng),
    }
}

fn identity_json(provider: &str, kind: &str, user_id: &str, primary: bool) -> String {
    format!(
        r#"{{"userId":"{user_id}","providerName":"{provider}","providerType":"{kind}","issuer":null,"primary":{primary},"dateCreated":1700000000000}}"#
    )
}

/// Realistic users (unique usernames and emails): 55% `first.last` usernames, 20% UUID usernames (email as alias), 25%
/// federated (`Google_…` etc.); 15% of the native users have 1–3 linked identities.
fn generate_users(n: usize) -> Vec<UserRecord> {
    let mut rng = fastrand::Rng::with_seed(0xC061);
    (0..n)
        .map(|i| {
            let given = GIVEN[rng.usize(..GIVEN.len())];
            let family = FAMILY[rng.usize(..FAMILY.len())];
            let domain = DOMAINS[rng.usize(..DOMAINS.len())];
            let email = format!("{given}.{family}{i}@{domain}");
            let sub = uuid(&mut rng);
            let mut attributes = vec![
                ("sub".to_owned(), sub.clone()),
                ("email".to_owned(), email.clone()),
                ("email_verified".to_owned(), "true".to_owned()),
                ("given_name".to_owned(), capitalize(given)),
                ("family_name".to_owned(), capitalize(family)),
                (
                    "name".to_owned(),
                    format!("{} {}", capitalize(given), capitalize(family)),
                ),
            ];
            if rng.u8(0..4) == 0 {
                attributes.push((
                    "phone_number".to_owned(),
                    format!("+4670{:07}", rng.u32(0..10_000_000)),
                ));
            }
            let kind = rng.u8(0..20);
            let (username, status, identities) = if kind < 5 {
                let (provider, ptype) = PROVIDERS[rng.usize(..PROVIDERS.len())];
                let id = provider_id(&mut rng, ptype, &email);
                (
                    format!("{provider}_{id}"),
                    "EXTERNAL_PROVIDER",
                    vec![identity_json(provider, ptype, &id, true)],
                )
            } else {
                let username = if kind < 9 {
                    sub.clone()
                } else {
                    format!("{given}.{family}{i}")
                };
                let links = if rng.u8(0..100) < 15 {
                    rng.usize(1..=3)
                } else {
                    0
                };
                let identities = (0..links)
                    .map(|k| {
                        let (provider, ptype) = PROVIDERS[k];
                        identity_json(
                            provider,
                            ptype,
                            &provider_id(&mut rng, ptype, &email),
                            false,
                        )
                    })
                    .collect();
                (username, "CONFIRMED", identities)
            };
            if !identities.is_empty() {
                attributes.push(("identities".into(), format!("[{}]", identities.join(","))));
            }
            let created = 1_600_000_000.0 + f64::from(rng.u32(0..100_000_000));
            UserRecord::new(
                username,
                status.into(),
                rng.u8(0..50) != 0,
                attributes,
                Some(created),
                Some(created),
            )
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The keys of the script, each with the query expected after it.
fn script_keys() -> Vec<(KeyEvent, String)> {
    let mut query = String::new();
    let mut keys = Vec::new();
    for part in SCRIPT {
        for c in part.chars() {
            if c == '<' {
                query.pop();
                keys.push((key(KeyCode::Backspace), query.clone()));
            } else {
                query.push(c);
                keys.push((key(KeyCode::Char(c)), query.clone()));
            }
        }
    }
    keys
}

/// Every user's score for `query` by a fresh pattern over all haystacks (no narrowing).
fn brute_force(haystacks: &[nucleo_matcher::Utf32String], query: &str) -> Vec<Option<u32>> {
    if query.trim().is_empty() {
        return vec![Some(0); haystacks.len()];
    }
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    haystacks
        .iter()
        .map(|h| pattern.score(h.slice(..), &mut matcher))
        .collect()
}

fn fold(name: &str) -> Vec<u8> {
    name.bytes().map(|c| c.to_ascii_lowercase()).collect()
}

/// Checks the table after a key against a brute-force match; `Err` says what is wrong.
fn check_view(h: &Headless, haystacks: &[nucleo_matcher::Utf32String]) -> Result<usize, String> {
    let scores = brute_force(haystacks, h.query());
    let expected = scores.iter().filter(|s| s.is_some()).count();
    let index: std::collections::HashMap<&str, usize> = h
        .users()
        .enumerate()
        .map(|(i, u)| (u.username(), i))
        .collect();
    let rows: Vec<usize> = h.rows().map(|u| index[u.username()]).collect();
    if rows.len() != expected {
        return Err(format!(
            "query {:?}: {} rows, brute force matches {expected}",
            h.query(),
            rows.len()
        ));
    }
    if let Some(&bad) = rows.iter().find(|&&i| scores[i].is_none()) {
        return Err(format!("query {:?}: row {bad} does not match", h.query()));
    }
    let users: Vec<&UserRecord> = h.users().collect();
    let sorted = match h.sort_label() {
        "username" => rows.windows(2).all(|w| {
            let (a, b) = (users[w[0]], users[w[1]]);
            (fold(a.username()), &a.username()) <= (fold(b.username()), &b.username())
        }),
        "link count" => rows
            .windows(2)
            .all(|w| users[w[0]].link_count() >= users[w[1]].link_count()),
        _ if h.query().trim().is_empty() => rows.windows(2).all(|w| w[0] < w[1]),
        _ => rows.windows(2).all(|w| scores[w[0]] >= scores[w[1]]),
    };
    if !sorted {
        return Err(format!(
            "query {:?}: rows not in {} order",
            h.query(),
            h.sort_label()
        ));
    }
    if let Some(selected) = h.selected_user() {
        let name: String = selected.username().chars().take(12).collect();
        if !h.screen().iter().any(|l| l.contains(&name)) {
            return Err(format!(
                "query {:?}: the frame does not show the selected row {name}:\n{}",
                h.query(),
                h.screen().join("\n")
            ));
        }
    } else if !rows.is_empty() {
        return Err(format!("query {:?}: rows but no selection", h.query()));
    }
    Ok(expected)
}

struct KeystrokeRow {
    sort: &'static str,
    sort_key: Duration,
    update: Spread,
    total: Spread,
    complete: Spread,
    frame: Spread,
    misses: usize,
    matches_ingrid: usize,
}

fn fuzzy_bench(n: usize) -> bool {
    let t = Instant::now();
    let users = generate_users(n);
    let haystacks: Vec<_> = users.iter().map(haystack).collect();
    eprintln!("generated {n} users in {:.2?}", t.elapsed());
    let keys = script_keys();
    let mut ok = true;
    let mut table = Vec::new();
    for sorts in 0..3 {
        let t = Instant::now();
        let mut h = Headless::with_users(DEMO_POOL_ID, users.clone(), 60, SIZE);
        eprintln!(
            "loaded {} users in 60-user pages in {:.2?}",
            h.total(),
            t.elapsed()
        );
        // The check reads the frame: draw the loaded table once (the sorts below redraw it).
        h.draw();
        let mut sort_key = Duration::ZERO;
        for _ in 0..sorts {
            let t = Instant::now();
            h.key(key(KeyCode::Char('s')));
            h.draw();
            sort_key = t.elapsed();
        }
        if let Err(e) = check_view(&h, &haystacks) {
            eprintln!("{e}");
            ok = false;
        }
        h.key(key(KeyCode::Char('/')));
        h.draw();
        let (mut updates, mut totals, mut completes, mut frames) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut matches_ingrid = 0;
        for (k, query) in &keys {
            let t = Instant::now();
            h.key(*k);
            let updated = t.elapsed();
            h.draw();
            let drawn = t.elapsed();
            updates.push(updated);
            totals.push(drawn);
            frames.push(drawn);
            // The loop then sends FilterStep (one frame each) until the query is done.
            while h.filtering() {
                let f = Instant::now();
                h.filter_step();
                h.draw();
                frames.push(f.elapsed());
            }
            let complete = t.elapsed();
            completes.push(complete);
            if std::env::var_os("BENCH_VERBOSE").is_some() {
                eprintln!(
                    "{:<10} {:<10} key {:>6.2} ms, complete {:>6.2} ms {:>6} rows",
                    h.sort_label(),
                    format!("{:?}", h.query()),
                    drawn.as_secs_f64() * 1e3,
                    complete.as_secs_f64() * 1e3,
                    h.rows().len()
                );
            }
            if h.query() != query {
                eprintln!("query is {:?}, expected {query:?}", h.query());
                ok = false;
            }
            match check_view(&h, &haystacks) {
                Ok(count) if query == "ingrid.s" => matches_ingrid = count,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("{e}");
                    ok = false;
                }
            }
        }
        let misses = frames
            .iter()
            .filter(|d| d.as_secs_f64() * 1e3 >= KEYSTROKE_TARGET_MS)
            .count();
        let (Some(update), Some(total), Some(complete), Some(frame)) = (
            Spread::of(&updates),
            Spread::of(&totals),
            Spread::of(&completes),
            Spread::of(&frames),
        ) else {
            return false;
        };
        table.push(KeystrokeRow {
            sort: h.sort_label(),
            sort_key,
            update,
            total,
            complete,
            frame,
            misses,
            matches_ingrid,
        });
    }
    println!();
    println!(
        "Fuzzy filter, {n} users, {} keystrokes per sort ({}), ms min / median / p95 / max; hits: matches of \"ingrid.s\":",
        keys.len(),
        SCRIPT.join(" ")
    );
    println!(
        "| {:<10} | {:>10} | {:>26} | {:>26} | {:>26} | {:>26} | {:>7} | {:>6} |",
        "sort",
        "sort key",
        "key: update",
        "key: update + draw",
        "any frame (keys + steps)",
        "key to complete result",
        "frames",
        "hits"
    );
    println!(
        "|{:-<12}|{:->12}|{:->28}|{:->28}|{:->28}|{:->28}|{:->9}|{:->8}|",
        "", "", "", "", "", "", "", ""
    );
    let spread = |s: &Spread| {
        format!(
            "{:.2} / {:.2} / {:.2} / {:.2}",
            s.min, s.median, s.p95, s.max
        )
    };
    for r in &table {
        println!(
            "| {:<10} | {:>10} | {:>26} | {:>26} | {:>26} | {:>26} | {:>7} | {:>6} |",
            r.sort,
            if r.sort == "load order" {
                "-".to_owned()
            } else {
                format!("{:.2}", r.sort_key.as_secs_f64() * 1e3)
            },
            spread(&r.update),
            spread(&r.total),
            spread(&r.frame),
            spread(&r.complete),
            r.frame.n,
            r.matches_ingrid
        );
        if r.misses > 0 {
            eprintln!(
                "{}: {} frames over {KEYSTROKE_TARGET_MS} ms",
                r.sort, r.misses
            );
            ok = false;
        }
    }
    ok
}

// ---------------------------------------------------------------------------------------
// Start-up

struct Startup {
    /// From the log: first frame, table loaded (ms since the first line of main).
    logged_frame: f64,
    logged_loaded: Option<f64>,
    /// Observed through tmux, from spawning the pane.
    seen_frame: f64,
    seen_loaded: Option<f64>,
}

/// One start-up in a fresh tmux server; `state` is reused across calls when given.
fn startup_once(
    dir: &Path,
    run: usize,
    state: &Path,
    pool: Option<&str>,
) -> Result<Startup, String> {
    let exe = env!("CARGO_BIN_EXE_coglink");
    let home = dir.join(format!("home-{run}"));
    let socket = format!("coglink-bench-{}-{run}", std::process::id());
    let mut app = format!(
        "env -u AWS_PROFILE -u AWS_REGION HOME={home} XDG_STATE_HOME={home}/state XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data TERM=xterm-256color {exe} --local --local-state {state}",
        home = home.display(),
        state = state.display()
    );
    if let Some(pool) = pool {
        app.push_str(&format!(" --user-pool-id {pool}"));
    }
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
            .map_err(|e| format!("tmux: {e}"))
    };
    let loaded_re = regex::Regex::new(r"\d users · \d+ pages? · \d+\.\d s").expect("regex");
    let spawned = Instant::now();
    let out = tmux(&[
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "35",
        "-s",
        "bench",
        &app,
    ])?;
    if !out.status.success() {
        return Err(format!(
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let (mut seen_frame, mut seen_loaded) = (None, None);
    let deadline = spawned + Duration::from_secs(20);
    while Instant::now() < deadline {
        let out = tmux(&["capture-pane", "-p", "-t", "bench"])?;
        let screen = String::from_utf8_lossy(&out.stdout);
        let at = spawned.elapsed().as_secs_f64() * 1e3;
        if seen_frame.is_none() && screen.contains(" coglink │") {
            seen_frame = Some(at);
        }
        if seen_loaded.is_none() && loaded_re.is_match(&screen) {
            seen_loaded = Some(at);
        }
        if seen_frame.is_some() && (pool.is_none() || seen_loaded.is_some()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // Let the log line of the loaded table reach the file, then quit.
    std::thread::sleep(Duration::from_millis(150));
    let _ = tmux(&["send-keys", "-t", "bench", "q"]);
    let quit_deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < quit_deadline
        && tmux(&["has-session", "-t", "bench"]).is_ok_and(|o| o.status.success())
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = tmux(&["kill-server"]);
    let log = std::fs::read_to_string(home.join("state/coglink/coglink.log"))
        .map_err(|e| format!("no log file: {e}"))?;
    let logged = |prefix: &str| -> Option<f64> {
        log.lines()
            .find_map(|l| l.split_once(prefix))
            .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
    };
    let logged_frame = logged("first frame drawn after ")
        .ok_or_else(|| format!("no first-frame line in:\n{log}"))?;
    let logged_loaded = logged("user table loaded after ");
    if pool.is_some() {
        let users = log
            .lines()
            .find_map(|l| l.split_once(" ms: "))
            .and_then(|(_, r)| r.split_whitespace().next()?.parse::<usize>().ok());
        if logged_loaded.is_none() || seen_loaded.is_none() || users.is_none_or(|u| u == 0) {
            return Err(format!(
                "the demo pool's table was not seen loaded (seen {seen_loaded:?}, users {users:?}); log:\n{log}"
            ));
        }
    }
    Ok(Startup {
        logged_frame,
        logged_loaded,
        seen_frame: seen_frame.ok_or("the header never appeared in the pane")?,
        seen_loaded,
    })
}

fn startup_bench(runs: usize) -> bool {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: cannot measure the start-up");
        return false;
    }
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tempdir: {e}");
            return false;
        }
    };
    let cases: [(&str, bool, Option<&str>); 3] = [
        ("pool picker, new state file", true, None),
        ("pool picker, existing state file", false, None),
        ("demo pool (--user-pool-id)", false, Some(DEMO_POOL_ID)),
    ];
    let mut ok = true;
    let mut rows = Vec::new();
    let mut run = 0;
    for (name, fresh, pool) in cases {
        let mut results = Vec::new();
        for i in 0..runs {
            run += 1;
            let state: PathBuf = if fresh {
                dir.path().join(format!("fresh-{i}.json"))
            } else {
                dir.path().join("shared.json")
            };
            if !fresh && !state.exists() {
                // Seed it once so every measured run reads an existing file.
                if let Err(e) = startup_once(dir.path(), 1000 + run, &state, None) {
                    eprintln!("{name}: seeding run failed: {e}");
                    return false;
                }
            }
            match startup_once(dir.path(), run, &state, pool) {
                Ok(s) => results.push(s),
                Err(e) => {
                    eprintln!("{name}: {e}");
                    ok = false;
                }
            }
        }
        let ms = |f: fn(&Startup) -> Option<f64>| -> Option<Spread> {
            let v: Vec<Duration> = results
                .iter()
                .filter_map(f)
                .map(|x| Duration::from_secs_f64(x / 1e3))
                .collect();
            Spread::of(&v)
        };
        let frame = ms(|s| Some(s.logged_frame));
        if let Some(f) = frame
            && f.median >= FIRST_FRAME_TARGET_MS
        {
            eprintln!("{name}: first frame after {:.1} ms (median)", f.median);
            ok = false;
        }
        rows.push((
            name,
            frame,
            ms(|s| Some(s.seen_frame)),
            ms(|s| s.logged_loaded),
            ms(|s| s.seen_loaded),
        ));
    }
    println!();
    println!(
        "Start-up of the release binary, `coglink --local` in a 120x35 tmux pane, {runs} runs each, ms median (min-max):"
    );
    println!(
        "| {:<34} | {:>20} | {:>20} | {:>20} | {:>20} |",
        "case",
        "first frame (log)",
        "first frame (tmux)",
        "table loaded (log)",
        "table loaded (tmux)"
    );
    println!(
        "|{:-<36}|{:->22}|{:->22}|{:->22}|{:->22}|",
        "", "", "", "", ""
    );
    let cell = |s: &Option<Spread>| match s {
        Some(s) => format!("{:.1} ({:.1}-{:.1})", s.median, s.min, s.max),
        None => "-".into(),
    };
    for (name, a, b, c, d) in &rows {
        println!(
            "| {:<34} | {:>20} | {:>20} | {:>20} | {:>20} |",
            name,
            cell(a),
            cell(b),
            cell(c),
            cell(d)
        );
    }
    println!(
        "log: timed from the first line of main; tmux: from spawning the pane (includes tmux and exec)"
    );
    ok
}
