//! `/ogc` through HTTP, as QGIS and GDAL ask it.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;

use super::*;

/// The link of `rel` in a body's `links`.
fn href(body: &Value, rel: &str) -> Option<String> {
    body["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
        .map(str::to_string)
}

fn problem_field(body: &Value) -> &str {
    body["errors"][0]["field"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_landing_page_leads_to_conformance_and_collections() {
    let w = world().await;
    let (s, t) = (&w.s, &w.owner);
    let (st, media, landing) = get(s, t, "/ogc").await;
    assert_eq!(st, StatusCode::OK);
    assert!(media.starts_with("application/json"), "{media}");
    // Absolute links from the host the client reached: GDAL follows them as given.
    assert_eq!(
        href(&landing, "data"),
        Some(format!("{}/ogc/collections", s.url))
    );
    assert_eq!(
        href(&landing, "conformance"),
        Some(format!("{}/ogc/conformance", s.url))
    );
    assert_eq!(
        href(&landing, "service-desc"),
        Some(format!("{}/api/openapi.json", s.url))
    );
    assert_eq!(href(&landing, "self"), Some(format!("{}/ogc", s.url)));

    let (_, _, conf) = get(s, t, "/ogc/conformance?f=json").await;
    let classes: Vec<&str> = conf["conformsTo"]
        .as_array()
        .expect("conformsTo")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));

    let (_, _, list) = get(s, t, "/ogc/collections").await;
    let colls = list["collections"].as_array().expect("collections");
    let names: Vec<&str> = colls.iter().filter_map(|c| c["id"].as_str()).collect();
    for want in [
        NARCOTICS,
        "reports.illegal_logging",
        "patrols",
        "areas",
        "subject-tracks",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    for c in colls {
        assert_eq!(c["crs"][0], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        assert_eq!(
            href(c, "items"),
            Some(format!(
                "{}/ogc/collections/{}/items",
                s.url,
                c["id"].as_str().expect("id")
            ))
        );
    }
    let (st, _, one) = get(s, t, &format!("/ogc/collections/{NARCOTICS}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(one["id"], NARCOTICS);

    // A collection that does not exist, a format that is not served, nobody signed in.
    let (st, media, p) = get(s, t, "/ogc/collections/reports.tidak_ada/items").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(media.starts_with("application/problem+json"));
    assert_eq!(p["code"], "not_found");
    let (st, _, p) = get(s, t, "/ogc?f=html").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(problem_field(&p), "f");
    for path in [
        "/ogc",
        "/ogc/collections",
        &format!("/ogc/collections/{NARCOTICS}/items"),
    ] {
        let r = s
            .http
            .get(format!("{}{path}", s.url))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/problem+json"));
    }
    // Read only, and never kept by a cache: answers carry what the caller's role decides.
    let r = s.post(t, "/ogc/collections").send().await.expect("send");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("application/problem+json"));
    let r = s
        .get(t, &format!("/ogc/collections/{NARCOTICS}/items"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn items_page_by_next_links_until_every_feature_came_once() {
    let w = world().await;
    let (s, t) = (&w.s, &w.owner);
    let mut url = format!("/ogc/collections/{NARCOTICS}/items?limit=2");
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let (st, media, page) = get(s, t, &url).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        assert!(media.starts_with("application/geo+json"), "{media}");
        assert_eq!(page["type"], "FeatureCollection");
        assert_eq!(
            page["numberReturned"].as_u64(),
            Some(ids(&page).len() as u64)
        );
        sizes.push(ids(&page).len());
        seen.extend(ids(&page));
        match href(&page, "next") {
            Some(next) => {
                assert!(next.starts_with(&s.url), "absolute: {next}");
                url = next;
            }
            None => break,
        }
    }
    assert_eq!(sizes, [2, 2, 1]);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a feature came twice: {seen:?}");
    assert_eq!(unique, w.reports.iter().collect::<HashSet<_>>());

    // The owner's own records, exactly and with the type's attributes as columns.
    let (_, _, page) = get(s, t, &format!("/ogc/collections/{NARCOTICS}/items")).await;
    let first = page["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["id"] == w.reports[0].as_str())
        .expect("report 0");
    assert_eq!(
        first["geometry"]["coordinates"],
        serde_json::json!([103.2378, -1.7299])
    );
    assert_eq!(first["properties"]["access"], "full");
    assert_eq!(first["properties"]["substance"], "methamphetamine");
    assert_eq!(first["properties"]["suspect_names"], "Budi");

    // A limit above the maximum is served at the maximum, not refused.
    let (st, _, page) = get(
        s,
        t,
        &format!("/ogc/collections/{NARCOTICS}/items?limit=50000"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ids(&page).len(), super::REPORTS);
    assert!(
        href(&page, "self").expect("self").contains("limit=1000"),
        "{page}"
    );
    assert!(href(&page, "next").is_none());
    for bad in ["0", "-3", "viele"] {
        let (st, _, p) = get(
            s,
            t,
            &format!("/ogc/collections/{NARCOTICS}/items?limit={bad}"),
        )
        .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "limit={bad}");
        assert_eq!(problem_field(&p), "limit");
    }
    let (st, _, p) = get(
        s,
        t,
        &format!("/ogc/collections/{NARCOTICS}/items?cursor=bukan"),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(problem_field(&p), "cursor");

    // The other collections: the patrol with its track, the area, the elephant's track.
    let (_, _, patrols) = get(s, t, "/ogc/collections/patrols/items?limit=1").await;
    assert_eq!(ids(&patrols), std::slice::from_ref(&w.patrol));
    assert_eq!(patrols["numberMatched"], 1);
    assert_eq!(
        patrols["features"][0]["geometry"]["type"],
        "MultiLineString"
    );
    assert_eq!(
        patrols["features"][0]["properties"]["title"],
        "Patroli Sungai Bahar"
    );
    let (_, _, areas) = get(s, t, "/ogc/collections/areas/items").await;
    assert_eq!(ids(&areas), std::slice::from_ref(&w.fence));
    assert_eq!(areas["features"][0]["geometry"]["type"], "Polygon");
    let (_, _, tracks) = get(s, t, "/ogc/collections/subject-tracks/items").await;
    assert_eq!(ids(&tracks), std::slice::from_ref(&w.subject));
    assert_eq!(
        tracks["features"][0]["geometry"],
        serde_json::json!({"type": "LineString", "coordinates": [[103.4, -1.6], [103.41, -1.6], [103.42, -1.6]]})
    );
    let (_, _, old) = get(
        s,
        t,
        "/ogc/collections/subject-tracks/items?datetime=2001-01-01T00:00:00Z/2001-02-01T00:00:00Z",
    )
    .await;
    assert!(ids(&old).is_empty(), "no fixes then: {old}");

    // One item by its id, in its own collection only.
    let (st, media, item) = get(
        s,
        t,
        &format!("/ogc/collections/{NARCOTICS}/items/{}", w.reports[1]),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(media.starts_with("application/geo+json"));
    assert_eq!(item["id"], w.reports[1].as_str());
    let (st, _, _) = get(
        s,
        t,
        &format!("/ogc/collections/{NARCOTICS}/items/{}", w.logging),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "another type's report is not in this collection"
    );
    let (st, _, item) = get(
        s,
        t,
        &format!(
            "/ogc/collections/reports.illegal_logging/items/{}",
            w.logging
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(item["properties"]["title"], "Kayu gelondongan");
    for (coll, id) in [
        ("patrols", &w.patrol),
        ("areas", &w.fence),
        ("subject-tracks", &w.subject),
    ] {
        let (st, _, item) = get(s, t, &format!("/ogc/collections/{coll}/items/{id}")).await;
        assert_eq!(st, StatusCode::OK, "{coll}: {item}");
        assert_eq!(item["id"], id.as_str());
    }
}

#[tokio::test]
async fn bbox_takes_four_or_six_numbers_and_a_bad_one_is_named() {
    let w = world().await;
    let (s, t) = (&w.s, &w.owner);
    let (lon, lat) = spot(2);
    let items = format!("/ogc/collections/{NARCOTICS}/items");
    let four = format!(
        "{},{},{},{}",
        lon - 0.01,
        lat - 0.01,
        lon + 0.01,
        lat + 0.01
    );
    let six = format!(
        "{},{},-50,{},{},3000",
        lon - 0.01,
        lat - 0.01,
        lon + 0.01,
        lat + 0.01
    );
    for b in [&four, &six] {
        let (st, _, page) = get(s, t, &format!("{items}?bbox={b}")).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        assert_eq!(ids(&page), [w.reports[2].clone()], "bbox={b}");
        assert!(
            href(&page, "self").expect("self").contains("bbox="),
            "{page}"
        );
    }
    for bad in ["1,2,3", "a,b,c,d", "103,-1,102,-2", "1,2,3,4,5"] {
        let (st, media, p) = get(s, t, &format!("{items}?bbox={bad}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "bbox={bad}");
        assert!(media.starts_with("application/problem+json"));
        assert_eq!(problem_field(&p), "bbox", "{p}");
    }
    // Patrols, areas and tracks by their geometry.
    let (_, _, near) = get(
        s,
        t,
        "/ogc/collections/areas/items?bbox=103.15,-1.85,103.16,-1.84",
    )
    .await;
    assert_eq!(ids(&near), std::slice::from_ref(&w.fence));
    assert_eq!(near["numberMatched"], 1);
    let (_, _, far) = get(s, t, "/ogc/collections/areas/items?bbox=110,-5,111,-4").await;
    assert!(ids(&far).is_empty());
    assert_eq!(far["numberMatched"], 0);
    let (_, _, walk) = get(
        s,
        t,
        "/ogc/collections/patrols/items?bbox=103.29,-1.81,103.31,-1.79",
    )
    .await;
    assert_eq!(ids(&walk), std::slice::from_ref(&w.patrol));
    let (st, _, p) = get(
        s,
        t,
        "/ogc/collections/areas/items?datetime=2025-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(problem_field(&p), "datetime");
    let (st, _, p) = get(s, t, "/ogc/collections/areas/items?warna=merah").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(problem_field(&p), "warna");
}

#[tokio::test]
async fn a_partner_gets_coarsened_features_and_boxes_act_on_what_it_sees() {
    let w = world().await;
    share(&w.s).await;
    let s = &w.s;
    let p = s.token("polisi").await;
    let items = format!("/ogc/collections/{NARCOTICS}/items");
    let (_, _, page) = get(s, &p, &items).await;
    let mut got = ids(&page);
    got.sort();
    let mut want = w.reports.clone();
    want.sort();
    assert_eq!(got, want, "every narcotics report flows");
    let f = page["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["id"] == w.reports[0].as_str())
        .expect("report 0")
        .clone();
    assert_eq!(f["properties"]["access"], "shared");
    assert_eq!(f["properties"]["location_precision"], "1000");
    assert_eq!(f["properties"]["withheld"], "suspect_names");
    assert!(f["properties"].get("suspect_names").is_none(), "{f}");
    let shown = (
        f["geometry"]["coordinates"][0].as_f64().expect("lon"),
        f["geometry"]["coordinates"][1].as_f64().expect("lat"),
    );
    let exact = spot(0);
    assert_ne!(shown, exact, "the location is coarsened");
    // The item answers in the same form.
    let (_, _, item) = get(s, &p, &format!("{items}/{}", w.reports[0])).await;
    assert_eq!(item["geometry"], f["geometry"]);

    // A box around the exact, hidden position finds nothing there, however narrow;
    // halving it toward the hidden point only ever follows the shown one.
    let inside =
        |b: [f64; 4], q: (f64, f64)| b[0] <= q.0 && q.0 <= b[2] && b[1] <= q.1 && q.1 <= b[3];
    let mut b = [exact.0 - 0.5, exact.1 - 0.5, exact.0 + 0.5, exact.1 + 0.5];
    for step in 0..20 {
        let (lo, hi) = if step % 2 == 0 {
            let mid = (b[0] + b[2]) / 2.0;
            ([b[0], b[1], mid, b[3]], [mid, b[1], b[2], b[3]])
        } else {
            let mid = (b[1] + b[3]) / 2.0;
            ([b[0], b[1], b[2], mid], [b[0], mid, b[2], b[3]])
        };
        b = if inside(lo, exact) { lo } else { hi };
        let (_, _, page) = get(
            s,
            &p,
            &format!("{items}?bbox={},{},{},{}", b[0], b[1], b[2], b[3]),
        )
        .await;
        assert_eq!(
            ids(&page).contains(&w.reports[0]),
            inside(b, shown),
            "step {step}: bbox {b:?} answered on the hidden position"
        );
    }
    let tiny = [
        exact.0 - 1e-4,
        exact.1 - 1e-4,
        exact.0 + 1e-4,
        exact.1 + 1e-4,
    ];
    assert!(!inside(tiny, shown));
    let (_, _, page) = get(
        s,
        &p,
        &format!(
            "{items}?bbox={},{},{},{}",
            tiny[0], tiny[1], tiny[2], tiny[3]
        ),
    )
    .await;
    assert!(ids(&page).is_empty(), "{page}");
    let (_, _, page) = get(
        s,
        &p,
        &format!(
            "{items}?bbox={},{},{},{}",
            shown.0 - 1e-4,
            shown.1 - 1e-4,
            shown.0 + 1e-4,
            shown.1 + 1e-4
        ),
    )
    .await;
    assert_eq!(ids(&page), [w.reports[0].clone()]);

    // Nothing else of BNNK's flows to the police: not the logging report, the patrol,
    // the area or the elephant.
    for coll in [
        "reports.illegal_logging",
        "patrols",
        "areas",
        "subject-tracks",
    ] {
        let (st, _, page) = get(s, &p, &format!("/ogc/collections/{coll}/items")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(ids(&page).is_empty(), "{coll}: {page}");
    }
}

#[tokio::test]
async fn an_unrelated_agency_sees_nothing_and_an_invisible_item_is_missing() {
    let w = world().await;
    share(&w.s).await;
    let s = &w.s;
    let t = s.token("jagawana").await;
    let (_, _, list) = get(s, &t, "/ogc/collections").await;
    let missing = "01970000-0000-7000-8000-00000000dead";
    for c in list["collections"].as_array().expect("collections") {
        let coll = c["id"].as_str().expect("id");
        let (st, _, page) = get(s, &t, &format!("/ogc/collections/{coll}/items")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(ids(&page).is_empty(), "{coll}: {page}");
    }
    for (coll, id) in [
        (NARCOTICS, &w.reports[0]),
        ("reports.illegal_logging", &w.logging),
        ("patrols", &w.patrol),
        ("areas", &w.fence),
        ("subject-tracks", &w.subject),
    ] {
        let (st, _, real) = get(s, &t, &format!("/ogc/collections/{coll}/items/{id}")).await;
        let (_, _, ghost) = get(s, &t, &format!("/ogc/collections/{coll}/items/{missing}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{coll}");
        for k in ["title", "detail", "code", "status"] {
            assert_eq!(real[k], ghost[k], "{coll}: {k}");
        }
    }
}
