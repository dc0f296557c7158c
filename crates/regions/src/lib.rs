//! The shipped Kemendagri gazetteer: every Indonesian province, regency/city,
//! district (kecamatan) and village (desa/kelurahan) with its code, name,
//! parent and centroid, plus name search and point-in-region lookup.
//!
//! Everything — the 91,599-row region table and the simplified province,
//! regency and (for seven focus provinces) district boundaries — is embedded
//! in the binary at compile time and parsed once, on first use of
//! [`Gazetteer::shipped`]. This crate must never do file or network I/O at run
//! time, and it never logs: a deployed server always answers from exactly the
//! data it was built with. The data is MIT-licensed; see `data/ATTRIBUTION.md`.
//!
//! ```
//! use sinergi_regions::Gazetteer;
//!
//! let gazetteer = Gazetteer::shipped();
//! let village = gazetteer.get("31.73.07.1006").expect("shipped village");
//! assert_eq!(village.name, "Kota Bambu Selatan");
//!
//! let here = gazetteer.locate(106.803354, -6.187350).expect("inside Jakarta");
//! assert_eq!(here.province.code, "31");
//! assert_eq!(here.most_specific().code, "31.73.07.1006");
//! ```

mod data;
mod error;
mod search;
mod shapes;
mod table;
mod view;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::OnceLock;

use geo::{Coord, Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

use crate::error::LoadError;
use crate::search::NameIndex;
use crate::shapes::Shape;
use crate::table::{Span, Table, NO_PARENT};
pub use crate::view::{pixel_degrees, Bbox, Outline, SIMPLIFY_ZOOMS};

/// The four levels of the Kemendagri administrative hierarchy.
///
/// Levels are ordered from the top (`Province`) down (`Village`), and serialise
/// as the lower-case English words `"province"`, `"regency"`, `"district"` and
/// `"village"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Provinsi (code `PP`).
    Province,
    /// Kabupaten or kota, i.e. regency or city (code `PP.KK`).
    Regency,
    /// Kecamatan (code `PP.KK.CC`).
    District,
    /// Desa or kelurahan (code `PP.KK.CC.DDDD`).
    Village,
}

impl Level {
    /// All levels, top down.
    const ALL: [Level; 4] = [
        Level::Province,
        Level::Regency,
        Level::District,
        Level::Village,
    ];

    /// Returns the level's serialised name: `"province"`, `"regency"`,
    /// `"district"` or `"village"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Regency => "regency",
            Level::District => "district",
            Level::Village => "village",
        }
    }

    /// Returns the Kemendagri level number: 1 for provinces through 4 for villages.
    pub fn number(&self) -> u8 {
        match self {
            Level::Province => 1,
            Level::Regency => 2,
            Level::District => 3,
            Level::Village => 4,
        }
    }

    /// Maps a Kemendagri level number back to a level.
    fn from_number(number: u8) -> Option<Level> {
        match number {
            1 => Some(Level::Province),
            2 => Some(Level::Regency),
            3 => Some(Level::District),
            4 => Some(Level::Village),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One administrative region from the Kemendagri table.
#[derive(Clone, Debug, Serialize)]
pub struct Region {
    /// The dotted Kemendagri code, e.g. `"31.73.07.1006"`.
    pub code: String,
    /// The official name, e.g. `"Kota Bambu Selatan"` or `"Kabupaten Kapuas Hulu"`.
    pub name: String,
    /// Where the region sits in the hierarchy.
    pub level: Level,
    /// The parent's code; `None` only for provinces.
    pub parent: Option<String>,
    /// Centroid longitude in degrees (WGS 84).
    ///
    /// 359 villages have no centroid in the source data; they carry their
    /// district's centroid instead so that they can still be placed on a map,
    /// and [`Gazetteer::locate`] never picks them by distance.
    pub lon: f64,
    /// Centroid latitude in degrees (WGS 84); see [`Region::lon`] for villages
    /// without a centroid of their own.
    pub lat: f64,
}

/// The regions containing a point, from province down to village, as found by
/// [`Gazetteer::locate`].
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Location<'a> {
    /// The province whose boundary contains the point (always polygon-based).
    pub province: &'a Region,
    /// The regency/city containing the point; `None` only if the province has
    /// no regencies, which does not happen with the shipped data.
    pub regency: Option<&'a Region>,
    /// The district containing, or nearest to, the point.
    pub district: Option<&'a Region>,
    /// The village whose centroid is nearest to the point within `district`;
    /// `None` only if no village of that district has a centroid.
    pub village: Option<&'a Region>,
    /// `true` when any level was chosen by nearest centroid rather than by a
    /// boundary polygon.
    ///
    /// Villages have no shipped polygons, so this is `true` whenever `village`
    /// is set. It is also set when the district had to be chosen by the nearest
    /// village centroid (district polygons exist only for provinces 13, 15,
    /// 16, 17, 18, 31 and 61, and simplified polygons leave gaps), and when a
    /// point inside a province fell in a gap between its simplified regency
    /// polygons.
    pub approximate: bool,
}

impl<'a> Location<'a> {
    /// Returns the deepest region found (normally the village).
    pub fn most_specific(&self) -> &'a Region {
        self.village
            .or(self.district)
            .or(self.regency)
            .unwrap_or(self.province)
    }

    /// Returns the found regions top down, province first, without gaps.
    pub fn chain(&self) -> Vec<&'a Region> {
        let mut chain = vec![self.province];
        chain.extend(self.regency);
        chain.extend(self.district);
        chain.extend(self.village);
        chain
    }
}

