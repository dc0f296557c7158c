//! The `/ogc` handlers: landing page, conformance, collections, items and one item. Every
//! answer is JSON (`application/json`, items `application/geo+json`), links are absolute
//! (GDAL follows `next` as given) and built from the request's own host; errors are
//! problem+json as on the API.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use serde_json::{json, Value};
use tower_http::set_header::SetResponseHeaderLayer;

use super::collections::{Collection, Described};
use super::query::{ItemsQuery, CRS84};
use crate::api_common::query_error;
use crate::auth::Authed;
use crate::features::{Limits, Routes};
use crate::problem::{self, ApiResult};
use crate::AppState;

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";

/// The conformance classes: the core and GeoJSON.
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// The `/ogc` routes. Each carries what the API's nest gives its routes: framework errors
/// as problems and `Cache-Control: no-store` (answers hold records the caller's role
/// decides).
pub(crate) fn routes(_: &Limits) -> Routes {
    fn glue(r: MethodRouter<AppState>) -> MethodRouter<AppState> {
        r.layer::<_, std::convert::Infallible>(axum::middleware::map_response(
            problem::framework_errors_as_problems,
        ))
        .layer::<_, std::convert::Infallible>(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
    }
    vec![
        ("/ogc", glue(get(landing))),
        ("/ogc/conformance", glue(get(conformance))),
        ("/ogc/collections", glue(get(collections))),
        ("/ogc/collections/{id}", glue(get(collection))),
        ("/ogc/collections/{id}/items", glue(get(items))),
        ("/ogc/collections/{id}/items/{fid}", glue(get(item))),
    ]
}

/// The scheme and host the client reached: `https` when Sinergi is served over HTTPS
/// (or, behind a trusted proxy, as `X-Forwarded-Proto` says), the `Host` the client sent.
/// A host that is not a plain name or address makes links relative.
pub(crate) fn origin(st: &AppState, uri: &Uri, headers: &HeaderMap) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let forwarded = st.app.config.trust_forwarded_for;
    let host = forwarded
        .then(|| text("x-forwarded-host"))
        .flatten()
        .or_else(|| text(header::HOST.as_str()))
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    let scheme = match forwarded.then(|| text("x-forwarded-proto")).flatten() {
        Some(p @ ("http" | "https")) => p,
        _ if st.secure_cookies => "https",
        _ => "http",
    };
    match host {
        Some(h) => format!("{scheme}://{h}"),
        None => String::new(),
    }
}

fn link(rel: &str, media_type: &str, href: String) -> Value {
    json!({"rel": rel, "type": media_type, "href": href})
}

fn answer(body: Value, media_type: &'static str) -> Response {
    let mut resp = axum::Json(body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    resp
}

/// Reads the query string, naming a parameter the client got wrong.
fn checked(q: Result<Query<Vec<(String, String)>>, QueryRejection>) -> ApiResult<ItemsQuery> {
    let Query(pairs) = q.map_err(query_error)?;
    ItemsQuery::parse(&pairs)
}

async fn landing(
    State(st): State<AppState>,
    _a: Authed,
    uri: Uri,
    headers: HeaderMap,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    only_format(q)?;
    let o = origin(&st, &uri, &headers);
    Ok(answer(
        json!({
            "title": "Sinergi",
            "description": "Laporan, patroli, area dan jejak satwa yang boleh Anda lihat / The reports, patrols, areas and tracks you may see (OGC API – Features)",
            "links": [
                link("self", JSON, format!("{o}/ogc")),
                link("service-desc", "application/vnd.oai.openapi+json;version=3.1", format!("{o}/api/openapi.json")),
                link("conformance", JSON, format!("{o}/ogc/conformance")),
                link("data", JSON, format!("{o}/ogc/collections")),
            ],
        }),
        JSON,
    ))
}

/// Pages other than the items take only `f=json`.
fn only_format(q: Result<Query<Vec<(String, String)>>, QueryRejection>) -> ApiResult<()> {
    let Query(pairs) = q.map_err(query_error)?;
    super::query::format_only(&pairs)
}

async fn conformance(
    _a: Authed,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    only_format(q)?;
    Ok(answer(json!({"conformsTo": CONFORMANCE}), JSON))
}

fn describe(o: &str, d: &Described) -> Value {
    let at = format!("{o}/ogc/collections/{}", d.id);
    json!({
        "id": d.id,
        "title": d.title,
        "description": d.description,
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link("self", JSON, at.clone()),
            link("items", GEOJSON, format!("{at}/items")),
        ],
    })
}

async fn collections(
    State(st): State<AppState>,
    _a: Authed,
    uri: Uri,
    headers: HeaderMap,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    only_format(q)?;
    let o = origin(&st, &uri, &headers);
    let list: Vec<Value> = Collection::all(&st.app)
        .iter()
        .map(|(_, d)| describe(&o, d))
        .collect();
    Ok(answer(
        json!({
            "links": [link("self", JSON, format!("{o}/ogc/collections"))],
            "collections": list,
        }),
        JSON,
    ))
}

async fn collection(
    State(st): State<AppState>,
    _a: Authed,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    only_format(q)?;
    let (_, d) = Collection::find(&st.app, &id)?;
    Ok(answer(describe(&origin(&st, &uri, &headers), &d), JSON))
}

async fn items(
    State(st): State<AppState>,
    a: Authed,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let q = checked(q)?;
    let (c, d) = Collection::find(&st.app, &id)?;
    let page = c.page(&st.app, &a.actor, &q).await?;
    let at = format!("{}/ogc/collections/{}/items", origin(&st, &uri, &headers), d.id);
    let mut links = vec![
        link("self", GEOJSON, format!("{at}?{}", q.query_string(q.cursor.as_deref()))),
        link(
            "collection",
            JSON,
            at.trim_end_matches("/items").to_string(),
        ),
    ];
    if let Some(next) = &page.next {
        links.push(link("next", GEOJSON, format!("{at}?{}", q.query_string(Some(next)))));
    }
    let mut body = json!({
        "type": "FeatureCollection",
        "timeStamp": st.app.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "numberReturned": page.features.len(),
        "features": page.features,
        "links": links,
    });
    if let Some(n) = page.matched {
        body["numberMatched"] = json!(n);
    }
    Ok(answer(body, GEOJSON))
}

async fn item(
    State(st): State<AppState>,
    a: Authed,
    uri: Uri,
    headers: HeaderMap,
    Path((id, fid)): Path<(String, String)>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    only_format(q)?;
    let (c, d) = Collection::find(&st.app, &id)?;
    let mut feature = c.item(&st.app, &a.actor, &fid).await?;
    let at = format!("{}/ogc/collections/{}", origin(&st, &uri, &headers), d.id);
    feature["links"] = json!([
        link("self", GEOJSON, format!("{at}/items/{}", feature["id"].as_str().unwrap_or_default())),
        link("collection", JSON, at),
    ]);
    Ok(answer(feature, GEOJSON))
}
