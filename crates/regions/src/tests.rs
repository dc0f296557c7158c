//! Checks the shipped gazetteer against the embedded data and known places.
//!
//! Expected values that can be derived from the CSV are recomputed from the
//! embedded CSV text here, so the tests follow the data rather than a copy of
//! it. Tests must never time anything (timings are not deterministic on shared
//! machines) and, like the crate, never read files or the network: they use
//! the same embedded text the library does.

use std::collections::{HashMap, HashSet};

use super::*;

/// Minimal view of a CSV row for recomputing expectations.
struct CsvRow {
    code: String,
    parent: String,
    level: u8,
    lon: Option<f64>,
    lat: Option<f64>,
}

/// Re-reads the embedded CSV independently of the loader under test.
fn csv_rows() -> Vec<CsvRow> {
    let mut reader = csv::Reader::from_reader(data::REGIONS_CSV.as_bytes());
    let headers = reader.headers().expect("CSV header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("CSV has no {name} column"))
    };
    let (kode, parent, level, lat, lng) = (
        column("kode"),
        column("parent_kode"),
        column("level"),
        column("lat"),
        column("lng"),
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("CSV record");
            CsvRow {
                code: record[kode].to_owned(),
                parent: record[parent].to_owned(),
                level: record[level].parse().expect("numeric level"),
                lon: record[lng].parse().ok(),
                lat: record[lat].parse().ok(),
            }
        })
        .collect()
}

fn codes(location: &Location<'_>) -> Vec<String> {
    location.chain().iter().map(|r| r.code.clone()).collect()
}

#[test]
fn counts_match_the_csv() {
    let g = Gazetteer::shipped();
    assert_eq!(g.len(), 91_599);
    assert!(!g.is_empty());
    assert_eq!(g.iter().len(), 91_599);
    let mut per_level: HashMap<Level, usize> = HashMap::new();
    for region in g.iter() {
        *per_level.entry(region.level).or_default() += 1;
    }
    assert_eq!(per_level[&Level::Province], 38);
    assert_eq!(per_level[&Level::Regency], 514);
    assert_eq!(per_level[&Level::District], 7_285);
    assert_eq!(per_level[&Level::Village], 83_762);
    assert_eq!(g.provinces().len(), 38);
}

#[test]
fn iteration_follows_csv_order_with_parents_first() {
    let g = Gazetteer::shipped();
    let rows = csv_rows();
    let mut seen = HashSet::new();
    for (region, row) in g.iter().zip(&rows) {
        assert_eq!(region.code, row.code);
        if let Some(parent) = &region.parent {
            assert!(
                seen.contains(parent.as_str()),
                "{} before parent",
                region.code
            );
        }
        seen.insert(region.code.as_str());
    }
}

#[test]
fn get_returns_the_village_record() {
    let g = Gazetteer::shipped();
    let village = g.get("31.73.07.1006").expect("Kota Bambu Selatan");
    assert_eq!(village.name, "Kota Bambu Selatan");
    assert_eq!(village.parent.as_deref(), Some("31.73.07"));
    assert_eq!(village.level, Level::Village);
    assert!((village.lon - 106.803354).abs() < 1e-9);
    assert!((village.lat - -6.187350).abs() < 1e-9);
    assert!(g.get("99.99").is_none());
    assert!(g.get("").is_none());
}

#[test]
fn names_with_commas_survive_csv_quoting() {
    let g = Gazetteer::shipped();
    assert_eq!(
        g.get("12.07.28.1007").expect("quoted name").name,
        "Lubuk Pakam I,II"
    );
}

#[test]
fn villages_without_centroid_inherit_their_district() {
    let g = Gazetteer::shipped();
    let rows = csv_rows();
    let missing: Vec<&CsvRow> = rows
        .iter()
        .filter(|r| r.lon.is_none() || r.lat.is_none())
        .collect();
    assert!(!missing.is_empty());
    for row in missing {
        let village = g.get(&row.code).expect("listed village");
        let district = g.get(&row.parent).expect("its district");
        assert_eq!((village.lon, village.lat), (district.lon, district.lat));
    }
}

