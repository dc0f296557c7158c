//! Media in labels: the `media::image`, `media::big-image`, `media::audio` and
//! `media::video` columns (or their short forms `image`, `big-image`, `audio`, `video`),
//! each also per language (`image::English (en)`), on the survey and choices sheets. A
//! cell names a file the form's version carries (ADR 40); the XForm refers to it as
//! `jr://images/NAME`, `jr://audio/NAME` or `jr://video/NAME` in the label's itext, as
//! pyxform writes it.

use std::collections::BTreeMap;

use super::form::{Choice, Node};
use super::problem::Problem;
use crate::msg;

/// (column base, itext value form, `jr://` folder).
const MEDIA: [(&str, &str, &str); 4] = [
    ("image", "image", "images"),
    ("big-image", "big-image", "images"),
    ("audio", "audio", "audio"),
    ("video", "video", "video"),
];

/// The longest media file name.
pub const MAX_NAME: usize = 200;

/// The media column a column key is, with its language: `media::image::English (en)`
/// and `image::English (en)` are (`image`, `English (en)`), `image` is (`image`, none).
pub(super) fn column(key: &str) -> Option<(usize, Option<&str>)> {
    let rest = key.strip_prefix("media::").unwrap_or(key);
    let (base, lang) = match rest.split_once("::") {
        Some((b, l)) => (b, Some(l)),
        None => (rest, None),
    };
    let at = MEDIA.iter().position(|(b, _, _)| *b == base)?;
    Some((at, lang.filter(|l| !l.is_empty())))
}

/// Whether a row has any media.
pub(super) fn any(cells: &BTreeMap<String, String>) -> bool {
    cells
        .iter()
        .any(|(k, v)| !v.trim().is_empty() && column(k).is_some())
}

/// The media of a row for one language, as itext values (form, `jr://` URI), in a fixed
/// order: the columns for `lang`, and the unnamed ones when `plain`.
pub(super) fn of(
    cells: &BTreeMap<String, String>,
    lang: Option<&str>,
    plain: bool,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (k, v) in cells {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let Some((at, l)) = column(k) else { continue };
        if (l.is_some() && l == lang) || (l.is_none() && plain) {
            let (_, form, folder) = MEDIA[at];
            out.push((form, format!("jr://{folder}/{v}")));
        }
    }
    out.sort();
    out
}

/// Whether a file name may be a form's media file: not empty, at most [`MAX_NAME`]
/// characters, a name and not a path (no `/` or `\`, not `.` or `..`, not hidden), and
/// none of the characters that would need escaping in a URI reference's XML.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && !name.starts_with('.')
        && name.trim() == name
        && !name.chars().any(|c| {
            c.is_control()
                || matches!(
                    c,
                    '/' | '\\' | '<' | '>' | '"' | '\'' | '&' | '#' | '?' | '%'
                )
        })
}

fn check_cells(
    sheet: &str,
    row: u32,
    cells: &BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) {
    for (k, v) in cells {
        let v = v.trim();
        if v.is_empty() || column(k).is_none() || valid_name(v) {
            continue;
        }
        problems.push(Problem::at(
            sheet,
            Some(row),
            Some(k),
            msg!(
                "xlsform-media-name",
                "{value} is not a media file name: give the file's name only (no folder), at most {max} characters, without / \\ < > \" ' & # ? %",
                value = v.to_string(),
                max = MAX_NAME
            ),
        ));
    }
}

/// A problem for every media cell that is not a file name.
pub(super) fn check(
    root: &Node,
    lists: &BTreeMap<String, Vec<Choice>>,
    problems: &mut Vec<Problem>,
) {
    fn walk(node: &Node, problems: &mut Vec<Problem>) {
        for child in &node.children {
            check_cells("survey", child.row, &child.cells, problems);
            walk(child, problems);
        }
    }
    walk(root, problems);
    for choice in lists.values().flatten() {
        check_cells("choices", choice.row, &choice.cells, problems);
    }
}
