//! Turns the embedded Kemendagri CSV into the gazetteer's in-memory region table.
//!
//! The table stores regions level by level (all provinces, then all regencies,
//! then districts, then villages), and within each level groups siblings
//! together, so that the children of any region — and, transitively, all of its
//! villages — form one contiguous slice. That layout is what lets `children`
//! hand out a plain slice and lets `locate` scan "all villages of this regency"
//! without an index. This module must never do file or network I/O; it only
//! parses text that was compiled into the binary.

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;

use crate::error::LoadError;
use crate::{Level, Region};

/// Marks "no parent" in the parent index, which only provinces have.
pub(crate) const NO_PARENT: u32 = u32::MAX;

/// A half-open range of positions in the region table.
///
/// It is stored as two `u32`s rather than a `Range<usize>` because one is kept
/// per region twice over, and 91,599 regions make the difference noticeable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// Returns the span as a range usable for slicing and iteration.
    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Returns how many positions the span covers.
    pub(crate) fn len(self) -> usize {
        (self.end - self.start) as usize
    }
}

/// The parsed region table, in the storage order described in the module docs.
#[derive(Debug)]
pub(crate) struct Table {
    /// Every region, level by level, siblings contiguous.
    pub(crate) regions: Vec<Region>,
    /// Storage positions in the CSV's own order, so iteration can honour it.
    pub(crate) csv_order: Vec<u32>,
    /// Storage positions sorted by code, for binary-search lookups.
    pub(crate) by_code: Vec<u32>,
    /// The storage position of each region's parent, or [`NO_PARENT`].
    pub(crate) parent: Vec<u32>,
    /// The storage span of each region's direct children.
    pub(crate) children: Vec<Span>,
    /// The storage span of all villages below (or, for a village, equal to) each region.
    pub(crate) villages: Vec<Span>,
    /// Whether the region's centroid came from the CSV rather than from its parent.
    pub(crate) own_centroid: Vec<bool>,
    /// The storage span of each level, indexed by `Level::number() - 1`.
    pub(crate) levels: [Span; 4],
}

/// The CSV columns the gazetteer uses; the others are ignored.
#[derive(Deserialize)]
struct Row<'a> {
    kode: &'a str,
    nama: &'a str,
    level: u8,
    parent_kode: Option<&'a str>,
    lat: Option<f64>,
    lng: Option<f64>,
}

/// One validated CSV row, still in CSV order.
struct Parsed {
    code: String,
    name: String,
    level: Level,
    parent: Option<String>,
    lon_lat: Option<(f64, f64)>,
}

/// Parses and validates the CSV and lays it out as a [`Table`].
pub(crate) fn parse(csv_text: &str) -> Result<Table, LoadError> {
    let rows = read_rows(csv_text)?;
    layout(rows)
}

/// Reads every row, checking each one on its own (code shape, level, parent code).
fn read_rows(csv_text: &str) -> Result<Vec<Parsed>, LoadError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers()?.clone();
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::with_capacity(92_000);
    let mut row_number = 0;
    while reader.read_record(&mut record)? {
        row_number += 1;
        let bad = |reason: String| LoadError::BadRow {
            row: row_number,
            reason,
        };
        let row: Row<'_> = record.deserialize(Some(&headers))?;
        let level = Level::from_number(row.level)
            .ok_or_else(|| bad(format!("level {} is not 1..=4", row.level)))?;
        if !code_has_shape(row.kode, level) {
            return Err(bad(format!(
                "code {:?} does not have the shape of a {} code",
                row.kode,
                level.as_str()
            )));
        }
        // The parent code is fully determined by the child's code, so a
        // mismatch means the row is corrupt rather than merely unusual.
        let expected_parent = row.kode.rfind('.').map(|dot| &row.kode[..dot]);
        if row.parent_kode != expected_parent {
            return Err(bad(format!(
                "code {:?} has parent {:?}, expected {:?}",
                row.kode, row.parent_kode, expected_parent
            )));
        }
        let name = row.nama.trim();
        if name.is_empty() {
            return Err(bad(format!("code {:?} has an empty name", row.kode)));
        }
        let lon_lat = match (row.lng, row.lat) {
            (Some(lon), Some(lat)) if plausible(lon, lat) => Some((lon, lat)),
            (None, None) => None,
            (lon, lat) => {
                return Err(bad(format!(
                    "code {:?} has an unusable centroid lng={lon:?} lat={lat:?}",
                    row.kode
                )))
            }
        };
        rows.push(Parsed {
            code: row.kode.to_owned(),
            name: name.to_owned(),
            level,
            parent: expected_parent.map(str::to_owned),
            lon_lat,
        });
    }
    Ok(rows)
}

