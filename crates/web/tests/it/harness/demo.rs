//! The pages' starting point: a server with the demo data set loaded, as `sinergi serve
//! --demo` starts it. Users sign in through the sign-in form as a browser does, and pages
//! are read with the session cookie (pages take no API tokens); forms post the session's
//! CSRF token from the page's `csrf-token` meta element.

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::Value;
use sinergi_app::{App, AppConfig};

use crate::harness::{self, between};

pub const PASSWORD: &str = "sinergi-demo-2025";

pub struct Server {
    pub url: String,
    pub app: Arc<App>,
    pub http: Client,
    pub _dir: tempfile::TempDir,
}

/// Starts Sinergi with the demo data set loaded, as `sinergi serve --demo` does.
pub async fn spawn() -> Server {
    spawn_with(|_| {}).await
}

/// [`spawn`] with the configuration changed first.
pub async fn spawn_with(configure: impl FnOnce(&mut AppConfig)) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = harness::app(dir.path(), configure).await;
    sinergi_app::demo::load(&app).await.expect("demo");
    let (url, _) = harness::listen(app.clone()).await;
    Server {
        url,
        app,
        http: harness::browser(),
        _dir: dir,
    }
}

impl Server {
    /// Signs `user` in through the sign-in form and answers the browser session's token
    /// (the value of the `sinergi_session` cookie).
    pub async fn token(&self, user: &str) -> String {
        harness::browser_sign_in(&self.http, &self.url, user, PASSWORD).await
    }

    /// A page in Indonesian (the default) or, with `lang` "en", in English. Slashes the
    /// templates escaped in attribute values (`&#x2f;`) are read back as `/`, so links
    /// can be looked for as written.
    pub async fn page_in(&self, token: &str, path: &str, lang: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", format!("sinergi_session={token}; lang={lang}"))
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.text().await.expect("text").replace("&#x2f;", "/"))
    }

    pub async fn page(&self, token: &str, path: &str) -> (StatusCode, String) {
        self.page_in(token, path, "id").await
    }

    /// Posts a UI form with the session's CSRF token; answers the status and the
    /// `Location` of a redirect (or the page).
    pub async fn form(
        &self,
        token: &str,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let (_, home) = self.page(token, "/").await;
        let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_string();
        let mut body: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        body.extend_from_slice(pairs);
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .header("cookie", format!("sinergi_session={token}"))
            .form(&body)
            .send()
            .await
            .expect("send");
        answer(r).await
    }

    /// Posts a UI form as `multipart/form-data`, its CSRF token first and the file
    /// `(part, name, bytes)` last, as a browser sends a form with a file input.
    pub async fn multipart(
        &self,
        token: &str,
        path: &str,
        pairs: &[(&str, &str)],
        file: (&str, &str, Vec<u8>),
    ) -> (StatusCode, String) {
        let (_, home) = self.page(token, "/").await;
        let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_string();
        // Field names as a browser writes them (`a:aspek/hukum`), not percent-encoded.
        let mut form = reqwest::multipart::Form::new()
            .percent_encode_noop()
            .text("_csrf", csrf);
        for (k, v) in pairs {
            form = form.text(k.to_string(), v.to_string());
        }
        let (part, name, bytes) = file;
        form = form.part(
            part.to_string(),
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .header("cookie", format!("sinergi_session={token}"))
            .multipart(form)
            .send()
            .await
            .expect("send");
        answer(r).await
    }

    pub async fn api(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// Every `(id)` of the elements `<… data-alert-id="id"` in page order, once each.
pub fn alert_ids(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in html.split("data-alert-id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or("").to_string();
        if !id.is_empty() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// What a reader sees of a page: the text between tags and the attributes a browser
/// shows (titles, placeholders, labels), with scripts, JSON blocks and templates left out.
pub fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    // Identifiers shown as code (a form's id as its workbook names it) are not words.
    for (open, close) in [
        ("<script", "</script>"),
        ("<template", "</template>"),
        ("<code", "</code>"),
    ] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), " ");
        }
    }
    let mut text = String::new();
    let mut attrs = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in s.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
                text.push(' ');
            }
            (true, '>') => {
                in_tag = false;
                for name in [
                    "title=\"",
                    "placeholder=\"",
                    "aria-label=\"",
                    "alt=\"",
                    "data-konfirmasi=\"",
                ] {
                    if let Some(v) = between(&tag, name, "\"") {
                        attrs.push(' ');
                        attrs.push_str(v);
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    format!("{text} {attrs}")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Words of the form `lower_case_key` (two or more parts joined by `_`).
pub fn snake_keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| {
            w.contains('_')
                && !w.starts_with('_')
                && !w.ends_with('_')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What must not reach an Indonesian page: internal keys and the English of lower layers.
pub const NOT_INDONESIAN: &[&str] = &[
    "suspect_names",
    "victim_names",
    "recruiter_names",
    "forestry_crime",
    "wildlife_crime",
    "sign_in",
    "warning_setup",
    "expected value",
    "line 1 column",
    "too common",
    "choose another",
    "must be",
];

/// Asserts that the visible text of a page holds no internal key and none of the English
/// above.
pub fn assert_indonesian(path: &str, html: &str) {
    let text = visible_text(html);
    let keys = snake_keys(&text);
    assert!(keys.is_empty(), "{path} shows internal keys {keys:?}");
    for bad in NOT_INDONESIAN {
        assert!(!text.contains(bad), "{path} shows {bad:?}");
    }
}

/// The agreement ids on the user's agreement list.
pub async fn agreement_ids(s: &Server, token: &str) -> Vec<String> {
    let (_, page) = s.page(token, "/perjanjian").await;
    let mut ids: Vec<String> = Vec::new();
    for part in page.split("href=\"/perjanjian/").skip(1) {
        let id: String = part.chars().take_while(|c| *c != '"').collect();
        if id.len() == 36 && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

pub fn new_id(s: &Server) -> String {
    sinergi_core::ids::ReportId::new_at(s.app.now(), rand::random::<[u8; 10]>()).to_string()
}

/// The status of a form's answer and the `Location` of its redirect, or the page.
async fn answer(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match location {
        Some(l) => (status, l),
        None => (status, r.text().await.expect("text")),
    }
}
