//! Joint patrols in the store (ADR 16): patrols with their members, and their legs.
//!
//! - A patrol is one row of `patrols`; its members are rows of `patrol_members` in their
//!   order, so the patrols an agency organises or is a member of are found by index
//!   ([`PatrolStore::patrols_for_agencies`]). Who may see which of them is decided by the
//!   caller with `Patrol::visible_to`; the store only narrows by agency.
//! - A leg is one row of `patrol_legs`, its cleaned track in one value in the compact
//!   binary form of [`encode_track`] (a track can hold 200,000 points: a row per point
//!   would be 200,000 rows for one upload), with its point count, length, duration and
//!   bounding box beside it. `UNIQUE (patrol_id, track_sha256)` makes a second upload of
//!   the same track a [`LegInsert::Duplicate`], also when both arrive at once.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, LegId, PatrolId, ReportId, UserId};
use sinergi_core::patrol::effort::{self, Cell};
use sinergi_core::patrol::observation::Observation;
use sinergi_core::patrol::summary::LegFigures;
use sinergi_core::patrol::track::{Track, TrackPoint};
use sinergi_core::patrol::{
    Leg, Mandate, Member, MemberRole, Patrol, PatrolStatus, TrackSource, Transport,
};
use sinergi_core::report::Sensitivity;
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, StoreError, UpdateOutcome};

/// What adding a leg did.
#[derive(Debug, Clone, PartialEq)]
pub enum LegInsert {
    Inserted,
    /// The patrol already has a leg with this track (by `track_sha256`): nothing was
    /// written; the leg holding it is named.
    Duplicate(LegId),
}