#[test]
fn children_match_the_csv() {
    let g = Gazetteer::shipped();
    let rows = csv_rows();
    let mut expected: HashMap<&str, Vec<&str>> = HashMap::new();
    for row in &rows {
        expected
            .entry(row.parent.as_str())
            .or_default()
            .push(row.code.as_str());
    }
    let jambi = expected["15"].len();
    assert!(jambi > 0);
    assert_eq!(g.children_count("15"), jambi);
    for row in &rows {
        let want = expected.get(row.code.as_str()).cloned().unwrap_or_default();
        let got: Vec<&str> = g
            .children(&row.code)
            .iter()
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(got, want, "children of {}", row.code);
        assert_eq!(g.children_count(&row.code), want.len());
    }
    assert!(g.children("nope").is_empty());
    assert_eq!(g.children_count("nope"), 0);
    // Level numbers in the CSV agree with the parsed levels.
    for row in &rows {
        assert_eq!(g.get(&row.code).expect("row").level.number(), row.level);
    }
}

#[test]
fn level_names_and_serialisation() {
    assert_eq!(Level::Province.as_str(), "province");
    assert_eq!(Level::Village.number(), 4);
    assert_eq!(
        serde_json::to_string(&Level::Regency).expect("serialise"),
        "\"regency\""
    );
    let region = Gazetteer::shipped().get("61.06").expect("Kapuas Hulu");
    let json = serde_json::to_value(region).expect("serialise region");
    assert_eq!(json["level"], "regency");
    assert_eq!(json["parent"], "61");
}

#[test]
fn search_ranks_the_regency_first() {
    let g = Gazetteer::shipped();
    let hits = g.search("kapuas hulu", 10);
    assert_eq!(hits.first().map(|r| r.code.as_str()), Some("61.06"));
    assert!(hits.iter().any(|r| r.code == "62.03.12"));
    let shouted = g.search("  KAPUAS   HULU ", 1);
    assert_eq!(shouted.len(), 1);
    assert_eq!(shouted[0].code, "61.06");
}

#[test]
fn search_orders_exact_prefix_substring_then_level_and_code() {
    let g = Gazetteer::shipped();
    let hits = g.search("bambu", 10_000);
    assert!(!hits.is_empty());
    let rank = |r: &Region| {
        let name = r.name.to_lowercase();
        if name == "bambu" {
            0
        } else if name.starts_with("bambu") {
            1
        } else {
            2
        }
    };
    for pair in hits.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(
            (rank(a), a.level, &a.code) <= (rank(b), b.level, &b.code),
            "{} before {}",
            a.code,
            b.code
        );
    }
    assert!(hits.iter().any(|r| r.code == "31.73.07.1006"));
    // The limit applies after ranking, so a short list is a prefix of a long one.
    let short = g.search("bambu", 5);
    assert_eq!(short.len(), 5);
    for (a, b) in short.iter().zip(&hits) {
        assert_eq!(a.code, b.code);
    }
}

#[test]
fn search_handles_empty_queries_and_limits() {
    let g = Gazetteer::shipped();
    assert!(g.search("", 10).is_empty());
    assert!(g.search("   \t", 10).is_empty());
    assert!(g.search("jambi", 0).is_empty());
    assert_eq!(g.search("a", 7).len(), 7);
    assert_eq!(g.search("jambi", 1)[0].code, "15");
    assert_eq!(g.search("jakarta", 1)[0].code, "31");
}

#[test]
fn locates_kota_bambu_selatan() {
    let g = Gazetteer::shipped();
    let here = g.locate(106.803354, -6.187350).expect("in Jakarta");
    assert_eq!(
        codes(&here),
        ["31", "31.73", "31.73.07", "31.73.07.1006"].map(String::from)
    );
    assert!(here.approximate);
    assert_eq!(here.most_specific().code, "31.73.07.1006");
}

#[test]
fn locates_way_kambas_gate_village() {
    let g = Gazetteer::shipped();
    let here = g.locate(105.771172, -5.047289).expect("in Lampung");
    assert_eq!(
        codes(&here),
        ["18", "18.07", "18.07.21", "18.07.21.2011"].map(String::from)
    );
}

