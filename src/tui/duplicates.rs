//! The duplicates view's state: the groups `find_duplicates` makes of the loaded users (by
//! email and phone), recomputed as pages arrive, and the cursor over them. Pure.

use crate::domain::{DuplicateGroup, GroupClass, MatchBy, UserRecord, find_duplicates};

/// What users are grouped by in the view.
pub const MATCH_BY: [MatchBy; 2] = [MatchBy::Email, MatchBy::Phone];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DuplicatesView {
    pub groups: Vec<DuplicateGroup>,
    /// The group under the cursor.
    pub cursor: usize,
}

impl DuplicatesView {
    pub fn of<'a>(users: impl Iterator<Item = &'a UserRecord>) -> DuplicatesView {
        let mut view = DuplicatesView::default();
        view.recompute(users);
        view
    }

    /// The groups of `users` now; the cursor stays on the same group when it still exists.
    pub fn recompute<'a>(&mut self, users: impl Iterator<Item = &'a UserRecord>) {
        let users: Vec<UserRecord> = users.cloned().collect();
        let current = self.selected().map(|g| (g.by, g.key.clone()));
        self.groups = find_duplicates(&users, &MATCH_BY);
        self.cursor = current
            .and_then(|(by, key)| self.groups.iter().position(|g| g.by == by && g.key == key))
            .unwrap_or(self.cursor)
            .min(self.groups.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<&DuplicateGroup> {
        self.groups.get(self.cursor)
    }

    pub fn mergeable(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| g.class == GroupClass::Mergeable)
            .count()
    }

    /// Moves the cursor by `delta` groups, staying on the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.groups.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }
}

/// Whether Enter on the group may review a merge.
pub fn can_merge(group: &DuplicateGroup) -> bool {
    matches!(group.class, GroupClass::Mergeable | GroupClass::Unverified)
        && group.keep.is_some()
        && !group.merge.is_empty()
}
