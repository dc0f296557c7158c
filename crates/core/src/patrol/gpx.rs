//! GPX files from handheld GPS units: reading GPX 1.1 (and 1.0, which has the same track
//! and waypoint elements) and writing GPX 1.1.
//!
//! [`read_gpx`] streams the file with an XML pull reader: no document tree is built, and
//! each track point is kept once, as a [`TrackPoint`], with its line. What it reads:
//! `trk` (its `name`), `trk/trkseg/trkpt` (`lat`, `lon`; `ele`, `time`) and `wpt` (`lat`,
//! `lon`; `ele`, `time`, `name`, `desc`), whatever namespace or prefix they carry; routes,
//! metadata and extensions are skipped. A file with a fault is refused whole, every fault
//! named by its line (and column where the fault is in a tag), the first
//! [`MAX_ISSUES`] of them:
//!
//! - XML that is not well-formed, a root element other than `gpx`, a file cut off inside
//!   an element: the reading stops there.
//! - A track point without `time`: effort is counted from times, so a point without one
//!   cannot be kept, and keeping the others would count a different walk. A file none of
//!   whose points has a time (a route drawn on a map) is said so in one message.
//! - A missing or bad `lat`/`lon`, a `time` that is not a date-time (a time without an
//!   offset is read as UTC, as GPX says times are), an `ele` that is not a number.
//! - More than [`MAX_POINTS`] track points or [`MAX_WAYPOINTS`] waypoints: the reading
//!   stops at the first point over the cap, so a file of a million points is never held.
//! - No track point at all.
//!
//! What is in range is then for [`super::track::clean`] to judge, with the lines.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::track::{position_ok, Track, TrackPoint, MAX_ISSUES, MAX_POINTS};
use crate::error::{Message, ValidationErrors};

/// The most waypoints one file may hold.
pub const MAX_WAYPOINTS: usize = 10_000;
/// The GPX 1.1 namespace.
pub const GPX_NAMESPACE: &str = "http://www.topografix.com/GPX/1/1";

/// One `trk` of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GpxTrack {
    pub name: Option<String>,
    pub track: Track,
    /// The line of every point in the file, in the shape of `track.segments` (empty for a
    /// track that is to be written rather than one that was read).
    pub lines: Vec<Vec<u32>>,
}

impl GpxTrack {
    /// All tracks of a file as one track, their segments in file order, with their lines:
    /// a handheld unit often saves one `trk` per stretch of a day.
    pub fn merge(tracks: Vec<GpxTrack>) -> (Track, Vec<Vec<u32>>) {
        let mut track = Track::default();
        let mut lines = Vec::new();
        for t in tracks {
            track.segments.extend(t.track.segments);
            lines.extend(t.lines);
        }
        (track, lines)
    }
}

/// A `wpt`: a place the patrol marked, to become an observation someone confirms.
#[derive(Debug, Clone, PartialEq)]
pub struct Waypoint {
    pub lon: f64,
    pub lat: f64,
    pub ele: Option<f64>,
    pub time: Option<DateTime<Utc>>,
    pub name: Option<String>,
    pub desc: Option<String>,
}

/// What a file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GpxFile {
    pub tracks: Vec<GpxTrack>,
    pub waypoints: Vec<Waypoint>,
}

/// One fault of a file: where (when it is at one place) and what; the message names the
/// line itself.
#[derive(Debug, Clone, PartialEq)]
pub struct GpxFault {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: Message,
}

/// Why a file was refused: its faults, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct GpxError {
    pub faults: Vec<GpxFault>,
}

impl GpxError {
    /// The faults as field errors of the field that carried the file.
    pub fn into_validation_errors(self, field: &str) -> ValidationErrors {
        let mut errs = ValidationErrors::new();
        for f in self.faults {
            errs.push(field, f.message);
        }
        errs
    }
}

impl std::fmt::Display for GpxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said: Vec<&str> = self.faults.iter().map(|x| x.message.as_str()).collect();
        f.write_str(&said.join("; "))
    }
}

impl std::error::Error for GpxError {}

/// The elements that matter, by where they stand.
#[derive(Debug, Clone, Copy, PartialEq)]
enum El {
    Gpx,
    Trk,
    Trkseg,
    Trkpt,
    Wpt,
    Name,
    Desc,
    Time,
    Ele,
    Other,
}

