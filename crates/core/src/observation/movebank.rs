//! Movebank CSV exports: collar fixes with Movebank's own outlier marks.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use super::checks::{
    check_accuracy, check_battery, check_device, check_lat, check_lon, check_time, is_no_fix,
    no_fix,
};
use super::fix::FixInput;
use super::table::{
    cell, coordinate, empty, optional_number_cell, problem, read_csv, Column, Header, RowError,
};
use crate::error::FieldError;
use crate::spreadsheet::csv_cell;

/// The outcome of [`parse_movebank`]: the rows that passed, each with its line number,
/// and one error per rejected row.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MovebankParse {
    pub rows: Vec<(usize, FixInput)>,
    pub errors: Vec<RowError>,
}

struct MovebankColumns {
    timestamp: Column,
    lon: Column,
    lat: Column,
    device: Column,
    visible: Option<Column>,
    manual_outlier: Option<Column>,
    algorithm_outlier: Option<Column>,
    import_outlier: Option<Column>,
    manual_valid: Option<Column>,
    battery: Option<Column>,
    accuracy: Option<Column>,
}

/// Movebank timestamps are UTC: `2024-05-01 06:00:00.000`, also without the
/// milliseconds or seconds (as spreadsheets re-save them), with a `T`, or RFC 3339 with
/// an offset.
fn parse_movebank_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .map(|t| t.and_utc())
}

/// Parses a Movebank CSV export into collar fixes.
///
/// Header names match with hyphens or underscores (`location-long` / `location_long`,
/// `gps:hdop` / `gps_hdop`, ...). Required columns: `timestamp`, `location-long`,
/// `location-lat`, and the device from `tag-local-identifier` (or, when the file has no
/// tag column, `individual-local-identifier`); if any is missing the result is a single
/// error at the header line and no rows. Optional: `visible` (a row marked `false` is a
/// Movebank-flagged outlier and is reported, not imported); without a `visible` value,
/// Movebank's own rule over its outlier columns: a row is an outlier when
/// `manually-marked-outlier` is true, or `algorithm-marked-outlier` or
/// `import-marked-outlier` is true and `manually-marked-valid` does not override it;
/// `battery-charge-percent`
/// (battery; voltage columns are ignored because they are not percentages) and
/// `location-error-numerical` or `gps-horizontal-accuracy-estimate` (accuracy in
/// metres; `gps:hdop` is unitless and ignored). All other columns are ignored.
///
/// Each row is validated like [`parse_fix`](super::fix::parse_fix); problems are prefixed
/// by the column name as written in the file and a rejected row yields one [`RowError`]
/// (problems joined by `; `) at its 1-based line number. Rows without a location report `no location`.
pub fn parse_movebank(csv_text: &str, now: DateTime<Utc>) -> MovebankParse {
    let (rows, errors) = read_csv(csv_text, movebank_columns, |c, r| movebank_row(c, r, now));
    MovebankParse { rows, errors }
}

fn movebank_columns(h: &Header) -> Result<MovebankColumns, Vec<String>> {
    let timestamp = h.get("timestamp").cloned();
    let lon = h.get("location_long").cloned();
    let lat = h.get("location_lat").cloned();
    let device = h
        .first_of(&["tag_local_identifier", "individual_local_identifier"])
        .cloned();
    match (timestamp, lon, lat, device) {
        (Some(timestamp), Some(lon), Some(lat), Some(device)) => Ok(MovebankColumns {
            timestamp,
            lon,
            lat,
            device,
            visible: h.get("visible").cloned(),
            manual_outlier: h.get("manually_marked_outlier").cloned(),
            algorithm_outlier: h.get("algorithm_marked_outlier").cloned(),
            import_outlier: h.get("import_marked_outlier").cloned(),
            manual_valid: h.get("manually_marked_valid").cloned(),
            battery: h.get("battery_charge_percent").cloned(),
            accuracy: h
                .first_of(&[
                    "location_error_numerical",
                    "gps_horizontal_accuracy_estimate",
                ])
                .cloned(),
        }),
        (timestamp, lon, lat, device) => {
            let mut missing = Vec::new();
            if timestamp.is_none() {
                missing.push("timestamp".to_string());
            }
            if lon.is_none() {
                missing.push("location-long".to_string());
            }
            if lat.is_none() {
                missing.push("location-lat".to_string());
            }
            if device.is_none() {
                missing.push("tag-local-identifier (or individual-local-identifier)".to_string());
            }
            Err(missing)
        }
    }
}

