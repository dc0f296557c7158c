//! Submissions of forms (issue 12, ADR 34): what ODK Collect (or a person at a desk)
//! sends for one version of a [`crate::form::Form`], checked against that version's
//! XForm before anything is kept.
//!
//! - [`Schema::of_xform`] reads a version's XForm: its primary instance's tree (which
//!   elements are questions, groups and repeats) and each question's bind type.
//! - [`head`] reads the instance's root (`<data id="…" version="…">`) so the caller can
//!   find the version; [`read_instance`] then reads the whole instance against its
//!   schema: an element the form does not have, a value of the wrong type (an integer,
//!   a decimal, a date, a geopoint) or a missing `meta/instanceID` is refused, naming
//!   the element.
//! - The answers are kept as JSON: one key per question outside repeats (its path under
//!   the root, `lokasi/desa`), a repeat as an array of such objects under the repeat's
//!   path; the first geopoint is the submission's place on the map.
//! - A submission is identified by the `instanceID` of its first instance; an edit
//!   (ODK's `deprecatedID`) is a new instance of the same submission, the earlier ones
//!   kept as its history.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Message;
use crate::ids::{AgencyId, UserId};

pub use crate::ids::{FormId, SubmissionId};

/// The largest submission XML, in bytes.
pub const MAX_XML: usize = 2 * 1024 * 1024;
/// The longest `instanceID`.
pub const MAX_INSTANCE_ID: usize = 100;

/// How a question's answer is written in the instance (the XForm bind's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Int,
    Decimal,
    Date,
    Geopoint,
    Geotrace,
    Geoshape,
    /// A file's bare name (an `image` question); the file comes as an attachment.
    Binary,
    /// Any other type (time, dateTime, select lists): kept as written.
    Other,
}

impl FieldType {
    pub(crate) fn of_bind(t: &str) -> FieldType {
        match t.rsplit(':').next().unwrap_or(t) {
            "string" => FieldType::Text,
            "int" | "integer" => FieldType::Int,
            "decimal" => FieldType::Decimal,
            "date" => FieldType::Date,
            "geopoint" => FieldType::Geopoint,
            "geotrace" => FieldType::Geotrace,
            "geoshape" => FieldType::Geoshape,
            "binary" => FieldType::Binary,
            _ => FieldType::Other,
        }
    }
}

/// What a version's XForm says an instance holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The primary instance's root element (`data`).
    pub root: String,
    /// The root's `id` attribute: the form's id.
    pub id: String,
    /// The root's `version` attribute.
    pub version: Option<String>,
    /// Every question by its path under the root (`lokasi/desa`), with its type.
    pub fields: BTreeMap<String, FieldType>,
    /// The paths of groups (elements with children that are not repeats).
    pub groups: BTreeSet<String>,
    /// The paths of repeats.
    pub repeats: BTreeSet<String>,
    /// The questions outside repeats and `meta`, in the form's order: a table's columns.
    pub columns: Vec<String>,
    /// Every question, in the form's order.
    pub order: Vec<String>,
}