/// Checks that a code is dot-separated digits with the segment widths of its level
/// (`PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.DDDD`).
fn code_has_shape(code: &str, level: Level) -> bool {
    const WIDTHS: [usize; 4] = [2, 2, 2, 4];
    let segments: Vec<&str> = code.split('.').collect();
    segments.len() == usize::from(level.number())
        && segments
            .iter()
            .zip(WIDTHS)
            .all(|(s, w)| s.len() == w && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Rejects centroids that cannot be longitude/latitude degrees at all.
fn plausible(lon: f64, lat: f64) -> bool {
    lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0
}

/// Arranges validated rows into the level-by-level, siblings-together layout.
fn layout(rows: Vec<Parsed>) -> Result<Table, LoadError> {
    let n = rows.len();
    let too_many = || LoadError::BadRow {
        row: n,
        reason: "more rows than fit a u32 index".to_owned(),
    };
    let n32 = u32::try_from(n).map_err(|_| too_many())?;

    // Resolve every parent to its CSV position, insisting that it appears
    // earlier; the layout below relies on parents being placed first.
    let mut csv_pos: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut parent_csv: Vec<Option<usize>> = Vec::with_capacity(n);
    for (i, row) in rows.iter().enumerate() {
        let parent = match &row.parent {
            None => None,
            Some(code) => Some(
                *csv_pos
                    .get(code.as_str())
                    .ok_or_else(|| LoadError::BadRow {
                        row: i + 1,
                        reason: format!(
                            "parent {code:?} of {:?} is not listed before it",
                            row.code
                        ),
                    })?,
            ),
        };
        parent_csv.push(parent);
        if csv_pos.insert(row.code.as_str(), i).is_some() {
            return Err(LoadError::BadRow {
                row: i + 1,
                reason: format!("code {:?} appears twice", row.code),
            });
        }
    }

    // Assign storage positions level by level. Sorting each level stably by
    // the parent's storage position makes siblings contiguous while keeping
    // them in CSV order among themselves.
    let mut storage_of = vec![u32::MAX; n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut levels = [Span::default(); 4];
    for (slot, level) in Level::ALL.into_iter().enumerate() {
        let mut members: Vec<usize> = (0..n).filter(|&i| rows[i].level == level).collect();
        members.sort_by_key(|&i| parent_csv[i].map_or(0, |p| storage_of[p]));
        let start = order.len();
        for i in members {
            storage_of[i] = u32::try_from(order.len()).map_err(|_| too_many())?;
            order.push(i);
        }
        levels[slot] = Span {
            start: u32::try_from(start).map_err(|_| too_many())?,
            end: u32::try_from(order.len()).map_err(|_| too_many())?,
        };
    }

    let parent: Vec<u32> = order
        .iter()
        .map(|&i| parent_csv[i].map_or(NO_PARENT, |p| storage_of[p]))
        .collect();

    // Build the regions in storage order. A missing centroid is inherited from
    // the parent (already built, since parents come first) so that every
    // region can be placed on a map; `own_centroid` remembers which ones were
    // inherited so nearest-centroid searches can ignore them.
    let mut rows: Vec<Option<Parsed>> = rows.into_iter().map(Some).collect();
    let mut regions: Vec<Region> = Vec::with_capacity(n);
    let mut own_centroid: Vec<bool> = Vec::with_capacity(n);
    for (s, &i) in order.iter().enumerate() {
        let Some(row) = rows[i].take() else {
            return Err(LoadError::BadRow {
                row: i + 1,
                reason: "row placed twice while laying out the table".to_owned(),
            });
        };
        let (lon, lat, own) = match (row.lon_lat, parent[s]) {
            (Some((lon, lat)), _) => (lon, lat, true),
            (None, p) if p != NO_PARENT => {
                let from = &regions[p as usize];
                (from.lon, from.lat, false)
            }
            (None, _) => {
                return Err(LoadError::BadRow {
                    row: i + 1,
                    reason: format!("province {:?} has no centroid to inherit", row.code),
                })
            }
        };
        regions.push(Region {
            code: row.code,
            name: row.name,
            level: row.level,
            parent: row.parent,
            lon,
            lat,
        });
        own_centroid.push(own);
    }

    // Children spans: every child extends its parent's span, which works
    // because siblings are contiguous.
    let mut children = vec![Span::default(); n];
    for (s, &p) in parent.iter().enumerate() {
        if p == NO_PARENT {
            continue;
        }
        let s = s as u32;
        let span = &mut children[p as usize];
        if span.start == span.end {
            *span = Span {
                start: s,
                end: s + 1,
            };
        } else {
            span.end = s + 1;
        }
    }

    // Village spans, bottom-up: a village covers itself, anything else covers
    // the villages of its first through last child (contiguous by layout).
    let mut villages = vec![Span::default(); n];
    for s in levels[3].range() {
        villages[s] = Span {
            start: s as u32,
            end: s as u32 + 1,
        };
    }
    for slot in (0..3).rev() {
        for s in levels[slot].range() {
            let kids = children[s];
            if kids.len() > 0 {
                villages[s] = Span {
                    start: villages[kids.start as usize].start,
                    end: villages[kids.end as usize - 1].end,
                };
            }
        }
    }

    let csv_order: Vec<u32> = storage_of;
    let mut by_code: Vec<u32> = (0..n32).collect();
    by_code.sort_unstable_by(|&a, &b| regions[a as usize].code.cmp(&regions[b as usize].code));

    Ok(Table {
        regions,
        csv_order,
        by_code,
        parent,
        children,
        villages,
        own_centroid,
        levels,
    })
}