#[test]
fn locates_putussibau() {
    let g = Gazetteer::shipped();
    let here = g.locate(112.927887, 0.872242).expect("in Kalimantan Barat");
    assert_eq!(here.province.code, "61");
    assert_eq!(here.regency.map(|r| r.code.as_str()), Some("61.06"));
    let district = here.district.expect("district");
    assert_eq!(district.parent.as_deref(), Some("61.06"));
    let village = here.village.expect("village");
    assert_eq!(village.parent.as_deref(), Some(district.code.as_str()));
}

#[test]
fn sea_and_invalid_points_are_not_located() {
    let g = Gazetteer::shipped();
    assert!(g.locate(95.0, -8.0).is_none());
    assert!(g.locate(f64::NAN, 0.0).is_none());
    assert!(g.locate(0.0, f64::INFINITY).is_none());
    assert!(g.locate(0.0, 0.0).is_none());
}

#[test]
fn bali_is_located_approximately() {
    let g = Gazetteer::shipped();
    let here = g.locate(115.19, -8.65).expect("in Bali");
    assert_eq!(here.province.code, "51");
    assert!(here.approximate);
    let chain = here.chain();
    assert_eq!(chain.len(), 4);
    for pair in chain.windows(2) {
        assert_eq!(pair[1].parent.as_deref(), Some(pair[0].code.as_str()));
    }
}

#[test]
fn located_chains_are_consistent() {
    let g = Gazetteer::shipped();
    for (lon, lat) in [
        (106.803354, -6.187350),
        (105.771172, -5.047289),
        (112.927887, 0.872242),
        (115.19, -8.65),
        (110.36, -7.80),
        (140.7, -2.55),
    ] {
        let here = g.locate(lon, lat).expect("on land");
        let chain = here.chain();
        assert_eq!(chain[0].level, Level::Province);
        for pair in chain.windows(2) {
            assert_eq!(pair[1].parent.as_deref(), Some(pair[0].code.as_str()));
        }
        assert_eq!(here.most_specific().code, chain[chain.len() - 1].code);
    }
}

#[test]
fn village_centroids_fall_in_their_own_province() {
    let g = Gazetteer::shipped();
    let villages: Vec<CsvRow> = csv_rows()
        .into_iter()
        .filter(|r| r.level == 4 && (r.code.starts_with("15.") || r.code.starts_with("31.")))
        .filter(|r| r.lon.is_some() && r.lat.is_some())
        .collect();
    let step = (villages.len() / 200).max(1);
    let sample: Vec<&CsvRow> = villages.iter().step_by(step).collect();
    assert!(sample.len() >= 190, "sample of {}", sample.len());
    let hits = sample
        .iter()
        .filter(|row| {
            let (Some(lon), Some(lat)) = (row.lon, row.lat) else {
                return false;
            };
            g.locate(lon, lat)
                .is_some_and(|here| here.province.code == row.code[..2])
        })
        .count();
    let ratio = hits as f64 / sample.len() as f64;
    assert!(
        ratio >= 0.95,
        "only {hits} of {} located correctly",
        sample.len()
    );
}

#[test]
fn boundary_geojson_is_embedded_per_level() {
    for level in [Level::Province, Level::Regency, Level::District] {
        let text = Gazetteer::boundary_geojson(level).expect("shipped boundaries");
        let json: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(json["type"], "FeatureCollection");
    }
    assert!(Gazetteer::boundary_geojson(Level::Village).is_none());
}

#[test]
fn every_polygon_is_linked_to_a_region() {
    let g = Gazetteer::shipped();
    let linked = g.shape_of.iter().filter(|&&s| s != NO_SHAPE).count();
    assert_eq!(linked, 38 + 514 + 1_140);
    let with_districts: Vec<&str> = g
        .provinces()
        .iter()
        .zip(&g.district_polygons)
        .filter(|(_, &has)| has)
        .map(|(p, _)| p.code.as_str())
        .collect();
    assert_eq!(with_districts, ["13", "15", "16", "17", "18", "31", "61"]);
}
