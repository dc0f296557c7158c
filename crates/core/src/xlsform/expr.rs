//! The XPath subset of XLSForm expressions: `${name}` references, the functions Sinergi
//! accepts, and the substitution of references by absolute instance paths.

use std::collections::BTreeMap;

/// The XPath functions an expression may call: those of XPath 1.0 and the ODK XForms
/// specification that ODK Collect and Enketo both evaluate and a form needs for
/// relevance, constraints and calculations.
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
    "floor",
    "ceiling",
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

/// The expression with every `${name}` replaced by the name's path (names without a
/// path are left as written; the checks have refused them already).
pub fn substitute(expr: &str, paths: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        match rest[at + 2..].find('}') {
            Some(end) => {
                let name = rest[at + 2..at + 2 + end].trim();
                match paths.get(name) {
                    Some(p) => out.push_str(p),
                    None => out.push_str(&rest[at..at + 3 + end]),
                }
                rest = &rest[at + 3 + end..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
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
    }

    #[test]
    fn substitute_uses_paths() {
        let mut p = BTreeMap::new();
        p.insert("a".to_string(), "/data/g/a".to_string());
        assert_eq!(substitute("${a} + ${ a }", &p), "/data/g/a + /data/g/a");
    }
}
