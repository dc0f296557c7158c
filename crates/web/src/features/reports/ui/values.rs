//! Turns the report form's strings into the JSON the app's use cases take: a GeoJSON
//! Feature to create a report, a Feature-shaped patch to change one. Attribute values get
//! their type's JSON kind (numbers, booleans, lists), empty optional fields are dropped,
//! and a `datetime-local` value plus the chosen zone becomes an RFC 3339 time.
//!
//! This module only converts; it must never decide what is valid. A value it cannot
//! convert is passed on as the text typed, so the domain's checks name the field.

use std::collections::BTreeMap;

use chrono::DateTime;
use serde::Serialize;
use serde_json::{json, Map, Value};
use sinergi_core::report::Report;
use sinergi_core::report_types::{FieldDef, FieldKind, ReportType};

use crate::ui::format::{local_to_rfc3339, normalize_zone, rfc3339_to_local, zone_value};
use crate::i18n::k;
use crate::ui::FormData;

/// A whole number as people type it: `12`, `-3`, or with thousands dots `1.500.000`.
fn parse_integer(s: &str) -> Option<i64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let mut groups = s.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let grouped = !rest.is_empty()
        && !first.is_empty()
        && first.trim_start_matches('-').len() <= 3
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if grouped {
        format!("{first}{}", rest.concat()).parse().ok()
    } else {
        None
    }
}

/// A decimal number with a dot or an Indonesian decimal comma (`2,5`, `1.234,5`).
fn parse_decimal(s: &str) -> Option<f64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let normal = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else {
        s
    };
    normal.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The JSON value of one attribute from its submitted strings, or `None` when the field
/// was left empty (so an optional field is dropped and a required one is reported as
/// missing). A checkbox that was not ticked means `false`.
pub fn attribute_value(f: &FieldDef, vals: &[String], zone: &str) -> Option<Value> {
    match f.kind {
        FieldKind::Boolean => Some(Value::Bool(
            vals.iter().any(|v| matches!(v.trim(), "1" | "on" | "true")),
        )),
        FieldKind::Multiselect => {
            let items: Vec<Value> = vals
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.into()))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        kind => {
            let s = vals.first().map(|s| s.trim()).filter(|s| !s.is_empty())?;
            let raw = Value::String(s.to_string());
            Some(match kind {
                FieldKind::Integer => parse_integer(s).map(Value::from).unwrap_or(raw),
                FieldKind::Decimal => parse_decimal(s)
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(raw),
                FieldKind::Datetime => match local_to_rfc3339(s, zone) {
                    Some(t) => Value::String(t),
                    None => raw,
                },
                _ => raw,
            })
        }
    }
}

/// The attributes object of a report of type `ty` from the form's values.
pub fn attributes_json(
    ty: &ReportType,
    attrs: &BTreeMap<String, Vec<String>>,
    zone: &str,
) -> Map<String, Value> {
    let empty = Vec::new();
    ty.fields
        .iter()
        .filter_map(|f| {
            attribute_value(f, attrs.get(&f.key).unwrap_or(&empty), zone)
                .map(|v| (f.key.clone(), v))
        })
        .collect()
}

/// Everything the report form holds, as typed, so a refused form can be shown again
/// with the user's input intact.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ReportValues {
    pub id: String,
    #[serde(rename = "type")]
    pub type_key: String,
    pub title: String,
    pub description: String,
    pub occurred_local: String,
    pub zone: String,
    pub sensitivity: String,
    pub lon: String,
    pub lat: String,
    pub region_code: String,
    pub version: String,
    /// Attribute key → submitted values (several for a multi-select).
    pub attrs: BTreeMap<String, Vec<String>>,
}

impl ReportValues {
    pub fn from_form(f: &FormData) -> Self {
        let mut attrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &f.0 {
            if let Some(key) = k.strip_prefix("attr.") {
                attrs.entry(key.to_string()).or_default().push(v.clone());
            }
        }
        ReportValues {
            id: f.text("id"),
            type_key: f.text("type"),
            title: f.text("title"),
            description: f.get("description").unwrap_or("").trim_end().to_string(),
            occurred_local: f.text("occurred_local"),
            zone: normalize_zone(f.get("zona").unwrap_or("")).to_string(),
            sensitivity: f.text("sensitivity"),
            lon: f.text("lon"),
            lat: f.text("lat"),
            region_code: f.text("region_code"),
            version: f.text("version"),
            attrs,
        }
    }

