use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

/// A day's walk in Batang Hari as a handheld GPS writes it: 12 points 5 minutes apart,
/// about 230 m apart, heading north-east.
fn walk_gpx(name: &str) -> String {
    let mut pts = String::new();
    for i in 0..12 {
        let lon = 103.2400 + f64::from(i) * 0.0015;
        let lat = -1.7300 + f64::from(i) * 0.0015;
        let min = i * 5;
        pts.push_str(&format!(
            "<trkpt lat=\"{lat:.6}\" lon=\"{lon:.6}\"><ele>{}</ele><time>2026-11-03T{:02}:{:02}:00Z</time></trkpt>\n",
            40 + i,
            1 + min / 60,
            min % 60
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"eTrex 32x\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<wpt lat=\"-1.7250\" lon=\"103.2450\"><time>2026-11-03T01:20:00Z</time><name>JERAT-01</name><desc>jerat kawat</desc></wpt>\n<trk><name>{name}</name><trkseg>\n{pts}</trkseg></trk>\n</gpx>\n"
    )
}

async fn create(s: &Server, token: &str, body: Value) -> reqwest::Response {
    s.post(token, "/api/v1/patrols")
        .json(&body)
        .send()
        .await
        .expect("send")
}

fn joint(title: &str, with_police: bool, sensitivity: &str) -> Value {
    let mut members =
        vec![json!({"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "leader"})];
    if with_police {
        members.push(json!({"agency": "POLDA-JAMBI", "user": "polisi", "role": "member"}));
        members.push(json!({"agency": "POLDA-JAMBI", "name": "Bripka Sinaga", "role": "member"}));
    }
    json!({
        "title": title, "mandate": "joint_operation", "transport": "foot",
        "planned_start": "2026-11-03", "planned_end": "2026-11-04", "area": "15.04",
        "sensitivity": sensitivity, "members": members,
    })
}

/// A joint patrol of BNNK and the police is one patrol: the police member sees it, with
/// its members by agency; an outside agency's officer does not, exactly as a missing one.
#[tokio::test]
async fn a_joint_patrol_is_one_patrol_seen_by_every_member_agency() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    // Without an agreement joining BNNK and the police, police members are refused,
    // each named, and nothing is stored.
    let r = create(
        &s,
        &k,
        joint("Patroli gabungan Sungai Bahar", true, "internal"),
    )
    .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(fields(&p), ["members[1].agency", "members[2].agency"]);
    assert!(p["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("POLDA-JAMBI")));
    let none: Value = s
        .get(&k, "/api/v1/patrols")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(none["patrols"], json!([]));
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/PATROLI/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let r = create(
        &s,
        &k,
        joint("Patroli gabungan Sungai Bahar", true, "internal"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.expect("json");
    assert_eq!(p["agency"], "BNNK-BATANGHARI");
    assert_eq!(p["members"].as_array().map(Vec::len), Some(3));
    assert_eq!(p["members"][1]["agency"], "POLDA-JAMBI");
    assert_eq!(p["status"], "planned");
    let id = p["id"].as_str().expect("id").to_string();

    let police = s.token("polisi").await;
    let list: Value = s
        .get(&police, "/api/v1/patrols")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = list["patrols"]
        .as_array()
        .expect("patrols")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()]);

    // Without the police among its members, the police officer cannot tell it exists.
    let r = create(&s, &k, joint("Patroli internal", false, "internal")).await;
    let own: Value = r.json().await.expect("json");
    let own_id = own["id"].as_str().expect("id");
    let a = problem(
        s.get(&police, &format!("/api/v1/patrols/{own_id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;
    let b = problem(
        s.get(
            &police,
            "/api/v1/patrols/01970000-0000-7000-8000-00000000dead",
        )
        .send()
        .await
        .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(a["detail"], b["detail"]);

    // Every bad field is named at once.
    let r = create(
        &s,
        &k,
        json!({"title": "", "mandate": "picnic", "transport": "foot",
            "planned_start": "2026-11-05", "planned_end": "2026-11-01",
            "members": [{"agency": "NOPE", "role": "leader", "user": "koordinator"}], "colour": 1}),
    )
    .await;
    let e = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|x| x["field"].as_str())
        .collect();
    for f in ["colour", "title", "mandate", "planned_end"] {
        assert!(fields.contains(&f), "{f} not named in {e}");
    }
}

/// A GPX file's track becomes a leg with computed effort; the same file again adds
/// nothing; the patrol's GPX reads back, with the same points, in an independent reader.
#[tokio::test]
async fn a_gpx_track_is_stored_once_and_read_back() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/PATROLI/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let p: Value = create(&s, &k, joint("Patroli Sungai Bahar", true, "internal"))
        .await
        .json()
        .await
        .expect("json");
    let id = p["id"].as_str().expect("id").to_string();
    let gpx = walk_gpx("Hari 1");
    let send = |token: String, body: String| {
        s.post(&token, &format!("/api/v1/imports/gpx?patrol={id}"))
            .header("Content-Type", "application/gpx+xml")
            .body(body)
            .send()
    };
    let r = send(k.clone(), gpx.clone()).await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: Value = r.json().await.expect("json");
    assert_eq!(first["legs"].as_array().map(Vec::len), Some(1), "{first}");
    assert_eq!(first["waypoints"][0]["name"], "JERAT-01");
    let effort = &first["patrol"]["effort"];
    let km = effort["distance_km"].as_f64().expect("km");
    // 11 steps of about 236 m.
    assert!((2.4..2.8).contains(&km), "{km}");
    assert!((effort["hours"].as_f64().expect("hours") - 55.0 / 60.0).abs() < 1e-6);
    assert_eq!(effort["patrol_days"], 1);
    // Three members: three person-days.
    assert_eq!(effort["person_days"], 3);
    assert!(effort["cells"].as_u64().expect("cells") >= 3);

    // The police member uploads the same file from their copy: nothing is added.
    let police = s.token("polisi").await;
    let r = send(police, gpx).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = r.json().await.expect("json");
    assert_eq!(again["legs"].as_array().map(Vec::len), Some(0));
    assert_eq!(again["duplicates"], first["legs"]);
    assert_eq!(again["patrol"]["legs"].as_array().map(Vec::len), Some(1));

    // Downloaded as a GIS tool does, compressed.
    let r = s
        .get(&k, &format!("/api/v1/patrols/{id}/track.gpx"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("send");
    assert!(r.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("application/gpx+xml"));
    let text = crate::harness::gunzip_text(r).await;
    let Ok(python) = std::env::var("SINERGI_GPX_PYTHON") else {
        eprintln!("note: the gpxpy round trip did not run: set SINERGI_GPX_PYTHON to a Python with gpxpy (pip install gpxpy)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("patroli.gpx");
    std::fs::write(&path, &text).expect("write");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(
            "import gpxpy, json, sys\n\
             g = gpxpy.parse(open(sys.argv[1]))\n\
             pts = [p for t in g.tracks for s in t.segments for p in s.points]\n\
             print(json.dumps({'n': len(pts), 'first': [pts[0].longitude, pts[0].latitude, pts[0].time.isoformat()], \
             'last': [pts[-1].longitude, pts[-1].latitude, pts[-1].time.isoformat()], 'km': g.length_2d() / 1000, \
             'waypoints': [[w.name, w.description] for w in g.waypoints]}))",
        )
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "gpxpy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(read["n"], 12);
    assert_eq!(
        read["first"],
        json!([103.24, -1.73, "2026-11-03T01:00:00+00:00"])
    );
    assert_eq!(read["last"][2], "2026-11-03T01:55:00+00:00");
    // The file's waypoint comes back as the patrol's observation point.
    assert_eq!(read["waypoints"], json!([["JERAT-01", "jerat kawat"]]));
    let their_km = read["km"].as_f64().expect("km");
    assert!(
        (their_km - km).abs() / km < 0.01,
        "gpxpy {their_km} km, Sinergi {km} km"
    );
}

/// A file without times, a broken file and a track that jumps 500 km in a minute: each
/// answered by line, and nothing is stored for the refused ones.
#[tokio::test]
async fn bad_gpx_is_refused_by_line_and_nothing_is_stored() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let p: Value = create(&s, &k, joint("Patroli uji", false, "internal"))
        .await
        .json()
        .await
        .expect("json");
    let id = p["id"].as_str().expect("id").to_string();
    let send = |body: String| {
        s.post(&k, &format!("/api/v1/imports/gpx?patrol={id}"))
            .header("Content-Type", "application/gpx+xml")
            .body(body)
            .send()
    };
    let no_time = walk_gpx("x").replace("<time>2026-11-03T01:05:00Z</time>", "");
    let e = problem(
        send(no_time).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(e.to_string().contains("line"), "{e}");
    let broken = walk_gpx("x").replace("</trkseg>", "");
    let e = problem(
        send(broken).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(e.to_string().contains("line"), "{e}");
    let p: Value = s
        .get(&k, &format!("/api/v1/patrols/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(p["legs"].as_array().map(Vec::len), Some(0));

    // One point 500 km away a minute later is dropped and said so; the rest is stored.
    let jump = walk_gpx("x").replace(
        "lat=\"-1.722500\" lon=\"103.247500\"",
        "lat=\"2.500000\" lon=\"103.247500\"",
    );
    assert_ne!(jump, walk_gpx("x"), "the test file has the point it moves");
    let r = send(jump).await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["patrol"]["legs"][0]["points"], 11);
}

/// The patrols export carries each patrol's tracks and effort: GeoJSON for a GIS, CSV for
/// a spreadsheet (a title typed as a formula stays text), KML for Google Earth.
#[tokio::test]
async fn exports_carry_the_tracks_and_the_effort() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/PATROLI/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let p: Value = create(&s, &k, joint("=HYPERLINK(\"x\")", true, "internal"))
        .await
        .json()
        .await
        .expect("json");
    let id = p["id"].as_str().expect("id").to_string();
    let r = s
        .post(&k, &format!("/api/v1/imports/gpx?patrol={id}"))
        .header("Content-Type", "application/gpx+xml")
        .body(walk_gpx("Hari 1"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let police = s.token("polisi").await;
    let export = |format: &'static str| {
        s.get(&police, &format!("/api/v1/patrols/export?format={format}"))
            .send()
    };

    let r = export("geojson").await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("application/geo+json"));
    let fc: Value = r.json().await.expect("json");
    let f = &fc["features"][0];
    assert_eq!(f["id"], id.as_str());
    assert_eq!(f["geometry"]["type"], "MultiLineString");
    assert_eq!(
        f["geometry"]["coordinates"][0].as_array().map(Vec::len),
        Some(12)
    );
    assert_eq!(f["geometry"]["coordinates"][0][0], json!([103.24, -1.73]));
    assert_eq!(f["properties"]["patrol_days"], 1);
    assert_eq!(f["properties"]["members"], 3);

    let csv = export("csv")
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .expect("header")
        .starts_with("id,title,agency,mandate,transport,status,planned_start"));
    let row = lines.next().expect("row");
    assert!(
        row.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "the formula stays text: {row}"
    );
    assert!(
        row.contains(",BNNK-BATANGHARI,joint_operation,foot,planned,2026-11-03,"),
        "{row}"
    );

    let kml = export("kml")
        .await
        .expect("send")
        .text()
        .await
        .expect("kml");
    assert!(kml.contains("<kml xmlns=\"http://www.opengis.net/kml/2.2\">"));
    assert!(
        kml.contains("<name>=HYPERLINK(&quot;x&quot;)</name>"),
        "{kml}"
    );
    assert!(
        kml.contains("<LineString><coordinates>103.24,-1.73 "),
        "{kml}"
    );

    let e = problem(
        export("shp").await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "format");
}
