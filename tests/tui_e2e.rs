//! End-to-end: the real binary in a detached tmux session against the embedded local
//! endpoint (`--local`). One test browses: picks the demo pool, waits for its users,
//! navigates, fuzzy-filters, opens a user's detail and checks its linked identity. The other
//! links a Google identity through the form and the review, sees the count go up, unlinks it
//! from the detail, sees the count go back, and reads both changes in the journal. Both quit
//! and check the process exited cleanly. Requires tmux (CI installs it): without it these
//! tests fail, on purpose.
//!
//! The expected user is read from the demo pool asset the binary embeds
//! (`assets/demo-pool.json`), so the test follows the seed when it changes. The tmux harness
//! is in `tui_e2e/app.rs`; issue 15's tests (copy, production guard) in `tui_e2e/issue15.rs`;
//! the pool cache's (`--cache`) in `tui_e2e/cache.rs`.

#[path = "support/hostile_cognito.rs"]
mod hostile_cognito;
#[path = "support/serve.rs"]
mod serve;
#[path = "support/journal.rs"]
mod support_journal;

#[path = "tui_e2e/app.rs"]
mod app;
#[path = "tui_e2e/cache.rs"]
mod cache;
#[path = "tui_e2e/issue15.rs"]
mod issue15;

use std::process::Command;
use std::time::{Duration, Instant};

use app::*;

#[test]
fn link_and_unlink_an_identity_then_find_both_in_the_journal() {
    let target = link_target_from_seed();
    let (n, name) = (target.links, target.username.as_str());
    let app = App::start(120, 35);
    let tmux = &app.tmux;
    app.open_pool(&target.pool_id, target.users);
    let screen = app.filter_to(name, target.users);
    assert!(
        selected_line(&screen).contains(&format!("{n}/5")),
        "{screen}"
    );

    // The form: Google (a letter jumps to it), then a fresh subject.
    let subject = format!("e2e{}", std::process::id());
    tmux.keys(&["l"]);
    tmux.wait_for(&format!("Link an identity to {name}"));
    tmux.wait_for("or a letter to choose");
    tmux.keys(&["G"]);
    tmux.wait_for("◀ Google ▶");
    tmux.keys(&["Tab", "Tab"]);
    tmux.type_text(&subject);
    tmux.wait_for(&subject);
    tmux.keys(&["Enter"]);

    // The review, with fresh counts; Tab to the Link button and press it.
    let screen = tmux.wait_for("Review AdminLinkProviderForUser");
    assert!(
        screen.contains(&format!("{n}/5 -> {}/5", n + 1)),
        "{screen}"
    );
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_until("n+1 links in the table", |s| {
        selected_line(s).contains(&format!("{}/5", n + 1)) && !s.contains("Review")
    });

    // The detail lists the new identity last; the cursor goes to it and u reviews unlinking.
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("user id {subject}"));
    tmux.keys(&["Tab"]);
    for _ in 0..n {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["u"]);
    let screen = tmux.wait_for("Review AdminDisableProviderForUser");
    assert!(screen.contains(&subject), "{screen}");
    assert!(
        screen.contains(&format!("{}/5 -> {n}/5", n + 1)),
        "{screen}"
    );
    tmux.keys(&["y"]);
    tmux.wait_until("n links again", |s| {
        selected_line(s).contains(&format!("{n}/5")) && !s.contains("Review")
    });
    app.quit();

    // Both changes are in the journal, from the TUI, with their outcome and counts.
    let journal = app.dir.path().join("state/coglink/journal.jsonl");
    let text = std::fs::read_to_string(&journal).expect("the journal exists");
    let entries = support_journal::outcomes(support_journal::lines(&journal));
    assert_eq!(entries.len(), 2, "{text}");
    let ops: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["AdminLinkProviderForUser", "AdminDisableProviderForUser"]
    );
    for (entry, (before, after)) in entries.iter().zip([(n, n + 1), (n + 1, n)]) {
        assert_eq!(entry["client"], "tui");
        assert_eq!(entry["outcome"]["status"], "ok", "{entry}");
        assert_eq!(entry["user"], name);
        assert_eq!(entry["counts"]["before"], before, "{entry}");
        assert_eq!(entry["counts"]["after"], after, "{entry}");
        assert!(entry["request"].to_string().contains(&subject), "{entry}");
    }
}