    /// The edit form's starting values for a stored report. Times are shown in the
    /// offset they were recorded with when it is an Indonesian zone, else in the zone
    /// of the report's region.
    pub fn from_report(r: &Report) -> Self {
        let zone = match r.occurred_at.offset().local_minus_utc() {
            25_200 => "+07:00",
            28_800 => "+08:00",
            32_400 => "+09:00",
            _ => zone_value(crate::ui::report_zone(
                r.region_code.as_deref(),
                &r.occurred_at,
            )),
        };
        let (lon, lat) = match r.geometry.kind() {
            "Point" => {
                let (x, y) = r.geometry.representative_point();
                (x.to_string(), y.to_string())
            }
            _ => (String::new(), String::new()),
        };
        let attrs = r
            .attributes
            .iter()
            .map(|(k, v)| {
                let vals = match v {
                    Value::Array(items) => items.iter().map(plain).collect(),
                    Value::Bool(true) => vec!["1".to_string()],
                    Value::Bool(false) => vec![],
                    Value::String(s)
                        if DateTime::parse_from_rfc3339(s).is_ok() && s.contains('T') =>
                    {
                        DateTime::parse_from_rfc3339(s)
                            .map(|t| vec![rfc3339_to_local(&t, zone)])
                            .unwrap_or_default()
                    }
                    other => vec![plain(other)],
                };
                (k.clone(), vals)
            })
            .collect();
        ReportValues {
            id: r.id.to_string(),
            type_key: r.type_key.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            occurred_local: rfc3339_to_local(&r.occurred_at, zone),
            zone: zone.to_string(),
            sensitivity: r.sensitivity.as_str().to_string(),
            lon,
            lat,
            region_code: r.region_code.clone().unwrap_or_default(),
            version: r.version.to_string(),
            attrs,
        }
    }
}

/// A JSON scalar as the text a form field shows.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A problem the form itself found: the form field and the dictionary key of the
/// message.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalError {
    pub field: &'static str,
    pub key: &'static str,
}

/// The point typed or picked, `None` when both inputs are empty, an error when only one
/// is filled or either is not a number.
fn point(v: &ReportValues) -> Result<Option<Value>, LocalError> {
    let bad = LocalError {
        field: "location",
        key: k!("bad_coordinates"),
    };
    match (v.lon.is_empty(), v.lat.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => {
            let lon = parse_decimal(&v.lon).ok_or(bad.clone())?;
            let lat = parse_decimal(&v.lat).ok_or(bad)?;
            Ok(Some(json!({"type": "Point", "coordinates": [lon, lat]})))
        }
        _ => Err(bad),
    }
}

fn occurred_at(v: &ReportValues, errs: &mut Vec<LocalError>) -> Option<String> {
    if v.occurred_local.is_empty() {
        return None;
    }
    let t = local_to_rfc3339(&v.occurred_local, &v.zone);
    if t.is_none() {
        errs.push(LocalError {
            field: "occurred_at",
            key: k!("bad_datetime"),
        });
    }
    t
}

/// The GeoJSON Feature that creates the report. `ty` is the chosen type, if it exists.
pub fn feature(ty: Option<&ReportType>, v: &ReportValues) -> (Value, Vec<LocalError>) {
    let mut errs = Vec::new();
    let mut props = Map::new();
    if !v.type_key.is_empty() {
        props.insert("type".into(), json!(v.type_key));
    }
    if !v.title.is_empty() {
        props.insert("title".into(), json!(v.title));
    }
    if !v.description.trim().is_empty() {
        props.insert("description".into(), json!(v.description));
    }
    if let Some(t) = occurred_at(v, &mut errs) {
        props.insert("occurred_at".into(), json!(t));
    }
    if !v.sensitivity.is_empty() {
        props.insert("sensitivity".into(), json!(v.sensitivity));
    }
    if !v.region_code.is_empty() {
        props.insert("region_code".into(), json!(v.region_code));
    }
    if let Some(ty) = ty {
        props.insert(
            "attributes".into(),
            Value::Object(attributes_json(ty, &v.attrs, &v.zone)),
        );
    }
    let mut feature = json!({"type": "Feature", "properties": props});
    if !v.id.is_empty() {
        feature["id"] = json!(v.id);
    }
    match point(v) {
        Ok(Some(g)) => feature["geometry"] = g,
        Ok(None) => {}
        Err(e) => errs.push(e),
    }
    (feature, errs)
}

