//! Where coglink keeps its files (XDG base directories on every OS but Windows).
//!
//! - journal of changes: `$XDG_STATE_HOME/coglink/journal.jsonl`
//! - log file:           `$XDG_STATE_HOME/coglink/coglink.log`
//! - local pool state:   `$XDG_DATA_HOME/coglink/local-pool.json`
//! - keymap/theme:       `$XDG_CONFIG_HOME/coglink/`
//! - pool caches (`--cache`): `$XDG_CACHE_HOME/coglink/` (default `~/.cache/coglink/`)

use std::path::PathBuf;

use etcetera::{AppStrategy, AppStrategyArgs, choose_app_strategy};

const APP: &str = "coglink";

fn strategy() -> Option<impl AppStrategy> {
    choose_app_strategy(AppStrategyArgs {
        top_level_domain: "dev".into(),
        author: "coglink".into(),
        app_name: APP.into(),
    })
    .ok()
}

fn fallback() -> PathBuf {
    std::env::temp_dir().join(APP)
}

/// Directory for state that should persist between runs (journal, logs).
pub fn state_dir() -> PathBuf {
    strategy()
        .map(|s| s.state_dir().unwrap_or_else(|| s.data_dir()))
        .unwrap_or_else(fallback)
}

pub fn data_dir() -> PathBuf {
    strategy().map(|s| s.data_dir()).unwrap_or_else(fallback)
}

pub fn config_dir() -> PathBuf {
    strategy().map(|s| s.config_dir()).unwrap_or_else(fallback)
}

/// Where `--cache` keeps the last full load of each pool (`$XDG_CACHE_HOME/coglink`, by
/// default `~/.cache/coglink`). Its files hold personal data.
pub fn cache_dir() -> PathBuf {
    strategy().map(|s| s.cache_dir()).unwrap_or_else(fallback)
}

pub fn journal_file() -> PathBuf {
    state_dir().join("journal.jsonl")
}

/// Where merges keep their snapshots (`<pool>/<merged user>.json`).
pub fn merges_dir() -> PathBuf {
    state_dir().join("merges")
}

/// The default remap file of merges: one line per merged user, old sub → new sub.
pub fn remap_file() -> PathBuf {
    state_dir().join("remap.jsonl")
}

/// Where the TUI's copy keys also write what they copy (for terminals that ignore OSC 52).
pub fn clipboard_file() -> PathBuf {
    state_dir().join("clipboard.txt")
}

pub fn log_file() -> PathBuf {
    state_dir().join("coglink.log")
}

pub fn local_state_file() -> PathBuf {
    data_dir().join("local-pool.json")
}

/// The paths section of `--help`.
pub fn help_text() -> String {
    format!(
        "Files:\n  journal of changes  {}\n  log file            {}\n  local pool state    {}\n  config (keymap.toml, config.toml: production guard per profile)\n                      {}\n  copies (TUI C / J)  {}\n  pool caches (--cache; personal data, mode 0600)\n                      {}\n\nLog level: COGLINK_LOG (e.g. debug, or info,aws_smithy_runtime=debug).",
        journal_file().display(),
        log_file().display(),
        local_state_file().display(),
        config_dir().display(),
        clipboard_file().display(),
        cache_dir().display(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_live_under_an_app_directory() {
        for p in [journal_file(), log_file(), local_state_file(), cache_dir()] {
            assert!(
                p.components().any(|c| c.as_os_str() == APP),
                "{}",
                p.display()
            );
        }
        assert!(help_text().contains("journal.jsonl"));
        assert!(help_text().contains("pool caches (--cache; personal data"));
    }
}
