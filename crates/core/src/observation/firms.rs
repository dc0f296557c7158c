//! NASA FIRMS fire hotspots (VIIRS and MODIS CSV).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::checks::{check_lat, check_lon, check_time};
use super::table::{
    cell, coordinate, empty, optional_number_cell, problem, read_csv, Column, Header, RowError,
};
use crate::error::{FieldError, Message};

/// A validated fire hotspot from NASA FIRMS.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hotspot {
    pub lon: f64,
    pub lat: f64,
    /// `acq_date` + `acq_time`, UTC, minute precision.
    pub acquired_at: DateTime<Utc>,
    /// As given by FIRMS, e.g. `N`, `N20`, `1`, `Terra`, `Aqua`.
    pub satellite: String,
    /// `VIIRS` or `MODIS` (taken from the file, or inferred from its brightness column).
    pub instrument: String,
    /// VIIRS `l`/`n`/`h` become `low`/`nominal`/`high`; MODIS 0-100 stays the number as text.
    pub confidence: String,
    /// Fire radiative power in MW.
    pub frp: Option<f64>,
    /// Brightness temperature in kelvin: VIIRS `bright_ti4`, MODIS `brightness`.
    pub bright_ti4: Option<f64>,
}

impl Hotspot {
    /// A key that identifies the detection independently of the import:
    /// `satellite|acquired_at|lat|lon`, the time as RFC 3339 truncated to the minute and
    /// the coordinates rounded to 4 decimals (about 11 m). Importing the same file twice,
    /// or overlapping area downloads, yields the same keys.
    pub fn dedupe_key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.satellite,
            self.acquired_at.format("%Y-%m-%dT%H:%M:00Z"),
            fixed4(self.lat),
            fixed4(self.lon)
        )
    }
}

/// Formats `x` rounded to 4 decimals without floating-point formatting quirks
/// (no `-0.0000`), so equal inputs always give equal text.
fn fixed4(x: f64) -> String {
    // Coordinates are range-checked, so the scaled value fits an i64 comfortably.
    let q = (x * 10_000.0).round() as i64;
    let sign = if q < 0 { "-" } else { "" };
    let a = q.unsigned_abs();
    format!("{sign}{}.{:04}", a / 10_000, a % 10_000)
}

/// The outcome of [`parse_firms`]: the rows that passed, each with its line number,
/// and one error per rejected row.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FirmsParse {
    pub rows: Vec<(usize, Hotspot)>,
    pub errors: Vec<RowError>,
}

struct FirmsColumns {
    lat: Column,
    lon: Column,
    acq_date: Column,
    acq_time: Column,
    satellite: Column,
    confidence: Column,
    instrument: Option<Column>,
    frp: Option<Column>,
    brightness: Option<Column>,
    /// `VIIRS` or `MODIS` from the brightness column, for rows without an instrument.
    inferred_instrument: Option<&'static str>,
}

/// `acq_time` is HHMM UTC, often without leading zeros (`524` = 05:24, `5` = 00:05);
/// `HH:MM` is accepted too.
fn parse_acq_time(s: &str) -> Option<NaiveTime> {
    let (h, m) = if let Some((h, m)) = s.split_once(':') {
        (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)
    } else {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = s.parse::<u32>().ok()?;
        (n / 100, n % 100)
    };
    NaiveTime::from_hms_opt(h, m, 0)
}

/// VIIRS confidence classes are spelled out; MODIS 0-100 stays the number as text.
fn firms_confidence(s: &str) -> Result<String, Message> {
    match s.to_ascii_lowercase().as_str() {
        "l" | "low" => return Ok("low".to_string()),
        "n" | "nominal" => return Ok("nominal".to_string()),
        "h" | "high" => return Ok("high".to_string()),
        _ => {}
    }
    match s.parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Ok(s.to_string()),
        _ => Err(crate::msg!(
            "firms-confidence-invalid",
            "expected l, n or h (VIIRS) or a number 0-100 (MODIS), got {value}",
            value = format!("{s:?}")
        )),
    }
}

