//! The notifications page: first the early-warning alerts still open for the user (each
//! linking to the alert), then what the user was told without asking (another agency
//! opened one of their agency's reports by emergency access, a report was referred to
//! their agency), newest first, each as a sentence linking to the report while the user
//! may still open it, unread ones marked, with buttons to mark one or all read.
//!
//! The app returns only the user's own notifications and alerts; this page must never act
//! without a valid `_csrf` field. The sentences hold text others typed (titles,
//! justifications), which the templates escape like every other value.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::{context, Value};
use sinergi_app::AppError;
use sinergi_app::Notification;
use sinergi_core::ids::{NotificationId, ReportId};
use sinergi_core::time::Zone;

use crate::ui::format::home_zone;
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{show_time, Page};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/notifikasi", get(list)),
        ("/notifikasi/baca-semua", post(read_all)),
        ("/notifikasi/{id}/baca", post(read_one)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    path.starts_with("/notifikasi")
        .then(|| "/notifikasi".into())
}

/// A text field of the notification's detail, or "".
fn text<'a>(n: &'a Notification, key: &str) -> &'a str {
    n.detail.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// An RFC 3339 time of the detail in `zone`, or as stored when it is not one.
fn time_of(n: &Notification, key: &str, zone: Zone) -> String {
    let raw = text(n, key);
    DateTime::parse_from_rfc3339(raw)
        .map(|t| show_time(zone, t.with_timezone(&Utc)))
        .unwrap_or_else(|_| raw.to_string())
}

/// The notification as one sentence in `lang`.
fn sentence(lang: Lang, n: &Notification, zone: Zone) -> String {
    let key = match n.kind.as_str() {
        "break_glass" => k!("notif_break_glass"),
        "referral" => k!("notif_referral"),
        "letter" => k!("notif_letter"),
        "disposition" => k!("notif_disposition"),
        "action_item_due_soon" => k!("notif_action_item_due_soon"),
        "action_item_overdue" => k!("notif_action_item_overdue"),
        "disposition_due_soon" => k!("notif_disposition_due_soon"),
        "disposition_overdue" => k!("notif_disposition_overdue"),
        "case_deadline_due_soon" => k!("notif_case_deadline_due_soon"),
        "case_deadline_overdue" => k!("notif_case_deadline_overdue"),
        "case_deadline_escalated" => k!("notif_case_deadline_escalated"),
        "campaign_due_soon" => k!("notif_campaign_due_soon"),
        "campaign_overdue" => k!("notif_campaign_overdue"),
        "campaign_escalated" => k!("notif_campaign_escalated"),
        _ => k!("notif_other"),
    };
    let why = match n.kind.as_str() {
        "break_glass" => text(n, "justification"),
        _ => text(n, "reason"),
    };
    let by_agency = match text(n, "by_agency") {
        "" => tr(lang, k!("notif_unknown_agency")),
        a => a.to_string(),
    };
    tr_args(
        lang,
        key,
        &[
            ("by", &text(n, "by")),
            ("by_agency", &by_agency),
            ("report_title", &text(n, "report_title")),
            ("until", &time_of(n, "until", zone)),
            ("why", &why),
            ("kind", &n.kind),
            ("subject", &text(n, "subject")),
            ("what", &text(n, "what")),
            ("due", &text(n, "due")),
            ("agency", &text(n, "agency")),
            ("group", &text(n, "group")),
            ("to", &text(n, "to")),
            ("number", &text(n, "number")),
            ("title", &text(n, "title")),
            ("basis", &text(n, "basis")),
            ("campaign", &text(n, "campaign")),
            ("period", &text(n, "period")),
            ("region_name", &text(n, "region_name")),
        ],
    )
}

/// The report a notification is about, if any.
fn report_of(n: &Notification) -> Option<ReportId> {
    match (n.record_type.as_deref(), n.record_id.as_deref()) {
        (Some("report"), Some(id)) => ReportId::parse(id),
        _ => None,
    }
}

/// The page of the record a notification is about, when the UI has one.
fn href(n: &Notification) -> Option<String> {
    if let (Some("letter"), Some(id)) = (n.record_type.as_deref(), n.record_id.as_deref()) {
        return sinergi_core::ids::LetterId::parse(id).map(|id| format!("/surat/{id}"));
    }
    if let (Some("case"), Some(id)) = (n.record_type.as_deref(), n.record_id.as_deref()) {
        return sinergi_core::case::CaseId::parse(id).map(|id| format!("/perkara/{id}"));
    }
    if let (Some("campaign"), Some(id)) = (n.record_type.as_deref(), n.record_id.as_deref()) {
        return sinergi_core::campaign::CampaignId::parse(id).map(|id| format!("/kampanye/{id}"));
    }
    // A reminder of an action item links to the meeting that set it.
    if n.record_type.as_deref() == Some("action_item") {
        return sinergi_core::ids::MeetingId::parse(text(n, "meeting")).map(|id| format!("/rapat/{id}"));
    }
    report_of(n).map(|id| format!("/laporan/{id}"))
}

