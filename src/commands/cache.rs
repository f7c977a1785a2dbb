//! `coglink cache list` and `coglink cache clear`: the TUI's pool caches (`--cache`) in
//! `$XDG_CACHE_HOME/coglink/`. Neither connects anywhere.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::awscli::output::table;
use crate::cache::files::{Summary, cache_files, clear, summary};
use crate::cache::{age_text, store};
use crate::cli::args::CacheCommand;
use crate::domain::sanitize::sanitize;

pub fn run(command: CacheCommand) -> ExitCode {
    let dir = crate::paths::cache_dir();
    let result = match command {
        CacheCommand::List => list(&dir),
        CacheCommand::Clear { user_pool_id } => clear_cache(&dir, user_pool_id.as_deref()),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("coglink cache: {}", sanitize(&message));
            ExitCode::FAILURE
        }
    }
}

fn list(dir: &Path) -> Result<String, String> {
    let files = cache_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if files.is_empty() {
        return Ok(format!("No pool caches in {}\n", dir.display()));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs_f64();
    let summaries: Vec<Summary> = files.iter().map(|f| summary(f)).collect();
    Ok(render_list(&summaries, now))
}

/// The list: one row per file (its pool, age, users, size and path, or why it is not used).
pub fn render_list(summaries: &[Summary], now: f64) -> String {
    let rows: Vec<Vec<String>> = summaries
        .iter()
        .map(|s| {
            let listed = s
                .taken_at
                .as_deref()
                .map(|t| format!("{} ago", age_text(store::age(t, now))))
                .unwrap_or_default();
            let users = match (&s.users, &s.problem) {
                (_, Some(problem)) => format!("not used: {problem}"),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            };
            vec![
                s.pool_id.clone(),
                listed,
                users,
                kib(s.bytes),
                s.path.display().to_string(),
            ]
        })
        .collect();
    table(&["POOL", "LISTED", "USERS", "SIZE", "PATH"], &rows)
}

fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

fn clear_cache(dir: &Path, pool_id: Option<&str>) -> Result<String, String> {
    let removed = clear(dir, pool_id).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = String::new();
    for path in &removed {
        out.push_str(&format!(
            "removed {}\n",
            sanitize(&path.display().to_string())
        ));
    }
    let whose = match pool_id {
        Some(pool) => format!(" of pool {}", sanitize(pool)),
        None => String::new(),
    };
    out.push_str(&match removed.len() {
        0 => format!("No pool caches{whose} to remove in {}\n", dir.display()),
        n => format!(
            "{n} cache file{}{whose} removed\n",
            if n == 1 { "" } else { "s" }
        ),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_list_shows_each_file_s_pool_age_users_and_why_one_is_not_used() {
        let summaries = [
            Summary {
                path: PathBuf::from("/c/p_1-0123456789abcdef.jsonl"),
                pool_id: "p_1".into(),
                taken_at: Some("2023-11-14T22:13:20Z".into()),
                users: Some(428),
                bytes: 2048,
                problem: None,
            },
            Summary {
                path: PathBuf::from("/c/p\u{1b}2-0123456789abcdef.jsonl"),
                pool_id: "p\u{1b}[31m2".into(),
                taken_at: None,
                users: None,
                bytes: 10,
                problem: Some("no end record: incomplete, not used".into()),
            },
        ];
        let text = render_list(&summaries, 1_700_000_000.0 + 7200.0);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("POOL"), "{text}");
        assert!(
            lines[1].contains("p_1") && lines[1].contains("2 h ago"),
            "{text}"
        );
        assert!(
            lines[1].contains("428") && lines[1].contains("2 KiB"),
            "{text}"
        );
        assert!(
            lines[2].contains("not used: no end record") && !text.contains('\u{1b}'),
            "{text}"
        );
    }
}
