//! A refresh compared with the cached file it replaces, user by user as the pool is listed.
//! Pure: lines in, marks out (the cached file's lines are read again through
//! [`EarlierLines`]).
//!
//! As `snapshot::compare` does for `coglink diff`, with its [`UserIndex`]: of the cached file,
//! each user is held as a digest of its username, a digest of its line and where the line
//! starts (24 bytes a user, whatever its attributes: no second copy of the pool); a listed
//! user whose line has the
//! same digest is unchanged, any other is read again from the file and compared by the diff's
//! rules (`snapshot::diff::user_changes`), so a user whose last-modified time alone moved is
//! not marked. The cached users the listing did not bring are removed.

use crate::domain::UserRecord;
use crate::snapshot::compare::earlier_user;
use crate::snapshot::diff::user_changes;
use crate::snapshot::{Change, Earlier, EarlierLines, UserEntry, UserIndex};

/// How a user of the table differs from the cache it was opened from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Not in the cache (or made again with the name of a cached user: another `sub`).
    Added,
    /// In the cache with other attributes, status, enabled or identities.
    Changed,
    /// In the cache, and no longer in the pool.
    Removed,
}

impl Mark {
    /// The mark column's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Added => "+",
            Mark::Changed => "~",
            Mark::Removed => "−",
        }
    }
}

/// What a refresh found, for the table: the users to replace (with their mark: changed, or
/// added when made again with a cached user's name), those to add, and the usernames of
/// those removed, each list in listing (or file) order.
#[derive(Debug, Default, PartialEq)]
pub struct Refreshed {
    pub changed: Vec<(UserRecord, Mark)>,
    pub added: Vec<UserRecord>,
    pub removed: Vec<String>,
    /// Users the listing brought.
    pub listed: usize,
}

/// A refresh being compared: the cached users not listed yet, and what differs so far.
#[derive(Debug)]
pub struct Refresh {
    baseline: UserIndex,
    found: Refreshed,
}

impl Refresh {
    /// A refresh against the users of the cached file (sealed: `UserIndex::seal`).
    pub fn new(baseline: UserIndex) -> Refresh {
        Refresh {
            baseline,
            found: Refreshed::default(),
        }
    }

    /// A listed user with its entry and line (as the new cache file holds it); returns its
    /// mark, `None` when it is as cached.
    pub fn listed(
        &mut self,
        user: &UserRecord,
        entry: &UserEntry,
        line: &str,
        cached: &mut dyn EarlierLines,
    ) -> Result<Option<Mark>, String> {
        self.found.listed += 1;
        self.baseline.seal(cached)?;
        let mark = match self.baseline.take(user.username(), line) {
            None => {
                self.found.added.push(user.clone());
                return Ok(Some(Mark::Added));
            }
            Some(Earlier::Same) => None,
            Some(Earlier::Other { at }) => {
                let before = earlier_user(cached, at)?;
                let changes = user_changes(Some(&before), Some(entry));
                if changes.is_empty() {
                    None
                } else if changes
                    .iter()
                    .any(|c| matches!(c, Change::UserAdded { .. }))
                {
                    Some(Mark::Added)
                } else {
                    Some(Mark::Changed)
                }
            }
        };
        if let Some(mark) = mark {
            self.found.changed.push((user.clone(), mark));
        }
        Ok(mark)
    }

    /// Users listed so far.
    pub fn count(&self) -> usize {
        self.found.listed
    }

