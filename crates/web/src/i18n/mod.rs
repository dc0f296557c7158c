//! The UI's two languages: Bahasa Indonesia (the default) and English, chosen by the
//! `lang` cookie. Every text the UI shows is a message of the Fluent catalogue in
//! `crates/web/locales/{id,en}/<domain>.ftl`, embedded in the binary, so no page can be
//! English-only. Templates read a message as `t.key` (or `t("key", name=value)` when it
//! takes arguments) and Rust code through [`tr`] / [`tr_args`] with keys written as
//! `k!("key")`; the tests check that every key used is in both languages with the same
//! arguments, and that every key in the catalogue is used.
//!
//! The catalogue must never hold user data, only fixed UI text; values (a count, a name,
//! a place) reach a message as Fluent arguments (`{ $n }`), never by string formatting.

mod domain_messages;

use std::collections::BTreeSet;
use std::fmt::Display;
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use minijinja::value::{Kwargs, Object, Value};

pub use domain_messages::{core_message, DomainMessage};

/// Marks a catalogue key in Rust code, so the tests can find every key in use.
macro_rules! k {
    ($key:literal) => {
        $key
    };
}
pub(crate) use k;

/// (domain, Bahasa Indonesia source, English source): every `locales/id/<domain>.ftl`
/// with its `locales/en/<domain>.ftl`, listed by the build script (which fails when a
/// domain lacks either language), so a new domain only adds its two files.
pub const FILES: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/message_files.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// Picks the Indonesian or English one of two strings.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// The catalogue of one language: every domain's file in one Fluent bundle.
fn parse_bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().expect("a language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Values are shown as they are, without Unicode isolation marks around them.
    bundle.set_use_isolating(false);
    for (domain, id_src, en_src) in FILES {
        let src = lang.pick(id_src, en_src);
        let resource = FluentResource::try_new(src.to_string()).unwrap_or_else(|(_, errors)| {
            panic!(
                "locales/{}/{domain}.ftl does not parse: {errors:?}",
                lang.code()
            )
        });
        if let Err(errors) = bundle.add_resource(resource) {
            panic!(
                "locales/{}/{domain}.ftl repeats a key: {errors:?}",
                lang.code()
            );
        }
    }
    bundle
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static ID: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    match lang {
        Lang::Id => ID.get_or_init(|| parse_bundle(Lang::Id)),
        Lang::En => EN.get_or_init(|| parse_bundle(Lang::En)),
    }
}

/// Whether the catalogue of `lang` has `key`.
pub fn has_message(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(key)
}

/// The text of `key` in `lang`. A missing key shows as `⟦key⟧`, visible on the page
/// rather than silently empty, and the tests keep that from shipping.
pub fn tr(lang: Lang, key: &str) -> String {
    tr_args(lang, key, &[])
}

/// The text of `key` in `lang` with its arguments: `tr_args(lang, k!("clause_n"),
/// &[("n", &3)])` for `clause_n = Pasal { $n }`.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let values: Vec<(&str, String)> = args.iter().map(|(n, v)| (*n, v.to_string())).collect();
    tr_values(lang, key, &values)
}

/// [`tr_args`] with the values already written out.
pub(crate) fn tr_values(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return format!("⟦{key}⟧");
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(value.clone()));
    }
    // A message shown without an argument keeps its place as `{name}`, for the page's
    // script to fill (relative times, counts of points while drawing).
    let mut names = BTreeSet::new();
    pattern_vars(pattern, &mut names);
    for name in names {
        if !args.iter().any(|(n, _)| *n == name) {
            fluent_args.set(name.clone(), FluentValue::from(format!("{{{name}}}")));
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, ?errors, "a message could not be formatted");
    }
    text.into_owned()
}

/// The names of the arguments a message's pattern takes.
pub(crate) fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn inline_vars(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        _ => {}
    }
}

/// The catalogue as templates see it: `{{ t.sign_in }}`, and for a message with
/// arguments `{{ t("clause_n", n=loop.index) }}`.
#[derive(Debug)]
pub struct Dict(pub Lang);

impl Object for Dict {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(Value::from(tr(self.0, key.as_str()?)))
    }

    fn call(
        self: &Arc<Self>,
        _state: &minijinja::State<'_, '_>,
        args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        let (key, kwargs): (&str, Kwargs) = minijinja::value::from_args(args)?;
        let mut values = Vec::new();
        for name in kwargs.args() {
            let value: Value = kwargs.get(name)?;
            values.push((name, value.to_string()));
        }
        kwargs.assert_all_used()?;
        Ok(Value::from(tr_values(self.0, key, &values)))
    }
}