fn movebank_row(
    c: &MovebankColumns,
    r: &csv::StringRecord,
    now: DateTime<Utc>,
) -> Result<FixInput, Vec<FieldError>> {
    if let Some(why) = movebank_outlier(c, r) {
        return Err(vec![why]);
    }
    let mut problems = Vec::new();

    let device = match check_device(cell(r, &c.device)) {
        Ok(d) => Some(d),
        Err(m) => {
            problems.push(problem(&c.device.name, m));
            None
        }
    };

    let ts = cell(r, &c.timestamp);
    let recorded_at = if ts.is_empty() {
        problems.push(problem(&c.timestamp.name, empty()));
        None
    } else {
        match parse_movebank_time(ts)
            .ok_or_else(|| {
                crate::msg!(
                    "movebank-time-invalid",
                    "not a timestamp like 2024-05-01 06:00:00.000: {value}",
                    value = format!("{ts:?}")
                )
            })
            .and_then(|t| check_time(t, now))
        {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(problem(&c.timestamp.name, m));
                None
            }
        }
    };

    let position = if cell(r, &c.lon).is_empty() || cell(r, &c.lat).is_empty() {
        problems.push(problem(
            "",
            crate::msg!("movebank-no-location", "no location"),
        ));
        None
    } else {
        let lon = coordinate(r, &c.lon, check_lon, &mut problems);
        let lat = coordinate(r, &c.lat, check_lat, &mut problems);
        match (lon, lat) {
            (Some(lon), Some(lat)) if is_no_fix(lon, lat) => {
                problems.push(problem(format!("{}/{}", c.lon.name, c.lat.name), no_fix()));
                None
            }
            (Some(lon), Some(lat)) => Some((lon, lat)),
            _ => None,
        }
    };

    let accuracy_m = optional_number_cell(r, c.accuracy.as_ref(), check_accuracy, &mut problems);
    let battery = optional_number_cell(r, c.battery.as_ref(), check_battery, &mut problems);

    match (device, recorded_at, position) {
        (Some(device), Some(recorded_at), Some((lon, lat))) if problems.is_empty() => {
            Ok(FixInput {
                device,
                recorded_at,
                lon,
                lat,
                accuracy_m,
                battery,
            })
        }
        _ => Err(problems),
    }
}

/// Why a row is a Movebank outlier, if it is one. Movebank computes `visible` from the
/// outlier columns; a file without it (or with an empty cell) is judged by the same rule:
/// a manual outlier mark always counts, an algorithm's or the import's unless the row was
/// manually marked valid.
fn movebank_outlier(c: &MovebankColumns, r: &csv::StringRecord) -> Option<FieldError> {
    if let Some(visible) = &c.visible {
        let v = cell(r, visible);
        if v.eq_ignore_ascii_case("false") {
            return Some(problem(
                "",
                crate::msg!(
                    "movebank-not-visible",
                    "marked not visible (outlier) in Movebank"
                ),
            ));
        }
        if !v.is_empty() {
            return None;
        }
    }
    fn marked<'c>(column: &'c Option<Column>, r: &csv::StringRecord) -> Option<&'c Column> {
        column.as_ref().filter(|col| {
            matches!(
                cell(r, col).to_ascii_lowercase().as_str(),
                "true" | "t" | "1"
            )
        })
    }
    let valid = marked(&c.manual_valid, r).is_some();
    let outlier = marked(&c.manual_outlier, r).or(if valid {
        None
    } else {
        marked(&c.algorithm_outlier, r).or(marked(&c.import_outlier, r))
    });
    outlier.map(|col| {
        problem(
            &col.name,
            crate::msg!("movebank-outlier", "marked as an outlier in Movebank"),
        )
    })
}

/// One fix of a Movebank export.
#[derive(Debug, Clone, PartialEq)]
pub struct MovebankRow<'a> {
    pub recorded_at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub battery: Option<f64>,
    /// The device's serial (`tag-local-identifier`).
    pub tag: &'a str,
    /// The animal's name (`individual-local-identifier`).
    pub individual: &'a str,
}

/// The columns of [`write_movebank`]: Movebank's own names, read back by
/// [`parse_movebank`] (so an export imported again adds nothing: a fix is its tag and
/// time).
pub const MOVEBANK_EXPORT_COLUMNS: [&str; 10] = [
    "event-id",
    "visible",
    "timestamp",
    "location-long",
    "location-lat",
    "gps:horizontal-accuracy-estimate",
    "battery-charge-percent",
    "sensor-type",
    "tag-local-identifier",
    "individual-local-identifier",
];