    /// What the refresh found: the cached users the listing did not bring are removed
    /// (their lines read again, in file order, for their names).
    pub fn finish(mut self, cached: &mut dyn EarlierLines) -> Result<Refreshed, String> {
        let mut found = self.found;
        self.baseline.seal(cached)?;
        for at in self.baseline.left() {
            found.removed.push(earlier_user(cached, at)?.username);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Record;
    use crate::snapshot::format::to_line;

    fn user(name: &str, sub: &str, email: &str) -> UserRecord {
        UserRecord::new(
            name.into(),
            "CONFIRMED".into(),
            true,
            vec![("sub".into(), sub.into()), ("email".into(), email.into())],
            Some(1_700_000_000.0),
            Some(1_700_000_000.0),
        )
    }

    fn line_of(u: &UserRecord) -> (UserEntry, String) {
        let entry = UserEntry::of(u, Vec::new());
        let line = to_line(&Record::User(entry.clone()));
        (entry, line)
    }

    /// A cached file of `users`, as lines at their offsets.
    struct File(Vec<(u64, String)>);

    impl File {
        fn of(users: &[UserRecord]) -> (File, UserIndex) {
            let mut baseline = UserIndex::default();
            let mut lines = Vec::new();
            let mut at = 100; // after a header line
            for u in users {
                let (_, line) = line_of(u);
                baseline.add(u.username(), &line, at);
                lines.push((at, line.clone()));
                at += line.len() as u64 + 1;
            }
            let mut file = File(lines);
            baseline.seal(&mut file).unwrap();
            (file, baseline)
        }
    }

    impl EarlierLines for File {
        fn line_at(&mut self, at: u64) -> Result<String, String> {
            self.0
                .iter()
                .find(|(a, _)| *a == at)
                .map(|(_, l)| l.clone())
                .ok_or_else(|| format!("no line at {at}"))
        }
    }

    fn refresh(cached: &[UserRecord], listed: &[UserRecord]) -> (Vec<Option<Mark>>, Refreshed) {
        let (mut file, baseline) = File::of(cached);
        let mut refresh = Refresh::new(baseline);
        let marks = listed
            .iter()
            .map(|u| {
                let (entry, line) = line_of(u);
                refresh.listed(u, &entry, &line, &mut file).unwrap()
            })
            .collect();
        (marks, refresh.finish(&mut file).unwrap())
    }

    #[test]
    fn users_added_changed_and_removed_since_the_cache_are_marked() {
        let cached = [
            user("ann", "s-ann", "ann@x.io"),
            user("bob", "s-bob", "bob@x.io"),
            user("cid", "s-cid", "cid@x.io"),
            user("dee", "s-dee", "dee@x.io"),
        ];
        let listed = [
            user("ann", "s-ann", "ann@x.io"),
            user("bob", "s-bob", "bob@new.io"),
            user("eve", "s-eve", "eve@x.io"),
            // Deleted and made again with its name: another user.
            user("dee", "s-dee-2", "dee@x.io"),
        ];
        let (marks, found) = refresh(&cached, &listed);
        assert_eq!(
            marks,
            [
                None,
                Some(Mark::Changed),
                Some(Mark::Added),
                Some(Mark::Added)
            ]
        );
        assert_eq!(found.listed, 4);
        let replaced: Vec<(&str, Mark)> = found
            .changed
            .iter()
            .map(|(u, m)| (u.username(), *m))
            .collect();
        // Replaced in the table: bob changed, dee made again (another sub: a new user).
        assert_eq!(replaced, [("bob", Mark::Changed), ("dee", Mark::Added)]);
        assert_eq!(found.changed[0].0.email(), Some("bob@new.io"));
        assert_eq!(found.changed[1].0.attribute("sub"), Some("s-dee-2"));
        let added: Vec<&str> = found.added.iter().map(|u| u.username()).collect();
        assert_eq!(added, ["eve"]);
        assert_eq!(found.removed, ["cid"]);
    }

    #[test]
    fn a_user_whose_last_modified_time_alone_moved_is_not_marked() {
        let cached = [user("ann", "s-ann", "ann@x.io")];
        let base = user("ann", "s-ann", "ann@x.io");
        let later = base.with_times(base.created(), Some(1_800_000_000.0));
        let (marks, found) = refresh(&cached, &[later]);
        assert_eq!(marks, [None]);
        assert_eq!(
            found,
            Refreshed {
                listed: 1,
                ..Refreshed::default()
            }
        );
    }

    #[test]
    fn status_enabled_and_identities_are_changes_too() {
        let ann = user("ann", "s-ann", "ann@x.io");
        let mut disabled = ann.clone();
        disabled.enabled = false;
        let linked = UserRecord::new(
            "ann".into(),
            "CONFIRMED".into(),
            true,
            vec![
                ("sub".into(), "s-ann".into()),
                ("email".into(), "ann@x.io".into()),
                (
                    "identities".into(),
                    r#"[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":1}]"#.into(),
                ),
            ],
            ann.created(),
            ann.modified(),
        );
        for later in [ann.with_status("RESET_REQUIRED"), disabled, linked] {
            let (marks, _) = refresh(std::slice::from_ref(&ann), &[later]);
            assert_eq!(marks, [Some(Mark::Changed)]);
        }
    }

    #[test]
    fn the_marks_have_their_symbols() {
        assert_eq!(
            [Mark::Added, Mark::Changed, Mark::Removed].map(Mark::symbol),
            ["+", "~", "−"]
        );
    }
}
