//! Reports in the store: the report types, reports with their history, the visibility
//! rule in SQL (`push_scope`), list filters, counts and attachments.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::Value;
use sinergi_core::audit::NewAudit;
use sinergi_core::geometry::{Bbox, ReportGeometry};
use sinergi_core::ids::{AgencyId, AttachmentId, ReportId, UserId};
use sinergi_core::query::ReportFilter;
use sinergi_core::report::{Report, ReportEvent, Sensitivity, Status, StoredReport};
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::Viewer;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, StoreError, UpdateOutcome};

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub report_id: ReportId,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What an event row needs beyond [`ReportEvent`]: who did it, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub actor_id: UserId,
    pub event: ReportEvent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InsertOutcome {
    Inserted,
    /// A report with this id already exists; it is returned unchanged.
    Exists(Box<Report>),
}

/// A count of visible reports for one (type, status) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCount {
    pub type_key: String,
    pub status: Status,
    pub count: i64,
}

const REPORT_COLUMNS: &str = "r.id, r.type_key, r.title, r.description, r.occurred_at, r.occurred_offset, \
    r.geometry, r.region_code, r.owner_agency_id, a.code AS owner_code, r.author_id, u.username AS author_name, \
    r.sensitivity, r.attributes, r.status, r.version, r.created_at, r.updated_at, r.create_hash";
const REPORT_FROM: &str =
    " FROM reports r JOIN agencies a ON a.id = r.owner_agency_id JOIN users u ON u.id = r.author_id";

/// Report types, reports, their history and attachments.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Adds the types whose key is not stored yet; stored types are never overwritten.
    async fn seed_report_types(&self, types: &[ReportType]) -> Result<()>;
    async fn report_types(&self) -> Result<Vec<ReportType>>;
    /// Inserts a report, its `created` event and its audit entry in one transaction. If
    /// the id is taken, nothing is written and the stored report is returned.
    async fn insert_report(
        &self,
        r: &Report,
        ev: &NewEvent,
        audit: &NewAudit,
    ) -> Result<InsertOutcome>;
    /// Inserts reports, each with its `created` event and its audit entry, all in one
    /// transaction (a phone's outbox sent at once). A report whose id is taken is not
    /// written, and its outcome carries the stored report. Outcomes are in input order;
    /// the ids must be distinct.
    async fn insert_reports(
        &self,
        items: &[(Report, NewEvent, NewAudit)],
    ) -> Result<Vec<InsertOutcome>>;
    /// The reports with these ids, in no particular order (missing ones are left out).
    async fn reports_by_ids(&self, ids: &[ReportId]) -> Result<Vec<Report>>;
    /// Inserts many reports without events (demo data and benchmarks), in one transaction.
    async fn bulk_insert_reports(&self, rs: &[Report]) -> Result<()>;
    async fn report(&self, id: ReportId) -> Result<Option<Report>>;
    /// Replaces a report if its stored version is `expected_version`, and appends the
    /// event and the audit entry, in one transaction.
    async fn update_report(
        &self,
        r: &Report,
        expected_version: i64,
        ev: &NewEvent,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn report_events(&self, id: ReportId) -> Result<Vec<ReportEvent>>;
    /// One page of reports matching `filter` that the viewer may see (the owner rule,
    /// agreement grants and referrals) (all when `None`), newest
    /// first; at most `filter.limit + 1` rows so the caller can tell whether more remain.
    async fn list_reports(
        &self,
        viewer: Option<&Viewer>,
        filter: &ReportFilter,
    ) -> Result<Vec<Report>>;
    async fn count_reports(&self, viewer: Option<&Viewer>) -> Result<Vec<ReportCount>>;
    async fn report_total(&self) -> Result<i64>;
    /// A page of report rows exactly as stored, ordered by id, after `after`: what
    /// `sinergi audit verify --records` compares with the audited content hashes.
    async fn stored_reports(
        &self,
        after: Option<ReportId>,
        limit: u32,
    ) -> Result<Vec<StoredReport>>;
    /// Links an attachment (with its audit entry); an existing identical file on the same
    /// report is returned instead.
    async fn insert_attachment(
        &self,
        a: &Attachment,
        audit: &NewAudit,
    ) -> Result<Option<Attachment>>;
    async fn attachments(&self, report: ReportId) -> Result<Vec<Attachment>>;
    async fn attachment(&self, id: AttachmentId) -> Result<Option<Attachment>>;
}

