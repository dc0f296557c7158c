//! Observations for the early-warning feature: animal-collar fixes and fire hotspots,
//! parsed and validated at the edge so that every rejected input names exactly what is
//! wrong with it.
//!
//! Three inputs are understood:
//!
//! * a collar fix as a JSON object ([`parse_fix`]) or a JSON array of them
//!   ([`parse_fix_batch`]);
//! * a Movebank CSV export ([`parse_movebank`]);
//! * a NASA FIRMS VIIRS or MODIS CSV ([`parse_firms`]).
//!
//! All of them apply the same checks: coordinates must be finite and inside the WGS 84
//! ranges, timestamps may not lie more than [`FUTURE_TOLERANCE_MINUTES`] after `now` nor
//! before 1990-01-01, and a collar fix at exactly 0,0 is refused. The module is pure: the
//! caller passes the CSV text or the parsed JSON and the current time.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// One problem with one input field; the same type the rest of the crate uses, so API
/// errors for observations look like every other validation error.
pub use crate::error::FieldError;

/// The largest number of fixes accepted in one JSON batch.
pub const MAX_FIX_BATCH: usize = 50_000;

/// The longest device identifier accepted, in characters after trimming.
pub const MAX_DEVICE_CHARS: usize = 100;

/// How far after `now` a timestamp may lie before it is refused as "in the future";
/// it absorbs clock drift between collars, satellites and this server.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;

/// 1990-01-01T00:00:00Z as Unix seconds: nothing earlier is a plausible observation.
const EARLIEST_UNIX_SECONDS: i64 = 631_152_000;

const NO_FIX: &str = "0,0 is the position a receiver reports when it has no fix";

/// A validated collar fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixInput {
    /// Device (tag) identifier, trimmed, 1 to [`MAX_DEVICE_CHARS`] characters.
    pub device: String,
    pub recorded_at: DateTime<Utc>,
    /// WGS 84 longitude in degrees, -180..=180.
    pub lon: f64,
    /// WGS 84 latitude in degrees, -90..=90.
    pub lat: f64,
    /// Horizontal accuracy in metres, when the collar reports it.
    pub accuracy_m: Option<f64>,
    /// Battery charge in percent, 0..=100, when the collar reports it.
    pub battery: Option<f64>,
}

/// One rejected CSV row (or the header, at its line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file; the header is line 1. A row whose quoted field
    /// spans several lines is reported at the line where it starts.
    pub line: usize,
    pub message: String,
}

/// The outcome of [`parse_movebank`]: the rows that passed, each with its line number,
/// and one error per rejected row.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MovebankParse {
    pub rows: Vec<(usize, FixInput)>,
    pub errors: Vec<RowError>,
}

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

/// The outcome of [`parse_firms`]: the rows that passed, each with its line number,
/// and one error per rejected row.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FirmsParse {
    pub rows: Vec<(usize, Hotspot)>,
    pub errors: Vec<RowError>,
}

// ---------------------------------------------------------------------------------------
// Shared checks. They return the message without a field or column prefix.

fn check_range(x: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if !x.is_finite() {
        Err("must be a finite number".to_string())
    } else if x < lo || x > hi {
        Err(format!("must be between {lo} and {hi}, got {x}"))
    } else {
        Ok(x)
    }
}

fn check_lon(x: f64) -> Result<f64, String> {
    check_range(x, -180.0, 180.0)
}

fn check_lat(x: f64) -> Result<f64, String> {
    check_range(x, -90.0, 90.0)
}

fn check_accuracy(x: f64) -> Result<f64, String> {
    if !x.is_finite() {
        Err("must be a finite number".to_string())
    } else if x < 0.0 {
        Err(format!("must be 0 or more metres, got {x}"))
    } else {
        Ok(x)
    }
}

fn check_battery(x: f64) -> Result<f64, String> {
    check_range(x, 0.0, 100.0).map_err(|m| format!("{m} (percent)"))
}

fn is_no_fix(lon: f64, lat: f64) -> bool {
    lon == 0.0 && lat == 0.0
}

