//! Plans in the store (ADR 23): a plan is one row of `plans`, each node of its tree one
//! row of `plan_nodes` with its plan and parent. Which plans a caller sees is decided by
//! the caller through the plan's group (`Group::visible_to`); the store only lists a
//! group's plans and a plan's nodes.
//!
//! A move (a node given another parent) first bumps the plan's `tree_version`, which
//! serialises the moves of one plan (a row lock on PostgreSQL, the one writer on
//! SQLite), then walks the new parent's ancestors inside the transaction: a move that
//! would put a node under itself or its own descendant is refused even when another move
//! committed since the caller read the tree.

use async_trait::async_trait;
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, GroupId, PlanId, PlanNodeId, UserId};
use sinergi_core::plan::{
    Activity, Evidence, NodeKind, NodeStatus, Plan, PlanKind, PlanNode, Target,
};
use sqlx::Row;

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, UpdateOutcome};

/// What became of a change to a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeUpdate {
    Updated,
    /// The stored version differs from the expected one; nothing was written.
    VersionMismatch(i64),
    NotFound,
    /// The new parent is the node itself or one of its descendants (as the tree stands
    /// in the transaction); nothing was written.
    Cycle,
}

/// Plans and their nodes.
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Inserts a plan with the audit entry; false, with nothing written, when a plan with
    /// this id exists.
    async fn insert_plan(&self, p: &Plan, audit: &NewAudit) -> Result<bool>;
    /// Replaces a plan if its stored version is `expected_version`.
    async fn update_plan(
        &self,
        p: &Plan,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn plan(&self, id: PlanId) -> Result<Option<Plan>>;
    /// A group's plans, the earliest period first.
    async fn plans_of_group(&self, group: GroupId) -> Result<Vec<Plan>>;

    /// Inserts a node with the audit entry; false, with nothing written, when a node with
    /// this id exists.
    async fn insert_plan_node(&self, n: &PlanNode, audit: &NewAudit) -> Result<bool>;
    /// Replaces a node if its stored version is `expected_version`; `moved` when its
    /// parent changes, which is checked against cycles in the transaction.
    async fn update_plan_node(
        &self,
        n: &PlanNode,
        expected_version: i64,
        moved: bool,
        audit: &NewAudit,
    ) -> Result<NodeUpdate>;
    async fn plan_node(&self, id: PlanNodeId) -> Result<Option<PlanNode>>;
    /// A plan's nodes, by position then id (the caller builds the tree).
    async fn plan_nodes(&self, plan: PlanId) -> Result<Vec<PlanNode>>;
}

fn date_of(v: i64) -> Result<chrono::NaiveDate> {
    Ok(from_ms(v)?.date_naive())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|_| corrupt("plan node list"))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|_| corrupt(what))
}

const PLAN_COLUMNS: &str = "id, group_id, kind, title, description, period_from, period_until, \
    version, created_by, created_at, updated_at";
const NODE_COLUMNS: &str = "id, plan_id, parent_id, position, kind, title, description, \
    responsible_agency_id, supporting, starts_on, ends_on, budget, funding_source, indicator, \
    unit, target, achieved, status, activity, evidence, version, created_by, created_at, updated_at";

