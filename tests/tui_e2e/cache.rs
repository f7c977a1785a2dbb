//! The pool cache (`--cache`) in the real terminal: a pool opened once is reopened from its
//! cache at once, with its age, while the pool is listed again, and the refresh marks what
//! changed behind it; a link made in the session is in the cache file as soon as it
//! settles; without the cache nothing is written to the cache directory. Waits poll the
//! screen or the file (never fixed sleeps).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::app::*;
use crate::issue15::with_config;

/// The complete cache file of `pool` under `dir`'s cache directory, if there is one.
fn cache_file(dir: &Path, pool: &str) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir.join("cache/coglink")).ok()?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(&format!("{pool}-")) && name.ends_with(".jsonl")
        })
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            text.lines()
                .last()
                .is_some_and(|l| l.starts_with(r#"{"kind":"end""#))
        })
}

/// The users of a cache file, by username.
fn cached_users(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["kind"] == "user")
        .collect()
}

fn cached_user<'a>(users: &'a [Value], username: &str) -> Option<&'a Value> {
    users.iter().find(|u| u["username"] == username)
}

/// Polls until the complete cache file of `pool` satisfies `ready`; fails after `WAIT`.
fn wait_for_cache(dir: &Path, pool: &str, what: &str, ready: impl Fn(&[Value]) -> bool) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(path) = cache_file(dir, pool)
            && ready(&cached_users(&path))
        {
            return path;
        }
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Waits for every user of the pool opened with `--user-pool-id` (no picker).
fn wait_loaded(app: &App, users: usize) -> String {
    let total = thousands(users);
    app.tmux.wait_until("all users loaded", |s| {
        s.contains(&format!(" {total} / ~{total} users")) && !s.contains("loading")
    })
}

/// The row showing `username` (with a space after it: not a longer name's).
fn row<'a>(screen: &'a str, username: &str) -> &'a str {
    let name = format!(" {username} ");
    screen.lines().find(|l| l.contains(&name)).unwrap_or("")
}

/// Changes the local pool behind the cache, as another admin might: one user's email
/// changed, one user deleted, one user added. Returns their usernames.
fn change_the_pool(state: &Path, pool: &str) -> (String, String, String) {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    let users = file["pools"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["id"] == pool)
        .unwrap()["users"]
        .as_array_mut()
        .unwrap();
    // Among the first rows, so they are on screen in load order.
    let changed = users[1]["username"].as_str().unwrap().to_owned();
    for attribute in users[1]["attributes"].as_array_mut().unwrap() {
        if attribute["name"] == "email" {
            attribute["value"] = "moved.elsewhere@example.com".into();
        }
    }
    let removed = users.remove(2)["username"].as_str().unwrap().to_owned();
    let mut added = users[0].clone();
    let newcomer = "zz.cache.newcomer";
    added["username"] = newcomer.into();
    for attribute in added["attributes"].as_array_mut().unwrap() {
        match attribute["name"].as_str() {
            Some("sub") => attribute["value"] = "00000000-0000-4000-8000-00000000cace".into(),
            Some("identities") => attribute["value"] = "[]".into(),
            _ => {}
        }
    }
    users.push(added);
    std::fs::write(state, serde_json::to_string(&file).unwrap()).unwrap();
    (changed, removed, newcomer.to_owned())
}