/// A form's label for a field its own labels do not cover: the catalogue's name for it,
/// else "another field", never the internal key.
pub fn field_or_other(lang: Lang, field: &str) -> String {
    field_name(lang, field).unwrap_or_else(|| tr(lang, k!("field_other")))
}

/// The name of a field an error names (`title`, `parties[1]`, `attributes.count`), for
/// pages that show errors away from their form; `None` when there is no name for it in
/// the catalogue, so the message is shown alone rather than with an internal key.
pub fn field_name(lang: Lang, field: &str) -> Option<String> {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let key = match base {
        "title" => k!("title"),
        "description" => k!("description"),
        "occurred_at" => k!("occurred_at"),
        "sensitivity" => k!("sensitivity"),
        "type" => k!("type"),
        "status" => k!("status"),
        "note" => k!("note"),
        "location" | "geometry" => k!("location"),
        "region_code" => k!("region_code"),
        "attributes" => k!("attributes"),
        "parties" => k!("parties"),
        "valid_from" => k!("valid_from"),
        "valid_until" => k!("valid_until"),
        "clauses" => k!("clauses"),
        "number" => k!("agreement_number"),
        "legal_basis" => k!("legal_basis"),
        "username" => k!("username"),
        "password" => k!("password"),
        "display_name" => k!("display_name"),
        "role" | "roles" => k!("role"),
        "agency" => k!("agency"),
        "reason" => k!("reason"),
        "until" => k!("until"),
        "justification" => k!("eg_justification"),
        "name" => k!("w_name"),
        "kind" => k!("w_kind"),
        "action" => k!("w_action"),
        "outcome" => k!("w_outcome"),
        "shape" => k!("w_shape"),
        "region" => k!("w_region_code"),
        "radius_m" => k!("w_radius"),
        _ => return None,
    };
    Some(tr(lang, key))
}

