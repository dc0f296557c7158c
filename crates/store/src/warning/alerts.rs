//! Alerts in the store: reads by the reader's scope, the response (acknowledge, close)
//! with its log, and the delivery outbox.

use super::*;

macro_rules! alerts_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        /// The alerts query with the filters every plan shares (time, status, area, subject,
        /// page), ready for more conditions.
        fn alert_query(f: &AlertFilter) -> QueryBuilder<'static, $DB> {
            let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE 1 = 1"));
            if let Some(t) = f.since {
                qb.push(" AND at >= ").push_bind(ms(t));
            }
            if let Some(s) = f.status {
                qb.push(" AND status = ").push_bind(s.as_str());
            }
            if let Some(fence) = f.fence {
                qb.push(" AND fence_id = ").push_bind(fence.0);
            }
            if let Some(s) = f.subject {
                qb.push(" AND subject_id = ").push_bind(s.0);
            }
            if let Some(seq) = f.before_seq {
                qb.push(" AND seq < ").push_bind(seq);
            }
            qb
        }

        fn alert_from_row(row: &$Row) -> Result<Alert> {
            let severity: String = row.try_get("severity")?;
            let status: String = row.try_get("status")?;
            Ok(Alert {
                seq: row.try_get("seq")?,
                id: AlertId(row.try_get("id")?),
                rule_id: row.try_get::<Option<uuid::Uuid>, _>("rule_id")?.map(RuleId),
                fence_id: row.try_get::<Option<uuid::Uuid>, _>("fence_id")?.map(FenceId),
                subject_id: row.try_get::<Option<uuid::Uuid>, _>("subject_id")?.map(SubjectId),
                device_id: row.try_get::<Option<uuid::Uuid>, _>("device_id")?.map(DeviceId),
                report_id: row.try_get::<Option<uuid::Uuid>, _>("report_id")?.map(ReportId),
                fix_id: row.try_get("fix_id")?,
                hotspot_id: row.try_get::<Option<uuid::Uuid>, _>("hotspot_id")?.map(HotspotId),
                kind: row.try_get("kind")?,
                severity: Severity::parse(&severity).ok_or_else(|| corrupt("severity"))?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                at: from_ms(row.try_get("at")?)?,
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                distance_m: row.try_get("distance_m")?,
                status: AlertStatus::parse(&status).ok_or_else(|| corrupt("alert status"))?,
                created_at: from_ms(row.try_get("created_at")?)?,
                acknowledged_at: opt_ms(row.try_get("acknowledged_at")?)?,
                acknowledged_by: row.try_get::<Option<uuid::Uuid>, _>("acknowledged_by")?.map(UserId),
                closed_at: opt_ms(row.try_get("closed_at")?)?,
                closed_by: row.try_get::<Option<uuid::Uuid>, _>("closed_by")?.map(UserId),
                outcome: row.try_get("outcome")?,
                version: row.try_get("version")?,
            })
        }

        fn outbox_from_row(row: &$Row) -> Result<OutboxRow> {
            Ok(OutboxRow {
                id: row.try_get("id")?,
                alert_id: AlertId(row.try_get("alert_id")?),
                channel: row.try_get("channel")?,
                target: row.try_get("target")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                next_attempt_at: from_ms(row.try_get("next_attempt_at")?)?,
                last_error: row.try_get("last_error")?,
                sent_at: opt_ms(row.try_get("sent_at")?)?,
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        #[async_trait]
        impl AlertStore for $Store {
            async fn existing_alerts(&self, dedupes: &[String]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in dedupes.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT dedupe FROM alerts WHERE dedupe IN (");
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
                Ok(dedupes.iter().map(|k| found.contains(k)).collect())
            }

            async fn alerts(&self, f: &AlertFilter) -> Result<Vec<Alert>> {
                let limit = f.limit.max(1) as usize;
                // Newest first for a reader's scope and no area: one walk down the index
                // of each agency and rule in scope (each stops after `limit` matches), then
                // merged. One query over all of them would read every alert of the scope
                // and sort them.
                if let (Some(scope), None, None) = (&f.scope, f.fence, f.after_seq) {
                    let keys = scope
                        .columns()
                        .into_iter()
                        .flat_map(|(column, ids)| ids.into_iter().map(move |id| (column, id)));
                    let mut merged: Vec<Alert> = Vec::new();
                    for (column, id) in keys {
                        let mut qb = alert_query(f);
                        qb.push(" AND ").push(column).push(" = ").push_bind(id);
                        qb.push(" ORDER BY seq DESC LIMIT ").push_bind(limit as i64);
                        let rows = qb.build().fetch_all(&self.read).await?;
                        for row in &rows {
                            merged.push(alert_from_row(row)?);
                        }
                    }
                    merged.sort_unstable_by(|a, b| b.seq.cmp(&a.seq));
                    merged.dedup_by_key(|a| a.seq);
                    merged.truncate(limit);
                    return Ok(merged);
                }
                // Otherwise one query: driven by the area's index when an area is given,
                // by stream position when resuming; the scope then only filters (in SQLite
                // its columns are written `+column` so they cannot drive the query).
                let mut qb = alert_query(f);
                if let Some(scope) = &f.scope {
                    let parts = scope.columns();
                    if parts.is_empty() {
                        return Ok(Vec::new());
                    }
                    qb.push(" AND (");
                    for (n, (column, ids)) in parts.into_iter().enumerate() {
                        if n > 0 {
                            qb.push(" OR ");
                        }
                        qb.push(FILTER_ONLY).push(column).push(" IN (");
                        let mut sep = qb.separated(", ");
                        for id in ids {
                            sep.push_bind(id);
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
                match f.after_seq {
                    Some(seq) => {
                        qb.push(" AND seq > ").push_bind(seq).push(" ORDER BY seq ASC");
                    }
                    None => {
                        qb.push(" ORDER BY seq DESC");
                    }
                }
                qb.push(" LIMIT ").push_bind(limit as i64);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(alert_from_row).collect()
            }

            async fn alert(&self, id: AlertId) -> Result<Option<Alert>> {
                let q = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(alert_from_row).transpose()
            }

            async fn alert_exists(&self, dedupe: &str) -> Result<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE dedupe = $1")
                    .bind(dedupe)
                    .fetch_one(&self.read)
                    .await?;
                Ok(n > 0)
            }

            async fn update_alert(&self, a: &Alert, expected: i64, action: Option<&AlertAction>, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let r = sqlx::query(
                    "UPDATE alerts SET status = $1, acknowledged_at = $2, acknowledged_by = $3, closed_at = $4, closed_by = $5, \
                     outcome = $6, version = $7 WHERE id = $8 AND version = $9",
                )
                .bind(a.status.as_str())
                .bind(a.acknowledged_at.map(ms))
                .bind(a.acknowledged_by.map(|u| u.0))
                .bind(a.closed_at.map(ms))
                .bind(a.closed_by.map(|u| u.0))
                .bind(&a.outcome)
                .bind(a.version)
                .bind(a.id.0)
                .bind(expected)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() != 1 {
                    tx.rollback().await?;
                    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM alerts WHERE id = $1")
                        .bind(a.id.0)
                        .fetch_optional(&self.read)
                        .await?;
                    return Ok(match current {
                        Some(v) => UpdateOutcome::VersionMismatch(v),
                        None => UpdateOutcome::NotFound,
                    });
                }
                if let Some(x) = action {
                    sqlx::query(
                        "INSERT INTO alert_actions (id, alert_id, at, user_id, action, note) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(x.id)
                    .bind(x.alert_id.0)
                    .bind(ms(x.at))
                    .bind(x.user_id.0)
                    .bind(&x.action)
                    .bind(&x.note)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn alert_actions(&self, id: AlertId) -> Result<Vec<AlertAction>> {
                let rows = sqlx::query(
                    "SELECT x.id, x.alert_id, x.at, x.user_id, u.username, x.action, x.note FROM alert_actions x \
                     JOIN users u ON u.id = x.user_id WHERE x.alert_id = $1 ORDER BY x.at, x.id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(AlertAction {
                            id: row.try_get("id")?,
                            alert_id: AlertId(row.try_get("alert_id")?),
                            at: from_ms(row.try_get("at")?)?,
                            user_id: UserId(row.try_get("user_id")?),
                            username: row.try_get("username")?,
                            action: row.try_get("action")?,
                            note: row.try_get("note")?,
                        })
                    })
                    .collect()
            }

            async fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxRow>> {
                let rows = sqlx::query(
                    "SELECT id, alert_id, channel, target, status, attempts, next_attempt_at, last_error, sent_at, created_at \
                     FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
                )
                .bind(ms(now))
                .bind(i64::from(limit))
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(outbox_from_row).collect()
            }

            async fn outbox_backlog(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                    .fetch_one(&self.read)
                    .await?)
            }

            async fn outbox_for_alert(&self, id: AlertId) -> Result<Vec<OutboxRow>> {
                let rows = sqlx::query(
                    "SELECT id, alert_id, channel, target, status, attempts, next_attempt_at, last_error, sent_at, created_at \
                     FROM outbox WHERE alert_id = $1 ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(outbox_from_row).collect()
            }

            async fn record_delivery(&self, row: &OutboxRow) -> Result<()> {
                sqlx::query(
                    "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5 WHERE id = $6",
                )
                .bind(&row.status)
                .bind(row.attempts)
                .bind(ms(row.next_attempt_at))
                .bind(&row.last_error)
                .bind(row.sent_at.map(ms))
                .bind(row.id)
                .execute(&self.write)
                .await?;
                Ok(())
            }
        }
    };
}

// FILTER_ONLY prefixes a column that must only filter, never choose the index (SQLite's unary
// `+`; PostgreSQL plans by its statistics).
pub(crate) mod sqlite {
    const FILTER_ONLY: &str = "+";
    alerts_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    const FILTER_ONLY: &str = "";
    alerts_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