#[test]
fn a_pool_reopens_from_its_cache_at_once_and_the_refresh_marks_what_changed() {
    let target = link_target_from_seed();
    let (pool, users) = (target.pool_id.as_str(), target.users);
    let args = format!("--cache --local --local-state {{d}}/state.json --user-pool-id {pool}");
    let app = App::start_args(120, 35, &args, "", &[]);
    wait_loaded(&app, users);
    let path = wait_for_cache(app.dir.path(), pool, "the cache file", |u| u.len() == users);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    app.quit();

    // The pool changes while coglink is closed.
    let App { tmux, dir, .. } = app;
    drop(tmux);
    let (changed, removed, added) = change_the_pool(&dir.path().join("state.json"), pool);
    std::fs::remove_file(dir.path().join("exit-status")).unwrap();

    // Reopened: the cached table at once, with its age, while the pool is listed again (at
    // 2 pages a second, so the cached table stays a few seconds).
    let args = format!("{args} --list-rate 2");
    let app = App::start_in(dir, 120, 35, &args, "", &[]);
    let tmux = &app.tmux;
    let total = thousands(users);
    let screen = tmux.wait_until("the table from the cache", |s| {
        s.contains(&format!("Users {total} · cached ")) && s.contains(" ago · refreshing ")
    });
    assert!(row(&screen, &removed).contains(&removed), "{screen}");
    assert!(
        !row(&screen, &changed).contains("moved.elsewhere"),
        "{screen}"
    );
    assert!(screen.contains("refreshing: "), "{screen}");
    assert!(
        !screen.contains(" ± "),
        "no marks before the refresh ends: {screen}"
    );

    // Refreshed: the changed user's new email, and the marks with their counts.
    let screen = tmux.wait_for("refreshed · since cache: +1 ~1 −1");
    let (changed_row, removed_row) = (row(&screen, &changed), row(&screen, &removed));
    assert!(
        changed_row.contains(&format!("~ {changed} ")) && changed_row.contains("moved.elsewhere"),
        "{screen}"
    );
    assert!(removed_row.contains(&format!("− {removed} ")), "{screen}");
    assert!(
        screen.contains(&format!(" {total} users listed")),
        "{screen}"
    );
    // The added user is last in load order: the filter finds it, marked.
    let screen = app.filter_to(&added, users + 1);
    assert!(
        selected_line(&screen).contains(&format!("+ {added} ")),
        "{screen}"
    );
    app.quit();

    // The cache file is the refreshed pool.
    let cached = cached_users(&cache_file(app.dir.path(), pool).unwrap());
    assert_eq!(cached.len(), users);
    assert!(cached_user(&cached, &added).is_some());
    assert!(cached_user(&cached, &removed).is_none());
    let email = &cached_user(&cached, &changed).unwrap()["attributes"]["email"];
    assert_eq!(email, "moved.elsewhere@example.com");
}

#[test]
fn a_link_made_in_the_session_is_in_the_cache_file_once_it_settles() {
    let target = link_target_from_seed();
    let (n, name) = (target.links, target.username.as_str());
    // The config's `cache = true` turns the cache on without --cache.
    let dir = with_config("[local]\ncache = true\n");
    let args = format!(
        "--local --local-state {{d}}/state.json --user-pool-id {}",
        target.pool_id
    );
    let app = App::start_in(dir, 120, 35, &args, "", &[]);
    let tmux = &app.tmux;
    wait_loaded(&app, target.users);
    let links_of = |users: &[Value]| {
        cached_user(users, name).map(|u| {
            u["identities"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["primary"] == false)
                .count()
        })
    };
    wait_for_cache(app.dir.path(), &target.pool_id, "the cache file", |u| {
        u.len() == target.users && links_of(u) == Some(n)
    });

    app.filter_to(name, target.users);
    let subject = format!("cache{}", std::process::id());
    app.submit_google_link(&subject);
    tmux.wait_for("Review AdminLinkProviderForUser");
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_until("n+1 links in the table", |s| {
        selected_line(s).contains(&format!("{}/5", n + 1)) && !s.contains("Review")
    });
    // The cache file has the user as read back after the link, and every other user still.
    let path = wait_for_cache(
        app.dir.path(),
        &target.pool_id,
        "the link in the cache",
        |u| links_of(u) == Some(n + 1),
    );
    let cached = cached_users(&path);
    assert_eq!(cached.len(), target.users);
    let user = cached_user(&cached, name).unwrap();
    assert!(user["identities"].to_string().contains(&subject), "{user}");
    app.quit();
}

#[test]
fn without_the_cache_nothing_is_written_to_the_cache_directory() {
    let target = link_target_from_seed();
    let (n, name) = (target.links, target.username.as_str());
    let args = format!(
        "--local --local-state {{d}}/state.json --user-pool-id {}",
        target.pool_id
    );
    let nothing_cached = |dir: &Path| {
        assert!(!dir.join("cache").exists(), "the cache directory was made");
        assert!(!dir.join(".cache").exists(), "~/.cache was made");
    };
    // Off by default: a whole load and a link write nothing there.
    let app = App::start_args(120, 35, &args, "", &[]);
    let tmux = &app.tmux;
    wait_loaded(&app, target.users);
    app.filter_to(name, target.users);
    app.submit_google_link(&format!("nocache{}", std::process::id()));
    tmux.wait_for("Review AdminLinkProviderForUser");
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_until("n+1 links in the table", |s| {
        selected_line(s).contains(&format!("{}/5", n + 1)) && !s.contains("Review")
    });
    app.quit();
    nothing_cached(app.dir.path());

    // --no-cache wins over the config's `cache = true`.
    let dir = with_config("[local]\ncache = true\n");
    let app = App::start_in(dir, 120, 35, &format!("{args} --no-cache"), "", &[]);
    let screen = wait_loaded(&app, target.users);
    assert!(!screen.contains("cached "), "{screen}");
    app.quit();
    nothing_cached(app.dir.path());
}