impl El {
    fn tag(self) -> &'static str {
        match self {
            El::Gpx => "gpx",
            El::Trk => "trk",
            El::Trkseg => "trkseg",
            El::Trkpt => "trkpt",
            El::Wpt => "wpt",
            El::Name => "name",
            El::Desc => "desc",
            El::Time => "time",
            El::Ele => "ele",
            El::Other => "",
        }
    }

    fn holds_text(self) -> bool {
        matches!(self, El::Name | El::Desc | El::Time | El::Ele)
    }
}

/// Lines and columns (in bytes, from 1) of byte offsets, counted as the reading goes.
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.bytes.len());
        if offset < self.pos {
            *self = Lines::new(self.bytes);
        }
        for (i, b) in self.bytes[self.pos..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = offset;
        let column = u32::try_from(offset - self.line_start + 1).unwrap_or(u32::MAX);
        (self.line, column)
    }
}

/// A `trkpt` or `wpt` being read.
#[derive(Default)]
struct Pending {
    lon: f64,
    lat: f64,
    ele: Option<f64>,
    time: Option<DateTime<Utc>>,
    name: Option<String>,
    desc: Option<String>,
    line: u32,
    bad: bool,
}

#[derive(Default)]
struct Read {
    stack: Vec<(El, u32)>,
    root_seen: bool,
    file: GpxFile,
    point: Option<Pending>,
    text: String,
    text_line: u32,
    points: usize,
    timed: usize,
    untimed: usize,
    faults: Vec<GpxFault>,
    more: usize,
    stop: bool,
}

impl Read {
    fn fault(&mut self, line: Option<u32>, column: Option<u32>, message: Message) {
        if self.faults.len() < MAX_ISSUES {
            self.faults.push(GpxFault {
                line,
                column,
                message,
            });
        } else {
            self.more += 1;
        }
    }

    /// A fault after which reading stops; always listed.
    fn fatal(&mut self, line: Option<u32>, column: Option<u32>, message: Message) {
        self.faults.push(GpxFault {
            line,
            column,
            message,
        });
        self.stop = true;
    }

    fn open(&mut self, e: &BytesStart<'_>, (ln, col): (u32, u32)) {
        let name = e.local_name();
        let parent = self.stack.last().map(|(el, _)| *el);
        let el = match (parent, name.as_ref()) {
            (None, b"gpx") if !self.root_seen => {
                self.root_seen = true;
                El::Gpx
            }
            (None, other) if !self.root_seen => {
                let other = String::from_utf8_lossy(other).into_owned();
                self.fatal(
                    Some(ln),
                    Some(col),
                    crate::msg!(
                        "gpx-not-gpx",
                        "line {line}, column {column}: the file is not GPX: its root element is <{name}>, not <gpx>",
                        line = ln,
                        column = col,
                        name = other
                    ),
                );
                return;
            }
            (Some(El::Gpx), b"trk") => {
                self.file.tracks.push(GpxTrack::default());
                El::Trk
            }
            (Some(El::Gpx), b"wpt") => {
                if self.file.waypoints.len() >= MAX_WAYPOINTS {
                    self.fatal(
                        Some(ln),
                        Some(col),
                        crate::msg!(
                            "gpx-too-many-waypoints",
                            "line {line}: the file holds more than {max} waypoints",
                            line = ln,
                            max = MAX_WAYPOINTS
                        ),
                    );
                    return;
                }
                self.point = Some(self.position(e, ln, col));
                El::Wpt
            }
            (Some(El::Trk), b"name") | (Some(El::Wpt), b"name") => El::Name,
            (Some(El::Wpt), b"desc") => El::Desc,
            (Some(El::Trk), b"trkseg") => {
                if let Some(t) = self.file.tracks.last_mut() {
                    t.track.segments.push(Vec::new());
                    t.lines.push(Vec::new());
                }
                El::Trkseg
            }
            (Some(El::Trkseg), b"trkpt") => {
                if self.points >= MAX_POINTS {
                    self.fatal(
                        Some(ln),
                        Some(col),
                        crate::msg!(
                            "gpx-too-many-points",
                            "line {line}: the file holds more than {max} track points; send one file per day",
                            line = ln,
                            max = MAX_POINTS
                        ),
                    );
                    return;
                }
                self.points += 1;
                self.point = Some(self.position(e, ln, col));
                El::Trkpt
            }
            (Some(El::Trkpt | El::Wpt), b"ele") => El::Ele,
            (Some(El::Trkpt | El::Wpt), b"time") => El::Time,
            _ => El::Other,
        };
        if el.holds_text() {
            self.text.clear();
            self.text_line = ln;
        }
        self.stack.push((el, ln));
    }

