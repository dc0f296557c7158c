//! Submissions exchanged under agreements (ADR 39), like reports (ADR 5, ADR 9).
//!
//! A form is a record type: a clause names it as `form:{xml_id}` among its report types
//! ([`type_key`]) and may withhold questions by their paths (`korban/nama`; a group's or
//! a repeat's path withholds everything under it) and `author` (the submitter). A
//! submission flows to a receiving agency when a grant of a clause naming its form covers
//! the submitter's agency or the form's agency (the agency that asked for the answers
//! may share what it collected). Naming the form in a clause is the decision; the
//! clause's highest sensitivity does not hold answers back.
//!
//! [`deliver`] is what a partner receives, the same for every path (list, page, API,
//! exports): the withheld answers removed, every geopoint moved to its cell's centre at
//! the clause's precision (region precision: a 50 km cell, as a report without a region
//! code), each vertex of a geotrace or geoshape likewise (consecutive repeats dropped),
//! the submitter left out when `author` is withheld. Files (photos, a paper's scan) are
//! delivered only when nothing is withheld and the precision is exact ([`files_shared`]):
//! a scan shows every answer and a photo's metadata can carry the exact place.

use serde_json::{Map, Value};

use crate::ids::{AgencyId, UserId};
use crate::report_types::{FieldDef, FieldKind, ReportType};
use crate::sensitivity::Sensitivity;
use crate::sharing::{self, coarsened, Form, Precision, Viewer};

use super::{FieldType, Schema, Submission};

/// How a clause names a form among its report types.
pub const FORM_TYPE_PREFIX: &str = "form:";

/// The clause key of the form with this XForm id.
pub fn type_key(xml_id: &str) -> String {
    format!("{FORM_TYPE_PREFIX}{xml_id}")
}

/// A form as the record type an agreement's clause names: its key, its title, and as
/// fields every question, group and repeat path any of its versions has (what a clause
/// may withhold), each labelled by its question's label in Indonesian and English
/// (`labels`: path → (id, en)) after the form's title.
pub fn record_type(
    xml_id: &str,
    title: &str,
    schemas: &[Schema],
    labels: &std::collections::BTreeMap<String, (String, String)>,
) -> ReportType {
    let mut paths: Vec<String> = Vec::new();
    for schema in schemas {
        let all = schema
            .order
            .iter()
            .chain(schema.groups.iter())
            .chain(schema.repeats.iter());
        for p in all {
            if !p.starts_with("meta") && !paths.contains(p) {
                paths.push(p.clone());
            }
        }
    }
    ReportType {
        key: type_key(xml_id),
        label_id: title.to_string(),
        label_en: title.to_string(),
        category: "form".into(),
        location_sensitive: false,
        fields: paths
            .into_iter()
            .map(|p| {
                let (id, en) = labels
                    .get(&p)
                    .cloned()
                    .unwrap_or_else(|| (p.clone(), p.clone()));
                (p, format!("{title}: {id}"), format!("{title}: {en}"))
            })
            .map(|(p, label_id, label_en)| FieldDef {
                label_id,
                label_en,
                key: p,
                kind: FieldKind::Text,
                required: false,
                options: Vec::new(),
                personal: false,
            })
            .collect(),
    }
}

/// The cell a point shown "by region" falls on when there is no region to show.
const REGION_CELL_M: u32 = 50_000;

/// The user id a submission is delivered with when its submitter is withheld: no one.
pub const WITHHELD_USER: UserId = UserId(uuid::Uuid::nil());

/// Whether some grant of the viewer names this form at all (whatever its owners): the
/// form then exists for the viewer as a shared form.
pub fn named_by_grants(viewer: &Viewer, xml_id: &str) -> bool {
    let key = type_key(xml_id);
    viewer.grants.iter().any(|g| g.type_keys.contains(&key))
}

