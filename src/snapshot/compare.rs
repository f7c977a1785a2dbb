//! Two snapshots compared as they stream. Pure: records in, changes out.
//!
//! Of the earlier snapshot, each user is held as a 128-bit digest of its record line and
//! where the line starts (about 100 bytes a user, whatever its attributes); the later one is
//! compared user by user as it is read or listed. A user whose line has the same digest is
//! unchanged; any other is read again from the earlier file ([`EarlierLines`]) and compared
//! field by field. (Two different lines of one username sharing a 128-bit digest, from keys
//! drawn at random per run, is not a case this guards against.)

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use super::diff::{Change, PoolParts, pool_changes, user_changes};
use super::format::{Header, Record, UserEntry, parse_line};

/// What changed from one snapshot to the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    pub before: Header,
    pub after: Header,
    /// Pool-level changes first, then by username.
    pub changes: Vec<Change>,
}

/// Where the earlier snapshot's lines are read again (by the offset each starts at).
pub trait EarlierLines {
    fn line_at(&mut self, at: u64) -> Result<String, String>;
}

impl<F: FnMut(u64) -> Result<String, String>> EarlierLines for F {
    fn line_at(&mut self, at: u64) -> Result<String, String> {
        self(at)
    }
}

/// A user of the earlier snapshot: its line's digest and offset.
#[derive(Debug, Clone, Copy)]
struct Held {
    digest: u128,
    at: u64,
}

/// Two hashers with keys of their own: a 128-bit digest. Its keys are drawn per run, so
/// digests are compared within one run only, never stored (the TUI's cache compares a
/// refresh with the cached file this way too).
#[derive(Debug, Default)]
pub struct Digester(RandomState, RandomState);

impl Digester {
    pub fn digest(&self, line: &str) -> u128 {
        let half = |state: &RandomState| {
            let mut h = state.build_hasher();
            h.write(line.as_bytes());
            h.finish()
        };
        (u128::from(half(&self.0)) << 64) | u128::from(half(&self.1))
    }
}

/// A comparison being fed: the earlier snapshot's records, then the later one's.
#[derive(Debug)]
pub struct Comparison {
    digester: Digester,
    before: Header,
    before_parts: PoolParts,
    before_users: HashMap<String, Held>,
    after: Option<Header>,
    after_parts: PoolParts,
    after_users: HashSet<String>,
    user_changes: Vec<Change>,
}

fn twice(kind: &str, name: &str) -> String {
    format!("{kind} {name:?} appears twice: a name is unique in a pool")
}

/// Adds `record` to `parts` (false: not a provider or group).
fn add_part(parts: &mut PoolParts, record: &Record) -> Result<bool, String> {
    let fresh = match record {
        Record::Provider(p) => parts.providers.insert(p.name.clone(), p.clone()).is_none(),
        Record::Group(g) => parts.groups.insert(g.name.clone(), g.clone()).is_none(),
        _ => return Ok(false),
    };
    match record {
        Record::Provider(p) if !fresh => Err(twice("identity provider", &p.name)),
        Record::Group(g) if !fresh => Err(twice("group", &g.name)),
        _ => Ok(true),
    }
}

fn not_a_user_or_part(record: &Record) -> String {
    match record {
        Record::Header(_) => "a second header: a snapshot holds one pool".into(),
        _ => "an end record is read by the reader, not compared".into(),
    }
}

/// A user of the earlier snapshot, from its line (which was read as a user record).
fn user_of(line: &str) -> Result<UserEntry, String> {
    match parse_line(line) {
        Ok(Record::User(u)) => Ok(u),
        _ => Err("a user record of the earlier snapshot no longer reads as one".into()),
    }
}

impl Comparison {
    pub fn new(before: Header) -> Comparison {
        Comparison {
            digester: Digester::default(),
            before,
            before_parts: PoolParts::default(),
            before_users: HashMap::new(),
            after: None,
            after_parts: PoolParts::default(),
            after_users: HashSet::new(),
            user_changes: Vec::new(),
        }
    }

    pub fn before_header(&self) -> &Header {
        &self.before
    }

    /// A record of the earlier snapshot, its line and the offset the line starts at; the
    /// error names the rule it breaks.
    pub fn add_before(&mut self, record: Record, line: &str, at: u64) -> Result<(), String> {
        if add_part(&mut self.before_parts, &record)? {
            return Ok(());
        }
        let Record::User(u) = record else {
            return Err(not_a_user_or_part(&record));
        };
        if self.before_users.contains_key(&u.username) {
            return Err(twice("user", &u.username));
        }
        let digest = self.digester.digest(line);
        self.before_users.insert(u.username, Held { digest, at });
        Ok(())
    }

    /// The later snapshot's header, before its records.
    pub fn start_after(&mut self, header: Header) {
        self.after = Some(header);
    }

    /// A record of the later snapshot and its line, compared at once when it is a user
    /// (reading the earlier user's line again from `earlier` when it differs).
    pub fn add_after(
        &mut self,
        record: &Record,
        line: &str,
        earlier: &mut dyn EarlierLines,
    ) -> Result<(), String> {
        if add_part(&mut self.after_parts, record)? {
            return Ok(());
        }
        let Record::User(after) = record else {
            return Err(not_a_user_or_part(record));
        };
        if !self.after_users.insert(after.username.clone()) {
            return Err(twice("user", &after.username));
        }
        match self.before_users.remove(&after.username) {
            Some(held) if held.digest == self.digester.digest(line) => {}
            Some(held) => {
                let before = user_of(&earlier.line_at(held.at)?)?;
                self.user_changes
                    .extend(user_changes(Some(&before), Some(after)));
            }
            None => self.user_changes.extend(user_changes(None, Some(after))),
        }
        Ok(())
    }

    /// Every change: the pool's, then the users' by username (the earlier snapshot's users
    /// the later one lacks are removed).
    pub fn finish(mut self, earlier: &mut dyn EarlierLines) -> Result<Diff, String> {
        // In file order, so a file is read forward.
        let mut gone: Vec<u64> = self.before_users.values().map(|h| h.at).collect();
        gone.sort_unstable();
        for at in gone {
            let before = user_of(&earlier.line_at(at)?)?;
            self.user_changes.extend(user_changes(Some(&before), None));
        }
        // Stable: a user's changes keep their order (removed before added, links first).
        self.user_changes
            .sort_by(|a, b| a.username().cmp(&b.username()));
        let mut changes = pool_changes(&self.before_parts, &self.after_parts);
        changes.append(&mut self.user_changes);
        let after = self.after.unwrap_or_else(|| self.before.clone());
        Ok(Diff {
            before: self.before,
            after,
            changes,
        })
    }
}
