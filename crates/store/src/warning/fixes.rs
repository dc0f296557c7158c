//! Fixes in the store: the ingest of a batch (fixes, hotspots, the alerts they raised and
//! those alerts' deliveries, with the batch's audit entry, in one transaction) and reads
//! of fixes.

use super::*;

macro_rules! fixes_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        fn fix_from_row(row: &$Row) -> Result<StoredFix> {
            Ok(StoredFix {
                id: row.try_get("id")?,
                serial: row.try_get("serial")?,
                recorded_at: from_ms(row.try_get("recorded_at")?)?,
                device_id: row.try_get::<Option<uuid::Uuid>, _>("device_id")?.map(DeviceId),
                subject_id: row.try_get::<Option<uuid::Uuid>, _>("subject_id")?.map(SubjectId),
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                accuracy_m: row.try_get("accuracy_m")?,
                battery: row.try_get("battery")?,
                source: row.try_get("source")?,
                received_at: from_ms(row.try_get("received_at")?)?,
                submitted_by: row.try_get::<Option<uuid::Uuid>, _>("submitted_by")?.map(UserId),
                submitted_agency: row.try_get::<Option<uuid::Uuid>, _>("submitted_agency_id")?.map(AgencyId),
                claim: Claim::parse(row.try_get::<&str, _>("held_for")?)?,
            })
        }

        #[async_trait]
        impl FixStore for $Store {
            async fn ingest(&self, fixes: &[NewFix], hotspots: &[NewHotspot], alerts: &[NewAlert], audit: Option<&NewAudit>) -> Result<IngestOutcome> {
                let mut out = IngestOutcome {
                    fixes_stored: vec![false; fixes.len()],
                    hotspots_stored: vec![false; hotspots.len()],
                    alerts: Vec::new(),
                };
                let mut tx = AuditedTx::begin(&self.write, audit).await?;
                // Ids and stream positions are assigned here, under the single writer, so
                // the common case (nothing stored before) needs no rows back: a chunk whose
                // every row went in is known entirely. For a chunk that met a repeat, the ids
                // it gave out that now exist are the rows it stored.
                let mut next_fix: i64 = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM fixes")
                    .fetch_one(&mut *tx)
                    .await?
                    + 1;
                let mut fix_ids: Vec<Option<i64>> = vec![None; fixes.len()];
                for (base, chunk) in statement_chunks(fixes, 2_048) {
                    let first = next_fix;
                    next_fix += chunk.len() as i64;
                    let build = || {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new(INSERT_FIXES);
                        qb.push_values(chunk.iter().enumerate(), |mut b, (i, f)| {
                            b.push_bind(first + i as i64)
                                .push_bind(&f.serial)
                                .push_bind(ms(f.recorded_at))
                                .push_bind(f.device_id.map(|d| d.0))
                                .push_bind(f.subject_id.map(|s| s.0))
                                .push_bind(f.lon)
                                .push_bind(f.lat)
                                .push_bind(f.accuracy_m)
                                .push_bind(f.battery)
                                .push_bind(&f.source)
                                .push_bind(ms(f.received_at))
                                .push_bind(f.submitted_by.map(|u| u.0))
                                .push_bind(f.submitted_agency.map(|a| a.0))
                                .push_bind(f.claim.key());
                        });
                        qb.push(FIXES_CONFLICT);
                        qb
                    };
                    let r = build().build().execute(&mut *tx).await.map_err(map_err)?;
                    if r.rows_affected() == chunk.len() as u64 {
                        for i in 0..chunk.len() {
                            out.fixes_stored[base + i] = true;
                            fix_ids[base + i] = Some(first + i as i64);
                        }
                        continue;
                    }
                    // Some were stored before: the ids given out that now exist are ours.
                    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM fixes WHERE id >= $1 AND id < $2")
                        .bind(first)
                        .bind(first + chunk.len() as i64)
                        .fetch_all(&mut *tx)
                        .await?;
                    for id in ids {
                        let i = (id - first) as usize;
                        out.fixes_stored[base + i] = true;
                        fix_ids[base + i] = Some(id);
                    }
                }
                for (i, h) in hotspots.iter().enumerate() {
                    let r = sqlx::query(
                        "INSERT INTO hotspots (id, dedupe, lon, lat, acquired_at, satellite, confidence, frp, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe) DO NOTHING",
                    )
                    .bind(h.id.0)
                    .bind(&h.dedupe)
                    .bind(h.lon)
                    .bind(h.lat)
                    .bind(ms(h.acquired_at))
                    .bind(&h.satellite)
                    .bind(&h.confidence)
                    .bind(h.frp)
                    .bind(ms(h.imported_at))
                    .execute(&mut *tx)
                    .await?;
                    out.hotspots_stored[i] = r.rows_affected() == 1;
                }
                let mut next_seq: i64 = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM alerts")
                    .fetch_one(&mut *tx)
                    .await?
                    + 1;
                let mut inserted: Vec<usize> = Vec::new();
                let mut seqs: Vec<i64> = vec![0; alerts.len()];
                for (base, chunk) in statement_chunks(alerts, 512) {
                    let first = next_seq;
                    next_seq += chunk.len() as i64;
                    let build = || {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new(INSERT_ALERTS);
                        qb.push_values(chunk.iter().enumerate(), |mut b, (i, a)| {
                            let fix_id = a.fix.and_then(|i| fix_ids.get(i).copied().flatten());
                            let hotspot_id = a.hotspot.and_then(|i| hotspots.get(i)).map(|h| h.id.0);
                            b.push_bind(first + i as i64)
                                .push_bind(a.id.0)
                                .push_bind(&a.dedupe)
                                .push_bind(a.rule_id.map(|r| r.0))
                                .push_bind(a.fence_id.map(|f| f.0))
                                .push_bind(a.subject_id.map(|s| s.0))
                                .push_bind(a.device_id.map(|d| d.0))
                                .push_bind(a.report_id.map(|r| r.0))
                                .push_bind(fix_id)
                                .push_bind(hotspot_id)
                                .push_bind(&a.kind)
                                .push_bind(a.severity.as_str())
                                .push_bind(a.owner_agency_id.0)
                                .push_bind(ms(a.at))
                                .push_bind(a.lon)
                                .push_bind(a.lat)
                                .push_bind(a.distance_m)
                                .push_bind("open")
                                .push_bind(ms(a.created_at))
                                .push_bind(1i64);
                        });
                        qb.push(ALERTS_CONFLICT);
                        qb
                    };
                    let r = build().build().execute(&mut *tx).await.map_err(map_err)?;
                    if r.rows_affected() == chunk.len() as u64 {
                        for i in 0..chunk.len() {
                            inserted.push(base + i);
                            seqs[base + i] = first + i as i64;
                        }
                        continue;
                    }
                    let got: Vec<i64> = sqlx::query_scalar("SELECT seq FROM alerts WHERE seq >= $1 AND seq < $2")
                        .bind(first)
                        .bind(first + chunk.len() as i64)
                        .fetch_all(&mut *tx)
                        .await?;
                    for seq in got {
                        let i = (seq - first) as usize;
                        inserted.push(base + i);
                        seqs[base + i] = seq;
                    }
                }
                inserted.sort_unstable();
                let deliveries: Vec<(AlertId, &str, &str, DateTime<Utc>)> = inserted
                    .iter()
                    .flat_map(|i| {
                        let a = &alerts[*i];
                        a.deliveries
                            .iter()
                            .map(move |(c, t)| (a.id, c.as_str(), t.as_str(), a.created_at))
                    })
                    .collect();
                for chunk in deliveries.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO outbox (alert_id, channel, target, status, attempts, next_attempt_at, created_at) ",
                    );
                    qb.push_values(chunk, |mut b, (id, c, t, at)| {
                        b.push_bind(id.0)
                            .push_bind(*c)
                            .push_bind(*t)
                            .push_bind("pending")
                            .push_bind(0i64)
                            .push_bind(ms(*at))
                            .push_bind(ms(*at));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                // The audit entry is appended last (by `commit`), so that other writers
                // wait for the trail as briefly as possible.
                tx.commit().await?;
                out.alerts = inserted
                    .into_iter()
                    .map(|i| {
                        let a = &alerts[i];
                        Alert {
                            seq: seqs[i],
                            id: a.id,
                            rule_id: a.rule_id,
                            fence_id: a.fence_id,
                            subject_id: a.subject_id,
                            device_id: a.device_id,
                            report_id: a.report_id,
                            fix_id: a.fix.and_then(|k| fix_ids.get(k).copied().flatten()),
                            hotspot_id: a.hotspot.and_then(|k| hotspots.get(k)).map(|h| h.id),
                            kind: a.kind.clone(),
                            severity: a.severity,
                            owner_agency_id: a.owner_agency_id,
                            at: DateTime::from_timestamp_millis(ms(a.at)).unwrap_or(a.at),
                            lon: a.lon,
                            lat: a.lat,
                            distance_m: a.distance_m,
                            status: AlertStatus::Open,
                            created_at: DateTime::from_timestamp_millis(ms(a.created_at)).unwrap_or(a.created_at),
                            acknowledged_at: None,
                            acknowledged_by: None,
                            closed_at: None,
                            closed_by: None,
                            outcome: None,
                            version: 1,
                        }
                    })
                    .collect();
                Ok(out)
            }

            async fn existing_hotspots(&self, keys: &[String]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in keys.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT dedupe FROM hotspots WHERE dedupe IN (");
                    let mut sep = qb.separated(", ");
                    for k in chunk {
                        sep.push_bind(k.clone());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let k: String = row.try_get("dedupe")?;
                        found.insert(k);
                    }
                }
                Ok(keys.iter().map(|k| found.contains(k)).collect())
            }

            async fn existing_fixes(&self, fixes: &[NewFix]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in fixes.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "SELECT serial, recorded_at, held_for FROM fixes WHERE (recorded_at, serial, held_for) IN (VALUES ",
                    );
                    for (i, f) in chunk.iter().enumerate() {
                        if i > 0 {
                            qb.push(", ");
                        }
                        qb.push("(")
                            .push_bind(ms(f.recorded_at))
                            .push(", ")
                            .push_bind(f.serial.clone())
                            .push(", ")
                            .push_bind(f.claim.key())
                            .push(")");
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let s: String = row.try_get("serial")?;
                        let t: i64 = row.try_get("recorded_at")?;
                        let c: String = row.try_get("held_for")?;
                        found.insert((s, t, c));
                    }
                }
                Ok(fixes
                    .iter()
                    .map(|f| found.contains(&(f.serial.clone(), ms(f.recorded_at), f.claim.key())))
                    .collect())
            }

            async fn subject_fixes_since(&self, since: DateTime<Utc>) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id IS NOT NULL AND recorded_at >= $1 ORDER BY recorded_at, id"
                );
                let rows = sqlx::query(&q).bind(ms(since)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn track(&self, subject: SubjectId, since: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM (SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id = $1 AND recorded_at >= $2 AND recorded_at <= $3 \
                     ORDER BY recorded_at DESC LIMIT $4) t ORDER BY recorded_at"
                );
                let rows = sqlx::query(&q)
                    .bind(subject.0)
                    .bind(ms(since))
                    .bind(ms(until))
                    .bind(i64::from(limit))
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn held_fixes(&self, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id IS NULL ORDER BY recorded_at DESC, id DESC LIMIT $1"
                );
                let rows = sqlx::query(&q).bind(i64::from(limit)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn device_last_fixes(&self) -> Result<Vec<DeviceLastFix>> {
                let rows = sqlx::query(
                    "SELECT f.device_id, f.recorded_at, f.battery, f.lon, f.lat FROM fixes f \
                     JOIN (SELECT device_id, MAX(recorded_at) AS t FROM fixes WHERE device_id IS NOT NULL GROUP BY device_id) m \
                     ON m.device_id = f.device_id AND m.t = f.recorded_at",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(DeviceLastFix {
                            device_id: DeviceId(row.try_get("device_id")?),
                            recorded_at: from_ms(row.try_get("recorded_at")?)?,
                            battery: row.try_get("battery")?,
                            lon: row.try_get("lon")?,
                            lat: row.try_get("lat")?,
                        })
                    })
                    .collect()
            }

            async fn device_recent_fixes(&self, device: DeviceId, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!("SELECT {FIX_COLUMNS} FROM fixes WHERE device_id = $1 ORDER BY recorded_at DESC LIMIT $2");
                let rows = sqlx::query(&q).bind(device.0).bind(i64::from(limit)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn fix_count(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM fixes").fetch_one(&self.read).await?)
            }
        }
    };
}

