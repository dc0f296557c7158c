//! The XPath subset of XLSForm expressions: `${name}` references, the functions Sinergi
//! accepts, and the substitution of references by absolute instance paths.

use std::collections::{BTreeMap, BTreeSet};

/// The XPath functions an expression may call: those of XPath 1.0 and the ODK XForms
/// specification that ODK Collect and Enketo both evaluate and a form needs for
/// relevance, constraints and calculations. XPath 1.0's `floor` and `ceiling` are not
/// among them: ODK Collect's engine (JavaRosa, as run by ODK Validate) cannot evaluate
/// them; `int` and `round` do their work.
pub const SUPPORTED_FUNCTIONS: &[&str] = &[
    "if",
    "coalesce",
    "selected",
    "selected-at",
    "count-selected",
    "jr:choice-name",
    "string-length",
    "regex",
    "today",
    "now",
    "concat",
    "substr",
    "contains",
    "starts-with",
    "ends-with",
    "translate",
    "normalize-space",
    "string",
    "number",
    "int",
    "round",
    "boolean",
    "not",
    "true",
    "false",
    "count",
    "sum",
    "min",
    "max",
    "pow",
    "position",
    "once",
    "uuid",
    "date",
    "decimal-date-time",
    "format-date",
    "indexed-repeat",
    "area",
    "distance",
    "current",
    "instance",
    "abs",
    "sqrt",
    "boolean-from-string",
    "join",
];

/// What is wrong in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprFault {
    /// `${` without its closing `}`.
    UnclosedReference,
    /// A call of a function outside [`SUPPORTED_FUNCTIONS`].
    Function(String),
    /// Parentheses that do not pair up.
    Parentheses,
}

/// A scanned expression: the names it references (in order, repeated as written) and
/// its faults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub references: Vec<String>,
    pub faults: Vec<ExprFault>,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// Scans an expression for references, function calls and parentheses.
pub fn scan(expr: &str) -> Scan {
    let mut out = Scan::default();
    let chars: Vec<char> = expr.chars().collect();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            match chars[i + 2..].iter().position(|&c| c == '}') {
                Some(end) => {
                    let name: String = chars[i + 2..i + 2 + end].iter().collect();
                    out.references.push(name.trim().to_string());
                    i += end + 3;
                }
                None => {
                    out.faults.push(ExprFault::UnclosedReference);
                    i = chars.len();
                }
            }
            continue;
        }
        if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth -= 1;
            if depth < 0 {
                out.faults.push(ExprFault::Parentheses);
                depth = 0;
            }
        }
        if (c.is_alphabetic() || c == '_')
            && (i == 0 || !is_name_char(chars[i - 1]) && chars[i - 1] != '@' && chars[i - 1] != '/')
        {
            let start = i;
            while i < chars.len() && is_name_char(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let operator = matches!(word.as_str(), "and" | "or" | "div" | "mod");
            if chars.get(j) == Some(&'(')
                && !operator
                && !SUPPORTED_FUNCTIONS.contains(&word.as_str())
            {
                let fault = ExprFault::Function(word);
                if !out.faults.contains(&fault) {
                    out.faults.push(fault);
                }
            }
            continue;
        }
        i += 1;
    }
    if depth != 0 {
        out.faults.push(ExprFault::Parentheses);
    }
    out
}

/// Where an expression or a label is written, for the references made relative to it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The path of the question, group or repeat whose cell holds the text.
    pub at: &'a str,
    /// The paths of the form's repeats.
    pub repeats: &'a BTreeSet<String>,
    /// Whether a relative reference starts with `current()/`: in a choice filter the
    /// predicate's context is the choice, so `current()` names the question.
    pub current: bool,
}

/// The path of the container elements above `path`, the root (`/data`) excluded:
/// `/data/r/g/q` gives `/data/r` and `/data/r/g`.
fn ancestors(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    for (i, c) in path.char_indices().skip(1) {
        if c == '/' {
            if at > 0 {
                out.push(&path[..i]);
            }
            at = i;
        }
    }
    out
}

/// The reference to `target` from a text of `place`, as pyxform writes it: relative
/// (`../name`, from the question's own element) when the two lie in the same repeat, so
/// that it names the answer of the same repeat instance; absolute otherwise.
pub fn relative_path(place: &Place, target: &str) -> Option<String> {
    let from = ancestors(place.at);
    let to = ancestors(target);
    let common: Vec<&str> = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| *a)
        .collect();
    if !common.iter().any(|c| place.repeats.contains(*c)) {
        return None;
    }
    let lca = common.last()?;
    let depth = |p: &str| p.matches('/').count();
    let steps = depth(place.at) - depth(lca);
    let up = vec![".."; steps].join("/");
    let prefix = if place.current { "current()/" } else { "" };
    Some(format!("{prefix}{up}{}", &target[lca.len()..]))
}

