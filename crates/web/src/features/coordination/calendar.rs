//! Each user's calendar as iCalendar (RFC 5545, `sinergi_core::ical`): the meetings of
//! the groups their agency is a member of (from 3 months back to 12 months ahead, in UTC,
//! two hours long as no end is recorded) and the due dates of the open action items their
//! agency owes (all-day events). Served at `/api/v1/me/calendar.ics` (session or token)
//! and at the private address `/kalender/{token}.ics` for calendar apps (ADR 24).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use sinergi_app::meeting_outputs::CalendarEntries;
use sinergi_core::ical::{calendar, Event, When};
use sinergi_core::ids::AgencyId;

use crate::i18n::{k, tr, Lang};
use crate::AppState;

/// How long a meeting is shown for, as meetings record no end.
const MEETING_HOURS: i64 = 2;

/// The calendar's text.
pub(crate) fn ics(
    entries: &CalendarEntries,
    codes: &HashMap<AgencyId, String>,
    lang: Lang,
    stamp: DateTime<Utc>,
) -> String {
    let mut events = Vec::new();
    for (m, g) in &entries.meetings {
        let mut description = Vec::new();
        if !m.agenda.is_empty() {
            description.push(format!("{}:", tr(lang, k!("co_field_agenda"))));
            for (i, a) in m.agenda.iter().enumerate() {
                description.push(format!("{}. {a}", i + 1));
            }
        }
        if let Some(l) = &m.online_link {
            description.push(format!("{}: {l}", tr(lang, k!("co_field_online_link"))));
        }
        events.push(Event {
            uid: format!("meeting-{}@sinergi", m.id),
            when: When::Timed {
                start: m.starts_at,
                end: m.starts_at + Duration::hours(MEETING_HOURS),
            },
            summary: format!("{} · {}", tr(lang, k!("co_meeting")), g.name),
            description: description.join("\n"),
            location: m.place.clone().or_else(|| m.online_link.clone()),
            url: None,
            modified: m.updated_at,
            sequence: m.version,
        });
    }
    for (i, g) in &entries.items {
        let agency = codes.get(&i.agency_id).cloned().unwrap_or_default();
        let mut description = format!("{} · {agency}", g.name);
        if let Some(p) = &i.person {
            description = format!("{description} · {p}");
        }
        events.push(Event {
            uid: format!("action-item-{}@sinergi", i.id),
            when: When::AllDay(i.due),
            summary: format!("{}: {}", tr(lang, k!("co_cal_due")), i.what),
            description,
            location: None,
            url: None,
            modified: i.updated_at,
            sequence: i.version,
        });
    }
    calendar(&tr(lang, k!("co_cal_name")), &events, stamp)
}

/// The answer: `text/calendar; charset=utf-8`, not cached by shared caches.
pub(crate) fn ics_response(text: String) -> Response {
    let mut resp = (StatusCode::OK, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    resp
}

/// `GET /kalender/{token}.ics`: the calendar behind a private address. Unknown, revoked
/// or malformed addresses are answered 404 alike.
pub(crate) async fn by_token(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "404 Not Found").into_response();
    let Some(token) = file.strip_suffix(".ics").filter(|t| !t.is_empty()) else {
        return not_found();
    };
    let entries = match st.app.calendar_by_token(token).await {
        Ok(e) => e,
        Err(sinergi_app::AppError::NotFound) => return not_found(),
        Err(e) => return crate::problem::ApiError(e).into_response(),
    };
    let codes = match super::api::agency_codes(&st).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    ics_response(ics(&entries, &codes, Lang::Id, st.app.now()))
}