// What differs between the two databases' ingest and alert queries.
//
// SQLite inserts fixes with `OR IGNORE` rather than `ON CONFLICT DO NOTHING`: the fixes table
// has no foreign keys, so with every conflict ignored a multi-row insert can never abort
// half-way and SQLite keeps no statement journal (a copy of every index page the statement
// touches, which for 1,000 interleaved subjects is most of the per-subject index, per
// statement). The only conflict a fix can meet is its (recorded_at, serial, held_for): ids
// are given out above MAX(id) by the single writer, and every NOT NULL column is bound from
// a non-optional value (held_for's '' is a value, not NULL). Alerts likewise: in SQLite
// their table has no foreign keys (migration 0006 says why), and their only conflicts are
// the dedupe key, ignored, and the time-ordered random id.

pub(crate) mod sqlite {
    const INSERT_FIXES: &str = "INSERT OR IGNORE INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
         submitted_by, submitted_agency_id, held_for) ";
    const FIXES_CONFLICT: &str = "";
    const INSERT_ALERTS: &str = "INSERT OR IGNORE INTO alerts (seq, id, dedupe, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, \
         severity, owner_agency_id, at, lon, lat, distance_m, status, created_at, version) ";
    const ALERTS_CONFLICT: &str = "";
    fixes_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    const INSERT_FIXES: &str = "INSERT INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
         submitted_by, submitted_agency_id, held_for) ";
    const FIXES_CONFLICT: &str = " ON CONFLICT (recorded_at, serial, held_for) DO NOTHING";
    const INSERT_ALERTS: &str = "INSERT INTO alerts (seq, id, dedupe, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, \
         severity, owner_agency_id, at, lon, lat, distance_m, status, created_at, version) ";
    const ALERTS_CONFLICT: &str = " ON CONFLICT (dedupe) DO NOTHING";
    fixes_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
