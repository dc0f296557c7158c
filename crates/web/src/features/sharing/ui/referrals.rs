//! Sharing as the report page shows it: the notice on a copy delivered under an agreement
//! (which fields were withheld, how coarse the location is), and for the owner agency
//! the "shared with" section listing the report's referrals, the agreements in force that
//! share it, and the form to refer it to another agency.
//!
//! The handlers here must never act without a valid `_csrf` field. Who may refer or
//! revoke is the app's decision; the page only hides the form from those the same rule
//! would refuse and shows the app's refusal when it comes anyway.

use sinergi_core::agreement::ReferralBody;
use sinergi_core::input::Body as _;
use std::collections::{BTreeMap, HashMap};

use axum::extract::rejection::FormRejection;
use axum::extract::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use minijinja::{context, Value};
use serde::Serialize;
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::agreement::{AgencyTree, Agreement, Clause};
use sinergi_core::ids::{AgencyId, ReferralId, ReportId};
use sinergi_core::report::Report;
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::{Form as Delivered, Precision};
use sinergi_core::time::Zone;

use crate::ui::format;
use crate::ui::format::km;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::{show_time, Page, UNPROCESSABLE};
use crate::AppState;

/// How long a new referral lasts unless the user changes it.
const DEFAULT_REFERRAL_DAYS: i64 = 30;

/// The referral form as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ReferralValues {
    to: String,
    reason: String,
    until: String,
}

/// The referral form's state when the page is shown again after a refusal.
#[derive(Debug, Default)]
pub(crate) struct ReferralForm {
    values: Option<ReferralValues>,
    errors: BTreeMap<String, Vec<String>>,
    /// A refusal that belongs to no field (not allowed, already ended).
    message: Option<String>,
}

fn place_text(lang: Lang, p: Precision) -> String {
    match p {
        Precision::Exact => tr(lang, k!("place_exact")),
        Precision::Grid(m) => tr_args(lang, k!("place_grid"), &[("n", &km(m))]),
        Precision::Region => tr(lang, k!("place_region")),
    }
}

fn short_place(lang: Lang, p: Precision) -> String {
    match p {
        Precision::Exact => tr(lang, k!("prec_short_exact")),
        Precision::Grid(m) => format!("{} km", km(m)),
        Precision::Region => tr(lang, k!("prec_short_region")),
    }
}