fn check_time(t: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let latest = now.checked_add_signed(Duration::minutes(FUTURE_TOLERANCE_MINUTES));
    if latest.is_some_and(|latest| t > latest) {
        Err(format!(
            "timestamp is in the future ({} is more than {FUTURE_TOLERANCE_MINUTES} minutes after {})",
            t.to_rfc3339(),
            now.to_rfc3339()
        ))
    } else if t.timestamp() < EARLIEST_UNIX_SECONDS {
        Err(format!(
            "timestamp is before 1990-01-01 ({})",
            t.to_rfc3339()
        ))
    } else {
        Ok(t)
    }
}

fn check_device(s: &str) -> Result<String, String> {
    let s = s.trim();
    let chars = s.chars().count();
    if chars == 0 {
        Err("must not be empty".to_string())
    } else if s.chars().any(char::is_control) {
        Err("must not contain control characters".to_string())
    } else if chars > MAX_DEVICE_CHARS {
        Err(format!(
            "must be at most {MAX_DEVICE_CHARS} characters, got {chars}"
        ))
    } else {
        Ok(s.to_string())
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

// ---------------------------------------------------------------------------------------
// JSON fixes.

fn field_error(field: &str, message: impl Into<crate::Message>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// `Ok(None)` when the key is absent or null.
fn json_number(obj: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .map(Some)
            .ok_or_else(|| "must be a finite number".to_string()),
        Some(_) => Err("must be a number".to_string()),
    }
}

fn required_number(
    obj: &Map<String, Value>,
    key: &str,
    check: fn(f64) -> Result<f64, String>,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    match json_number(obj, key) {
        Ok(Some(x)) => match check(x) {
            Ok(x) => Some(x),
            Err(m) => {
                errors.push(field_error(key, m));
                None
            }
        },
        Ok(None) => {
            errors.push(field_error(key, "is required"));
            None
        }
        Err(m) => {
            errors.push(field_error(key, m));
            None
        }
    }
}

/// Returns `Ok(None)` when absent or null; pushes an error and returns `Err(())` when invalid.
fn optional_number(
    obj: &Map<String, Value>,
    key: &str,
    check: fn(f64) -> Result<f64, String>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<f64>, ()> {
    match json_number(obj, key).and_then(|x| x.map(check).transpose()) {
        Ok(x) => Ok(x),
        Err(m) => {
            errors.push(field_error(key, m));
            Err(())
        }
    }
}

/// Parses one collar fix from a JSON object.
///
/// Fields: `device` (string, trimmed, 1 to 100 characters), `recorded_at` (RFC 3339 with
/// an offset, e.g. `2024-05-01T06:00:00Z`), `lon` and `lat` (numbers, WGS 84 degrees),
/// and optionally `accuracy_m` (metres, 0 or more) and `battery` (percent, 0 to 100);
/// `null` counts as absent for the optional fields. Any other field is allowed and
/// ignored: collars send extras such as temperature or activity counters.
///
/// Refused: coordinates out of range or not finite, exactly 0,0 (what a receiver reports
/// without a fix), `recorded_at` more than 10 minutes after `now` or before 1990-01-01.
/// Every problem found is returned, each naming its field; a non-object is reported
/// with an empty field name.
pub fn parse_fix(v: &Value, now: DateTime<Utc>) -> Result<FixInput, Vec<FieldError>> {
    let Some(obj) = v.as_object() else {
        return Err(vec![field_error("", "must be a JSON object")]);
    };
    let mut errors = Vec::new();
    for k in obj.keys() {
        if !FIX_FIELDS.contains(&k.as_str()) {
            errors.push(field_error(k, "unknown field"));
        }
    }

    let device = match obj.get("device") {
        None | Some(Value::Null) => {
            errors.push(field_error("device", "is required"));
            None
        }
        Some(Value::String(s)) => match check_device(s) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(field_error("device", m));
                None
            }
        },
        Some(_) => {
            errors.push(field_error("device", "must be a string"));
            None
        }
    };

    let recorded_at = match obj.get("recorded_at") {
        None | Some(Value::Null) => {
            errors.push(field_error("recorded_at", "is required"));
            None
        }
        Some(Value::String(s)) => {
            let parsed = DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    format!(
                        "must be an RFC 3339 timestamp with an offset, e.g. 2024-05-01T06:00:00Z; got {s:?}"
                    )
                })
                .and_then(|t| check_time(t, now));
            match parsed {
                Ok(t) => Some(t),
                Err(m) => {
                    errors.push(field_error("recorded_at", m));
                    None
                }
            }
        }
        Some(_) => {
            errors.push(field_error("recorded_at", "must be a string"));
            None
        }
    };

    let lon = required_number(obj, "lon", check_lon, &mut errors);
    let lat = required_number(obj, "lat", check_lat, &mut errors);
    if let (Some(lon), Some(lat)) = (lon, lat) {
        if is_no_fix(lon, lat) {
            errors.push(field_error(
                "lon",
                format!("lon and lat are both 0: {NO_FIX}"),
            ));
        }
    }
    let accuracy_m = optional_number(obj, "accuracy_m", check_accuracy, &mut errors);
    let battery = optional_number(obj, "battery", check_battery, &mut errors);

    match (device, recorded_at, lon, lat, accuracy_m, battery) {
        (Some(device), Some(recorded_at), Some(lon), Some(lat), Ok(accuracy_m), Ok(battery))
            if errors.is_empty() =>
        {
            Ok(FixInput {
                device,
                recorded_at,
                lon,
                lat,
                accuracy_m,
                battery,
            })
        }
        _ => Err(errors),
    }
}

