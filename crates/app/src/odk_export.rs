//! The ODK-style export of a form's submissions (ADR 38): the tables ODK Central's
//! `csv.zip` holds, so that analysis scripts written for it keep working — the main
//! table (`SubmissionDate`, the questions with groups joined by `-`, geopoints split into
//! `-Latitude`/`-Longitude`/`-Altitude`/`-Accuracy`, then `meta-instanceID`, `KEY`,
//! `SubmitterID`, `SubmitterName`, `AttachmentsPresent`, `AttachmentsExpected`, `Status`,
//! `ReviewState`, `DeviceID`, `Edits`, `FormVersion`) and one table per repeat (its
//! questions, `PARENT_KEY`, `KEY` as `uuid:…/repeat[1]`). Values are the submission's
//! answers as received; a cell a spreadsheet would run as a formula is quoted as in every
//! CSV of Sinergi.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use sinergi_core::form::Form;
use sinergi_core::submission::{FieldType, ReviewState, Schema, Submission};

use crate::submissions::cell;
use crate::{App, AppError, AppResult};

/// One table of the export: its file's name, its questions (paths relative to the
/// repeat, or to the root for the main table) with their types.
#[derive(Debug, Clone, PartialEq)]
pub struct OdkTable {
    /// `None` for the main table, else the repeat's path.
    pub repeat: Option<String>,
    pub file: String,
    pub columns: Vec<(String, FieldType)>,
}

/// Every table of a form's export, over all its versions, and the version strings.
#[derive(Debug, Clone)]
pub struct OdkExport {
    pub tables: Vec<OdkTable>,
    /// Every repeat path (to walk nested repeats).
    pub repeats: BTreeSet<String>,
    /// Version number → version string.
    pub versions: BTreeMap<i32, String>,
}

fn header_of(path: &str) -> String {
    path.replace('/', "-")
}

fn push_cells(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, c);
    }
    out.push_str("\r\n");
}

/// A question's header cells (a geopoint's four).
fn column_headers(path: &str, t: FieldType) -> Vec<String> {
    let h = header_of(path);
    if t == FieldType::Geopoint {
        ["Latitude", "Longitude", "Altitude", "Accuracy"]
            .iter()
            .map(|p| format!("{h}-{p}"))
            .collect()
    } else {
        vec![h]
    }
}

/// A question's cells from an answers object.
fn column_cells(data: &Map<String, Value>, path: &str, t: FieldType, out: &mut Vec<String>) {
    let v = data.get(path).and_then(Value::as_str).unwrap_or("");
    if t == FieldType::Geopoint {
        let mut parts = v.split_whitespace().map(str::to_string);
        for _ in 0..4 {
            out.push(parts.next().unwrap_or_default());
        }
    } else {
        out.push(v.to_string());
    }
}

fn review_word(r: ReviewState) -> &'static str {
    match r {
        ReviewState::Received => "",
        ReviewState::Approved => "approved",
        ReviewState::HasIssues => "hasIssues",
        ReviewState::Rejected => "rejected",
    }
}

impl OdkExport {
    /// The header line of a table.
    pub fn header(&self, t: &OdkTable) -> String {
        let mut cells: Vec<String> = Vec::new();
        if t.repeat.is_none() {
            cells.push("SubmissionDate".into());
        }
        for (p, ty) in &t.columns {
            cells.extend(column_headers(p, *ty));
        }
        if t.repeat.is_none() {
            for c in [
                "meta-instanceID",
                "KEY",
                "SubmitterID",
                "SubmitterName",
                "AttachmentsPresent",
                "AttachmentsExpected",
                "Status",
                "ReviewState",
                "DeviceID",
                "Edits",
                "FormVersion",
            ] {
                cells.push(c.into());
            }
        } else {
            cells.push("PARENT_KEY".into());
            cells.push("KEY".into());
        }
        let mut out = String::new();
        push_cells(&mut out, &cells);
        out
    }

