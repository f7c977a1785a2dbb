//! The TUI's instant reopen (`--cache`, or `cache = true` in config.toml): the last full load
//! of each pool is kept as a snapshot file in the cache directory, the table opens from it at
//! once, and a background relisting replaces it, marking the users added, changed and removed
//! since.
//!
//! One file per pool and target: `$XDG_CACHE_HOME/coglink/<pool id>-<16 hex digits>.jsonl`,
//! the digits a digest of where the pool was reached (profile, region and endpoint, or the
//! local endpoint's state file), so two accounts' pools never share a file. The format is
//! `coglink snapshot`'s (`crate::snapshot`), written by its writer: a header, the users, the
//! end record; it holds what the table lists (each user's status, attributes and identities)
//! and no identity providers, groups or group membership, which the table does not list.
//! Files are written atomically, mode 0600 in a directory of mode 0700: they hold personal
//! data. A file cut short, of another format version or of another pool is not used.
//!
//! Pure: this file (names) and `compare` (a refresh against the cached file). I/O: `store`
//! (reading, writing, rewriting a file with a session's changes) and `files` (`coglink cache
//! list` and `clear`).

pub mod compare;
pub mod files;
pub mod store;

use std::path::{Path, PathBuf};

use crate::aws::{Target, TargetSpec};

pub use compare::{Mark, Refresh, Refreshed};

/// Users of a cache file handed to the table at a time: it fills at once, whatever the
/// pool's size.
pub const CHUNK: usize = 10_000;

/// Where this session keeps its caches: the directory and the digest naming its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheSpec {
    pub dir: PathBuf,
    /// [`identity`] of the target: the part of a file's name after the pool.
    pub identity: String,
}

impl CacheSpec {
    /// The spec of a session on `target`, opened as `spec` asked, in `dir`.
    pub fn new(dir: PathBuf, spec: &TargetSpec, target: &Target) -> CacheSpec {
        CacheSpec {
            dir,
            identity: identity(spec, target),
        }
    }

    /// The cache file of `pool_id`.
    pub fn path(&self, pool_id: &str) -> PathBuf {
        self.dir.join(file_name(pool_id, &self.identity))
    }
}

/// Where a session's pools are, as 16 hex digits: the profile, region and endpoint (AWS), or
/// the state file and region (the local endpoint, whose port changes every run).
pub fn identity(spec: &TargetSpec, target: &Target) -> String {
    let region = target.region.as_deref().unwrap_or("");
    let text = if spec.local {
        let state = spec
            .local_state
            .clone()
            .unwrap_or_else(crate::paths::local_state_file);
        let state = std::path::absolute(&state).unwrap_or(state);
        format!("local\n{}\n{region}", state.display())
    } else {
        format!(
            "aws\n{}\n{region}\n{}",
            spec.named_profile().as_deref().unwrap_or("default"),
            target.endpoint_url.as_deref().unwrap_or("")
        )
    };
    format!("{:016x}", fnv1a(&text))
}

/// FNV-1a, 64 bits: a digest stable across runs and builds (a file's name must be found
/// again by the next run).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Longest pool part of a file name.
const POOL_PART_MAX: usize = 64;

/// The pool id as it is in a file's name: letters, digits, `-` and `_` kept, anything else
/// `_` (a pool id is untrusted text: no `/` or `..` reaches the path).
pub fn pool_part(pool_id: &str) -> String {
    pool_id
        .chars()
        .take(POOL_PART_MAX)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `<pool part>-<identity>.jsonl`.
pub fn file_name(pool_id: &str, identity: &str) -> String {
    format!("{}-{identity}.jsonl", pool_part(pool_id))
}

/// The pool part of a cache file's name (`None`: not a name coglink gives a cache file).
pub fn pool_part_of(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".jsonl")?;
    let (pool, digest) = stem.rsplit_once('-')?;
    let is_digest = digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit());
    (is_digest && !pool.is_empty()).then_some(pool)
}

/// Whether `path` names a cache file (for `clear`, which removes nothing else).
pub fn is_cache_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(pool_part_of)
        .is_some()
}

/// An age as the TUI and `cache list` show it: `42 s`, `5 min`, `3 h`, `12 d`.
pub fn age_text(age: std::time::Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..172_800 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_unit_that_suits_them() {
        use std::time::Duration;
        let text = |s| age_text(Duration::from_secs(s));
        assert_eq!(
            [0, 59, 60, 3599, 3600, 47 * 3600 + 59, 172_800, 40 * 86_400].map(text),
            [
                "0 s", "59 s", "1 min", "59 min", "1 h", "47 h", "2 d", "40 d"
            ]
        );
    }

    fn aws(profile: &str, region: &str, endpoint: Option<&str>) -> String {
        let spec = TargetSpec {
            profile: Some(profile.into()),
            ..Default::default()
        };
        let target = Target {
            profile: Some(profile.into()),
            region: Some(region.into()),
            endpoint_url: endpoint.map(str::to_owned),
            label: None,
        };
        identity(&spec, &target)
    }

    fn local(state: &str, port: u16) -> String {
        let spec = TargetSpec {
            local: true,
            local_state: Some(state.into()),
            ..Default::default()
        };
        let target = Target {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(format!("http://127.0.0.1:{port}")),
            label: Some("local".into()),
        };
        identity(&spec, &target)
    }

    #[test]
    fn a_file_is_named_by_its_pool_and_a_digest_of_the_target() {
        let id = aws("prod", "eu-west-1", None);
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        // Stable: the same target is the same file in every run.
        assert_eq!(id, aws("prod", "eu-west-1", None));
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        // Another profile, region or endpoint is another file.
        assert_ne!(id, aws("dev", "eu-west-1", None));
        assert_ne!(id, aws("prod", "us-east-1", None));
        assert_ne!(id, aws("prod", "eu-west-1", Some("http://localhost:4566")));
        // The local endpoint's port changes every run; its state file names it.
        assert_eq!(local("/tmp/a.json", 4000), local("/tmp/a.json", 5000));
        assert_ne!(local("/tmp/a.json", 4000), local("/tmp/b.json", 4000));
        let name = file_name("us-east-1_AbC123", &id);
        assert_eq!(name, format!("us-east-1_AbC123-{id}.jsonl"));
        assert_eq!(pool_part_of(&name), Some("us-east-1_AbC123"));
    }

    #[test]
    fn a_hostile_pool_id_cannot_leave_the_directory() {
        let spec = CacheSpec {
            dir: PathBuf::from("/c"),
            identity: "0123456789abcdef".into(),
        };
        let path = spec.path("../../etc/passwd\u{1b}[31m");
        assert_eq!(path.parent(), Some(Path::new("/c")));
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name, "______etc_passwd__31m-0123456789abcdef.jsonl");
        assert!(is_cache_file(&path));
        assert_eq!(pool_part(&"x".repeat(200)).len(), POOL_PART_MAX);
    }

    #[test]
    fn only_names_coglink_gives_are_cache_files() {
        for name in [
            "notes.txt",
            "p-0123456789abcdef.json",
            "p-0123456789abcde.jsonl",
            "p-0123456789abcdeg.jsonl",
            "-0123456789abcdef.jsonl",
            ".p-0123456789abcdef.jsonl.tmp-12",
        ] {
            assert!(!is_cache_file(Path::new(name)), "{name}");
        }
        assert!(is_cache_file(Path::new("/x/p_1-0123456789abcdef.jsonl")));
    }
}
