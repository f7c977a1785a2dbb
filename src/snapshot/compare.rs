//! Two snapshots compared as they stream. Pure: records in, changes out.
//!
//! Of the earlier snapshot, each user is held as 64-bit digests of its username and of its
//! record line, and where the line starts ([`UserIndex`]: 24 bytes a user, whatever its
//! attributes); the later one is compared user by user as it is read or listed. A user whose
//! line has the same digest is unchanged; any other is read again from the earlier file
//! ([`EarlierLines`]) and compared field by field. Digest keys are drawn at random per run:
//! two lines of one username sharing a digest (a change missed) is a chance of one in 2^64;
//! two usernames of a pool of 1,000,000 sharing one (the file then refused as naming a user
//! twice) about one in 36 million.

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
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

/// A user of the earlier side: digests of its username and line, and the line's offset.
#[derive(Debug, Clone, Copy)]
struct Held {
    key: u64,
    line: u64,
    at: u64,
}

/// How a user of the later side stands against the earlier one ([`UserIndex::take`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// The same line.
    Same,
    /// Another line: the earlier one starts at `at`.
    Other { at: u64 },
}

/// The users of an earlier snapshot (or a cached file), each as digests and an offset: added
/// in file order, sorted once all are in (`seal`), then taken by username as the later side
/// comes.
#[derive(Debug, Default)]
pub struct UserIndex {
    digester: Digester,
    users: Vec<Held>,
    /// Which of `users` the later side has brought; as long as `users` once sealed.
    taken: Vec<bool>,
}

impl UserIndex {
    /// A 64-bit digest of `text`, comparable within this run.
    pub fn digest(&self, text: &str) -> u64 {
        self.digester.digest(text) as u64
    }

    /// A user of the earlier side, its line and the offset the line starts at.
    pub fn add(&mut self, username: &str, line: &str, at: u64) {
        self.taken.clear();
        let held = Held {
            key: self.digest(username),
            line: self.digest(line),
            at,
        };
        self.users.push(held);
    }

    /// Orders the users for `take` once all are added (again: nothing to do); a username
    /// twice is refused (a pool's usernames are unique), named from its line in `earlier`.
    pub fn seal(&mut self, earlier: &mut dyn EarlierLines) -> Result<(), String> {
        if self.taken.len() == self.users.len() {
            // Sealed already (`add` clears `taken`), or nothing to order.
            return Ok(());
        }
        self.users.sort_unstable_by_key(|h| (h.key, h.at));
        if let Some(w) = self.users.windows(2).find(|w| w[0].key == w[1].key) {
            let name = earlier_user(earlier, w[1].at)?.username;
            return Err(twice("user", &name));
        }
        self.taken = vec![false; self.users.len()];
        Ok(())
    }

    /// The earlier user named `username`, compared with the later `line`; `None` when there
    /// is none (or it was taken already).
    pub fn take(&mut self, username: &str, line: &str) -> Option<Earlier> {
        let key = self.digest(username);
        let i = self.users.binary_search_by_key(&key, |h| h.key).ok()?;
        if std::mem::replace(self.taken.get_mut(i)?, true) {
            return None;
        }
        let held = self.users.get(i)?;
        Some(if held.line == self.digest(line) {
            Earlier::Same
        } else {
            Earlier::Other { at: held.at }
        })
    }

    /// Where the earlier users not taken start, in file order.
    pub fn left(&self) -> Vec<u64> {
        let mut gone: Vec<u64> = (self.users.iter().zip(&self.taken))
            .filter(|(_, taken)| !**taken)
            .map(|(h, _)| h.at)
            .collect();
        gone.sort_unstable();
        gone
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
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
    before: Header,
    before_parts: PoolParts,
    before_users: UserIndex,
    after: Option<Header>,
    after_parts: PoolParts,
    /// Digests of the later side's usernames, to refuse one twice.
    after_users: HashSet<u64>,
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

/// A user of the earlier side, from its line (which was read as a user record).
fn user_of(line: &str) -> Result<UserEntry, String> {
    match parse_line(line) {
        Ok(Record::User(u)) => Ok(u),
        _ => Err("a user record of the earlier file no longer reads as one".into()),
    }
}

/// The user of the earlier side whose line starts at `at` (an offset [`UserIndex::take`] or
/// [`UserIndex::left`] gave).
pub fn earlier_user(earlier: &mut dyn EarlierLines, at: u64) -> Result<UserEntry, String> {
    user_of(&earlier.line_at(at)?)
}

impl Comparison {
    pub fn new(before: Header) -> Comparison {
        Comparison {
            before,
            before_parts: PoolParts::default(),
            before_users: UserIndex::default(),
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
        self.before_users.add(&u.username, line, at);
        Ok(())
    }

    /// The earlier side is complete: its users are ordered for the later side (a user it
    /// names twice is refused, named from its line in `earlier`).
    pub fn seal_before(&mut self, earlier: &mut dyn EarlierLines) -> Result<(), String> {
        self.before_users.seal(earlier)
    }

    /// The later snapshot's header, before its records (sealing the earlier side, when
    /// `seal_before` was not called).
    pub fn start_after(
        &mut self,
        header: Header,
        earlier: &mut dyn EarlierLines,
    ) -> Result<(), String> {
        self.before_users.seal(earlier)?;
        self.after = Some(header);
        Ok(())
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
        self.before_users.seal(earlier)?;
        if !(self.after_users).insert(self.before_users.digest(&after.username)) {
            return Err(twice("user", &after.username));
        }
        match self.before_users.take(&after.username, line) {
            Some(Earlier::Same) => {}
            Some(Earlier::Other { at }) => {
                let before = earlier_user(earlier, at)?;
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
        self.before_users.seal(earlier)?;
        for at in self.before_users.left() {
            let before = earlier_user(earlier, at)?;
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