/// Keys built at run time rather than written as `k!("…")`: each family is a prefix and
/// the codes it is completed with. Declared here, in one place, so the tests know them.
#[cfg(test)]
fn dynamic_keys() -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;

    /// Every message of one language: key → the names of its arguments.
    fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for (domain, id_src, en_src) in FILES {
            let src = lang.pick(id_src, en_src);
            let resource = fluent_syntax::parser::parse(src).unwrap_or_else(|(_, e)| {
                panic!("locales/{}/{domain}.ftl does not parse: {e:?}", lang.code())
            });
            for entry in &resource.body {
                match entry {
                    ast::Entry::Message(m) => {
                        let mut vars = BTreeSet::new();
                        if let Some(p) = &m.value {
                            pattern_vars(p, &mut vars);
                        }
                        for a in &m.attributes {
                            pattern_vars(&a.value, &mut vars);
                        }
                        let key = m.id.name.to_string();
                        assert!(
                            out.insert(key.clone(), vars).is_none(),
                            "{key} is twice in the {} catalogue",
                            lang.code()
                        );
                    }
                    ast::Entry::Junk { content } => {
                        panic!(
                            "locales/{}/{domain}.ftl: cannot read {content:?}",
                            lang.code()
                        )
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Every file under `dir` whose name ends in one of `exts`.
    pub(crate) fn sources(dir: &Path, exts: &[&str], out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                sources(&path, exts, out);
            } else if exts
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e))
            {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The keys the web crate's Rust code and templates use: `k!("key")`, `t.key` and
    /// `t("key"`, with where each is used.
    fn used_keys() -> BTreeMap<String, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &["rs"], &mut files);
        sources(&root.join("templates"), &["html"], &mut files);
        let mut used = BTreeMap::new();
        for (name, code, _) in coded_messages() {
            used.entry(code).or_insert(name);
        }
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        };
        for (name, src) in &files {
            if name.ends_with(".rs") {
                for (i, _) in src.match_indices("k!(\"") {
                    let key: String = src[i + 4..].chars().take_while(|c| *c != '"').collect();
                    if key != "key" && key != "…" {
                        used.entry(key).or_insert_with(|| name.clone());
                    }
                }
            } else {
                let bytes = src.as_bytes();
                for (i, _) in src.match_indices("t.") {
                    let before = if i == 0 { b' ' } else { bytes[i - 1] };
                    if before.is_ascii_alphanumeric() || before == b'_' || before == b'.' {
                        continue;
                    }
                    let key = ident(&src[i + 2..]);
                    if !key.is_empty() {
                        used.entry(key).or_insert_with(|| name.clone());
                    }
                }
                for (i, _) in src.match_indices("t(\"") {
                    let before = if i == 0 { b' ' } else { bytes[i - 1] };
                    if before.is_ascii_alphanumeric() || before == b'_' || before == b'.' {
                        continue;
                    }
                    used.entry(ident(&src[i + 3..]))
                        .or_insert_with(|| name.clone());
                }
            }
        }
        for key in dynamic_keys() {
            used.entry(key).or_insert_with(|| "dynamic_keys()".into());
        }
        used
    }

    /// The messages the domain and the use cases write by code: `msg!("code", "English")`
    /// in `crates/core`, `crates/app` and the web crate itself, as (file, code, English
    /// words).
    fn coded_messages() -> Vec<(String, String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("../core/src"), &["rs"], &mut files);
        sources(&root.join("../app/src"), &["rs"], &mut files);
        sources(&root.join("src"), &["rs"], &mut files);
        // The catalogue's own code and tests only speak of `msg!`.
        files.retain(|(name, _)| !name.contains("web/src/i18n/"));
        let mut out = Vec::new();
        for (name, src) in &files {
            for (i, _) in src.match_indices("msg!(") {
                let Some(rest) = src[i + 5..].trim_start().strip_prefix('"') else {
                    continue;
                };
                let code: String = rest.chars().take_while(|c| *c != '"').collect();
                let after = rest[code.len() + 1..].trim_start();
                let Some(after) = after.strip_prefix(',') else {
                    continue;
                };
                let Some(lit) = after.trim_start().strip_prefix('"') else {
                    continue;
                };
                let mut english = String::new();
                let mut chars = lit.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => english.extend(chars.next()),
                        c => english.push(c),
                    }
                }
                // The words are a format string: `{{` and `}}` are its braces.
                let english = english.replace("{{", "{").replace("}}", "}");
                out.push((name.clone(), code, english));
            }
        }
        out
    }

    /// A message written by code has the same English words in the domain (for the API)
    /// as in the catalogue, and takes the same arguments.
    #[test]
    fn coded_messages_say_the_same_in_the_domain_and_the_catalogue() {
        let found = coded_messages();
        assert!(
            found.len() > 20,
            "the scan found only {} messages",
            found.len()
        );
        let differ: Vec<String> = found
            .into_iter()
            .filter(|(_, code, english)| tr(Lang::En, code) != *english)
            .map(|(name, code, english)| {
                format!("{name}: {code}: {english:?} ≠ {:?}", tr(Lang::En, &code))
            })
            .collect();
        assert!(differ.is_empty(), "English words differ: {differ:#?}");
    }

    /// Every key in use is in the catalogue, in both languages.
    #[test]
    fn every_used_key_is_in_both_languages() {
        let (id, en) = (messages(Lang::Id), messages(Lang::En));
        let missing: Vec<String> = used_keys()
            .into_iter()
            .filter(|(k, _)| !id.contains_key(k) || !en.contains_key(k))
            .map(|(k, at)| format!("{at}: {k}"))
            .collect();
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }

    /// Both languages have the same keys, none of them empty.
    #[test]
    fn both_languages_have_the_same_keys() {
        let (id, en) = (messages(Lang::Id), messages(Lang::En));
        let only_id: Vec<_> = id.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !id.contains_key(*k)).collect();
        assert!(only_id.is_empty(), "keys without English: {only_id:?}");
        assert!(
            only_en.is_empty(),
            "keys without Bahasa Indonesia: {only_en:?}"
        );
        for lang in Lang::ALL {
            for key in id.keys() {
                assert!(
                    !tr(lang, key).trim().is_empty(),
                    "{key} is empty in {lang:?}"
                );
            }
        }
    }

    /// A message takes the same arguments in both languages.
    #[test]
    fn both_languages_take_the_same_arguments() {
        let (id, en) = (messages(Lang::Id), messages(Lang::En));
        let differ: Vec<String> = id
            .iter()
            .filter_map(|(k, vars)| {
                let other = en.get(k)?;
                (other != vars).then(|| format!("{k}: id {vars:?}, en {other:?}"))
            })
            .collect();
        assert!(differ.is_empty(), "arguments differ: {differ:#?}");
    }

    /// Every key in the catalogue is used somewhere (or declared in [`dynamic_keys`]).
    #[test]
    fn every_key_in_the_catalogue_is_used() {
        let used = used_keys();
        let unused: Vec<String> = messages(Lang::Id)
            .into_keys()
            .filter(|k| !used.contains_key(k))
            .collect();
        assert!(unused.is_empty(), "keys nothing uses: {unused:#?}");
    }

    #[test]
    fn messages_take_arguments() {
        assert_eq!(tr(Lang::En, "nav_map"), "Map");
        assert_eq!(tr(Lang::Id, "no-such-key"), "⟦no-such-key⟧");
        assert_eq!(
            tr_args(Lang::En, k!("login_throttled"), &[("n", &15)]),
            "Too many failed attempts. Try again in 15 minutes."
        );
    }
}