impl Schema {
    /// Reads an XForm's primary instance and binds.
    pub fn of_xform(xml: &str) -> Result<Schema, Message> {
        let bad = || crate::msg!("xform-unreadable", "the form's XForm cannot be read");
        let mut r = Reader::from_str(xml);
        r.config_mut().trim_text(true);
        let mut in_model = false;
        let mut instance_depth: Option<usize> = None;
        let mut depth = 0usize;
        let mut stack: Vec<String> = Vec::new();
        let mut root: Option<(String, String, Option<String>)> = None;
        let mut order: Vec<String> = Vec::new();
        let mut parents: BTreeSet<String> = BTreeSet::new();
        let mut repeats = BTreeSet::new();
        let mut binds: BTreeMap<String, FieldType> = BTreeMap::new();
        let mut primary_done = false;
        loop {
            let ev = r.read_event().map_err(|_| bad())?;
            let (start, empty) = match &ev {
                Event::Start(e) => (Some(e.clone()), false),
                Event::Empty(e) => (Some(e.clone()), true),
                Event::End(_) => (None, false),
                Event::Eof => break,
                _ => continue,
            };
            let Some(e) = start else {
                depth -= 1;
                if let Some(d) = instance_depth {
                    if depth == d {
                        instance_depth = None;
                        primary_done = true;
                    } else if depth > d {
                        stack.pop();
                    }
                }
                continue;
            };
            let local = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
            // Attributes by their local name (`jr:template` is `template`).
            let attr = |name: &str| -> Option<String> {
                e.attributes().flatten().find_map(|a| {
                    (a.key.local_name().as_ref() == name.as_bytes())
                        .then(|| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.to_string())
                                .ok()
                        })
                        .flatten()
                })
            };
            if local == "model" {
                in_model = true;
            }
            if let Some(d) = instance_depth {
                // Inside the primary instance.
                let path = if depth == d + 1 {
                    root = Some((
                        local.clone(),
                        attr("id").unwrap_or_default(),
                        attr("version"),
                    ));
                    String::new()
                } else {
                    let mut p = stack.last().cloned().unwrap_or_default();
                    if !p.is_empty() {
                        p.push('/');
                    }
                    p.push_str(&local);
                    p
                };
                if depth > d + 1 {
                    let parent = stack.last().cloned().unwrap_or_default();
                    if !parent.is_empty() {
                        parents.insert(parent);
                    }
                    if attr("template").is_some() {
                        repeats.insert(path.clone());
                    }
                    if !order.contains(&path) {
                        order.push(path.clone());
                    }
                }
                if !empty {
                    stack.push(path);
                    depth += 1;
                }
                continue;
            }
            if in_model && local == "instance" && !primary_done && attr("id").is_none() && !empty {
                instance_depth = Some(depth);
                depth += 1;
                continue;
            }
            if in_model && local == "bind" {
                if let (Some(nodeset), Some(t)) = (attr("nodeset"), attr("type")) {
                    binds.insert(nodeset, FieldType::of_bind(&t));
                }
            }
            if !empty {
                depth += 1;
            }
        }
        let (root, id, version) = root.ok_or_else(bad)?;
        let mut fields = BTreeMap::new();
        let mut groups = BTreeSet::new();
        for p in &order {
            if repeats.contains(p) {
                continue;
            }
            if parents.contains(p) {
                groups.insert(p.clone());
                continue;
            }
            let t = binds
                .get(&format!("/{root}/{p}"))
                .copied()
                .unwrap_or(FieldType::Text);
            fields.insert(p.clone(), t);
        }
        let order: Vec<String> = order
            .into_iter()
            .filter(|p| fields.contains_key(p))
            .collect();
        let columns = order
            .iter()
            .filter(|p| fields.contains_key(*p))
            .filter(|p| !p.starts_with("meta/") && p.as_str() != "meta")
            .filter(|p| !repeats.iter().any(|r| p.starts_with(&format!("{r}/"))))
            .cloned()
            .collect();
        Ok(Schema {
            root,
            id,
            version,
            fields,
            groups,
            repeats,
            columns,
            order,
        })
    }

    /// The questions of a repeat (paths under the repeat), not those of a repeat
    /// within it.
    pub fn repeat_columns(&self, repeat: &str) -> Vec<String> {
        let prefix = format!("{repeat}/");
        let inner: Vec<String> = self
            .repeats
            .iter()
            .filter(|r| r.starts_with(&prefix))
            .map(|r| format!("{r}/"))
            .collect();
        self.order
            .iter()
            .filter(|p| !inner.iter().any(|r| p.starts_with(r.as_str())))
            .filter_map(|p| p.strip_prefix(&prefix))
            .map(str::to_string)
            .collect()
    }
}

/// An instance's root: its element name and `id` and `version` attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub root: String,
    pub id: String,
    pub version: Option<String>,
}

/// A small element tree of an instance.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

fn not_xml() -> Message {
    crate::msg!(
        "submission-not-xml",
        "the submission is not a readable XML instance"
    )
}

pub(crate) fn tree(xml: &str) -> Result<Element, Message> {
    if xml.len() > MAX_XML {
        return Err(crate::msg!(
            "submission-too-large",
            "a submission's XML may have at most {max} MB",
            max = MAX_XML / (1024 * 1024)
        ));
    }
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let open = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, Message> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|_| not_xml())?;
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).to_string();
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|_| not_xml())?
                .to_string();
            attrs.push((key, v));
        }
        Ok(Element {
            name: String::from_utf8_lossy(e.local_name().as_ref()).to_string(),
            attrs,
            ..Element::default()
        })
    };
    loop {
        match r.read_event().map_err(|_| not_xml())? {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(not_xml());
                }
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let el = open(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(not_xml()),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(not_xml)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content().map_err(|_| not_xml())?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                } else if !text.trim().is_empty() {
                    return Err(not_xml());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().map_err(|_| not_xml())?);
                }
            }
            Event::GeneralRef(r) => {
                // `&amp;` and `&#233;` in an answer; no other entity is defined.
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    r.decode()
                        .ok()
                        .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name))
                        .map(String::from)
                };
                match (resolved, stack.last_mut()) {
                    (Some(text), Some(top)) => top.text.push_str(&text),
                    _ => return Err(not_xml()),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(not_xml());
    }
    root.ok_or_else(not_xml)
}