/// The notice over a report delivered in less than full. `in_hierarchy` is true when
/// the viewer sees the report through the owner hierarchy, so only the location rule for
/// location-sensitive types applies, not an agreement.
/// Withheld fields are named by the catalogue's labels (`types`): an agreement may
/// withhold a field the report's own type lacks, as it names the fields of every type it
/// shares.
pub(crate) fn delivered_notice(
    lang: Lang,
    form: &Delivered,
    types: &[ReportType],
    ty: Option<&ReportType>,
    in_hierarchy: bool,
) -> Option<String> {
    let Delivered::Shared {
        withheld,
        precision,
    } = form
    else {
        return None;
    };
    let place = place_text(lang, *precision);
    if in_hierarchy && withheld.is_empty() {
        return Some(tr_args(lang, k!("sensitive_notice"), &[("place", &place)]));
    }
    let fields = if withheld.is_empty() {
        tr(lang, k!("none_word"))
    } else {
        withheld
            .iter()
            .map(|w| crate::ui::withheld_field_label(lang, types, ty, w))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(tr_args(
        lang,
        k!("shared_notice"),
        &[("fields", &fields), ("place", &place)],
    ))
}

/// Does `c` of agreement `a` share report `r` (of category `category`) onward?
fn clause_shares(
    a: &Agreement,
    c: &Clause,
    r: &Report,
    category: Option<&str>,
    tree: &AgencyTree,
) -> bool {
    let roots: Vec<AgencyId> = match c.from {
        Some(f) => vec![f],
        None => a.parties.clone(),
    };
    let owner = r.owner_agency_id;
    let from_ok = roots
        .iter()
        .any(|root| *root == owner || (c.include_subagencies && tree.is_within(owner, *root)));
    let type_ok = c.report_types.contains(&r.type_key)
        || category.is_some_and(|cat| c.categories.iter().any(|x| x == cat));
    from_ok && type_ok && r.sensitivity <= c.max_sensitivity
}

/// One line per clause in force that shares `r`: "Perjanjian PKS/01/2025: ke POLDA-JAMBI,
/// tanpa suspect_names, lokasi 1 km".
fn agreement_lines(
    lang: Lang,
    r: &Report,
    agreements: &[Agreement],
    agencies: &[Agency],
    types: &[ReportType],
    now: chrono::DateTime<Utc>,
) -> Vec<Value> {
    let tree = AgencyTree::new(agencies.iter().map(|a| (a.id, a.parent_id)));
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    let code = |id: &AgencyId| {
        by_id
            .get(id)
            .map(|a| a.code.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let ty = types.iter().find(|t| t.key == r.type_key);
    let category = ty.map(|t| t.category.as_str());
    // Location-sensitive types reach other agencies at 10 km or coarser, whatever the
    // clause says (the app's delivery rule), so the line says what really flows.
    let sensitive = ty.is_some_and(|t| t.location_sensitive);
    let mut out = Vec::new();
    for a in agreements.iter().filter(|a| a.in_force(now)) {
        for c in a
            .clauses
            .iter()
            .filter(|c| clause_shares(a, c, r, category, &tree))
        {
            let mut text = format!(
                "{} {}: {} {}",
                tr(lang, k!("word_agreement")),
                a.number,
                tr(lang, k!("word_to")),
                c.to.iter().map(code).collect::<Vec<_>>().join(", ")
            );
            if c.include_subagencies {
                text.push_str(&format!(" ({})", tr(lang, k!("with_sub"))));
            }
            if !c.withheld_fields.is_empty() {
                text.push_str(&format!(
                    ", {} {}",
                    tr(lang, k!("word_without")),
                    c.withheld_fields.join(", ")
                ));
            }
            text.push_str(&format!(
                ", {} {}",
                tr(lang, k!("word_location")),
                short_place(
                    lang,
                    if sensitive {
                        c.precision.coarser(Precision::Grid(10_000))
                    } else {
                        c.precision
                    }
                )
            ));
            out.push(context! { href => format!("/perjanjian/{}", a.id), text => text });
        }
    }
    out
}

/// May the actor manage the referrals of `r` (refer it, revoke any referral)? The app's
/// rule, used only to choose what to show.
fn manages(page: &Page, r: &Report) -> bool {
    let actor = &page.authed.actor;
    r.owner_agency_id == actor.agency_id
        && (r.author_id == actor.user_id
            || actor.may(sinergi_core::permission::Action::ManageAgencyReports))
}

/// The "shared with" section for viewers of the owner agency; `None` for everyone else.
pub(crate) async fn section(
    st: &AppState,
    page: &Page,
    r: &Report,
    zone: Zone,
    form: &ReferralForm,
) -> Result<Option<Value>, AppError> {
    let lang = page.lang;
    let actor = &page.authed.actor;
    if r.owner_agency_id != actor.agency_id {
        return Ok(None);
    }
    let referrals = st.app.referrals(actor, r.id).await?;
    let agencies = st.app.agencies().await?;
    let agreements = st.app.agreements_for(actor).await?;
    let types = st.app.report_types();
    let now = st.app.now();
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    let manager = manages(page, r);
    let mut referrals = referrals;
    referrals.sort_by_key(|x| std::cmp::Reverse(x.created_at));
    let rows: Vec<Value> = referrals
        .iter()
        .map(|x| {
            let (state, label) = if x.revoked_at.is_some() {
                ("revoked", tr(lang, k!("ref_revoked")))
            } else if x.until <= now {
                ("ended", tr(lang, k!("ref_ended")))
            } else {
                ("active", tr(lang, k!("ref_active")))
            };
            let agency = x.to_agency.and_then(|id| by_id.get(&id));
            context! {
                id => x.id.to_string(),
                agency_code => agency.map(|a| a.code.to_string()).unwrap_or_else(|| x.kind.clone()),
                agency_name => agency.map(|a| a.name.clone()).unwrap_or_default(),
                reason => x.reason.as_str(),
                until => show_time(zone, x.until),
                until_iso => x.until.to_rfc3339(),
                state => state,
                state_label => label,
                can_revoke => state == "active"
                    && (manager || (r.owner_agency_id == actor.agency_id && x.created_by == actor.user_id)),
            }
        })
        .collect();
    let mut targets: Vec<&Agency> = agencies
        .iter()
        .filter(|a| a.id != r.owner_agency_id)
        .collect();
    targets.sort_by(|a, b| a.code.cmp(&b.code));
    let targets: Vec<Value> = targets
        .iter()
        .map(|a| context! { code => a.code.as_str(), label => format!("{} — {}", a.code, a.name) })
        .collect();
    let zone_offset = format::zone_value(zone);
    let values = form.values.clone().unwrap_or_else(|| {
        let until = (now + Duration::days(DEFAULT_REFERRAL_DAYS)).fixed_offset();
        ReferralValues {
            until: format::rfc3339_to_local(&until, zone_offset),
            ..Default::default()
        }
    });
    let lines = agreement_lines(lang, r, &agreements, &agencies, &types, now);
    Ok(Some(context! {
        referrals => rows,
        agreements => lines,
        can_refer => manager,
        targets => targets,
        v => Value::from_serialize(&values),
        errors => form.errors.clone(),
        message => form.message.clone(),
        zone => zone_offset,
        until_label => tr_args(lang, k!("until_zone"), &[("zone", &zone.abbreviation())]),
    }))
}

/// What a referral form's POST leads to: a finished answer, or the report page shown
/// again with the form's state. The report pages (which own the routes under
/// `/laporan/{id}`) render the latter, so these pages never depend on them.
pub(crate) enum Outcome {
    Done(Response),
    Again(ReportId, StatusCode, ReferralForm),
}

/// `POST /laporan/{id}/rujukan` (routed by the report pages) with `to`, `reason`, `until` (a `datetime-local` value)
/// and `zona`, the offset of the report's zone that the page rendered.
pub(crate) async fn refer(
    st: &AppState,
    page: &Page,
    id: &str,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Outcome {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return Outcome::Done(resp),
    };
    let Some(id) = ReportId::parse(id) else {
        return Outcome::Done(page.error(AppError::NotFound));
    };
    let lang = page.lang;
    let values = ReferralValues {
        to: f.text("to"),
        reason: f.text("reason"),
        until: f.text("until"),
    };
    let zone = format::normalize_zone(&f.text("zona"));
    // A value that is not a date and time is passed on as typed, so the app names it.
    let until =
        format::local_to_rfc3339(&values.until, zone).unwrap_or_else(|| values.until.clone());
    let mut body = serde_json::Map::new();
    if !values.to.is_empty() {
        body.insert("to".into(), json!(values.to));
    }
    body.insert("reason".into(), json!(values.reason));
    body.insert("until".into(), json!(until));
    match st
        .app
        .refer_report(
            &page.authed.actor,
            id,
            &ReferralBody::read(&serde_json::Value::Object(body)).unwrap_or_default(),
        )
        .await
    {
        Ok(_) => Outcome::Done(
            Redirect::to(&format!("/laporan/{id}?pesan=rujukan#dibagikan")).into_response(),
        ),
        Err(AppError::Validation(v)) => {
            let mut form = ReferralForm {
                values: Some(values),
                ..Default::default()
            };
            for e in &v.errors {
                let msg = core_message(lang, &e.message);
                match e.field.as_str() {
                    f @ ("to" | "reason" | "until") => {
                        form.errors.entry(f.to_string()).or_default().push(msg);
                    }
                    other => {
                        form.message = Some(format!("{other}: {msg}"));
                    }
                }
            }
            Outcome::Again(id, UNPROCESSABLE, form)
        }
        Err(AppError::Forbidden(_)) => {
            let form = ReferralForm {
                values: Some(values),
                message: Some(tr(lang, k!("refer_forbidden"))),
                ..Default::default()
            };
            Outcome::Again(id, StatusCode::FORBIDDEN, form)
        }
        Err(e) => Outcome::Done(page.error(e)),
    }
}

/// `POST /laporan/{id}/rujukan/{referral}/cabut` (routed by the report pages): ends a referral at once.
pub(crate) async fn revoke_referral(
    st: &AppState,
    page: &Page,
    id: &str,
    referral: &str,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Outcome {
    if let Err(resp) = page.checked_form(body) {
        return Outcome::Done(resp);
    }
    let (Some(id), Some(referral)) = (ReportId::parse(id), ReferralId::parse(referral)) else {
        return Outcome::Done(page.error(AppError::NotFound));
    };
    let lang = page.lang;
    match st
        .app
        .revoke_referral(&page.authed.actor, id, referral)
        .await
    {
        Ok(()) => Outcome::Done(
            Redirect::to(&format!("/laporan/{id}?pesan=rujukan_dicabut#dibagikan")).into_response(),
        ),
        Err(AppError::Conflict(_)) => {
            let form = ReferralForm {
                message: Some(tr(lang, k!("referral_already_ended"))),
                ..Default::default()
            };
            Outcome::Again(id, StatusCode::CONFLICT, form)
        }
        Err(AppError::Forbidden(_)) => {
            let form = ReferralForm {
                message: Some(tr(lang, k!("revoke_referral_forbidden"))),
                ..Default::default()
            };
            Outcome::Again(id, StatusCode::FORBIDDEN, form)
        }
        Err(e) => Outcome::Done(page.error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_withheld_fields_and_the_precision() {
        let types = sinergi_core::report_types::builtin();
        let ty = types.iter().find(|t| t.key == "narcotics_arrest");
        let form = Delivered::Shared {
            withheld: vec!["suspect_names".into(), "description".into()],
            precision: Precision::Grid(1000),
        };
        let text = delivered_notice(Lang::Id, &form, &types, ty, false).expect("notice");
        assert!(text.starts_with("Dibagikan kepada instansi Anda berdasarkan perjanjian"));
        assert!(text.contains("Uraian"), "{text}");
        assert!(!text.contains("suspect_names"), "{text}");
        // A field of another shared type than the report's is named by its label too.
        let patrol = types.iter().find(|t| t.key == "patrol_finding");
        let text = delivered_notice(Lang::Id, &form, &types, patrol, false).expect("notice");
        assert!(text.contains("Nama terduga pelaku"), "{text}");
        assert!(text.contains("lokasi dibulatkan 1 km"), "{text}");
        assert_eq!(
            delivered_notice(Lang::Id, &Delivered::Full, &types, ty, false),
            None
        );
        let coarse = Delivered::Shared {
            withheld: vec![],
            precision: Precision::Grid(10_000),
        };
        let text = delivered_notice(Lang::En, &coarse, &types, ty, true).expect("notice");
        assert!(text.contains("location-sensitive"), "{text}");
    }
}
