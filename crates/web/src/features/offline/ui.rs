//! `/kirim` (the outbox) and `/kawal-desa` (a village sighting). Both pages are the shell
//! for their scripts: everything they show of the outbox lives on the phone, so the
//! server renders only the words (from the catalogue) and the choices. Kawal Desa's
//! choices map onto the report types the early-warning engine already reads
//! (`wildlife_sighting`, `hwc_crop_raid`, `hwc_damage`), so a sighting raises alerts
//! when it arrives like any other.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::access;
use sinergi_regions::Level;

use crate::i18n::{k, tr, Lang};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::Page;
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::get;
    vec![("/kirim", get(outbox)), ("/kawal-desa", get(kawal_desa))]
}

/// The words of the outbox list, for `static/offline.js`.
fn outbox_words(lang: Lang) -> serde_json::Value {
    json!({
        "empty": tr(lang, k!("outbox_empty")),
        "kind_report": tr(lang, k!("outbox_kind_report")),
        "kind_patch": tr(lang, k!("outbox_kind_patch")),
        "kind_gpx": tr(lang, k!("outbox_kind_gpx")),
        "kind_form": tr(lang, k!("outbox_kind_form")),
        "state_waiting": tr(lang, k!("outbox_state_waiting")),
        "state_failed": tr(lang, k!("outbox_state_failed")),
        "state_sent": tr(lang, k!("outbox_state_sent")),
        "state_conflict": tr(lang, k!("outbox_state_conflict")),
        "photos": tr(lang, k!("outbox_photos")),
        "open": tr(lang, k!("outbox_open")),
        "delete": tr(lang, k!("outbox_delete")),
        "retry": tr(lang, k!("outbox_retry")),
        "forget": tr(lang, k!("outbox_forget")),
        "delete_confirm": tr(lang, k!("outbox_delete_confirm")),
        "conflict": tr(lang, k!("outbox_conflict")),
        "field": tr(lang, k!("outbox_field")),
        "mine": tr(lang, k!("outbox_mine")),
        "theirs": tr(lang, k!("outbox_theirs")),
        "keep_mine": tr(lang, k!("outbox_keep_mine")),
        "take_theirs": tr(lang, k!("outbox_take_theirs")),
        "f_title": tr(lang, k!("title")),
        "f_description": tr(lang, k!("description")),
        "f_occurred_at": tr(lang, k!("occurred_at")),
        "f_sensitivity": tr(lang, k!("sensitivity")),
        "f_attributes": tr(lang, k!("attributes")),
    })
}

/// `GET /kirim`: the outbox of this phone, listed by its script.
pub(crate) async fn outbox(page: Page) -> Response {
    render(
        StatusCode::OK,
        "kirim.html",
        context! {
            words => json_for_script(&outbox_words(page.lang)),
            ..page_ctx(&page, "outbox")
        },
    )
}

/// The species Kawal Desa offers for damage, from the report types' own list.
fn species(st: &AppState, lang: Lang) -> Vec<minijinja::Value> {
    st.app
        .report_type("hwc_damage")
        .and_then(|t| t.field("species").map(|f| f.options.clone()))
        .unwrap_or_default()
        .iter()
        .map(|o| context! { value => o.value.as_str(), label => lang.pick(&o.label_id, &o.label_en) })
        .collect()
}

/// `GET /kawal-desa`: what was seen, how many, where, a photo; saved on the phone and
/// sent when there is a signal.
pub(crate) async fn kawal_desa(State(st): State<AppState>, page: Page) -> Response {
    if !access::can_create_report(&page.authed.actor) {
        return page.error(AppError::Forbidden("analysts cannot record reports".into()));
    }
    let needed = ["wildlife_sighting", "hwc_crop_raid", "hwc_damage"];
    if needed.iter().any(|t| st.app.report_type(t).is_none()) {
        return page.error(AppError::NotFound);
    }
    let lang = page.lang;
    let region = page
        .agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .and_then(|c| st.app.gazetteer().get(c));
    let center = match region {
        Some(r) => {
            let zoom = match r.level {
                Level::Province => 8,
                Level::Regency => 10,
                Level::District => 12,
                Level::Village => 14,
            };
            context! { lon => r.lon, lat => r.lat, zoom => zoom }
        }
        None => context! { lon => 118.0, lat => -2.5, zoom => 4 },
    };
    render(
        StatusCode::OK,
        "kawal_desa.html",
        context! {
            species => species(&st, lang),
            center => center,
            ..page_ctx(&page, "kawal_desa")
        },
    )
}