/// The region table with its name and boundary indexes.
///
/// Obtain the one built from the shipped data with [`Gazetteer::shipped`].
pub struct Gazetteer {
    table: Table,
    names: NameIndex,
    shapes: Vec<Shape>,
    /// Index into `shapes` for each region (by storage position), or `NO_SHAPE`.
    shape_of: Vec<u32>,
    /// For each province (by storage position), whether any of its districts
    /// has a shipped polygon; otherwise districts are chosen by centroid.
    district_polygons: Vec<bool>,
    /// Each level's polygons simplified per zoom, made on first use (`view.rs`).
    simplify_cache: view::Cache,
}

/// Marks a region without a boundary polygon in `Gazetteer::shape_of`.
const NO_SHAPE: u32 = u32::MAX;

/// A radius slightly below the mean Earth radius `Haversine` uses (6,371,008.8 m).
///
/// It turns a latitude difference into a distance that is guaranteed not to
/// exceed the haversine distance, which lets nearest-centroid scans skip the
/// trigonometry for candidates that are too far north or south to win.
const LOWER_BOUND_EARTH_RADIUS_M: f64 = 6_371_000.0;

impl fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The full table is far too large to print, so show its size instead.
        f.debug_struct("Gazetteer")
            .field("regions", &self.len())
            .field("shapes", &self.shapes.len())
            .finish_non_exhaustive()
    }
}