/// The agencies whose submissions of this form the grants share; `None` when a grant
/// covers the form's own agency (then every submission of the form).
pub fn shared_agencies(
    viewer: &Viewer,
    xml_id: &str,
    form_owner: AgencyId,
) -> Option<Vec<AgencyId>> {
    let key = type_key(xml_id);
    let mut out: Vec<AgencyId> = Vec::new();
    for g in viewer.grants.iter().filter(|g| g.type_keys.contains(&key)) {
        if g.owners.contains(&form_owner) {
            return None;
        }
        for o in &g.owners {
            if !out.contains(o) {
                out.push(*o);
            }
        }
    }
    Some(out)
}

/// The form `viewer` receives a submission in through agreements alone (`None`: no
/// clause covers it). Submissions the viewer sees by the owner rule are not asked here.
pub fn decide(viewer: &Viewer, xml_id: &str, form_owner: AgencyId, s: &Submission) -> Option<Form> {
    let key = type_key(xml_id);
    // Naming the form is the decision: answers count as public for the clause's
    // highest sensitivity.
    let covers = |g: &sharing::Grant, owner: AgencyId| g.covers(owner, &key, Sensitivity::Public);
    sharing::most_generous(
        viewer
            .grants
            .iter()
            .filter(|g| covers(g, s.agency_id) || covers(g, form_owner)),
    )
}

