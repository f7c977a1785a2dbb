//! Pool snapshots (`coglink snapshot`, `coglink diff`): a pool written as JSON lines, read
//! back, compared, and its links written as a `batch` file.
//!
//! The format (version [`FORMAT_VERSION`]), one JSON object per line, told apart by `kind`:
//! 1. `header`: `format` (`coglink-snapshot`), `format_version`, `pool_id`, `pool_name`,
//!    `region`, `endpoint`, `taken_at` (ISO 8601 UTC), `coglink_version`;
//! 2. `provider`, one per identity provider: `name`, `type`, `attribute_mapping`;
//! 3. `group`, one per group: `name`, `description`, `precedence`, `role_arn`, `created`,
//!    `modified`;
//! 4. `user`, one per user, in listing order: `username`, `sub`, `status`, `enabled`,
//!    `created`, `modified`, `attributes` (all but `sub` and `identities`), `identities`
//!    (parsed, as Cognito stores them), `groups`;
//! 5. `end`: the counts of providers, groups and users. A file without it is incomplete.
//!
//! Small things first, so a reader (a cache opening the TUI) knows the providers and groups
//! before the users stream in; the end record tells a complete file from one cut short.
//!
//! Pure: `format`, `diff` (the rules), `compare` (two snapshots as they stream), `links`.
//! I/O: `read` (files), `sink` (writers), `collect` (Cognito).

pub mod collect;
pub mod compare;
pub mod diff;
pub mod format;
pub mod links;
pub mod read;
pub mod sink;

pub use collect::{CollectError, Collected, collect};
pub use compare::{Comparison, Diff, Digester, Earlier, EarlierLines, UserIndex};
pub use diff::Change;
pub use format::{FORMAT, FORMAT_VERSION, Header, Record, UserEntry};
pub use read::{FileLines, SnapshotError, SnapshotReader, open, read_after, read_before};
pub use sink::{Against, JsonLines, LinksCsv, RecordSink, Tee};
