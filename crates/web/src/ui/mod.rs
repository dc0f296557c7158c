//! The shell of the server-rendered web UI: the routes of every domain's pages (each
//! domain registers its own in `crate::features`), the signed-in visitor of a page
//! ([`Page`]) with the session glue around it (cookies, CSRF, the forced password change and
//! second-factor set-up), the main menu, the language switch, home, the layout and error
//! pages (`render.rs`), the dictionary (`i18n.rs`) and the labels and formats the domains
//! share (`format.rs`). In Bahasa Indonesia or English. Pages are light HTML that work on a
//! cheap phone; JavaScript (in /static, never inline) only enhances.
//!
//! Like the API, the UI decides nothing itself: every read and write goes through the
//! app's use cases with the signed-in actor, so the access policy applies unchanged. It
//! must never act on a POST without checking the session's CSRF token, never show a
//! record the app did not return, and never render user text unescaped.

pub(crate) mod format;
mod home;
mod language;
pub(crate) mod render;
pub(crate) mod upload;

pub use crate::features::reports::ui::PHOTO_FORM_BUDGET;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use chrono::{DateTime, FixedOffset, Utc};
use sinergi_app::AppError;
use sinergi_core::agency::{Agency, AgencyKind};
use sinergi_core::permission::Action;
use sinergi_core::report::{Sensitivity, Status};
use sinergi_core::time::Zone;
use sinergi_core::user::Role;

use crate::auth::{constant_time_eq, Authed};
use crate::features::NavEntry;
use crate::AppState;

use crate::i18n::{k, tr, Lang};

pub const LANG_COOKIE: &str = "lang";

/// The UI's routes: the shell's (home, language switch, the 404 page) and every domain's
/// pages (`crate::features`). `report_form_limit` is the body limit of the new-report
/// form, which carries its photos (the other forms get the router's own limit).
pub fn routes(report_form_limit: usize) -> Router<AppState> {
    let limits = crate::features::Limits {
        report_form: report_form_limit,
    };
    shell_routes()
        .into_iter()
        .fold(Router::new(), |r, (path, handlers)| r.route(path, handlers))
        .merge(crate::features::ui_routes(&limits))
        .fallback(not_found)
}

/// The pages of the shell itself, beside every domain's: the language switch and home.
pub(crate) fn shell_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/bahasa", get(language::language)), ("/", get(home::home))]
}

/// The shell's own entries of the main menu; the domains add theirs
/// (`crate::features::Feature::nav`).
pub(crate) const NAV: &[NavEntry] = &[NavEntry {
    order: 10,
    href: "/",
    key: "home",
    label: k!("nav_home"),
    id: None,
    new: false,
    needs: None,
}];

/// A signed-in visitor of a UI page. Extracting it redirects to the sign-in page when
/// nobody is signed in.
pub(crate) struct Page {
    pub lang: Lang,
    pub authed: Authed,
    pub agency: Option<Agency>,
    /// A GET address showing the same page, for the language switch to come back to.
    pub back: String,
    /// Unread notifications, for the header.
    pub unread: i64,
    /// A system administrator who must set up a second factor before anything else.
    pub must_enrol: bool,
    /// What every map on the page needs: the base map's tile layers and the words of the
    /// place search (`crate::maps::page_settings`).
    pub maps: serde_json::Value,
}

impl Page {
    /// Whether the visitor's role may take `action`: the app's own table, to choose
    /// which links, buttons and forms to show (the app checks again).
    pub fn may(&self, action: Action) -> bool {
        self.authed.actor.may(action)
    }

    /// Checks the `_csrf` field of a submitted form against the session's token.
    pub fn csrf_ok(&self, sent: Option<&str>) -> bool {
        let sent = sent.unwrap_or("");
        !sent.is_empty() && constant_time_eq(sent.as_bytes(), self.authed.session.csrf.as_bytes())
    }

    pub fn error(&self, err: AppError) -> Response {
        render::error_page(self.lang, Some(self), &self.back, err)
    }

    /// Reads a submitted form and checks its CSRF token: the first step of every POST.
    /// The error is the finished page to send back; it is not kept around, so its size
    /// does not matter.
    #[allow(clippy::result_large_err)]
    pub(crate) fn checked_form(
        &self,
        body: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
    ) -> Result<FormData, Response> {
        let Ok(axum::Form(pairs)) = body else {
            return Err(bad_form(self));
        };
        let f = FormData(pairs);
        if !self.csrf_ok(f.get("_csrf")) {
            return Err(render::csrf_page(self));
        }
        Ok(f)
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = lang_of(&parts.headers);
        let back = back_path(&parts.method, parts.uri.path(), parts.uri.query());
        let authed = match crate::auth::resolve_browser(parts, state).await {
            Ok(a) => a,
            Err(AppError::Unauthenticated) => return Err(Redirect::to("/masuk").into_response()),
            Err(e) => return Err(render::error_page(lang, None, &back, e)),
        };
        // An account whose password an administrator set must choose its own first.
        if authed.user.must_change_password
            && !parts.uri.path().starts_with("/akun/kata-sandi")
            && parts.uri.path() != "/keluar"
        {
            return Err(Redirect::to("/akun/kata-sandi").into_response());
        }
        // A system administrator without a second factor may only set one up (or leave).
        let must_enrol = state.app.must_enrol(&authed.user);
        if must_enrol
            && !parts.uri.path().starts_with("/akun/keamanan")
            && parts.uri.path() != "/keluar"
        {
            return Err(Redirect::to("/akun/keamanan").into_response());
        }
        let agency = match state.app.agency(authed.user.agency_id).await {
            Ok(a) => a,
            Err(e) => return Err(render::error_page(lang, None, &back, e)),
        };
        let unread = unread_count(state, &authed).await;
        Ok(Page {
            lang,
            authed,
            agency,
            back,
            unread,
            must_enrol,
            maps: crate::maps::page_settings(state, lang),
        })
    }
}