/// Patrols, their members and their legs.
#[async_trait]
pub trait PatrolStore: Send + Sync {
    /// Inserts a patrol with its members and `legs` (a patrol made from an imported file
    /// comes with its tracks) and the audit entry, in one transaction. False, with nothing
    /// written, when a patrol with this id exists.
    async fn insert_patrol(&self, p: &Patrol, legs: &[Leg], audit: &NewAudit) -> Result<bool>;
    /// Replaces a patrol (and its members) if its stored version is `expected_version`,
    /// with the audit entry, in one transaction.
    async fn update_patrol(
        &self,
        p: &Patrol,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn patrol(&self, id: PatrolId) -> Result<Option<Patrol>>;
    /// The patrols one of `agencies` organises or is a member of, and, with `public`,
    /// every public patrol; the newest planned start first.
    async fn patrols_for_agencies(
        &self,
        agencies: &[AgencyId],
        public: bool,
    ) -> Result<Vec<Patrol>>;
    /// A patrol's legs by date, then as they were added.
    async fn legs(&self, patrol: PatrolId) -> Result<Vec<Leg>>;
    /// Adds a leg with its audit entry; a track the patrol already has is a
    /// [`LegInsert::Duplicate`] and writes nothing.
    async fn insert_leg(&self, leg: &Leg, audit: &NewAudit) -> Result<LegInsert>;
    /// Adds observations marked on a patrol (a file's waypoints), with the audit entry,
    /// in one transaction; those already there (the same id) are left as they are.
    /// Returns how many were new; with none new, nothing is written.
    async fn add_observations(&self, obs: &[Observation], audit: &NewAudit) -> Result<usize>;
    /// A patrol's observations, by the time they were marked, each with whether the
    /// report of its id exists (it is then confirmed).
    async fn observations(&self, patrol: PatrolId) -> Result<Vec<(Observation, bool)>>;
    /// Marks an observation of `patrol` dismissed or not, with the audit entry; false,
    /// with nothing written, when the patrol has no such observation.
    async fn set_observation_dismissed(
        &self,
        patrol: PatrolId,
        id: ReportId,
        dismissed: bool,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Links a report to a patrol as its finding, with the audit entry; false, with
    /// nothing written, when it is linked already.
    async fn link_finding(
        &self,
        patrol: PatrolId,
        report: ReportId,
        by: UserId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// The reports these patrols found, as (patrol, report): the linked reports and the
    /// reports of confirmed observations, each pair once.
    async fn findings(&self, patrols: &[PatrolId]) -> Result<Vec<(PatrolId, ReportId)>>;
    /// The stored figures of these patrols' legs dated `from..=to`, without reading their
    /// tracks (except for a leg stored before its cells were kept).
    async fn leg_figures(
        &self,
        patrols: &[PatrolId],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<LegFigures>>;
}

const TRACK_MAGIC: &[u8; 4] = b"STK1";

/// The stored form of a track: `STK1`, the number of segments (u32), then per segment
/// its number of points (u32) and per point longitude, latitude and elevation (f64, NaN
/// when there is none) and the time in Unix milliseconds (i64), all little-endian: 32
/// bytes a point, exact, and read back without parsing text.
pub fn encode_track(track: &Track) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + track.segments.len() * 4 + track.point_count() * 32);
    out.extend_from_slice(TRACK_MAGIC);
    out.extend_from_slice(&(track.segments.len() as u32).to_le_bytes());
    for seg in &track.segments {
        out.extend_from_slice(&(seg.len() as u32).to_le_bytes());
        for p in seg {
            out.extend_from_slice(&p.lon.to_le_bytes());
            out.extend_from_slice(&p.lat.to_le_bytes());
            out.extend_from_slice(&p.ele.unwrap_or(f64::NAN).to_le_bytes());
            out.extend_from_slice(&p.time.timestamp_millis().to_le_bytes());
        }
    }
    out
}

/// Reads [`encode_track`]'s form back.
pub fn decode_track(bytes: &[u8]) -> Result<Track> {
    let bad = || corrupt("patrol track");
    let rest = bytes.strip_prefix(TRACK_MAGIC.as_slice()).ok_or_else(bad)?;
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8]> {
        let s = rest.get(at..at + n).ok_or_else(bad)?;
        at += n;
        Ok(s)
    };
    let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])) as usize;
    let f64_of = |b: &[u8]| f64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
    let segments = u32_of(take(4)?);
    let mut track = Track {
        segments: Vec::with_capacity(segments.min(1 << 16)),
    };
    for _ in 0..segments {
        let n = u32_of(take(4)?);
        let raw = take(n.checked_mul(32).ok_or_else(bad)?)?;
        let mut seg = Vec::with_capacity(n);
        for p in raw.chunks_exact(32) {
            let ele = f64_of(&p[16..24]);
            let t = i64::from_le_bytes(p[24..32].try_into().unwrap_or([0; 8]));
            seg.push(TrackPoint {
                lon: f64_of(&p[0..8]),
                lat: f64_of(&p[8..16]),
                ele: (!ele.is_nan()).then_some(ele),
                time: from_ms(t)?,
            });
        }
        track.segments.push(seg);
    }
    if at != rest.len() {
        return Err(bad());
    }
    Ok(track)
}

/// The figures stored beside a track: length in metres, duration in seconds, bounding
/// box.
fn figures(track: &Track) -> (f64, i64, [f64; 4]) {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in track.points() {
        b = [
            b[0].min(p.lon),
            b[1].min(p.lat),
            b[2].max(p.lon),
            b[3].max(p.lat),
        ];
    }
    if track.point_count() == 0 {
        b = [0.0; 4];
    }
    let seconds = (effort::hours(track) * 3600.0).round() as i64;
    (effort::distance(track) * 1000.0, seconds, b)
}

/// How many ids one `IN (…)` list holds: well below SQLite's and PostgreSQL's limits on
/// bound values.
const ID_CHUNK: usize = 1000;

fn push_ids<DB: sqlx::Database>(qb: &mut QueryBuilder<'_, DB>, ids: &[PatrolId])
where
    uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(id.0);
    }
}

/// A leg's covered cells as stored: per cell its column and row, i32 little-endian.
pub fn encode_cells<'a>(cells: impl Iterator<Item = &'a Cell>) -> Vec<u8> {
    let mut out = Vec::new();
    for c in cells {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
    out
}

/// Reads [`encode_cells`]'s bytes.
pub fn decode_cells(bytes: &[u8]) -> Result<Vec<Cell>> {
    if !bytes.chunks_exact(8).remainder().is_empty() {
        return Err(corrupt("leg cells"));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| Cell {
            x: i32::from_le_bytes([c[0], c[1], c[2], c[3]]),
            y: i32::from_le_bytes([c[4], c[5], c[6], c[7]]),
        })
        .collect())
}

