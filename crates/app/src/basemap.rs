//! The base map under every map (ADR 19): an online XYZ tile server named in the
//! configuration, an MBTiles file of raster tiles the administrator loads (served by
//! Sinergi at `/tiles/{z}/{x}/{y}.{ext}`, so it works without internet), both, or neither
//! (the shipped boundaries alone, as before). The demo draws its own small file
//! ([`write_demo`]): the shipped boundaries over the demo areas as PNG tiles.

use std::path::{Path, PathBuf};

use sinergi_regions::{Bbox, Gazetteer, Level};
use sinergi_store::tiles::{MbTiles, TileFormat};
pub use sinergi_store::tiles::{Tile, TilesError, TilesInfo};

use crate::{App, AppError, AppResult};

/// The base-map settings (`[maps]` in the configuration).
#[derive(Debug, Clone, Default)]
pub struct MapsConfig {
    /// An XYZ URL template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`.
    pub tile_url: Option<String>,
    /// The credit shown for `tile_url` (required by most tile servers' terms).
    pub tile_attribution: Option<String>,
    /// An MBTiles file of raster tiles served by Sinergi.
    pub basemap_file: Option<PathBuf>,
}

/// A tile layer a map page offers.
#[derive(Debug, Clone, PartialEq)]
pub struct TileLayer {
    /// `local` (the MBTiles file) or `online` (the configured URL).
    pub kind: &'static str,
    pub url: String,
    pub attribution: String,
    /// The deepest zoom with tiles; the map enlarges those beyond it.
    pub max_native_zoom: u8,
    /// The shallowest zoom with tiles; the map shrinks those below it.
    pub min_native_zoom: u8,
    /// Where the layer has tiles (west, south, east, north): the map asks for no tile
    /// outside.
    pub bounds: Option<[f64; 4]>,
}

impl App {
    /// Opens the base-map file and serves it from now on (in place of one opened before).
    pub async fn open_basemap(&self, path: &Path) -> AppResult<TilesInfo> {
        let tiles = MbTiles::open(path)
            .await
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        let info = tiles.info().clone();
        if let Ok(mut slot) = self.basemap.write() {
            *slot = Some(tiles);
        }
        Ok(info)
    }

    fn basemap(&self) -> Option<MbTiles> {
        self.basemap.read().ok().and_then(|b| b.clone())
    }

    /// One tile of the base-map file at an XYZ address; `None` when there is no file or
    /// the file has no tile there.
    pub async fn basemap_tile(&self, z: u8, x: u32, y: u32) -> AppResult<Option<Tile>> {
        match self.basemap() {
            Some(b) => b
                .tile(z, x, y)
                .await
                .map_err(|e| AppError::Internal(Box::new(e))),
            None => Ok(None),
        }
    }

    /// The tile layers the maps offer, the first shown at start: the local file (it works
    /// without internet), then the online server.
    pub fn tile_layers(&self) -> Vec<TileLayer> {
        let mut out = Vec::new();
        if let Some(b) = self.basemap() {
            let info = b.info();
            out.push(TileLayer {
                kind: "local",
                url: format!("/tiles/{{z}}/{{x}}/{{y}}.{}", info.format.extension()),
                attribution: info.attribution.clone().unwrap_or_default(),
                max_native_zoom: info.max_zoom,
                min_native_zoom: info.min_zoom,
                bounds: info.bounds,
            });
        }
        if let Some(url) = &self.config.maps.tile_url {
            out.push(TileLayer {
                kind: "online",
                url: url.clone(),
                attribution: self
                    .config
                    .maps
                    .tile_attribution
                    .clone()
                    .unwrap_or_default(),
                max_native_zoom: 19,
                min_native_zoom: 0,
                bounds: None,
            });
        }
        out
    }
}

// ---- the demo's base map ---------------------------------------------------------------

/// The demo's box (west, south, east, north): from Kerinci Seblat to Way Kambas, with
/// Jambi and Palembang between, so the tiles have no gaps inside the box the file
/// announces (`bounds`), and the zoom levels drawn (closer zooms enlarge zoom 10).
const DEMO_AREA: Bbox = Bbox {
    west: 100.5,
    south: -5.6,
    east: 106.3,
    north: -1.2,
};
const DEMO_ZOOMS: std::ops::RangeInclusive<u8> = 5..=10;
pub const DEMO_ATTRIBUTION: &str = "Sinergi demo · batas wilayah Kemendagri";