/// Parses a NASA FIRMS CSV (the standard `csv` of the FIRMS API or area download) into
/// hotspots. VIIRS files (`bright_ti4`, confidence `l`/`n`/`h`) and MODIS files
/// (`brightness`, confidence 0-100) are both accepted.
///
/// Required columns: `latitude`, `longitude`, `acq_date` (YYYY-MM-DD), `acq_time` (HHMM
/// UTC, leading zeros optional), `satellite`, `confidence`, and `instrument` unless a
/// `bright_ti4` or `brightness` column tells VIIRS from MODIS. A missing column is a single
/// error at the header line and no rows. Rows are checked for coordinate ranges and
/// for times in the future or before 1990; a rejected row yields one [`RowError`] at its
/// line, problems prefixed by the column and joined by `; `. Other columns are ignored.
pub fn parse_firms(csv_text: &str, now: DateTime<Utc>) -> FirmsParse {
    let (rows, errors) = read_csv(csv_text, firms_columns, |c, r| firms_row(c, r, now));
    FirmsParse { rows, errors }
}

fn firms_columns(h: &Header) -> Result<FirmsColumns, Vec<String>> {
    let (brightness, inferred_instrument) = match (h.get("bright_ti4"), h.get("brightness")) {
        (Some(c), _) => (Some(c.clone()), Some("VIIRS")),
        (None, Some(c)) => (Some(c.clone()), Some("MODIS")),
        (None, None) => (None, None),
    };
    let instrument = h.get("instrument").cloned();
    let required = [
        "latitude",
        "longitude",
        "acq_date",
        "acq_time",
        "satellite",
        "confidence",
    ];
    let mut missing: Vec<String> = required
        .iter()
        .filter(|k| h.get(k).is_none())
        .map(|k| k.to_string())
        .collect();
    if instrument.is_none() && inferred_instrument.is_none() {
        missing.push("instrument (or bright_ti4/brightness)".to_string());
    }
    let col = |k: &str| h.get(k).cloned();
    match (
        col("latitude"),
        col("longitude"),
        col("acq_date"),
        col("acq_time"),
        col("satellite"),
        col("confidence"),
    ) {
        (
            Some(lat),
            Some(lon),
            Some(acq_date),
            Some(acq_time),
            Some(satellite),
            Some(confidence),
        ) if missing.is_empty() => Ok(FirmsColumns {
            lat,
            lon,
            acq_date,
            acq_time,
            satellite,
            confidence,
            instrument,
            frp: col("frp"),
            brightness,
            inferred_instrument,
        }),
        _ => Err(missing),
    }
}

