//! Live events (alerts as they are committed, and changes to them) for whoever streams them
//! to browsers, behind a port: [`EventBus`]. Today one process serves, and
//! [`InProcessBus`] (a bounded broadcast channel) carries them; several servers over one
//! database need a bus they all share, which is another implementation of the same trait.
//!
//! Delivery is at most once and may lag: a subscriber that falls behind gets
//! [`Missed`] and is expected to catch up from the store (the alert stream does so with
//! `Last-Event-ID`).

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use tokio::sync::broadcast;

use crate::warning::LiveAlert;

/// One event on the bus.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LiveEvent {
    /// A new alert, or one changed by a response.
    Alert(LiveAlert),
}

/// The subscriber fell behind and events were dropped; it should catch up from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missed;

/// What a subscriber reads: events in publication order, `Err(Missed)` after a gap, and the
/// end of the stream when the bus closes.
pub type Subscription = BoxStream<'static, Result<LiveEvent, Missed>>;

/// Publishes live events and hands out subscriptions to them.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Sends an event to every current subscriber; never blocks and never fails the caller
    /// (an event nobody listens to is dropped).
    fn publish(&self, event: LiveEvent);
    /// A subscription that receives every event published after this returns.
    async fn subscribe(&self) -> Subscription;
}

/// The bus of a single process: a broadcast channel holding the newest `capacity` events.
pub struct InProcessBus {
    tx: broadcast::Sender<LiveEvent>,
}

impl InProcessBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        InProcessBus { tx }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        InProcessBus::new(4096)
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    fn publish(&self, event: LiveEvent) {
        let _ = self.tx.send(event);
    }

    async fn subscribe(&self) -> Subscription {
        futures_util::stream::unfold(self.tx.subscribe(), |mut rx| async move {
            match rx.recv().await {
                Ok(e) => Some((Ok(e), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => Some((Err(Missed), rx)),
                Err(broadcast::error::RecvError::Closed) => None,
            }
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_core::ids::AgencyId;
    use sinergi_core::warning::{Alert, AlertId, AlertStatus, Severity};

    fn alert(seq: i64) -> LiveEvent {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        LiveEvent::Alert(LiveAlert {
            alert: Alert {
                seq,
                id: AlertId(uuid::Uuid::nil()),
                rule_id: None,
                fence_id: None,
                subject_id: None,
                device_id: None,
                report_id: None,
                fix_id: None,
                hotspot_id: None,
                kind: "enter".into(),
                severity: Severity::Warning,
                owner_agency_id: AgencyId(uuid::Uuid::nil()),
                at,
                lon: 105.0,
                lat: -5.0,
                distance_m: None,
                status: AlertStatus::Open,
                created_at: at,
                acknowledged_at: None,
                acknowledged_by: None,
                closed_at: None,
                closed_by: None,
                outcome: None,
                version: 1,
            },
            update: false,
        })
    }

    fn seq(e: &Result<LiveEvent, Missed>) -> Option<i64> {
        match e {
            Ok(LiveEvent::Alert(a)) => Some(a.alert.seq),
            Err(Missed) => None,
        }
    }

    #[tokio::test]
    async fn subscribers_hear_what_is_published_after_they_subscribe_and_are_told_of_gaps() {
        let bus = InProcessBus::new(2);
        bus.publish(alert(1));
        let mut sub = bus.subscribe().await;
        bus.publish(alert(2));
        bus.publish(alert(3));
        assert_eq!(sub.next().await.as_ref().and_then(seq), Some(2));
        assert_eq!(sub.next().await.as_ref().and_then(seq), Some(3));
        let mut slow = bus.subscribe().await;
        for n in 4..=6 {
            bus.publish(alert(n));
        }
        assert!(
            matches!(slow.next().await, Some(Err(Missed))),
            "a gap is reported"
        );
        assert_eq!(slow.next().await.as_ref().and_then(seq), Some(5));
        assert_eq!(slow.next().await.as_ref().and_then(seq), Some(6));
    }
}
