//! A form version's questions as a person reads them (ADR 37): the XForm's body walked
//! into groups, repeats and questions with their labels and hints in one language, their
//! choices from the secondary instances, and whether an answer is required. The printable
//! paper form and the page on which a paper form is typed in are drawn from it; answers
//! typed in are written back as an instance ([`instance_xml`]) and read like any device's.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::Message;
use crate::form::media::MediaKind;
use crate::submission::{tree, Element, FieldType, Schema};

/// What a question asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Group,
    Repeat,
    /// A typed answer (`text`, `integer`, `decimal`, `date`, `geopoint` …).
    Input(FieldType),
    SelectOne,
    SelectMultiple,
    /// A photo (`image`).
    Upload,
    /// A note or a read-only question: nothing to answer.
    Note,
    /// An acknowledgement (`OK`).
    Trigger,
}

/// A group, repeat or question of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its path under the instance's root (`lokasi/desa`), as in [`Schema`].
    pub path: String,
    pub kind: Kind,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    /// Shown only when its `relevant` expression holds (kept as written).
    pub relevant: Option<String>,
    /// An answer must satisfy this `constraint` expression (kept as written; `.` is the
    /// answer).
    pub constraint: Option<String>,
    /// What to say when the constraint does not hold, in the reader's language.
    pub constraint_message: Option<String>,
    /// (value, label) of a select's choices, in the list's order. A `choice_filter` is
    /// not applied: paper shows every choice.
    pub choices: Vec<(String, String)>,
    /// The select's `choice_filter`, as the XForm's itemset predicate (kept as written:
    /// a bare name is a column of the choice, a path an answer); the phone app applies it.
    pub choice_filter: Option<String>,
    /// The columns of each choice (`name` and the list's extra columns), in the order of
    /// `choices`: what a `choice_filter` reads.
    pub choice_columns: Vec<Vec<(String, String)>>,
    /// The media files its label shows in the reader's language (a picture, a sound, a
    /// video), by the names the form's version carries (ADR 40).
    pub media: Vec<(MediaKind, String)>,
    pub children: Vec<Item>,
}

/// A form version's questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub title: String,
    /// The language the texts were read in (`Bahasa Indonesia (id)`), when the form has
    /// several.
    pub language: Option<String>,
    /// The primary instance's root element (`data`): expressions name questions as
    /// `/{root}/{path}`.
    pub root: String,
    pub items: Vec<Item>,
    /// The calculated values (`calculate` binds outside `meta`): (path, expression).
    pub calculations: Vec<(String, String)>,
}

fn bad() -> Message {
    crate::msg!("xform-unreadable", "the form's XForm cannot be read")
}

fn child<'a>(el: &'a Element, name: &str) -> Option<&'a Element> {
    el.children.iter().find(|c| c.name == name)
}

