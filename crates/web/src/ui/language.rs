//! The language switch (`/bahasa`): remembers the visitor's language in a cookie and
//! returns to the page they were on (only ever a local path).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{safe_local_path, with_cookie, LANG_COOKIE};
use crate::i18n::Lang;
use crate::AppState;

#[derive(Deserialize)]
pub(crate) struct LanguageQuery {
    ke: Option<String>,
    kembali: Option<String>,
}

/// `GET /bahasa?ke=en&kembali=/path`: remembers the language for a year and returns to
/// the page (only ever a local path).
pub(crate) async fn language(
    State(st): State<AppState>,
    q: Result<Query<LanguageQuery>, QueryRejection>,
) -> Response {
    let (lang, back) = match q {
        Ok(Query(q)) => (
            q.ke.as_deref().and_then(Lang::parse).unwrap_or(Lang::Id),
            q.kembali.unwrap_or_default(),
        ),
        Err(_) => (Lang::Id, String::new()),
    };
    let target = safe_local_path(&back);
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    with_cookie(
        Redirect::to(target).into_response(),
        &format!(
            "{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000{secure}",
            lang.code()
        ),
    )
}
