//! In-application notifications: what a user is told without having asked — another
//! agency used emergency access to one of their agency's reports, a report was referred
//! to their agency. Written in the same transaction as the event that causes them.

use sinergi_core::access::Actor;
use sinergi_core::ids::NotificationId;
use sinergi_store::Notification;

use crate::{App, AppError, AppResult};

/// At most this many notifications are listed at once.
pub const LIST_LIMIT: u32 = 200;

impl App {
    /// The actor's notifications, newest first.
    pub async fn notifications(
        &self,
        actor: &Actor,
        unread_only: bool,
    ) -> AppResult<Vec<Notification>> {
        Ok(self
            .store
            .notifications(actor.user_id, unread_only, LIST_LIMIT)
            .await?)
    }

    pub async fn unread_notifications(&self, actor: &Actor) -> AppResult<i64> {
        Ok(self.store.unread_notifications(actor.user_id).await?)
    }

    /// Marks one notification read; someone else's, or an unknown one, is not found.
    /// Marking an already read one again changes nothing.
    pub async fn mark_notification_read(&self, actor: &Actor, id: NotificationId) -> AppResult<()> {
        if self
            .store
            .mark_notifications_read(actor.user_id, Some(id), self.now())
            .await?
            == 1
        {
            return Ok(());
        }
        let own = self
            .store
            .notifications(actor.user_id, false, LIST_LIMIT)
            .await?
            .iter()
            .any(|n| n.id == id);
        if own {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Marks all of the actor's notifications read; returns how many were unread.
    pub async fn mark_all_notifications_read(&self, actor: &Actor) -> AppResult<u64> {
        Ok(self
            .store
            .mark_notifications_read(actor.user_id, None, self.now())
            .await?)
    }
}
