//! Fixes from an MQTT broker: one JSON fix (or an array of fixes) per message, on a
//! configured topic filter. A fix without `device` takes it from the topic's last level
//! (`sinergi/fixes/COLLAR-07`).
//!
//! The session is persistent (clean session off) and messages are subscribed at QoS 1 and
//! acknowledged only after their fixes are committed, so a message is never lost: one
//! that arrives while Sinergi is down waits at the broker, one that was being stored when
//! Sinergi stopped is delivered again (and is then a duplicate, which changes nothing).
//! A dropped connection is retried with a growing pause, forever.

use std::sync::Arc;
use std::time::Duration;

use crate::App;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::Value;

/// Where to listen.
#[derive(Debug, Clone)]
pub struct MqttConfig {
    /// `mqtt://host:port`
    pub url: String,
    pub topic: String,
    pub client_id: String,
}

pub fn host_port(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| {
            "the MQTT URL must start with mqtt://, e.g. mqtt://127.0.0.1:1883".to_string()
        })?;
    let rest = rest.trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((h, p)) => Ok((
            h.to_string(),
            p.parse().map_err(|_| format!("bad MQTT port in {url}"))?,
        )),
        None => Ok((rest.to_string(), 1883)),
    }
}

/// The fixes in one message.
pub fn fixes_of(
    topic: &str,
    payload: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Result<sinergi_core::observation::FixInput, Vec<sinergi_core::error::FieldError>>> {
    let device_from_topic = topic.rsplit('/').next().unwrap_or("").to_string();
    let with_device = |mut v: Value| {
        if let Value::Object(o) = &mut v {
            if !o.contains_key("device") && !device_from_topic.is_empty() {
                o.insert("device".into(), Value::String(device_from_topic.clone()));
            }
        }
        v
    };
    match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Array(items)) => {
            let items = Value::Array(items.into_iter().map(with_device).collect());
            match sinergi_core::observation::parse_fix_batch(&items, now) {
                Ok(v) => v,
                Err(msg) => vec![Err(vec![sinergi_core::error::FieldError {
                    field: "payload".into(),
                    message: msg,
                }])],
            }
        }
        Ok(v) => vec![sinergi_core::observation::parse_fix(&with_device(v), now)],
        Err(e) => vec![Err(vec![sinergi_core::error::FieldError {
            field: "payload".into(),
            message: format!("not JSON: {e}").into(),
        }])],
    }
}

/// Runs until the process ends.
pub async fn run(app: Arc<App>, cfg: MqttConfig) -> Result<(), String> {
    let (host, port) = host_port(&cfg.url)?;
    let mut opts = MqttOptions::new(cfg.client_id.clone(), host, port);
    opts.set_keep_alive(Duration::from_secs(30));
    opts.set_clean_session(false);
    opts.set_manual_acks(true);
    opts.set_max_packet_size(4 * 1024 * 1024, 4 * 1024 * 1024);
    let (client, mut events) = AsyncClient::new(opts, 1000);
    let mut pause = Duration::from_millis(500);
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                pause = Duration::from_millis(500);
                tracing::info!(url = %cfg.url, topic = %cfg.topic, "connected to the MQTT broker");
                if let Err(e) = client.subscribe(cfg.topic.clone(), QoS::AtLeastOnce).await {
                    tracing::error!(error = %e, "MQTT subscribe");
                }
            }
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let inputs = fixes_of(&p.topic, &p.payload, app.now());
                match app.ingest_fixes(None, inputs, "mqtt").await {
                    Ok(r) => {
                        if r.refused > 0 {
                            for res in r.results.iter().filter(|x| !x.errors.is_empty()) {
                                tracing::warn!(topic = %p.topic, errors = ?res.errors, "MQTT fix refused");
                            }
                        }
                        if let Err(e) = client.ack(&p).await {
                            tracing::error!(error = %e, "MQTT ack");
                        }
                    }
                    // Not acknowledged: the broker delivers it again after a reconnect.
                    Err(e) => tracing::error!(topic = %p.topic, error = %e, "storing MQTT fixes"),
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = pause.as_millis() as u64, "MQTT connection lost");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_payloads() {
        assert_eq!(
            host_port("mqtt://127.0.0.1:1883").expect("url"),
            ("127.0.0.1".into(), 1883)
        );
        assert_eq!(
            host_port("mqtt://broker").expect("url"),
            ("broker".into(), 1883)
        );
        assert!(host_port("http://x").is_err());
        let now = chrono::DateTime::from_timestamp(1_763_600_000, 0).expect("t");
        let one = fixes_of(
            "sinergi/fixes/KALUNG-07",
            br#"{"recorded_at":"2025-11-20T00:00:00Z","lon":105.7,"lat":-5.0}"#,
            now,
        );
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].as_ref().expect("fix").device, "KALUNG-07");
        let many = fixes_of("x/y", br#"[{"device":"A","recorded_at":"2025-11-20T00:00:00Z","lon":105.7,"lat":-5.0},{"lat":1}]"#, now);
        assert_eq!(many.len(), 2);
        assert!(many[0].is_ok() && many[1].is_err());
        assert!(fixes_of("x", b"not json", now)[0].is_err());
    }
}
