//! Writing a checked [`Form`] as an ODK XForm, in the shape `pyxform` produces: the
//! primary instance, a secondary instance per list of choices (selects use itemsets, so a
//! `choice_filter` is a predicate), binds, itext translations when the form has
//! languages, and the body.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::expr::{substitute, Place};
use super::form::{is_xml_name, texts, yes_no, Choice, Form, Kind, Node};
use super::media;

struct Itext {
    /// Per language, the texts in document order.
    entries: Vec<(String, Vec<Entry>)>,
    /// A form without languages whose labels carry media: only the labels with media
    /// (and the lists with any) are translations, in one language `default`, the rest
    /// stays inline, as pyxform writes it.
    media_only: bool,
    /// The language the media columns without one belong to.
    plain_language: Option<String>,
}

/// One text of a translation: its plain value (none for a media-only label without
/// text) and its media values (form, `jr://` URI).
struct Entry {
    id: String,
    text: Option<String>,
    media: Vec<(&'static str, String)>,
}

/// Label text with `${name}` shown as `<output value="path"/>`, the path relative to
/// `place` within a repeat (see [`substitute`]).
fn rich_text(text: &str, paths: &BTreeMap<String, String>, place: Option<&Place>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&escape(&rest[..at]));
        match rest[at + 2..].find('}') {
            Some(end) => {
                let path = substitute(&rest[at..at + 3 + end], paths, place);
                let _ = write!(out, "<output value=\"{}\"/>", escape(&path));
                rest = &rest[at + 3 + end..];
            }
            None => {
                out.push_str(&escape(&rest[at..]));
                rest = "";
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

impl Itext {
    /// Adds the texts of `base` of a row under `id` — with the row's media when
    /// `with_media` (labels) — with references written from `place`, and says whether
    /// there was any. In a media-only form only a label with media is added, or any
    /// label when `always` (the choices of a list with media).
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        id: &str,
        cells: &BTreeMap<String, String>,
        base: &str,
        langs: &[String],
        paths: &BTreeMap<String, String>,
        place: Option<&Place>,
        with_media: bool,
        always: bool,
    ) -> bool {
        let t = texts(cells, base);
        if self.media_only {
            let m = if with_media {
                media::of(cells, None, true)
            } else {
                Vec::new()
            };
            if !with_media || (m.is_empty() && !always) {
                return false;
            }
            let text = t.get(&None).map(|x| rich_text(x, paths, place));
            if let Some((_, entries)) = self.entries.first_mut() {
                entries.push(Entry {
                    id: id.to_string(),
                    text,
                    media: m,
                });
            }
            return true;
        }
        let any_media = with_media && media::any(cells);
        if t.is_empty() && !any_media {
            return false;
        }
        for (lang, entries) in &mut self.entries {
            let text = t
                .get(&Some(lang.as_str()))
                .or_else(|| (lang == &langs[0]).then(|| t.get(&None)).flatten())
                .or_else(|| t.get(&None))
                .copied()
                .unwrap_or("-");
            let media = if with_media {
                media::of(
                    cells,
                    Some(lang.as_str()),
                    self.plain_language.as_deref() == Some(lang.as_str()),
                )
            } else {
                Vec::new()
            };
            entries.push(Entry {
                id: id.to_string(),
                text: Some(rich_text(text, paths, place)),
                media,
            });
        }
        true
    }

    /// Whether a list's choices are translations: in a form with languages always, in a
    /// media-only form when a choice has media.
    fn translates(&self, choices: &[Choice]) -> bool {
        !self.media_only || choices.iter().any(|c| media::any(&c.cells))
    }
}

fn bind_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Integer => "int",
        Kind::Decimal => "decimal",
        Kind::Date | Kind::Today => "date",
        Kind::Time => "time",
        Kind::DateTime | Kind::Start | Kind::End => "dateTime",
        Kind::Geopoint => "geopoint",
        Kind::Geotrace => "geotrace",
        Kind::Geoshape => "geoshape",
        Kind::Image => "binary",
        _ => "string",
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, " {name}=\"{}\"", escape(value));
}

struct Writer<'a> {
    form: &'a Form,
    itext: Option<Itext>,
    binds: String,
    body: String,
    used_lists: Vec<String>,
    /// The paths of the repeats, for references relative within a repeat.
    repeats: BTreeSet<String>,
}