impl Element {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The root of a submission's instance, read before its version is known.
pub fn head(xml: &str) -> Result<Head, Message> {
    let t = tree(xml)?;
    let id = t.attr("id").unwrap_or("").trim().to_string();
    if id.is_empty() {
        return Err(crate::msg!(
            "submission-no-form-id",
            "the instance's root element has no id attribute naming its form"
        ));
    }
    Ok(Head {
        version: t.attr("version").map(str::to_string),
        root: t.name,
        id,
    })
}

/// A submission's instance, read against its version's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub instance_id: String,
    /// The instance this one replaces (an edit made on the device).
    pub deprecated_id: Option<String>,
    /// The answers: one key per question outside repeats, a repeat as an array.
    pub data: Map<String, Value>,
    /// The file names the instance's image questions name, each once.
    pub files: Vec<String>,
    /// The first geopoint answered: (longitude, latitude).
    pub point: Option<(f64, f64)>,
}

fn unknown_element(at: &str) -> Message {
    crate::msg!(
        "submission-unknown-element",
        "the element {path} is not a question of this form version",
        path = at
    )
}

/// Reads an instance against its version's schema.
pub fn read_instance(xml: &str, schema: &Schema) -> Result<Instance, Message> {
    let t = tree(xml)?;
    if t.name != schema.root || t.attr("id") != Some(schema.id.as_str()) {
        return Err(crate::msg!(
            "submission-wrong-form",
            "the instance is not of the form {id}",
            id = schema.id.clone()
        ));
    }
    let mut out = Instance {
        instance_id: String::new(),
        deprecated_id: None,
        data: Map::new(),
        files: Vec::new(),
        point: None,
    };
    read_children(&t, "", schema, &mut out, None)?;
    let id = out
        .data
        .remove("meta/instanceID")
        .and_then(|v| v.as_str().map(|s| s.trim().to_string()))
        .unwrap_or_default();
    if id.is_empty() || id.chars().count() > MAX_INSTANCE_ID || id.chars().any(char::is_control) {
        return Err(crate::msg!(
            "submission-no-instance-id",
            "the instance has no meta/instanceID (or one longer than {max} characters)",
            max = MAX_INSTANCE_ID
        ));
    }
    out.instance_id = id;
    out.deprecated_id = out
        .data
        .remove("meta/deprecatedID")
        .and_then(|v| v.as_str().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty());
    out.data.retain(|k, _| !k.starts_with("meta/"));
    Ok(out)
}

/// Reads the children of `el` (at `base`, empty for the root) into `out.data`, or into
/// `into` within a repeat (keys then relative to `rel_base`).
fn read_children(
    el: &Element,
    base: &str,
    schema: &Schema,
    out: &mut Instance,
    mut into: Option<(&mut Map<String, Value>, &str)>,
) -> Result<(), Message> {
    for child in &el.children {
        let path = if base.is_empty() {
            child.name.clone()
        } else {
            format!("{base}/{}", child.name)
        };
        if schema.repeats.contains(&path) {
            let mut item = Map::new();
            read_children(child, &path, schema, out, Some((&mut item, path.as_str())))?;
            let key = match &into {
                Some((_, rel)) => path
                    .strip_prefix(&format!("{rel}/"))
                    .unwrap_or(&path)
                    .to_string(),
                None => path.clone(),
            };
            let target: &mut Map<String, Value> = match into.as_mut() {
                Some((m, _)) => m,
                None => &mut out.data,
            };
            match target
                .entry(key)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(a) => a.push(Value::Object(item)),
                _ => return Err(unknown_element(&path)),
            }
            continue;
        }
        if schema.groups.contains(&path) || (path == "meta" && !child.children.is_empty()) {
            let rel = into.as_ref().map(|(_, r)| r.to_string());
            match into.as_mut() {
                Some((m, _)) => {
                    let rel = rel.unwrap_or_default();
                    read_children(child, &path, schema, out, Some((&mut **m, rel.as_str())))?
                }
                None => read_children(child, &path, schema, out, None)?,
            }
            continue;
        }
        let Some(kind) = schema.fields.get(&path).copied() else {
            if path == "meta/deprecatedID" || path == "meta/instanceID" {
                out.data
                    .insert(path, Value::String(child.text.trim().to_string()));
                continue;
            }
            if path.starts_with("meta/") {
                // Devices add metadata (audit, entity) a form may not declare.
                continue;
            }
            return Err(unknown_element(&path));
        };
        if !child.children.is_empty() {
            return Err(unknown_element(&format!(
                "{path}/{}",
                child.children[0].name
            )));
        }
        let value = child.text.trim().to_string();
        check_value(&path, kind, &value)?;
        if !value.is_empty() {
            if kind == FieldType::Binary && !out.files.contains(&value) {
                out.files.push(value.clone());
            }
            if kind == FieldType::Geopoint && out.point.is_none() {
                out.point = geopoint(&value);
            }
        }
        match into.as_mut() {
            Some((m, rel)) => {
                let key = path
                    .strip_prefix(&format!("{rel}/"))
                    .unwrap_or(&path)
                    .to_string();
                m.insert(key, Value::String(value));
            }
            None => {
                out.data.insert(path, Value::String(value));
            }
        }
    }
    Ok(())
}

