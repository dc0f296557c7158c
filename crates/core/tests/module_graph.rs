//! The modules of this crate depend on each other one way only: no module uses, directly or
//! through others, a module that uses it back. Types two modules both need live in the
//! lower one (or in a small module of their own, as `sensitivity` and `region` do), so each
//! domain can be read, tested and moved without the others it does not name.
//!
//! The check reads the sources: every `crate::…`, `super::…` and `self::…` path, and every
//! path that starts with the name of a child module, in code and in tests alike (comments
//! are left out). A path is attributed to the deepest module it names; a name the crate
//! root re-exports (`crate::ValidationErrors`) to the module it comes from. A parent that
//! re-exports its children depends on them, so a child reaches its siblings by their own
//! path (`super::checks::…`), never through the parent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file as a module: its path (`""` for the crate root) and its code.
struct Module {
    path: String,
    file: PathBuf,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read the source directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_path(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code without comments and without the contents of string and character literals,
/// so that neither a doc link nor a message text counts as a dependency.
fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if b[i] == b'\n' {
                            out.push('\n');
                        }
                        i += 1;
                    }
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // A raw string: r"…", r#"…"#, …
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < b.len() && !b[j..].starts_with(&close) {
                    if b[j] == b'\n' {
                        out.push('\n');
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j + close.len();
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if i < b.len() && b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                out.push_str("\"\"");
                i += 1;
            }
            b'\'' => {
                // A character literal ('a', '\n', '\u{feff}'), or a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 3..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map(|p| i + 3 + p)
                } else if b.get(i + 2) == Some(&b'\'') {
                    Some(i + 2)
                } else {
                    // A multi-byte character: find the quote within a few bytes.
                    (i + 2..(i + 6).min(b.len()))
                        .find(|&k| b[k] == b'\'')
                        .filter(|_| b[i + 1] >= 0x80)
                };
                match end {
                    Some(e) => {
                        out.push_str("' '");
                        i = e + 1;
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            _ => {
                let ch = text[i..].chars().next().expect("a character");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads a path or use tree starting at `s` (just after its first segment and `::`),
/// returning every full path it names (as segments after the prefix).
fn read_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let chars: Vec<char> = s.chars().collect();
    fn tree(c: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
        let skip = |c: &[char], mut i: usize| {
            while i < c.len() && c[i].is_whitespace() {
                i += 1;
            }
            i
        };
        i = skip(c, i);
        if i < c.len() && c[i] == '{' {
            let mut all = Vec::new();
            i += 1;
            loop {
                i = skip(c, i);
                if i >= c.len() || c[i] == '}' {
                    return (all, i + 1);
                }
                let (paths, j) = tree(c, i);
                all.extend(paths);
                i = skip(c, j);
                if i < c.len() && c[i] == ',' {
                    i += 1;
                }
            }
        }
        let start = i;
        while i < c.len() && is_ident(c[i]) {
            i += 1;
        }
        if start == i {
            // `*` or something that is not a path: the prefix alone.
            if i < c.len() && c[i] == '*' {
                i += 1;
            }
            return (vec![vec![]], i);
        }
        let seg: String = c[start..i].iter().collect();
        let j = skip(c, i);
        if c.get(j) == Some(&':') && c.get(j + 1) == Some(&':') {
            let (rest, k) = tree(c, j + 2);
            let paths = rest
                .into_iter()
                .map(|mut p| {
                    p.insert(0, seg.clone());
                    p
                })
                .collect();
            (paths, k)
        } else {
            (vec![vec![seg]], i)
        }
    }
    let (paths, used) = tree(&chars, 0);
    let bytes = chars[..used.min(chars.len())]
        .iter()
        .map(|c| c.len_utf8())
        .sum();
    (paths, bytes)
}

/// The byte ranges of the modules written inline (`mod tests { … }`).
fn inline_mods(code: &str) -> Vec<(usize, usize)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = code[from..].find("mod ") {
        let at = from + p;
        from = at + 4;
        if at > 0 && is_ident(b[at - 1] as char) {
            continue;
        }
        let name_end = from + code[from..].find(|c: char| !is_ident(c)).unwrap_or(0);
        let rest = code[name_end..].trim_start();
        if name_end == from || !rest.starts_with('{') {
            continue;
        }
        let open = code.len() - rest.len();
        let mut depth = 0;
        for (k, &c) in b.iter().enumerate().skip(open) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((open, k));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn parent(path: &str) -> String {
    path.rsplit_once("::")
        .map_or(String::new(), |(p, _)| p.to_string())
}

fn join(base: &str, seg: &str) -> String {
    if base.is_empty() {
        seg.to_string()
    } else {
        format!("{base}::{seg}")
    }
}

/// The deepest module `segments` names, starting from `base`.
fn deepest(modules: &BTreeSet<String>, base: &str, segments: &[String]) -> (String, usize) {
    let mut at = base.to_string();
    let mut used = 0;
    for s in segments {
        let next = join(&at, s);
        if modules.contains(&next) {
            at = next;
            used += 1;
        } else {
            break;
        }
    }
    (at, used)
}

/// Every module path in `code`, as (target module, line).
fn references(
    m: &Module,
    modules: &BTreeSet<String>,
    root_names: &BTreeMap<String, String>,
) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let code = &m.code;
    let children: BTreeSet<&str> = modules
        .iter()
        .filter(|p| parent(p) == m.path && !p.is_empty())
        .map(|p| p.rsplit("::").next().expect("a name"))
        .collect();
    let bytes = code.as_bytes();
    let inline_mods = inline_mods(code);
    let mut i = 0;
    while i < code.len() {
        let c = bytes[i] as char;
        let boundary = i == 0 || {
            let p = bytes[i - 1] as char;
            !is_ident(p) && p != ':'
        };
        if !(boundary && is_ident(c)) {
            i += 1;
            continue;
        }
        let end = i + code[i..]
            .find(|ch: char| !is_ident(ch))
            .unwrap_or(code.len() - i);
        let word = &code[i..end];
        let after = &code[end..];
        if !after.starts_with("::")
            || (word != "crate" && word != "super" && word != "self" && !children.contains(word))
        {
            i = end;
            continue;
        }
        let line = code[..i].matches('\n').count() + 1;
        // A child's name is a path only where no local item of that name shadows it; this
        // crate has none, and its external crates are not named like its modules.
        let (base, tree_from) = match word {
            "crate" => (String::new(), end + 2),
            "self" => (m.path.clone(), end + 2),
            "super" => {
                let mut levels: usize = 1;
                let mut from = end + 2;
                while code[from..].starts_with("super::") {
                    levels += 1;
                    from += "super::".len();
                }
                // Inside `mod tests { … }`, the first `super` is the file's own module.
                let inline = inline_mods.iter().filter(|(a, b)| *a < i && i < *b).count();
                let mut base = m.path.clone();
                for _ in 0..levels.saturating_sub(inline) {
                    base = parent(&base);
                }
                (base, from)
            }
            child => (join(&m.path, child), end + 2),
        };
        let (paths, used) = read_tree(&code[tree_from..]);
        for p in paths {
            let (target, n) = deepest(modules, &base, &p);
            let target = if target.is_empty() {
                match p.first() {
                    Some(name) if n == 0 => match root_names.get(name) {
                        Some(t) => t.clone(),
                        None => panic!(
                            "{}:{line}: crate::{name} is neither a module nor a name the crate \
                             root re-exports; teach this test about it",
                            m.file.display()
                        ),
                    },
                    _ => continue,
                }
            } else {
                target
            };
            out.push((target, line));
        }
        i = tree_from + used.max(1);
    }
    out
}

/// The names `lib.rs` re-exports, with the module each comes from.
fn root_names(lib: &Module, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for stmt in lib.code.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim().trim_start_matches("crate::");
        let Some((first, tail)) = rest.split_once("::") else {
            continue;
        };
        let (paths, _) = read_tree(tail);
        for p in paths {
            let (module, n) = deepest(modules, first, &p);
            if let Some(name) = p.get(n) {
                names.insert(name.clone(), module);
            }
        }
    }
    names
}

fn load() -> Vec<Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|f| Module {
            path: module_path(&src, &f),
            code: strip(&std::fs::read_to_string(&f).expect("read a source file")),
            file: f,
        })
        .collect()
}

/// module → (module it uses → first line that does).
type Graph = BTreeMap<String, BTreeMap<String, usize>>;

fn graph(modules: &[Module]) -> Graph {
    let names: BTreeSet<String> = modules.iter().map(|m| m.path.clone()).collect();
    let lib = modules.iter().find(|m| m.path.is_empty()).expect("lib.rs");
    let mut root = root_names(lib, &names);
    // `#[macro_export]` macros live at the crate root but belong to the module that
    // defines them.
    for m in modules {
        for part in m.code.split("#[macro_export]").skip(1) {
            if let Some(name) = part
                .trim_start()
                .strip_prefix("macro_rules!")
                .and_then(|r| {
                    r.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .find(|w| !w.is_empty())
                })
            {
                root.insert(name.to_string(), m.path.clone());
            }
        }
    }
    let mut g = Graph::new();
    for m in modules.iter().filter(|m| !m.path.is_empty()) {
        let edges = g.entry(m.path.clone()).or_default();
        for (target, line) in references(m, &names, &root) {
            if target != m.path && !target.is_empty() {
                edges.entry(target).or_insert(line);
            }
        }
    }
    g
}

/// A cycle, if there is one, as the modules along it (the first repeated at the end).
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        g: &Graph,
        at: &str,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(at.to_string(), Mark::Open);
        stack.push(at.to_string());
        for next in g.get(at).into_iter().flat_map(|e| e.keys()) {
            match marks.get(next.as_str()) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|s| s == next).expect("on the stack");
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = visit(g, next, marks, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(at.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in g.keys() {
        if !marks.contains_key(m) {
            if let Some(c) = visit(g, m, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn core_modules_depend_one_way() {
    let modules = load();
    let g = graph(&modules);
    // The check sees what it should: the known dependencies are found.
    for (from, to) in [
        ("report", "access"),
        ("report", "sensitivity"),
        ("query", "report"),
        ("agreement", "sharing"),
        ("sharing", "access"),
        ("agency", "error"),
        ("observation", "observation::fix"),
        ("observation::movebank", "observation::table"),
    ] {
        assert!(
            g.get(from).is_some_and(|e| e.contains_key(to)),
            "{from} → {to} not found; the module graph check no longer reads the sources right"
        );
    }
    if let Some(cycle) = find_cycle(&g) {
        let file_of = |m: &str| {
            modules
                .iter()
                .find(|x| x.path == m)
                .map(|x| x.file.display().to_string())
                .unwrap_or_default()
        };
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                format!(
                    "  {} → {} ({}:{})",
                    w[0],
                    w[1],
                    file_of(&w[0]),
                    g[&w[0]][&w[1]]
                )
            })
            .collect();
        panic!(
            "the core modules depend on each other in a cycle:\n{}\nMove what both need into \
             the lower module, or into a module of its own.",
            steps.join("\n")
        );
    }
}

#[test]
fn the_check_finds_a_cycle() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into(), 1);
    g.entry("b".into()).or_default().insert("c".into(), 1);
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into(), 1);
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn use_trees_and_comments_are_read() {
    let (paths, _) = read_tree("{ids::{AgencyId, UserId}, report::Sensitivity, ValidationErrors};");
    let flat: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        flat,
        [
            "ids::AgencyId",
            "ids::UserId",
            "report::Sensitivity",
            "ValidationErrors"
        ]
    );
    let code = strip("let a = \"crate::x\"; // crate::y\n/* crate::z */ let c = '\"'; crate::w");
    assert!(!code.contains("crate::x") && !code.contains("crate::y") && !code.contains("crate::z"));
    assert!(code.contains("crate::w"));
}
