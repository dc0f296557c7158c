//! Collar fixes sent as JSON: one object ([`parse_fix`]) or an array of them
//! ([`parse_fix_batch`], [`parse_fix_batch_bytes`]), every problem named by its field.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::checks::{
    check_accuracy, check_battery, check_device, check_lat, check_lon, check_time, is_no_fix,
};
use crate::error::{FieldError, Message};

/// The largest number of fixes accepted in one JSON batch.
pub const MAX_FIX_BATCH: usize = 50_000;

/// A validated collar fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixInput {
    /// Device (tag) identifier, trimmed, 1 to [`MAX_DEVICE_CHARS`](super::MAX_DEVICE_CHARS)
    /// characters.
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

fn field_error(field: &str, message: impl Into<crate::Message>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// `Ok(None)` when the key is absent or null.
fn json_number(obj: &Map<String, Value>, key: &str) -> Result<Option<f64>, Message> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .map(Some)
            .ok_or_else(|| crate::msg!("fix-not-finite", "must be a finite number")),
        Some(_) => Err(crate::msg!("fix-not-number", "must be a number")),
    }
}

fn required() -> Message {
    crate::msg!("fix-field-required", "is required")
}

fn not_string() -> Message {
    crate::msg!("fix-not-string", "must be a string")
}

/// A `recorded_at` that is not an RFC 3339 time; `value` is the text as sent.
fn not_rfc3339(value: &str) -> Message {
    crate::msg!(
        "fix-time-invalid",
        "must be an RFC 3339 timestamp with an offset, e.g. 2024-05-01T06:00:00Z; got {value}",
        value = format!("{value:?}")
    )
}

fn lon_lat_zero() -> Message {
    crate::msg!(
        "fix-lon-lat-zero",
        "lon and lat are both 0: 0,0 is the position a receiver reports when it has no fix"
    )
}

fn required_number(
    obj: &Map<String, Value>,
    key: &str,
    check: fn(f64) -> Result<f64, Message>,
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
            errors.push(field_error(key, required()));
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
    check: fn(f64) -> Result<f64, Message>,
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
        return Err(vec![field_error(
            "",
            crate::msg!("object-required", "must be a JSON object"),
        )]);
    };
    let mut errors = Vec::new();
    for k in obj.keys() {
        if !FIX_FIELDS.contains(&k.as_str()) {
            errors.push(field_error(
                k,
                crate::msg!("field-unknown", "unknown field"),
            ));
        }
    }

    let device = match obj.get("device") {
        None | Some(Value::Null) => {
            errors.push(field_error("device", required()));
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
            errors.push(field_error("device", not_string()));
            None
        }
    };

    let recorded_at = match obj.get("recorded_at") {
        None | Some(Value::Null) => {
            errors.push(field_error("recorded_at", required()));
            None
        }
        Some(Value::String(s)) => {
            let parsed = DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| not_rfc3339(s))
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
            errors.push(field_error("recorded_at", not_string()));
            None
        }
    };

    let lon = required_number(obj, "lon", check_lon, &mut errors);
    let lat = required_number(obj, "lat", check_lat, &mut errors);
    if let (Some(lon), Some(lat)) = (lon, lat) {
        if is_no_fix(lon, lat) {
            errors.push(field_error("lon", lon_lat_zero()));
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
) -> Result<Vec<Result<FixInput, Vec<FieldError>>>, Message> {
    let Some(items) = v.as_array() else {
        return Err(crate::msg!(
            "fix-batch-not-array",
            "the body must be a JSON array of fixes"
        ));
    };
    if items.is_empty() {
        return Err(crate::msg!(
            "fix-batch-empty",
            "the array is empty; send 1 to {max} fixes",
            max = MAX_FIX_BATCH
        ));
    }
    if items.len() > MAX_FIX_BATCH {
        return Err(crate::msg!(
            "fix-batch-too-many",
            "the array holds {count} fixes; send at most {max} per request",
            count = items.len(),
            max = MAX_FIX_BATCH
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
pub const FIX_FIELDS: [&str; 6] = [
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
        .map_err(|_| not_rfc3339(&w.recorded_at))
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
            errors.push(field_error("lon", lon_lat_zero()));
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
) -> Result<Vec<Result<FixInput, Vec<FieldError>>>, Message> {
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
        crate::msg!(
            "fix-batch-json-malformed",
            "malformed JSON at line {line}, column {column}: {error}",
            line = e.line(),
            column = e.column(),
            error = e
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

#[cfg(test)]
mod tests {
    use super::super::checks::no_fix;
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
        assert!(message_for(&errors, "lon").contains(no_fix().as_str()));

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