/// Parses a JSON array of 1 to [`MAX_FIX_BATCH`] fixes, each independently with
/// [`parse_fix`]. The outer `Err` is for a body that is not such an array; otherwise
/// there is one result per item, in order, with field names prefixed by the item's
/// index (`[3].lat`, or `[3]` for an item that is not an object).
pub fn parse_fix_batch(
    v: &Value,
    now: DateTime<Utc>,
) -> Result<Vec<Result<FixInput, Vec<FieldError>>>, String> {
    let Some(items) = v.as_array() else {
        return Err("the body must be a JSON array of fixes".to_string());
    };
    if items.is_empty() {
        return Err(format!(
            "the array is empty; send 1 to {MAX_FIX_BATCH} fixes"
        ));
    }
    if items.len() > MAX_FIX_BATCH {
        return Err(format!(
            "the array holds {} fixes; send at most {MAX_FIX_BATCH} per request",
            items.len()
        ));
    }
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            parse_fix(item, now).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = if e.field.is_empty() {
                            format!("[{i}]")
                        } else {
                            format!("[{i}].{}", e.field)
                        };
                        e
                    })
                    .collect()
            })
        })
        .collect())
}

/// The fields a fix may have; any other is refused, naming it.
const FIX_FIELDS: [&str; 6] = [
    "device",
    "recorded_at",
    "lon",
    "lat",
    "accuracy_m",
    "battery",
];

/// A fix as collars send it, read straight from the bytes. A fix with any other field
/// falls back to [`parse_fix`], which names it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WireFix {
    device: String,
    recorded_at: String,
    lon: f64,
    lat: f64,
    #[serde(default)]
    accuracy_m: Option<f64>,
    #[serde(default)]
    battery: Option<f64>,
}

/// The same checks as [`parse_fix`] on a fix whose fields already have the right types.
fn check_wire(w: WireFix, now: DateTime<Utc>) -> Result<FixInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let device = check_device(&w.device)
        .map_err(|m| errors.push(field_error("device", m)))
        .ok();
    let recorded_at = DateTime::parse_from_rfc3339(w.recorded_at.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "must be an RFC 3339 timestamp with an offset, e.g. 2024-05-01T06:00:00Z; got {:?}",
                w.recorded_at
            )
        })
        .and_then(|t| check_time(t, now))
        .map_err(|m| errors.push(field_error("recorded_at", m)))
        .ok();
    let lon = check_lon(w.lon)
        .map_err(|m| errors.push(field_error("lon", m)))
        .ok();
    let lat = check_lat(w.lat)
        .map_err(|m| errors.push(field_error("lat", m)))
        .ok();
    if let (Some(lon), Some(lat)) = (lon, lat) {
        if is_no_fix(lon, lat) {
            errors.push(field_error(
                "lon",
                format!("lon and lat are both 0: {NO_FIX}"),
            ));
        }
    }
    let accuracy_m = w
        .accuracy_m
        .map(check_accuracy)
        .transpose()
        .map_err(|m| errors.push(field_error("accuracy_m", m)));
    let battery = w
        .battery
        .map(check_battery)
        .transpose()
        .map_err(|m| errors.push(field_error("battery", m)));
    match (device, recorded_at, lon, lat, accuracy_m, battery) {
        (Some(device), Some(recorded_at), Some(lon), Some(lat), Ok(accuracy_m), Ok(battery))
            if errors.is_empty() =>
        {
            Ok(FixInput {
                device,
                recorded_at,
                lon,
                lat,
                accuracy_m,
                battery,
            })
        }
        _ => Err(errors),
    }
}