macro_rules! plans_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;

        fn plan_from_row(row: &$Row) -> Result<Plan> {
            let kind: String = row.try_get("kind")?;
            Ok(Plan {
                id: PlanId(row.try_get("id")?),
                group_id: GroupId(row.try_get("group_id")?),
                kind: PlanKind::parse(&kind).ok_or_else(|| corrupt("plan kind"))?,
                title: row.try_get("title")?,
                description: row.try_get("description")?,
                period_from: date_of(row.try_get("period_from")?)?,
                period_until: date_of(row.try_get("period_until")?)?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn node_from_row(row: &$Row) -> Result<PlanNode> {
            let kind: String = row.try_get("kind")?;
            let status: String = row.try_get("status")?;
            let parent: Option<uuid::Uuid> = row.try_get("parent_id")?;
            let supporting: String = row.try_get("supporting")?;
            let activity: Option<String> = row.try_get("activity")?;
            let evidence: String = row.try_get("evidence")?;
            let starts: Option<i64> = row.try_get("starts_on")?;
            let ends: Option<i64> = row.try_get("ends_on")?;
            let indicator: Option<String> = row.try_get("indicator")?;
            let target: Option<f64> = row.try_get("target")?;
            let supporting: Vec<uuid::Uuid> = from_json(&supporting, "plan node supporting agencies")?;
            Ok(PlanNode {
                id: PlanNodeId(row.try_get("id")?),
                plan_id: PlanId(row.try_get("plan_id")?),
                parent_id: parent.map(PlanNodeId),
                position: row.try_get("position")?,
                kind: NodeKind::parse(&kind).ok_or_else(|| corrupt("plan node kind"))?,
                title: row.try_get("title")?,
                description: row.try_get("description")?,
                responsible_agency_id: AgencyId(row.try_get("responsible_agency_id")?),
                supporting: supporting.into_iter().map(AgencyId).collect(),
                starts_on: starts.map(date_of).transpose()?,
                ends_on: ends.map(date_of).transpose()?,
                budget: row.try_get("budget")?,
                funding_source: row.try_get("funding_source")?,
                target: match (indicator, target) {
                    (Some(indicator), Some(value)) => Some(Target {
                        indicator,
                        unit: row.try_get("unit")?,
                        value,
                    }),
                    _ => None,
                },
                achieved: row.try_get("achieved")?,
                status: NodeStatus::parse(&status).ok_or_else(|| corrupt("plan node status"))?,
                activity: activity
                    .map(|a| from_json::<Activity>(&a, "plan node activity"))
                    .transpose()?,
                evidence: from_json::<Vec<Evidence>>(&evidence, "plan node evidence")?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        #[async_trait]
        impl PlanStore for $Store {
            async fn insert_plan(&self, p: &Plan, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO plans (id, group_id, kind, title, description, period_from, period_until, \
                     tree_version, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING",
                )
                .bind(p.id.0)
                .bind(p.group_id.0)
                .bind(p.kind.as_str())
                .bind(&p.title)
                .bind(&p.description)
                .bind(date_ms(p.period_from))
                .bind(date_ms(p.period_until))
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
                tx.commit().await?;
                Ok(true)
            }

            async fn update_plan(&self, p: &Plan, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE plans SET kind = $1, title = $2, description = $3, period_from = $4, period_until = $5, \
                     version = $6, updated_at = $7 WHERE id = $8 AND version = $9",
                )
                .bind(p.kind.as_str())
                .bind(&p.title)
                .bind(&p.description)
                .bind(date_ms(p.period_from))
                .bind(date_ms(p.period_until))
                .bind(p.version)
                .bind(ms(p.updated_at))
                .bind(p.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "plans", p.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn plan(&self, id: PlanId) -> Result<Option<Plan>> {
                let row = sqlx::query(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(plan_from_row).transpose()
            }

            async fn plans_of_group(&self, group: GroupId) -> Result<Vec<Plan>> {
                sqlx::query(&format!(
                    "SELECT {PLAN_COLUMNS} FROM plans WHERE group_id = $1 ORDER BY period_from, title, id"
                ))
                .bind(group.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(plan_from_row)
                .collect()
            }

            async fn insert_plan_node(&self, n: &PlanNode, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO plan_nodes (id, plan_id, parent_id, position, kind, title, description, \
                     responsible_agency_id, supporting, starts_on, ends_on, budget, funding_source, indicator, \
                     unit, target, achieved, status, activity_kind, activity, evidence, version, created_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                     $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) ON CONFLICT (id) DO NOTHING",
                )
                .bind(n.id.0)
                .bind(n.plan_id.0)
                .bind(n.parent_id.map(|p| p.0))
                .bind(n.position)
                .bind(n.kind.as_str())
                .bind(&n.title)
                .bind(&n.description)
                .bind(n.responsible_agency_id.0)
                .bind(to_json(&n.supporting.iter().map(|a| a.0).collect::<Vec<_>>())?)
                .bind(n.starts_on.map(date_ms))
                .bind(n.ends_on.map(date_ms))
                .bind(n.budget)
                .bind(&n.funding_source)
                .bind(n.target.as_ref().map(|t| t.indicator.clone()))
                .bind(n.target.as_ref().and_then(|t| t.unit.clone()))
                .bind(n.target.as_ref().map(|t| t.value))
                .bind(n.achieved)
                .bind(n.status.as_str())
                .bind(n.activity.as_ref().map(|a| a.kind.as_str()))
                .bind(n.activity.as_ref().map(to_json).transpose()?)
                .bind(to_json(&n.evidence)?)
                .bind(n.version)
                .bind(n.created_by.0)
                .bind(ms(n.created_at))
                .bind(ms(n.updated_at))
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

            async fn update_plan_node(
                &self,
                n: &PlanNode,
                expected_version: i64,
                moved: bool,
                audit: &NewAudit,
            ) -> Result<NodeUpdate> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if moved {
                    sqlx::query("UPDATE plans SET tree_version = tree_version + 1 WHERE id = $1")
                        .bind(n.plan_id.0)
                        .execute(&mut *tx)
                        .await?;
                    let mut cur = n.parent_id;
                    let mut steps = 0;
                    while let Some(c) = cur {
                        if c == n.id || steps > 100_000 {
                            tx.rollback().await?;
                            return Ok(NodeUpdate::Cycle);
                        }
                        steps += 1;
                        let parent: Option<Option<uuid::Uuid>> =
                            sqlx::query_scalar("SELECT parent_id FROM plan_nodes WHERE id = $1 AND plan_id = $2")
                                .bind(c.0)
                                .bind(n.plan_id.0)
                                .fetch_optional(&mut *tx)
                                .await?;
                        cur = parent.flatten().map(PlanNodeId);
                    }
                }
                let res = sqlx::query(
                    "UPDATE plan_nodes SET parent_id = $1, position = $2, kind = $3, title = $4, description = $5, \
                     responsible_agency_id = $6, supporting = $7, starts_on = $8, ends_on = $9, budget = $10, \
                     funding_source = $11, indicator = $12, unit = $13, target = $14, achieved = $15, status = $16, \
                     activity_kind = $17, activity = $18, evidence = $19, version = $20, updated_at = $21 \
                     WHERE id = $22 AND version = $23",
                )
                .bind(n.parent_id.map(|p| p.0))
                .bind(n.position)
                .bind(n.kind.as_str())
                .bind(&n.title)
                .bind(&n.description)
                .bind(n.responsible_agency_id.0)
                .bind(to_json(&n.supporting.iter().map(|a| a.0).collect::<Vec<_>>())?)
                .bind(n.starts_on.map(date_ms))
                .bind(n.ends_on.map(date_ms))
                .bind(n.budget)
                .bind(&n.funding_source)
                .bind(n.target.as_ref().map(|t| t.indicator.clone()))
                .bind(n.target.as_ref().and_then(|t| t.unit.clone()))
                .bind(n.target.as_ref().map(|t| t.value))
                .bind(n.achieved)
                .bind(n.status.as_str())
                .bind(n.activity.as_ref().map(|a| a.kind.as_str()))
                .bind(n.activity.as_ref().map(to_json).transpose()?)
                .bind(to_json(&n.evidence)?)
                .bind(n.version)
                .bind(ms(n.updated_at))
                .bind(n.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "plan_nodes", n.id.0).await?;
                    tx.rollback().await?;
                    return Ok(match outcome {
                        UpdateOutcome::VersionMismatch(v) => NodeUpdate::VersionMismatch(v),
                        _ => NodeUpdate::NotFound,
                    });
                }
                tx.commit().await?;
                Ok(NodeUpdate::Updated)
            }

            async fn plan_node(&self, id: PlanNodeId) -> Result<Option<PlanNode>> {
                let row = sqlx::query(&format!("SELECT {NODE_COLUMNS} FROM plan_nodes WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(node_from_row).transpose()
            }

            async fn plan_nodes(&self, plan: PlanId) -> Result<Vec<PlanNode>> {
                sqlx::query(&format!(
                    "SELECT {NODE_COLUMNS} FROM plan_nodes WHERE plan_id = $1 ORDER BY position, id"
                ))
                .bind(plan.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(node_from_row)
                .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    plans_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    plans_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