/// The unread notifications for the header: one count per page. A failure to count
/// shows no number rather than failing the page.
async fn unread_count(state: &AppState, authed: &Authed) -> i64 {
    match state.app.unread_notifications(&authed.actor).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "counting unread notifications failed");
            0
        }
    }
}

/// The visitor's language: the `lang` cookie, else Bahasa Indonesia.
pub(crate) fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or(Lang::Id)
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The attributes of the session cookies: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub(crate) fn cookie_attrs(st: &AppState) -> &'static str {
    if st.secure_cookies {
        "; HttpOnly; SameSite=Lax; Path=/; Secure"
    } else {
        "; HttpOnly; SameSite=Lax; Path=/"
    }
}

pub(crate) fn with_cookie(mut resp: Response, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// The GET address equivalent to the current request. A form's POST address does not
/// always answer GET, so the language switch after a failed submission returns to the
/// page the form lives on: each domain names its own (`Feature::back_path`).
fn back_path(method: &Method, path: &str, query: Option<&str>) -> String {
    if method == Method::GET || method == Method::HEAD {
        return match query {
            Some(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_string(),
        };
    }
    crate::features::back_path(path).unwrap_or_else(|| path.to_string())
}

/// Accepts only a local path as a place to return to, so that a crafted link cannot
/// send the visitor to another site.
pub(crate) fn safe_local_path(p: &str) -> &str {
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.chars().any(|c| c.is_control() || c == '\\');
    if ok {
        p
    } else {
        "/"
    }
}

/// Pages that do not exist answer 404 in the layout, with the navigation when signed in.
async fn not_found(State(st): State<AppState>, parts: Parts) -> Response {
    let lang = lang_of(&parts.headers);
    let page = match crate::auth::resolve_browser(&parts, &st).await {
        Ok(authed) => {
            let agency = st.app.agency(authed.user.agency_id).await.ok().flatten();
            let unread = unread_count(&st, &authed).await;
            let must_enrol = st.app.must_enrol(&authed.user);
            Some(Page {
                lang,
                authed,
                agency,
                back: "/".into(),
                unread,
                must_enrol,
                maps: serde_json::Value::Null,
            })
        }
        Err(_) => None,
    };
    render::error_page(lang, page.as_ref(), "/", AppError::NotFound)
}

/// A submitted urlencoded form as its pairs, in order, so repeated names (multi-select
/// checkboxes) keep every value.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed value, or "" when absent.
    pub fn text(&self, key: &str) -> String {
        self.get(key)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }
}

/// The answer to a form the server could not read at all (wrong content type, broken
/// encoding): a 400 page rather than a bare text error.
pub(crate) fn bad_form(page: &Page) -> Response {
    page.error(AppError::field(
        "body",
        sinergi_core::msg!("form-unreadable", "the form could not be read"),
    ))
}

// ---- labels ----------------------------------------------------------------------------

pub(crate) fn status_label(lang: Lang, s: Status) -> String {
    let key = match s {
        Status::New => k!("status_new"),
        Status::Verified => k!("status_verified"),
        Status::InProgress => k!("status_in_progress"),
        Status::Closed => k!("status_closed"),
    };
    tr(lang, key)
}

pub(crate) fn sensitivity_label(lang: Lang, s: Sensitivity) -> String {
    let key = match s {
        Sensitivity::Public => k!("sens_public"),
        Sensitivity::Internal => k!("sens_internal"),
        Sensitivity::Restricted => k!("sens_restricted"),
        Sensitivity::Secret => k!("sens_secret"),
    };
    tr(lang, key)
}

/// A field a sharing clause may withhold, in words: `description` and `author`, or a
/// report attribute by the label of `preferred`'s field, else of the first type in the
/// catalogue that has a field with that key. Only a key no type knows shows as itself.
pub(crate) fn withheld_field_label(
    lang: Lang,
    types: &[sinergi_core::report_types::ReportType],
    preferred: Option<&sinergi_core::report_types::ReportType>,
    key: &str,
) -> String {
    match key {
        "description" => return tr(lang, k!("description")),
        "author" => return tr(lang, k!("author")),
        _ => {}
    }
    preferred
        .and_then(|t| t.field(key))
        .or_else(|| types.iter().find_map(|t| t.field(key)))
        .map(|f| lang.pick(&f.label_id, &f.label_en).to_string())
        .unwrap_or_else(|| key.to_string())
}

pub(crate) fn role_label(lang: Lang, r: Role) -> String {
    let key = match r {
        Role::FieldOfficer => k!("role_field_officer"),
        Role::Coordinator => k!("role_coordinator"),
        Role::Analyst => k!("role_analyst"),
        Role::AgencyAdmin => k!("role_agency_admin"),
        Role::SystemAdmin => k!("role_system_admin"),
    };
    tr(lang, key)
}

pub(crate) fn kind_label(lang: Lang, kind: AgencyKind) -> String {
    let key = match kind {
        AgencyKind::Police => k!("kind_police"),
        AgencyKind::ParkAuthority => k!("kind_park_authority"),
        AgencyKind::NarcoticsAgency => k!("kind_narcotics_agency"),
        AgencyKind::LocalGovernment => k!("kind_local_government"),
        AgencyKind::Military => k!("kind_military"),
        AgencyKind::Prosecutor => k!("kind_prosecutor"),
        AgencyKind::Court => k!("kind_court"),
        AgencyKind::Immigration => k!("kind_immigration"),
        AgencyKind::Village => k!("kind_village"),
        AgencyKind::Ngo => k!("kind_ngo"),
        AgencyKind::Other => k!("kind_other"),
    };
    tr(lang, key)
}

/// `{key, label}` pairs of every status, for selects and tables.
pub(crate) fn status_options(lang: Lang) -> Vec<minijinja::Value> {
    Status::ALL
        .iter()
        .map(|s| minijinja::context! { key => s.as_str(), label => status_label(lang, *s) })
        .collect()
}

// ---- time ------------------------------------------------------------------------------

/// The zone a report's times are shown in: its region's, else the zone its offset
/// names, else WIB.
pub(crate) fn report_zone(region: Option<&str>, recorded: &DateTime<FixedOffset>) -> Zone {
    match region {
        Some(code) => Zone::for_region(code),
        None => match recorded.offset().local_minus_utc() {
            28_800 => Zone::Wita,
            32_400 => Zone::Wit,
            _ => Zone::Wib,
        },
    }
}

pub(crate) fn show_time(zone: Zone, t: DateTime<Utc>) -> String {
    zone.format(t)
}

/// The status code of a re-rendered form that the server refused.
pub(crate) const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_local_path("/laporan?q=a"), "/laporan?q=a");
        assert_eq!(safe_local_path("//evil.example/"), "/");
        assert_eq!(safe_local_path("https://evil.example/"), "/");
        assert_eq!(safe_local_path("/\\evil.example"), "/");
        assert_eq!(safe_local_path(""), "/");
    }

    #[test]
    fn posts_return_to_the_page_of_their_form() {
        assert_eq!(
            back_path(&Method::GET, "/laporan", Some("q=x")),
            "/laporan?q=x"
        );
        assert_eq!(back_path(&Method::POST, "/laporan", None), "/laporan/baru");
        assert_eq!(
            back_path(&Method::POST, "/laporan/abc/status", None),
            "/laporan/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/admin/pengguna/ana/aktif", None),
            "/admin/pengguna"
        );
        assert_eq!(
            back_path(&Method::POST, "/laporan/abc/rujukan/def/cabut", None),
            "/laporan/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/laporan/abc/rujukan", None),
            "/laporan/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/perjanjian", None),
            "/perjanjian/baru"
        );
        assert_eq!(
            back_path(&Method::POST, "/perjanjian/abc/cabut", None),
            "/perjanjian/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/perjanjian/abc/dokumen", None),
            "/perjanjian/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/perjanjian/abc/ubah", None),
            "/perjanjian/abc/ubah"
        );
        assert_eq!(
            back_path(&Method::POST, "/akun/keamanan/konfirmasi", None),
            "/akun/keamanan"
        );
        assert_eq!(
            back_path(&Method::POST, "/notifikasi/abc/baca", None),
            "/notifikasi"
        );
        assert_eq!(
            back_path(&Method::POST, "/peringatan/abc/tutup", None),
            "/peringatan/abc"
        );
        assert_eq!(
            back_path(&Method::POST, "/peringatan/area/abc/aktif", None),
            "/peringatan/area"
        );
        assert_eq!(
            back_path(&Method::POST, "/peringatan/area/abc/ubah", None),
            "/peringatan/area/abc/ubah"
        );
        assert_eq!(
            back_path(&Method::POST, "/peringatan/aturan", None),
            "/peringatan/aturan"
        );
        assert_eq!(back_path(&Method::POST, "/satwa/pasang", None), "/satwa");
    }

    #[test]
    fn zones_come_from_the_region_else_the_offset() {
        let t = DateTime::parse_from_rfc3339("2025-05-27T09:30:00+08:00").expect("ts");
        assert_eq!(report_zone(Some("15.01"), &t), Zone::Wib);
        assert_eq!(report_zone(None, &t), Zone::Wita);
        assert_eq!(
            show_time(report_zone(None, &t), t.with_timezone(&Utc)),
            "2025-05-27 09:30 WITA"
        );
    }
}