#[test]
fn browse_filter_and_open_a_user_in_the_local_pool() {
    let expected = expected_from_seed();
    let app = App::start(120, 35);
    let tmux = &app.tmux;
    let screen = app.open_pool(&expected.pool_id, expected.users);
    assert!(
        screen.contains("Username") && screen.contains("Links"),
        "{screen}"
    );

    // Navigation: j moves, k comes back, G goes to the end, g to the top.
    let first = selected_line(&screen);
    tmux.keys(&["j"]);
    let second = tmux.wait_until("j", |s| selected_line(s) != first);
    let second = selected_line(&second);
    tmux.keys(&["j", "k"]);
    tmux.wait_until("j k", |s| selected_line(s) == second);
    tmux.keys(&["G"]);
    tmux.wait_until("G", |s| {
        let line = selected_line(s);
        line != first && line != second
    });
    tmux.keys(&["g"]);
    tmux.wait_until("g", |s| selected_line(s) == first);

    // Fuzzy filter down to the expected user.
    app.filter_to(&expected.username, expected.users);

    // Detail: the linked identity, as the pool stores it.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Linked identities");
    tmux.wait_until("the linked identity", |s| {
        s.contains(&expected.provider) && s.contains(&expected.user_id)
    });
    assert!(screen.contains(&expected.username), "{screen}");

    app.quit();
}

/// `--listing partitioned`: the table fills from 16 `sub` partitions at once, holds every
/// user once (the count matches the pool), and says how it was loaded.
#[test]
fn a_partitioned_load_fills_the_table_with_every_user_once() {
    let expected = expected_from_seed();
    let app = App::start_args(
        120,
        35,
        "--local --local-state {d}/state.json --listing partitioned",
        "",
        &[],
    );
    let screen = app.open_pool(&expected.pool_id, expected.users);
    assert!(screen.contains("· 16 partitions ·"), "{screen}");
    app.filter_to(&expected.username, expected.users);
    app.quit();
}

/// A 20,000-user pool served by `coglink local serve --synthetic-users`, opened through
/// `--endpoint-url` as a remote pool would be: `--listing auto` partitions it (its estimate
/// passes 1,000), the table fills with every user once, and the fuzzy filter finds one.
#[test]
fn a_large_pool_is_listed_partitioned_and_filtered() {
    const USERS: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let (mut server, url) = serve::serve(
        &dir.path().join("large.json"),
        0,
        &dir.path().join("serve-xdg"),
        &["--synthetic-users", &USERS.to_string()],
    );
    let app = App::start_args(
        120,
        35,
        &format!("--endpoint-url {url} --region us-east-1 --user-pool-id us-east-1_Synthetic"),
        &format!(
            "AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
            coglink::local::LOCAL_ACCESS_KEY_ID,
            coglink::local::LOCAL_SECRET_ACCESS_KEY
        ),
        &[],
    );
    let tmux = &app.tmux;
    let total = thousands(USERS);
    let screen = tmux.wait_until("every user loaded", |s| {
        s.contains(&format!(" {total} / ~{total} users")) && !s.contains("loading")
    });
    assert!(screen.contains("· 16 partitions ·"), "{screen}");
    app.filter_to(&coglink::local::synthetic_username(12_345), USERS);
    app.quit();
    let _ = server.kill();
    let _ = server.wait();
}

/// The display width of a captured line (wide characters take two cells).
fn width(line: &str) -> usize {
    ratatui::text::Line::raw(line).width()
}

