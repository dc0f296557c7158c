//! The geofence editor (`/peringatan/area`): the list, the add form and editing one area.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::{json, Value as Json};
use sinergi_app::AppError;
use sinergi_core::input::Body;
use sinergi_core::time::Zone;
use sinergi_core::warning::body::{FenceChanges, NewFence};
use sinergi_core::warning::{Fence, FenceId, Shape, FENCE_KINDS};
use sinergi_regions::{Level, Region};

use super::*;
use crate::ui::format::home_zone;
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::{FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- areas (fences) ----------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Serialize)]
struct FenceValues {
    nama: String,
    jenis: String,
    /// How the shape is given: `wilayah`, `peta`, `geojson`, or (editing) `tetap`.
    cara: String,
    /// The chosen region's code.
    wilayah: String,
    /// What was typed into the region search.
    cari_wilayah: String,
    radius: String,
    bentuk: String,
    bentuk_peta: String,
    jenis_gambar: String,
    /// The version the edit form was opened on.
    versi: String,
}

impl FenceValues {
    fn from_form(f: &FormData) -> Self {
        let cara = match f.get("cara") {
            Some(c @ ("wilayah" | "peta" | "geojson" | "tetap")) => c.to_string(),
            _ => "wilayah".into(),
        };
        FenceValues {
            nama: f.text("nama"),
            jenis: f.text("jenis"),
            cara,
            wilayah: f.text("wilayah"),
            cari_wilayah: f.text("cari_wilayah"),
            radius: f.text("radius"),
            bentuk: f.get("bentuk").unwrap_or("").trim().to_string(),
            bentuk_peta: f.get("bentuk_peta").unwrap_or("").trim().to_string(),
            jenis_gambar: if f.get("jenis_gambar") == Some("garis") {
                "garis".into()
            } else {
                "area".into()
            },
            versi: f.text("versi"),
        }
    }

    /// A stored fence as the edit form shows it: its shape kept, and ready to be given
    /// again from its region (a circle's radius filled in), modified on the map (one
    /// polygon or line of at most [`EDITABLE_POINTS`] points) or as GeoJSON (a circle as
    /// the polygon maps draw for it).
    fn of(f: &Fence) -> Self {
        let json = f.shape.to_geojson();
        let text = json.to_string();
        // The drawing tool modifies one line, or one polygon without holes.
        let points = match json.get("type").and_then(Json::as_str) {
            Some("LineString") => json["coordinates"].as_array().map(Vec::len),
            Some("Polygon") => json["coordinates"]
                .as_array()
                .filter(|rings| rings.len() == 1)
                .and_then(|rings| rings[0].as_array())
                .map(Vec::len),
            _ => None,
        };
        let drawable = points.is_some_and(|n| n <= EDITABLE_POINTS);
        FenceValues {
            nama: f.name.clone(),
            jenis: f.kind.clone(),
            cara: "tetap".into(),
            wilayah: f.region_code.clone().unwrap_or_default(),
            cari_wilayah: String::new(),
            radius: match f.shape {
                Shape::Circle { radius_m, .. } => format!("{}", radius_m.round()),
                _ => String::new(),
            },
            bentuk: if text.len() <= EDITABLE_GEOJSON_BYTES {
                serde_json::to_string_pretty(&json).unwrap_or(text.clone())
            } else {
                String::new()
            },
            bentuk_peta: if drawable { text } else { String::new() },
            jenis_gambar: if f.shape.is_line() {
                "garis".into()
            } else {
                "area".into()
            },
            versi: f.version.to_string(),
        }
    }
}

/// Shapes with more points than this are replaced rather than modified on the map.
const EDITABLE_POINTS: usize = 500;
/// A shape's GeoJSON longer than this is not put into the edit form's text box.
const EDITABLE_GEOJSON_BYTES: usize = 200_000;

fn shape_label(lang: Lang, s: &Shape) -> String {
    match s {
        Shape::Area(_) => tr(lang, k!("w_shape_area")),
        Shape::Line(_) => tr(lang, k!("w_shape_line")),
        Shape::Circle { radius_m, .. } => tr_args(
            lang,
            k!("w_shape_circle"),
            &[("r", &format!("{}", radius_m.round()))],
        ),
    }
}