impl Gazetteer {
    /// Returns the gazetteer built from the data embedded in this binary.
    ///
    /// The first call parses the embedded CSV and GeoJSON (a fraction of a
    /// second in release builds); later calls return the same instance.
    ///
    /// # Panics
    ///
    /// Panics if the embedded data is corrupt. That can only happen if the
    /// binary was built from broken data files, and the crate's tests catch it.
    pub fn shipped() -> &'static Gazetteer {
        static SHIPPED: OnceLock<Gazetteer> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            Gazetteer::from_embedded().unwrap_or_else(|error| {
                panic!("the gazetteer data embedded in this binary is corrupt: {error}")
            })
        })
    }

    /// Builds a gazetteer from the embedded data, reporting defects as errors.
    fn from_embedded() -> Result<Gazetteer, LoadError> {
        let table = table::parse(data::REGIONS_CSV)?;
        let names = NameIndex::new(&table.regions);
        let mut gazetteer = Gazetteer {
            shape_of: vec![NO_SHAPE; table.regions.len()],
            district_polygons: vec![false; table.levels[0].len()],
            table,
            names,
            shapes: Vec::new(),
            simplify_cache: view::Cache::new(),
        };
        let files = [
            (
                Level::Province,
                "indonesia_provinsi_38_simplified.geojson",
                data::PROVINCE_GEOJSON,
            ),
            (
                Level::Regency,
                "indonesia_kabkota_514_simplified.geojson",
                data::REGENCY_GEOJSON,
            ),
            (
                Level::District,
                "kecamatan_focus_provinces_simplified.geojson",
                data::DISTRICT_GEOJSON,
            ),
        ];
        for (level, file, text) in files {
            for (code, shape) in shapes::parse_collection(file, text)? {
                // Polygons are linked to regions by code alone; one whose code
                // is unknown, at the wrong level or already has a polygon
                // cannot be placed in the hierarchy and is skipped.
                let Some(index) = gazetteer.index_of(&code) else {
                    continue;
                };
                if gazetteer.table.regions[index].level != level
                    || gazetteer.shape_of[index] != NO_SHAPE
                {
                    continue;
                }
                let Ok(shape_index) = u32::try_from(gazetteer.shapes.len()) else {
                    continue;
                };
                gazetteer.shape_of[index] = shape_index;
                gazetteer.shapes.push(shape);
                if level == Level::District {
                    let province = gazetteer.ancestor(index, Level::Province);
                    gazetteer.district_polygons[province] = true;
                }
            }
        }
        Ok(gazetteer)
    }

    /// Looks a region up by its dotted code, e.g. `"15"`, `"61.06"` or `"31.73.07.1006"`.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.index_of(code).map(|i| &self.table.regions[i])
    }

    /// Returns the direct children of the region with this code, in CSV order.
    ///
    /// The result is a slice of the gazetteer's own storage, so it costs no
    /// allocation. An unknown code, or a village, yields an empty slice; use
    /// [`Gazetteer::provinces`] for the top level.
    pub fn children(&self, code: &str) -> &[Region] {
        match self.index_of(code) {
            Some(i) => &self.table.regions[self.table.children[i].range()],
            None => &[],
        }
    }

    /// Returns how many direct children the region with this code has (0 if unknown).
    pub fn children_count(&self, code: &str) -> usize {
        self.index_of(code)
            .map_or(0, |i| self.table.children[i].len())
    }

    /// Returns all 38 provinces in CSV (code) order.
    pub fn provinces(&self) -> &[Region] {
        &self.table.regions[self.table.levels[0].range()]
    }

    /// Finds regions whose name contains `query`, best matches first, at most `limit`.
    ///
    /// Matching is case-insensitive (not accent-insensitive) and treats runs of
    /// whitespace in the query as one space. Matches rank as: exact name, then
    /// name prefix, then any other substring; ties go to the higher level
    /// (province first), then to the smaller code. For provinces and regencies
    /// the name without its administrative prefix also counts, so
    /// `"kapuas hulu"` is an exact match for *Kabupaten Kapuas Hulu* and
    /// `"jakarta"` for *Daerah Khusus Ibukota Jakarta*. An empty or
    /// whitespace-only query returns nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Region> {
        let Some(query) = search::normalize_query(query) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        let regions = &self.table.regions;
        let mut hits: Vec<(search::MatchKind, usize)> = (0..regions.len())
            .filter_map(|i| self.names.rank(i, &query).map(|kind| (kind, i)))
            .collect();
        let order = |a: &(search::MatchKind, usize), b: &(search::MatchKind, usize)| {
            let (ra, rb) = (&regions[a.1], &regions[b.1]);
            (a.0, ra.level, &ra.code).cmp(&(b.0, rb.level, &rb.code))
        };
        // Short queries can match most of the table, so select the best
        // `limit` first and only sort those.
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        hits.into_iter().map(|(_, i)| &regions[i]).collect()
    }

    /// Finds the regions containing a point given as longitude/latitude degrees.
    ///
    /// The province and regency come from the shipped boundary polygons (an
    /// exact point-in-polygon test after a bounding-box prefilter; points on a
    /// border count as inside). The district comes from its polygon where
    /// district polygons are shipped (provinces 13, 15, 16, 17, 18, 31, 61);
    /// elsewhere, or when no district polygon of the regency contains the
    /// point, it is the district holding the village centroid nearest to the
    /// point. The village is always the one in that district whose centroid is
    /// nearest (haversine distance), because villages have no polygons. See
    /// [`Location::approximate`] for when the result is flagged as approximate.
    ///
    /// If the point lies in a province but in a gap between its simplified
    /// regency polygons, the regency is the one holding the nearest village
    /// centroid in that province. Returns `None` for non-finite input and for
    /// points no province polygon contains (open sea, other countries, and
    /// some coastal points the simplified boundaries cut off).
    pub fn locate(&self, lon: f64, lat: f64) -> Option<Location<'_>> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        let here = Coord { x: lon, y: lat };
        let province = self.first_covering(self.table.levels[0], here)?;
        let mut approximate = false;

        let regency = match self.first_covering(self.table.children[province], here) {
            Some(regency) => Some(regency),
            None => {
                let nearest = self.nearest_child(province, here);
                approximate |= nearest.is_some();
                nearest
            }
        };

        let district = regency.and_then(|regency| {
            let by_polygon = if self.district_polygons[province] {
                self.first_covering(self.table.children[regency], here)
            } else {
                None
            };
            by_polygon.or_else(|| {
                let nearest = self.nearest_child(regency, here);
                approximate |= nearest.is_some();
                nearest
            })
        });

        let village = district.and_then(|district| {
            let nearest = self.nearest_village(self.table.villages[district], here);
            approximate |= nearest.is_some();
            nearest
        });

        let regions = &self.table.regions;
        Some(Location {
            province: &regions[province],
            regency: regency.map(|i| &regions[i]),
            district: district.map(|i| &regions[i]),
            village: village.map(|i| &regions[i]),
            approximate,
        })
    }

    /// Iterates over all regions in the CSV's order, where every parent comes
    /// before its children.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Region> + '_ {
        self.table
            .csv_order
            .iter()
            .map(move |&i| &self.table.regions[i as usize])
    }

    /// Returns the number of regions (91,599 in the shipped data).
    pub fn len(&self) -> usize {
        self.table.regions.len()
    }

    /// Returns whether the gazetteer has no regions (never true for the shipped data).
    pub fn is_empty(&self) -> bool {
        self.table.regions.is_empty()
    }

    /// Returns the raw embedded boundary GeoJSON for a level, for serving to
    /// map clients as is.
    ///
    /// Each is a FeatureCollection whose features have the properties `kode`,
    /// `nama`, `lat` and `lng`. District boundaries cover only provinces 13,
    /// 15, 16, 17, 18, 31 and 61. Villages have no boundaries, so
    /// `Level::Village` yields `None`.
    pub fn boundary_geojson(level: Level) -> Option<&'static str> {
        match level {
            Level::Province => Some(data::PROVINCE_GEOJSON),
            Level::Regency => Some(data::REGENCY_GEOJSON),
            Level::District => Some(data::DISTRICT_GEOJSON),
            Level::Village => None,
        }
    }

    /// Finds a region's storage position by code.
    fn index_of(&self, code: &str) -> Option<usize> {
        let regions = &self.table.regions;
        self.table
            .by_code
            .binary_search_by(|&i| regions[i as usize].code.as_str().cmp(code))
            .ok()
            .map(|found| self.table.by_code[found] as usize)
    }

    /// Walks up from a region to its ancestor (or itself) at `level`.
    fn ancestor(&self, mut index: usize, level: Level) -> usize {
        while self.table.regions[index].level > level {
            let parent = self.table.parent[index];
            if parent == NO_PARENT {
                break;
            }
            index = parent as usize;
        }
        index
    }

    /// Returns the first region in `span` whose polygon covers the point.
    ///
    /// Where simplified polygons overlap, the region with the smaller storage
    /// position (which follows code order) wins, so results are deterministic.
    fn first_covering(&self, span: Span, here: Coord<f64>) -> Option<usize> {
        span.range().find(|&i| {
            let shape = self.shape_of[i];
            shape != NO_SHAPE && self.shapes[shape as usize].covers(here)
        })
    }

    /// Picks the child of `parent` that holds the village centroid nearest to
    /// the point; if none of its villages has a centroid, the child whose own
    /// centroid is nearest.
    fn nearest_child(&self, parent: usize, here: Coord<f64>) -> Option<usize> {
        // Villages have no children, so there is nothing to pick below them.
        let child_level = Level::from_number(self.table.regions[parent].level.number() + 1)?;
        if let Some(village) = self.nearest_village(self.table.villages[parent], here) {
            return Some(self.ancestor(village, child_level));
        }
        self.nearest_by_centroid(self.table.children[parent].range(), here)
    }

    /// Returns the village in `span` with its own centroid nearest to the point.
    fn nearest_village(&self, span: Span, here: Coord<f64>) -> Option<usize> {
        let own = &self.table.own_centroid;
        self.nearest_by_centroid(span.range().filter(|&i| own[i]), here)
    }

    /// Returns the candidate whose centroid has the smallest haversine distance
    /// to the point; on ties, the first candidate.
    fn nearest_by_centroid(
        &self,
        candidates: impl Iterator<Item = usize>,
        here: Coord<f64>,
    ) -> Option<usize> {
        let origin = Point::from(here);
        let mut best: Option<(f64, usize)> = None;
        for i in candidates {
            let region = &self.table.regions[i];
            if let Some((best_metres, _)) = best {
                // A candidate whose latitude alone puts it farther away than
                // the best so far cannot win; skipping it avoids the
                // haversine trigonometry for most of a large scan.
                let lower_bound =
                    LOWER_BOUND_EARTH_RADIUS_M * (region.lat - here.y).abs().to_radians();
                if lower_bound >= best_metres {
                    continue;
                }
            }
            let metres = Haversine::distance(origin, Point::new(region.lon, region.lat));
            let better = match best {
                None => true,
                Some((best_metres, _)) => metres < best_metres,
            };
            if better {
                best = Some((metres, i));
            }
        }
        best.map(|(_, i)| i)
    }
}