macro_rules! reports_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident, $like:literal, $noindex:literal) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;

        fn report_from_row(row: &$Row) -> Result<Report> {
            let occurred_ms: i64 = row.try_get("occurred_at")?;
            let offset_s: i64 = row.try_get("occurred_offset")?;
            let offset = FixedOffset::east_opt(offset_s as i32).ok_or_else(|| corrupt("offset"))?;
            let geometry: String = row.try_get("geometry")?;
            let geometry: Value = serde_json::from_str(&geometry).map_err(|_| corrupt("geometry"))?;
            let attributes: String = row.try_get("attributes")?;
            let attributes = serde_json::from_str(&attributes).map_err(|_| corrupt("attributes"))?;
            let sensitivity: String = row.try_get("sensitivity")?;
            let status: String = row.try_get("status")?;
            Ok(Report {
                id: ReportId(row.try_get("id")?),
                type_key: row.try_get("type_key")?,
                title: row.try_get("title")?,
                description: row.try_get("description")?,
                occurred_at: offset
                    .timestamp_millis_opt(occurred_ms)
                    .single()
                    .ok_or_else(|| corrupt("occurred_at"))?,
                geometry: ReportGeometry::from_stored(&geometry).map_err(|_| corrupt("geometry"))?,
                region_code: row.try_get("region_code")?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                owner_agency_code: row.try_get("owner_code")?,
                author_id: UserId(row.try_get("author_id")?),
                author_username: row.try_get("author_name")?,
                sensitivity: Sensitivity::parse(&sensitivity).ok_or_else(|| corrupt("sensitivity"))?,
                attributes,
                status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
                version: row.try_get("version")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
                create_hash: row.try_get("create_hash")?,
            })
        }

        fn attachment_from_row(row: &$Row) -> Result<Attachment> {
            Ok(Attachment {
                id: AttachmentId(row.try_get("id")?),
                report_id: ReportId(row.try_get("report_id")?),
                sha256: row.try_get("sha256")?,
                filename: row.try_get("filename")?,
                content_type: row.try_get("content_type")?,
                size: row.try_get("size")?,
                uploaded_by: UserId(row.try_get("uploaded_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        /// Restricts a query to what the viewer may see: the SQL twin of
        /// `sinergi_core::sharing::decide(..).is_some()`, checked against it by the
        /// conformance suite. Branches: the owner-hierarchy rule, referrals naming the
        /// viewer, and each agreement grant.
        fn push_scope(qb: &mut QueryBuilder<'_, $DB>, viewer: &Viewer) {
            let scope = &viewer.scope;
            // In SQLite a unary `+` keeps a column from being used as an index for this
            // OR-tree: otherwise the planner may answer each branch through its own index
            // and merge, instead of walking the list index newest-first and stopping at
            // the page size. PostgreSQL needs no such hint.
            let ni = $noindex;
            qb.push(format!(" AND (r.sensitivity = 'public' OR (r.sensitivity = 'internal' AND {ni}r.owner_agency_id IN ("));
            let mut sep = qb.separated(", ");
            for a in &scope.internal_owners {
                sep.push_bind(a.0);
            }
            qb.push(format!(")) OR (r.sensitivity = 'restricted' AND {ni}r.owner_agency_id = "));
            qb.push_bind(scope.agency.0);
            qb.push(format!(") OR (r.sensitivity = 'secret' AND ({ni}r.author_id = "));
            qb.push_bind(scope.user.0);
            if scope.secret_of_own_agency {
                qb.push(format!(" OR {ni}r.owner_agency_id = "));
                qb.push_bind(scope.agency.0);
            }
            qb.push("))");
            qb.push(format!(" OR {ni}r.id IN (SELECT f.report_id FROM referrals f WHERE f.revoked_at IS NULL AND f.until > "));
            qb.push_bind(ms(viewer.now));
            qb.push(" AND (f.to_agency = ");
            qb.push_bind(scope.agency.0);
            qb.push(" OR f.to_user = ");
            qb.push_bind(scope.user.0);
            qb.push("))");
            // Grants are grouped by the highest sensitivity they let through; each group
            // is one lookup of (owner, type) in a constant table, however many clauses
            // and owners there are.
            for max in Sensitivity::ALL {
                let mut pairs: Vec<(Uuid, &str)> = Vec::new();
                for g in viewer.grants.iter().filter(|g| g.max_sensitivity == max) {
                    for o in &g.owners {
                        for t in &g.type_keys {
                            if !pairs.contains(&(o.0, t.as_str())) {
                                pairs.push((o.0, t.as_str()));
                            }
                        }
                    }
                }
                if pairs.is_empty() {
                    continue;
                }
                qb.push(" OR (r.sensitivity IN (");
                let mut sep = qb.separated(", ");
                for s in Sensitivity::ALL.into_iter().filter(|s| *s <= max) {
                    sep.push_bind(s.as_str());
                }
                qb.push(format!(") AND ({ni}r.owner_agency_id, {ni}r.type_key) IN (VALUES "));
                for (i, (o, t)) in pairs.iter().enumerate() {
                    if i > 0 {
                        qb.push(", ");
                    }
                    qb.push("(");
                    qb.push_bind(*o);
                    qb.push(", ");
                    qb.push_bind(t.to_string());
                    qb.push(")");
                }
                qb.push("))");
            }
            qb.push(")");
        }

        /// `(stored box overlaps b)`, on the bounding-box columns.
        fn push_bbox(qb: &mut QueryBuilder<'_, $DB>, b: &Bbox) {
            qb.push("(r.max_lon >= ").push_bind(b.min_lon);
            qb.push(" AND r.min_lon <= ").push_bind(b.max_lon);
            qb.push(" AND r.max_lat >= ").push_bind(b.min_lat);
            qb.push(" AND r.min_lat <= ").push_bind(b.max_lat);
            qb.push(")");
        }

        fn push_filter(qb: &mut QueryBuilder<'_, $DB>, f: &ReportFilter) {
            if let Some(b) = &f.bbox {
                qb.push(" AND (");
                push_bbox(qb, b);
                if let Some(w) = &f.bbox_widening {
                    // Records that may reach the caller coarsened: their shown point may lie
                    // in the box while the stored one does not (ADR 9).
                    qb.push(" OR (");
                    if let Some(a) = w.viewer_agency {
                        qb.push("r.owner_agency_id <> ").push_bind(a.0).push(" AND ");
                    }
                    qb.push("(1 = 0");
                    if !w.types.is_empty() {
                        qb.push(" OR r.type_key IN (");
                        let mut sep = qb.separated(", ");
                        for t in &w.types {
                            sep.push_bind(t.clone());
                        }
                        qb.push(")");
                    }
                    if !w.pairs.is_empty() {
                        qb.push(" OR (r.owner_agency_id, r.type_key) IN (VALUES ");
                        for (i, (o, t)) in w.pairs.iter().enumerate() {
                            if i > 0 {
                                qb.push(", ");
                            }
                            qb.push("(").push_bind(o.0).push(", ").push_bind(t.clone()).push(")");
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                    if let Some(wide) = &w.wide {
                        qb.push(" AND (");
                        push_bbox(qb, wide);
                        if !w.region_codes.is_empty() {
                            qb.push(" OR substr(r.region_code, 1, 8) IN (");
                            let mut sep = qb.separated(", ");
                            for c in &w.region_codes {
                                sep.push_bind(c.clone());
                            }
                            qb.push(")");
                        }
                        if let Some(far) = &w.far {
                            qb.push(" OR (r.region_code IS NULL AND ");
                            push_bbox(qb, far);
                            qb.push(")");
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
                qb.push(")");
            }
            if let Some(iv) = &f.datetime {
                if let Some(s) = iv.start {
                    qb.push(" AND r.occurred_at >= ").push_bind(ms(s));
                }
                if let Some(e) = iv.end {
                    qb.push(" AND r.occurred_at <= ").push_bind(ms(e));
                }
            }
            if let Some(t) = &f.type_key {
                qb.push(" AND r.type_key = ").push_bind(t.clone());
            }
            if let Some(p) = &f.region_prefix {
                qb.push(" AND (r.region_code = ").push_bind(p.clone());
                qb.push(" OR r.region_code LIKE ").push_bind(format!("{p}.%"));
                qb.push(")");
            }
            if let Some(a) = f.agency {
                qb.push(" AND r.owner_agency_id = ").push_bind(a.0);
            }
            if let Some(s) = f.status {
                qb.push(" AND r.status = ").push_bind(s.as_str());
            }
            if let Some(q) = &f.q {
                let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%{escaped}%");
                qb.push(concat!(" AND (r.title ", $like, " "))
                    .push_bind(pattern.clone())
                    .push(concat!(" ESCAPE '\\' OR r.description ", $like, " "))
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            if let Some(c) = &f.cursor {
                qb.push(" AND (r.occurred_at < ").push_bind(c.occurred_at_ms);
                qb.push(" OR (r.occurred_at = ").push_bind(c.occurred_at_ms);
                qb.push(" AND r.id < ").push_bind(c.id.0);
                qb.push("))");
            }
        }

        /// One `INSERT … ON CONFLICT (id) DO NOTHING` for any number of reports: the single
        /// column list used by both the one-report insert and the bulk load.
        fn report_insert(rows: &[Report]) -> QueryBuilder<'_, $DB> {
            let mut qb = QueryBuilder::<$DB>::new(
                "INSERT INTO reports (id, type_key, title, description, occurred_at, occurred_offset, geometry, \
                 min_lon, min_lat, max_lon, max_lat, region_code, owner_agency_id, author_id, sensitivity, attributes, \
                 status, version, created_at, updated_at, create_hash) ",
            );
            // The values are those of `StoredReport::of`, whose content hash report writes
            // put in their audit entry.
            qb.push_values(rows.iter().map(StoredReport::of), |mut b, r| {
                b.push_bind(r.id.0)
                    .push_bind(r.type_key)
                    .push_bind(r.title)
                    .push_bind(r.description)
                    .push_bind(r.occurred_at_ms)
                    .push_bind(r.occurred_offset_s)
                    .push_bind(r.geometry)
                    .push_bind(r.min_lon)
                    .push_bind(r.min_lat)
                    .push_bind(r.max_lon)
                    .push_bind(r.max_lat)
                    .push_bind(r.region_code)
                    .push_bind(r.owner_agency_id.0)
                    .push_bind(r.author_id.0)
                    .push_bind(r.sensitivity)
                    .push_bind(r.attributes)
                    .push_bind(r.status)
                    .push_bind(r.version)
                    .push_bind(r.created_at_ms)
                    .push_bind(r.updated_at_ms)
                    .push_bind(r.create_hash);
            });
            qb.push(" ON CONFLICT (id) DO NOTHING");
            qb
        }

        async fn insert_event_row<'c, E>(exec: E, report: ReportId, ev: &NewEvent) -> Result<()>
        where
            E: sqlx::Executor<'c, Database = $DB>,
        {
            sqlx::query(
                "INSERT INTO report_events (report_id, version, at, actor_id, kind, from_status, to_status, changed, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(report.0)
            .bind(ev.event.version)
            .bind(ms(ev.event.at))
            .bind(ev.actor_id.0)
            .bind(&ev.event.kind)
            .bind(ev.event.from_status.map(|s| s.as_str()))
            .bind(ev.event.to_status.map(|s| s.as_str()))
            .bind(serde_json::to_string(&ev.event.changed).unwrap_or_else(|_| "[]".into()))
            .bind(&ev.event.note)
            .execute(exec)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        #[async_trait]
        impl ReportStore for $Store {
            async fn seed_report_types(&self, types: &[ReportType]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                for (i, t) in types.iter().enumerate() {
                    let def = serde_json::to_string(t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO report_types (key, position, definition) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                    )
                    .bind(&t.key)
                    .bind(i as i64)
                    .bind(def)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn report_types(&self) -> Result<Vec<ReportType>> {
                let defs: Vec<String> =
                    sqlx::query_scalar("SELECT definition FROM report_types ORDER BY position, key")
                        .fetch_all(&self.read)
                        .await?;
                defs.iter()
                    .map(|d| serde_json::from_str(d).map_err(|_| corrupt("report type")))
                    .collect()
            }

            async fn insert_report(&self, r: &Report, ev: &NewEvent, audit: &NewAudit) -> Result<InsertOutcome> {
                let mut out = self.insert_reports(&[(r.clone(), ev.clone(), audit.clone())]).await?;
                out.pop().ok_or_else(|| StoreError::Corrupt("no outcome for the report".into()))
            }

            async fn insert_reports(
                &self,
                items: &[(Report, NewEvent, NewAudit)],
            ) -> Result<Vec<InsertOutcome>> {
                if items.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.write.begin().await?;
                let mut inserted: std::collections::HashSet<uuid::Uuid> = std::collections::HashSet::new();
                // 21 parameters a row: 400 rows stay under both databases' limits.
                for chunk in items.chunks(400) {
                    let rows: Vec<Report> = chunk.iter().map(|(r, _, _)| r.clone()).collect();
                    let mut qb = report_insert(&rows);
                    qb.push(" RETURNING id");
                    let ids: Vec<uuid::Uuid> = qb
                        .build_query_scalar()
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    inserted.extend(ids);
                }
                let new: Vec<&(Report, NewEvent, NewAudit)> =
                    items.iter().filter(|(r, _, _)| inserted.contains(&r.id.0)).collect();
                // 9 parameters a row.
                for chunk in new.chunks(1000) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO report_events (report_id, version, at, actor_id, kind, from_status, to_status, changed, note) ",
                    );
                    qb.push_values(chunk, |mut b, (r, ev, _)| {
                        b.push_bind(r.id.0)
                            .push_bind(ev.event.version)
                            .push_bind(ms(ev.event.at))
                            .push_bind(ev.actor_id.0)
                            .push_bind(ev.event.kind.clone())
                            .push_bind(ev.event.from_status.map(|s| s.as_str()))
                            .push_bind(ev.event.to_status.map(|s| s.as_str()))
                            .push_bind(serde_json::to_string(&ev.event.changed).unwrap_or_else(|_| "[]".into()))
                            .push_bind(ev.event.note.clone());
                    });
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                let audits: Vec<&NewAudit> = new.iter().map(|(_, _, a)| a).collect();
                crate::audit::$m::append_audits_tx(&mut tx, &audits).await?;
                tx.commit().await?;
                let mut out = Vec::with_capacity(items.len());
                for (r, _, _) in items {
                    if inserted.contains(&r.id.0) {
                        out.push(InsertOutcome::Inserted);
                        continue;
                    }
                    match self.report(r.id).await? {
                        Some(existing) => out.push(InsertOutcome::Exists(Box::new(existing))),
                        None => return Err(StoreError::Corrupt("report vanished during insert".into())),
                    }
                }
                Ok(out)
            }

            async fn reports_by_ids(&self, ids: &[ReportId]) -> Result<Vec<Report>> {
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {REPORT_COLUMNS}{REPORT_FROM} WHERE r.id IN ("));
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(id.0);
                    }
                    qb.push(")");
                    let rows = qb.build().fetch_all(&self.read).await?;
                    for row in &rows {
                        out.push(report_from_row(row)?);
                    }
                }
                Ok(out)
            }

            async fn bulk_insert_reports(&self, rs: &[Report]) -> Result<()> {
                let mut tx = self.write.begin().await?;
                // Many rows per statement: 21 parameters each stays well under both
                // databases' parameter limits.
                for chunk in rs.chunks(400) {
                    let mut qb = report_insert(chunk);
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn report(&self, id: ReportId) -> Result<Option<Report>> {
                let q = format!("SELECT {REPORT_COLUMNS}{REPORT_FROM} WHERE r.id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(report_from_row).transpose()
            }

            async fn update_report(
                &self,
                r: &Report,
                expected_version: i64,
                ev: &NewEvent,
                audit: &NewAudit,
            ) -> Result<UpdateOutcome> {
                // The values of `StoredReport::of`, as for inserts.
                let row = StoredReport::of(r);
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE reports SET title = $1, description = $2, occurred_at = $3, occurred_offset = $4, geometry = $5, \
                     min_lon = $6, min_lat = $7, max_lon = $8, max_lat = $9, region_code = $10, sensitivity = $11, \
                     attributes = $12, status = $13, version = $14, updated_at = $15 WHERE id = $16 AND version = $17",
                )
                .bind(row.title)
                .bind(row.description)
                .bind(row.occurred_at_ms)
                .bind(row.occurred_offset_s)
                .bind(row.geometry)
                .bind(row.min_lon)
                .bind(row.min_lat)
                .bind(row.max_lon)
                .bind(row.max_lat)
                .bind(row.region_code)
                .bind(row.sensitivity)
                .bind(row.attributes)
                .bind(row.status)
                .bind(row.version)
                .bind(row.updated_at_ms)
                .bind(r.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "reports", r.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                insert_event_row(&mut *tx, r.id, ev).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn report_events(&self, id: ReportId) -> Result<Vec<ReportEvent>> {
                let rows = sqlx::query(
                    "SELECT e.version, e.at, u.username, e.kind, e.from_status, e.to_status, e.changed, e.note \
                     FROM report_events e JOIN users u ON u.id = e.actor_id WHERE e.report_id = $1 ORDER BY e.id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let from: Option<String> = row.try_get("from_status")?;
                        let to: Option<String> = row.try_get("to_status")?;
                        let changed: String = row.try_get("changed")?;
                        Ok(ReportEvent {
                            version: row.try_get("version")?,
                            at: from_ms(row.try_get("at")?)?,
                            actor_username: row.try_get("username")?,
                            kind: row.try_get("kind")?,
                            from_status: from.as_deref().and_then(Status::parse),
                            to_status: to.as_deref().and_then(Status::parse),
                            changed: serde_json::from_str(&changed).map_err(|_| corrupt("event"))?,
                            note: row.try_get("note")?,
                        })
                    })
                    .collect()
            }

            async fn list_reports(&self, scope: Option<&Viewer>, filter: &ReportFilter) -> Result<Vec<Report>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {REPORT_COLUMNS}{REPORT_FROM} WHERE 1 = 1"));
                if let Some(s) = scope {
                    push_scope(&mut qb, s);
                }
                push_filter(&mut qb, filter);
                qb.push(" ORDER BY r.occurred_at DESC, r.id DESC LIMIT ");
                qb.push_bind(i64::from(filter.limit) + 1);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(report_from_row).collect()
            }

            async fn count_reports(&self, scope: Option<&Viewer>) -> Result<Vec<ReportCount>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT r.type_key, r.status, COUNT(*) AS n FROM reports r WHERE 1 = 1",
                );
                if let Some(s) = scope {
                    push_scope(&mut qb, s);
                }
                qb.push(" GROUP BY r.type_key, r.status ORDER BY r.type_key, r.status");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        let status: String = row.try_get("status")?;
                        Ok(ReportCount {
                            type_key: row.try_get("type_key")?,
                            status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
                            count: row.try_get("n")?,
                        })
                    })
                    .collect()
            }

            async fn report_total(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(&self.read).await?)
            }

            async fn stored_reports(&self, after: Option<ReportId>, limit: u32) -> Result<Vec<StoredReport>> {
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT id, type_key, title, description, occurred_at, occurred_offset, geometry, min_lon, min_lat, \
                     max_lon, max_lat, region_code, owner_agency_id, author_id, sensitivity, attributes, status, version, \
                     created_at, updated_at, create_hash FROM reports",
                );
                if let Some(a) = after {
                    qb.push(" WHERE id > ").push_bind(a.0);
                }
                qb.push(" ORDER BY id LIMIT ").push_bind(i64::from(limit));
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|row| {
                        Ok(StoredReport {
                            id: ReportId(row.try_get("id")?),
                            type_key: row.try_get("type_key")?,
                            title: row.try_get("title")?,
                            description: row.try_get("description")?,
                            occurred_at_ms: row.try_get("occurred_at")?,
                            occurred_offset_s: row.try_get("occurred_offset")?,
                            geometry: row.try_get("geometry")?,
                            min_lon: row.try_get("min_lon")?,
                            min_lat: row.try_get("min_lat")?,
                            max_lon: row.try_get("max_lon")?,
                            max_lat: row.try_get("max_lat")?,
                            region_code: row.try_get("region_code")?,
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            author_id: UserId(row.try_get("author_id")?),
                            sensitivity: row.try_get("sensitivity")?,
                            attributes: row.try_get("attributes")?,
                            status: row.try_get("status")?,
                            version: row.try_get("version")?,
                            created_at_ms: row.try_get("created_at")?,
                            updated_at_ms: row.try_get("updated_at")?,
                            create_hash: row.try_get("create_hash")?,
                        })
                    })
                    .collect()
            }

            async fn insert_attachment(&self, a: &Attachment, audit: &NewAudit) -> Result<Option<Attachment>> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO attachments (id, report_id, sha256, filename, content_type, size, uploaded_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (report_id, sha256) DO NOTHING",
                )
                .bind(a.id.0)
                .bind(a.report_id.0)
                .bind(&a.sha256)
                .bind(&a.filename)
                .bind(&a.content_type)
                .bind(a.size)
                .bind(a.uploaded_by.0)
                .bind(ms(a.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 1 {
                    tx.commit().await?;
                    return Ok(None);
                }
                tx.rollback().await?;
                let row = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE report_id = $1 AND sha256 = $2",
                )
                .bind(a.report_id.0)
                .bind(&a.sha256)
                .fetch_one(&self.read)
                .await?;
                attachment_from_row(&row).map(Some)
            }

            async fn attachments(&self, report: ReportId) -> Result<Vec<Attachment>> {
                let rows = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE report_id = $1 ORDER BY created_at, id",
                )
                .bind(report.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(attachment_from_row).collect()
            }

            async fn attachment(&self, id: AttachmentId) -> Result<Option<Attachment>> {
                let row = sqlx::query(
                    "SELECT id, report_id, sha256, filename, content_type, size, uploaded_by, created_at \
                     FROM attachments WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(attachment_from_row).transpose()
            }
        }
    };
}

pub(crate) mod sqlite {
    reports_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite,
        "LIKE",
        "+"
    );
}

pub(crate) mod pg {
    reports_impl!(
        PgStore,
        sqlx::postgres::Postgres,
        sqlx::postgres::PgRow,
        pg,
        "ILIKE",
        ""
    );
}