/// As [`parse_fix_batch`], from the request body's bytes. Well-typed batches (the usual
/// case) are read straight into fixes; anything else is read as JSON first so that every
/// problem is named as [`parse_fix_batch`] names it. `Err` carries a message for a body
/// that is not JSON or not an array of 1 to [`MAX_FIX_BATCH`] items.
pub fn parse_fix_batch_bytes(
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Vec<Result<FixInput, Vec<FieldError>>>, String> {
    if let Ok(items) = serde_json::from_slice::<Vec<WireFix>>(bytes) {
        if !items.is_empty() && items.len() <= MAX_FIX_BATCH {
            return Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, w)| check_wire(w, now).map_err(|errors| prefix(i, errors)))
                .collect());
        }
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "malformed JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    parse_fix_batch(&v, now)
}

fn prefix(i: usize, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            e.field = if e.field.is_empty() {
                format!("[{i}]")
            } else {
                format!("[{i}].{}", e.field)
            };
            e
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// CSV plumbing shared by Movebank and FIRMS.

/// Header names are compared after lower-casing and replacing `-`, `:`, `.` and spaces
/// with `_`, so `location-long`, `location_long`, `Location.Long` (R's `read.csv`) and
/// `gps:hdop` / `gps_hdop` match.
fn normalise_header(h: &str) -> String {
    h.trim().to_lowercase().replace(['-', ':', '.', ' '], "_")
}

/// A located column: its index and its name as written in the file (used in messages).
#[derive(Debug, Clone)]
struct Column {
    index: usize,
    name: String,
}

struct Header {
    /// Normalised name → first column with that name.
    columns: HashMap<String, Column>,
    line: usize,
}

impl Header {
    fn new(record: &csv::StringRecord, line: usize) -> Self {
        let mut columns = HashMap::new();
        for (index, raw) in record.iter().enumerate() {
            columns
                .entry(normalise_header(raw))
                .or_insert_with(|| Column {
                    index,
                    name: raw.trim().to_string(),
                });
        }
        Header { columns, line }
    }

    fn get(&self, key: &str) -> Option<&Column> {
        self.columns.get(key)
    }

    /// The first of `keys` present in the header.
    fn first_of(&self, keys: &[&str]) -> Option<&Column> {
        keys.iter().find_map(|k| self.get(k))
    }
}

fn cell<'r>(record: &'r csv::StringRecord, column: &Column) -> &'r str {
    record.get(column.index).unwrap_or("").trim()
}

/// A number cell: `Ok(None)` when empty.
fn number_cell(record: &csv::StringRecord, column: &Column) -> Result<Option<f64>, String> {
    let s = cell(record, column);
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        Ok(_) => Err(format!(
            "{}: must be a finite number, got {s:?}",
            column.name
        )),
        Err(_) => Err(format!("{}: not a number: {s:?}", column.name)),
    }
}

/// An optional number column checked with `check`; errors are pushed with the column prefix.
fn optional_number_cell(
    record: &csv::StringRecord,
    column: Option<&Column>,
    check: fn(f64) -> Result<f64, String>,
    problems: &mut Vec<String>,
) -> Option<f64> {
    let column = column?;
    match number_cell(record, column) {
        Ok(Some(x)) => match check(x) {
            Ok(x) => Some(x),
            Err(m) => {
                problems.push(format!("{}: {m}", column.name));
                None
            }
        },
        Ok(None) => None,
        Err(m) => {
            problems.push(m);
            None
        }
    }
}

