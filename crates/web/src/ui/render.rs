//! Turns templates and context into HTML responses: the template environment (compiled
//! once), the context every page shares (language, dictionary, the signed-in user, the
//! CSRF token), and the error pages.
//!
//! Templates are named `*.html`, so minijinja escapes every value by default; this module
//! must never mark user-supplied text as safe. The only safe strings it makes are JSON
//! blocks for `<script type="application/json">`, escaped by [`json_for_script`], and the
//! static files' hashed URLs (`asset(…)`), made from the build's own file table.

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Environment, UndefinedBehavior, Value};
use sinergi_app::AppError;

use super::Page;
use crate::i18n::{core_message, field_name, k, tr, Dict, Lang};
use sinergi_core::permission::Action;

/// The shell's templates, by name, embedded in the binary; each domain lists its own
/// (`crate::features::Feature::templates`).
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("galat.html", include_str!("../../templates/galat.html")),
    ("beranda.html", include_str!("../../templates/beranda.html")),
    (
        "peta_dasar.html",
        include_str!("../../templates/peta_dasar.html"),
    ),
];

/// Every template: the shell's and every domain's.
pub(crate) fn all_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    TEMPLATES.iter().chain(crate::features::templates())
}

/// The compiled templates. A template that fails to compile is logged and left out, so
/// the pages using it answer with a 500 instead of the whole server refusing to start;
/// the unit tests compile every template, so that cannot ship unnoticed.
fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let (env, failures) = build_env();
        for (name, e) in failures {
            tracing::error!(template = name, error = %e, "a UI template does not compile");
        }
        env
    })
}

/// Compiles every template, returning those that failed beside the environment.
fn build_env() -> (Environment<'static>, Vec<(&'static str, minijinja::Error)>) {
    let mut env = Environment::new();
    // Optional context (a user on the error pages, a value on a fresh form) may be
    // absent; its attributes then read as empty rather than failing the whole page.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    // Percent-encodes a value for a URL query; minijinja's own filter needs an optional
    // feature, and the API's encoder is the one the other links use.
    env.add_filter("urlencode", |s: String| crate::api_common::urlencode(&s));
    // The content-hashed URL of an embedded static file: `{{ asset("sinergi.js") }}`.
    // An unknown name fails the page (and the template test), never a broken link.
    // The URL is made from the build's own file table (no visitor's text), so it is
    // written as is rather than with its slashes escaped.
    env.add_function("asset", |name: String| {
        crate::assets::url(&name)
            .map(Value::from_safe_string)
            .ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("no static file is called {name}"),
                )
            })
    });
    let mut failures = Vec::new();
    for (name, src) in all_templates() {
        if let Err(e) = env.add_template(name, src) {
            failures.push((*name, e));
        }
    }
    (env, failures)
}

/// Renders `name` with `ctx`. Pages are never cached: they show data the viewer's role
/// decides, and a shared cache must not keep them.
pub(crate) fn render(status: StatusCode, name: &str, ctx: Value) -> Response {
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => {
            let mut resp = (status, html).into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => {
            let mut chain = format!("{e:#}");
            let mut cur = std::error::Error::source(&e);
            while let Some(c) = cur {
                chain.push_str(": ");
                chain.push_str(&c.to_string());
                cur = c.source();
            }
            tracing::error!(template = name, error = %chain, "rendering a UI page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error / Terjadi kesalahan",
            )
                .into_response()
        }
    }
}

/// Serialises `v` as JSON that is safe inside `<script type="application/json">`: the
/// characters that could end the script element or start markup are written as
/// `\u` escapes, which JSON.parse reads back unchanged.
pub(crate) fn json_for_script(v: &serde_json::Value) -> Value {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Value::from_safe_string(out)
}

/// The context of the layout for a visitor who is not signed in.
pub(crate) fn anon_ctx(lang: Lang, back: &str) -> Value {
    context! {
        lang => lang.code(),
        other_lang => lang.other().code(),
        t => Value::from_object(Dict(lang)),
        back => back,
        nav => "",
    }
}

/// The context of the layout for a signed-in user.
pub(crate) fn page_ctx(page: &Page, nav: &str) -> Value {
    let lang = page.lang;
    let user = &page.authed.user;
    let role = user.role;
    context! {
        lang => lang.code(),
        other_lang => lang.other().code(),
        t => Value::from_object(Dict(lang)),
        back => page.back.as_str(),
        nav => nav,
        csrf => page.authed.session.csrf.as_str(),
        user => context! {
            name => user.display_name.as_str(),
            username => user.username.as_str(),
            role => super::role_label(lang, role),
            agency_code => page.agency.as_ref().map(|a| a.code.as_str().to_string()).unwrap_or_default(),
            agency_name => page.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        },
        menu => menu(page),
        can_create => page.may(Action::WriteReports) && !page.must_enrol,
        must_enrol => page.must_enrol,
        unread => page.unread,
        peta_dasar => json_for_script(&page.maps),
    }
}