    /// A point's `lat` and `lon`, each fault named.
    fn position(&mut self, e: &BytesStart<'_>, ln: u32, col: u32) -> Pending {
        let mut p = Pending {
            line: ln,
            ..Pending::default()
        };
        let (mut lat, mut lon) = (None, None);
        for a in e.attributes() {
            let a = match a {
                Ok(a) => a,
                Err(err) => {
                    self.fatal(Some(ln), Some(col), broken(ln, col, &err));
                    p.bad = true;
                    return p;
                }
            };
            let text = String::from_utf8_lossy(&a.value).trim().to_string();
            match a.key.local_name().as_ref() {
                b"lat" => lat = Some(text),
                b"lon" => lon = Some(text),
                _ => {}
            }
        }
        let number = |v: &str, range: std::ops::RangeInclusive<f64>| {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && range.contains(x))
        };
        match lat {
            Some(text) => match number(&text, -90.0..=90.0) {
                Some(v) => p.lat = v,
                None => {
                    p.bad = true;
                    self.fault(
                        Some(ln),
                        Some(col),
                        crate::msg!(
                            "gpx-latitude-invalid",
                            "line {line}, column {column}: lat=\"{value}\" is not a latitude from -90 to 90",
                            line = ln,
                            column = col,
                            value = text
                        ),
                    )
                }
            },
            None => {
                p.bad = true;
                self.fault(
                    Some(ln),
                    Some(col),
                    crate::msg!(
                        "gpx-coordinate-missing",
                        "line {line}, column {column}: the point has no {name} attribute",
                        line = ln,
                        column = col,
                        name = "lat"
                    ),
                )
            }
        }
        match lon {
            Some(text) => match number(&text, -180.0..=180.0) {
                Some(v) => p.lon = v,
                None => {
                    p.bad = true;
                    self.fault(
                        Some(ln),
                        Some(col),
                        crate::msg!(
                            "gpx-longitude-invalid",
                            "line {line}, column {column}: lon=\"{value}\" is not a longitude from -180 to 180",
                            line = ln,
                            column = col,
                            value = text
                        ),
                    )
                }
            },
            None => {
                p.bad = true;
                self.fault(
                    Some(ln),
                    Some(col),
                    crate::msg!(
                        "gpx-coordinate-missing",
                        "line {line}, column {column}: the point has no {name} attribute",
                        line = ln,
                        column = col,
                        name = "lon"
                    ),
                )
            }
        }
        debug_assert!(p.bad || position_ok(p.lon, p.lat));
        p
    }

    fn close(&mut self) {
        let Some((el, _)) = self.stack.pop() else {
            return;
        };
        let parent = self.stack.last().map(|(el, _)| *el);
        let ln = self.text_line;
        match el {
            El::Name | El::Desc => {
                let text = self.text.trim();
                let text = (!text.is_empty()).then(|| text.to_string());
                match (el, parent) {
                    (El::Name, Some(El::Trk)) => {
                        if let Some(t) = self.file.tracks.last_mut() {
                            t.name = text;
                        }
                    }
                    (El::Name, _) => {
                        if let Some(p) = &mut self.point {
                            p.name = text;
                        }
                    }
                    _ => {
                        if let Some(p) = &mut self.point {
                            p.desc = text;
                        }
                    }
                }
            }
            El::Time => match parse_time(&self.text) {
                Some(t) => {
                    if let Some(p) = &mut self.point {
                        p.time = Some(t);
                    }
                }
                None => {
                    let text = self.text.trim().to_string();
                    self.fault(
                        Some(ln),
                        None,
                        crate::msg!(
                            "gpx-time-invalid",
                            "line {line}: \"{value}\" is not a time such as 2025-05-27T01:30:00Z",
                            line = ln,
                            value = text
                        ),
                    );
                    if let Some(p) = &mut self.point {
                        p.bad = true;
                    }
                }
            },
            El::Ele => match self.text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    if let Some(p) = &mut self.point {
                        p.ele = Some(v);
                    }
                }
                _ => {
                    let text = self.text.trim().to_string();
                    self.fault(
                        Some(ln),
                        None,
                        crate::msg!(
                            "gpx-elevation-invalid",
                            "line {line}: \"{value}\" is not an elevation in metres",
                            line = ln,
                            value = text
                        ),
                    );
                    if let Some(p) = &mut self.point {
                        p.bad = true;
                    }
                }
            },
            El::Trkpt => {
                let Some(p) = self.point.take() else {
                    return;
                };
                match p.time {
                    Some(time) => {
                        self.timed += 1;
                        // Once the file is refused, its points are not kept.
                        if !p.bad && self.faults.is_empty() {
                            if let Some(t) = self.file.tracks.last_mut() {
                                if let (Some(seg), Some(lines)) =
                                    (t.track.segments.last_mut(), t.lines.last_mut())
                                {
                                    seg.push(TrackPoint {
                                        lon: p.lon,
                                        lat: p.lat,
                                        ele: p.ele,
                                        time,
                                    });
                                    lines.push(p.line);
                                }
                            }
                        }
                    }
                    None if p.bad => {}
                    None => {
                        self.untimed += 1;
                        let ln = p.line;
                        self.fault(
                            Some(ln),
                            None,
                            crate::msg!(
                                "gpx-point-no-time",
                                "line {line}: the track point has no time; a patrol's effort is counted from the time of every point",
                                line = ln
                            ),
                        );
                    }
                }
            }
            El::Wpt => {
                if let Some(p) = self.point.take() {
                    if !p.bad {
                        self.file.waypoints.push(Waypoint {
                            lon: p.lon,
                            lat: p.lat,
                            ele: p.ele,
                            time: p.time,
                            name: p.name,
                            desc: p.desc,
                        });
                    }
                }
            }
            El::Gpx | El::Trk | El::Trkseg | El::Other => {}
        }
    }

    fn collecting(&self) -> bool {
        self.stack.last().is_some_and(|(el, _)| el.holds_text())
    }
}