/// Whether the path (a question, or a group or repeat holding it) is withheld.
pub fn is_withheld(path: &str, withheld: &[String]) -> bool {
    withheld.iter().any(|w| {
        path == w
            || path
                .strip_prefix(w.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Whether a submission's files reach the viewer in this form.
pub fn files_shared(form: &Form) -> bool {
    match form {
        Form::Full => true,
        Form::Shared {
            withheld,
            precision,
        } => withheld.is_empty() && *precision == Precision::Exact,
    }
}

fn cell_of(precision: Precision) -> Option<u32> {
    match precision {
        Precision::Exact => None,
        Precision::Grid(m) => Some(m),
        Precision::Region => Some(REGION_CELL_M),
    }
}

/// An ODK geopoint ("lat lon [alt [acc]]") at a cell's centre, without altitude and
/// accuracy; `None` when it cannot be read.
fn coarsen_point(v: &str, m: u32) -> Option<String> {
    let (lon, lat) = super::geopoint(v)?;
    let (lon, lat) = coarsened(lon, lat, m);
    Some(format!("{lat} {lon}"))
}

/// A geotrace or geoshape ("lat lon alt acc;…") with every vertex at its cell's centre,
/// repeats of one cell dropped.
fn coarsen_line(v: &str, m: u32) -> String {
    let mut out: Vec<String> = Vec::new();
    for p in v.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(c) = coarsen_point(p, m) {
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
    }
    out.join(";")
}

/// One object of answers (the submission's, or one entry of a repeat at `base`).
fn deliver_object(
    data: &mut Map<String, Value>,
    base: &str,
    schema: &Schema,
    withheld: &[String],
    cell: Option<u32>,
    files: bool,
) {
    let keys: Vec<String> = data.keys().cloned().collect();
    for key in keys {
        let path = if base.is_empty() {
            key.clone()
        } else {
            format!("{base}/{key}")
        };
        if is_withheld(&path, withheld) {
            data.remove(&key);
            continue;
        }
        if schema.repeats.contains(&path) {
            if let Some(Value::Array(items)) = data.get_mut(&key) {
                for item in items.iter_mut() {
                    if let Value::Object(o) = item {
                        deliver_object(o, &path, schema, withheld, cell, files);
                    }
                }
            }
            continue;
        }
        let kind = schema
            .fields
            .get(&path)
            .copied()
            .unwrap_or(FieldType::Other);
        let Some(Value::String(v)) = data.get(&key) else {
            continue;
        };
        let replaced = match (kind, cell) {
            (FieldType::Binary, _) if !files => None,
            (FieldType::Geopoint, Some(m)) if !v.is_empty() => coarsen_point(v, m),
            (FieldType::Geotrace | FieldType::Geoshape, Some(m)) if !v.is_empty() => {
                Some(coarsen_line(v, m))
            }
            _ => continue,
        };
        match replaced {
            Some(r) => {
                data.insert(key, Value::String(r));
            }
            None => {
                data.remove(&key);
            }
        }
    }
}

/// What the viewer receives of a submission in `form` (see the module's words).
pub fn deliver(mut s: Submission, schema: &Schema, form: &Form) -> Submission {
    let Form::Shared {
        withheld,
        precision,
    } = form
    else {
        return s;
    };
    let cell = cell_of(*precision);
    let files = files_shared(form);
    if let Value::Object(o) = &mut s.data {
        deliver_object(o, "", schema, withheld, cell, files);
    }
    // The map's point is the first geopoint: gone when that question is withheld,
    // coarsened like it otherwise.
    let first_point = schema
        .order
        .iter()
        .find(|p| schema.fields.get(*p) == Some(&FieldType::Geopoint));
    if first_point.is_some_and(|p| is_withheld(p, withheld)) {
        s.lon = None;
        s.lat = None;
    }
    if let (Some(m), Some(lon), Some(lat)) = (cell, s.lon, s.lat) {
        let (lon, lat) = coarsened(lon, lat, m);
        s.lon = Some(lon);
        s.lat = Some(lat);
    }
    if withheld.iter().any(|w| w == "author") {
        s.submitted_by = WITHHELD_USER;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::Grant;
    use chrono::{DateTime, Utc};
    use serde_json::json;

    const XFORM: &str = r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>Skrining</h:title><model>
<instance><data id="skrining" version="1">
  <korban><nama/><nik/><umur/></korban>
  <lokasi/>
  <rute/>
  <foto/>
  <pendamping jr:template=""><nama/><titik/></pendamping>
  <meta><instanceID/></meta>
</data></instance>
<bind nodeset="/data/korban/nama" type="string"/>
<bind nodeset="/data/korban/nik" type="string"/>
<bind nodeset="/data/korban/umur" type="int"/>
<bind nodeset="/data/lokasi" type="geopoint"/>
<bind nodeset="/data/rute" type="geotrace"/>
<bind nodeset="/data/foto" type="binary"/>
<bind nodeset="/data/pendamping/nama" type="string"/>
<bind nodeset="/data/pendamping/titik" type="geopoint"/>
<bind nodeset="/data/meta/instanceID" type="string"/>
</model></h:head><h:body/></h:html>"#;

    fn agency(n: u128) -> AgencyId {
        AgencyId(uuid::Uuid::from_u128(n))
    }

    fn submission() -> Submission {
        let t: DateTime<Utc> = "2026-11-02T03:00:00Z".parse().expect("time");
        Submission {
            id: crate::ids::SubmissionId(uuid::Uuid::from_u128(7)),
            form_id: crate::ids::FormId(uuid::Uuid::from_u128(8)),
            version_number: 1,
            root_instance_id: "uuid:a".into(),
            instance_id: "uuid:a".into(),
            agency_id: agency(2),
            submitted_by: UserId(uuid::Uuid::from_u128(9)),
            source: super::super::Source::Collect,
            review_state: super::super::ReviewState::Received,
            data: json!({
                "korban/nama": "Siti", "korban/nik": "6106010101010001", "korban/umur": "17",
                "lokasi": "0.8712 112.9345 40 5",
                "rute": "0.8712 112.9345 0 0;0.8713 112.9346 0 0;1.2 113.4 0 0",
                "foto": "1.jpg",
                "pendamping": [{"nama": "Ani", "titik": "0.9 112.95"}]
            }),
            lon: Some(112.9345),
            lat: Some(0.8712),
            edits: 0,
            received_at: t,
            answered_at: t,
            updated_at: t,
        }
    }

    fn viewer(grants: Vec<Grant>) -> Viewer {
        Viewer {
            scope: crate::access::ViewScope {
                user: UserId(uuid::Uuid::from_u128(50)),
                agency: agency(5),
                internal_owners: vec![agency(5)],
                secret_of_own_agency: false,
            },
            grants,
            now: "2026-11-02T03:00:00Z".parse().expect("time"),
            precise_locations: false,
        }
    }

    fn grant(owner: u128, withheld: &[&str], precision: Precision) -> Grant {
        Grant {
            owners: vec![agency(owner)],
            type_keys: vec![type_key("skrining")],
            max_sensitivity: Sensitivity::Public,
            withheld_fields: withheld.iter().map(|s| s.to_string()).collect(),
            precision,
        }
    }

    #[test]
    fn a_clause_covers_the_submitters_agency_or_the_form_agency_and_the_most_generous_wins() {
        let s = submission();
        // Not named: nothing.
        assert_eq!(decide(&viewer(vec![]), "skrining", agency(1), &s), None);
        // The submitter's agency shares.
        let v = viewer(vec![grant(2, &["korban"], Precision::Grid(1_000))]);
        assert_eq!(
            decide(&v, "skrining", agency(1), &s),
            Some(Form::Shared {
                withheld: vec!["korban".into()],
                precision: Precision::Grid(1_000)
            })
        );
        assert_eq!(
            shared_agencies(&v, "skrining", agency(1)),
            Some(vec![agency(2)])
        );
        // The form's agency shares everything it collected; two clauses: the fields
        // both withhold, the finer precision.
        let v = viewer(vec![
            grant(2, &["korban", "author"], Precision::Grid(1_000)),
            grant(1, &["author"], Precision::Grid(10_000)),
        ]);
        assert_eq!(
            decide(&v, "skrining", agency(1), &s),
            Some(Form::Shared {
                withheld: vec!["author".into()],
                precision: Precision::Grid(1_000)
            })
        );
        assert_eq!(shared_agencies(&v, "skrining", agency(1)), None);
        // Another agency's clause, or another form's: nothing.
        let v = viewer(vec![grant(3, &[], Precision::Exact)]);
        assert_eq!(decide(&v, "skrining", agency(1), &s), None);
        assert!(named_by_grants(&v, "skrining"));
        assert!(!named_by_grants(&v, "patroli"));
    }

    #[test]
    fn withheld_questions_groups_and_repeats_are_gone_and_places_coarsened() {
        let schema = Schema::of_xform(XFORM).expect("schema");
        let form = Form::Shared {
            withheld: vec!["korban".into(), "pendamping/nama".into(), "author".into()],
            precision: Precision::Grid(10_000),
        };
        let d = deliver(submission(), &schema, &form);
        let o = d.data.as_object().expect("object");
        for gone in ["korban/nama", "korban/nik", "korban/umur", "foto"] {
            assert!(!o.contains_key(gone), "{gone} delivered");
        }
        assert_eq!(d.data["pendamping"], json!([{"titik": "0.94 112.98"}]));
        // The point at a 10 km cell's centre, two decimals, no altitude or accuracy.
        let lokasi = o["lokasi"].as_str().expect("lokasi");
        assert_eq!(lokasi.split(' ').count(), 2);
        let (lon, lat) = super::super::geopoint(lokasi).expect("point");
        assert_eq!((Some(lon), Some(lat)), (d.lon, d.lat));
        assert!((lon - 112.9345).abs() < 0.1 && (lat - 0.8712).abs() < 0.1);
        assert_ne!((lon, lat), (112.9345, 0.8712));
        // The first two vertices share a cell: one is left.
        assert_eq!(o["rute"].as_str().expect("rute").split(';').count(), 2);
        assert_eq!(d.submitted_by, WITHHELD_USER);
        assert!(!files_shared(&form));
        // The same submission delivered twice is the same: nothing to average.
        assert_eq!(deliver(submission(), &schema, &form), d);
    }

    #[test]
    fn an_exact_share_with_nothing_withheld_is_the_submission_with_its_files() {
        let schema = Schema::of_xform(XFORM).expect("schema");
        let form = Form::Shared {
            withheld: Vec::new(),
            precision: Precision::Exact,
        };
        assert_eq!(deliver(submission(), &schema, &form), submission());
        assert!(files_shared(&form));
        // Withholding the place's question takes the map's point with it.
        let form = Form::Shared {
            withheld: vec!["lokasi".into()],
            precision: Precision::Exact,
        };
        let d = deliver(submission(), &schema, &form);
        assert_eq!((d.lon, d.lat), (None, None));
        assert!(is_withheld("korban/nama", &["korban".into()]));
        assert!(!is_withheld("korbanlain", &["korban".into()]));
    }
}