/// One tile of the shipped boundaries (256 × 256 PNG) around a place, at zoom `z`: the
/// demo's picture of a work area (a form's media).
pub(crate) fn boundaries_png(lon: f64, lat: f64, z: u8) -> Vec<u8> {
    let (x, y) = tile_of(lon, lat, z);
    render_tile(Gazetteer::shipped(), z, x, y)
}

/// Writes the demo's base map to `path`: the shipped province, regency and district
/// boundaries drawn as PNG tiles over the demo areas at zooms 5–10. The same binary
/// always writes the same file. Returns the number of tiles.
pub async fn write_demo(path: &Path) -> AppResult<usize> {
    let g = Gazetteer::shipped();
    let mut tiles = Vec::new();
    for z in DEMO_ZOOMS {
        let (x0, y0) = tile_of(DEMO_AREA.west, DEMO_AREA.north, z);
        let (x1, y1) = tile_of(DEMO_AREA.east, DEMO_AREA.south, z);
        for x in x0..=x1 {
            for y in y0..=y1 {
                tiles.push(((z, x, y), render_tile(g, z, x, y)));
            }
        }
    }
    let n = tiles.len();
    MbTiles::create(
        path,
        TileFormat::Png,
        &[
            ("name", "Sinergi demo".into()),
            ("type", "baselayer".into()),
            ("version", "1".into()),
            (
                "description",
                "Shipped boundaries over the demo areas".into(),
            ),
            ("attribution", DEMO_ATTRIBUTION.into()),
            ("minzoom", DEMO_ZOOMS.start().to_string()),
            ("maxzoom", DEMO_ZOOMS.end().to_string()),
            (
                "bounds",
                format!(
                    "{},{},{},{}",
                    DEMO_AREA.west, DEMO_AREA.south, DEMO_AREA.east, DEMO_AREA.north
                ),
            ),
        ],
        &tiles,
    )
    .await
    .map_err(|e| AppError::Internal(Box::new(e)))?;
    Ok(n)
}

/// The XYZ tile holding a point at a zoom.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let (px, py) = mercator(lon, lat);
    let clamp = |v: f64| (v * n).floor().clamp(0.0, n - 1.0) as u32;
    (clamp(px), clamp(py))
}

/// Web Mercator, as fractions of the world from the west and from the north.
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    (
        (lon + 180.0) / 360.0,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0,
    )
}

/// The longitude/latitude box of a tile.
fn tile_bbox(z: u8, x: u32, y: u32) -> Bbox {
    let n = f64::from(1u32 << z);
    let lon = |x: f64| x / n * 360.0 - 180.0;
    let lat = |y: f64| {
        (std::f64::consts::PI * (1.0 - 2.0 * y / n))
            .sinh()
            .atan()
            .to_degrees()
    };
    Bbox {
        west: lon(f64::from(x)),
        east: lon(f64::from(x) + 1.0),
        north: lat(f64::from(y)),
        south: lat(f64::from(y) + 1.0),
    }
}

const SIZE: usize = 256;
/// Sea, land, regency line, province line, district line.
const PALETTE: [[u8; 3]; 5] = [
    [0xcf, 0xe0, 0xe8],
    [0xf4, 0xf2, 0xe9],
    [0xa3, 0xb1, 0xaa],
    [0x6f, 0x82, 0x79],
    [0xcf, 0xd3, 0xc8],
];
const SEA: u8 = 0;
const LAND: u8 = 1;
const REGENCY_LINE: u8 = 2;
const PROVINCE_LINE: u8 = 3;
const DISTRICT_LINE: u8 = 4;

/// Draws one tile: sea, the land (regencies filled), district, regency and province
/// lines, as an indexed-colour PNG.
fn render_tile(g: &Gazetteer, z: u8, x: u32, y: u32) -> Vec<u8> {
    let mut pixels = vec![SEA; SIZE * SIZE];
    let tb = tile_bbox(z, x, y);
    // A margin so lines along the tile's edge are drawn in both tiles.
    let m = (tb.east - tb.west) * 0.02;
    let view = Bbox {
        west: tb.west - m,
        south: tb.south - m,
        east: tb.east + m,
        north: tb.north + m,
    };
    let n = f64::from(1u32 << z) * SIZE as f64;
    let to_px = |p: &[f64; 2]| -> (f64, f64) {
        let (mx, my) = mercator(p[0], p[1]);
        (
            mx * n - f64::from(x) * SIZE as f64,
            my * n - f64::from(y) * SIZE as f64,
        )
    };
    let regencies = g.outlines_in(Level::Regency, view, z);
    for o in &regencies {
        let rings: Vec<Vec<(f64, f64)>> = o
            .polygons
            .iter()
            .flatten()
            .map(|r| r.iter().map(to_px).collect())
            .collect();
        fill(&mut pixels, &rings, LAND);
    }
    let mut stroke = |level: Level, colour: u8| {
        for o in g.outlines_in(level, view, z) {
            for ring in o.polygons.iter().flatten() {
                let pts: Vec<(f64, f64)> = ring.iter().map(to_px).collect();
                for w in pts.windows(2) {
                    line(&mut pixels, w[0], w[1], colour);
                }
            }
        }
    };
    if z >= 9 {
        stroke(Level::District, DISTRICT_LINE);
    }
    stroke(Level::Regency, REGENCY_LINE);
    stroke(Level::Province, PROVINCE_LINE);
    png(&pixels)
}