fn broken(ln: u32, col: u32, error: &dyn std::fmt::Display) -> Message {
    crate::msg!(
        "gpx-xml-broken",
        "line {line}, column {column}: the file is not well-formed XML: {error}",
        line = ln,
        column = col,
        error = error.to_string()
    )
}

/// A GPX time: RFC 3339, or without an offset, which GPX says is UTC.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// Reads a GPX 1.1 or 1.0 file (see the module's documentation).
pub fn read_gpx(bytes: &[u8]) -> Result<GpxFile, GpxError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GpxError {
            faults: vec![GpxFault {
                line: None,
                column: None,
                message: crate::msg!("file-empty", "the file is empty"),
            }],
        });
    }
    // Positions are counted without a byte order mark, as an editor shows the file.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = Reader::from_reader(bytes);
    let mut lines = Lines::new(bytes);
    let mut st = Read::default();
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(err) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                let (ln, col) = lines.at(at);
                st.fatal(Some(ln), Some(col), broken(ln, col, &err));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let at = lines.at(start);
                st.open(&e, at);
            }
            Event::Empty(e) => {
                let at = lines.at(start);
                st.open(&e, at);
                if !st.stop {
                    st.close();
                }
            }
            Event::End(_) => st.close(),
            Event::Text(t) if st.collecting() => match t.xml10_content() {
                Ok(s) => st.text.push_str(&s),
                Err(err) => {
                    let (ln, col) = lines.at(start);
                    st.fatal(Some(ln), Some(col), broken(ln, col, &err));
                }
            },
            Event::CData(t) if st.collecting() => match t.decode() {
                Ok(s) => st.text.push_str(&s),
                Err(err) => {
                    let (ln, col) = lines.at(start);
                    st.fatal(Some(ln), Some(col), broken(ln, col, &err));
                }
            },
            Event::GeneralRef(r) if st.collecting() => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    r.decode()
                        .ok()
                        .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name))
                        .map(String::from)
                };
                match resolved {
                    Some(s) => st.text.push_str(&s),
                    None => {
                        let (ln, col) = lines.at(start);
                        let name = String::from_utf8_lossy(&r).into_owned();
                        st.fatal(
                            Some(ln),
                            Some(col),
                            broken(ln, col, &format!("unknown entity &{name};")),
                        );
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if st.stop {
            break;
        }
    }
    finish(st, &mut lines)
}

