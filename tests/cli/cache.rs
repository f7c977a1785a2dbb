//! `coglink cache list` and `coglink cache clear`: the TUI's pool caches in
//! `$XDG_CACHE_HOME/coglink/` (snapshot files named by pool and target), listed and removed,
//! every pool's or one pool's, nothing else in the directory touched.

use std::path::{Path, PathBuf};

use crate::common::{Env, Has, stdout};

const DIGEST: &str = "0123456789abcdef";

fn cache_dir(env: &Env) -> PathBuf {
    env.dir.path().join("cache").join("coglink")
}

/// A snapshot of the pool written where the TUI keeps `pool`'s cache.
fn cache_of(env: &Env, pool: &str) -> PathBuf {
    let dir = cache_dir(env);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{pool}-{DIGEST}.jsonl"));
    env.cmd()
        .args(["snapshot", "--user-pool-id", &env.pool, "-o"])
        .arg(&path)
        .assert()
        .success();
    path
}

fn users_in(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(r#"{"kind":"user""#))
        .count()
}

#[test]
fn cache_clear_removes_one_pool_s_caches_then_every_pool_s_and_nothing_else() {
    let env = Env::new();
    let mine = cache_of(&env, &env.pool);
    let other = cache_of(&env, "eu-west-1_Other");
    let notes = cache_dir(&env).join("notes.txt");
    std::fs::write(&notes, "not coglink's").unwrap();

    let listed = stdout(&env.cmd().args(["cache", "list"]).assert().success());
    let row = listed
        .lines()
        .find(|l| l.ends_with(&mine.display().to_string()))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(row.starts_with(&env.pool), "{listed}");
    assert!(
        row.contains(&format!("  {}  ", users_in(&mine))),
        "{listed}"
    );
    assert!(row.contains(" s ago"), "{listed}");
    assert!(!listed.contains("notes.txt"), "{listed}");

    env.cmd()
        .args(["cache", "clear", "--user-pool-id", &env.pool])
        .assert()
        .success()
        .out_has(&format!("removed {}\n", mine.display()))
        .out_has(&format!("1 cache file of pool {} removed", env.pool));
    assert!(!mine.exists() && other.exists());

    env.cmd()
        .args(["cache", "clear"])
        .assert()
        .success()
        .out_has(&format!("removed {}\n", other.display()))
        .out_has("1 cache file removed");
    assert!(!other.exists());
    assert!(notes.exists(), "a file coglink did not name is kept");

    // Nothing left to remove is not an error.
    env.cmd()
        .args(["cache", "clear"])
        .assert()
        .success()
        .out_has("No pool caches to remove in ");
}

#[test]
fn cache_clear_without_a_cache_directory_removes_nothing_and_creates_nothing() {
    let env = Env::new();
    env.cmd()
        .args(["cache", "clear"])
        .assert()
        .success()
        .out_has("No pool caches to remove in ");
    env.cmd()
        .args(["cache", "list"])
        .assert()
        .success()
        .out_has("No pool caches in ");
    assert!(!env.dir.path().join("cache").exists());
}
