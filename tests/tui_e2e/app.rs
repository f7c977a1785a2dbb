//! The tmux harness of the TUI end-to-end tests: a tmux server of the test's own, coglink
//! in it under a shell in a fresh home, polling waits on `capture-pane` (never fixed sleeps),
//! and what the tests look for in the demo pool.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);

/// Tmux servers started by this process, to name each one differently.
pub static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A tmux server of its own (`-L`), killed when dropped, so a failing test leaves nothing.
pub struct Tmux {
    pub socket: String,
    pub session: String,
}

impl Tmux {
    /// `command` in a new session, with global `options` set on the server before it starts.
    pub fn start(width: u16, height: u16, command: &str, options: &[(&str, &str)]) -> Tmux {
        match Command::new("tmux").arg("-V").output() {
            Ok(out) if out.status.success() => {}
            _ => panic!(
                "tmux is required for the TUI end-to-end test: install it (apt-get install tmux)"
            ),
        }
        let tmux = Tmux {
            // One server per test: the tests of this binary run in parallel.
            socket: format!(
                "coglink-e2e-{}-{}",
                std::process::id(),
                SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
            session: "e2e".into(),
        };
        let (w, h) = (width.to_string(), height.to_string());
        let mut args: Vec<&str> = vec!["start-server", ";"];
        for (name, value) in options {
            args.extend_from_slice(&["set-option", "-g", name, value, ";"]);
        }
        args.extend_from_slice(&[
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
        tmux.run(&args);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> Output {
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

    pub fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Keys in tmux `send-keys` syntax (`j`, `Enter`, `Escape`), one argument each.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Literal text (each character a key press).
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.session, "-l", text]);
    }

    /// Polls the screen until `ready` holds; fails with the last screen after `WAIT`.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
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

    pub fn wait_for(&self, needle: &str) -> String {
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

/// `20000` as the UI shows it: `20,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The selected row (marked `▶`).
pub fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_default()
        .to_owned()
}

/// A user of the demo pool to look for: its username and one identity linked to it.
pub struct Expected {
    pub pool_id: String,
    pub users: usize,
    pub username: String,
    pub provider: String,
    pub user_id: String,
}

/// The demo pool asset's first pool (the one `--local` opens on).
fn demo_pool() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-pool.json");
    let text = std::fs::read_to_string(&path).expect("the demo pool asset exists");
    let mut seed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    seed["pools"][0].take()
}

/// The users whose name no other username starts with (so a `^name` filter leaves exactly
/// one), with their names.
fn uniquely_named(users: &[serde_json::Value]) -> impl Iterator<Item = (&str, &serde_json::Value)> {
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    users.iter().filter_map(move |user| {
        let name = user["username"].as_str().unwrap_or_default();
        (names.iter().filter(|n| n.starts_with(name)).count() == 1).then_some((name, user))
    })
}

/// A user's `identities` entries, parsed (none when it has no readable attribute).
fn identities_of(user: &serde_json::Value) -> Vec<serde_json::Value> {
    user["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["name"] == "identities")
        .and_then(|a| a["value"].as_str())
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default()
}

pub fn expected_from_seed() -> Expected {
    let pool = demo_pool();
    let users = pool["users"].as_array().expect("users");
    for (name, user) in uniquely_named(users) {
        let identities = identities_of(user);
        // Short enough not to wrap in the detail pane.
        let linked = identities
            .iter()
            .find(|i| i["primary"] == false && i["userId"].as_str().is_some_and(|v| v.len() <= 30));
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

/// coglink under a shell in a fresh home (so the journal and local state are the test's
/// own), at `width` × `height`.
pub struct App {
    pub tmux: Tmux,
    pub dir: tempfile::TempDir,
    pub exit_file: String,
}

impl App {
    pub fn start(width: u16, height: u16) -> App {
        App::start_args(
            width,
            height,
            "--local --local-state {d}/state.json",
            "",
            &[],
        )
    }

    /// coglink with `args` (`{d}` stands for the test's directory) and extra environment
    /// `env` (`NAME=value ...`), tmux global `options` set before it starts.
    pub fn start_args(
        width: u16,
        height: u16,
        args: &str,
        env: &str,
        options: &[(&str, &str)],
    ) -> App {
        App::start_in(
            tempfile::tempdir().unwrap(),
            width,
            height,
            args,
            env,
            options,
        )
    }

    /// As [`App::start_args`], in `dir` (prepared by the test, e.g. with a config file).
    pub fn start_in(
        dir: tempfile::TempDir,
        width: u16,
        height: u16,
        args: &str,
        env: &str,
        options: &[(&str, &str)],
    ) -> App {
        let d = dir.path().display();
        let args = args.replace("{d}", &d.to_string());
        // A shell waits for coglink and records its exit status: tmux 3.3 sometimes never
        // reaps a pane's process once its pty has closed, so its own `pane_dead_status` is
        // unreliable.
        let exit_file = format!("{d}/exit-status");
        let command = format!(
            "sh -c 'env HOME={d} XDG_STATE_HOME={d}/state XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config XDG_CACHE_HOME={d}/cache COGLINK_LOCAL_SHORT_PAGES=7 {env} \
             {} {args}; echo $? > {exit_file}'",
            env!("CARGO_BIN_EXE_coglink")
        );
        let tmux = Tmux::start(width, height, &command, options);
        App {
            tmux,
            dir,
            exit_file,
        }
    }

    /// Picks the pool in the picker and waits for all its users; returns the screen.
    pub fn open_pool(&self, pool_id: &str, users: usize) -> String {
        let tmux = &self.tmux;
        let mut selected = selected_line(&tmux.wait_for(pool_id));
        // One `j` at a time, each waited for: a second key sent before the first is drawn
        // would move past the pool on a slow machine.
        for _ in 0..10 {
            if selected.contains(pool_id) {
                break;
            }
            tmux.keys(&["j"]);
            let before = selected.clone();
            let screen = tmux.wait_until("the selection to move", |s| selected_line(s) != before);
            selected = selected_line(&screen);
        }
        assert!(
            selected.contains(pool_id),
            "{pool_id} never selected: {selected}"
        );
        tmux.keys(&["Enter"]);
        let total = thousands(users);
        tmux.wait_until("all users loaded", |s| {
            s.contains(&format!(" {total} / ~{total} users")) && !s.contains("loading")
        })
    }

    /// Fuzzy-filters down to the one user named `username`.
    pub fn filter_to(&self, username: &str, users: usize) -> String {
        let tmux = &self.tmux;
        tmux.keys(&["/"]);
        tmux.wait_for("Fuzzy filter");
        tmux.type_text(&format!("^{username}"));
        tmux.keys(&["Enter"]);
        let screen = tmux.wait_for(&format!("Users 1 of {}", thousands(users)));
        assert!(selected_line(&screen).contains(username), "{screen}");
        screen
    }

    /// Opens the link form on the selected user, chooses Google (a letter jumps to it),
    /// types `subject` and submits the form: the review comes next.
    pub fn submit_google_link(&self, subject: &str) {
        let tmux = &self.tmux;
        tmux.keys(&["l"]);
        tmux.wait_for("or a letter to choose");
        tmux.keys(&["G"]);
        tmux.wait_for("◀ Google ▶");
        tmux.keys(&["Tab", "Tab"]);
        tmux.type_text(subject);
        tmux.wait_for(subject);
        tmux.keys(&["Enter"]);
    }

    /// Quits with `q` and checks the process exited with success and left the screen.
    pub fn quit(&self) {
        self.tmux.keys(&["q"]);
        self.expect_exit("0");
    }

    /// Waits for the process to exit with `expected` and checks it left the screen.
    pub fn expect_exit(&self, expected: &str) {
        let start = Instant::now();
        let status = loop {
            if let Ok(status) = std::fs::read_to_string(&self.exit_file)
                && status.ends_with('\n')
            {
                break status.trim().to_owned();
            }
            assert!(
                start.elapsed() < WAIT,
                "coglink did not exit:\n{}",
                self.tmux.capture()
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(status, expected, "exit status");
        let after = self.tmux.capture();
        assert!(
            !after.contains("coglink │") && !after.contains("Linked identities"),
            "the alternate screen was left: {after}"
        );
    }
}

/// A native user of the demo pool to link a Google identity to: its name no other username
/// starts with, fewer than 4 links, none from Google.
pub struct LinkTarget {
    pub pool_id: String,
    pub users: usize,
    pub username: String,
    pub links: usize,
}

pub fn link_target_from_seed() -> LinkTarget {
    let pool = demo_pool();
    let users = pool["users"].as_array().expect("users");
    for (name, user) in uniquely_named(users) {
        if user["status"] == "EXTERNAL_PROVIDER" {
            continue;
        }
        let identities = identities_of(user);
        let links = identities.iter().filter(|i| i["primary"] == false).count();
        let google = identities.iter().any(|i| i["providerName"] == "Google");
        if (1..4).contains(&links) && !google && identities.len() == links {
            return LinkTarget {
                pool_id: pool["id"].as_str().unwrap().to_owned(),
                users: users.len(),
                username: name.to_owned(),
                links,
            };
        }
    }
    panic!("the demo pool has no native user with 1 to 3 links and no Google link");
}