impl Writer<'_> {
    fn place<'a>(&'a self, node: &'a Node, current: bool) -> Place<'a> {
        Place {
            at: &node.path,
            repeats: &self.repeats,
            current,
        }
    }

    /// An expression of `node`'s row.
    fn expr(&self, node: &Node, text: &str) -> String {
        substitute(text, &self.form.paths, Some(&self.place(node, false)))
    }

    /// `<label>` (or `<hint>`) of a row: a reference to itext, or inline.
    fn text_element(&mut self, element: &str, id: &str, node: &Node, base: &str) -> String {
        let langs = self.form.languages.clone();
        let place = Place {
            at: &node.path,
            repeats: &self.repeats,
            current: false,
        };
        if let Some(it) = &mut self.itext {
            if it.add(
                id,
                &node.cells,
                base,
                &langs,
                &self.form.paths,
                Some(&place),
                base == "label",
                false,
            ) {
                return format!("<{element} ref=\"jr:itext('{}')\"/>", escape(id));
            }
            if !it.media_only {
                return String::new();
            }
        }
        match texts(&node.cells, base).get(&None) {
            Some(t) => format!(
                "<{element}>{}</{element}>",
                rich_text(t, &self.form.paths, Some(&place))
            ),
            None => String::new(),
        }
    }

    /// Whether the items of a list carry itext ids rather than labels.
    fn list_translated(&self, list: &str) -> bool {
        self.itext.as_ref().is_some_and(|it| {
            it.translates(self.form.lists.get(list).map(Vec::as_slice).unwrap_or(&[]))
        })
    }

    fn instance(&self, node: &Node, out: &mut String) {
        for child in &node.children {
            match child.kind {
                Kind::BeginGroup => {
                    let _ = write!(out, "<{}>", child.name);
                    self.instance(child, out);
                    let _ = write!(out, "</{}>", child.name);
                }
                Kind::BeginRepeat => {
                    let _ = write!(out, "<{} jr:template=\"\">", child.name);
                    self.instance(child, out);
                    let _ = write!(out, "</{}><{}>", child.name, child.name);
                    self.instance(child, out);
                    let _ = write!(out, "</{}>", child.name);
                }
                _ => match child.get("default").filter(|d| !d.contains("${")) {
                    Some(d) => {
                        let _ = write!(out, "<{}>{}</{}>", child.name, escape(d), child.name);
                    }
                    None => {
                        let _ = write!(out, "<{}/>", child.name);
                    }
                },
            }
        }
    }

    fn bind(&mut self, node: &Node) {
        let mut b = String::from("<bind");
        attr(&mut b, "nodeset", &node.path);
        let bare = b.len();
        let container = node.kind.is_container();
        if !container {
            attr(&mut b, "type", bind_type(&node.kind));
        }
        if let Some(r) = node.get("required") {
            match yes_no(r) {
                Some(true) => attr(&mut b, "required", "true()"),
                Some(false) => {}
                None => attr(&mut b, "required", &self.expr(node, r)),
            }
        }
        if let Some(r) = node.get("relevant") {
            attr(&mut b, "relevant", &self.expr(node, r));
        }
        if let Some(c) = node.get("constraint") {
            attr(&mut b, "constraint", &self.expr(node, c));
            let id = format!("{}:jr:constraintMsg", node.path);
            let langs = self.form.languages.clone();
            let place = Place {
                at: &node.path,
                repeats: &self.repeats,
                current: false,
            };
            let paths = &self.form.paths;
            match &mut self.itext {
                Some(it) if !it.media_only => {
                    if it.add(
                        &id,
                        &node.cells,
                        "constraint_message",
                        &langs,
                        paths,
                        Some(&place),
                        false,
                        false,
                    ) {
                        attr(&mut b, "jr:constraintMsg", &format!("jr:itext('{id}')"));
                    }
                }
                _ => {
                    if let Some(m) = node.get("constraint_message") {
                        attr(&mut b, "jr:constraintMsg", m);
                    }
                }
            }
        }
        if let Some(c) = node.get("calculation") {
            attr(&mut b, "calculate", &self.expr(node, c));
        }
        let read_only =
            node.kind == Kind::Note || node.get("read_only").and_then(yes_no).unwrap_or(false);
        if read_only {
            attr(&mut b, "readonly", "true()");
        }
        let preload = match node.kind {
            Kind::Start => Some(("timestamp", "start")),
            Kind::End => Some(("timestamp", "end")),
            Kind::Today => Some(("date", "today")),
            Kind::DeviceId => Some(("property", "deviceid")),
            _ => None,
        };
        if let Some((p, params)) = preload {
            attr(&mut b, "jr:preload", p);
            attr(&mut b, "jr:preloadParams", params);
        }
        b.push_str("/>");
        // A group or repeat has a bind when its row gives it any (relevant, constraint, …).
        if !container || b.len() > bare + 2 {
            self.binds.push_str(&b);
        }
    }

    fn body(&mut self, node: &Node) {
        for child in &node.children {
            self.bind(child);
            let path = child.path.clone();
            let label = self.text_element("label", &format!("{path}:label"), child, "label");
            // A group's hint has its translations but is not shown, as pyxform writes it.
            let mut hint = self.text_element("hint", &format!("{path}:hint"), child, "hint");
            if child.kind.is_container() {
                hint.clear();
            }
            let open = |element: &str, extra: &str| {
                let mut s = format!("<{element}");
                attr(&mut s, "ref", &path);
                if let Some(a) = child.get("appearance") {
                    attr(&mut s, "appearance", a);
                }
                s.push_str(extra);
                s.push('>');
                s.push_str(&label);
                s.push_str(&hint);
                s
            };
            match &child.kind {
                Kind::Calculate | Kind::Start | Kind::End | Kind::Today | Kind::DeviceId => {}
                Kind::BeginGroup => {
                    let s = open("group", "");
                    self.body.push_str(&s);
                    self.body(child);
                    self.body.push_str("</group>");
                }
                Kind::BeginRepeat => {
                    let mut s = format!("<group ref=\"{}\">{label}", escape(&path));
                    s.push_str("<repeat");
                    attr(&mut s, "nodeset", &path);
                    if let Some(a) = child.get("appearance") {
                        attr(&mut s, "appearance", a);
                    }
                    s.push('>');
                    self.body.push_str(&s);
                    self.body(child);
                    self.body.push_str("</repeat></group>");
                }
                Kind::Image => {
                    let s = open("upload", " mediatype=\"image/*\"");
                    self.body.push_str(&s);
                    self.body.push_str("</upload>");
                }
                Kind::Acknowledge => {
                    let s = open("trigger", "");
                    self.body.push_str(&s);
                    self.body.push_str("</trigger>");
                }
                Kind::SelectOne(list) | Kind::SelectMultiple(list) => {
                    let element = if matches!(child.kind, Kind::SelectOne(_)) {
                        "select1"
                    } else {
                        "select"
                    };
                    let mut s = open(element, "");
                    let filter = child
                        .get("choice_filter")
                        .map(|f| {
                            let place = self.place(child, true);
                            format!("[{}]", substitute(f, &self.form.paths, Some(&place)))
                        })
                        .unwrap_or_default();
                    let _ = write!(
                        s,
                        "<itemset nodeset=\"{}\"><value ref=\"name\"/><label ref=\"{}\"/></itemset></{element}>",
                        escape(format!("instance('{list}')/root/item{filter}").as_str()),
                        if self.list_translated(list) { "jr:itext(itextId)" } else { "label" }
                    );
                    self.body.push_str(&s);
                    if !self.used_lists.contains(list) {
                        self.used_lists.push(list.clone());
                    }
                }
                _ => {
                    let s = open("input", "");
                    self.body.push_str(&s);
                    self.body.push_str("</input>");
                }
            }
        }
    }
}

