//! Static files at content-hashed URLs: pages link them through one template function, they are
//! cached for a year, carry an ETag that answers 304, arrive gzipped when asked; the plain
//! name still works with a short cache.

use reqwest::StatusCode;

use crate::harness::{self, between};

const SINERGI_JS: &str = include_str!("../../../static/sinergi.js");

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_link_hashed_files_cached_for_a_year_with_etags_and_gzip() {
    let s = harness::spawn(|_| {}).await;
    let html = s
        .http
        .get(format!("{}/masuk", s.url))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    let src = between(&html, "<script src=\"/static/sinergi.", "\"").expect("hashed sinergi.js");
    let (hash, ext) = src.split_once('.').expect("hash.js");
    assert_eq!(ext, "js");
    assert_eq!(hash.len(), 8, "{src}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{src}");
    assert!(
        html.contains("href=\"/static/sinergi.") && !html.contains("\"/static/sinergi.css\""),
        "the stylesheet is linked by its hashed name too"
    );
    let url = format!("{}/static/sinergi.{src}", s.url);

    // Gzipped when the client accepts it, with the year-long immutable cache and an ETag.
    let r = s
        .http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&r, "content-type"), "text/javascript");
    let etag = header(&r, "etag").to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(harness::gunzip_text(r).await, SINERGI_JS);

    // The same ETag back: 304 without a body.
    let r = s
        .http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "etag"), etag);
    assert!(r.bytes().await.expect("body").is_empty());
    // Another tag: the file again.
    let r = s
        .http
        .get(&url)
        .header("if-none-match", "W/\"0000\"")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.expect("text"), SINERGI_JS);

    // The plain name still answers, with a short cache and the same tag.
    let r = s
        .http
        .get(format!("{}/static/sinergi.js", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "public, max-age=300");
    assert_eq!(header(&r, "etag"), etag);
    assert_eq!(r.text().await.expect("text"), SINERGI_JS);

    // A hash that is not the file's is not served as if it were.
    let r = s
        .http
        .get(format!("{}/static/sinergi.00000000.js", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
