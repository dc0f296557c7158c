//! XLSForm workbooks converted to ODK XForms, without Python (ADR 30).
//!
//! [`convert`] reads an `.xlsx` workbook (sheets `survey`, `choices`, `settings`), builds
//! the form's tree, checks it and writes the XForm in the shape `pyxform` produces. A
//! workbook with faults is refused whole with every fault at once, each a [`Problem`]
//! naming its sheet, row and column, as `survey row 7, column type: unknown type foo`.
//!
//! What is checked: every type is one of [`Kind`]; names are valid XML names and used
//! once in the form (a `${name}` reference must find one question); groups and repeats
//! are ended in order; a select's list is in `choices`, and its choices have names used
//! once in the list; calculations do not refer to each other in a cycle; expressions
//! reference questions that exist, pair their parentheses and call only the functions in
//! [`expr::SUPPORTED_FUNCTIONS`].

use std::collections::{BTreeMap, BTreeSet};

use crate::msg;

pub mod expr;
mod form;
pub mod media;
mod problem;
mod read;
mod xform;

use form::yes_no;
pub use form::{is_xml_name, Choice, Form, Kind, Node};
pub use problem::Problem;

#[cfg(test)]
mod odk_check;
#[cfg(test)]
mod tests;

use read::Sheet;

enum TypeFault {
    Unknown,
    NoList,
}

fn parse_type(text: &str) -> Result<Kind, TypeFault> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    let second = words.get(1).map(|w| w.to_ascii_lowercase());
    let kind = match (first.as_str(), words.len()) {
        ("select_one", 1) | ("select_multiple", 1) => return Err(TypeFault::NoList),
        ("select_one", 2) => Kind::SelectOne(words[1].to_string()),
        ("select_multiple", 2) => Kind::SelectMultiple(words[1].to_string()),
        ("begin" | "end", 2) => match (first.as_str(), second.as_deref()) {
            ("begin", Some("group")) => Kind::BeginGroup,
            ("begin", Some("repeat")) => Kind::BeginRepeat,
            ("end", Some("group")) => Kind::EndGroup,
            ("end", Some("repeat")) => Kind::EndRepeat,
            _ => return Err(TypeFault::Unknown),
        },
        (one, 1) => match one {
            "text" => Kind::Text,
            "integer" | "int" => Kind::Integer,
            "decimal" => Kind::Decimal,
            "date" => Kind::Date,
            "time" => Kind::Time,
            "datetime" => Kind::DateTime,
            "geopoint" => Kind::Geopoint,
            "geotrace" => Kind::Geotrace,
            "geoshape" => Kind::Geoshape,
            "image" => Kind::Image,
            "note" => Kind::Note,
            "calculate" => Kind::Calculate,
            "acknowledge" => Kind::Acknowledge,
            "start" => Kind::Start,
            "end" => Kind::End,
            "today" => Kind::Today,
            "deviceid" => Kind::DeviceId,
            "begin_group" => Kind::BeginGroup,
            "end_group" => Kind::EndGroup,
            "begin_repeat" => Kind::BeginRepeat,
            "end_repeat" => Kind::EndRepeat,
            _ => return Err(TypeFault::Unknown),
        },
        _ => return Err(TypeFault::Unknown),
    };
    Ok(kind)
}

/// The result of a conversion.
#[derive(Debug, Clone)]
pub struct XForm {
    pub form_id: String,
    pub version: Option<String>,
    pub title: String,
    pub languages: Vec<String>,
    /// The XForm document.
    pub xml: String,
}

/// The columns of the survey sheet that hold expressions.
const EXPRESSION_COLUMNS: &[&str] = &[
    "relevant",
    "constraint",
    "calculation",
    "choice_filter",
    "required",
    "read_only",
    "default",
];

/// Converts an XLSForm workbook to an ODK XForm. `file_name` gives the form's id when
/// the settings sheet has no `form_id`.
pub fn convert(bytes: &[u8], file_name: &str) -> Result<XForm, Vec<Problem>> {
    Ok(xform_of(parse(bytes, file_name)?))
}