/// The frame: header on the first line, boxes whose every line spans the whole width
/// between its borders, the key hints on the last line.
fn assert_layout(screen: &str, w: usize, h: usize) {
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), h, "{screen}");
    assert!(lines[0].starts_with(" coglink │"), "header: {screen}");
    assert!(lines[h - 1].contains("q quit"), "footer: {screen}");
    for (n, line) in lines[1..h - 1].iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let first = line.chars().next().unwrap();
        let last = line.chars().last().unwrap();
        assert!(
            "┌│└".contains(first) && "┐│┘".contains(last) && width(line) == w,
            "line {} is broken ({} cells): {line:?}\n{screen}",
            n + 2,
            width(line)
        );
    }
}

fn pane_format(tmux: &Tmux, format: &str) -> String {
    let out = tmux.run(&["display-message", "-p", "-t", &tmux.session, format]);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Hostile pool data (escape sequences that set the title and the clipboard, C1 controls,
/// bidi, zero-width, combining, wide, 2 KB values, invalid `identities`): shown escaped, the
/// layout holds on every user's detail, the terminal's title and clipboard are untouched,
/// and coglink quits cleanly.
#[test]
fn hostile_pool_data_is_escaped_and_the_layout_holds() {
    use hostile_cognito::{HostileCognito, POOL, usernames};
    let fake = HostileCognito::start();
    let (w, h) = (100u16, 32u16);
    let app = App::start_args(
        w,
        h,
        &format!("--endpoint-url {} --user-pool-id {POOL}", fake.url),
        "AWS_ACCESS_KEY_ID=AKIAHOSTILETEST00001 AWS_SECRET_ACCESS_KEY=hostile-test-secret \
         AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
         AWS_EC2_METADATA_DISABLED=true",
        // Applications may set tmux's clipboard (OSC 52): a leak would create a buffer.
        &[("set-clipboard", "on"), ("allow-rename", "on")],
    );
    let tmux = &app.tmux;
    let title_before = pane_format(tmux, "#{pane_title}");
    let n = usernames().len();
    let screen = tmux.wait_until("the hostile users", |s| {
        s.contains(&format!(" {n} / ~{n} users")) && !s.contains("loading")
    });
    let (w, h) = (usize::from(w), usize::from(h));
    assert_layout(&screen, w, h);
    assert!(screen.contains("evil\\e[31mred\\x9b0m"), "{screen}");
    assert!(
        screen.contains("pool-title\\x07") || screen.contains(POOL),
        "{screen}"
    );

    // Every user's detail, scrolled through.
    tmux.keys(&["g"]);
    for i in 0..n {
        tmux.keys(&["Enter"]);
        let screen = tmux.wait_for("Detail");
        tmux.keys(&["Tab"]);
        for _ in 0..12 {
            tmux.keys(&["j"]);
        }
        // The layout must hold on every frame, scrolled or not yet: no timing assumed.
        std::thread::sleep(Duration::from_millis(200));
        let scrolled = if i == 0 && !screen.contains("\\e]52;c;") {
            // The first user's OSC 52 value is further down: wait for the scroll to show it.
            tmux.wait_until("the escaped OSC 52 value", |s| s.contains("\\e]52;c;"))
        } else {
            tmux.capture()
        };
        for s in [&screen, &scrolled] {
            assert_layout(s, w, h);
        }
        tmux.keys(&["Escape"]);
        tmux.wait_until("the detail closed", |s| !s.contains("Detail ("));
        tmux.keys(&["j"]);
    }

    // Nothing reached the terminal as a sequence: no title, no clipboard buffer.
    let title = pane_format(tmux, "#{pane_title}");
    assert_eq!(title, title_before, "the pane title was changed");
    assert!(!title.contains("pwned") && !title.contains("pool-title"));
    let buffers = tmux.run(&["list-buffers"]);
    assert!(
        buffers.stdout.is_empty(),
        "a clipboard buffer was set: {}",
        String::from_utf8_lossy(&buffers.stdout)
    );
    assert_eq!(pane_format(tmux, "#{alternate_on}"), "1");
    app.quit();
}

/// The pid of coglink in the pane: the pane runs `sh -c '...'`, whose one child is coglink
/// (`env` execs it).
fn coglink_pid(tmux: &Tmux) -> String {
    let shell = pane_format(tmux, "#{pane_pid}");
    let children = Command::new("pgrep")
        .args(["-P", &shell])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&children.stdout).trim().to_owned();
    assert!(!pid.is_empty() && !pid.contains('\n'), "one child: {pid:?}");
    pid
}

/// SIGTERM and SIGHUP stop the UI like `q` would: the terminal is restored (back on the main
/// screen) and the exit status is 128 + the signal.
#[test]
fn a_signal_restores_the_terminal() {
    for (signal, status) in [("TERM", "143"), ("HUP", "129")] {
        let app = App::start(100, 30);
        let tmux = &app.tmux;
        tmux.wait_for("us-east-1_DemoPool1");
        assert_eq!(pane_format(tmux, "#{alternate_on}"), "1");
        let pid = coglink_pid(tmux);
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        app.expect_exit(status);
        assert_eq!(
            pane_format(tmux, "#{alternate_on}"),
            "0",
            "SIG{signal}: back on the main screen"
        );
    }
}

/// The terminal hanging up (its tmux server killed, as an SSH session dropping would):
/// coglink stops within seconds instead of living on, spinning on the dead tty.
#[test]
fn a_hung_up_terminal_ends_the_process() {
    let app = App::start(100, 30);
    let tmux = &app.tmux;
    tmux.wait_for("us-east-1_DemoPool1");
    let pid = coglink_pid(tmux);
    tmux.run(&["kill-server"]);
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    let start = Instant::now();
    while proc_dir.join("status").exists() && start.elapsed() < WAIT {
        let state = std::fs::read_to_string(proc_dir.join("status")).unwrap_or_default();
        if state
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
        {
            break; // exited; a zombie until its parent reaps it
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let state = std::fs::read_to_string(proc_dir.join("status")).unwrap_or_default();
    let alive = state
        .lines()
        .any(|l| l.starts_with("State:") && !l.contains('Z'));
    if alive {
        let _ = Command::new("kill").args(["-9", &pid]).status();
    }
    assert!(
        !alive,
        "coglink {pid} still runs {} s after its terminal hung up",
        WAIT.as_secs()
    );
}

/// Quitting twice while a link is in flight leaves the screen at once, with the terminal
/// restored; the process stays until Cognito answers, then journals the real outcome and
/// exits. The endpoint (in this process) holds the link until the test releases it.
#[test]
fn quitting_during_a_change_journals_its_real_outcome() {
    use coglink::local::{
        ApplyPoint, Fault, LocalOptions, LocalServer, Operation, ScriptedEffect, ScriptedFault,
        Seed, Simulation,
    };
    let target = link_target_from_seed();
    let (n, name) = (target.links, target.username.as_str());
    let state = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(LocalServer::start(LocalOptions {
            port: 0,
            state_file: Some(state.path().join("state.json")),
            seed: Seed::Demo,
            simulation: Simulation {
                script: vec![ScriptedFault::new(
                    Operation::AdminLinkProviderForUser,
                    1,
                    ScriptedEffect::Fault(Fault::Hang, ApplyPoint::AfterApply),
                )],
                short_pages: Some(7),
                ..Simulation::default()
            },
        }))
        .expect("the endpoint starts");
    let app = App::start_args(
        120,
        35,
        &format!(
            "--endpoint-url {} --region us-east-1",
            server.endpoint_url()
        ),
        &format!(
            "AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
            coglink::local::LOCAL_ACCESS_KEY_ID,
            coglink::local::LOCAL_SECRET_ACCESS_KEY
        ),
        &[],
    );
    let tmux = &app.tmux;
    app.open_pool(&target.pool_id, target.users);
    app.filter_to(name, target.users);
    let subject = format!("quit{}", std::process::id());
    app.submit_google_link(&subject);
    tmux.wait_for("Review AdminLinkProviderForUser");
    tmux.keys(&["Tab", "Enter"]);
    let start = Instant::now();
    while !server.change_requests().iter().any(|c| c.answer == "hung") {
        assert!(
            start.elapsed() < WAIT,
            "the link never reached the endpoint"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    tmux.keys(&["C-c"]);
    tmux.wait_for("Quitting once the change in flight is settled");
    tmux.keys(&["C-c"]);
    // The UI has gone; the process waits for the answer, saying so.
    let screen = tmux.wait_for("waiting for the change in flight to be answered and journaled");
    assert!(!screen.contains("Review"), "{screen}");
    let journal = app.dir.path().join("state/coglink/journal.jsonl");
    let read = || support_journal::lines(&journal);
    let lines = read();
    assert_eq!(lines.len(), 1, "only the intent so far: {lines:?}");
    assert_eq!(lines[0]["outcome"]["status"], "pending");

    server.release_hung();
    app.expect_exit("0");
    let lines = read();
    assert_eq!(lines.len(), 2, "the intent and its outcome: {lines:?}");
    let outcome = &lines[1];
    assert_eq!(outcome["change_id"], lines[0]["change_id"]);
    assert_eq!(outcome["outcome"]["status"], "ok", "{outcome}");
    assert_eq!(outcome["client"], "tui");
    assert_eq!(outcome["counts"]["before"], n);
    assert_eq!(
        outcome["counts"]["after"],
        n + 1,
        "read back after the answer"
    );
    rt.block_on(server.shutdown());
}

/// The duplicates view fills in, Enter on a mergeable group reviews its merge, F's username
/// typed confirms it, the table says "Merged"; the journal has every step with outcome ok
/// and the pool no longer has F.
#[test]
fn a_mergeable_group_is_merged_from_the_duplicates_view() {
    let expected = expected_from_seed();
    let app = App::start(120, 40);
    let tmux = &app.tmux;
    app.open_pool(&expected.pool_id, expected.users);
    tmux.keys(&["D"]);
    tmux.wait_for("mergeable ·");
    // Mergeable groups are listed last.
    tmux.keys(&["G"]);
    tmux.wait_until("a mergeable group selected", |s| {
        s.lines().any(|l| l.contains("▶ mergeable"))
    });
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Requests, in order");
    let title = screen
        .lines()
        .find_map(|l| l.split_once("┌ Merge ").map(|(_, rest)| rest.to_owned()))
        .expect("the merge review's title");
    let (f, rest) = title.split_once(" into ").expect("Merge F into K");
    let k = rest.split(' ').next().unwrap().to_owned();
    let f = f.to_owned();
    tmux.keys(&["BTab"]);
    tmux.type_text(&f);
    tmux.wait_for(&format!("confirm (it is deleted): {f}"));
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("Merged {f} into {k}"));
    // The duplicates view is in front again: Esc closes it, then q quits.
    tmux.keys(&["Escape"]);
    tmux.wait_until("the duplicates view closed", |s| {
        !s.contains("┌ Duplicates")
    });
    app.quit();

    let journal = app.dir.path().join("state/coglink/journal.jsonl");
    let entries = support_journal::outcomes(support_journal::lines(&journal));
    assert!(!entries.is_empty());
    for entry in &entries {
        assert_eq!(entry["client"], "tui", "{entry}");
        assert_eq!(entry["outcome"]["status"], "ok", "{entry}");
    }
    let ops: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert!(ops.contains(&"AdminDeleteUser"), "{ops:?}");
    assert_eq!(ops.last(), Some(&"AdminLinkProviderForUser"), "{ops:?}");
    let d = app.dir.path();
    let out = Command::new(env!("CARGO_BIN_EXE_coglink"))
        .env("HOME", d)
        .env("XDG_STATE_HOME", d.join("state"))
        .env("XDG_DATA_HOME", d.join("data"))
        .env("XDG_CONFIG_HOME", d.join("config"))
        .args(["--local", "--local-state"])
        .arg(d.join("state.json"))
        .args([
            "users",
            "--user-pool-id",
            &expected.pool_id,
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let users = String::from_utf8_lossy(&out.stdout);
    assert!(!users.contains(&format!("\"{f}\"")), "{f} is gone");
    assert!(users.contains(&format!("\"{k}\"")), "{k} is kept");
}