    /// The main table's line of a submission; `files` is (present, expected).
    pub fn main_row(
        &self,
        out: &mut String,
        s: &Submission,
        submitter: &str,
        files: (usize, usize),
    ) {
        let Some(t) = self.tables.first() else { return };
        let data = s.data.as_object().cloned().unwrap_or_default();
        let mut cells = vec![s
            .received_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)];
        for (p, ty) in &t.columns {
            column_cells(&data, p, *ty, &mut cells);
        }
        cells.push(s.instance_id.clone());
        cells.push(s.root_instance_id.clone());
        cells.push(submitter.to_string());
        cells.push(submitter.to_string());
        cells.push(files.0.to_string());
        cells.push(files.1.to_string());
        cells.push(String::new());
        cells.push(review_word(s.review_state).to_string());
        cells.push(String::new());
        cells.push(s.edits.to_string());
        cells.push(
            self.versions
                .get(&s.version_number)
                .cloned()
                .unwrap_or_else(|| s.version_number.to_string()),
        );
        push_cells(out, &cells);
    }

    /// The lines of a repeat's table for one submission.
    pub fn repeat_rows(&self, out: &mut String, t: &OdkTable, s: &Submission) {
        let Some(repeat) = &t.repeat else { return };
        let Some(data) = s.data.as_object() else {
            return;
        };
        // The repeats from the outermost to this one.
        let chain: Vec<&String> = self
            .repeats
            .iter()
            .filter(|r| *r == repeat || repeat.starts_with(&format!("{r}/")))
            .collect();
        let mut level: Vec<(String, &Map<String, Value>, &str)> =
            vec![(s.root_instance_id.clone(), data, "")];
        for r in &chain {
            let mut next = Vec::new();
            for (key, map, base) in &level {
                let rel = if base.is_empty() {
                    r.as_str()
                } else {
                    r.strip_prefix(&format!("{base}/")).unwrap_or(r)
                };
                let name = r.rsplit('/').next().unwrap_or(r);
                if let Some(Value::Array(items)) = map.get(rel) {
                    for (i, item) in items.iter().enumerate() {
                        if let Value::Object(m) = item {
                            next.push((format!("{key}/{name}[{}]", i + 1), m, r.as_str()));
                        }
                    }
                }
            }
            // Rows keep their parent's key: the level above.
            if *r == repeat {
                for (key, map, _) in &next {
                    let parent = key.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                    let mut cells = Vec::new();
                    for (p, ty) in &t.columns {
                        column_cells(map, p, *ty, &mut cells);
                    }
                    cells.push(parent.to_string());
                    cells.push(key.clone());
                    push_cells(out, &cells);
                }
            }
            level = next;
        }
    }

    /// How many photos a submission's answers name (its attachments expected).
    pub fn expected_files(&self, s: &Submission) -> usize {
        s.data
            .as_object()
            .map(|m| self.binary_answers(m, None))
            .unwrap_or(0)
    }

    fn binary_answers(&self, m: &Map<String, Value>, base: Option<&str>) -> usize {
        let mut n = 0;
        for (k, v) in m {
            let full = match base {
                Some(b) => format!("{b}/{k}"),
                None => k.clone(),
            };
            match v {
                Value::Array(items) => {
                    for i in items {
                        if let Value::Object(inner) = i {
                            n += self.binary_answers(inner, Some(&full));
                        }
                    }
                }
                Value::String(s) if !s.is_empty() => {
                    let binary = self.tables.iter().any(|t| {
                        t.columns.iter().any(|(p, ty)| {
                            *ty == FieldType::Binary
                                && match &t.repeat {
                                    Some(r) => format!("{r}/{p}") == full,
                                    None => *p == full,
                                }
                        })
                    });
                    if binary {
                        n += 1;
                    }
                }
                _ => {}
            }
        }
        n
    }
}