/// The XForm of a form read and checked by [`parse`].
pub fn xform_of(form: Form) -> XForm {
    let xml = xform::generate(&form);
    XForm {
        form_id: form.id,
        version: form.version,
        title: form.title,
        languages: form.languages,
        xml,
    }
}

/// Reads and checks a workbook into a [`Form`], or every fault found.
pub fn parse(bytes: &[u8], file_name: &str) -> Result<Form, Vec<Problem>> {
    let sheets = read::read_workbook(bytes).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let Some(survey) = sheets.get("survey") else {
        return Err(vec![Problem::file(msg!(
            "xlsform-sheet-missing",
            "the workbook has no {sheet} sheet",
            sheet = "survey"
        ))]);
    };
    for wanted in ["type", "name"] {
        if !survey.columns.iter().any(|c| c == wanted) {
            problems.push(Problem::at(
                "survey",
                Some(1),
                None,
                msg!(
                    "xlsform-column-missing",
                    "the {sheet} sheet has no {column} column",
                    sheet = "survey",
                    column = wanted
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let settings = sheets
        .get("settings")
        .and_then(|s| s.rows.first().cloned())
        .unwrap_or_default();
    let stem = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim_end_matches(".xlsx")
        .trim_end_matches(".XLSX");
    let id = settings
        .get("form_id")
        .map(str::to_string)
        .unwrap_or_else(|| stem.to_string());
    let title = settings
        .get("form_title")
        .map(str::to_string)
        .unwrap_or_else(|| id.clone());
    let version = settings.get("version").map(str::to_string);

    let root = build_tree(survey, &mut problems);
    let lists = read_choices(sheets.get("choices"), &mut problems);
    let (languages, plain_language) = languages(
        survey,
        sheets.get("choices"),
        settings.get("default_language"),
    );

    let mut form = Form {
        title,
        id,
        version,
        languages,
        plain_language,
        root,
        lists,
        paths: BTreeMap::new(),
    };
    check(&mut form, sheets.contains_key("choices"), &mut problems);
    media::check(&form.root, &form.lists, &mut problems);
    if problems.is_empty() {
        Ok(form)
    } else {
        problems.sort_by_key(|p| (sheet_rank(&p.sheet), p.row));
        Err(problems)
    }
}

fn sheet_rank(s: &str) -> u8 {
    match s {
        "" => 0,
        "survey" => 1,
        "choices" => 2,
        _ => 3,
    }
}

fn build_tree(survey: &Sheet, problems: &mut Vec<Problem>) -> Node {
    let root = Node {
        row: 0,
        kind: Kind::BeginGroup,
        name: "data".into(),
        cells: BTreeMap::new(),
        path: "/data".into(),
        children: Vec::new(),
    };
    let mut stack = vec![root];
    for row in &survey.rows {
        let Some(type_text) = row.get("type") else {
            // A row with cells but no type: pyxform skips it as a comment row.
            continue;
        };
        let kind = match parse_type(type_text) {
            Ok(k) => k,
            Err(TypeFault::Unknown) => {
                problems.push(Problem::at(
                    "survey",
                    Some(row.number),
                    Some("type"),
                    msg!(
                        "xlsform-type-unknown",
                        "unknown type {value}",
                        value = type_text
                    ),
                ));
                continue;
            }
            Err(TypeFault::NoList) => {
                problems.push(Problem::at(
                    "survey",
                    Some(row.number),
                    Some("type"),
                    msg!(
                        "xlsform-list-name-missing",
                        "{value} needs the name of a list of choices after it",
                        value = type_text
                    ),
                ));
                continue;
            }
        };
        if kind.is_end() {
            if stack.len() == 1 {
                problems.push(Problem::at(
                    "survey",
                    Some(row.number),
                    Some("type"),
                    msg!(
                        "xlsform-end-unopened",
                        "end {kind} without a begin {kind} before it",
                        kind = kind.word()
                    ),
                ));
                continue;
            }
            let node = stack.pop().unwrap_or_else(|| unreachable!());
            if node.kind.word() != kind.word() {
                problems.push(Problem::at(
                    "survey",
                    Some(row.number),
                    Some("type"),
                    msg!(
                        "xlsform-end-mismatch",
                        "end {kind} closes the {open} {name} begun on row {begun}",
                        kind = kind.word(),
                        open = node.kind.word(),
                        name = node.name.clone(),
                        begun = node.row
                    ),
                ));
            }
            if let Some(parent) = stack.last_mut() {
                parent.children.push(node);
            }
            continue;
        }
        let node = Node {
            row: row.number,
            kind: kind.clone(),
            name: row.get("name").unwrap_or_default().to_string(),
            cells: row.cells.clone(),
            path: String::new(),
            children: Vec::new(),
        };
        if kind.is_container() {
            stack.push(node);
        } else if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    }
    while stack.len() > 1 {
        let node = stack.pop().unwrap_or_else(|| unreachable!());
        problems.push(Problem::at(
            "survey",
            Some(node.row),
            Some("type"),
            msg!(
                "xlsform-begin-unclosed",
                "the {kind} {name} begun here is never ended",
                kind = node.kind.word(),
                name = node.name.clone()
            ),
        ));
        if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    }
    stack.pop().unwrap_or_else(|| unreachable!())
}

fn read_choices(
    choices: Option<&Sheet>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Vec<Choice>> {
    let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    let Some(sheet) = choices else {
        return lists;
    };
    for row in &sheet.rows {
        let Some(list) = row.get("list_name") else {
            continue;
        };
        let Some(name) = row.get("name") else {
            problems.push(Problem::at(
                "choices",
                Some(row.number),
                Some("name"),
                msg!("xlsform-choice-name-missing", "a choice needs a name"),
            ));
            continue;
        };
        let entries = lists.entry(list.to_string()).or_default();
        if let Some(first) = entries.iter().find(|c| c.name == name) {
            problems.push(Problem::at(
                "choices",
                Some(row.number),
                Some("name"),
                msg!(
                    "xlsform-choice-repeated",
                    "the choice {name} is already in the list {list} on row {first}",
                    name = name.to_string(),
                    list = list.to_string(),
                    first = first.row
                ),
            ));
            continue;
        }
        entries.push(Choice {
            row: row.number,
            name: name.to_string(),
            cells: row.cells.clone(),
        });
    }
    lists
}

/// The languages of the form's texts, the default first, and the language the columns
/// without one (`label`, `image`) belong to when there are named ones: the settings'
/// `default_language`, else `default`, which is then the default, as pyxform has it.
fn languages(
    survey: &Sheet,
    choices: Option<&Sheet>,
    default: Option<&str>,
) -> (Vec<String>, Option<String>) {
    let mut set = BTreeSet::new();
    let mut plain = false;
    for column in survey
        .columns
        .iter()
        .chain(choices.into_iter().flat_map(|c| c.columns.iter()))
    {
        let lang = match (media::column(column), column.split_once("::")) {
            (Some((_, lang)), _) => lang,
            (None, Some(("label" | "hint" | "constraint_message", l))) => {
                Some(l).filter(|l| !l.is_empty())
            }
            (None, None) if matches!(column.as_str(), "label" | "hint" | "constraint_message") => {
                None
            }
            _ => continue,
        };
        match lang {
            Some(l) => {
                set.insert(l.to_string());
            }
            None => plain = true,
        }
    }
    if set.is_empty() {
        return (Vec::new(), None);
    }
    let mut langs: Vec<String> = set.into_iter().collect();
    let plain_language = plain.then(|| default.unwrap_or("default").to_string());
    if let Some(p) = &plain_language {
        if !langs.contains(p) {
            langs.push(p.clone());
        }
    }
    let first = default
        .or(plain_language.as_deref())
        .and_then(|d| langs.iter().position(|l| l == d))
        .unwrap_or(0);
    let d = langs.remove(first);
    langs.insert(0, d);
    (langs, plain_language)
}

fn assign_paths(
    node: &mut Node,
    names: &mut BTreeMap<String, (u32, String)>,
    problems: &mut Vec<Problem>,
) {
    for child in &mut node.children {
        child.path = format!("{}/{}", node.path, child.name);
        if child.name.is_empty() {
            problems.push(Problem::at(
                "survey",
                Some(child.row),
                Some("name"),
                msg!("xlsform-name-missing", "a name is required"),
            ));
        } else if !is_xml_name(&child.name) {
            problems.push(Problem::at(
                "survey",
                Some(child.row),
                Some("name"),
                msg!(
                    "xlsform-name-invalid",
                    "{name} is not a valid name: it must begin with a letter or _ and hold only letters, digits, _, - and .",
                    name = child.name.clone()
                ),
            ));
        } else if child.name == "meta" {
            problems.push(Problem::at(
                "survey",
                Some(child.row),
                Some("name"),
                msg!(
                    "xlsform-name-reserved",
                    "the name {name} is reserved for the form's metadata",
                    name = "meta"
                ),
            ));
        } else if let Some((first, _)) = names.get(&child.name) {
            problems.push(Problem::at(
                "survey",
                Some(child.row),
                Some("name"),
                msg!(
                    "xlsform-name-repeated",
                    "the name {name} is already used on row {first}",
                    name = child.name.clone(),
                    first = *first
                ),
            ));
        } else {
            names.insert(child.name.clone(), (child.row, child.path.clone()));
        }
        assign_paths(child, names, problems);
    }
}

fn walk<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    for c in &node.children {
        out.push(c);
        walk(c, out);
    }
}

fn check(form: &mut Form, has_choices: bool, problems: &mut Vec<Problem>) {
    let mut names = BTreeMap::new();
    assign_paths(&mut form.root, &mut names, problems);
    form.paths = names
        .iter()
        .map(|(n, (_, p))| (n.clone(), p.clone()))
        .collect();
    let mut nodes = Vec::new();
    walk(&form.root, &mut nodes);
    let mut calc_deps: BTreeMap<String, (u32, Vec<String>)> = BTreeMap::new();
    let mut spaced = BTreeSet::new();
    for node in &nodes {
        if let Kind::SelectOne(list) | Kind::SelectMultiple(list) = &node.kind {
            if !form.lists.contains_key(list) {
                let message = if has_choices {
                    msg!(
                        "xlsform-list-unknown",
                        "the list {list} is not in the choices sheet",
                        list = list.clone()
                    )
                } else {
                    msg!(
                        "xlsform-choices-missing",
                        "the list {list} needs a choices sheet, and the workbook has none",
                        list = list.clone()
                    )
                };
                problems.push(Problem::at("survey", Some(node.row), Some("type"), message));
            } else if !is_xml_name(list) {
                problems.push(Problem::at(
                    "survey",
                    Some(node.row),
                    Some("type"),
                    msg!(
                        "xlsform-list-name-invalid",
                        "{list} is not a valid list name: it must begin with a letter or _ and hold only letters, digits, _, - and .",
                        list = list.clone()
                    ),
                ));
            }
            if let (Kind::SelectMultiple(list), Some(choices)) = (&node.kind, form.lists.get(list))
            {
                // The answer of a select_multiple is its choices' names separated by spaces.
                for choice in choices
                    .iter()
                    .filter(|c| c.name.contains(char::is_whitespace))
                {
                    if spaced.insert(choice.row) {
                        problems.push(Problem::at(
                            "choices",
                            Some(choice.row),
                            Some("name"),
                            msg!(
                                "xlsform-choice-name-space",
                                "the choice {name} of the list {list} has a space in its name, which a select_multiple cannot record",
                                name = choice.name.clone(),
                                list = list.clone()
                            ),
                        ));
                    }
                }
            }
        }
        // References in the texts shown to the user (`${name}` becomes an `<output>`).
        for (column, text) in &node.cells {
            let base = column.split("::").next().unwrap_or(column);
            if !matches!(base, "label" | "hint" | "constraint_message") {
                continue;
            }
            let scan = expr::scan(text);
            for name in scan.references.iter().filter(|n| !names.contains_key(*n)) {
                problems.push(Problem::at(
                    "survey",
                    Some(node.row),
                    Some(column),
                    msg!(
                        "xlsform-reference-unknown",
                        "the reference to {name} names no question of the form",
                        name = name.clone()
                    ),
                ));
            }
        }
        if node.kind == Kind::Calculate && node.get("calculation").is_none() {
            problems.push(Problem::at(
                "survey",
                Some(node.row),
                Some("calculation"),
                msg!(
                    "xlsform-calculation-missing",
                    "a calculate row needs a calculation"
                ),
            ));
        }
        for column in EXPRESSION_COLUMNS {
            let Some(text) = node.get(column) else {
                continue;
            };
            if matches!(*column, "required" | "read_only") && yes_no(text).is_some() {
                continue;
            }
            if *column == "default" {
                if text.contains("${") {
                    problems.push(Problem::at(
                        "survey",
                        Some(node.row),
                        Some(column),
                        msg!(
                            "xlsform-default-dynamic",
                            "a default taken from another answer is not supported; give a constant"
                        ),
                    ));
                }
                continue;
            }
            let scan = expr::scan(text);
            for name in &scan.references {
                if !names.contains_key(name) {
                    problems.push(Problem::at(
                        "survey",
                        Some(node.row),
                        Some(column),
                        msg!(
                            "xlsform-reference-unknown",
                            "the reference to {name} names no question of the form",
                            name = name.clone()
                        ),
                    ));
                }
            }
            for fault in &scan.faults {
                let message = match fault {
                    expr::ExprFault::UnclosedReference => {
                        msg!("xlsform-reference-unclosed", "a reference is not closed")
                    }
                    expr::ExprFault::Parentheses => {
                        msg!("xlsform-parentheses", "the parentheses do not pair up")
                    }
                    expr::ExprFault::Function(f) => msg!(
                        "xlsform-function-unsupported",
                        "the function {function} is not supported; the supported ones are {supported}",
                        function = f.clone(),
                        supported = expr::SUPPORTED_FUNCTIONS.join(", ")
                    ),
                };
                problems.push(Problem::at("survey", Some(node.row), Some(column), message));
            }
            if *column == "calculation" && !node.name.is_empty() {
                calc_deps.insert(node.name.clone(), (node.row, scan.references.clone()));
            }
        }
    }
    cycles(&calc_deps, problems);
}

fn cycles(deps: &BTreeMap<String, (u32, Vec<String>)>, problems: &mut Vec<Problem>) {
    // 0 unseen, 1 on the current path, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    fn visit<'a>(
        name: &'a str,
        deps: &'a BTreeMap<String, (u32, Vec<String>)>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
        reported: &mut BTreeSet<Vec<String>>,
        problems: &mut Vec<Problem>,
    ) {
        state.insert(name, 1);
        path.push(name);
        if let Some((_, refs)) = deps.get(name) {
            for r in refs {
                let Some((key, _)) = deps.get_key_value(r.as_str()) else {
                    continue;
                };
                match state.get(key.as_str()).copied().unwrap_or(0) {
                    0 => visit(key, deps, state, path, reported, problems),
                    1 => {
                        let start = path.iter().position(|p| *p == key).unwrap_or(0);
                        let members: Vec<String> =
                            path[start..].iter().map(|s| s.to_string()).collect();
                        let mut sorted = members.clone();
                        sorted.sort();
                        if reported.insert(sorted) {
                            let mut shown = members.clone();
                            shown.push(key.clone());
                            let row = deps.get(key.as_str()).map(|(r, _)| *r);
                            problems.push(Problem::at(
                                "survey",
                                row,
                                Some("calculation"),
                                msg!(
                                    "xlsform-calculation-cycle",
                                    "the calculations refer to each other in a cycle: {cycle}",
                                    cycle = shown.join(" → ")
                                ),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        path.pop();
        state.insert(name, 2);
    }
    for name in deps.keys() {
        if state.get(name.as_str()).copied().unwrap_or(0) == 0 {
            let mut path = Vec::new();
            visit(name, deps, &mut state, &mut path, &mut reported, problems);
        }
    }
}
