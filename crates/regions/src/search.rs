//! Keeps the lower-cased names used by `Gazetteer::search` and ranks a name against a query.
//!
//! Regency and province names carry administrative prefixes ("Kabupaten",
//! "Kota Administrasi", "Daerah Istimewa", ...) that users rarely type, so each
//! name also remembers where its bare form starts; a query equal to the bare
//! form counts as an exact match. Without that, searching "kapuas hulu" would
//! rank the district *Kapuas Hulu* (62.03.12) above the regency *Kabupaten
//! Kapuas Hulu* (61.06) that people almost always mean. This module must never
//! do I/O; it works on names already in memory.

use crate::{Level, Region};

/// Prefixes stripped from regency/city names to get their bare form. Longer
/// prefixes come first so "Kota Administrasi X" yields "x", not "administrasi x".
const REGENCY_PREFIXES: [&str; 4] = [
    "kabupaten administrasi ",
    "kota administrasi ",
    "kabupaten ",
    "kota ",
];

/// Prefixes stripped from province names to get their bare form.
const PROVINCE_PREFIXES: [&str; 3] = ["daerah khusus ibukota ", "daerah istimewa ", "provinsi "];

/// How well a name matches a query; lower is better, and the derived order is
/// the ranking order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MatchKind {
    /// The full or bare name equals the query.
    Exact,
    /// The full or bare name starts with the query.
    Prefix,
    /// The query occurs somewhere else in the name.
    Substring,
}

/// One region's searchable name.
#[derive(Debug)]
struct Key {
    /// The whole name, lower-cased.
    full: Box<str>,
    /// Byte offset in `full` where the bare name (without prefix) starts.
    bare_start: usize,
}

/// Searchable names, parallel to the region table.
#[derive(Debug)]
pub(crate) struct NameIndex {
    keys: Vec<Key>,
}

impl NameIndex {
    /// Builds the index from regions in storage order.
    pub(crate) fn new(regions: &[Region]) -> Self {
        let keys = regions
            .iter()
            .map(|region| {
                let full = region.name.to_lowercase();
                let prefixes: &[&str] = match region.level {
                    Level::Province => &PROVINCE_PREFIXES,
                    Level::Regency => &REGENCY_PREFIXES,
                    // District and village names are proper names even when
                    // they begin with "Kota" (e.g. "Kota Bambu Selatan").
                    Level::District | Level::Village => &[],
                };
                let bare_start = prefixes
                    .iter()
                    .find(|p| full.starts_with(*p) && full.len() > p.len())
                    .map_or(0, |p| p.len());
                Key {
                    full: full.into_boxed_str(),
                    bare_start,
                }
            })
            .collect();
        Self { keys }
    }

    /// Ranks the region at storage position `index` against a normalised query.
    pub(crate) fn rank(&self, index: usize, query: &str) -> Option<MatchKind> {
        let key = &self.keys[index];
        let full: &str = &key.full;
        let bare = &full[key.bare_start..];
        if full == query || bare == query {
            Some(MatchKind::Exact)
        } else if full.starts_with(query) || bare.starts_with(query) {
            Some(MatchKind::Prefix)
        } else if full.contains(query) {
            // The bare name is a suffix of the full name, so checking the
            // full name alone covers substrings of both.
            Some(MatchKind::Substring)
        } else {
            None
        }
    }
}

/// Lower-cases a query and collapses its whitespace; `None` if nothing is left.
pub(crate) fn normalize_query(query: &str) -> Option<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" ").to_lowercase())
    }
}
