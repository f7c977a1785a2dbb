//! Removing a user from the table (a merge deleted it): the rest are loaded again in load
//! order, with the query, the sort and the selection kept.

use super::UserTable;
use crate::domain::UserRecord;

impl UserTable {
    /// Removes the user named `username`; false when it is not loaded.
    pub fn remove(&mut self, username: &str) -> bool {
        if self.find(username).is_none() {
            return false;
        }
        self.reload(|users| {
            users
                .into_iter()
                .filter(|u| u.username() != username)
                .collect()
        });
        true
    }

    /// Loads the table's users again as `edit` makes them, keeping the query, the sort and
    /// the selected user (or the row it was on).
    pub(super) fn reload(&mut self, edit: impl FnOnce(Vec<UserRecord>) -> Vec<UserRecord>) {
        let selected = self.selected_user().map(|u| u.username().to_owned());
        let sort = self.sort;
        let query = self.query().to_owned();
        let users = edit(std::mem::take(&mut self.users));
        self.clear();
        self.push_page(users);
        self.set_sort(sort);
        if !query.is_empty() {
            self.set_query(&query);
        }
        if let Some(at) = selected.and_then(|s| self.rows().position(|u| u.username() == s)) {
            self.selected = at;
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }
}