/// The geometry of what was pasted or drawn: a geometry as is, a Feature's geometry, or a
/// FeatureCollection's one geometry (or its areas or lines joined into one Multi…).
fn geometry_of(v: Json) -> Result<Json, &'static str> {
    match v.get("type").and_then(Json::as_str) {
        Some("Feature") => Ok(v.get("geometry").cloned().unwrap_or(Json::Null)),
        Some("FeatureCollection") => {
            let geoms: Vec<Json> = v
                .get("features")
                .and_then(Json::as_array)
                .map(|fs| {
                    fs.iter()
                        .filter_map(|f| f.get("geometry").cloned())
                        .filter(|g| !g.is_null())
                        .collect()
                })
                .unwrap_or_default();
            if geoms.len() == 1 {
                return Ok(geoms[0].clone());
            }
            let ty = |g: &Json| {
                g.get("type")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let mut polys = Vec::new();
            let mut lines = Vec::new();
            for g in &geoms {
                let coords = g.get("coordinates").cloned().unwrap_or(Json::Null);
                match ty(g).as_str() {
                    "Polygon" => polys.push(coords),
                    "MultiPolygon" => polys.extend(coords.as_array().cloned().unwrap_or_default()),
                    "LineString" => lines.push(coords),
                    "MultiLineString" => {
                        lines.extend(coords.as_array().cloned().unwrap_or_default())
                    }
                    _ => return Err(k!("w_mixed_collection")),
                }
            }
            match (polys.is_empty(), lines.is_empty()) {
                (false, true) => Ok(json!({"type": "MultiPolygon", "coordinates": polys})),
                (true, false) => Ok(json!({"type": "MultiLineString", "coordinates": lines})),
                _ => Err(k!("w_mixed_collection")),
            }
        }
        _ => Ok(v),
    }
}

/// Where an error of `create_fence` or `update_fence` belongs on the form.
fn fence_place(lang: Lang, cara: &str, field: &str) -> (&'static str, String) {
    let shape_field = if cara == "peta" {
        "bentuk_peta"
    } else {
        "bentuk"
    };
    match field {
        "name" => ("nama", tr(lang, k!("w_name"))),
        "kind" => ("jenis", tr(lang, k!("w_kind"))),
        "region" => ("wilayah", tr(lang, k!("w_region"))),
        "radius_m" => ("radius", tr(lang, k!("w_radius"))),
        f if f.starts_with("shape") => (shape_field, tr(lang, k!("w_shape"))),
        _ => ("lain", crate::i18n::field_or_other(lang, field)),
    }
}

// ---- finding a region by name ----

fn level_label(lang: Lang, level: Level) -> String {
    tr(
        lang,
        match level {
            Level::Province => k!("w_lvl_province"),
            Level::Regency => k!("w_lvl_regency"),
            Level::District => k!("w_lvl_district"),
            Level::Village => k!("w_lvl_village"),
        },
    )
}

/// A region as a match is offered: "Labuhan Ratu IX — desa/kelurahan, Labuhan Ratu,
/// Kabupaten Lampung Timur (18.07.21.2011)": its level and the two regions it lies in,
/// which tell it from its namesakes.
fn region_label(st: &AppState, lang: Lang, r: &Region) -> String {
    let g = st.app.gazetteer();
    let mut parts = vec![level_label(lang, r.level)];
    let mut up = r.parent.as_deref().and_then(|c| g.get(c));
    while let Some(p) = up {
        if parts.len() == 3 {
            break;
        }
        parts.push(p.name.clone());
        up = p.parent.as_deref().and_then(|c| g.get(c));
    }
    format!("{} — {} ({})", r.name, parts.join(", "), r.code)
}

/// The region search's matches, as the form offers them.
#[derive(Default)]
struct RegionMatches {
    options: Vec<Value>,
    title: Option<String>,
}

/// How many matches the form lists.
const REGION_MATCHES: usize = 20;

