//! A table opened from the cache, refreshed in one step once the pool has been listed again:
//! the users that changed replaced, the new ones added, with the query, the sort and the
//! selected user kept.

use std::collections::HashMap;

use super::UserTable;
use crate::domain::UserRecord;

impl UserTable {
    /// Replaces each of `changed` (by username) and appends `added`: one pass, however many
    /// there are (a refresh may bring thousands).
    pub fn refresh(&mut self, changed: Vec<UserRecord>, added: Vec<UserRecord>) {
        if changed.is_empty() && added.is_empty() {
            return;
        }
        let mut fresh: HashMap<String, UserRecord> = changed
            .into_iter()
            .map(|u| (u.username().to_owned(), u))
            .collect();
        self.reload(|users| {
            let mut all: Vec<UserRecord> = users
                .into_iter()
                .map(|u| fresh.remove(u.username()).unwrap_or(u))
                .collect();
            // A changed user no longer in the table (a merge removed it meanwhile) is not
            // added.
            all.extend(added);
            all
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::testdata::{native, with_links};
    use crate::tui::users::{SortOrder, UserTable};

    #[test]
    fn changed_users_are_replaced_in_place_and_new_ones_added_keeping_the_selection() {
        let mut table = UserTable::default();
        table.push_page(vec![native("ann"), native("bob"), native("cid")]);
        table.move_by(1);
        assert_eq!(table.selected_user().unwrap().username(), "bob");
        table.refresh(vec![with_links("ann", 2)], vec![native("abe")]);
        let names: Vec<&str> = table.rows().map(|u| u.username()).collect();
        assert_eq!(names, ["ann", "bob", "cid", "abe"]);
        assert_eq!(table.find("ann").unwrap().link_count(), 2);
        assert_eq!(table.selected_user().unwrap().username(), "bob");
        // Sorted and filtered, the order and the query hold.
        table.set_sort(SortOrder::Name);
        table.set_query("a");
        table.refresh(vec![with_links("abe", 1)], vec![native("amy")]);
        let names: Vec<&str> = table.rows().map(|u| u.username()).collect();
        assert_eq!(table.sort(), SortOrder::Name);
        assert_eq!(table.query(), "a");
        assert!(
            names.contains(&"amy") && names.contains(&"abe"),
            "{names:?}"
        );
        assert_eq!(table.find("abe").unwrap().link_count(), 1);
        assert_eq!(table.total(), 5);
    }
}
