//! Early-warning set-up in the store: subjects, devices, deployments, fences, rules and
//! webhooks.

use super::*;

macro_rules! setup_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::{update_one_audited, AuditedTx};
        use crate::backend::$m::missed_update;

        /// Switches a fence or rule on or off, audited in the same transaction; false when
        /// there is no such row.
        async fn set_active(
            pool: &sqlx::Pool<$DB>,
            sql: &'static str,
            id: uuid::Uuid,
            active: bool,
            at: DateTime<Utc>,
            audit: &NewAudit,
        ) -> Result<bool> {
            let update = sqlx::query(sql).bind(active).bind(ms(at)).bind(id);
            update_one_audited(pool, update, Some(audit)).await
        }

        #[async_trait]
        impl WarningSetupStore for $Store {
            async fn insert_subject(&self, s: &Subject, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO subjects (id, owner_agency_id, name, species, kind, sensitivity, notes, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(s.id.0)
                .bind(s.owner_agency_id.0)
                .bind(&s.name)
                .bind(&s.species)
                .bind(&s.kind)
                .bind(s.sensitivity.as_str())
                .bind(&s.notes)
                .bind(ms(s.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn subjects(&self) -> Result<Vec<Subject>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, species, kind, sensitivity, notes, created_at FROM subjects ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let sens: String = row.try_get("sensitivity")?;
                        Ok(Subject {
                            id: SubjectId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            species: row.try_get("species")?,
                            kind: row.try_get("kind")?,
                            sensitivity: sensitivity(&sens)?,
                            notes: row.try_get("notes")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_device(&self, d: &Device, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO devices (id, serial, kind, owner_agency_id, expected_interval_s, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(d.id.0)
                .bind(&d.serial)
                .bind(&d.kind)
                .bind(d.owner_agency_id.0)
                .bind(d.expected_interval_s)
                .bind(ms(d.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn devices(&self) -> Result<Vec<Device>> {
                let rows = sqlx::query(
                    "SELECT id, serial, kind, owner_agency_id, expected_interval_s, created_at FROM devices ORDER BY serial",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Device {
                            id: DeviceId(row.try_get("id")?),
                            serial: row.try_get("serial")?,
                            kind: row.try_get("kind")?,
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            expected_interval_s: row.try_get("expected_interval_s")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_deployment(&self, d: &Deployment, serial: &str, claimants: &[AgencyId], audit: &NewAudit) -> Result<u64> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO deployments (id, device_id, subject_id, start_at, end_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(d.id.0)
                .bind(d.device_id.0)
                .bind(d.subject_id.0)
                .bind(ms(d.start_at))
                .bind(d.end_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                let (start, end) = (ms(d.start_at), d.end_at.map(ms));
                // The device's own held fixes.
                let r = sqlx::query(
                    "UPDATE fixes SET device_id = $1, subject_id = $2 \
                     WHERE serial = $3 AND subject_id IS NULL AND held_for = '' AND recorded_at >= $4 AND ($5 IS NULL OR recorded_at < $5)",
                )
                .bind(d.device_id.0)
                .bind(d.subject_id.0)
                .bind(serial)
                .bind(start)
                .bind(end)
                .execute(&mut *tx)
                .await?;
                let mut attached = r.rows_affected();
                // Those held for the claimant agencies become the device's, one per time:
                // where the device already has a fix for that time, the held one is a
                // duplicate of it.
                if !claimants.is_empty() {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT id, recorded_at FROM fixes WHERE serial = ");
                    qb.push_bind(serial)
                        .push(" AND subject_id IS NULL AND recorded_at >= ")
                        .push_bind(start);
                    if let Some(end) = end {
                        qb.push(" AND recorded_at < ").push_bind(end);
                    }
                    qb.push(" AND held_for IN (");
                    let mut sep = qb.separated(", ");
                    for a in claimants {
                        sep.push_bind(a.0.to_string());
                    }
                    qb.push(") ORDER BY recorded_at, id");
                    let held: Vec<(i64, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    if !held.is_empty() {
                        let mut qb: QueryBuilder<$DB> =
                            QueryBuilder::new("SELECT recorded_at FROM fixes WHERE held_for = '' AND serial = ");
                        qb.push_bind(serial).push(" AND recorded_at >= ").push_bind(start);
                        if let Some(end) = end {
                            qb.push(" AND recorded_at < ").push_bind(end);
                        }
                        let mut taken: std::collections::HashSet<i64> =
                            qb.build_query_scalar::<i64>().fetch_all(&mut *tx).await?.into_iter().collect();
                        let (mut join, mut drop) = (Vec::new(), Vec::new());
                        for (id, t) in held {
                            if taken.insert(t) {
                                join.push(id);
                            } else {
                                drop.push(id);
                            }
                        }
                        for chunk in join.chunks(500) {
                            let mut qb: QueryBuilder<$DB> = QueryBuilder::new("UPDATE fixes SET device_id = ");
                            qb.push_bind(d.device_id.0)
                                .push(", subject_id = ")
                                .push_bind(d.subject_id.0)
                                .push(", held_for = '' WHERE id IN (");
                            let mut sep = qb.separated(", ");
                            for id in chunk {
                                sep.push_bind(*id);
                            }
                            qb.push(")");
                            attached += qb.build().execute(&mut *tx).await?.rows_affected();
                        }
                        for chunk in drop.chunks(500) {
                            let mut qb: QueryBuilder<$DB> = QueryBuilder::new("DELETE FROM fixes WHERE id IN (");
                            let mut sep = qb.separated(", ");
                            for id in chunk {
                                sep.push_bind(*id);
                            }
                            qb.push(")");
                            qb.build().execute(&mut *tx).await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(attached)
            }

            async fn end_deployment(&self, id: DeploymentId, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE deployments SET end_at = $1 WHERE id = $2 AND end_at IS NULL")
                    .bind(ms(at))
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn deployments(&self) -> Result<Vec<Deployment>> {
                let rows = sqlx::query("SELECT id, device_id, subject_id, start_at, end_at FROM deployments ORDER BY start_at, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Deployment {
                            id: DeploymentId(row.try_get("id")?),
                            device_id: DeviceId(row.try_get("device_id")?),
                            subject_id: SubjectId(row.try_get("subject_id")?),
                            start_at: from_ms(row.try_get("start_at")?)?,
                            end_at: opt_ms(row.try_get("end_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_fence(&self, f: &Fence, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO fences (id, owner_agency_id, name, name_key, kind, shape, region_code, active, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(f.id.0)
                .bind(f.owner_agency_id.0)
                .bind(&f.name)
                .bind(fence_name_key(&f.name))
                .bind(&f.kind)
                .bind(f.shape.to_json().to_string())
                .bind(&f.region_code)
                .bind(f.active)
                .bind(f.created_by.0)
                .bind(ms(f.created_at))
                .bind(ms(f.updated_at))
                .bind(f.version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_fence(&self, f: &Fence, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let done = sqlx::query(
                    "UPDATE fences SET name = $1, name_key = $2, kind = $3, shape = $4, region_code = $5, updated_at = $6, version = $7 \
                     WHERE id = $8 AND version = $9",
                )
                .bind(&f.name)
                .bind(fence_name_key(&f.name))
                .bind(&f.kind)
                .bind(f.shape.to_json().to_string())
                .bind(&f.region_code)
                .bind(ms(f.updated_at))
                .bind(expected_version + 1)
                .bind(f.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() != 1 {
                    let missed = missed_update(&mut tx, "fences", f.id.0).await?;
                    tx.rollback().await?;
                    return Ok(missed);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn set_fence_active(&self, id: FenceId, active: bool, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                set_active(&self.write, "UPDATE fences SET active = $1, updated_at = $2 WHERE id = $3", id.0, active, at, audit).await
            }

            async fn fences(&self) -> Result<Vec<Fence>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, kind, shape, region_code, active, created_by, created_at, updated_at, version \
                     FROM fences ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let shape: String = row.try_get("shape")?;
                        let shape: serde_json::Value = serde_json::from_str(&shape).map_err(|_| corrupt("fence shape"))?;
                        Ok(Fence {
                            id: FenceId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            kind: row.try_get("kind")?,
                            shape: Shape::parse(&shape).map_err(|_| corrupt("fence shape"))?,
                            region_code: row.try_get("region_code")?,
                            active: row.try_get("active")?,
                            created_by: UserId(row.try_get("created_by")?),
                            created_at: from_ms(row.try_get("created_at")?)?,
                            updated_at: from_ms(row.try_get("updated_at")?)?,
                            version: row.try_get("version")?,
                        })
                    })
                    .collect()
            }

            async fn insert_rule(&self, r: &Rule, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO rules (id, owner_agency_id, name, definition, active, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(r.id.0)
                .bind(r.owner_agency_id.0)
                .bind(&r.name)
                .bind(serde_json::to_string(&r.spec).map_err(|e| corrupt(&e.to_string()))?)
                .bind(r.active)
                .bind(r.created_by.0)
                .bind(ms(r.created_at))
                .bind(ms(r.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_rule_active(&self, id: RuleId, active: bool, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                set_active(&self.write, "UPDATE rules SET active = $1, updated_at = $2 WHERE id = $3", id.0, active, at, audit).await
            }

            async fn rules(&self) -> Result<Vec<Rule>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, definition, active, created_by, created_at, updated_at FROM rules ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let def: String = row.try_get("definition")?;
                        let spec: RuleSpec = serde_json::from_str(&def).map_err(|_| corrupt("rule"))?;
                        Ok(Rule {
                            id: RuleId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            spec,
                            active: row.try_get("active")?,
                            created_by: UserId(row.try_get("created_by")?),
                            created_at: from_ms(row.try_get("created_at")?)?,
                            updated_at: from_ms(row.try_get("updated_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_webhook(&self, w: &Webhook, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO webhooks (id, owner_agency_id, url, secret, active, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(w.id.0)
                .bind(w.owner_agency_id.0)
                .bind(&w.url)
                .bind(&w.secret)
                .bind(w.active)
                .bind(ms(w.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn webhooks(&self) -> Result<Vec<Webhook>> {
                let rows = sqlx::query("SELECT id, owner_agency_id, url, secret, active, created_at FROM webhooks ORDER BY created_at, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Webhook {
                            id: WebhookId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            url: row.try_get("url")?,
                            secret: row.try_get("secret")?,
                            active: row.try_get("active")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    setup_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    setup_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