fn firms_row(
    c: &FirmsColumns,
    r: &csv::StringRecord,
    now: DateTime<Utc>,
) -> Result<Hotspot, Vec<FieldError>> {
    let mut problems = Vec::new();

    let lat = coordinate(r, &c.lat, check_lat, &mut problems);
    let lon = coordinate(r, &c.lon, check_lon, &mut problems);

    let date_text = cell(r, &c.acq_date);
    let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").ok();
    if date.is_none() {
        problems.push(problem(
            &c.acq_date.name,
            crate::msg!(
                "firms-date-invalid",
                "not a date like 2024-08-01: {value}",
                value = format!("{date_text:?}")
            ),
        ));
    }
    let time_text = cell(r, &c.acq_time);
    let time = parse_acq_time(time_text);
    if time.is_none() {
        problems.push(problem(
            &c.acq_time.name,
            crate::msg!(
                "firms-time-invalid",
                "not a UTC time like 0524 or 524 (HHMM): {value}",
                value = format!("{time_text:?}")
            ),
        ));
    }
    let acquired_at = match (date, time) {
        (Some(d), Some(t)) => match check_time(d.and_time(t).and_utc(), now) {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(problem(
                    format!("{}/{}", c.acq_date.name, c.acq_time.name),
                    m,
                ));
                None
            }
        },
        _ => None,
    };

    let satellite = cell(r, &c.satellite).to_string();
    if satellite.is_empty() {
        problems.push(problem(&c.satellite.name, empty()));
    }

    let instrument = match c.instrument.as_ref().map(|col| cell(r, col)) {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => c.inferred_instrument.map(str::to_string),
    };
    if instrument.is_none() {
        let name = c
            .instrument
            .as_ref()
            .map_or("instrument", |col| col.name.as_str());
        problems.push(problem(name, empty()));
    }

    let confidence = match firms_confidence(cell(r, &c.confidence)) {
        Ok(s) => Some(s),
        Err(m) => {
            problems.push(problem(&c.confidence.name, m));
            None
        }
    };

    let frp = optional_number_cell(r, c.frp.as_ref(), Ok, &mut problems);
    let bright_ti4 = optional_number_cell(r, c.brightness.as_ref(), Ok, &mut problems);

    match (lat, lon, acquired_at, instrument, confidence) {
        (Some(lat), Some(lon), Some(acquired_at), Some(instrument), Some(confidence))
            if problems.is_empty() =>
        {
            Ok(Hotspot {
                lon,
                lat,
                acquired_at,
                satellite,
                instrument,
                confidence,
                frp,
                bright_ti4,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use std::collections::HashMap;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 8, 1, 12, 0, 0)
            .single()
            .expect("a valid UTC time")
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("a valid UTC time")
    }

    const FIRMS_VIIRS: &str = "\
latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_ti5,frp,daynight
-1.71234,101.45678,330.5,0.39,0.36,2024-07-30,524,N,VIIRS,n,2.0NRT,290.1,5.2,D
-1.98765,101.21212,367.0,0.41,0.37,2024-07-30,1830,N20,VIIRS,h,2.0NRT,295.3,21.7,N
-1.50001,101.59999,301.2,0.45,0.39,2024-07-31,5,N21,VIIRS,l,2.0NRT,288.0,,N
";

    #[test]
    fn firms_viirs_over_kerinci_seblat() {
        let parsed = parse_firms(FIRMS_VIIRS, now());
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows.len(), 3);

        let (line, h) = &parsed.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(
            h,
            &Hotspot {
                lon: 101.45678,
                lat: -1.71234,
                acquired_at: at(2024, 7, 30, 5, 24, 0),
                satellite: "N".into(),
                instrument: "VIIRS".into(),
                confidence: "nominal".into(),
                frp: Some(5.2),
                bright_ti4: Some(330.5),
            }
        );
        let (line, h) = &parsed.rows[1];
        assert_eq!(*line, 3);
        assert_eq!(h.acquired_at, at(2024, 7, 30, 18, 30, 0));
        assert_eq!(h.confidence, "high");
        let (_, h) = &parsed.rows[2];
        assert_eq!(h.acquired_at, at(2024, 7, 31, 0, 5, 0));
        assert_eq!(h.confidence, "low");
        assert_eq!(h.frp, None);
    }

    #[test]
    fn firms_dedupe_keys_are_stable_across_parses() {
        let first: Vec<String> = parse_firms(FIRMS_VIIRS, now())
            .rows
            .iter()
            .map(|(_, h)| h.dedupe_key())
            .collect();
        let crlf = FIRMS_VIIRS.replace('\n', "\r\n");
        let second: Vec<String> = parse_firms(&crlf, now() + Duration::days(3))
            .rows
            .iter()
            .map(|(_, h)| h.dedupe_key())
            .collect();
        assert_eq!(first, second);
        assert_eq!(first[0], "N|2024-07-30T05:24:00Z|-1.7123|101.4568");
        assert_eq!(first[2], "N21|2024-07-31T00:05:00Z|-1.5000|101.6000");
        let unique: std::collections::HashSet<&String> = first.iter().collect();
        assert_eq!(unique.len(), 3);
    }

    #[test]
    fn dedupe_key_rounding_has_no_negative_zero() {
        let h = Hotspot {
            lon: -0.00004,
            lat: 0.00005,
            acquired_at: at(2024, 7, 30, 5, 24, 0),
            satellite: "N".into(),
            instrument: "VIIRS".into(),
            confidence: "nominal".into(),
            frp: None,
            bright_ti4: None,
        };
        assert_eq!(h.dedupe_key(), "N|2024-07-30T05:24:00Z|0.0001|0.0000");
    }

    #[test]
    fn firms_modis_with_numeric_confidence() {
        let text = "\
latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_t31,frp,daynight
-1.8123,101.3456,318.4,1.0,1.0,2024-07-30,0315,Terra,MODIS,85,6.1NRT,297.2,12.3,D
";
        let parsed = parse_firms(text, now());
        assert_eq!(parsed.errors, []);
        let h = &parsed.rows[0].1;
        assert_eq!(h.confidence, "85");
        assert_eq!(h.instrument, "MODIS");
        assert_eq!(h.bright_ti4, Some(318.4));
        assert_eq!(h.acquired_at, at(2024, 7, 30, 3, 15, 0));
    }

    #[test]
    fn firms_instrument_is_inferred_when_the_column_is_absent() {
        let text = "\
latitude,longitude,brightness,acq_date,acq_time,satellite,confidence,frp
-1.8123,101.3456,318.4,2024-07-30,315,Aqua,40,12.3
";
        let parsed = parse_firms(text, now());
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows[0].1.instrument, "MODIS");
    }

    #[test]
    fn firms_missing_columns_are_one_error_at_line_1() {
        let text = "latitude,longitude,acq_date,satellite,confidence\n-1.7,101.4,2024-07-30,N,n\n";
        let parsed = parse_firms(text, now());
        assert_eq!(parsed.rows, []);
        assert_eq!(
            parsed.errors,
            [RowError {
                line: 1,
                message: "missing columns: acq_time, instrument (or bright_ti4/brightness)".into()
            }]
        );
    }

    #[test]
    fn firms_row_problems_are_reported_at_their_lines() {
        let text = "\
latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_ti5,frp,daynight
-1.71234,101.45678,330.5,0.39,0.36,2024-07-30,524,N,VIIRS,n,2.0NRT,290.1,5.2,D
-91.0,181.0,330.5,0.39,0.36,2024-07-30,524,N,VIIRS,n,2.0NRT,290.1,5.2,D
-1.71234,101.45678,330.5,0.39,0.36,2024-08-01,1211,N,VIIRS,n,2.0NRT,290.1,5.2,D
-1.71234,101.45678,330.5,0.39,0.36,2024-07-30,2460,N,VIIRS,x,2.0NRT,290.1,hot,D
-1.71234,101.45678,330.5,0.39,0.36,30/07/2024,0524,,VIIRS,h,2.0NRT,290.1,5.2,D
-1.71234,101.45678,330.5,0.39,0.36,2024-08-01,1210,N,VIIRS,h,2.0NRT,290.1,5.2,D
";
        let parsed = parse_firms(text, now());
        let lines: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 7], "12:10 is exactly at the tolerance");
        let by_line: HashMap<usize, &str> = parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(by_line.len(), 4, "{:?}", parsed.errors);
        assert!(by_line[&3].contains("latitude: must be between -90 and 90"));
        assert!(by_line[&3].contains("longitude: must be between -180 and 180"));
        assert!(by_line[&4].starts_with("acq_date/acq_time: timestamp is in the future"));
        assert!(by_line[&5].contains("acq_time: not a UTC time"));
        assert!(by_line[&5].contains("confidence: expected l, n or h"));
        assert!(by_line[&5].contains("frp: not a number: \"hot\""));
        assert!(by_line[&6].contains("acq_date: not a date"));
        assert!(by_line[&6].contains("satellite: empty"));
    }

    #[test]
    fn acq_time_forms() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_acq_time("524"), t(5, 24));
        assert_eq!(parse_acq_time("0524"), t(5, 24));
        assert_eq!(parse_acq_time("5"), t(0, 5));
        assert_eq!(parse_acq_time("0"), t(0, 0));
        assert_eq!(parse_acq_time("1830"), t(18, 30));
        assert_eq!(parse_acq_time("2359"), t(23, 59));
        assert_eq!(parse_acq_time("18:30"), t(18, 30));
        for bad in ["", "2400", "1260", "12345", "-5", "5a", "18:60"] {
            assert_eq!(parse_acq_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn confidence_forms() {
        assert_eq!(firms_confidence("N").expect("should parse"), "nominal");
        assert_eq!(firms_confidence("high").expect("should parse"), "high");
        assert_eq!(firms_confidence("0").expect("should parse"), "0");
        assert_eq!(firms_confidence("100").expect("should parse"), "100");
        assert!(firms_confidence("101").is_err());
        assert!(firms_confidence("").is_err());
        assert!(firms_confidence("medium").is_err());
    }
}
