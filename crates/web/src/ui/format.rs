//! Formatting and form helpers every domain's pages share: the time zones a form offers
//! and `datetime-local` conversion, the visitor's home zone, distances and file sizes.
//! Nothing here knows a domain; the domains' pages depend on it, never the other way.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone};
use sinergi_core::time::Zone;

use super::Page;
use crate::i18n::k;

/// The zones a form offers: (offset as sent, dictionary key of its label).
pub(crate) const ZONES: [(&str, &str); 3] = [
    ("+07:00", k!("zone_wib")),
    ("+08:00", k!("zone_wita")),
    ("+09:00", k!("zone_wit")),
];

/// One of the offered offsets; anything else becomes WIB, where most users live.
pub(crate) fn normalize_zone(z: &str) -> &'static str {
    ZONES
        .iter()
        .map(|(v, _)| *v)
        .find(|v| *v == z.trim())
        .unwrap_or("+07:00")
}

pub(crate) fn zone_value(zone: Zone) -> &'static str {
    match zone {
        Zone::Wib => "+07:00",
        Zone::Wita => "+08:00",
        Zone::Wit => "+09:00",
    }
}

fn offset_of(zone: &str) -> Option<FixedOffset> {
    let hours: i32 = match normalize_zone(zone) {
        "+08:00" => 8,
        "+09:00" => 9,
        _ => 7,
    };
    FixedOffset::east_opt(hours * 3600)
}

/// `2025-05-27T08:30` (what a `datetime-local` input sends, seconds optional) in the zone
/// `+07:00` → `2025-05-27T08:30:00+07:00`.
pub(crate) fn local_to_rfc3339(local: &str, zone: &str) -> Option<String> {
    let local = local.trim();
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(local, f).ok())?;
    let dt = offset_of(zone)?.from_local_datetime(&naive).single()?;
    Some(dt.to_rfc3339_opts(SecondsFormat::Secs, false))
}

/// The `datetime-local` value showing `t` in `zone`.
pub(crate) fn rfc3339_to_local(t: &DateTime<FixedOffset>, zone: &str) -> String {
    match offset_of(zone) {
        Some(off) => t.with_timezone(&off).format("%Y-%m-%dT%H:%M").to_string(),
        None => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// The zone new reports of this user start in, and the zone of times not tied to one
/// report: their agency's region's, else WIB.
pub(crate) fn home_zone(page: &Page) -> Zone {
    page.agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .map(|c| Zone::for_region(c))
        .unwrap_or(Zone::Wib)
}

/// Metres as kilometres, without a decimal part when whole.
pub(crate) fn km(m: u32) -> String {
    // Written without `is_multiple_of`, which the declared minimum Rust lacks.
    if (m / 1000) * 1000 == m {
        (m / 1000).to_string()
    } else {
        format!("{:.1}", f64::from(m) / 1000.0)
    }
}

pub(crate) fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}