/// The region search step of a submitted area form, when it is one: the "Cari" button
/// (`langkah=cari`), or saving "by region" with text still in the search box (the text
/// must become a chosen region first). A text that is a region code chooses it. `None`
/// when the form goes on to be saved; otherwise the status, the matches to choose from
/// and what to say, and nothing is saved.
fn region_step(
    st: &AppState,
    lang: Lang,
    v: &mut FenceValues,
    explicit: bool,
) -> Option<(StatusCode, RegionMatches, FormErrors)> {
    let q = v.cari_wilayah.trim().to_string();
    if !explicit && (v.cara != "wilayah" || q.is_empty()) {
        return None;
    }
    v.cara = "wilayah".into();
    let g = st.app.gazetteer();
    let mut errors = FormErrors::default();
    let mut found = RegionMatches::default();
    let label = tr(lang, k!("w_region_search"));
    if let Some(r) = g.get(&q) {
        v.wilayah = r.code.clone();
        v.cari_wilayah.clear();
        return explicit.then_some((StatusCode::OK, found, errors));
    }
    if q.is_empty() {
        errors.push("cari_wilayah", &label, tr(lang, k!("w_region_type_name")));
        return Some((UNPROCESSABLE, found, errors));
    }
    let hits = g.search(&q, REGION_MATCHES);
    if hits.is_empty() {
        errors.push(
            "cari_wilayah",
            &label,
            tr_args(lang, k!("w_region_no_match"), &[("q", &q)]),
        );
        return Some((UNPROCESSABLE, found, errors));
    }
    // The region chosen before stays on offer, first.
    if let Some(r) = g.get(&v.wilayah) {
        if !hits.iter().any(|h| h.code == r.code) {
            found
                .options
                .push(context! { code => r.code.as_str(), label => region_label(st, lang, r) });
        }
    }
    found.options.extend(
        hits.iter()
            .map(|r| context! { code => r.code.as_str(), label => region_label(st, lang, r) }),
    );
    found.title = Some(tr_args(lang, k!("w_region_matches"), &[("q", &q)]));
    v.cari_wilayah.clear();
    if explicit {
        Some((StatusCode::OK, found, errors))
    } else {
        errors.push(
            "wilayah",
            &tr(lang, k!("w_region")),
            tr(lang, k!("w_region_pick")),
        );
        Some((UNPROCESSABLE, found, errors))
    }
}

/// Puts the form's shape into the app's body (`region` and `radius_m`, or `shape`;
/// nothing to keep the stored one) or says what is missing.
fn shape_input(lang: Lang, v: &FenceValues, input: &mut Json, errors: &mut FormErrors) {
    match v.cara.as_str() {
        "tetap" => {}
        "wilayah" => {
            if v.wilayah.is_empty() {
                errors.push(
                    "wilayah",
                    &tr(lang, k!("w_region")),
                    tr(lang, k!("w_region_choose_first")),
                );
            } else {
                input["region"] = json!(v.wilayah);
            }
            if !v.radius.is_empty() {
                input["radius_m"] = number(&v.radius);
            }
        }
        _ => {
            let (field, text, empty_key) = if v.cara == "peta" {
                ("bentuk_peta", &v.bentuk_peta, k!("w_draw_first"))
            } else {
                ("bentuk", &v.bentuk, k!("w_paste_first"))
            };
            let label = tr(lang, k!("w_shape"));
            if text.is_empty() {
                errors.push(field, &label, tr(lang, empty_key));
            } else {
                match serde_json::from_str::<Json>(text) {
                    // The parser's own words are English; where it stopped is what helps.
                    Err(e) => errors.push(
                        field,
                        &label,
                        tr_args(
                            lang,
                            k!("w_not_json_at"),
                            &[
                                ("line", &e.line().to_string()),
                                ("column", &e.column().to_string()),
                            ],
                        ),
                    ),
                    Ok(j) => match geometry_of(j) {
                        Ok(g) => input["shape"] = g,
                        Err(key) => errors.push(field, &label, tr(lang, key)),
                    },
                }
            }
        }
    }
}

/// The texts and labels the area forms' script needs.
fn area_script_text(lang: Lang) -> Json {
    let mut text = script_text(lang);
    text["regions"] = json!({
        "chosen": tr(lang, k!("w_region_chosen")),
        "found": tr(lang, k!("w_region_results_count")),
        "none": tr(lang, k!("w_region_no_match")),
        "searching": tr(lang, k!("w_region_searching")),
        "failed": tr(lang, k!("w_region_search_failed")),
        "levels": {
            "province": level_label(lang, Level::Province),
            "regency": level_label(lang, Level::Regency),
            "district": level_label(lang, Level::District),
            "village": level_label(lang, Level::Village),
        },
    });
    text
}

/// The chosen region's words, if the code is one.
fn chosen_label(st: &AppState, lang: Lang, code: &str) -> Option<String> {
    st.app
        .gazetteer()
        .get(code)
        .map(|r| region_label(st, lang, r))
}

fn fence_kinds(lang: Lang) -> Vec<Value> {
    FENCE_KINDS
        .iter()
        .map(|k| context! { key => *k, label => fence_kind_label(lang, k) })
        .collect()
}

fn fence_feature(f: &Fence) -> Json {
    json!({
        "type": "Feature",
        "id": f.id.to_string(),
        "geometry": f.shape.to_geojson(),
        "properties": {"name": f.name, "active": f.active},
    })
}