/// Fills the rings (even-odd) sampling each pixel's centre.
fn fill(pixels: &mut [u8], rings: &[Vec<(f64, f64)>], colour: u8) {
    let mut xs = Vec::new();
    for row in 0..SIZE {
        let cy = row as f64 + 0.5;
        xs.clear();
        for ring in rings {
            for w in ring.windows(2) {
                let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                if (y0 <= cy && y1 > cy) || (y1 <= cy && y0 > cy) {
                    xs.push(x0 + (cy - y0) / (y1 - y0) * (x1 - x0));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let from = (pair[0] - 0.5).ceil().max(0.0) as usize;
            let to = ((pair[1] - 0.5).floor().min(SIZE as f64 - 1.0)).max(-1.0);
            if to < 0.0 {
                continue;
            }
            for px in from..=(to as usize) {
                pixels[row * SIZE + px] = colour;
            }
        }
    }
}

/// A one-pixel line (Bresenham's), clipped to the tile.
fn line(pixels: &mut [u8], a: (f64, f64), b: (f64, f64), colour: u8) {
    let far = |v: f64| v < -(SIZE as f64) || v > 2.0 * SIZE as f64;
    if far(a.0) || far(a.1) || far(b.0) || far(b.1) {
        return;
    }
    let (mut x0, mut y0) = (a.0.floor() as i64, a.1.floor() as i64);
    let (x1, y1) = (b.0.floor() as i64, b.1.floor() as i64);
    let dx = (x1 - x0).abs();
    let dy = -(y1 - y0).abs();
    let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
    let mut err = dx + dy;
    loop {
        if (0..SIZE as i64).contains(&x0) && (0..SIZE as i64).contains(&y0) {
            pixels[y0 as usize * SIZE + x0 as usize] = colour;
        }
        if x0 == x1 && y0 == y1 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x0 += sx;
        }
        if e2 <= dx {
            err += dx;
            y0 += sy;
        }
    }
}

/// Encodes palette indexes as a PNG (colour type 3, 8 bits).
fn png(pixels: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut raw = Vec::with_capacity(SIZE * (SIZE + 1));
    for row in pixels.chunks_exact(SIZE) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(&raw);
    let data = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(SIZE as u32).to_be_bytes());
    ihdr.extend_from_slice(&(SIZE as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &PALETTE.concat());
    chunk(&mut out, b"IDAT", &data);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32(kind, 0xffff_ffff);
    crc = crc32(data, crc);
    out.extend_from_slice(&(!crc).to_be_bytes());
}

/// CRC-32 (IEEE), as PNG chunks carry it; `crc` the running value before inversion.
fn crc32(bytes: &[u8], mut crc: u32) -> u32 {
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                0xedb8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_chunk_carries_the_crc_of_its_type_and_data() {
        // The IEND chunk's CRC is the same in every PNG file.
        let mut out = Vec::new();
        chunk(&mut out, b"IEND", &[]);
        assert_eq!(&out[8..], &[0xae, 0x42, 0x60, 0x82]);
    }

    #[test]
    fn kerinci_is_land_and_the_indian_ocean_is_sea() {
        let g = Gazetteer::shipped();
        let (x, y) = tile_of(101.3, -1.8, 8);
        let land = render_tile(g, 8, x, y);
        // Far out in the ocean, south-west of Sumatra.
        let (x, y) = tile_of(97.0, -8.0, 8);
        let sea = render_tile(g, 8, x, y);
        assert!(land.starts_with(b"\x89PNG\r\n\x1a\n"));
        let all_sea = png(&vec![SEA; SIZE * SIZE]);
        assert_eq!(sea, all_sea);
        assert_ne!(land, all_sea);
        // The same tile twice is the same bytes.
        let (x, y) = tile_of(101.3, -1.8, 8);
        assert_eq!(land, render_tile(g, 8, x, y));
        let b = tile_bbox(8, x, y);
        assert!(b.contains(101.3, -1.8), "{b:?}");
    }
}
