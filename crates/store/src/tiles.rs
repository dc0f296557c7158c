//! The base map's file: raster tiles in an MBTiles file (SQLite, the `tiles` and `metadata`
//! tables of the MBTiles 1.3 specification). Sinergi only reads it while serving; the
//! demo writes one with [`MbTiles::create`]. This is not Sinergi's database: the file is
//! the administrator's, opened read-only, and its rows count from the south
//! (`tile_row` = 2^z − 1 − y of the XYZ URL), which this module turns round.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;

/// The image formats a raster base map may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileFormat {
    Png,
    Jpeg,
    Webp,
}

impl TileFormat {
    /// Reads the metadata `format` value (`png`, `jpg`, `jpeg`, `webp`).
    pub fn from_metadata(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// Recognises an image by its first bytes.
    pub fn sniff(data: &[u8]) -> Option<Self> {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Self::Jpeg)
        } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }

    /// The extension of the tile URLs (`/tiles/{z}/{x}/{y}.png`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    fn metadata_name(self) -> &'static str {
        self.extension()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TilesError {
    #[error("the base-map file {path} cannot be read as MBTiles: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("the base-map file {path} holds {format} tiles; Sinergi serves raster tiles (png, jpg, webp)")]
    NotRaster { path: PathBuf, format: String },
    #[error("the base-map file {path} has no tiles")]
    Empty { path: PathBuf },
    #[error("base-map file error")]
    Backend(#[from] sqlx::Error),
}

/// A tile's place in an XYZ URL: zoom, column, row from the north.
pub type TileAddress = (u8, u32, u32);

/// One tile as stored.
#[derive(Clone, Debug)]
pub struct Tile {
    pub format: TileFormat,
    pub data: Vec<u8>,
}

/// What the file says about itself.
#[derive(Clone, Debug)]
pub struct TilesInfo {
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub tiles: i64,
    /// The `attribution` metadata, if any.
    pub attribution: Option<String>,
    pub name: Option<String>,
    /// The `bounds` metadata (west, south, east, north), if present and readable.
    pub bounds: Option<[f64; 4]>,
}

/// An MBTiles file opened for reading.
#[derive(Clone, Debug)]
pub struct MbTiles {
    pool: SqlitePool,
    info: TilesInfo,
}

impl MbTiles {
    /// Opens the file read-only and reads its metadata; refuses vector tiles and a file
    /// without tiles, naming the file.
    pub async fn open(path: &Path) -> Result<Self, TilesError> {
        let unreadable = |reason: String| TilesError::Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        if !path.is_file() {
            return Err(unreadable("no such file".into()));
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| unreadable(e.to_string()))?;
        let meta: Vec<(String, String)> = sqlx::query_as("SELECT name, value FROM metadata")
            .fetch_all(&pool)
            .await
            .map_err(|e| unreadable(e.to_string()))?;
        let get = |k: &str| {
            meta.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.trim().is_empty())
        };
        let row = sqlx::query(
            "SELECT count(*) AS n, min(zoom_level) AS lo, max(zoom_level) AS hi FROM tiles",
        )
        .fetch_one(&pool)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
        let tiles: i64 = row.try_get("n")?;
        if tiles == 0 {
            return Err(TilesError::Empty {
                path: path.to_path_buf(),
            });
        }
        let lo: i64 = row.try_get("lo")?;
        let hi: i64 = row.try_get("hi")?;
        let format = match get("format") {
            Some(f) => TileFormat::from_metadata(&f).ok_or_else(|| TilesError::NotRaster {
                path: path.to_path_buf(),
                format: f.clone(),
            })?,
            None => {
                let first: Vec<u8> = sqlx::query_scalar("SELECT tile_data FROM tiles LIMIT 1")
                    .fetch_one(&pool)
                    .await?;
                TileFormat::sniff(&first).ok_or_else(|| TilesError::NotRaster {
                    path: path.to_path_buf(),
                    format: "unknown".into(),
                })?
            }
        };
        let zoom = |z: i64| u8::try_from(z.clamp(0, 30)).unwrap_or(0);
        Ok(MbTiles {
            pool,
            info: TilesInfo {
                format,
                min_zoom: zoom(lo),
                max_zoom: zoom(hi),
                tiles,
                attribution: get("attribution"),
                name: get("name"),
                bounds: get("bounds").and_then(|b| parse_bounds(&b)),
            },
        })
    }

    pub fn info(&self) -> &TilesInfo {
        &self.info
    }

    /// The tile at `z/x/y` of an XYZ URL (y from the north), or `None` when the file has
    /// none there (outside its area or zoom levels, or outside the world).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, TilesError> {
        let Some(row) = tms_row(z, x, y) else {
            return Ok(None);
        };
        let data: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(row)
        .fetch_optional(&self.pool)
        .await?;
        Ok(data.map(|data| Tile {
            format: self.info.format,
            data,
        }))
    }

    /// Writes a new MBTiles file at `path` (replacing one there) from tiles addressed as
    /// in XYZ URLs. The file is written beside it and renamed, so a reader never sees
    /// half a file.
    pub async fn create(
        path: &Path,
        format: TileFormat,
        metadata: &[(&str, String)],
        tiles: &[(TileAddress, Vec<u8>)],
    ) -> Result<(), TilesError> {
        let part = path.with_extension("mbtiles.part");
        let _ = std::fs::remove_file(&part);
        let url = format!("sqlite://{}", part.display());
        let opts = SqliteConnectOptions::from_str(&url)?.create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        let mut tx = pool.begin().await?;
        sqlx::query("CREATE TABLE metadata (name TEXT NOT NULL, value TEXT)")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, \
             tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
            .execute(&mut *tx)
            .await?;
        let format_row = ("format", format.metadata_name().to_string());
        for (name, value) in metadata.iter().chain(std::iter::once(&format_row)) {
            sqlx::query("INSERT INTO metadata (name, value) VALUES (?, ?)")
                .bind(*name)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        for ((z, x, y), data) in tiles {
            let Some(row) = tms_row(*z, *x, *y) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)",
            )
            .bind(i64::from(*z))
            .bind(i64::from(*x))
            .bind(row)
            .bind(data.as_slice())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        pool.close().await;
        std::fs::rename(&part, path).map_err(|e| TilesError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(())
    }
}