// ---- the list and the add form ----

#[allow(clippy::too_many_arguments)]
async fn fences_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: FenceValues,
    errors: FormErrors,
    matches: RegionMatches,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let fences = match st.app.fences_for(&page.authed.actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let g = st.app.gazetteer();
    let fallback = home_zone(page);
    let rows: Vec<Value> = fences
        .iter()
        .map(|f| {
            let zone = f
                .region_code
                .as_deref()
                .map(Zone::for_region)
                .unwrap_or(fallback);
            context! {
                id => f.id.to_string(),
                name => f.name.as_str(),
                kind_label => fence_kind_label(lang, &f.kind),
                shape_label => shape_label(lang, &f.shape),
                region => f.region_code.as_deref().and_then(|c| g.get(c)).map(|r| format!("{} ({})", r.name, r.code)),
                active => f.active,
                created => zone.format(f.created_at),
            }
        })
        .collect();
    let features: Vec<Json> = fences.iter().map(fence_feature).collect();
    let data = json!({
        "text": area_script_text(lang),
        "center": home_center(st, page),
        "fences": {"type": "FeatureCollection", "features": features},
    });
    render(
        status,
        "peringatan_area.html",
        context! {
            fences => rows,
            kinds => fence_kinds(lang),
            chosen => chosen_label(st, lang, &values.wilayah),
            matches => matches.options,
            matches_title => matches.title,
            v => Value::from_serialize(&values),
            errors => errors.by_field,
            summary => errors.summary,
            notice => notice,
            can_configure => can_configure(page),
            editing => false,
            data_json => json_for_script(&data),
            ..page_ctx(page, "warning")
        },
    )
}

pub(crate) async fn fences(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let notice = pesan(page.lang, &query(q));
    let values = FenceValues {
        jenis: "village".into(),
        cara: "wilayah".into(),
        jenis_gambar: "area".into(),
        ..Default::default()
    };
    fences_page(
        &st,
        &page,
        StatusCode::OK,
        values,
        FormErrors::default(),
        RegionMatches::default(),
        notice,
    )
    .await
}

/// `POST /peringatan/area`: the form becomes the app's `{name, kind, region, radius_m}` or
/// `{name, kind, shape}`; what the app refuses is shown beside the form. The region
/// search step (`langkah=cari`) saves nothing and lists the matches.
pub(crate) async fn create_fence(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let mut v = FenceValues::from_form(&f);
    if let Some((status, matches, errors)) =
        region_step(&st, lang, &mut v, f.get("langkah") == Some("cari"))
    {
        return fences_page(&st, &page, status, v, errors, matches, None).await;
    }
    let mut errors = FormErrors::default();
    let mut input = json!({"name": v.nama, "kind": v.jenis});
    if v.cara == "tetap" {
        v.cara = "wilayah".into();
    }
    shape_input(lang, &v, &mut input, &mut errors);
    if !errors.is_empty() {
        if v.nama.is_empty() {
            errors.push(
                "nama",
                &tr(lang, k!("w_name")),
                tr(lang, "attribute-required"),
            );
        }
        return fences_page(
            &st,
            &page,
            UNPROCESSABLE,
            v,
            errors,
            RegionMatches::default(),
            None,
        )
        .await;
    }
    let body = NewFence::read(&input).unwrap_or_default();
    match st.app.create_fence(&page.authed.actor, &body).await {
        Ok(_) => Redirect::to("/peringatan/area?pesan=area").into_response(),
        Err(AppError::Validation(e)) => {
            errors.domain(lang, &e, |field| fence_place(lang, &v.cara, field));
            fences_page(
                &st,
                &page,
                UNPROCESSABLE,
                v,
                errors,
                RegionMatches::default(),
                None,
            )
            .await
        }
        Err(e) => page.error(e),
    }
}