/// Writes fixes as a Movebank CSV file (UTC timestamps `yyyy-MM-dd HH:mm:ss.SSS`,
/// coordinates as stored). A name that a spreadsheet would run as a formula gets a
/// leading apostrophe ([`csv_cell`]).
pub fn write_movebank<'a>(rows: impl IntoIterator<Item = MovebankRow<'a>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    // Writing to memory cannot fail.
    let _ = w.write_record(MOVEBANK_EXPORT_COLUMNS);
    for (i, r) in rows.into_iter().enumerate() {
        let _ = w.write_record([
            (i + 1).to_string(),
            "true".into(),
            r.recorded_at.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            r.lon.to_string(),
            r.lat.to_string(),
            opt(r.accuracy_m),
            opt(r.battery),
            "gps".into(),
            csv_cell(r.tag),
            csv_cell(r.individual),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_export_reads_back_as_the_same_fixes() {
        let t = DateTime::parse_from_rfc3339("2025-05-31T11:00:00.250Z")
            .expect("t")
            .with_timezone(&Utc);
        let rows = [
            MovebankRow {
                recorded_at: t,
                lon: 105.80521,
                lat: -5.126213,
                accuracy_m: Some(8.5),
                battery: None,
                tag: "WK-07",
                individual: "Dono, \"si besar\"",
            },
            MovebankRow {
                recorded_at: t + chrono::Duration::minutes(30),
                lon: 105.8101,
                lat: -5.1302,
                accuracy_m: None,
                battery: Some(71.0),
                tag: "WK-07",
                individual: "=Dono",
            },
        ];
        let text = write_movebank(rows.clone());
        let back = parse_movebank(&text, t + chrono::Duration::days(1));
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.rows.len(), 2);
        for ((_, fix), row) in back.rows.iter().zip(&rows) {
            assert_eq!(fix.device, row.tag);
            assert_eq!(fix.recorded_at, row.recorded_at);
            assert_eq!((fix.lon, fix.lat), (row.lon, row.lat));
            assert_eq!(fix.accuracy_m, row.accuracy_m);
            assert_eq!(fix.battery, row.battery);
        }
        assert!(text.contains(",'=Dono\n"));
    }

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

    const MOVEBANK_HYPHENS: &str = "\
event-id,visible,timestamp,location-long,location-lat,gps:hdop,eobs:battery-voltage,location-error-numerical,battery-charge-percent,sensor-type,individual-taxon-canonical-name,tag-local-identifier,individual-local-identifier,study-name
29125378912,true,2024-05-01 06:00:00.000,101.4521,-1.7312,1.2,3712,8.5,87,gps,Panthera tigris sumatrae,TS-0417,Datuk,\"Kerinci Seblat tigers, 2024\"
29125378913,true,2024-05-01 07:00:00.000,101.4533,-1.7298,0.9,3710,,86,gps,Panthera tigris sumatrae,TS-0417,Datuk,\"Kerinci Seblat tigers, 2024\"
";

    const MOVEBANK_UNDERSCORES: &str = "\
event_id,visible,timestamp,location_long,location_lat,gps_hdop,gps_horizontal_accuracy_estimate,tag_local_identifier,individual_local_identifier
1,true,2024-05-02 00:00:00.000,101.3012,-1.8420,1.1,4.2,EL-22,Rimba
2,true,2024-05-02 01:00:00.000,101.3020,-95.0,1.1,4.1,EL-22,Rimba
3,true,2024-05-02 02:00:00,101.3031,-1.8433,1.0,3.9,EL-22,Rimba
";

    #[test]
    fn movebank_with_hyphenated_headers() {
        let parsed = parse_movebank(MOVEBANK_HYPHENS, now());
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows.len(), 2);
        let (line, fix) = &parsed.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(
            fix,
            &FixInput {
                device: "TS-0417".into(),
                recorded_at: at(2024, 5, 1, 6, 0, 0),
                lon: 101.4521,
                lat: -1.7312,
                accuracy_m: Some(8.5),
                battery: Some(87.0),
            }
        );
        let (line, fix) = &parsed.rows[1];
        assert_eq!(*line, 3);
        assert_eq!(fix.accuracy_m, None, "an empty optional cell is absent");
        assert_eq!(fix.battery, Some(86.0));
    }

    #[test]
    fn movebank_with_underscores_reports_the_bad_row_and_keeps_the_others() {
        let parsed = parse_movebank(MOVEBANK_UNDERSCORES, now());
        let lines: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4]);
        assert_eq!(parsed.rows[0].1.device, "EL-22");
        assert_eq!(parsed.rows[0].1.accuracy_m, Some(4.2));
        assert_eq!(parsed.rows[0].1.battery, None);
        assert_eq!(parsed.rows[1].1.recorded_at, at(2024, 5, 2, 2, 0, 0));
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 3);
        assert!(
            parsed.errors[0]
                .message
                .starts_with("location_lat: must be between -90 and 90"),
            "{:?}",
            parsed.errors[0]
        );
    }

    #[test]
    fn movebank_handles_bom_and_crlf() {
        let text = format!("\u{feff}{}", MOVEBANK_HYPHENS.replace('\n', "\r\n"));
        let parsed = parse_movebank(&text, now());
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[1].0, 3);
        assert_eq!(parsed.rows[0].1.device, "TS-0417");
    }

    #[test]
    fn line_numbers_survive_crlf_blank_lines_and_multi_line_fields() {
        let lf = "\
timestamp,location-long,location-lat,tag-local-identifier,comments
2024-05-01 06:00:00.000,101.45,-1.73,TS-1,ok

2024-05-01 07:00:00.000,101.45,95,TS-1,bad latitude
2024-05-01 08:00:00.000,101.45,-1.73,TS-1,\"two
lines\"
2024-05-01 09:00:00.000,101.45,-1.73,TS-1
2024-05-01 10:00:00.000,101.45,-1.73,TS-1,ok
";
        for text in [lf.to_string(), lf.replace('\n', "\r\n")] {
            let parsed = parse_movebank(&text, now());
            let ok: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
            let bad: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
            assert_eq!(ok, [2, 5, 8], "{text:?}");
            assert_eq!(bad, [4, 7], "{text:?}");
        }
    }

    #[test]
    fn movebank_quoted_fields_with_commas_quotes_and_newlines() {
        let text = "\
\"timestamp\",\"location-long\",\"location-lat\",\"tag-local-identifier\",\"comments\"
\"2024-05-01 06:00:00.000\",\"101.45\",\"-1.73\",\"TS, \"\"north\"\" valley\",\"first line
second line\"
\"2024-05-01 07:00:00.000\",\"101.46\",\"-1.74\",\"TS-9\",\"\"
\"2024-05-01 08:00:00.000\",\"101.46\",\"95\",\"TS-9\",\"\"
";
        let parsed = parse_movebank(text, now());
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].0, 2);
        assert_eq!(parsed.rows[0].1.device, "TS, \"north\" valley");
        assert_eq!(
            parsed.rows[1].0, 4,
            "the multi-line field pushes the next row to line 4"
        );
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 5);
    }

    #[test]
    fn movebank_missing_columns_are_one_error_at_line_1() {
        let text = "event-id,timestamp,location-lat,comments\n1,2024-05-01 06:00:00.000,-1.7,x\n";
        let parsed = parse_movebank(text, now());
        assert_eq!(parsed.rows, []);
        assert_eq!(
            parsed.errors,
            [RowError {
                line: 1,
                message: "missing columns: location-long, tag-local-identifier (or individual-local-identifier)".into()
            }]
        );
    }

    #[test]
    fn movebank_empty_input_is_a_missing_columns_error() {
        let parsed = parse_movebank("", now());
        assert_eq!(parsed.rows, []);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 1);
        assert!(parsed.errors[0]
            .message
            .starts_with("missing columns: timestamp"));
    }

    #[test]
    fn movebank_falls_back_to_the_individual_when_there_is_no_tag_column() {
        let text = "\
timestamp,location-long,location-lat,individual-local-identifier
2024-05-01 06:00:00.000,101.45,-1.73,Datuk
";
        let parsed = parse_movebank(text, now());
        assert_eq!(parsed.errors, []);
        assert_eq!(parsed.rows[0].1.device, "Datuk");
    }

    #[test]
    fn movebank_outlier_columns_count_without_a_visible_column() {
        let text = "\
timestamp,location-long,location-lat,tag-local-identifier,manually-marked-outlier,algorithm-marked-outlier,manually-marked-valid
2024-05-01 06:00:00.000,101.45,-1.73,TS-1,,,
2024-05-01 07:00:00.000,101.45,-1.73,TS-1,true,,
2024-05-01 08:00:00.000,101.45,-1.73,TS-1,false,TRUE,
2024-05-01 09:00:00.000,101.45,-1.73,TS-1,,true,true
2024-05-01 10:00:00.000,101.45,-1.73,TS-1,true,,true
2024-05-01 11:00:00.000,101.45,-1.73,TS-1,false,false,false
";
        let parsed = parse_movebank(text, now());
        let lines: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [2, 5, 7],
            "manually marked valid overrides the algorithm"
        );
        let by_line: HashMap<usize, &str> = parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            by_line[&3],
            "manually-marked-outlier: marked as an outlier in Movebank"
        );
        assert_eq!(
            by_line[&4],
            "algorithm-marked-outlier: marked as an outlier in Movebank"
        );
        assert_eq!(
            by_line[&6], "manually-marked-outlier: marked as an outlier in Movebank",
            "a manual outlier mark is not overridden"
        );
        // A `visible` value is Movebank's own verdict and wins; an empty one falls back
        // to the outlier columns.
        let text = "\
visible,timestamp,location-long,location-lat,tag_local_identifier,algorithm_marked_outlier
true,2024-05-01 06:00:00.000,101.45,-1.73,TS-1,true
,2024-05-01 07:00:00.000,101.45,-1.73,TS-1,true
";
        let parsed = parse_movebank(text, now());
        let lines: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2]);
        assert_eq!(
            parsed.errors[0].message,
            "algorithm_marked_outlier: marked as an outlier in Movebank"
        );
    }

    #[test]
    fn movebank_row_problems() {
        let text = "\
visible,timestamp,location-long,location-lat,tag-local-identifier,battery-charge-percent
true,2024-05-01 06:00:00.000,101.45,-1.73,TS-1,50
true,2024-05-01 07:00:00.000,,,TS-1,50
FALSE,2024-05-01 08:00:00.000,101.45,-1.73,TS-1,50
true,2024-08-01 12:30:00.000,101.45,-1.73,TS-1,50
true,2024-05-01 09:00:00.000,0,0,TS-1,50
true,01/05/2024 10:00,101.45,-1.73,TS-1,50
true,2024-05-01 11:00:00.000,east,NaN,,120
true,2024-05-01 12:00:00.000,101.45,-1.73,TS-1
true,2024-05-01T13:00:00+07:00,101.45,-1.73,TS-1,
";
        let parsed = parse_movebank(text, now());
        let lines: Vec<usize> = parsed.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 10]);
        assert_eq!(parsed.rows[1].1.recorded_at, at(2024, 5, 1, 6, 0, 0));
        assert_eq!(parsed.rows[1].1.battery, None);

        let by_line: HashMap<usize, &str> = parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(by_line.len(), 7, "{:?}", parsed.errors);
        assert_eq!(by_line[&3], "no location");
        assert_eq!(by_line[&4], "marked not visible (outlier) in Movebank");
        assert!(by_line[&5].starts_with("timestamp: timestamp is in the future"));
        assert_eq!(
            by_line[&6],
            format!("location-long/location-lat: {}", no_fix())
        );
        assert!(by_line[&7].starts_with("timestamp: not a timestamp"));
        let row8 = by_line[&8];
        assert!(
            row8.contains("tag-local-identifier: must not be empty"),
            "{row8}"
        );
        assert!(
            row8.contains("location-long: not a number: \"east\""),
            "{row8}"
        );
        assert!(
            row8.contains("location-lat: must be a finite number"),
            "{row8}"
        );
        assert!(
            row8.contains("battery-charge-percent: must be between 0 and 100"),
            "{row8}"
        );
        assert_eq!(by_line[&9], "expected 6 fields as in the header, found 5");
    }

    #[test]
    fn movebank_timestamp_formats() {
        let expected = at(2024, 5, 1, 6, 0, 0);
        for s in [
            "2024-05-01 06:00:00.000",
            "2024-05-01 06:00:00",
            "2024-05-01 06:00",
            "2024-05-01T06:00:00.000",
            "2024-05-01T06:00:00Z",
            "2024-05-01T13:00:00+07:00",
        ] {
            assert_eq!(parse_movebank_time(s), Some(expected), "{s}");
        }
        assert_eq!(
            parse_movebank_time("2024-05-01 06:00:00.250"),
            Some(expected + Duration::milliseconds(250))
        );
        assert_eq!(parse_movebank_time("2024-05-01"), None);
    }
}