/// (longitude, latitude) of an ODK geopoint, "lat lon [alt [acc]]".
pub fn geopoint(v: &str) -> Option<(f64, f64)> {
    let parts: Vec<f64> = v
        .split_whitespace()
        .map(|p| p.parse::<f64>().ok())
        .collect::<Option<Vec<_>>>()?;
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let (lat, lon) = (parts[0], parts[1]);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lon, lat))
}

fn check_value(at: &str, kind: FieldType, v: &str) -> Result<(), Message> {
    if v.is_empty() {
        return Ok(());
    }
    let ok = match kind {
        FieldType::Int => v.parse::<i64>().is_ok(),
        FieldType::Decimal => v.parse::<f64>().is_ok_and(f64::is_finite),
        FieldType::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
        FieldType::Geopoint => geopoint(v).is_some(),
        FieldType::Geotrace | FieldType::Geoshape => v
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .all(|p| geopoint(p).is_some()),
        FieldType::Binary => {
            !v.contains(['/', '\\']) && v.chars().count() <= 200 && !v.chars().any(char::is_control)
        }
        FieldType::Text | FieldType::Other => true,
    };
    if ok {
        Ok(())
    } else {
        Err(crate::msg!(
            "submission-bad-value",
            "the answer to {path} is not a valid {kind}",
            path = at,
            kind = match kind {
                FieldType::Int => "integer",
                FieldType::Decimal => "decimal",
                FieldType::Date => "date",
                FieldType::Geopoint => "geopoint",
                FieldType::Geotrace => "geotrace",
                FieldType::Geoshape => "geoshape",
                FieldType::Binary => "file name",
                _ => "value",
            }
        ))
    }
}

/// Where a submission came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// ODK Collect or another OpenRosa client.
    Collect,
    /// Typed in from a paper form afterwards.
    Paper,
    /// Filled in Sinergi's own phone app (online or offline, through its outbox).
    App,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Collect => "collect",
            Source::Paper => "paper",
            Source::App => "app",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "collect" => Some(Source::Collect),
            "paper" => Some(Source::Paper),
            "app" => Some(Source::App),
            _ => None,
        }
    }
}

/// A submission's review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Received,
    Approved,
    HasIssues,
    Rejected,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] = [
        ReviewState::Received,
        ReviewState::Approved,
        ReviewState::HasIssues,
        ReviewState::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Received => "received",
            ReviewState::Approved => "approved",
            ReviewState::HasIssues => "has_issues",
            ReviewState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A submission: its newest instance and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: SubmissionId,
    pub form_id: FormId,
    /// The form version it was made with (1, 2, …).
    pub version_number: i32,
    /// The `instanceID` of its first instance: the submission's identity.
    pub root_instance_id: String,
    /// The `instanceID` of its newest instance.
    pub instance_id: String,
    /// The submitter's agency.
    pub agency_id: AgencyId,
    pub submitted_by: UserId,
    pub source: Source,
    pub review_state: ReviewState,
    /// The answers of the newest instance ([`Instance::data`]).
    pub data: Value,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// How many edits followed the first instance.
    pub edits: i32,
    pub received_at: DateTime<Utc>,
    /// When it was answered: `received_at` for a device's, the paper's date for a paper
    /// form typed in later.
    pub answered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One instance of a submission as received: the first, then one per edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionInstance {
    pub submission_id: SubmissionId,
    pub instance_id: String,
    pub deprecated_id: Option<String>,
    pub xml: String,
    pub submitted_by: UserId,
    pub received_at: DateTime<Utc>,
}

/// A file an instance names: received once its bytes came (`sha256` set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionFile {
    pub submission_id: SubmissionId,
    pub instance_id: String,
    pub name: String,
    pub sha256: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
}

/// A review of a submission: its new state and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionReview {
    pub submission_id: SubmissionId,
    pub state: ReviewState,
    pub comment: String,
    pub reviewed_by: UserId,
    pub reviewed_at: DateTime<Utc>,
}

/// The longest review comment.
pub const MAX_COMMENT: usize = 2000;

pub mod shared;

#[cfg(test)]
mod tests;
