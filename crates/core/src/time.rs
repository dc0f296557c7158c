//! Time: the injected clock and Indonesia's three zones. Sinergi stores instants in UTC
//! together with the offset they were recorded with, and shows them in the zone of the
//! place (WIB, WITA or WIT), which depends only on the province.

use chrono::{DateTime, FixedOffset, Utc};

/// The only way Sinergi learns the time. Production uses the system clock (in the app
/// crate); tests use a fixed or stepping clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Indonesia's time zones. None observes daylight saving, so fixed offsets are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Wib,
    Wita,
    Wit,
}

impl Zone {
    pub fn offset_hours(self) -> i32 {
        match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        }
    }

    pub fn abbreviation(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    pub fn offset(self) -> FixedOffset {
        // The offsets are small constants, so construction cannot fail; fall back to UTC
        // rather than panic should chrono ever refuse.
        FixedOffset::east_opt(self.offset_hours() * 3600)
            .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or(Utc.fix()))
    }

    /// The zone of a Kemendagri region code, decided by its province (first two digits).
    /// Unknown provinces fall back to WIB, where most users live.
    pub fn for_region(code: &str) -> Zone {
        match code.get(0..2) {
            Some(
                "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76",
            ) => Zone::Wita,
            Some(p) if p.starts_with('8') || p.starts_with('9') => Zone::Wit,
            _ => Zone::Wib,
        }
    }

    /// Formats an instant as local wall time with the zone abbreviation, e.g.
    /// `2025-05-27 08:30 WIB`.
    pub fn format(self, t: DateTime<Utc>) -> String {
        format!(
            "{} {}",
            t.with_timezone(&self.offset()).format("%Y-%m-%d %H:%M"),
            self.abbreviation()
        )
    }
}

use chrono::Offset;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_follow_provinces() {
        assert_eq!(Zone::for_region("15.01"), Zone::Wib); // Jambi
        assert_eq!(Zone::for_region("61.06.14"), Zone::Wib); // Kalimantan Barat
        assert_eq!(Zone::for_region("64"), Zone::Wita); // Kalimantan Timur
        assert_eq!(Zone::for_region("51.71"), Zone::Wita); // Bali
        assert_eq!(Zone::for_region("81"), Zone::Wit); // Maluku
        assert_eq!(Zone::for_region("96.01"), Zone::Wit); // Papua Barat Daya
        let t = DateTime::parse_from_rfc3339("2025-05-27T01:30:00Z")
            .expect("ts")
            .with_timezone(&Utc);
        assert_eq!(Zone::Wib.format(t), "2025-05-27 08:30 WIB");
        assert_eq!(Zone::Wit.format(t), "2025-05-27 10:30 WIT");
    }
}