/// Alerts shown in short above the notifications; the board has them all.
const ACTIVE_ALERTS_SHOWN: usize = 10;

/// `GET /notifikasi`.
pub(crate) async fn list(State(st): State<AppState>, page: Page) -> Response {
    let lang = page.lang;
    let list = match st.app.notifications(&page.authed.actor, false).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    // A referral ends and its report disappears for the agency: the link is shown only
    // while it leads to the report.
    let reports: Vec<ReportId> = list.iter().filter_map(report_of).collect();
    let visible = match st
        .app
        .visible_report_ids(&page.authed.actor, &reports)
        .await
    {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let (active, active_total) =
        match crate::features::warning::ui::board::active_summary(&st, &page, ACTIVE_ALERTS_SHOWN)
            .await
        {
            Ok(x) => x,
            Err(e) => return page.error(e),
        };
    let zone = home_zone(&page);
    let rows: Vec<Value> = list
        .iter()
        .map(|n| {
            context! {
                id => n.id.to_string(),
                kind => n.kind.as_str(),
                sentence => sentence(lang, n, zone),
                // A letter stays with the agencies it was sent to; a report's link is
                // shown only while it leads to the report.
                href => if matches!(n.record_type.as_deref(), Some("letter" | "action_item")) { href(n) } else { report_of(n).filter(|id| visible.contains(id)).and_then(|_| href(n)) },
                time => show_time(zone, n.created_at),
                unread => n.read_at.is_none(),
            }
        })
        .collect();
    let unread = list.iter().filter(|n| n.read_at.is_none()).count();
    render(
        StatusCode::OK,
        "notifikasi.html",
        context! {
            notifications => rows,
            unread_here => unread,
            active => Value::from_serialize(&active),
            active_total => active_total,
            ..page_ctx(&page, "notifications")
        },
    )
}

/// `POST /notifikasi/{id}/baca`.
pub(crate) async fn read_one(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    let Some(id) = NotificationId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.mark_notification_read(&page.authed.actor, id).await {
        Ok(()) => Redirect::to("/notifikasi").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /notifikasi/baca-semua`.
pub(crate) async fn read_all(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    match st.app.mark_all_notifications_read(&page.authed.actor).await {
        Ok(_) => Redirect::to("/notifikasi").into_response(),
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_core::ids::UserId;
    use uuid::Uuid;

    fn notification(kind: &str, detail: serde_json::Value) -> Notification {
        Notification {
            id: NotificationId(Uuid::from_u128(1)),
            user_id: UserId(Uuid::from_u128(2)),
            kind: kind.into(),
            record_type: Some("report".into()),
            record_id: Some(Uuid::from_u128(3).to_string()),
            detail,
            created_at: DateTime::from_timestamp(1_750_000_000, 0).expect("ts"),
            read_at: None,
        }
    }

    #[test]
    fn emergency_access_reads_as_a_sentence_in_local_time() {
        let n = notification(
            "break_glass",
            serde_json::json!({
                "report_title": "Jerat di blok 4",
                "by": "koordinator.bnnp.jambi",
                "by_agency": "BNNP Jambi",
                "justification": "Operasi gabungan",
                "until": "2025-05-27T05:30:00+00:00",
            }),
        );
        assert_eq!(
            sentence(Lang::Id, &n, Zone::Wib),
            "koordinator.bnnp.jambi (BNNP Jambi) membuka laporan \"Jerat di blok 4\" dengan akses darurat sampai 2025-05-27 12:30 WIB: Operasi gabungan"
        );
        assert!(sentence(Lang::En, &n, Zone::Wita).contains("until 2025-05-27 13:30 WITA"));
        assert_eq!(
            href(&n).as_deref(),
            Some("/laporan/00000000-0000-0000-0000-000000000003")
        );
    }

    #[test]
    fn values_are_filled_in_once() {
        assert_eq!(
            tr_args(
                Lang::En,
                k!("notif_other"),
                &[("kind", &"{report_title}"), ("report_title", &"x")]
            ),
            "Notice ({report_title}) about the report \"x\""
        );
    }

    #[test]
    fn a_referral_names_the_agency_and_the_reason() {
        let n = notification(
            "referral",
            serde_json::json!({
                "report_title": "Razia",
                "by": "koordinator.bnnp.jambi",
                "by_agency": "BNNP Jambi",
                "reason": "Penyelidikan bersama",
                "until": "2025-06-01T16:59:00+00:00",
            }),
        );
        assert_eq!(
            sentence(Lang::Id, &n, Zone::Wib),
            "BNNP Jambi merujuk laporan \"Razia\" kepada instansi Anda sampai 2025-06-01 23:59 WIB: Penyelidikan bersama"
        );
    }
}