/// The file's last checks: closed, a root, points with times, at least one point.
fn finish(mut st: Read, lines: &mut Lines<'_>) -> Result<GpxFile, GpxError> {
    if !st.stop {
        if let Some((el, open_line)) = st
            .stack
            .iter()
            .rev()
            .find(|(el, _)| *el != El::Other)
            .copied()
        {
            let (ln, _) = lines.at(usize::MAX);
            st.fatal(
                Some(ln),
                None,
                crate::msg!(
                    "gpx-truncated",
                    "line {line}: the file ends inside <{name}> begun at line {open}; it was cut off",
                    line = ln,
                    name = el.tag(),
                    open = open_line
                ),
            );
        } else if !st.root_seen {
            st.fatal(
                None,
                None,
                crate::msg!(
                    "gpx-no-root",
                    "the file holds no XML element; it is not GPX"
                ),
            );
        }
    }
    if !st.stop && st.timed == 0 && st.untimed > 0 {
        // No point has a time: one message says so, rather than a line per point.
        st.faults
            .retain(|f| f.message.code() != Some("gpx-point-no-time"));
        st.more = 0;
        let untimed = st.untimed;
        st.faults.push(GpxFault {
            line: None,
            column: None,
            message: crate::msg!(
                "gpx-no-times",
                "none of the {count} track points has a time; export the recorded track, not a route or a drawn line",
                count = untimed
            ),
        });
    }
    if st.faults.is_empty() && st.points == 0 {
        st.faults.push(GpxFault {
            line: None,
            column: None,
            message: crate::msg!(
                "gpx-no-track",
                "the file holds no track point (trk, trkseg, trkpt); routes and waypoints alone are not a track"
            ),
        });
    }
    if st.faults.is_empty() {
        return Ok(st.file);
    }
    st.faults
        .sort_by_key(|f| (f.line.is_none(), f.line, f.column));
    if st.more > 0 {
        let more = st.more;
        st.faults.push(GpxFault {
            line: None,
            column: None,
            message: crate::msg!("list-more", "and {count} more", count = more),
        });
    }
    Err(GpxError { faults: st.faults })
}

/// Writes tracks and waypoints as a GPX 1.1 file (UTF-8), times in UTC with `Z`.
pub fn write_gpx(tracks: &[GpxTrack], waypoints: &[Waypoint]) -> String {
    let mut out = String::with_capacity(
        400 + tracks.iter().map(|t| t.track.point_count()).sum::<usize>() * 110,
    );
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<gpx version=\"1.1\" creator=\"Sinergi\" xmlns=\"{GPX_NAMESPACE}\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{GPX_NAMESPACE} {GPX_NAMESPACE}/gpx.xsd\">"
    );
    // The schema's order: waypoints, then tracks; in each, ele and time before name.
    for w in waypoints {
        let _ = writeln!(out, "  <wpt lat=\"{}\" lon=\"{}\">", w.lat, w.lon);
        if let Some(ele) = w.ele {
            let _ = writeln!(out, "    <ele>{ele}</ele>");
        }
        if let Some(t) = w.time {
            let _ = writeln!(out, "    <time>{}</time>", time_text(t));
        }
        for (tag, text) in [("name", &w.name), ("desc", &w.desc)] {
            if let Some(text) = text {
                let _ = write!(out, "    <{tag}>");
                escape_into(&mut out, text);
                let _ = writeln!(out, "</{tag}>");
            }
        }
        out.push_str("  </wpt>\n");
    }
    for t in tracks {
        out.push_str("  <trk>\n");
        if let Some(name) = &t.name {
            out.push_str("    <name>");
            escape_into(&mut out, name);
            out.push_str("</name>\n");
        }
        for seg in &t.track.segments {
            out.push_str("    <trkseg>\n");
            for p in seg {
                let _ = write!(out, "      <trkpt lat=\"{}\" lon=\"{}\">", p.lat, p.lon);
                if let Some(ele) = p.ele {
                    let _ = write!(out, "<ele>{ele}</ele>");
                }
                let _ = writeln!(out, "<time>{}</time></trkpt>", time_text(p.time));
            }
            out.push_str("    </trkseg>\n");
        }
        out.push_str("  </trk>\n");
    }
    out.push_str("</gpx>\n");
    out
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Text as XML character data: markup characters escaped, a carriage return kept as a
/// reference (a reader would turn a bare one into a line feed), characters XML 1.0 does
/// not allow at all left out.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => {
                out.push(c)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_748_300_000 + s, 0).expect("a time")
    }

    fn said(e: &GpxError) -> Vec<&str> {
        e.faults.iter().map(|f| f.message.as_str()).collect()
    }

    const GARMIN: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<gpx xmlns="http://www.topografix.com/GPX/1/1" creator="eTrex 32x" version="1.1">
  <metadata><time>2025-05-27T00:00:00Z</time></metadata>
  <wpt lat="-1.612" lon="103.611"><ele>31.2</ele><time>2025-05-27T01:40:00Z</time><name>Jerat 1</name><desc>Jerat kawat &amp; tali</desc></wpt>
  <rte><rtept lat="-1.7" lon="103.7"/></rte>
  <trk>
    <name>27-MAY-25 08:00</name>
    <extensions><gpxx:TrackExtension xmlns:gpxx="x"><gpxx:DisplayColor>Red</gpxx:DisplayColor></gpxx:TrackExtension></extensions>
    <trkseg>
      <trkpt lat="-1.6000" lon="103.6000"><ele>30</ele><time>2025-05-27T01:00:00Z</time></trkpt>
      <trkpt lat="-1.6001" lon="103.6001"><time>2025-05-27T01:00:10.500Z</time><extensions><speed>1</speed></extensions></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="-1.6100" lon="103.6100"><time>2025-05-27T03:00:00+07:00</time></trkpt>
    </trkseg>
  </trk>