/// The expression with every `${name}` replaced by the name's path (names without a
/// path are left as written; the checks have refused them already). With a `place`,
/// references within the same repeat are relative as pyxform writes them, except the
/// question and repeat arguments of `indexed-repeat` (its 1st, 2nd, 4th and 6th), which
/// must stay absolute; a reference inside the predicate of an `instance(…)` path starts
/// with `current()/`.
pub fn substitute(expr: &str, paths: &BTreeMap<String, String>, place: Option<&Place>) -> String {
    let has_instance = expr.contains("instance(");
    let mut out = String::with_capacity(expr.len());
    // Per open parenthesis: the function called (if any) and the argument index.
    let mut calls: Vec<(String, usize)> = Vec::new();
    let mut word = String::new();
    let mut brackets = 0usize;
    let mut quote: Option<char> = None;
    let mut rest = expr;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest[2..].find('}') {
                let name = rest[2..2 + end].trim();
                let text = &rest[..3 + end];
                rest = &rest[3 + end..];
                word.clear();
                let Some(path) = paths.get(name) else {
                    out.push_str(text);
                    continue;
                };
                let absolute_argument = calls
                    .iter()
                    .rev()
                    .find(|(f, _)| f == "indexed-repeat")
                    .is_some_and(|(_, i)| [0, 1, 3, 5].contains(i));
                let relative = place.filter(|_| !absolute_argument).and_then(|p| {
                    let p = Place {
                        current: p.current || (has_instance && brackets > 0),
                        ..*p
                    };
                    relative_path(&p, path)
                });
                out.push_str(relative.as_deref().unwrap_or(path));
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' => calls.push((std::mem::take(&mut word), 0)),
            ')' => {
                calls.pop();
            }
            ',' => {
                if let Some((_, i)) = calls.last_mut() {
                    *i += 1;
                }
            }
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.') {
            word.push(c);
        } else if !c.is_whitespace() && c != '(' {
            word.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_references_and_unsupported_functions() {
        let s = scan("if(${a} > 3 and selected(${b}, 'x(y)'), pulldata('f'), ${c})");
        assert_eq!(s.references, vec!["a", "b", "c"]);
        assert_eq!(s.faults, vec![ExprFault::Function("pulldata".into())]);
        assert_eq!(scan("string-length(.) < 3").faults, vec![]);
        assert_eq!(scan("(. > 1").faults, vec![ExprFault::Parentheses]);
        assert_eq!(scan("${a").faults, vec![ExprFault::UnclosedReference]);
        assert_eq!(
            scan("floor(${a} div 2)").faults,
            vec![ExprFault::Function("floor".into())]
        );
    }

    #[test]
    fn substitute_uses_paths() {
        let mut p = BTreeMap::new();
        p.insert("a".to_string(), "/data/g/a".to_string());
        assert_eq!(
            substitute("${a} + ${ a }", &p, None),
            "/data/g/a + /data/g/a"
        );
        p.insert("b".to_string(), "/data/r/g/b".to_string());
        p.insert("c".to_string(), "/data/r/c".to_string());
        p.insert("r".to_string(), "/data/r".to_string());
        let repeats = BTreeSet::from(["/data/r".to_string()]);
        let place = Place {
            at: "/data/r/c",
            repeats: &repeats,
            current: false,
        };
        // Within the repeat: relative, from the question's own element.
        assert_eq!(
            substitute("${b} > ${a}", &p, Some(&place)),
            "../g/b > /data/g/a"
        );
        // indexed-repeat's question and repeat arguments stay absolute, its index not.
        assert_eq!(
            substitute("indexed-repeat(${b}, ${r}, ${c})", &p, Some(&place)),
            "indexed-repeat(/data/r/g/b, /data/r, ../c)"
        );
        // In an instance predicate, and in a choice filter, relative with current().
        assert_eq!(
            substitute(
                "instance('l')/root/item[name = ${b}]/label",
                &p,
                Some(&place)
            ),
            "instance('l')/root/item[name = current()/../g/b]/label"
        );
        let filter = Place {
            current: true,
            ..place
        };
        assert_eq!(
            substitute("parent = ${c}", &p, Some(&filter)),
            "parent = current()/../c"
        );
    }
}
