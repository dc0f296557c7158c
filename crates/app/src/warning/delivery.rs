//! Delivering alerts through the outbox: at least once, retried with backoff, every
//! delivery carrying the alert id so receivers can de-duplicate.
//!
//! Webhooks get the alert as JSON, signed: `X-Sinergi-Signature: sha256=<hex HMAC-SHA256
//! of "<X-Sinergi-Timestamp>.<body>" with the webhook's secret>`, only at public addresses
//! unless the operator allows private ones, without following redirects (see [`super::net`]).
//! The SMS gateway gets a short Indonesian text through a configured HTTP template. Every
//! request carries `User-Agent: Sinergi/<version>`.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use sinergi_core::time::Zone;
use sinergi_core::warning::Alert;
use sinergi_store::warning::OutboxRow;

use crate::{App, AppResult};

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 10;

/// An HTTP SMS gateway: `url` receives a POST whose body is `body` with `{phone}` and
/// `{text}` replaced (JSON-escaped when the body is JSON).
#[derive(Debug, Clone)]
pub struct SmsGateway {
    pub url: String,
    pub body: String,
}

/// An SMTP server to send alert e-mails through: `smtp://host:25` (plain, for a local
/// relay), `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:password@host:465`.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    /// The sender address, e.g. `Sinergi <peringatan@sinergi.example>`.
    pub from: String,
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryConfig {
    pub sms: Option<SmsGateway>,
    pub smtp: Option<Smtp>,
    /// Whether webhooks may point into private networks (loopback, private, link-local
    /// addresses): `webhook_allow_private`, for a district server delivering to a gateway
    /// on its own network. Off by default.
    pub allow_private_webhooks: bool,
}

/// The HTTP clients deliveries use: one for the operator's SMS gateway, one for webhooks
/// (checked addresses, no redirects; see [`super::net`]).
#[derive(Debug, Clone)]
pub struct Clients {
    pub http: reqwest::Client,
    pub webhooks: reqwest::Client,
}

impl Clients {
    pub fn new(allow_private_webhooks: bool) -> Result<Self, String> {
        Ok(Clients {
            http: super::net::http_client(),
            webhooks: super::net::webhook_client(allow_private_webhooks)?,
        })
    }
}

/// An error with its causes, for the delivery log (reqwest's own text leaves them out).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Sends one plain-text mail through the operator's SMTP server (alerts, reminders).
pub(crate) async fn send_mail(
    smtp: &Smtp,
    to: &str,
    subject: &str,
    body: String,
) -> Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let msg = Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("smtp_from: {e}"))?)
        .to(to.parse().map_err(|e| format!("{to}: {e}"))?)
        .subject(subject.chars().take(150).collect::<String>())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| format!("smtp_url: {e}"))?
        .timeout(Some(std::time::Duration::from_secs(15)))
        .build();
    transport.send(msg).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Seconds to wait before attempt `n + 1`: 5 s doubling, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let s = 5i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(s.min(3600))
}

/// The signature header value for a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn kind_text(kind: &str) -> &'static str {
    match kind {
        "enter" => "masuk",
        "exit" => "keluar dari",
        "proximity" => "mendekati",
        "dwell" => "bertahan di",
        "cross" => "melintasi",
        "hotspot_inside" => "titik api di",
        "sighting_inside" => "terlihat di",
        "sighting_proximity" => "terlihat dekat",
        "device_silent" => "— perangkat tidak mengirim data —",
        "battery_low" => "— baterai lemah —",
        "no_movement" => "— tidak bergerak —",
        _ => "peringatan:",
    }
}