/// Turns the byte offsets the csv reader reports into 1-based line numbers.
///
/// The reader's own line numbers are unreliable for this purpose: a record's position is
/// taken where parsing resumed after the previous record, i.e. before the `\n` of a CRLF
/// terminator and before skipped blank lines. The byte offset has the same quirk, so
/// line-break bytes at the offset are skipped before counting. Offsets arrive in
/// increasing order, so counting is incremental and linear in the file size.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_of(&mut self, position: Option<&csv::Position>) -> usize {
        let Some(position) = position else {
            return self.line;
        };
        let mut at = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at >= self.offset {
            let breaks = self.text[self.offset..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += breaks;
            self.offset = at;
        }
        self.line
    }
}

/// Reads `text` as CSV with a header row, strict field counts, an optional UTF-8 BOM and
/// either line ending. `on_header` resolves the columns or names the missing ones;
/// `on_row` turns one record into a value or a list of problems.
fn read_csv<C, T>(
    text: &str,
    on_header: impl FnOnce(&Header) -> Result<C, Vec<String>>,
    mut on_row: impl FnMut(&C, &csv::StringRecord) -> Result<T, Vec<String>>,
) -> (Vec<(usize, T)>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    let mut errors = Vec::new();

    let header = match reader.headers() {
        Ok(record) => Header::new(record, lines.line_of(record.position())),
        Err(e) => {
            errors.push(RowError {
                line: 1,
                message: format!("cannot read the header: {e}"),
            });
            return (rows, errors);
        }
    };
    let columns = match on_header(&header) {
        Ok(c) => c,
        Err(missing) => {
            let plural = if missing.len() == 1 { "" } else { "s" };
            errors.push(RowError {
                line: header.line,
                message: format!("missing column{plural}: {}", missing.join(", ")),
            });
            return (rows, errors);
        }
    };

    for result in reader.records() {
        match result {
            Ok(record) => {
                let line = lines.line_of(record.position());
                match on_row(&columns, &record) {
                    Ok(value) => rows.push((line, value)),
                    Err(problems) => errors.push(RowError {
                        line,
                        message: problems.join("; "),
                    }),
                }
            }
            Err(e) => {
                let line = lines.line_of(e.position());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("expected {expected_len} fields as in the header, found {len}"),
                    _ => e.to_string(),
                };
                let fatal = !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                );
                errors.push(RowError { line, message });
                if fatal {
                    break;
                }
            }
        }
    }
    (rows, errors)
}

