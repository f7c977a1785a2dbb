//! Removing a user from the table (a merge deleted it): the rest are loaded again in load
//! order, with the query, the sort and the selection kept.

use super::UserTable;

impl UserTable {
    /// Removes the user named `username`; false when it is not loaded.
    pub fn remove(&mut self, username: &str) -> bool {
        if self.find(username).is_none() {
            return false;
        }
        let selected = self.selected_user().map(|u| u.username().to_owned());
        let sort = self.sort;
        let query = self.query().to_owned();
        let rest: Vec<_> = std::mem::take(&mut self.users)
            .into_iter()
            .filter(|u| u.username() != username)
            .collect();
        self.clear();
        self.push_page(rest);
        self.set_sort(sort);
        if !query.is_empty() {
            self.set_query(&query);
        }
        if let Some(at) = selected.and_then(|s| self.rows().position(|u| u.username() == s)) {
            self.selected = at;
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
        true
    }
}