fn date_of(v: i64) -> Result<NaiveDate> {
    Ok(from_ms(v)?.date_naive())
}

const PATROL_COLUMNS: &str = "p.id, p.owner_agency_id, p.title, p.mandate, p.transport, p.leader_id, \
    p.planned_start, p.planned_end, p.area, p.status, p.sensitivity, p.version, p.created_by, p.created_at, p.updated_at";
const LEG_COLUMNS: &str = "id, patrol_id, leg_date, source, track, track_sha256, created_at";

macro_rules! patrols_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;

        fn patrol_from_row(row: &$Row, members: Vec<Member>) -> Result<Patrol> {
            let text = |c: &str| -> Result<String> { Ok(row.try_get::<String, _>(c)?) };
            Ok(Patrol {
                id: PatrolId(row.try_get("id")?),
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                title: row.try_get("title")?,
                mandate: Mandate::parse(&text("mandate")?).ok_or_else(|| corrupt("mandate"))?,
                transport: Transport::parse(&text("transport")?).ok_or_else(|| corrupt("transport"))?,
                leader: UserId(row.try_get("leader_id")?),
                members,
                planned_start: date_of(row.try_get("planned_start")?)?,
                planned_end: date_of(row.try_get("planned_end")?)?,
                area: row.try_get("area")?,
                status: PatrolStatus::parse(&text("status")?).ok_or_else(|| corrupt("patrol status"))?,
                sensitivity: Sensitivity::parse(&text("sensitivity")?).ok_or_else(|| corrupt("sensitivity"))?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn member_from_row(row: &$Row) -> Result<(uuid::Uuid, Member)> {
            let role: String = row.try_get("role")?;
            let user: Option<uuid::Uuid> = row.try_get("user_id")?;
            Ok((
                row.try_get("patrol_id")?,
                Member {
                    agency_id: AgencyId(row.try_get("agency_id")?),
                    user_id: user.map(UserId),
                    name: row.try_get("name")?,
                    role: MemberRole::parse(&role).ok_or_else(|| corrupt("member role"))?,
                },
            ))
        }

        fn leg_from_row(row: &$Row) -> Result<Leg> {
            let source: String = row.try_get("source")?;
            let track: Vec<u8> = row.try_get("track")?;
            Ok(Leg {
                id: LegId(row.try_get("id")?),
                patrol_id: PatrolId(row.try_get("patrol_id")?),
                date: date_of(row.try_get("leg_date")?)?,
                track: decode_track(&track)?,
                source: TrackSource::parse(&source).ok_or_else(|| corrupt("track source"))?,
                track_sha256: row.try_get("track_sha256")?,
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        async fn insert_members(conn: &mut <$DB as sqlx::Database>::Connection, p: &Patrol) -> Result<()> {
            for (i, m) in p.members.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO patrol_members (patrol_id, position, agency_id, user_id, name, role) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(p.id.0)
                .bind(i as i64)
                .bind(m.agency_id.0)
                .bind(m.user_id.map(|u| u.0))
                .bind(&m.name)
                .bind(m.role.as_str())
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
            }
            Ok(())
        }

        /// Inserts a leg; false when the patrol has its track already.
        async fn insert_leg_row(conn: &mut <$DB as sqlx::Database>::Connection, l: &Leg) -> Result<bool> {
            let (distance_m, seconds, b) = figures(&l.track);
            let res = sqlx::query(
                "INSERT INTO patrol_legs (id, patrol_id, leg_date, source, track, point_count, distance_m, seconds, \
                 min_lon, min_lat, max_lon, max_lat, track_sha256, created_at, cells) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (patrol_id, track_sha256) DO NOTHING",
            )
            .bind(l.id.0)
            .bind(l.patrol_id.0)
            .bind(date_ms(l.date))
            .bind(l.source.as_str())
            .bind(encode_track(&l.track))
            .bind(l.track.point_count() as i64)
            .bind(distance_m)
            .bind(seconds)
            .bind(b[0])
            .bind(b[1])
            .bind(b[2])
            .bind(b[3])
            .bind(&l.track_sha256)
            .bind(ms(l.created_at))
            .bind(encode_cells(effort::cells(&l.track).iter()))
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
            Ok(res.rows_affected() == 1)
        }

        impl $Store {
            /// The patrols `filter` (a condition on `p`, with its binds) selects, with
            /// their members, newest planned start first.
            async fn patrols_where(&self, agencies: &[AgencyId], public: bool, one: Option<PatrolId>) -> Result<Vec<Patrol>> {
                let push_filter = |qb: &mut QueryBuilder<'_, $DB>| {
                    if let Some(id) = one {
                        qb.push(" p.id = ").push_bind(id.0);
                        return;
                    }
                    qb.push(" (1 = 0");
                    if public {
                        qb.push(" OR p.sensitivity = 'public'");
                    }
                    if !agencies.is_empty() {
                        qb.push(" OR p.owner_agency_id IN (");
                        let mut sep = qb.separated(", ");
                        for a in agencies {
                            sep.push_bind(a.0);
                        }
                        qb.push(") OR p.id IN (SELECT m.patrol_id FROM patrol_members m WHERE m.agency_id IN (");
                        let mut sep = qb.separated(", ");
                        for a in agencies {
                            sep.push_bind(a.0);
                        }
                        qb.push("))");
                    }
                    qb.push(")");
                };
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {PATROL_COLUMNS} FROM patrols p WHERE"));
                push_filter(&mut qb);
                qb.push(" ORDER BY p.planned_start DESC, p.id DESC");
                let rows = qb.build().fetch_all(&self.read).await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT patrol_id, agency_id, user_id, name, role FROM patrol_members \
                     WHERE patrol_id IN (SELECT p.id FROM patrols p WHERE",
                );
                push_filter(&mut qb);
                qb.push(") ORDER BY patrol_id, position");
                let mut members: std::collections::HashMap<uuid::Uuid, Vec<Member>> = std::collections::HashMap::new();
                for row in qb.build().fetch_all(&self.read).await? {
                    let (id, m) = member_from_row(&row)?;
                    members.entry(id).or_default().push(m);
                }
                rows.iter()
                    .map(|row| {
                        let id: uuid::Uuid = row.try_get("id")?;
                        patrol_from_row(row, members.remove(&id).unwrap_or_default())
                    })
                    .collect()
            }
        }

        #[async_trait]
        impl PatrolStore for $Store {
            async fn insert_patrol(&self, p: &Patrol, legs: &[Leg], audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO patrols (id, owner_agency_id, title, mandate, transport, leader_id, planned_start, planned_end, \
                     area, status, sensitivity, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING",
                )
                .bind(p.id.0)
                .bind(p.owner_agency_id.0)
                .bind(&p.title)
                .bind(p.mandate.as_str())
                .bind(p.transport.as_str())
                .bind(p.leader.0)
                .bind(date_ms(p.planned_start))
                .bind(date_ms(p.planned_end))
                .bind(&p.area)
                .bind(p.status.as_str())
                .bind(p.sensitivity.as_str())
                .bind(p.version)
                .bind(p.created_by.0)
                .bind(ms(p.created_at))
                .bind(ms(p.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_members(&mut tx, p).await?;
                for l in legs {
                    if l.patrol_id != p.id || !insert_leg_row(&mut tx, l).await? {
                        return Err(StoreError::Corrupt("a new patrol's legs must be its own and distinct".into()));
                    }
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn update_patrol(&self, p: &Patrol, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE patrols SET title = $1, mandate = $2, transport = $3, leader_id = $4, planned_start = $5, \
                     planned_end = $6, area = $7, status = $8, sensitivity = $9, version = $10, updated_at = $11 \
                     WHERE id = $12 AND version = $13",
                )
                .bind(&p.title)
                .bind(p.mandate.as_str())
                .bind(p.transport.as_str())
                .bind(p.leader.0)
                .bind(date_ms(p.planned_start))
                .bind(date_ms(p.planned_end))
                .bind(&p.area)
                .bind(p.status.as_str())
                .bind(p.sensitivity.as_str())
                .bind(p.version)
                .bind(ms(p.updated_at))
                .bind(p.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "patrols", p.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                sqlx::query("DELETE FROM patrol_members WHERE patrol_id = $1")
                    .bind(p.id.0)
                    .execute(&mut *tx)
                    .await?;
                insert_members(&mut tx, p).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn patrol(&self, id: PatrolId) -> Result<Option<Patrol>> {
                Ok(self.patrols_where(&[], false, Some(id)).await?.pop())
            }

            async fn patrols_for_agencies(&self, agencies: &[AgencyId], public: bool) -> Result<Vec<Patrol>> {
                self.patrols_where(agencies, public, None).await
            }

            async fn legs(&self, patrol: PatrolId) -> Result<Vec<Leg>> {
                let rows = sqlx::query(&format!(
                    "SELECT {LEG_COLUMNS} FROM patrol_legs WHERE patrol_id = $1 ORDER BY leg_date, created_at, id"
                ))
                .bind(patrol.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(leg_from_row).collect()
            }

            async fn insert_leg(&self, leg: &Leg, audit: &NewAudit) -> Result<LegInsert> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if insert_leg_row(&mut tx, leg).await? {
                    tx.commit().await?;
                    return Ok(LegInsert::Inserted);
                }
                tx.rollback().await?;
                let id: uuid::Uuid = sqlx::query_scalar(
                    "SELECT id FROM patrol_legs WHERE patrol_id = $1 AND track_sha256 = $2",
                )
                .bind(leg.patrol_id.0)
                .bind(&leg.track_sha256)
                .fetch_one(&self.write)
                .await?;
                Ok(LegInsert::Duplicate(LegId(id)))
            }

            async fn add_observations(&self, obs: &[Observation], audit: &NewAudit) -> Result<usize> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let mut added = 0;
                for o in obs {
                    let res = sqlx::query(
                        "INSERT INTO patrol_observations (id, patrol_id, lon, lat, observed_at, name, description, \
                         dismissed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(o.id.0)
                    .bind(o.patrol_id.0)
                    .bind(o.lon)
                    .bind(o.lat)
                    .bind(o.observed_at.map(ms))
                    .bind(&o.name)
                    .bind(&o.description)
                    .bind(o.dismissed)
                    .bind(o.created_by.0)
                    .bind(ms(o.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    added += res.rows_affected() as usize;
                }
                if added == 0 {
                    tx.rollback().await?;
                } else {
                    tx.commit().await?;
                }
                Ok(added)
            }

            async fn observations(&self, patrol: PatrolId) -> Result<Vec<(Observation, bool)>> {
                let rows = sqlx::query(
                    "SELECT o.id, o.patrol_id, o.lon, o.lat, o.observed_at, o.name, o.description, o.dismissed, \
                     o.created_by, o.created_at, EXISTS (SELECT 1 FROM reports r WHERE r.id = o.id) AS reported \
                     FROM patrol_observations o WHERE o.patrol_id = $1 ORDER BY o.observed_at, o.created_at, o.id",
                )
                .bind(patrol.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let at: Option<i64> = row.try_get("observed_at")?;
                        Ok((
                            Observation {
                                id: ReportId(row.try_get("id")?),
                                patrol_id: PatrolId(row.try_get("patrol_id")?),
                                lon: row.try_get("lon")?,
                                lat: row.try_get("lat")?,
                                observed_at: at.map(from_ms).transpose()?,
                                name: row.try_get("name")?,
                                description: row.try_get("description")?,
                                dismissed: row.try_get("dismissed")?,
                                created_by: UserId(row.try_get("created_by")?),
                                created_at: from_ms(row.try_get("created_at")?)?,
                            },
                            row.try_get::<bool, _>("reported")?,
                        ))
                    })
                    .collect()
            }

            async fn set_observation_dismissed(
                &self,
                patrol: PatrolId,
                id: ReportId,
                dismissed: bool,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query("UPDATE patrol_observations SET dismissed = $1 WHERE patrol_id = $2 AND id = $3")
                    .bind(dismissed)
                    .bind(patrol.0)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn link_finding(
                &self,
                patrol: PatrolId,
                report: ReportId,
                by: UserId,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO patrol_findings (patrol_id, report_id, linked_by, linked_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (patrol_id, report_id) DO NOTHING",
                )
                .bind(patrol.0)
                .bind(report.0)
                .bind(by.0)
                .bind(ms(at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn findings(&self, patrols: &[PatrolId]) -> Result<Vec<(PatrolId, ReportId)>> {
                let mut out = Vec::new();
                for chunk in patrols.chunks(ID_CHUNK) {
                    let mut qb = QueryBuilder::<$DB>::new("SELECT patrol_id, report_id FROM patrol_findings WHERE patrol_id IN (");
                    push_ids(&mut qb, chunk);
                    qb.push(") UNION SELECT o.patrol_id, o.id FROM patrol_observations o JOIN reports r ON r.id = o.id WHERE o.patrol_id IN (");
                    push_ids(&mut qb, chunk);
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        out.push((PatrolId(row.try_get(0)?), ReportId(row.try_get(1)?)));
                    }
                }
                out.sort();
                out.dedup();
                Ok(out)
            }

            async fn leg_figures(&self, patrols: &[PatrolId], from: NaiveDate, to: NaiveDate) -> Result<Vec<LegFigures>> {
                let mut out = Vec::new();
                for chunk in patrols.chunks(ID_CHUNK) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "SELECT patrol_id, leg_date, distance_m, seconds, cells, \
                         CASE WHEN cells IS NULL THEN track END AS track FROM patrol_legs WHERE patrol_id IN (",
                    );
                    push_ids(&mut qb, chunk);
                    qb.push(") AND leg_date >= ").push_bind(date_ms(from));
                    qb.push(" AND leg_date <= ").push_bind(date_ms(to));
                    qb.push(" ORDER BY patrol_id, leg_date");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let cells: Option<Vec<u8>> = row.try_get("cells")?;
                        let cells = match cells {
                            Some(b) => decode_cells(&b)?,
                            None => {
                                let track: Vec<u8> = row.try_get("track")?;
                                effort::cells(&decode_track(&track)?).into_iter().collect()
                            }
                        };
                        out.push(LegFigures {
                            patrol_id: PatrolId(row.try_get("patrol_id")?),
                            date: date_of(row.try_get("leg_date")?)?,
                            distance_m: row.try_get("distance_m")?,
                            seconds: row.try_get("seconds")?,
                            cells,
                        });
                    }
                }
                Ok(out)
            }
        }
    };
}

pub(crate) mod sqlite {
    patrols_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    patrols_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_read_back_exactly() {
        let t = |s: i64| {
            chrono::DateTime::<chrono::Utc>::from_timestamp(1_748_300_000 + s, 0)
                .unwrap_or_default()
        };
        let track = Track {
            segments: vec![
                vec![
                    TrackPoint {
                        lon: 103.123_456_789,
                        lat: -1.5,
                        ele: Some(12.5),
                        time: t(0),
                    },
                    TrackPoint {
                        lon: 103.2,
                        lat: -1.51,
                        ele: None,
                        time: t(60),
                    },
                ],
                vec![],
                vec![TrackPoint {
                    lon: -0.0,
                    lat: 0.0,
                    ele: Some(-3.0),
                    time: t(3600),
                }],
            ],
        };
        let bytes = encode_track(&track);
        assert_eq!(bytes.len(), 4 + 4 + 3 * 4 + 3 * 32);
        assert_eq!(decode_track(&bytes).expect("decode"), track);
        assert!(decode_track(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_track(b"XXXX").is_err());
        let (m, s, b) = figures(&track);
        assert_eq!(s, 60);
        assert!(m > 1_000.0 && m < 20_000.0, "{m}");
        assert_eq!(b, [-0.0, -1.51, 103.2, 0.0]);
    }
}
