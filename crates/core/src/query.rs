//! List queries over reports: the OGC API – Features parameters (`bbox`, `datetime`,
//! `limit`) plus Sinergi's own filters, parsed into one checked [`ReportFilter`].

use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::geometry::Bbox;
use crate::ids::{AgencyId, ReportId};
use crate::region::is_region_code_shape;
use crate::report::{Report, Status};
use crate::{Message, ValidationErrors};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1_000;

/// An OGC `datetime`: an instant, or an interval with `..` (or nothing) for an open end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Interval {
    pub fn parse(s: &str) -> Result<Interval, Message> {
        let one = |p: &str| -> Result<Option<DateTime<Utc>>, Message> {
            let p = p.trim();
            if p.is_empty() || p == ".." {
                return Ok(None);
            }
            if let Ok(t) = DateTime::parse_from_rfc3339(p) {
                return Ok(Some(t.with_timezone(&Utc)));
            }
            // A bare date means the whole day in UTC, as OGC clients commonly send it.
            if let Ok(d) = chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d") {
                return Ok(d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()));
            }
            Err(crate::msg!(
                "datetime-not-rfc3339",
                "{value} is not an RFC 3339 date-time",
                value = format!("{p:?}")
            ))
        };
        match s.split_once('/') {
            None => {
                let t = one(s)?.ok_or_else(|| {
                    crate::msg!("interval-instant-open", "an instant cannot be open")
                })?;
                Ok(Interval {
                    start: Some(t),
                    end: Some(t),
                })
            }
            Some((a, b)) => {
                let iv = Interval {
                    start: one(a)?,
                    end: one(b)?,
                };
                if let (Some(a), Some(b)) = (iv.start, iv.end) {
                    if b < a {
                        return Err(crate::msg!(
                            "interval-reversed",
                            "the interval ends before it starts"
                        ));
                    }
                }
                Ok(iv)
            }
        }
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

/// Keyset paging position: the sort key of the last report on the previous page. Reports
/// are listed newest `occurred_at` first, ties broken by id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    pub occurred_at_ms: i64,
    pub id: ReportId,
}

impl Cursor {
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("{}|{}", self.occurred_at_ms, self.id))
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (ms, id) = text.split_once('|')?;
        Some(Cursor {
            occurred_at_ms: ms.parse().ok()?,
            id: ReportId::parse(id)?,
        })
    }
}

/// A checked report filter. `agency` is resolved from a code by the caller.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportFilter {
    pub bbox: Option<Bbox>,
    pub datetime: Option<Interval>,
    pub type_key: Option<String>,
    /// Matches the region itself and everything inside it (`15` matches `15.01.02.2003`).
    pub region_prefix: Option<String>,
    pub agency: Option<AgencyId>,
    pub status: Option<Status>,
    /// Case-insensitive words searched in title and description.
    pub q: Option<String>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    /// Set only on a store query widened by [`ReportFilter::widened`]: besides the
    /// records inside `bbox`, the records that may reach the caller coarsened and whose
    /// delivered point may therefore lie inside it.
    pub bbox_widening: Option<BboxWidening>,
}

/// Which records may be delivered coarsened, and where such a record may lie to be shown
/// inside the box. Records of the viewer's own agency are never coarsened; another
/// agency's record is when its type is location-sensitive or a grant with a coarse
/// precision covers its (owner, type).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BboxWidening {
    pub viewer_agency: Option<AgencyId>,
    /// Location-sensitive types: coarsened for every viewer outside the owner agency.
    pub types: Vec<String>,
    /// (owner, type) pairs that a grant of the viewer's delivers at a coarse precision.
    pub pairs: Vec<(AgencyId, String)>,
    /// The box grown by [`COARSENING_MARGIN_DEG`]; `None`: no limit (a box over much of
    /// the country).
    pub wide: Option<Bbox>,
    /// The box grown by [`UNLOCATED_MARGIN_DEG`], for records without a region code.
    pub far: Option<Bbox>,
    /// A record also matches when the district of its region code (its first three levels,
    /// or the whole code when shorter) is one of these: a record delivered at region
    /// precision is shown at that region's centre.
    pub region_codes: Vec<String>,
}

/// How far (in degrees) a delivered point can lie from the stored geometry's bounding
/// box when its location is coarsened to a grid: half a 10 km cell's diagonal is under
/// 0.065°, and the shown point is rounded to 0.01°.
pub const COARSENING_MARGIN_DEG: f64 = 0.1;

/// The same for a record without a region code shown at region precision: it is snapped
/// to a 50 km cell instead (under 0.33°).
pub const UNLOCATED_MARGIN_DEG: f64 = 0.5;

impl ReportFilter {
    /// Does a record, **as the caller receives it** (withheld fields removed, location
    /// coarsened), match this filter? Lists and exports apply this to every delivered
    /// record, so a filter can never be used to probe the hidden original.
    pub fn matches(&self, r: &Report) -> bool {
        if self.bbox.is_some_and(|b| !b.intersects(&r.geometry.bbox())) {
            return false;
        }
        if let Some(iv) = &self.datetime {
            if !iv.contains(r.occurred_at.with_timezone(&Utc)) {
                return false;
            }
        }
        if self.type_key.as_ref().is_some_and(|t| *t != r.type_key) {
            return false;
        }
        if let Some(p) = &self.region_prefix {
            let inside = r
                .region_code
                .as_deref()
                .is_some_and(|c| c == p || c.starts_with(&format!("{p}.")));
            if !inside {
                return false;
            }
        }
        if self.agency.is_some_and(|a| a != r.owner_agency_id) {
            return false;
        }
        if self.status.is_some_and(|s| s != r.status) {
            return false;
        }
        if let Some(q) = &self.q {
            let q = q.to_lowercase();
            if !r.title.to_lowercase().contains(&q) && !r.description.to_lowercase().contains(&q) {
                return false;
            }
        }
        true
    }