// ---------------------------------------------------------------------------------------
// Movebank.

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
/// Each row is validated like [`parse_fix`]; problems are prefixed by the column name as
/// written in the file and a rejected row yields one [`RowError`] (problems joined by
/// `; `) at its 1-based line number. Rows without a location report `no location`.
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
) -> Result<FixInput, Vec<String>> {
    if let Some(why) = movebank_outlier(c, r) {
        return Err(vec![why]);
    }
    let mut problems = Vec::new();

    let device = match check_device(cell(r, &c.device)) {
        Ok(d) => Some(d),
        Err(m) => {
            problems.push(format!("{}: {m}", c.device.name));
            None
        }
    };

    let ts = cell(r, &c.timestamp);
    let recorded_at = if ts.is_empty() {
        problems.push(format!("{}: empty", c.timestamp.name));
        None
    } else {
        match parse_movebank_time(ts)
            .ok_or_else(|| format!("not a timestamp like 2024-05-01 06:00:00.000: {ts:?}"))
            .and_then(|t| check_time(t, now))
        {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(format!("{}: {m}", c.timestamp.name));
                None
            }
        }
    };

    let position = if cell(r, &c.lon).is_empty() || cell(r, &c.lat).is_empty() {
        problems.push("no location".to_string());
        None
    } else {
        let lon = coordinate(r, &c.lon, check_lon, &mut problems);
        let lat = coordinate(r, &c.lat, check_lat, &mut problems);
        match (lon, lat) {
            (Some(lon), Some(lat)) if is_no_fix(lon, lat) => {
                problems.push(format!("{}/{}: {NO_FIX}", c.lon.name, c.lat.name));
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
fn movebank_outlier(c: &MovebankColumns, r: &csv::StringRecord) -> Option<String> {
    if let Some(visible) = &c.visible {
        let v = cell(r, visible);
        if v.eq_ignore_ascii_case("false") {
            return Some("marked not visible (outlier) in Movebank".to_string());
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
    outlier.map(|col| format!("{}: marked as an outlier in Movebank", col.name))
}

/// A required, non-empty coordinate cell.
fn coordinate(
    r: &csv::StringRecord,
    column: &Column,
    check: fn(f64) -> Result<f64, String>,
    problems: &mut Vec<String>,
) -> Option<f64> {
    match number_cell(r, column) {
        Ok(Some(x)) => match check(x) {
            Ok(x) => Some(x),
            Err(m) => {
                problems.push(format!("{}: {m}", column.name));
                None
            }
        },
        Ok(None) => {
            problems.push(format!("{}: empty", column.name));
            None
        }
        Err(m) => {
            problems.push(m);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// NASA FIRMS.

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
fn firms_confidence(s: &str) -> Result<String, String> {
    match s.to_ascii_lowercase().as_str() {
        "l" | "low" => return Ok("low".to_string()),
        "n" | "nominal" => return Ok("nominal".to_string()),
        "h" | "high" => return Ok("high".to_string()),
        _ => {}
    }
    match s.parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Ok(s.to_string()),
        _ => Err(format!(
            "expected l, n or h (VIIRS) or a number 0-100 (MODIS), got {s:?}"
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
) -> Result<Hotspot, Vec<String>> {
    let mut problems = Vec::new();

    let lat = coordinate(r, &c.lat, check_lat, &mut problems);
    let lon = coordinate(r, &c.lon, check_lon, &mut problems);

    let date_text = cell(r, &c.acq_date);
    let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").ok();
    if date.is_none() {
        problems.push(format!(
            "{}: not a date like 2024-08-01: {date_text:?}",
            c.acq_date.name
        ));
    }
    let time_text = cell(r, &c.acq_time);
    let time = parse_acq_time(time_text);
    if time.is_none() {
        problems.push(format!(
            "{}: not a UTC time like 0524 or 524 (HHMM): {time_text:?}",
            c.acq_time.name
        ));
    }
    let acquired_at = match (date, time) {
        (Some(d), Some(t)) => match check_time(d.and_time(t).and_utc(), now) {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(format!("{}/{}: {m}", c.acq_date.name, c.acq_time.name));
                None
            }
        },
        _ => None,
    };

    let satellite = cell(r, &c.satellite).to_string();
    if satellite.is_empty() {
        problems.push(format!("{}: empty", c.satellite.name));
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
        problems.push(format!("{name}: empty"));
    }

    let confidence = match firms_confidence(cell(r, &c.confidence)) {
        Ok(s) => Some(s),
        Err(m) => {
            problems.push(format!("{}: {m}", c.confidence.name));
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
    use chrono::TimeZone;
    use serde_json::json;

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

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn message_for<'a>(errors: &'a [FieldError], field: &str) -> &'a str {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
            .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))
    }

    fn good_fix() -> Value {
        json!({
            "device": "  TS-0417 ",
            "recorded_at": "2024-08-01T13:30:00+07:00",
            "lon": 101.4521,
            "lat": -1.7312,
            "accuracy_m": 8.5,
            "battery": 87
        })
    }

    // --- JSON fixes ---------------------------------------------------------------------

    #[test]
    fn parses_a_fix_and_names_unknown_fields() {
        let mut extra = good_fix();
        extra["temperature"] = json!(27.5);
        let errors = parse_fix(&extra, now()).expect_err("an unknown field is refused");
        assert_eq!(fields(&errors), ["temperature"]);
        let fix = parse_fix(&good_fix(), now()).expect("should parse");
        assert_eq!(
            fix,
            FixInput {
                device: "TS-0417".into(),
                recorded_at: at(2024, 8, 1, 6, 30, 0),
                lon: 101.4521,
                lat: -1.7312,
                accuracy_m: Some(8.5),
                battery: Some(87.0),
            }
        );
    }

    #[test]
    fn optional_fields_may_be_absent_or_null() {
        let fix = parse_fix(
            &json!({"device": "c1", "recorded_at": "2024-08-01T06:00:00Z",
                    "lon": 101.3, "lat": -1.9, "battery": null}),
            now(),
        )
        .expect("should parse");
        assert_eq!(fix.accuracy_m, None);
        assert_eq!(fix.battery, None);
    }

    #[test]
    fn every_missing_required_field_is_named() {
        let errors = parse_fix(&json!({}), now()).expect_err("should be refused");
        assert_eq!(fields(&errors), ["device", "recorded_at", "lon", "lat"]);
        assert!(errors.iter().all(|e| e.message == "is required"));
    }

    #[test]
    fn a_non_object_is_refused() {
        let errors = parse_fix(&json!([1, 2]), now()).expect_err("should be refused");
        assert_eq!(fields(&errors), [""]);
        assert!(errors[0].message.contains("JSON object"));
    }

    #[test]
    fn wrong_types_are_named() {
        let errors = parse_fix(
            &json!({"device": 17, "recorded_at": 1714543200, "lon": "101.4",
                    "lat": true, "accuracy_m": "5", "battery": [1]}),
            now(),
        )
        .expect_err("should be refused");
        assert_eq!(
            fields(&errors),
            [
                "device",
                "recorded_at",
                "lon",
                "lat",
                "accuracy_m",
                "battery"
            ]
        );
        assert_eq!(message_for(&errors, "device"), "must be a string");
        assert_eq!(message_for(&errors, "lon"), "must be a number");
    }

    #[test]
    fn device_is_trimmed_and_bounded() {
        let mut v = good_fix();
        v["device"] = json!("   ");
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert_eq!(message_for(&errors, "device"), "must not be empty");

        v["device"] = json!("é".repeat(100));
        assert!(parse_fix(&v, now()).is_ok(), "100 characters are allowed");
        v["device"] = json!("x".repeat(101));
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert!(message_for(&errors, "device").contains("at most 100"));
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        let mut v = good_fix();
        v["lon"] = json!(181.0);
        v["lat"] = json!(-90.5);
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert_eq!(fields(&errors), ["lon", "lat"]);
        assert!(message_for(&errors, "lon").contains("between -180 and 180"));
        assert!(message_for(&errors, "lat").contains("between -90 and 90"));

        v["lon"] = json!(-180.0);
        v["lat"] = json!(90.0);
        assert!(
            parse_fix(&v, now()).is_ok(),
            "the bounds themselves are valid"
        );
    }

    #[test]
    fn zero_zero_is_refused_but_a_single_zero_is_not() {
        let mut v = good_fix();
        v["lon"] = json!(0);
        v["lat"] = json!(0.0);
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert_eq!(fields(&errors), ["lon"]);
        assert!(message_for(&errors, "lon").contains(NO_FIX));

        v["lat"] = json!(-1.5);
        assert!(parse_fix(&v, now()).is_ok());
    }

    #[test]
    fn future_timestamps_beyond_ten_minutes_are_refused() {
        let mut v = good_fix();
        v["recorded_at"] = json!("2024-08-01T12:10:00Z");
        assert!(
            parse_fix(&v, now()).is_ok(),
            "exactly 10 minutes ahead is tolerated"
        );

        v["recorded_at"] = json!("2024-08-01T12:10:01Z");
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert!(message_for(&errors, "recorded_at").starts_with("timestamp is in the future"));

        // The offset counts: 19:30+07:00 is 12:30Z.
        v["recorded_at"] = json!("2024-08-01T19:30:00+07:00");
        assert!(parse_fix(&v, now()).is_err());
    }

    #[test]
    fn timestamps_before_1990_are_refused() {
        let mut v = good_fix();
        v["recorded_at"] = json!("1989-12-31T23:59:59Z");
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert!(message_for(&errors, "recorded_at").contains("before 1990-01-01"));

        v["recorded_at"] = json!("1990-01-01T00:00:00Z");
        assert!(parse_fix(&v, now()).is_ok());
    }

    #[test]
    fn recorded_at_needs_an_offset() {
        let mut v = good_fix();
        for bad in ["2024-08-01T06:00:00", "2024-08-01", "yesterday"] {
            v["recorded_at"] = json!(bad);
            let errors = parse_fix(&v, now()).expect_err("should be refused");
            assert!(
                message_for(&errors, "recorded_at").contains("RFC 3339"),
                "{bad}"
            );
        }
    }

    #[test]
    fn accuracy_and_battery_are_range_checked() {
        let mut v = good_fix();
        v["accuracy_m"] = json!(-1);
        v["battery"] = json!(100.5);
        let errors = parse_fix(&v, now()).expect_err("should be refused");
        assert_eq!(fields(&errors), ["accuracy_m", "battery"]);
        assert!(message_for(&errors, "battery").contains("between 0 and 100"));

        v["accuracy_m"] = json!(0);
        v["battery"] = json!(0);
        assert!(parse_fix(&v, now()).is_ok());
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

    #[test]
    fn batch_prefixes_errors_with_the_index() {
        let mut bad = good_fix();
        bad["lat"] = json!(95);
        let results = parse_fix_batch(&json!([good_fix(), "not a fix", good_fix(), bad]), now())
            .expect("should parse");
        assert_eq!(results.len(), 4);
        assert!(results[0].is_ok());
        assert_eq!(
            fields(results[1].as_ref().expect_err("should be refused")),
            ["[1]"]
        );
        assert!(results[2].is_ok());
        assert_eq!(
            fields(results[3].as_ref().expect_err("should be refused")),
            ["[3].lat"]
        );
    }

    #[test]
    fn batch_must_be_a_non_empty_bounded_array() {
        assert!(parse_fix_batch(&good_fix(), now())
            .expect_err("should be refused")
            .contains("JSON array"));
        assert!(parse_fix_batch(&json!([]), now())
            .expect_err("should be refused")
            .contains("empty"));

        let too_many = Value::Array(vec![Value::Null; MAX_FIX_BATCH + 1]);
        assert!(parse_fix_batch(&too_many, now())
            .expect_err("should be refused")
            .contains("at most 50000"));

        let just_enough = Value::Array(vec![Value::Null; MAX_FIX_BATCH]);
        assert_eq!(
            parse_fix_batch(&just_enough, now())
                .expect("should parse")
                .len(),
            MAX_FIX_BATCH
        );
    }

    #[test]
    fn field_errors_serialize_as_field_and_message() {
        let e = field_error("[3].lat", "must be between -90 and 90, got 95");
        assert_eq!(
            serde_json::to_value(&e).expect("should parse"),
            json!({"field": "[3].lat", "message": "must be between -90 and 90, got 95"})
        );
    }

    // --- Movebank -----------------------------------------------------------------------

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
        assert_eq!(by_line[&6], format!("location-long/location-lat: {NO_FIX}"));
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

    #[test]
    fn header_normalisation() {
        assert_eq!(normalise_header(" Location-Long "), "location_long");
        assert_eq!(normalise_header("gps:hdop"), "gps_hdop");
        assert_eq!(
            normalise_header("eobs:battery-voltage"),
            "eobs_battery_voltage"
        );
        assert_eq!(normalise_header("location.lat"), "location_lat");
    }

    // --- FIRMS --------------------------------------------------------------------------

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

    #[test]
    fn typed_and_general_batch_parsing_agree() {
        let now = DateTime::parse_from_rfc3339("2025-11-20T00:00:00Z")
            .expect("t")
            .with_timezone(&Utc);
        for body in [
            r#"[{"device":"A","recorded_at":"2025-11-19T23:00:00Z","lon":105.7,"lat":-5.0,"battery":50,"temp":31}]"#,
            r#"[{"device":"A","recorded_at":"2025-11-19T23:00:00Z","lon":0,"lat":0}]"#,
            r#"[{"device":"A","recorded_at":"2025-11-21T00:00:00Z","lon":105.7,"lat":95,"accuracy_m":-1}]"#,
            r#"[{"device":" ","recorded_at":"kemarin","lon":105.7,"lat":-5.0,"battery":101}]"#,
            r#"[{"device":"A","recorded_at":"2025-11-19T23:00:00Z","lon":"105","lat":-5.0}]"#,
        ] {
            let v: Value = serde_json::from_str(body).expect("json");
            assert_eq!(
                parse_fix_batch_bytes(body.as_bytes(), now),
                parse_fix_batch(&v, now),
                "{body}"
            );
        }
        assert!(parse_fix_batch_bytes(b"[1,", now)
            .expect_err("bad")
            .contains("line 1"));
        assert!(parse_fix_batch_bytes(b"[]", now).is_err());
    }
}