impl App {
    /// The tables of a form's ODK-style export, over every version (a question only an
    /// earlier version had keeps its column).
    pub async fn odk_export(&self, form: &Form) -> AppResult<OdkExport> {
        let mut main: Vec<(String, FieldType)> = Vec::new();
        let mut reps: BTreeMap<String, Vec<(String, FieldType)>> = BTreeMap::new();
        let mut repeats = BTreeSet::new();
        let mut versions = BTreeMap::new();
        for v in self.store.form_versions(form.id).await? {
            versions.insert(v.number, v.version.clone());
            let schema =
                Schema::of_xform(&v.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
            for c in &schema.columns {
                if !main.iter().any(|(p, _)| p == c) {
                    main.push((c.clone(), schema.fields[c]));
                }
            }
            for r in &schema.repeats {
                repeats.insert(r.clone());
                let cols = reps.entry(r.clone()).or_default();
                for c in schema.repeat_columns(r) {
                    if !cols.iter().any(|(p, _)| *p == c) {
                        let t = schema
                            .fields
                            .get(&format!("{r}/{c}"))
                            .copied()
                            .unwrap_or(FieldType::Text);
                        cols.push((c, t));
                    }
                }
            }
        }
        let mut tables = vec![OdkTable {
            repeat: None,
            file: format!("{}.csv", form.xml_id),
            columns: main,
        }];
        for (r, columns) in reps {
            tables.push(OdkTable {
                file: format!("{}-{}.csv", form.xml_id, r.rsplit('/').next().unwrap_or(&r)),
                repeat: Some(r),
                columns,
            });
        }
        Ok(OdkExport {
            tables,
            repeats,
            versions,
        })
    }

    /// How many files the newest instance of each submission of a page received.
    pub async fn submission_files_present(
        &self,
        page: &[Submission],
    ) -> AppResult<std::collections::HashMap<sinergi_core::submission::SubmissionId, usize>> {
        let ids: Vec<_> = page.iter().map(|s| s.id).collect();
        Ok(self
            .store
            .received_file_counts(&ids)
            .await?
            .into_iter()
            .map(|(id, n)| (id, usize::try_from(n).unwrap_or(0)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn export() -> OdkExport {
        OdkExport {
            tables: vec![
                OdkTable {
                    repeat: None,
                    file: "patroli.csv".into(),
                    columns: vec![
                        ("regu".into(), FieldType::Text),
                        ("lokasi/titik".into(), FieldType::Geopoint),
                    ],
                },
                OdkTable {
                    repeat: Some("temuan".into()),
                    file: "patroli-temuan.csv".into(),
                    columns: vec![
                        ("jenis".into(), FieldType::Text),
                        ("foto".into(), FieldType::Binary),
                    ],
                },
                OdkTable {
                    repeat: Some("temuan/bukti".into()),
                    file: "patroli-bukti.csv".into(),
                    columns: vec![("nomor".into(), FieldType::Text)],
                },
            ],
            repeats: ["temuan".to_string(), "temuan/bukti".to_string()].into(),
            versions: [(1, "2026.1".to_string())].into(),
        }
    }

    fn submission() -> Submission {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-07T02:30:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        Submission {
            id: sinergi_core::submission::SubmissionId::new_at(t, [0; 10]),
            form_id: sinergi_core::form::FormId::new_at(t, [0; 10]),
            version_number: 1,
            root_instance_id: "uuid:a1".into(),
            instance_id: "uuid:a2".into(),
            agency_id: sinergi_core::ids::AgencyId::new_at(t, [0; 10]),
            submitted_by: sinergi_core::ids::UserId::new_at(t, [0; 10]),
            source: sinergi_core::submission::Source::Collect,
            review_state: ReviewState::HasIssues,
            data: json!({
                "regu": "=SUM(A1)", "lokasi/titik": "-2.05 101.4 820 5",
                "temuan": [
                    {"jenis": "jerat", "foto": "a.jpg", "bukti": [{"nomor": "B-1"}, {"nomor": "B-2"}]},
                    {"jenis": "kamp", "foto": ""}
                ]
            }),
            lon: Some(101.4),
            lat: Some(-2.05),
            edits: 1,
            received_at: t,
            answered_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn the_main_table_reads_as_odk_centrals() {
        let e = export();
        assert_eq!(
            e.header(&e.tables[0]),
            "SubmissionDate,regu,lokasi-titik-Latitude,lokasi-titik-Longitude,lokasi-titik-Altitude,lokasi-titik-Accuracy,\
             meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\r\n"
        );
        let mut out = String::new();
        let s = submission();
        e.main_row(&mut out, &s, "ranger.tnks", (0, e.expected_files(&s)));
        assert_eq!(
            out,
            "2026-12-07T02:30:00.000Z,'=SUM(A1),-2.05,101.4,820,5,uuid:a2,uuid:a1,ranger.tnks,ranger.tnks,0,1,,hasIssues,,1,2026.1\r\n"
        );
    }

    #[test]
    fn repeats_and_nested_repeats_carry_their_parent_keys() {
        let e = export();
        let s = submission();
        let mut out = String::new();
        e.repeat_rows(&mut out, &e.tables[1], &s);
        assert_eq!(e.header(&e.tables[1]), "jenis,foto,PARENT_KEY,KEY\r\n");
        assert_eq!(
            out,
            "jerat,a.jpg,uuid:a1,uuid:a1/temuan[1]\r\nkamp,,uuid:a1,uuid:a1/temuan[2]\r\n"
        );
        let mut nested = String::new();
        e.repeat_rows(&mut nested, &e.tables[2], &s);
        assert_eq!(
            nested,
            "B-1,uuid:a1/temuan[1],uuid:a1/temuan[1]/bukti[1]\r\nB-2,uuid:a1/temuan[1],uuid:a1/temuan[1]/bukti[2]\r\n"
        );
    }
}