/// The Feature-shaped patch that saves the edit form. Title, description, time,
/// sensitivity and attributes are always sent (an emptied title is an error, an emptied
/// description clears it); the geometry only when a point was given, so a line or area
/// stays as it is unless replaced.
pub fn patch(ty: &ReportType, v: &ReportValues) -> (Value, Vec<LocalError>) {
    let mut errs = Vec::new();
    let mut props = Map::new();
    props.insert("title".into(), json!(v.title));
    props.insert("description".into(), json!(v.description));
    match occurred_at(v, &mut errs) {
        Some(t) => {
            props.insert("occurred_at".into(), json!(t));
        }
        None if v.occurred_local.is_empty() => errs.push(LocalError {
            field: "occurred_at",
            key: k!("bad_datetime"),
        }),
        None => {}
    }
    if !v.sensitivity.is_empty() {
        props.insert("sensitivity".into(), json!(v.sensitivity));
    }
    if !v.region_code.is_empty() {
        props.insert("region_code".into(), json!(v.region_code));
    }
    props.insert(
        "attributes".into(),
        Value::Object(attributes_json(ty, &v.attrs, &v.zone)),
    );
    let mut body = json!({"properties": props});
    match point(v) {
        Ok(Some(g)) => body["geometry"] = g,
        Ok(None) => {}
        Err(e) => errs.push(e),
    }
    (body, errs)
}

