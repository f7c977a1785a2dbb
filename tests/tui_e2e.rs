//! End-to-end: the real binary in a detached tmux session against the embedded local
//! endpoint (`--local`). Picks the demo pool, waits for its users, navigates, fuzzy-filters,
//! opens a user's detail and checks its linked identity, then quits and checks the process
//! exited cleanly. Requires tmux (CI installs it): without it this test fails, on purpose.
//!
//! The expected user is read from the demo pool asset the binary embeds
//! (`assets/demo-pool.json`), so the test follows the seed when it changes.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A tmux server of its own (`-L`), killed when dropped, so a failing test leaves nothing.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn start(width: u16, height: u16, command: &str) -> Tmux {
        match Command::new("tmux").arg("-V").output() {
            Ok(out) if out.status.success() => {}
            _ => panic!(
                "tmux is required for the TUI end-to-end test: install it (apt-get install tmux)"
            ),
        }
        let tmux = Tmux {
            socket: format!("coglink-e2e-{}", std::process::id()),
            session: "e2e".into(),
        };
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            &tmux.session,
            "-x",
            &w,
            "-y",
            &h,
            command,
            ";",
            "set-option",
            "-t",
            &tmux.session,
            "remain-on-exit",
            "on",
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Keys in tmux `send-keys` syntax (`j`, `Enter`, `Escape`), one argument each.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Literal text (each character a key press).
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.session, "-l", text]);
    }

    /// Polls the screen until `ready` holds; fails with the last screen after `WAIT`.
    fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if ready(&screen) {
                return screen;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The selected row (marked `▶`).
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_default()
        .to_owned()
}

/// A user of the demo pool to look for: its username and one identity linked to it.
struct Expected {
    pool_id: String,
    users: usize,
    username: String,
    provider: String,
    user_id: String,
}

fn expected_from_seed() -> Expected {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-pool.json");
    let text = std::fs::read_to_string(&path).expect("the demo pool asset exists");
    let seed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let pool = &seed["pools"][0];
    let users = pool["users"].as_array().expect("users");
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    for user in users {
        let name = user["username"].as_str().unwrap_or_default();
        // A name no other username starts with, so a `^name` filter leaves exactly one.
        if names.iter().filter(|n| n.starts_with(name)).count() != 1 {
            continue;
        }
        let identities = user["attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["name"] == "identities")
            .and_then(|a| a["value"].as_str())
            .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
        let linked = identities
            .as_ref()
            .and_then(|ids| ids.as_array())
            .and_then(|ids| {
                // Short enough not to wrap in the detail pane.
                ids.iter().find(|i| {
                    i["primary"] == false && i["userId"].as_str().is_some_and(|v| v.len() <= 30)
                })
            });
        if let Some(identity) = linked {
            return Expected {
                pool_id: pool["id"].as_str().unwrap().to_owned(),
                users: users.len(),
                username: name.to_owned(),
                provider: identity["providerName"].as_str().unwrap().to_owned(),
                user_id: identity["userId"].as_str().unwrap().to_owned(),
            };
        }
    }
    panic!("the demo pool has no native user with a linked identity");
}

#[test]
fn browse_filter_and_open_a_user_in_the_local_pool() {
    let expected = expected_from_seed();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    // A shell waits for coglink and records its exit status: tmux 3.3 sometimes never reaps
    // a pane's process once its pty has closed, so its own `pane_dead_status` is unreliable.
    let exit_file = format!("{d}/exit-status");
    let command = format!(
        "sh -c 'env HOME={d} XDG_STATE_HOME={d}/state XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config \
         {} --local --local-state {d}/state.json; echo $? > {exit_file}'",
        env!("CARGO_BIN_EXE_coglink")
    );
    let tmux = Tmux::start(120, 35, &command);

    // Pool picker: move to the demo pool and open it.
    tmux.wait_for(&expected.pool_id);
    for _ in 0..10 {
        if selected_line(&tmux.capture()).contains(&expected.pool_id) {
            break;
        }
        tmux.keys(&["j"]);
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys(&["Enter"]);

    // The table fills in; the progress line reports every user loaded.
    let total = expected.users.to_string();
    let screen = tmux.wait_until("all users loaded", |s| {
        s.contains(&format!(" {total} / ~{total} users")) && !s.contains("loading")
    });
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
    tmux.keys(&["/"]);
    tmux.wait_for("Fuzzy filter");
    tmux.type_text(&format!("^{}", expected.username));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for(&format!("Users 1 of {total}"));
    assert!(
        selected_line(&screen).contains(&expected.username),
        "{screen}"
    );

    // Detail: the linked identity, as the pool stores it.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Linked identities");
    tmux.wait_until("the linked identity", |s| {
        s.contains(&expected.provider) && s.contains(&expected.user_id)
    });
    assert!(screen.contains(&expected.username), "{screen}");

    // Quit: the process exits with success and the UI is gone from the pane.
    tmux.keys(&["q"]);
    let start = Instant::now();
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&exit_file)
            && status.ends_with('\n')
        {
            break status.trim().to_owned();
        }
        assert!(
            start.elapsed() < WAIT,
            "coglink did not exit:\n{}",
            tmux.capture()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, "0", "exit status");
    let after = tmux.capture();
    assert!(
        !after.contains("coglink │") && !after.contains("Linked identities"),
        "the alternate screen was left: {after}"
    );
}
