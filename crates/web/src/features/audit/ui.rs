//! The audit viewer for administrators: the hash-chained trail newest first, filtered by
//! actor, record, action and dates (whole days in WIB), a page at a time, with a link to
//! the same selection as CSV from the API.
//!
//! The app decides whose entries an administrator reads (their agency's and those below
//! it); this page only turns the form into the app's query and must never show an entry
//! the app did not return.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use minijinja::{context, Value};
use sinergi_app::audit::RawAuditQuery;
use sinergi_app::AppError;
use sinergi_core::audit::Action;
use sinergi_core::ids::ReportId;
use sinergi_core::time::Zone;

use crate::api_common::urlencode;
use crate::i18n::{core_message, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{show_time, FormData, Page};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    vec![("/admin/audit", axum::routing::get(audit))]
}

/// Entries per page.
const PAGE_SIZE: &str = "50";

/// Entries in one CSV download, the most the API gives at once.
const CSV_LIMIT: &str = "1000";

pub(crate) fn action_label(lang: Lang, a: Action) -> String {
    let key = match a {
        Action::SignIn => k!("act_sign_in"),
        Action::SignInFailed => k!("act_sign_in_failed"),
        Action::SignOut => k!("act_sign_out"),
        Action::ReportCreate => k!("act_report_create"),
        Action::ReportUpdate => k!("act_report_update"),
        Action::ReportRead => k!("act_report_read"),
        Action::ReportExport => k!("act_report_export"),
        Action::AttachmentAdd => k!("act_attachment_add"),
        Action::AttachmentRead => k!("act_attachment_read"),
        Action::AgencyCreate => k!("act_agency_create"),
        Action::UserCreate => k!("act_user_create"),
        Action::UserActivate => k!("act_user_activate"),
        Action::UserDeactivate => k!("act_user_deactivate"),
        Action::UserUpdate => k!("act_user_update"),
        Action::PasswordChange => k!("act_password_change"),
        Action::PasswordReset => k!("act_password_reset"),
        Action::AgreementCreate => k!("act_agreement_create"),
        Action::AgreementUpdate => k!("act_agreement_update"),
        Action::AgreementApprove => k!("act_agreement_approve"),
        Action::AgreementRevoke => k!("act_agreement_revoke"),
        Action::ReferralCreate => k!("act_referral_create"),
        Action::ReferralRevoke => k!("act_referral_revoke"),
        Action::BreakGlass => k!("act_break_glass"),
        Action::SettingChange => k!("act_setting_change"),
        Action::SessionsRevoke => k!("act_sessions_revoke"),
        Action::TotpEnable => k!("act_totp_enable"),
        Action::TotpDisable => k!("act_totp_disable"),
        Action::WarningSetup => k!("act_warning_setup"),
        Action::AlertRespond => k!("act_alert_respond"),
        Action::Import => k!("act_import"),
        Action::PatrolCreate => k!("act_patrol_create"),
        Action::PatrolUpdate => k!("act_patrol_update"),
        Action::PatrolTrackAdd => k!("act_patrol_track_add"),
        Action::PatrolObservationsAdd => k!("act_patrol_observations_add"),
        Action::PatrolObservationDismiss => k!("act_patrol_observation_dismiss"),
        Action::PatrolFindingLink => k!("act_patrol_finding_link"),
        Action::LetterCreate => k!("act_letter_create"),
        Action::LetterUpdate => k!("act_letter_update"),
        Action::LetterSend => k!("act_letter_send"),
        Action::LetterRegister => k!("act_letter_register"),
        Action::LetterRead => k!("act_letter_read"),
        Action::LetterDocumentAdd => k!("act_letter_document_add"),
        Action::LetterFormatChange => k!("act_letter_format_change"),
        Action::DispositionCreate => k!("act_disposition_create"),
        Action::DispositionUpdate => k!("act_disposition_update"),
        Action::GroupCreate => k!("act_group_create"),
        Action::GroupUpdate => k!("act_group_update"),
        Action::MeetingCreate => k!("act_meeting_create"),
        Action::MeetingUpdate => k!("act_meeting_update"),
        Action::ActionItemCreate => k!("act_action_item_create"),
        Action::ActionItemUpdate => k!("act_action_item_update"),
        Action::PlanCreate => k!("act_plan_create"),
        Action::PlanUpdate => k!("act_plan_update"),
        Action::PlanNodeCreate => k!("act_plan_node_create"),
        Action::PlanNodeUpdate => k!("act_plan_node_update"),
        Action::ActionItemReminder => k!("act_action_item_reminder"),
        Action::CalendarTokenIssue => k!("act_calendar_token_issue"),
        Action::CalendarTokenRevoke => k!("act_calendar_token_revoke"),
        Action::UserEmailChange => k!("act_user_email_change"),
        Action::ReportingLineChange => k!("act_reporting_line_change"),
        Action::LetterForward => k!("act_letter_forward"),
        Action::DispositionReminder => k!("act_disposition_reminder"),
        Action::AreaCreate => k!("act_area_create"),
        Action::AreaUpdate => k!("act_area_update"),
        Action::AreaPostCreate => k!("act_area_post_create"),
        Action::AreaPostReportCreate => k!("act_area_post_report_create"),
        Action::CaseCreate => k!("act_case_create"),
        Action::CaseUpdate => k!("act_case_update"),
        Action::CaseStageRecord => k!("act_case_stage_record"),
        Action::CasePersonAdd => k!("act_case_person_add"),
        Action::CasePersonDecrypt => k!("act_case_person_decrypt"),
        Action::CasePersonShred => k!("act_case_person_shred"),
        Action::CasePersonShare => k!("act_case_person_share"),
        Action::CasePersonUnshare => k!("act_case_person_unshare"),
        Action::FormPublish => k!("act_form_publish"),
        Action::FormMediaUpload => k!("act_form_media_upload"),
        Action::FormDeviceLink => k!("act_form_device_link"),
        Action::FormDeviceRevoke => k!("act_form_device_revoke"),
        Action::SubmissionReceive => k!("act_submission_receive"),
        Action::SubmissionEdit => k!("act_submission_edit"),
        Action::SubmissionFile => k!("act_submission_file"),
        Action::SubmissionReview => k!("act_submission_review"),
        Action::CampaignCreate => k!("act_campaign_create"),
        Action::CampaignIndexCreate => k!("act_campaign_index_create"),
        Action::CampaignReminder => k!("act_campaign_reminder"),
        Action::CaseServiceUpdate => k!("act_case_service_update"),
        Action::CaseTransferRequest => k!("act_case_transfer_request"),
        Action::CaseTransferDecide => k!("act_case_transfer_decide"),
        Action::CaseSettingsChange => k!("act_case_settings_change"),
        Action::CaseDeadlineReminder => k!("act_case_deadline_reminder"),
        Action::CaseEvidenceAdd => k!("act_case_evidence_add"),
        Action::CaseCustodyRecord => k!("act_case_custody_record"),
        Action::CaseTaskRequest => k!("act_case_task_request"),
        Action::CaseTaskAnswer => k!("act_case_task_answer"),
        // An action added to the domain later shows as its stored name until it gets
        // words of its own here.
        #[allow(unreachable_patterns)]
        _ => return a.as_str().to_string(),
    };
    tr(lang, key)
}

