//! The checks every observation input shares: coordinate ranges, the "no fix" position,
//! plausible times, device identifiers. They return the message without a field or column
//! prefix; the callers add the field (JSON) or the column (CSV).

use chrono::{DateTime, Duration, Utc};

use crate::error::Message;

/// The longest device identifier accepted, in characters after trimming.
pub const MAX_DEVICE_CHARS: usize = 100;

/// How far after `now` a timestamp may lie before it is refused as "in the future";
/// it absorbs clock drift between collars, satellites and this server.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;

/// 1990-01-01T00:00:00Z as Unix seconds: nothing earlier is a plausible observation.
pub(super) const EARLIEST_UNIX_SECONDS: i64 = 631_152_000;

/// Why a position of exactly 0,0 is refused, said after the column(s) of a CSV file.
pub(super) fn no_fix() -> Message {
    crate::msg!(
        "fix-no-fix",
        "0,0 is the position a receiver reports when it has no fix"
    )
}

fn not_finite() -> Message {
    crate::msg!("fix-not-finite", "must be a finite number")
}

fn check_range(x: f64, lo: f64, hi: f64) -> Result<f64, Message> {
    if !x.is_finite() {
        Err(not_finite())
    } else if x < lo || x > hi {
        Err(crate::msg!(
            "fix-out-of-range",
            "must be between {min} and {max}, got {value}",
            min = lo,
            max = hi,
            value = x
        ))
    } else {
        Ok(x)
    }
}

pub(super) fn check_lon(x: f64) -> Result<f64, Message> {
    check_range(x, -180.0, 180.0)
}

pub(super) fn check_lat(x: f64) -> Result<f64, Message> {
    check_range(x, -90.0, 90.0)
}

pub(super) fn check_accuracy(x: f64) -> Result<f64, Message> {
    if !x.is_finite() {
        Err(not_finite())
    } else if x < 0.0 {
        Err(crate::msg!(
            "fix-accuracy-negative",
            "must be 0 or more metres, got {value}",
            value = x
        ))
    } else {
        Ok(x)
    }
}

pub(super) fn check_battery(x: f64) -> Result<f64, Message> {
    let (lo, hi) = (0.0, 100.0);
    if !x.is_finite() {
        Err(crate::msg!(
            "fix-battery-not-finite",
            "must be a finite number (percent)"
        ))
    } else if x < lo || x > hi {
        Err(crate::msg!(
            "fix-battery-out-of-range",
            "must be between {min} and {max}, got {value} (percent)",
            min = lo,
            max = hi,
            value = x
        ))
    } else {
        Ok(x)
    }
}

pub(super) fn is_no_fix(lon: f64, lat: f64) -> bool {
    lon == 0.0 && lat == 0.0
}

pub(super) fn check_time(t: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Message> {
    let latest = now.checked_add_signed(Duration::minutes(FUTURE_TOLERANCE_MINUTES));
    if latest.is_some_and(|latest| t > latest) {
        Err(crate::msg!(
            "fix-time-future",
            "timestamp is in the future ({time} is more than {minutes} minutes after {now})",
            time = t.to_rfc3339(),
            minutes = FUTURE_TOLERANCE_MINUTES,
            now = now.to_rfc3339()
        ))
    } else if t.timestamp() < EARLIEST_UNIX_SECONDS {
        Err(crate::msg!(
            "fix-time-too-early",
            "timestamp is before 1990-01-01 ({time})",
            time = t.to_rfc3339()
        ))
    } else {
        Ok(t)
    }
}

pub(super) fn check_device(s: &str) -> Result<String, Message> {
    let s = s.trim();
    let chars = s.chars().count();
    if chars == 0 {
        Err(crate::msg!("fix-device-empty", "must not be empty"))
    } else if s.chars().any(char::is_control) {
        Err(crate::msg!(
            "text-control-characters",
            "must not contain control characters"
        ))
    } else if chars > MAX_DEVICE_CHARS {
        Err(crate::msg!(
            "fix-device-too-long",
            "must be at most {max} characters, got {count}",
            max = MAX_DEVICE_CHARS,
            count = chars
        ))
    } else {
        Ok(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("a valid UTC time")
    }

    #[test]
    fn non_finite_values_are_refused_by_the_shared_checks() {
        assert!(check_lon(f64::NAN).is_err());
        assert!(check_lat(f64::INFINITY).is_err());
        assert!(check_accuracy(f64::NAN).is_err());
        assert!(check_battery(f64::NEG_INFINITY).is_err());
    }

    #[test]
    fn earliest_constant_is_1990() {
        assert_eq!(at(1990, 1, 1, 0, 0, 0).timestamp(), EARLIEST_UNIX_SECONDS);
    }
}
