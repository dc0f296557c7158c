//! iCalendar (RFC 5545) text: a calendar of events written with CRLF line ends, content
//! lines folded at 75 octets (never inside a UTF-8 character), TEXT values escaped. Timed
//! events are written in UTC; all-day events as `VALUE=DATE` (ADR 24).

use chrono::{DateTime, NaiveDate, Utc};

/// When an event takes place.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// From a start to an end, written in UTC.
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// One whole day.
    AllDay(NaiveDate),
}

/// One `VEVENT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable for the same record, so a calendar app updates rather than duplicates.
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    /// When the record last changed (`LAST-MODIFIED`).
    pub modified: DateTime<Utc>,
    /// The record's version (`SEQUENCE`), so a changed event replaces the one a calendar
    /// app holds.
    pub sequence: i64,
}

/// Escapes a TEXT value: backslash, semicolon, comma and new lines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so no line is longer than 75 octets (a continuation
/// starts with one space), each ended by CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut used = 0;
    let mut limit = 75;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > limit {
            out.push_str("\r\n ");
            used = 0;
            // The space that starts a continuation counts towards its 75 octets.
            limit = 74;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole calendar: `name` is shown by calendar apps, `stamp` is the `DTSTAMP` of every
/// event (when the feed was made).
pub fn calendar(name: &str, events: &[Event], stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Sinergi//Coordination//ID");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", e.uid));
        push_line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        push_line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        match &e.when {
            When::Timed { start, end } => {
                push_line(&mut out, &format!("DTSTART:{}", utc(*start)));
                push_line(&mut out, &format!("DTEND:{}", utc(*end)));
            }
            When::AllDay(d) => {
                let next = d.succ_opt().unwrap_or(*d);
                push_line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", d.format("%Y%m%d")),
                );
                push_line(
                    &mut out,
                    &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
                );
                push_line(&mut out, "TRANSP:TRANSPARENT");
            }
        }
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.description.is_empty() {
            push_line(
                &mut out,
                &format!("DESCRIPTION:{}", escape_text(&e.description)),
            );
        }
        if let Some(l) = &e.location {
            push_line(&mut out, &format!("LOCATION:{}", escape_text(l)));
        }
        if let Some(u) = &e.url {
            push_line(&mut out, &format!("URL:{u}"));
        }
        push_line(&mut out, &format!("LAST-MODIFIED:{}", utc(e.modified)));
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_at_75_octets_between_characters() {
        assert_eq!(escape_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Rapat koordinasi “Satgas” é ".repeat(8));
        push_line(&mut out, &long);
        assert!(out.ends_with("\r\n"));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "{l}");
            assert_eq!(i > 0, l.starts_with(' '));
        }
        let unfolded: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, long);
    }

    #[test]
    fn a_calendar_has_timed_and_all_day_events() {
        let t = DateTime::from_timestamp(1_750_000_000, 0).expect("time");
        let d = NaiveDate::from_ymd_opt(2025, 7, 15).expect("date");
        let text = calendar(
            "Sinergi",
            &[
                Event {
                    uid: "m@x".into(),
                    when: When::Timed { start: t, end: t },
                    summary: "Rapat".into(),
                    description: String::new(),
                    location: Some("Aula, Jambi".into()),
                    url: None,
                    modified: t,
                    sequence: 1,
                },
                Event {
                    uid: "i@x".into(),
                    when: When::AllDay(d),
                    summary: "Tenggat".into(),
                    description: "x".into(),
                    location: None,
                    url: Some("https://x/rapat/1".into()),
                    modified: t,
                    sequence: 1,
                },
            ],
            t,
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.contains("DTSTART:20250615T150640Z\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20250715\r\nDTEND;VALUE=DATE:20250716\r\n"));
        assert!(text.contains("LOCATION:Aula\\, Jambi\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