// ---- editing one area ----

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    st: &AppState,
    page: &Page,
    id: FenceId,
    status: StatusCode,
    values: Option<FenceValues>,
    errors: FormErrors,
    matches: RegionMatches,
    stale: bool,
) -> Response {
    let lang = page.lang;
    if !can_configure(page) {
        return page.error(AppError::Forbidden(
            "coordinators and administrators set up early warning".into(),
        ));
    }
    let f = match st.app.fence_for(&page.authed.actor, id).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let values = values.unwrap_or_else(|| FenceValues::of(&f));
    let g = st.app.gazetteer();
    let data = json!({
        "text": area_script_text(lang),
        "center": home_center(st, page),
        "fences": {"type": "FeatureCollection", "features": [fence_feature(&f)]},
    });
    render(
        status,
        "peringatan_area_ubah.html",
        context! {
            fence_id => f.id.to_string(),
            fence_name => f.name.as_str(),
            current_shape => shape_label(lang, &f.shape),
            current_region => f.region_code.as_deref().and_then(|c| g.get(c)).map(|r| format!("{} ({})", r.name, r.code)),
            kinds => fence_kinds(lang),
            chosen => chosen_label(st, lang, &values.wilayah),
            matches => matches.options,
            matches_title => matches.title,
            v => Value::from_serialize(&values),
            errors => errors.by_field,
            summary => errors.summary,
            stale => stale,
            editing => true,
            data_json => json_for_script(&data),
            ..page_ctx(page, "warning")
        },
    )
}

/// `GET /peringatan/area/{id}/ubah`: the edit form, filled with the stored area.
pub(crate) async fn edit_fence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    edit_page(
        &st,
        &page,
        id,
        StatusCode::OK,
        None,
        FormErrors::default(),
        RegionMatches::default(),
        false,
    )
    .await
}

/// `POST /peringatan/area/{id}/ubah`: name, kind and (unless kept) the new shape, on the
/// version the form was opened on. Someone else's change in between is not overwritten:
/// the form comes back (409) with what was typed, the stored area on the map and the
/// current version, to be saved again.
pub(crate) async fn update_fence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let lang = page.lang;
    let mut v = FenceValues::from_form(&f);
    if let Some((status, matches, errors)) =
        region_step(&st, lang, &mut v, f.get("langkah") == Some("cari"))
    {
        return edit_page(&st, &page, id, status, Some(v), errors, matches, false).await;
    }
    let mut errors = FormErrors::default();
    let mut input = json!({"name": v.nama, "kind": v.jenis});
    shape_input(lang, &v, &mut input, &mut errors);
    if !errors.is_empty() {
        return edit_page(
            &st,
            &page,
            id,
            UNPROCESSABLE,
            Some(v),
            errors,
            RegionMatches::default(),
            false,
        )
        .await;
    }
    // A version that is not a number can never match, which is the honest answer.
    let version = v.versi.parse::<i64>().unwrap_or(-1);
    let body = FenceChanges::read(&input).unwrap_or_default();
    match st
        .app
        .update_fence(&page.authed.actor, id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to("/peringatan/area?pesan=diubah").into_response(),
        Err(AppError::Validation(e)) => {
            errors.domain(lang, &e, |field| fence_place(lang, &v.cara, field));
            edit_page(
                &st,
                &page,
                id,
                UNPROCESSABLE,
                Some(v),
                errors,
                RegionMatches::default(),
                false,
            )
            .await
        }
        Err(AppError::PreconditionFailed { current }) => {
            v.versi = current.to_string();
            edit_page(
                &st,
                &page,
                id,
                StatusCode::CONFLICT,
                Some(v),
                errors,
                RegionMatches::default(),
                true,
            )
            .await
        }
        Err(e) => page.error(e),
    }
}

pub(crate) async fn fence_active(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let on = active_flag(&f);
    match st.app.set_fence_active(&page.authed.actor, id, on).await {
        Ok(()) => Redirect::to(&format!(
            "/peringatan/area?pesan={}",
            if on { "aktif" } else { "nonaktif" }
        ))
        .into_response(),
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_geojson_becomes_one_geometry() {
        let poly = json!({"type": "Polygon", "coordinates": [[[105.0, -5.0], [105.1, -5.0], [105.1, -5.1], [105.0, -5.0]]]});
        assert_eq!(geometry_of(poly.clone()), Ok(poly.clone()));
        let feature = json!({"type": "Feature", "geometry": poly, "properties": {}});
        assert_eq!(geometry_of(feature.clone()), Ok(poly.clone()));
        let two = json!({"type": "FeatureCollection", "features": [feature.clone(), feature]});
        let joined = geometry_of(two).expect("two areas");
        assert_eq!(joined["type"], "MultiPolygon");
        assert_eq!(joined["coordinates"].as_array().map(Vec::len), Some(2));
        let line = json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[105.0, -5.0], [105.1, -5.1]]}});
        let mixed = json!({"type": "FeatureCollection", "features": [line, {"type": "Feature", "geometry": poly}]});
        assert_eq!(geometry_of(mixed), Err(k!("w_mixed_collection")));
    }
}