/// Reads `west,south,east,north` in degrees.
fn parse_bounds(text: &str) -> Option<[f64; 4]> {
    let values: Vec<f64> = text
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    match values.as_slice() {
        &[w, s, e, n] if w < e && s < n && values.iter().all(|v| v.is_finite()) => {
            Some([w, s, e, n])
        }
        _ => None,
    }
}

/// The MBTiles row of an XYZ tile (rows count from the south), or `None` outside the
/// world at that zoom.
fn tms_row(z: u8, x: u32, y: u32) -> Option<i64> {
    if z > 30 {
        return None;
    }
    let n = 1i64 << z;
    let (x, y) = (i64::from(x), i64::from(y));
    (x < n && y < n).then_some(n - 1 - y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_from_the_south() {
        assert_eq!(tms_row(0, 0, 0), Some(0));
        assert_eq!(tms_row(3, 5, 0), Some(7));
        assert_eq!(tms_row(3, 5, 7), Some(0));
        assert_eq!(tms_row(3, 8, 0), None);
        assert_eq!(tms_row(3, 0, 8), None);
    }

    #[tokio::test]
    async fn a_written_file_reads_back_with_the_rows_turned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("peta.mbtiles");
        let png = b"\x89PNG\r\n\x1a\nfirst".to_vec();
        MbTiles::create(
            &path,
            TileFormat::Png,
            &[
                ("name", "uji".into()),
                ("attribution", "Sinergi".into()),
                ("bounds", "100.5,-5.6,106.3,-1.2".into()),
            ],
            &[((2, 3, 1), png.clone())],
        )
        .await
        .expect("written");
        let m = MbTiles::open(&path).await.expect("opens");
        assert_eq!(m.info().format, TileFormat::Png);
        assert_eq!(
            (m.info().min_zoom, m.info().max_zoom, m.info().tiles),
            (2, 2, 1)
        );
        assert_eq!(m.info().attribution.as_deref(), Some("Sinergi"));
        assert_eq!(m.info().bounds, Some([100.5, -5.6, 106.3, -1.2]));
        assert_eq!(parse_bounds("1,2,0,3"), None);
        assert_eq!(
            m.tile(2, 3, 1).await.expect("read").map(|t| t.data),
            Some(png)
        );
        // Stored as row 2 (= 4 - 1 - 1): the unturned address is empty.
        assert!(m.tile(2, 3, 2).await.expect("read").is_none());
        let raw: i64 = sqlx::query_scalar("SELECT tile_row FROM tiles")
            .fetch_one(&m.pool)
            .await
            .expect("row");
        assert_eq!(raw, 2);
        assert!(matches!(
            MbTiles::open(&dir.path().join("none.mbtiles")).await,
            Err(TilesError::Unreadable { .. })
        ));
    }
}