    /// The filter the store is asked with: a superset of the records whose delivered form
    /// matches. Every condition but `bbox` already is one (a coarsened record's region code
    /// is a prefix of the stored one; withheld text only removes matches). For `bbox`, a
    /// record that may be coarsened (see [`BboxWidening`]) also matches within the box
    /// grown by [`COARSENING_MARGIN_DEG`], or when its district's centre, in
    /// `region_codes_in_box`, lies inside it; `None` there (too many regions to list)
    /// drops the limit for such records.
    pub fn widened(
        &self,
        region_codes_in_box: Option<Vec<String>>,
        mut coarse: BboxWidening,
    ) -> ReportFilter {
        let mut f = self.clone();
        if let Some(b) = &self.bbox {
            if !coarse.types.is_empty() || !coarse.pairs.is_empty() {
                let grown = |m: f64| Bbox {
                    min_lon: b.min_lon - m,
                    min_lat: b.min_lat - m,
                    max_lon: b.max_lon + m,
                    max_lat: b.max_lat + m,
                };
                if region_codes_in_box.is_some() {
                    coarse.wide = Some(grown(COARSENING_MARGIN_DEG));
                    coarse.far = Some(grown(UNLOCATED_MARGIN_DEG));
                }
                coarse.region_codes = region_codes_in_box.unwrap_or_default();
                f.bbox_widening = Some(coarse);
            }
        }
        f
    }
}

/// The raw query parameters, as strings, before checking.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReportQuery {
    pub bbox: Option<String>,
    pub datetime: Option<String>,
    #[serde(rename = "type")]
    pub type_key: Option<String>,
    pub region: Option<String>,
    pub agency: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Accepted and ignored, so that OGC clients adding `f=json` still work.
    pub f: Option<String>,
}

impl RawReportQuery {
    /// Checks every parameter. The agency code is returned for the caller to resolve;
    /// report type keys are checked against `known_types`.
    pub fn parse(
        &self,
        known_types: &[&str],
    ) -> Result<(ReportFilter, Option<String>), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let nonempty = |o: &Option<String>| {
            o.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut f = ReportFilter {
            limit: DEFAULT_LIMIT,
            ..Default::default()
        };
        if let Some(b) = nonempty(&self.bbox) {
            f.bbox = Bbox::parse(&b).map_err(|m| errs.push("bbox", m)).ok();
        }
        if let Some(d) = nonempty(&self.datetime) {
            f.datetime = Interval::parse(&d)
                .map_err(|m| errs.push("datetime", m))
                .ok();
        }
        if let Some(t) = nonempty(&self.type_key) {
            if known_types.contains(&t.as_str()) {
                f.type_key = Some(t);
            } else {
                errs.push(
                    "type",
                    crate::msg!(
                        "report-type-unknown",
                        "unknown report type {key}",
                        key = format!("{t:?}")
                    ),
                );
            }
        }
        if let Some(r) = nonempty(&self.region) {
            if is_region_code_shape(&r) {
                f.region_prefix = Some(r);
            } else {
                errs.push(
                    "region",
                    crate::msg!(
                        "region-prefix-invalid",
                        "must be a Kemendagri code such as 15 or 15.01"
                    ),
                );
            }
        }
        if let Some(s) = nonempty(&self.status) {
            f.status = Status::parse(&s);
            if f.status.is_none() {
                errs.push(
                    "status",
                    crate::msg!(
                        "report-status-invalid",
                        "must be one of new, verified, in_progress, closed"
                    ),
                );
            }
        }
        if let Some(q) = nonempty(&self.q) {
            if q.chars().count() > 200 {
                errs.push(
                    "q",
                    crate::msg!("query-text-too-long", "must be at most 200 characters"),
                );
            } else {
                f.q = Some(q);
            }
        }
        if let Some(l) = nonempty(&self.limit) {
            match l.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => f.limit = n,
                _ => errs.push(
                    "limit",
                    crate::msg!(
                        "limit-invalid",
                        "must be a whole number from 1 to {max}",
                        max = MAX_LIMIT
                    ),
                ),
            }
        }
        if let Some(c) = nonempty(&self.cursor) {
            f.cursor = Cursor::decode(&c);
            if f.cursor.is_none() {
                errs.push(
                    "cursor",
                    crate::msg!("cursor-invalid", "is not a cursor this server issued"),
                );
            }
        }
        let agency = nonempty(&self.agency);
        errs.into_result((f, agency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        let iv = Interval::parse("2025-01-01T00:00:00Z/..").expect("open end");
        assert!(iv.end.is_none());
        assert!(Interval::parse("2025-02-01T00:00:00Z/2025-01-01T00:00:00Z").is_err());
        assert!(Interval::parse("2025-01-01/2025-02-01").is_ok());
        assert!(Interval::parse("soon").is_err());
    }

    #[test]
    fn cursor_round_trip() {
        let c = Cursor {
            occurred_at_ms: 1_700_000_000_123,
            id: ReportId(uuid::Uuid::from_u128(7)),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("garbage!"), None);
    }

    #[test]
    fn query_errors_name_parameters() {
        let raw = RawReportQuery {
            bbox: Some("1,2".into()),
            datetime: Some("2025-02-01T00:00:00Z/2025-01-01T00:00:00Z".into()),
            type_key: Some("nope".into()),
            limit: Some("0".into()),
            ..Default::default()
        };
        let e = raw.parse(&["poaching"]).expect_err("bad");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["bbox", "datetime", "type", "limit"]);
    }
}