/// An element's text with `<output/>` references shown as `…`.
fn rich(el: &Element) -> String {
    let mut s = el.text.clone();
    for c in &el.children {
        if c.name == "output" {
            s.push('…');
        }
        s.push_str(&rich(c));
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (name, label or itext id, whether an itext id, the columns).
type ListItem = (String, String, bool, Vec<(String, String)>);

struct Reader<'a> {
    root: String,
    /// itext id → text, in the chosen language.
    itext: BTreeMap<String, String>,
    /// itext id → the media files of the text, in the chosen language.
    itext_media: BTreeMap<String, Vec<(MediaKind, String)>>,
    /// Secondary instances by id: their items' (name, label or itext id, whether an
    /// itext id, every child's text by element name).
    lists: BTreeMap<String, Vec<ListItem>>,
    binds: BTreeMap<String, &'a Element>,
}

impl Reader<'_> {
    fn text_of(&self, el: Option<&Element>) -> Option<String> {
        let el = el?;
        if let Some(r) = el.attr("ref") {
            let id = r
                .strip_prefix("jr:itext('")
                .and_then(|s| s.strip_suffix("')"))?;
            return self.itext.get(id).cloned();
        }
        let t = rich(el);
        (!t.is_empty()).then_some(t)
    }

    /// The path under the root of an absolute `ref`/`nodeset`.
    fn rel(&self, abs: &str) -> String {
        abs.strip_prefix(&format!("/{}/", self.root))
            .unwrap_or(abs)
            .to_string()
    }

    fn choices(&self, el: &Element) -> Vec<(String, String)> {
        if let Some(set) = child(el, "itemset") {
            let nodeset = set.attr("nodeset").unwrap_or("");
            let list = nodeset
                .strip_prefix("instance('")
                .and_then(|s| s.split_once("')"))
                .map(|(l, _)| l)
                .unwrap_or("");
            return self
                .lists
                .get(list)
                .map(|items| {
                    items
                        .iter()
                        .map(|(name, label, itext, _)| {
                            let text = if *itext {
                                self.itext
                                    .get(label)
                                    .cloned()
                                    .unwrap_or_else(|| name.clone())
                            } else {
                                label.clone()
                            };
                            (name.clone(), text)
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        el.children
            .iter()
            .filter(|c| c.name == "item")
            .filter_map(|item| {
                let value = child(item, "value")?.text.trim().to_string();
                let label = self
                    .text_of(child(item, "label"))
                    .unwrap_or_else(|| value.clone());
                Some((value, label))
            })
            .collect()
    }

    fn items(&self, el: &Element) -> Vec<Item> {
        let mut out = Vec::new();
        for c in &el.children {
            if let Some(item) = self.item(c) {
                out.push(item);
            }
        }
        out
    }

    fn item(&self, el: &Element) -> Option<Item> {
        let (abs, kind) = match el.name.as_str() {
            "group" => {
                // A repeat is written as a group holding the repeat (its label).
                if let Some(rep) = child(el, "repeat") {
                    let abs = rep.attr("nodeset")?.to_string();
                    let mut item = self.base(&abs, Kind::Repeat, el);
                    item.children = self.items(rep);
                    return Some(item);
                }
                match el.attr("ref") {
                    Some(r) => (r.to_string(), Kind::Group),
                    // A group without a ref only lays its children out.
                    None => {
                        let mut item = self.base("", Kind::Group, el);
                        item.children = self.items(el);
                        return Some(item);
                    }
                }
            }
            "repeat" => {
                let abs = el.attr("nodeset")?.to_string();
                let mut item = self.base(&abs, Kind::Repeat, el);
                item.children = self.items(el);
                return Some(item);
            }
            "input" | "range" => {
                let r = el.attr("ref")?.to_string();
                let bind = self.binds.get(&r);
                let readonly = bind.and_then(|b| b.attr("readonly")) == Some("true()");
                let t = bind
                    .and_then(|b| b.attr("type"))
                    .map(FieldType::of_bind)
                    .unwrap_or(FieldType::Text);
                (r, if readonly { Kind::Note } else { Kind::Input(t) })
            }
            "select1" => (el.attr("ref")?.to_string(), Kind::SelectOne),
            "select" => (el.attr("ref")?.to_string(), Kind::SelectMultiple),
            "upload" => (el.attr("ref")?.to_string(), Kind::Upload),
            "trigger" => (el.attr("ref")?.to_string(), Kind::Trigger),
            _ => return None,
        };
        let mut item = self.base(&abs, kind, el);
        match item.kind {
            Kind::Group => item.children = self.items(el),
            Kind::SelectOne | Kind::SelectMultiple => {
                item.choices = self.choices(el);
                if let Some((list, filter)) = child(el, "itemset")
                    .and_then(|set| set.attr("nodeset"))
                    .and_then(itemset_filter)
                {
                    item.choice_columns = self
                        .lists
                        .get(list)
                        .map(|items| items.iter().map(|i| i.3.clone()).collect())
                        .unwrap_or_default();
                    item.choice_filter = filter.map(str::to_string);
                }
            }
            _ => {}
        }
        Some(item)
    }

    fn base(&self, abs: &str, kind: Kind, el: &Element) -> Item {
        let bind = self.binds.get(abs);
        Item {
            path: self.rel(abs),
            kind,
            label: self.text_of(child(el, "label")).unwrap_or_default(),
            hint: self.text_of(child(el, "hint")),
            required: bind.and_then(|b| b.attr("required")) == Some("true()"),
            relevant: bind.and_then(|b| b.attr("relevant")).map(str::to_string),
            constraint: bind.and_then(|b| b.attr("constraint")).map(str::to_string),
            constraint_message: bind.and_then(|b| b.attr("constraintMsg")).and_then(|m| {
                match m
                    .strip_prefix("jr:itext('")
                    .and_then(|s| s.strip_suffix("')"))
                {
                    Some(id) => self.itext.get(id).cloned(),
                    None => Some(m.to_string()),
                }
            }),
            choices: Vec::new(),
            choice_filter: None,
            choice_columns: Vec::new(),
            media: child(el, "label")
                .and_then(|l| l.attr("ref"))
                .and_then(|r| r.strip_prefix("jr:itext('"))
                .and_then(|r| r.strip_suffix("')"))
                .and_then(|id| self.itext_media.get(id))
                .cloned()
                .unwrap_or_default(),
            children: Vec::new(),
        }
    }
}

/// The list of an itemset's nodeset, `instance('list')/root/item[predicate]`, and its
/// predicate if any.
fn itemset_filter(nodeset: &str) -> Option<(&str, Option<&str>)> {
    let rest = nodeset.strip_prefix("instance('")?;
    let (list, rest) = rest.split_once("')")?;
    let rest = rest.trim().strip_prefix("/root/item")?.trim();
    let filter = rest
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .map(str::trim)
        .filter(|f| !f.is_empty());
    Some((list, filter))
}

/// The language of `languages` to read for a reader of `lang` (`id`, `en`): the one
/// whose name ends in `(lang)`, else the first.
fn pick_language<'a>(languages: &[&'a str], lang: &str) -> Option<&'a str> {
    let tag = format!("({lang})");
    languages
        .iter()
        .find(|l| l.trim_end().ends_with(&tag))
        .or_else(|| languages.first())
        .copied()
}

impl Questionnaire {
    /// Reads a version's XForm, with texts in the language for a reader of `lang`.
    pub fn of_xform(xml: &str, lang: &str) -> Result<Questionnaire, Message> {
        let html = tree(xml)?;
        let head = child(&html, "head").ok_or_else(bad)?;
        let body = child(&html, "body").ok_or_else(bad)?;
        let title = child(head, "title")
            .map(|t| t.text.trim().to_string())
            .unwrap_or_default();
        let model = child(head, "model").ok_or_else(bad)?;
        let mut primary = None;
        let mut lists = BTreeMap::new();
        let mut binds = BTreeMap::new();
        let mut translations = Vec::new();
        for c in &model.children {
            match c.name.as_str() {
                "instance" => match c.attr("id") {
                    None if primary.is_none() => primary = c.children.first(),
                    Some(id) => {
                        let items = c
                            .children
                            .first()
                            .map(|root| {
                                root.children
                                    .iter()
                                    .filter_map(|it| {
                                        let name = child(it, "name")?.text.trim().to_string();
                                        let columns: Vec<(String, String)> = it
                                            .children
                                            .iter()
                                            .filter(|c| {
                                                !matches!(c.name.as_str(), "label" | "itextId")
                                            })
                                            .map(|c| (c.name.clone(), c.text.trim().to_string()))
                                            .collect();
                                        Some(match child(it, "itextId") {
                                            Some(t) => {
                                                (name, t.text.trim().to_string(), true, columns)
                                            }
                                            None => {
                                                let label = child(it, "label")
                                                    .map(|l| l.text.trim().to_string())
                                                    .unwrap_or_else(|| name.clone());
                                                (name, label, false, columns)
                                            }
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        lists.insert(id.to_string(), items);
                    }
                    None => {}
                },
                "bind" => {
                    if let Some(n) = c.attr("nodeset") {
                        binds.insert(n.to_string(), c);
                    }
                }
                "itext" => {
                    translations.extend(c.children.iter().filter(|t| t.name == "translation"))
                }
                _ => {}
            }
        }
        let root = primary.ok_or_else(bad)?.name.clone();
        let names: Vec<&str> = translations.iter().filter_map(|t| t.attr("lang")).collect();
        let language = pick_language(&names, lang).map(str::to_string);
        let mut itext = BTreeMap::new();
        let mut itext_media = BTreeMap::new();
        if let Some(t) = translations
            .iter()
            .find(|t| t.attr("lang") == language.as_deref())
        {
            for text in t.children.iter().filter(|x| x.name == "text") {
                let Some(id) = text.attr("id") else { continue };
                // The plain value, not an image's or audio's.
                if let Some(v) = text
                    .children
                    .iter()
                    .find(|v| v.name == "value" && v.attr("form").is_none())
                {
                    itext.insert(id.to_string(), rich(v));
                }
                let media: Vec<(MediaKind, String)> = text
                    .children
                    .iter()
                    .filter(|v| v.name == "value")
                    .filter_map(|v| {
                        let kind = match v.attr("form")? {
                            "image" => MediaKind::Image,
                            "audio" => MediaKind::Audio,
                            "video" => MediaKind::Video,
                            _ => return None,
                        };
                        let uri = v.text.trim();
                        let name = uri.strip_prefix("jr://")?.split_once('/')?.1;
                        Some((kind, name.to_string()))
                    })
                    .collect();
                if !media.is_empty() {
                    itext_media.insert(id.to_string(), media);
                }
            }
        }
        let r = Reader {
            root: root.clone(),
            itext,
            itext_media,
            lists,
            binds,
        };
        let calculations = r
            .binds
            .iter()
            .filter_map(|(abs, b)| Some((r.rel(abs), b.attr("calculate")?.to_string())))
            .filter(|(path, _)| !path.starts_with("meta/") && !path.starts_with('/'))
            .collect();
        Ok(Questionnaire {
            title,
            language,
            items: r.items(body),
            root,
            calculations,
        })
    }

    /// Every question that takes an answer, depth first, with the repeat it is in.
    pub fn questions(&self) -> Vec<(&Item, Option<&Item>)> {
        fn walk<'a>(
            items: &'a [Item],
            rep: Option<&'a Item>,
            out: &mut Vec<(&'a Item, Option<&'a Item>)>,
        ) {
            for i in items {
                match i.kind {
                    Kind::Group => walk(&i.children, rep, out),
                    Kind::Repeat => walk(&i.children, Some(i), out),
                    Kind::Note => {}
                    _ => out.push((i, rep)),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, None, &mut out);
        out
    }
}

/// An element of the instance being written: a question's answer, or a group or repeat
/// entry with its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: Option<String>,
    children: Vec<Node>,
}

impl Node {
    fn child_mut(&mut self, name: &str) -> &mut Node {
        if let Some(i) = self.children.iter().position(|c| c.name == name) {
            return &mut self.children[i];
        }
        self.children.push(Node {
            name: name.to_string(),
            ..Node::default()
        });
        self.children.last_mut().expect("just pushed")
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        if self.children.is_empty() && self.text.as_deref().is_none_or(str::is_empty) {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(t) = &self.text {
            out.push_str(&quick_xml::escape::escape(t.as_str()));
        }
        for c in &self.children {
            c.write(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

fn unknown_answer(at: &str) -> Message {
    crate::msg!(
        "answer-unknown-question",
        "{path} is not a question of this form version",
        path = at
    )
}

fn answer_text(at: &str, v: &Value) -> Result<Option<String>, Message> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Array(items) => {
            // A select_multiple's choices, space-separated in the instance.
            let mut parts = Vec::new();
            for i in items {
                match i {
                    Value::String(s) if !s.trim().is_empty() => parts.push(s.trim().to_string()),
                    _ => {
                        return Err(crate::msg!(
                            "answer-not-text",
                            "the answer to {path} must be text",
                            path = at
                        ))
                    }
                }
            }
            Ok(Some(parts.join(" ")).filter(|s| !s.is_empty()))
        }
        Value::Object(_) => Err(crate::msg!(
            "answer-not-text",
            "the answer to {path} must be text",
            path = at
        )),
    }
}

/// Writes answers given as [`crate::submission::Instance::data`] shows them — one key per
/// question's path, a repeat as an array of objects keyed by paths under the repeat — as
/// an instance of the version `schema` describes, with `instance_id`. Each answer is then
/// checked like a device's by [`crate::submission::read_instance`].
pub fn instance_xml(
    schema: &Schema,
    answers: &Map<String, Value>,
    instance_id: &str,
) -> Result<String, Message> {
    for (k, v) in answers {
        let known = schema.fields.contains_key(k) || schema.repeats.contains(k);
        if !known || k.starts_with("meta/") || (schema.repeats.contains(k) && !v.is_array()) {
            return Err(unknown_answer(k));
        }
    }
    let mut root = Node {
        name: schema.root.clone(),
        ..Node::default()
    };
    // Elements in the form's order, so that the instance reads as a device writes it.
    fn place(
        node: &mut Node,
        schema: &Schema,
        base: &str,
        answers: &Map<String, Value>,
        rel_base: &str,
    ) -> Result<(), Message> {
        let prefix = if base.is_empty() {
            String::new()
        } else {
            format!("{base}/")
        };
        let mut seen: Vec<String> = Vec::new();
        for p in &schema.order {
            let Some(rest) = p.strip_prefix(&prefix) else {
                continue;
            };
            let first = rest.split('/').next().unwrap_or(rest);
            if seen.iter().any(|s| s == first) {
                continue;
            }
            seen.push(first.to_string());
            let path = format!("{prefix}{first}");
            if path == "meta" {
                continue;
            }
            let key = path
                .strip_prefix(&format!("{rel_base}/"))
                .unwrap_or(&path)
                .to_string();
            if schema.repeats.contains(&path) {
                let entries = answers
                    .get(&key)
                    .and_then(|v| v.as_array())
                    .cloned()
                    .unwrap_or_default();
                for (i, e) in entries.iter().enumerate() {
                    let Value::Object(e) = e else {
                        return Err(unknown_answer(&format!("{key}[{}]", i + 1)));
                    };
                    for k in e.keys() {
                        let full = format!("{path}/{k}");
                        if !schema.fields.contains_key(&full) && !schema.repeats.contains(&full) {
                            return Err(unknown_answer(&full));
                        }
                    }
                    let mut entry = Node {
                        name: first.to_string(),
                        ..Node::default()
                    };
                    place(&mut entry, schema, &path, e, &path)?;
                    node.children.push(entry);
                }
            } else if schema.fields.contains_key(&path) {
                let text = match answers.get(&key) {
                    Some(v) => answer_text(&key, v)?,
                    None => None,
                };
                node.children.push(Node {
                    name: first.to_string(),
                    text,
                    children: Vec::new(),
                });
            } else {
                let group = node.child_mut(first);
                place(group, schema, &path, answers, rel_base)?;
            }
        }
        Ok(())
    }
    place(&mut root, schema, "", answers, "")?;
    let meta = root.child_mut("meta");
    meta.child_mut("instanceID").text = Some(instance_id.to_string());
    let mut xml = String::new();
    xml.push('<');
    xml.push_str(&schema.root);
    xml.push_str(&format!(
        " xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" id=\"{}\"",
        quick_xml::escape::escape(schema.id.as_str())
    ));
    if let Some(v) = &schema.version {
        xml.push_str(&format!(
            " version=\"{}\"",
            quick_xml::escape::escape(v.as_str())
        ));
    }
    xml.push('>');
    for c in &root.children {
        c.write(&mut xml);
    }
    xml.push_str("</");
    xml.push_str(&schema.root);
    xml.push('>');
    Ok(xml)
}

#[cfg(test)]
mod tests;
