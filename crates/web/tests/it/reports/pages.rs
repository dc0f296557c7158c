//! Report pages: coarsened locations shown as coarse, the new-report form and its
//! photos, the report list's paging.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::between;
use crate::harness::demo::*;

/// The first report the user's list delivers at `precision` (1000, 10000 or "region").
async fn report_at_precision(s: &Server, token: &str, precision: Value) -> Value {
    let (_, list) = s.api(token, "/api/v1/reports?limit=1000").await;
    list["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["access"]["precision"] == precision)
        .unwrap_or_else(|| panic!("a report delivered at {precision}"))
        .clone()
}

/// The `<dd>` after the `<dt>` naming `label`.
fn fact<'a>(page: &'a str, label: &str) -> &'a str {
    between(page, &format!("<dt>{label}</dt><dd>"), "</dd>").unwrap_or_else(|| panic!("{label}"))
}

/// Whether `text` holds a number with at least `n` decimals (as in "101.43204").
fn has_decimals(text: &str, n: usize) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.split_once('.'))
        .any(|(a, b)| !a.is_empty() && b.len() >= n)
}

/// A location shared at 10 km shows its cell's centre with one decimal and "± 10 km",
/// and the map draws the cell; one shared only by region shows the region's centre by
/// name and an area round it. Neither looks like a precise point.
#[tokio::test]
async fn coarsened_locations_show_their_precision_and_an_area_not_a_pin() {
    let s = spawn().await;
    let police = s.token("penyidik.polres.kerinci").await;
    let f = report_at_precision(&s, &police, json!(10000)).await;
    let id = f["id"].as_str().expect("id");
    let (status, page) = s.page(&police, &format!("/laporan/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let place = fact(&page, "Lokasi");
    assert!(place.contains("(± 10 km)"), "{place}");
    assert!(
        !has_decimals(place, 2),
        "no more digits than 10 km justify: {place}"
    );
    let lon = f["geometry"]["coordinates"][0].as_f64().expect("lon");
    let lat = f["geometry"]["coordinates"][1].as_f64().expect("lat");
    assert!(place.starts_with(&format!("{lat:.1}, {lon:.1}")), "{place}");
    assert!(page.contains("id=\"lokasi-kasar\""), "the map is explained");
    let map: Value =
        serde_json::from_str(between(&page, "id=\"geometri\">", "</script>").expect("map data"))
            .expect("json");
    assert_eq!(map["properties"]["coarse"], "grid");
    assert_eq!(map["geometry"]["type"], "Polygon", "the cell, not a point");
    let ring = map["geometry"]["coordinates"][0].as_array().expect("ring");
    let lats: Vec<f64> = ring.iter().map(|p| p[1].as_f64().expect("lat")).collect();
    let height = lats.iter().cloned().fold(f64::MIN, f64::max)
        - lats.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        (height * 111_320.0 - 10_000.0).abs() < 1.0,
        "a 10 km cell: {height}"
    );

    let task_force = s.token("reskrim.polres.kapuashulu").await;
    let f = report_at_precision(&s, &task_force, json!("region")).await;
    let id = f["id"].as_str().expect("id");
    let (_, page) = s.page(&task_force, &format!("/laporan/{id}")).await;
    let place = fact(&page, "Lokasi");
    assert!(place.contains("Pusat wilayah"), "{place}");
    assert!(!has_decimals(place, 1), "no coordinates at all: {place}");
    let map: Value =
        serde_json::from_str(between(&page, "id=\"geometri\">", "</script>").expect("map data"))
            .expect("json");
    assert_eq!(map["properties"]["coarse"], "region");
    assert_eq!(map["geometry"]["type"], "Polygon");
    let (_, english) = s
        .page_in(&task_force, &format!("/laporan/{id}"), "en")
        .await;
    assert!(fact(&english, "Location").contains("Centre of"));

    // The owner sees its own report exactly, as before.
    let owner = s.token("ranger.tnks").await;
    let (_, list) = s.api(&owner, "/api/v1/reports?agency=BBTNKS&limit=1").await;
    let own = list["features"][0]["id"].as_str().expect("own report");
    let (_, page) = s.page(&owner, &format!("/laporan/{own}")).await;
    let place = fact(&page, "Lokasi");
    assert!(!place.contains('±') && has_decimals(place, 5), "{place}");
}

// ---- photos on the new-report form; the report list's pages ----------------------------

/// A tiny valid PNG (1 × 1 pixel); `n` changes one byte of its data so each is distinct.
fn png(n: u8) -> Vec<u8> {
    let mut b =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    b.extend_from_slice(b"\0\0\0\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe");
    b.push(n);
    b
}

/// The new-report form as the page sends it (`multipart/form-data`): the fields of a
/// snare report titled `title` with the client id `id`, then `photos` as `foto` parts.
async fn post_report_form(
    s: &Server,
    token: &str,
    id: &str,
    title: &str,
    photos: Vec<(&str, Vec<u8>)>,
) -> (StatusCode, String) {
    let (_, home) = s.page(token, "/").await;
    let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
        .expect("csrf meta")
        .to_string();
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in [
        ("_csrf", csrf.as_str()),
        ("id", id),
        ("type", "snare_found"),
        ("title", title),
        ("description", "Jerat kawat di jalur patroli."),
        ("occurred_local", "2025-05-27T08:30"),
        ("zona", "+07:00"),
        ("sensitivity", "internal"),
        ("attr.snare_count", "2"),
        ("attr.snare_type", "wire"),
        ("lon", "101.45"),
        ("lat", "-1.95"),
        ("region_code", ""),
    ] {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in photos {
        form = form.part(
            "foto",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    let r = s
        .http
        .post(format!("{}/laporan", s.url))
        .header("cookie", format!("sinergi_session={token}"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = r.status();
    match r.headers().get("location").and_then(|v| v.to_str().ok()) {
        Some(l) => (status, l.to_string()),
        None => (status, r.text().await.expect("text").replace("&#x2f;", "/")),
    }
}

/// How many files the server keeps under `attachments/` (photos, agreement documents).
fn stored_files(s: &Server) -> usize {
    std::fs::read_dir(s._dir.path().join("attachments"))
        .map(|dirs| {
            dirs.map(|d| {
                std::fs::read_dir(d.expect("entry").path())
                    .expect("prefix dir")
                    .count()
            })
            .sum()
        })
        .unwrap_or(0)
}

/// A field officer records a report with photos in one submission: they are stored as
/// the report's attachments and its page shows them as small lazy-loaded thumbnails
/// linking to the full image. A refused photo refuses the whole form, naming the file,
/// keeps what was typed, asks for the photos again and saves nothing.
#[tokio::test]
async fn the_new_report_form_saves_its_photos_and_shows_them_as_thumbnails() {
    let s = spawn().await;
    let t = s.token("ranger.tnks").await;

    let id = new_id(&s);
    let (status, location) = post_report_form(
        &s,
        &t,
        &id,
        "Jerat dengan foto",
        vec![
            ("jerat-1.png", png(1)),
            ("jerat-2.png", png(2)),
            ("", vec![]),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("/laporan/{id}?pesan=dibuat"));
    let (_, list) = s
        .api(&t, &format!("/api/v1/reports/{id}/attachments"))
        .await;
    let mut names: Vec<&str> = list["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["filename"].as_str().expect("name"))
        .collect();
    // Photos attached within the same millisecond have no order among themselves.
    names.sort_unstable();
    assert_eq!(
        names,
        ["jerat-1.png", "jerat-2.png"],
        "the empty input adds nothing"
    );
    let (_, page) = s.page(&t, &format!("/laporan/{id}")).await;
    let gallery = between(&page, "id=\"galeri-foto\"", "</ul>").expect("a gallery");
    assert_eq!(gallery.matches("<img ").count(), 2, "{gallery}");
    for a in list["attachments"].as_array().expect("attachments") {
        let href = a["href"].as_str().expect("href");
        assert!(
            gallery.contains(&format!("<a href=\"{href}\" class=\"foto-mini\"")),
            "the thumbnail links to the full image: {gallery}"
        );
        assert!(
            gallery.contains(&format!("<img src=\"{href}\"")),
            "{gallery}"
        );
    }
    assert!(gallery.contains("loading=\"lazy\""), "{gallery}");
    assert!(
        gallery.contains("width=\"104\" height=\"104\""),
        "{gallery}"
    );

    // The same submission again (a double tap, a retry) makes neither a second report
    // nor second copies of its photos.
    let (status, _) = post_report_form(
        &s,
        &t,
        &id,
        "Jerat dengan foto",
        vec![("jerat-1.png", png(1)), ("jerat-2.png", png(2))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = s
        .api(&t, &format!("/api/v1/reports/{id}/attachments"))
        .await;
    assert_eq!(list["attachments"].as_array().expect("list").len(), 2);

    // One photo that is not a photo: nothing is saved, and the form says which and why.
    let files_before = stored_files(&s);
    let refused = new_id(&s);
    let (status, page) = post_report_form(
        &s,
        &t,
        &refused,
        "Jerat ditolak",
        vec![
            ("baik.png", png(3)),
            ("catatan.jpg", b"#!/bin/sh\necho bukan foto".to_vec()),
        ],
    )
    .await;
    assert_eq!(status.as_u16(), 422);
    assert!(
        page.contains("catatan.jpg: Jenis berkas tidak diterima"),
        "the refused file is named"
    );
    assert!(!page.contains("baik.png:"), "the good photo is not blamed");
    assert!(
        page.contains("value=\"Jerat ditolak\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("id=\"foto-ulang\""),
        "asks for the photos again"
    );
    assert_indonesian("/laporan (photo refused)", &page);
    let (status, _) = s.page(&t, &format!("/laporan/{refused}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no report was saved");
    assert_eq!(stored_files(&s), files_before, "no file was stored");

    // A report refused for its own fields keeps no photos either.
    let (status, page) = post_report_form(&s, &t, &refused, "", vec![("baik.png", png(3))]).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("id=\"foto-ulang\""));
    let (status, _) = s.page(&t, &format!("/laporan/{refused}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The limits of one submission: each photo at most the attachment limit, at most ten,
/// and the whole form at most three times the attachment limit. Past the last one the
/// photos cannot all be read, but every field before them is, so the form comes back
/// filled in.
#[tokio::test]
async fn the_new_report_form_names_the_photo_limits() {
    let s = spawn_with(|c| c.max_attachment_bytes = 4096).await;
    let t = s.token("ranger.tnks").await;
    let mut big = png(1);
    big.resize(5000, 0);
    let (status, page) =
        post_report_form(&s, &t, &new_id(&s), "Foto besar", vec![("besar.png", big)]).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("besar.png: terlalu besar"), "per photo");

    // Ten photos and the inputs left empty are within the limit.
    let mut ten: Vec<(&str, Vec<u8>)> = (0..10).map(|i| ("kecil.png", png(i))).collect();
    ten.extend([("", vec![]), ("", vec![])]);
    let (status, location) = post_report_form(&s, &t, &new_id(&s), "Sepuluh foto", ten).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");

    let many: Vec<(&str, Vec<u8>)> = (0..11).map(|i| ("kecil.png", png(i))).collect();
    let (status, page) = post_report_form(&s, &t, &new_id(&s), "Banyak foto", many).await;
    assert_eq!(status.as_u16(), 422);
    assert!(page.contains("Paling banyak 10 foto"), "too many");

    let mut huge = png(9);
    huge.resize(3 * 4096 + 64 * 1024 + 1, 0);
    let id = new_id(&s);
    let (status, page) =
        post_report_form(&s, &t, &id, "Foto raksasa", vec![("raksasa.png", huge)]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        page.contains("terlalu besar untuk dikirim sekaligus"),
        "all at once"
    );
    assert!(
        page.contains("value=\"Foto raksasa\""),
        "the fields are kept"
    );
    let (status, _) = s.page(&t, &format!("/laporan/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The report ids a list page links to, in order.
fn listed_reports(html: &str) -> Vec<String> {
    let table = between(html, "<tbody>", "</tbody>").unwrap_or("");
    table
        .split("<td class=\"judul-sel\"><a href=\"/laporan/")
        .skip(1)
        .map(|p| p.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// The address of the link with `id="{id}"` on a page.
fn link_href(html: &str, id: &str) -> Option<String> {
    let tag_start = html.find(&format!("id=\"{id}\""))?;
    let open = html[..tag_start].rfind("<a ")?;
    let tag = &html[open..tag_start + id.len() + 5];
    between(tag, "href=\"", "\"").map(|h| h.replace("&amp;", "&"))
}

/// The list shows twenty reports a page and walks forward with the API's cursors and
/// back again: "previous" returns exactly the page before, filters kept.
#[tokio::test]
async fn the_report_list_pages_forward_and_back() {
    let s = spawn().await;
    let t = s.token("koordinator.tnks").await;
    let (_, first) = s.page(&t, "/laporan?status=").await;
    let page1 = listed_reports(&first);
    assert_eq!(page1.len(), 20, "twenty a page");
    assert!(link_href(&first, "halaman-sebelumnya").is_none());
    let next = link_href(&first, "halaman-berikutnya").expect("a next page");
    let (_, second) = s.page(&t, &next).await;
    let page2 = listed_reports(&second);
    assert!(!page2.is_empty());
    assert!(page2.iter().all(|id| !page1.contains(id)), "a new page");
    let back = link_href(&second, "halaman-sebelumnya").expect("a previous page");
    let (_, again) = s.page(&t, &back).await;
    assert_eq!(listed_reports(&again), page1, "back to the first page");
    assert!(
        link_href(&second, "halaman-awal").is_none(),
        "previous is the first"
    );
    if let Some(next) = link_href(&second, "halaman-berikutnya") {
        let (_, third) = s.page(&t, &next).await;
        let back = link_href(&third, "halaman-sebelumnya").expect("a previous page");
        let (_, again) = s.page(&t, &back).await;
        assert_eq!(listed_reports(&again), page2, "back to the second page");
        let first_href = link_href(&third, "halaman-awal").expect("a first page");
        let (_, again) = s.page(&t, &first_href).await;
        assert_eq!(listed_reports(&again), page1);
    }
    // A filter stays on every page.
    let (_, filtered) = s.page(&t, "/laporan?type=snare_found").await;
    if let Some(next) = link_href(&filtered, "halaman-berikutnya") {
        assert!(next.contains("type=snare_found"), "{next}");
    }
}