</gpx>
"#;

    #[test]
    fn a_handheld_file_is_read() {
        let f = read_gpx(GARMIN.as_bytes()).expect("read");
        assert_eq!(f.tracks.len(), 1);
        let trk = &f.tracks[0];
        assert_eq!(trk.name.as_deref(), Some("27-MAY-25 08:00"));
        assert_eq!(trk.lines, vec![vec![10, 11], vec![14]]);
        let segs = &trk.track.segments;
        assert_eq!(segs.len(), 2);
        assert_eq!(
            segs[0][0],
            TrackPoint {
                lon: 103.6,
                lat: -1.6,
                ele: Some(30.0),
                time: DateTime::parse_from_rfc3339("2025-05-27T01:00:00Z")
                    .expect("t")
                    .with_timezone(&Utc)
            }
        );
        assert_eq!(
            segs[0][1].time - segs[0][0].time,
            Duration::milliseconds(10_500)
        );
        assert_eq!(segs[1][0].time.to_rfc3339(), "2025-05-26T20:00:00+00:00");
        assert_eq!(
            f.waypoints,
            vec![Waypoint {
                lon: 103.611,
                lat: -1.612,
                ele: Some(31.2),
                time: Some(
                    DateTime::parse_from_rfc3339("2025-05-27T01:40:00Z")
                        .expect("t")
                        .with_timezone(&Utc)
                ),
                name: Some("Jerat 1".into()),
                desc: Some("Jerat kawat & tali".into()),
            }]
        );
    }

    #[test]
    fn gpx_1_0_and_prefixed_names_are_read() {
        let v10 = r#"<?xml version="1.0"?>
<gpx version="1.0" creator="x" xmlns="http://www.topografix.com/GPX/1/0">
<trk><trkseg><trkpt lat="1" lon="2"><time>2025-05-27T01:00:00</time><speed>3</speed></trkpt></trkseg></trk>
</gpx>"#;
        let f = read_gpx(v10.as_bytes()).expect("1.0");
        assert_eq!(f.tracks[0].track.segments[0][0].lon, 2.0);
        assert_eq!(
            f.tracks[0].track.segments[0][0].time.to_rfc3339(),
            "2025-05-27T01:00:00+00:00"
        );
        let bom =
            "\u{feff}<gpx>\r\n<trk><trkseg>\r\n<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
        assert_eq!(
            said(&read_gpx(bom.as_bytes()).expect_err("no time"))[0],
            "none of the 1 track points has a time; export the recorded track, not a route or a drawn line"
        );
        let e = read_gpx(bom.replace("<trkpt", "<trkpt lat=\"x\"").as_bytes()).expect_err("x");
        assert_eq!(e.faults[0].line, Some(3));
        let prefixed = r#"<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1"><g:trk><g:trkseg><g:trkpt lat="1" lon="2"><g:time>2025-05-27T01:00:00Z</g:time></g:trkpt></g:trkseg></g:trk></g:gpx>"#;
        assert_eq!(
            read_gpx(prefixed.as_bytes()).expect("prefixed").tracks[0]
                .track
                .point_count(),
            1
        );
    }

    #[test]
    fn broken_xml_is_named_by_line_and_column() {
        let broken = "<gpx>\n<trk><trkseg>\n  <trkpt lat=\"1\" lon=\"2\"><time>2025-05-27T01:00:00Z</time></trkseg>\n</gpx>";
        let e = read_gpx(broken.as_bytes()).expect_err("broken");
        assert_eq!(e.faults.len(), 1);
        assert_eq!(e.faults[0].line, Some(3));
        assert!(
            said(&e)[0].starts_with("line 3, column 59: the file is not well-formed XML: "),
            "{:?}",
            said(&e)
        );
        let e = read_gpx(
            b"<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><time>2025-05-27T01:00:00Z</ti",
        )
        .expect_err("cut");
        assert_eq!(e.faults[0].line, Some(1));
        let e = read_gpx(b"<gpx>\n<trk>\n<trkseg>\n<trkpt lat=\"1\" lon=\"2\"><time>2025-05-27T01:00:00Z</time></trkpt>\n").expect_err("cut");
        assert_eq!(
            said(&e),
            ["line 5: the file ends inside <trkseg> begun at line 3; it was cut off"]
        );
        let e = read_gpx(b"<kml><Document/></kml>").expect_err("kml");
        assert_eq!(
            said(&e),
            ["line 1, column 1: the file is not GPX: its root element is <kml>, not <gpx>"]
        );
        let e = read_gpx(b"<gpx><trk><name>A &nbsp; B</name></trk></gpx>").expect_err("entity");
        assert!(said(&e)[0].contains("&nbsp;"), "{:?}", said(&e));
        assert_eq!(
            said(&read_gpx(b"  \n").expect_err("empty")),
            ["the file is empty"]
        );
        assert_eq!(
            said(&read_gpx(b"<?xml version=\"1.0\"?>").expect_err("no root")),
            ["the file holds no XML element; it is not GPX"]
        );
    }

    #[test]
    fn points_without_time_refuse_the_file_naming_the_first_lines() {
        let mut s = String::from("<gpx><trk><trkseg>\n");
        for i in 0..30 {
            if i % 2 == 0 {
                s.push_str("<trkpt lat=\"1\" lon=\"2\"/>\n");
            } else {
                let _ = writeln!(
                    s,
                    "<trkpt lat=\"1\" lon=\"2\"><time>{}</time></trkpt>",
                    time_text(t(i))
                );
            }
        }
        s.push_str("</trkseg></trk></gpx>");
        let e = read_gpx(s.as_bytes()).expect_err("no time");
        let said = said(&e);
        assert_eq!(said.len(), MAX_ISSUES + 1, "{said:#?}");
        assert_eq!(
            said[0],
            "line 2: the track point has no time; a patrol's effort is counted from the time of every point"
        );
        assert!(said[1].starts_with("line 4: "));
        assert_eq!(said[MAX_ISSUES], "and 5 more");
        // No time at all: one message.
        let route = "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
        assert_eq!(
            super::tests::said(&read_gpx(route.as_bytes()).expect_err("route")),
            ["none of the 2 track points has a time; export the recorded track, not a route or a drawn line"]
        );
    }

    #[test]
    fn bad_values_are_each_named() {
        let s = "<gpx><wpt lat=\"-91\" lon=\"103\"/>\n<trk><trkseg>\n\
                 <trkpt lat=\"x\" lon=\"200\"><time>2025-05-27T01:00:00Z</time></trkpt>\n\
                 <trkpt lon=\"2\"><time>2025-05-27T01:00:00Z</time></trkpt>\n\
                 <trkpt lat=\"1\" lon=\"2\"><ele>high</ele><time>27/05/2025</time></trkpt>\n\
                 </trkseg></trk></gpx>";
        let e = read_gpx(s.as_bytes()).expect_err("bad");
        assert_eq!(
            said(&e),
            [
                "line 1, column 6: lat=\"-91\" is not a latitude from -90 to 90",
                "line 3, column 1: lat=\"x\" is not a latitude from -90 to 90",
                "line 3, column 1: lon=\"200\" is not a longitude from -180 to 180",
                "line 4, column 1: the point has no lat attribute",
                "line 5: \"high\" is not an elevation in metres",
                "line 5: \"27/05/2025\" is not a time such as 2025-05-27T01:30:00Z",
            ]
        );
    }

    #[test]
    fn a_file_without_a_track_is_refused() {
        let s = "<gpx><wpt lat=\"1\" lon=\"2\"/><rte><rtept lat=\"1\" lon=\"2\"/></rte><trk><trkseg/></trk></gpx>";
        assert_eq!(
            said(&read_gpx(s.as_bytes()).expect_err("no track")),
            ["the file holds no track point (trk, trkseg, trkpt); routes and waypoints alone are not a track"]
        );
    }

    #[test]
    fn a_million_points_stop_at_the_cap() {
        let point = "<trkpt lat=\"-1.6\" lon=\"103.6\"><time>2025-05-27T01:00:00Z</time></trkpt>\n";
        let mut s = String::with_capacity(point.len() * 1_000_000 + 64);
        s.push_str("<gpx><trk><trkseg>\n");
        for _ in 0..1_000_000 {
            s.push_str(point);
        }
        s.push_str("</trkseg></trk></gpx>\n");
        let e = read_gpx(s.as_bytes()).expect_err("too many");
        assert_eq!(
            said(&e),
            ["line 200002: the file holds more than 200000 track points; send one file per day"]
        );
    }

    #[test]
    fn many_tracks_merge_into_one_in_file_order() {
        let s = "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><time>2025-05-27T01:00:00Z</time></trkpt></trkseg></trk>\n\
                 <trk><trkseg><trkpt lat=\"1\" lon=\"3\"><time>2025-05-27T02:00:00Z</time></trkpt></trkseg></trk></gpx>";
        let f = read_gpx(s.as_bytes()).expect("read");
        let (track, lines) = GpxTrack::merge(f.tracks);
        assert_eq!(track.segments.len(), 2);
        assert_eq!(track.segments[1][0].lon, 3.0);
        assert_eq!(lines, vec![vec![1], vec![2]]);
    }

    #[test]
    fn written_gpx_is_gpx_1_1_and_escaped() {
        let w = Waypoint {
            lon: 103.6,
            lat: -1.6,
            ele: None,
            time: None,
            name: Some("Jerat <1> & \"kawat\" 'baru'\r\nlagi\u{1}".into()),
            desc: None,
        };
        let out = write_gpx(&[], &[w]);
        assert!(out.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Sinergi\" xmlns=\"http://www.topografix.com/GPX/1/1\""
        ));
        assert!(out.contains(
            "<name>Jerat &lt;1&gt; &amp; &quot;kawat&quot; &apos;baru&apos;&#13;\nlagi</name>"
        ));
        let back = read_gpx(out.as_bytes()).expect_err("no track").faults;
        assert_eq!(back[0].message.code(), Some("gpx-no-track"));
    }

    #[test]
    fn write_then_read_gives_the_same_points() {
        let track = Track {
            segments: vec![
                vec![
                    TrackPoint {
                        lon: 103.612_345_678_9,
                        lat: -1.600_000_1,
                        ele: Some(31.25),
                        time: t(0),
                    },
                    TrackPoint {
                        lon: -0.0,
                        lat: 1e-7,
                        ele: None,
                        time: t(10) + Duration::milliseconds(250),
                    },
                ],
                vec![TrackPoint {
                    lon: 180.0,
                    lat: -90.0,
                    ele: Some(-12.0),
                    time: t(3600) + Duration::microseconds(1),
                }],
            ],
        };
        let tracks = vec![
            GpxTrack {
                name: Some("Hari 1 — Bukit Tiga Puluh & sekitarnya".into()),
                track: track.clone(),
                lines: Vec::new(),
            },
            GpxTrack {
                name: None,
                track: Track {
                    segments: vec![vec![track.segments[0][0]]],
                },
                lines: Vec::new(),
            },
        ];
        let waypoints = vec![
            Waypoint {
                lon: 103.611,
                lat: -1.612,
                ele: Some(31.2),
                time: Some(t(60)),
                name: Some("Jerat <1>".into()),
                desc: Some("kawat & tali".into()),
            },
            Waypoint {
                lon: 103.7,
                lat: -1.7,
                ele: None,
                time: None,
                name: None,
                desc: None,
            },
        ];
        let back = read_gpx(write_gpx(&tracks, &waypoints).as_bytes()).expect("read back");
        assert_eq!(back.waypoints, waypoints);
        assert_eq!(back.tracks.len(), 2);
        for (a, b) in back.tracks.iter().zip(&tracks) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.track, b.track);
        }
    }

    proptest! {
        #[test]
        fn any_track_survives_a_round_trip(
            segs in prop::collection::vec(
                prop::collection::vec(
                    (-180.0f64..=180.0, -90.0f64..=90.0, prop::option::of(-500.0f64..9000.0), 0i64..10_000_000_000),
                    1..20,
                ),
                1..4,
            ),
            name in "\\PC{0,30}",
        ) {
            let track = Track {
                segments: segs
                    .into_iter()
                    .map(|s| {
                        s.into_iter()
                            .map(|(lon, lat, ele, ms)| TrackPoint {
                                lon,
                                lat,
                                ele,
                                time: t(0) + Duration::milliseconds(ms),
                            })
                            .collect()
                    })
                    .collect(),
            };
            let name = name.trim().to_string();
            let tracks = vec![GpxTrack {
                name: (!name.is_empty()).then_some(name),
                track,
                lines: Vec::new(),
            }];
            let back = read_gpx(write_gpx(&tracks, &[]).as_bytes()).expect("read back");
            prop_assert_eq!(&back.tracks[0].track, &tracks[0].track);
            prop_assert_eq!(&back.tracks[0].name, &tracks[0].name);
        }
    }
}
