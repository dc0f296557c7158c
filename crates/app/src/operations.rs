//! What operators measure: the metrics the use cases record (through the `metrics` facade;
//! the web crate installs the Prometheus recorder and serves `/metrics`), and who may read
//! them.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `sinergi_fixes_ingested_total` | counter | |
//! | `sinergi_alerts_raised_total` | counter | `severity` |
//! | `sinergi_fix_to_alert_seconds` | histogram | (from a batch's arrival to its alerts being published) |
//! | `sinergi_delivery_attempts_total` | counter | `channel`, `outcome` (`sent`, `retry`, `failed`) |
//! | `sinergi_delivery_failures_total` | counter | `channel` |
//! | `sinergi_delivery_outbox_backlog` | gauge | (deliveries waiting) |
//! | `sinergi_db_pool_connections` | gauge | `pool`, `state` (`in_use`, `idle`, `max`) |

use std::time::Duration;

use sinergi_core::warning::Alert;
use sinergi_store::warning::{IngestOutcome, OutboxRow};

use crate::App;

/// Who may read `/metrics`: anyone presenting `token` as a bearer token, or anyone at all
/// when `public`. Neither set: nobody.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    pub token: Option<String>,
    pub public: bool,
}

/// Shows the counters from the start, at zero, so that a rate is defined before the
/// first event.
pub fn start_at_zero() {
    metrics::counter!("sinergi_fixes_ingested_total").increment(0);
    for severity in ["info", "warning", "critical"] {
        metrics::counter!("sinergi_alerts_raised_total", "severity" => severity).increment(0);
    }
    for channel in ["webhook", "sms", "email"] {
        metrics::counter!("sinergi_delivery_failures_total", "channel" => channel).increment(0);
    }
}

/// A committed batch of fixes; `since_arrival` is the time since it reached the app.
pub(crate) fn fixes_ingested(outcome: &IngestOutcome, since_arrival: Duration) {
    let stored = outcome.fixes_stored.iter().filter(|s| **s).count();
    metrics::counter!("sinergi_fixes_ingested_total").increment(stored as u64);
    for _ in &outcome.alerts {
        metrics::histogram!("sinergi_fix_to_alert_seconds").record(since_arrival.as_secs_f64());
    }
}

/// Alerts committed (from fixes, hotspots, reports or device health).
pub(crate) fn alerts_raised(alerts: &[Alert]) {
    for a in alerts {
        metrics::counter!("sinergi_alerts_raised_total", "severity" => a.severity.as_str())
            .increment(1);
    }
}

/// One delivery attempt, as it is about to be recorded.
pub(crate) fn delivery_attempted(row: &OutboxRow) {
    let outcome = match row.status.as_str() {
        "sent" => "sent",
        "failed" => "failed",
        _ => "retry",
    };
    metrics::counter!(
        "sinergi_delivery_attempts_total",
        "channel" => row.channel.clone(),
        "outcome" => outcome
    )
    .increment(1);
    if outcome != "sent" {
        metrics::counter!("sinergi_delivery_failures_total", "channel" => row.channel.clone())
            .increment(1);
    }
}

impl App {
    /// Sets the gauges read when metrics are scraped: the outbox backlog and the database
    /// pools.
    pub async fn record_gauges(&self) {
        match self.store.outbox_backlog().await {
            Ok(n) => metrics::gauge!("sinergi_delivery_outbox_backlog").set(n as f64),
            Err(e) => tracing::warn!(error = %e, "metrics: the outbox backlog cannot be read"),
        }
        for p in self.store.pool_use() {
            let set = |state: &'static str, n: u32| {
                metrics::gauge!("sinergi_db_pool_connections", "pool" => p.pool, "state" => state)
                    .set(f64::from(n))
            };
            set("in_use", p.size.saturating_sub(p.idle));
            set("idle", p.idle);
            set("max", p.max);
        }
    }
}