/// The XForm of a checked form.
pub(super) fn generate(form: &Form) -> String {
    let media_only = form.languages.is_empty() && has_media(form);
    let itext = (!form.languages.is_empty() || media_only).then(|| Itext {
        entries: if media_only {
            vec![("default".to_string(), Vec::new())]
        } else {
            form.languages
                .iter()
                .map(|l| (l.clone(), Vec::new()))
                .collect()
        },
        media_only,
        plain_language: form.plain_language.clone(),
    });
    let mut w = Writer {
        form,
        itext,
        binds: String::new(),
        body: String::new(),
        used_lists: Vec::new(),
        repeats: BTreeSet::new(),
    };
    fn repeats(node: &Node, out: &mut BTreeSet<String>) {
        for child in &node.children {
            if child.kind == Kind::BeginRepeat {
                out.insert(child.path.clone());
            }
            repeats(child, out);
        }
    }
    repeats(&form.root, &mut w.repeats);
    w.body(&form.root);
    w.binds.push_str(
        "<bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\" jr:preload=\"uid\"/>",
    );

    // Secondary instances, one per list a select uses.
    let mut secondary = String::new();
    let langs = form.languages.clone();
    for list in w.used_lists.clone() {
        let translated = w.list_translated(&list);
        let _ = write!(secondary, "<instance id=\"{}\"><root>", escape(&list));
        for (i, choice) in form.lists.get(&list).into_iter().flatten().enumerate() {
            secondary.push_str("<item>");
            match &mut w.itext {
                Some(it) if translated => {
                    let id = format!("{list}-{i}");
                    it.add(
                        &id,
                        &choice.cells,
                        "label",
                        &langs,
                        &form.paths,
                        None,
                        true,
                        true,
                    );
                    let _ = write!(secondary, "<itextId>{}</itextId>", escape(&id));
                }
                _ => {
                    let label = texts(&choice.cells, "label")
                        .get(&None)
                        .copied()
                        .unwrap_or("");
                    let _ = write!(secondary, "<label>{}</label>", escape(label));
                }
            }
            let _ = write!(secondary, "<name>{}</name>", escape(&choice.name));
            for (k, v) in &choice.cells {
                let base = k.split("::").next().unwrap_or(k);
                if matches!(
                    base,
                    "list_name"
                        | "name"
                        | "label"
                        | "media"
                        | "image"
                        | "big-image"
                        | "audio"
                        | "video"
                ) || !is_xml_name(k)
                {
                    continue;
                }
                let _ = write!(secondary, "<{k}>{}</{k}>", escape(v));
            }
            secondary.push_str("</item>");
        }
        secondary.push_str("</root></instance>");
    }

    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:ev=\"http://www.w3.org/2001/xml-events\" xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:odk=\"http://www.opendatakit.org/xforms\" xmlns:orx=\"http://openrosa.org/xforms\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">");
    let _ = write!(
        x,
        "<h:head><h:title>{}</h:title><model odk:xforms-version=\"1.0.0\">",
        escape(&form.title)
    );
    if let Some(it) = &w.itext {
        x.push_str("<itext>");
        for (i, (lang, entries)) in it.entries.iter().enumerate() {
            let _ = write!(x, "<translation lang=\"{}\"", escape(lang));
            if i == 0 {
                x.push_str(" default=\"true()\"");
            }
            x.push('>');
            for e in entries {
                let _ = write!(x, "<text id=\"{}\">", escape(&e.id));
                if let Some(text) = &e.text {
                    let _ = write!(x, "<value>{text}</value>");
                }
                for (form, uri) in &e.media {
                    let _ = write!(x, "<value form=\"{form}\">{}</value>", escape(uri));
                }
                x.push_str("</text>");
            }
            x.push_str("</translation>");
        }
        x.push_str("</itext>");
    }
    x.push_str("<instance><data");
    attr(&mut x, "id", &form.id);
    if let Some(v) = &form.version {
        attr(&mut x, "version", v);
    }
    x.push('>');
    w.instance(&form.root, &mut x);
    x.push_str("<meta><instanceID/></meta></data></instance>");
    x.push_str(&secondary);
    x.push_str(&w.binds);
    x.push_str("</model></h:head><h:body>");
    x.push_str(&w.body);
    x.push_str("</h:body></h:html>\n");
    x
}

/// Whether any label of the form (a question's, group's or choice's) carries media.
fn has_media(form: &Form) -> bool {
    fn walk(node: &Node) -> bool {
        node.children
            .iter()
            .any(|c| media::any(&c.cells) || walk(c))
    }
    walk(&form.root) || form.lists.values().flatten().any(|c| media::any(&c.cells))
}
