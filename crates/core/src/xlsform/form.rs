//! The model of a form read from a workbook: its types, tree of questions and lists.

use std::collections::BTreeMap;

/// The type of a survey row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Decimal,
    SelectOne(String),
    SelectMultiple(String),
    Date,
    Time,
    DateTime,
    Geopoint,
    Geotrace,
    Geoshape,
    Image,
    Note,
    Calculate,
    Acknowledge,
    /// The metadata filled in by the device: `start`, `end`, `today`, `deviceid`.
    Start,
    End,
    Today,
    DeviceId,
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
}

impl Kind {
    pub(super) fn is_end(&self) -> bool {
        matches!(self, Kind::EndGroup | Kind::EndRepeat)
    }
    pub(super) fn is_container(&self) -> bool {
        matches!(self, Kind::BeginGroup | Kind::BeginRepeat)
    }
    pub(super) fn word(&self) -> &'static str {
        match self {
            Kind::BeginRepeat | Kind::EndRepeat => "repeat",
            _ => "group",
        }
    }
}

/// A question, group or repeat of the form, with its children and instance path.
#[derive(Debug, Clone)]
pub struct Node {
    pub row: u32,
    pub kind: Kind,
    pub name: String,
    /// The row's non-empty cells by column key.
    pub cells: BTreeMap<String, String>,
    pub path: String,
    pub children: Vec<Node>,
}

impl Node {
    pub(super) fn get(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
    }
}

/// One choice of a list.
#[derive(Debug, Clone)]
pub struct Choice {
    pub row: u32,
    pub name: String,
    pub cells: BTreeMap<String, String>,
}

/// A checked form.
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub id: String,
    pub version: Option<String>,
    /// The languages of labels, hints and messages (`Bahasa Indonesia (id)`), in the
    /// order the default first; empty when the form has none.
    pub languages: Vec<String>,
    /// The language of the columns without one (`label`, `image`) when others name
    /// theirs: the settings' `default_language`, else `default`.
    pub plain_language: Option<String>,
    /// The root: a group named `data` whose path is `/data`.
    pub root: Node,
    pub lists: BTreeMap<String, Vec<Choice>>,
    /// The absolute path of every question by name.
    pub paths: BTreeMap<String, String>,
}

/// A valid XML name without a prefix: a letter or `_`, then letters, digits, `_`, `-`, `.`.
pub fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `yes`/`true`/`true()` and `no`/`false`/`false()`, any case.
pub(super) fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "true()" | "ya" => Some(true),
        "no" | "false" | "false()" | "tidak" => Some(false),
        _ => None,
    }
}

/// The texts of a column by language: `label` and `label::X` of a row.
pub(super) fn texts<'a>(
    cells: &'a BTreeMap<String, String>,
    base: &str,
) -> BTreeMap<Option<&'a str>, &'a str> {
    let mut out = BTreeMap::new();
    for (k, v) in cells {
        if v.is_empty() {
            continue;
        }
        if k == base {
            out.insert(None, v.as_str());
        } else if let Some(lang) = k.strip_prefix(base).and_then(|r| r.strip_prefix("::")) {
            out.insert(Some(lang), v.as_str());
        }
    }
    out
}