/// `k1=v1&k2=v2` with the values URL-encoded; empty values are left out.
fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A `YYYY-MM-DD` day as the RFC 3339 time of its first or last second in WIB; `None`
/// when empty, `Err` when it is not a date.
fn day_bound(s: &str, end: bool) -> Result<Option<String>, ()> {
    if s.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ())?;
    let time = if end { "23:59:59" } else { "00:00:00" };
    Ok(Some(format!("{d}T{time}+07:00")))
}

/// The kind of record an entry names, in words; a kind added later shows as stored.
fn record_type_label(lang: Lang, t: &str) -> String {
    let key = match t {
        "report" => k!("rt_report"),
        "agreement" => k!("rt_agreement"),
        "user" => k!("rt_user"),
        "agency" => k!("rt_agency"),
        "setting" => k!("rt_setting"),
        "alert" => k!("rt_alert"),
        "device" => k!("rt_device"),
        "fence" => k!("rt_fence"),
        "rule" => k!("rt_rule"),
        "subject" => k!("rt_subject"),
        "webhook" => k!("rt_webhook"),
        "patrol" => k!("rt_patrol"),
        "letter" => k!("rt_letter"),
        "group" => k!("rt_group"),
        "meeting" => k!("rt_meeting"),
        "action_item" => k!("rt_action_item"),
        "plan" => k!("rt_plan"),
        "plan_node" => k!("rt_plan_node"),
        "case" => k!("rt_case"),
        "case_person" => k!("rt_case_person"),
        "case_evidence" => k!("rt_case_evidence"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

/// The page of a record an entry names, when the UI has one.
fn record_href(record_type: Option<&str>, id: &str) -> Option<String> {
    match record_type? {
        "report" => Some(format!("/laporan/{}", urlencode(id))),
        "agreement" => Some(format!("/perjanjian/{}", urlencode(id))),
        "letter" => Some(format!("/surat/{}", urlencode(id))),
        "plan" => Some(format!("/rencana/{}", urlencode(id))),
        "case" => Some(format!("/perkara/{}", urlencode(id))),
        _ => None,
    }
}

/// `GET /admin/audit?actor=&record=&action=&dari=&sampai=&cursor=`.
pub(crate) async fn audit(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !page.may(sinergi_core::permission::Action::ReadAuditTrail) {
        return page.error(AppError::Forbidden(
            "only administrators read the audit trail".into(),
        ));
    }
    let lang = page.lang;
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let (actor, record, action, dari, sampai, cursor) = (
        f.text("actor"),
        f.text("record"),
        f.text("action"),
        f.text("dari"),
        f.text("sampai"),
        f.text("cursor"),
    );
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut summary: Vec<String> = Vec::new();
    let mut push = |field: &str, label_key: &str, msg: String| {
        summary.push(format!("{}: {msg}", tr(lang, label_key)));
        errors.entry(field.to_string()).or_default().push(msg);
    };
    let (since, until) = (day_bound(&dari, false), day_bound(&sampai, true));
    let dates_ok = since.is_ok() && until.is_ok();
    if since.is_err() {
        push("dari", k!("date_from"), tr(lang, k!("bad_date")));
    }
    if until.is_err() {
        push("sampai", k!("date_to"), tr(lang, k!("bad_date")));
    }
    let (since, until) = (since.ok().flatten(), until.ok().flatten());
    let raw = RawAuditQuery {
        actor: Some(actor.clone()),
        record: Some(record.clone()),
        action: Some(action.clone()),
        since: since.clone(),
        until: until.clone(),
        limit: Some(PAGE_SIZE.into()),
        cursor: Some(cursor.clone()),
        ..Default::default()
    };
    let mut entries = Vec::new();
    let mut next_cursor = None;
    match st.app.audit_filter(&page.authed.actor, &raw) {
        Ok(filter) if dates_ok => match st.app.audit_entries(&filter).await {
            Ok(list) => {
                if list.len() == filter.limit as usize {
                    next_cursor = list.last().map(|e| e.seq);
                }
                entries = list;
            }
            Err(e) => return page.error(e),
        },
        Ok(_) => {}
        Err(AppError::Validation(v)) => {
            for e in &v.errors {
                let (field, label) = match e.field.as_str() {
                    "since" => ("dari", k!("date_from")),
                    "until" => ("sampai", k!("date_to")),
                    "action" => ("action", k!("audit_action")),
                    "actor" => ("actor", k!("audit_actor")),
                    "record" => ("record", k!("audit_record")),
                    _ => ("cursor", k!("pages")),
                };
                push(field, label, core_message(lang, &e.message));
            }
        }
        Err(e) => return page.error(e),
    }
    // Reports are linked only where the administrator may open them (an entry may name
    // another agency's report that one of their users read under an agreement).
    let report_ids: Vec<ReportId> = entries
        .iter()
        .filter(|e| e.record_type.as_deref() == Some("report"))
        .filter_map(|e| e.record_id.as_deref().and_then(ReportId::parse))
        .collect();
    let openable = match st
        .app
        .visible_report_ids(&page.authed.actor, &report_ids)
        .await
    {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            let label = Action::parse(&e.action).map(|a| action_label(lang, a));
            let record_id = e.record_id.as_deref().unwrap_or("");
            let linked = e.record_type.as_deref() != Some("report")
                || ReportId::parse(record_id).is_some_and(|id| openable.contains(&id));
            context! {
                seq => e.seq,
                time => show_time(Zone::Wib, e.at),
                iso => e.at.to_rfc3339(),
                actor => e.actor.as_str(),
                actor_href => format!("/admin/audit?{}", query_string(&[("actor", &e.actor)])),
                action => e.action.as_str(),
                action_label => label,
                record_type => e.record_type.as_deref().map(|t| record_type_label(lang, t)),
                record_id => record_id,
                record_href => record_href(e.record_type.as_deref(), record_id).filter(|_| linked),
                detail => e.detail.to_string(),
                hash => e.hash.get(..12).unwrap_or(&e.hash),
                full_hash => e.hash.as_str(),
            }
        })
        .collect();
    let kept = [
        ("actor", actor.as_str()),
        ("record", record.as_str()),
        ("action", action.as_str()),
        ("dari", dari.as_str()),
        ("sampai", sampai.as_str()),
    ];
    let next_href = next_cursor.map(|c| {
        let c = c.to_string();
        let mut pairs = kept.to_vec();
        pairs.push(("cursor", &c));
        format!("/admin/audit?{}", query_string(&pairs))
    });
    let first_href = format!("/admin/audit?{}", query_string(&kept));
    let none = String::new();
    let csv_href = format!(
        "/api/v1/audit?{}",
        query_string(&[
            ("format", "csv"),
            ("actor", &actor),
            ("record", &record),
            ("action", &action),
            ("since", since.as_ref().unwrap_or(&none)),
            ("until", until.as_ref().unwrap_or(&none)),
            ("limit", CSV_LIMIT),
        ])
    );
    let actions: Vec<Value> = Action::ALL
        .iter()
        .map(|a| context! { key => a.as_str(), label => action_label(lang, *a) })
        .collect();
    let filtered = kept.iter().any(|(_, v)| !v.is_empty());
    render(
        StatusCode::OK,
        "audit.html",
        context! {
            f => context! { actor => actor, record => record, action => action, dari => dari, sampai => sampai },
            actions => actions,
            entries => rows,
            errors => errors,
            error_summary => summary,
            filtered => filtered,
            next_href => next_href,
            first_href => first_href,
            is_later_page => !cursor.is_empty(),
            csv_href => csv_href,
            ..page_ctx(&page, "audit")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_wib_bounds() {
        assert_eq!(
            day_bound("2025-05-01", false),
            Ok(Some("2025-05-01T00:00:00+07:00".into()))
        );
        assert_eq!(
            day_bound("2025-05-01", true),
            Ok(Some("2025-05-01T23:59:59+07:00".into()))
        );
        assert_eq!(day_bound("", true), Ok(None));
        assert_eq!(day_bound("1/5/2025", true), Err(()));
    }

    #[test]
    fn records_link_to_their_pages() {
        assert_eq!(
            record_href(Some("agreement"), "abc").as_deref(),
            Some("/perjanjian/abc")
        );
        assert_eq!(record_href(Some("user"), "ana"), None);
        assert_eq!(record_href(None, "x"), None);
    }
}
