//! What keeps a listing's memory bounded whatever the pool's size: the events' receiver
//! admits a fixed number of unread pages (a slow reader slows the listing down instead of
//! piling pages up), and the usernames kept to drop a user read twice are those of the
//! previous page of the same partition only, not of every user seen.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};

use super::failure::Failure;
use crate::domain::UserRecord;

/// Progress of a listing, in arrival order.
#[derive(Clone, Debug)]
pub enum ListingEvent {
    /// New users (never one on the partition's previous page).
    Page {
        users: Vec<UserRecord>,
    },
    /// A transient failure; the page is read again.
    Retrying {
        failure: Failure,
        rate: f64,
    },
    Finished(ListingStats),
    Failed(Failure),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListingStats {
    pub pages: u64,
    pub users: u64,
    pub throttles: u64,
    pub retries: u64,
    pub elapsed: Duration,
}

/// Pages sent and not yet read, at most: two per partition of a 16-way listing (about
/// 32 × 60 users).
pub const UNREAD_PAGES: usize = 32;

/// The receiving end of a listing. Dropping it stops the listing.
pub struct ListingEvents {
    rx: mpsc::UnboundedReceiver<ListingEvent>,
    room: Arc<Semaphore>,
}

/// The sending end: pages wait for room, other events never wait.
#[derive(Clone)]
pub struct ListingSender {
    tx: mpsc::UnboundedSender<ListingEvent>,
    room: Arc<Semaphore>,
}

/// A channel of listing events admitting `unread_pages` unread pages.
pub fn listing_channel(unread_pages: usize) -> (ListingSender, ListingEvents) {
    let (tx, rx) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(unread_pages));
    (
        ListingSender {
            tx,
            room: room.clone(),
        },
        ListingEvents { rx, room },
    )
}

impl ListingEvents {
    /// The next event; `None` once the listing has ended and every event was read.
    pub async fn recv(&mut self) -> Option<ListingEvent> {
        let event = self.rx.recv().await?;
        if matches!(event, ListingEvent::Page { .. }) {
            self.room.add_permits(1);
        }
        Some(event)
    }
}

impl Drop for ListingEvents {
    fn drop(&mut self) {
        // Wakes a sender waiting for room: nobody reads any more.
        self.room.close();
    }
}

impl ListingSender {
    /// Sends a page once there is room; `false` when nobody reads any more.
    pub async fn page(&self, event: ListingEvent) -> bool {
        match self.room.acquire().await {
            Ok(permit) => permit.forget(),
            Err(_) => return false,
        }
        self.tx.send(event).is_ok()
    }

    /// Sends an event that is not a page (retries and the end are never held back).
    pub fn event(&self, event: ListingEvent) -> bool {
        self.tx.send(event).is_ok()
    }
}

/// The usernames of a partition's previous page. A user is read twice only where one
/// partition's pages meet: a `sub ^= "x"` partition never shares a user with another (a
/// `sub` is unique and never changes), and a pagination token is a cursor, so a change to
/// the pool during the listing can at most shift the boundary between two consecutive pages.
/// UNVERIFIED for Cognito (its order and token are not documented; the local endpoint never
/// repeats a user): if a repeat further apart were ever seen, widen this window here.
#[derive(Default)]
pub struct PreviousPage {
    usernames: HashSet<String>,
}

impl PreviousPage {
    /// Keeps the users not on the previous page, and remembers this page.
    pub fn fresh(
        &mut self,
        users: Vec<crate::domain::UserRecord>,
    ) -> Vec<crate::domain::UserRecord> {
        let fresh: Vec<_> = users
            .into_iter()
            .filter(|u| !self.usernames.contains(&u.username))
            .collect();
        self.usernames = fresh.iter().map(|u| u.username.clone()).collect();
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserRecord {
        UserRecord::new(name.into(), "CONFIRMED".into(), true, vec![], None, None)
    }

    fn names(users: &[UserRecord]) -> Vec<&str> {
        users.iter().map(|u| u.username.as_str()).collect()
    }

    #[test]
    fn a_user_repeated_across_a_page_boundary_is_dropped() {
        let mut window = PreviousPage::default();
        assert_eq!(names(&window.fresh(vec![user("a"), user("b")])), ["a", "b"]);
        assert_eq!(names(&window.fresh(vec![user("b"), user("c")])), ["c"]);
        assert_eq!(names(&window.fresh(vec![user("d")])), ["d"]);
    }

    #[tokio::test]
    async fn pages_wait_for_room_and_other_events_do_not() {
        let (tx, mut rx) = listing_channel(2);
        assert!(tx.page(ListingEvent::Page { users: vec![] }).await);
        assert!(tx.page(ListingEvent::Page { users: vec![] }).await);
        // The third page waits until one is read.
        let third = tokio::spawn({
            let tx = tx.clone();
            async move {
                tx.page(ListingEvent::Page {
                    users: vec![user("x")],
                })
                .await
            }
        });
        tokio::task::yield_now().await;
        assert!(!third.is_finished());
        assert!(tx.event(ListingEvent::Failed(crate::aws::Failure {
            kind: crate::aws::FailureKind::Unreadable,
            code: None,
            message: "m".into(),
            hint: None,
        })));
        assert!(matches!(rx.recv().await, Some(ListingEvent::Page { .. })));
        assert!(third.await.unwrap());
        // A reader gone wakes a waiting sender with `false`.
        let (tx, rx) = listing_channel(1);
        assert!(tx.page(ListingEvent::Page { users: vec![] }).await);
        let waiting =
            tokio::spawn(async move { tx.page(ListingEvent::Page { users: vec![] }).await });
        drop(rx);
        assert!(!waiting.await.unwrap());
    }
}