impl App {
    /// The JSON an alert is delivered as.
    pub async fn alert_payload(&self, a: &Alert, delivery: i64) -> AppResult<serde_json::Value> {
        let st = self.engine_state().await?;
        let subject = a.subject_id.and_then(|s| st.subjects.get(&s));
        let fence = a.fence_id.and_then(|f| st.fences.get(&f));
        Ok(json!({
            "alert_id": a.id,
            "delivery_id": delivery,
            "kind": a.kind,
            "severity": a.severity.as_str(),
            "at": a.at.to_rfc3339(),
            "lon": a.lon,
            "lat": a.lat,
            "distance_m": a.distance_m,
            "rule": a.rule_id.and_then(|r| st.rules.get(&r)).map(|r| r.name.clone()),
            "fence": fence.map(|f| f.name.clone()),
            "subject": subject.map(|s| s.name.clone()),
            "species": subject.map(|s| s.species.clone()),
            "status": a.status.as_str(),
        }))
    }

    /// The SMS text: who, what, where, when in the place's zone.
    pub async fn alert_text(&self, a: &Alert) -> AppResult<String> {
        let st = self.engine_state().await?;
        let subject = a
            .subject_id
            .and_then(|s| st.subjects.get(&s))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "Satwa".into());
        let fence = a.fence_id.and_then(|f| st.fences.get(&f));
        let zone = fence
            .and_then(|f| f.region_code.as_deref())
            .map(Zone::for_region)
            .unwrap_or(Zone::Wib);
        Ok(format!(
            "PERINGATAN SINERGI: {} {} {} {}. Kode {}",
            subject,
            kind_text(&a.kind),
            fence.map(|f| f.name.as_str()).unwrap_or(""),
            zone.format(a.at),
            &a.id.to_string()[..8]
        ))
    }

    /// Delivers what is due; returns how many attempts were made.
    pub async fn deliver_due(&self, http: &Clients) -> AppResult<usize> {
        let now = self.now();
        let due = self.store.due_outbox(now, 100).await?;
        let n = due.len();
        for row in due {
            let result = self.deliver_one(http, &row).await;
            let attempts = row.attempts + 1;
            let now = self.now();
            let updated = match result {
                Ok(()) => OutboxRow {
                    status: "sent".into(),
                    attempts,
                    sent_at: Some(now),
                    last_error: None,
                    ..row
                },
                Err(e) => {
                    tracing::warn!(outbox = row.id, channel = %row.channel, error = %e, "delivery failed");
                    OutboxRow {
                        status: if attempts >= MAX_ATTEMPTS {
                            "failed".into()
                        } else {
                            "pending".into()
                        },
                        attempts,
                        next_attempt_at: now + backoff(attempts - 1),
                        last_error: Some(e.chars().take(500).collect()),
                        ..row
                    }
                }
            };
            crate::operations::delivery_attempted(&updated);
            self.store.record_delivery(&updated).await?;
        }
        Ok(n)
    }

    async fn deliver_one(&self, http: &Clients, row: &OutboxRow) -> Result<(), String> {
        let alert = self
            .store
            .alert(row.alert_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the alert is gone")?;
        match row.channel.as_str() {
            "webhook" => {
                let hook = self
                    .store
                    .webhooks()
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .find(|w| w.id.to_string() == row.target)
                    .ok_or("the webhook was removed")?;
                if !hook.active {
                    return Err("the webhook is switched off".into());
                }
                let body = self
                    .alert_payload(&alert, row.id)
                    .await
                    .map_err(|e| e.to_string())?
                    .to_string();
                let url = reqwest::Url::parse(&hook.url)
                    .map_err(|e| format!("the webhook address is not valid: {e}"))?;
                let allow_private = self.warning.delivery.allow_private_webhooks;
                if let Some(ip) = super::net::refused_address(&url, allow_private) {
                    return Err(format!(
                        "{ip} is not a public address; webhooks are not delivered into private networks (webhook_allow_private)"
                    ));
                }
                let ts = self.now().timestamp();
                let r = http
                    .webhooks
                    .post(url)
                    .header("content-type", "application/json")
                    .header("x-sinergi-alert-id", alert.id.to_string())
                    .header("x-sinergi-delivery-id", row.id.to_string())
                    .header("x-sinergi-timestamp", ts.to_string())
                    .header(
                        "x-sinergi-signature",
                        signature(&hook.secret, ts, body.as_bytes()),
                    )
                    .body(body)
                    .timeout(std::time::Duration::from_secs(10))
                    .send()
                    .await
                    .map_err(|e| with_causes(&e))?;
                if r.status().is_success() {
                    Ok(())
                } else if r.status().is_redirection() {
                    Err(format!(
                        "the receiver answered {} (redirects are not followed)",
                        r.status()
                    ))
                } else {
                    Err(format!("the receiver answered {}", r.status()))
                }
            }
            "sms" => {
                let gw = self
                    .warning
                    .delivery
                    .sms
                    .as_ref()
                    .ok_or("no SMS gateway is set up")?;
                let text = self.alert_text(&alert).await.map_err(|e| e.to_string())?;
                let json_body = gw.body.trim_start().starts_with('{');
                let esc = |s: &str| {
                    if json_body {
                        let q = serde_json::Value::String(s.to_string()).to_string();
                        q[1..q.len() - 1].to_string()
                    } else {
                        s.to_string()
                    }
                };
                let body = gw
                    .body
                    .replace("{phone}", &esc(&row.target))
                    .replace("{text}", &esc(&text));
                let r = http
                    .http
                    .post(&gw.url)
                    .header(
                        "content-type",
                        if json_body {
                            "application/json"
                        } else {
                            "text/plain; charset=utf-8"
                        },
                    )
                    .header("x-sinergi-alert-id", alert.id.to_string())
                    .body(body)
                    .timeout(std::time::Duration::from_secs(10))
                    .send()
                    .await
                    .map_err(|e| with_causes(&e))?;
                if r.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("the SMS gateway answered {}", r.status()))
                }
            }
            "email" => {
                let smtp = self
                    .warning
                    .delivery
                    .smtp
                    .as_ref()
                    .ok_or("no SMTP server is set up")?;
                let text = self.alert_text(&alert).await.map_err(|e| e.to_string())?;
                let body = format!(
                    "{text}\n\nLokasi: {:.5}, {:.5}\nTingkat: {}\nKode peringatan: {}\n\n\
                     Tanggapi di papan peringatan Sinergi (/peringatan).\n",
                    alert.lat,
                    alert.lon,
                    alert.severity.as_str(),
                    alert.id
                );
                send_mail(smtp, &row.target, &text, body).await
            }
            other => Err(format!("{other} delivery is not available on this server")),
        }
    }

    /// Runs the delivery worker, device health and dwell ticks until the process ends:
    /// deliveries as soon as they are waiting (or every few seconds for retries), health
    /// and ticks every minute.
    pub async fn run_warning_worker(self: std::sync::Arc<Self>) {
        let http = match Clients::new(self.warning.delivery.allow_private_webhooks) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "alerts cannot be delivered");
                return;
            }
        };
        let mut last_minute: Option<DateTime<Utc>> = None;
        loop {
            if let Err(e) = self.deliver_due(&http).await {
                tracing::error!(error = %e, "outbox delivery");
            }
            let now = self.now();
            if last_minute.is_none_or(|t| now - t >= Duration::seconds(60)) {
                last_minute = Some(now);
                if let Err(e) = self.tick_engine().await {
                    tracing::error!(error = %e, "dwell tick");
                }
                if let Err(e) = self.check_device_health().await {
                    tracing::error!(error = %e, "device health");
                }
            }
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(2),
                self.warning.outbox_ready.notified(),
            )
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(5));
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(4), Duration::seconds(80));
        assert_eq!(backoff(20), Duration::seconds(3600));
    }

    #[test]
    fn signatures_cover_time_and_body() {
        let s = signature("rahasia", 1_700_000_000, b"{\"a\":1}");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64);
        assert_ne!(s, signature("rahasia", 1_700_000_001, b"{\"a\":1}"));
        assert_ne!(s, signature("lain", 1_700_000_000, b"{\"a\":1}"));
        assert_eq!(s, signature("rahasia", 1_700_000_000, b"{\"a\":1}"));
    }
}