/// The form field a domain error path belongs to: `properties.attributes.snare_count` →
/// `attr.snare_count`, `geometry.coordinates` → `location`, `properties.title` → `title`.
pub fn form_field(path: &str) -> String {
    let p = path.strip_prefix("properties.").unwrap_or(path);
    if p == "geometry" || p.starts_with("geometry.") {
        return "location".into();
    }
    if let Some(key) = p.strip_prefix("attributes.") {
        return format!("attr.{key}");
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_core::report_types::builtin;

    fn ty(key: &str) -> ReportType {
        builtin()
            .into_iter()
            .find(|t| t.key == key)
            .expect("builtin type")
    }

    fn vals(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn attributes_get_their_json_types_and_empty_optional_fields_are_dropped() {
        let snare = ty("snare_found");
        let a = attributes_json(
            &snare,
            &vals(&[
                ("snare_count", &[" 4 "]),
                ("snare_type", &["wire"]),
                ("target_species", &[""]),
            ]),
            "+07:00",
        );
        assert_eq!(
            Value::Object(a),
            json!({"snare_count": 4, "snare_type": "wire", "removed": false})
        );
        let a = attributes_json(
            &snare,
            &vals(&[("snare_count", &["3"]), ("removed", &["1"])]),
            "+07:00",
        );
        assert_eq!(a["removed"], json!(true));

        let logging = ty("illegal_logging");
        let a = attributes_json(
            &logging,
            &vals(&[
                ("volume_m3", &["2,5"]),
                ("evidence", &["chainsaw", "truck"]),
                ("suspects_count", &[""]),
            ]),
            "+07:00",
        );
        assert_eq!(
            Value::Object(a),
            json!({"volume_m3": 2.5, "evidence": ["chainsaw", "truck"]})
        );

        let raid = ty("hwc_crop_raid");
        let a = attributes_json(
            &raid,
            &vals(&[
                ("species", &["gajah_sumatera"]),
                ("loss_idr", &["1.500.000"]),
            ]),
            "+07:00",
        );
        assert_eq!(a["loss_idr"], json!(1_500_000));
    }

    #[test]
    fn values_that_do_not_convert_are_passed_on_for_the_domain_to_name() {
        let snare = ty("snare_found");
        let a = attributes_json(&snare, &vals(&[("snare_count", &["empat"])]), "+07:00");
        assert_eq!(a["snare_count"], json!("empat"));
        let e = snare
            .validate_attributes(&Value::Object(a))
            .expect_err("not a number");
        assert_eq!(e.errors[0].field, "snare_count");
        assert_eq!(parse_integer("2.5"), None);
        assert_eq!(parse_integer("-12"), Some(-12));
    }

    #[test]
    fn datetime_local_and_zone_become_rfc3339() {
        assert_eq!(
            local_to_rfc3339("2025-05-27T08:30", "+07:00").as_deref(),
            Some("2025-05-27T08:30:00+07:00")
        );
        assert_eq!(
            local_to_rfc3339("2025-05-27T08:30:15", "+09:00").as_deref(),
            Some("2025-05-27T08:30:15+09:00")
        );
        assert_eq!(
            local_to_rfc3339("2025-05-27T08:30", "+05:00").as_deref(),
            Some("2025-05-27T08:30:00+07:00")
        );
        assert_eq!(local_to_rfc3339("kemarin", "+07:00"), None);
        let t = DateTime::parse_from_rfc3339("2025-05-27T01:30:00Z").expect("ts");
        assert_eq!(rfc3339_to_local(&t, "+08:00"), "2025-05-27T09:30");
        let f = FieldDef {
            key: "seen".into(),
            label_id: "x".into(),
            label_en: "x".into(),
            kind: FieldKind::Datetime,
            required: false,
            options: vec![],
            personal: false,
        };
        assert_eq!(
            attribute_value(&f, &["2025-05-27T08:30".into()], "+08:00"),
            Some(json!("2025-05-27T08:30:00+08:00"))
        );
    }

    #[test]
    fn the_form_becomes_a_feature_the_domain_accepts() {
        let f = FormData(
            [
                ("_csrf", "x"),
                ("id", "0196f5d2-7c1e-7000-8000-000000000001"),
                ("type", "snare_found"),
                ("title", " Jerat di blok 7 "),
                ("description", ""),
                ("occurred_local", "2025-05-27T08:30"),
                ("zona", "+07:00"),
                ("sensitivity", "restricted"),
                ("attr.snare_count", "4"),
                ("lon", "101.3"),
                ("lat", "-2,1"),
                ("region_code", ""),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let v = ReportValues::from_form(&f);
        let types = builtin();
        let (feature, errs) = feature(types.iter().find(|t| t.key == v.type_key), &v);
        assert!(errs.is_empty());
        assert_eq!(
            feature["geometry"],
            json!({"type": "Point", "coordinates": [101.3, -2.1]})
        );
        assert_eq!(
            feature["properties"]["occurred_at"],
            "2025-05-27T08:30:00+07:00"
        );
        assert!(feature["properties"].get("description").is_none());
        assert!(feature["properties"].get("region_code").is_none());
        let now = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&chrono::Utc);
        let parsed = sinergi_core::report::NewReport::from_feature(&feature, &types, now)
            .expect("valid feature");
        assert_eq!(parsed.title, "Jerat di blok 7");
        assert_eq!(parsed.attributes["snare_count"], json!(4));
    }

    #[test]
    fn a_half_typed_location_is_the_form_s_own_error() {
        let v = ReportValues {
            lon: "101".into(),
            occurred_local: "x".into(),
            ..Default::default()
        };
        let (feature, errs) = feature(None, &v);
        assert!(feature.get("geometry").is_none());
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["occurred_at", "location"]);
    }

    #[test]
    fn the_edit_form_becomes_a_patch_and_round_trips_a_report() {
        let snare = ty("snare_found");
        let v = ReportValues {
            title: "Baru".into(),
            occurred_local: "2025-05-27T08:30".into(),
            zone: "+08:00".into(),
            sensitivity: "internal".into(),
            attrs: vals(&[("snare_count", &["2"])]),
            ..Default::default()
        };
        let (body, errs) = patch(&snare, &v);
        assert!(errs.is_empty());
        assert!(body.get("geometry").is_none());
        assert_eq!(
            body["properties"]["occurred_at"],
            "2025-05-27T08:30:00+08:00"
        );
        assert_eq!(
            body["properties"]["attributes"],
            json!({"snare_count": 2, "removed": false})
        );
        let now = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&chrono::Utc);
        let p =
            sinergi_core::report::ReportPatch::from_json(&body, &snare, now).expect("valid patch");
        assert_eq!(p.title.as_deref(), Some("Baru"));
    }

    #[test]
    fn domain_error_paths_map_to_form_fields() {
        assert_eq!(
            form_field("properties.attributes.snare_count"),
            "attr.snare_count"
        );
        assert_eq!(form_field("geometry.coordinates"), "location");
        assert_eq!(form_field("geometry"), "location");
        assert_eq!(form_field("properties.title"), "title");
        assert_eq!(form_field("id"), "id");
    }
}