/// The main menu's entries the visitor sees, in order: every domain's
/// (`crate::features::Feature::nav`) and the shell's. Empty while a system administrator
/// must first set up a second factor.
fn menu(page: &Page) -> Vec<Value> {
    if page.must_enrol {
        return Vec::new();
    }
    let lang = page.lang;
    crate::features::nav()
        .into_iter()
        .filter(|e| e.needs.is_none_or(|a| page.may(a)))
        .map(|e| {
            context! {
                href => e.href,
                key => e.key,
                label => tr(lang, e.label),
                id => e.id,
                new => e.new,
            }
        })
        .collect()
}

/// The error page for `err`, in the layout. Internal errors are logged with their cause
/// chain under a request id that the page shows; their details never reach the browser.
pub(crate) fn error_page(lang: Lang, page: Option<&Page>, back: &str, err: AppError) -> Response {
    let kind = crate::problem::describe(&err);
    let status = kind.status;
    let base = match page {
        Some(p) => page_ctx(p, ""),
        None => anon_ctx(lang, back),
    };
    let (details, request_id) = match &err {
        AppError::Unauthenticated | AppError::SecondFactorRequired { .. } => {
            return Redirect::to("/masuk").into_response()
        }
        AppError::SecondFactorEnrolmentRequired => {
            return Redirect::to("/akun/keamanan").into_response()
        }
        AppError::PasswordChangeRequired => {
            return Redirect::to("/akun/kata-sandi").into_response()
        }
        AppError::Internal(source) => {
            let request_id = crate::observe::request_id();
            let mut chain = source.to_string();
            let mut cur = source.source();
            while let Some(c) = cur {
                chain.push_str(": ");
                chain.push_str(&c.to_string());
                cur = c.source();
            }
            tracing::error!(request_id, error = %chain, "internal error in the web UI");
            (vec![], Some(request_id))
        }
        AppError::Validation(v) | AppError::Malformed(v) => (
            v.errors
                .iter()
                .map(|e| {
                    let msg = core_message(lang, &e.message);
                    match field_name(lang, &e.field) {
                        Some(name) => format!("{name}: {msg}"),
                        None => msg,
                    }
                })
                .collect(),
            None,
        ),
        _ => (vec![], None),
    };
    // Every kind that reaches here has its page's words in the table of errors.
    let (heading, message) = kind
        .page
        .unwrap_or((k!("err_500_title"), k!("err_500_text")));
    let message = tr(lang, message);
    render(
        status,
        "galat.html",
        context! {
            code => status.as_u16(),
            heading => tr(lang, heading),
            message => message,
            details => details,
            request_id => request_id,
            ..base
        },
    )
}

/// The 403 page for a form whose CSRF token is missing or wrong.
pub(crate) fn csrf_page(page: &Page) -> Response {
    let lang = page.lang;
    render(
        StatusCode::FORBIDDEN,
        "galat.html",
        context! {
            code => 403,
            heading => tr(lang, k!("err_403_title")),
            message => tr(lang, k!("err_csrf_text")),
            ..page_ctx(page, "")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_renders_without_a_user() {
        let (env, failures) = build_env();
        assert!(
            failures.is_empty(),
            "templates that do not compile: {failures:?}"
        );
        for (name, src) in all_templates() {
            let out = env
                .get_template(name)
                .and_then(|t| t.render(anon_ctx(Lang::Id, "/")))
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert!(!out.contains('⟦'), "{name} shows a missing dictionary key");
            // The Content-Security-Policy forbids inline scripts and handlers; only JSON
            // data blocks and files from /static may appear.
            for (i, _) in src.match_indices("<script") {
                let tag: String = src[i..].chars().take_while(|c| *c != '>').collect();
                assert!(
                    tag.contains("src=\"{{ asset(\"")
                        || tag.contains("src=\"/static/")
                        || tag.contains("type=\"application/json\""),
                    "{name}: {tag}"
                );
            }
            let lower = src.to_ascii_lowercase();
            for (i, _) in lower.match_indices(" on") {
                let word: String = lower[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let next = lower[i + 1 + word.len()..].chars().next();
                assert!(
                    !(word.len() > 2 && next == Some('=')),
                    "{name} has an inline handler {word}"
                );
            }
        }
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v =
            json_for_script(&serde_json::json!({"title": "</script><script>alert(1)</script>&"}));
        let s = v.to_string();
        assert!(!s.contains("</script>"));
        assert!(!s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back["title"], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn values_are_escaped_in_html_templates() {
        let out = env()
            .get_template("galat.html")
            .and_then(|t| {
                t.render(context! { heading => "<b>x</b>", message => "\"quoted\"", ..anon_ctx(Lang::En, "/") })
            })
            .expect("render");
        assert!(out.contains("&lt;b&gt;x"));
        assert!(!out.contains("<b>"));
        assert!(!out.contains("\"quoted\""));
    }
}
