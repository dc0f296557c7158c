//! Reading and verifying the audit trail. Agency admins read their own agency's entries and
//! those of the agencies below it; system admins read all; nobody else reads any.

use chrono::{DateTime, Utc};
use sinergi_core::access::Actor;
use sinergi_core::audit::{AuditEntry, Broken, Verifier};
use sinergi_core::ValidationErrors;
use sinergi_store::AuditFilter;

use crate::{App, AppError, AppResult};

/// Raw query parameters of the audit viewer.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuditQuery {
    pub actor: Option<String>,
    pub record: Option<String>,
    pub action: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub format: Option<String>,
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainReport {
    pub checked: u64,
    pub head: String,
    pub broken: Option<Broken>,
}

impl App {
    /// Parses the viewer's filters and applies the actor's reach.
    pub fn audit_filter(&self, actor: &Actor, raw: &RawAuditQuery) -> AppResult<AuditFilter> {
        let agencies = if actor.may(sinergi_core::permission::Action::ReadAuditTrailEverywhere) {
            None
        } else if actor.may(sinergi_core::permission::Action::ReadAuditTrail) {
            let mut v = vec![actor.agency_id];
            v.extend(actor.agency_descendants.iter().copied());
            Some(v)
        } else {
            return Err(AppError::Forbidden(
                "only administrators read the audit trail".into(),
            ));
        };
        let mut errs = ValidationErrors::new();
        let time = |field: &str,
                    v: &Option<String>,
                    errs: &mut ValidationErrors|
         -> Option<DateTime<Utc>> {
            let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            match DateTime::parse_from_rfc3339(v) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    errs.push(
                        field,
                        sinergi_core::msg!("audit-time-invalid", "must be an RFC 3339 date-time"),
                    );
                    None
                }
            }
        };
        let since = time("since", &raw.since, &mut errs);
        let until = time("until", &raw.until, &mut errs);
        if let (Some(a), Some(b)) = (since, until) {
            if b < a {
                errs.push(
                    "until",
                    sinergi_core::msg!("audit-until-before-since", "ends before since"),
                );
            }
        }
        let action = raw
            .action
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(a) = action {
            if sinergi_core::audit::Action::parse(a).is_none() {
                errs.push(
                    "action",
                    sinergi_core::msg!(
                        "audit-action-unknown",
                        "unknown action {action}",
                        action = format!("{a:?}")
                    ),
                );
            }
        }
        let limit = match raw
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => 100,
            Some(l) => match l.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    errs.push(
                        "limit",
                        sinergi_core::msg!(
                            "limit-invalid",
                            "must be a whole number from 1 to {max}",
                            max = 1000
                        ),
                    );
                    100
                }
            },
        };
        let cursor = match raw
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(c) => match c.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(
                        "cursor",
                        sinergi_core::msg!("cursor-invalid", "is not a cursor this server issued"),
                    );
                    None
                }
            },
        };
        let nonempty = |o: &Option<String>| {
            o.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        errs.into_result(AuditFilter {
            agencies,
            actor: nonempty(&raw.actor),
            record_id: nonempty(&raw.record),
            action: action.map(String::from),
            since,
            until,
            ascending: false,
            cursor,
            limit,
        })
        .map_err(AppError::from)
    }

    pub async fn audit_entries(&self, filter: &AuditFilter) -> AppResult<Vec<AuditEntry>> {
        Ok(self.store.audit_entries(filter).await?)
    }

    /// Walks the whole chain, oldest first, a page at a time.
    pub async fn verify_audit_chain(&self) -> AppResult<ChainReport> {
        let mut v = Verifier::default();
        let mut cursor = None;
        loop {
            let page = self
                .store
                .audit_entries(&AuditFilter {
                    ascending: true,
                    cursor,
                    limit: 1000,
                    ..Default::default()
                })
                .await?;
            for e in &page {
                if let Err(b) = v.check(e) {
                    return Ok(ChainReport {
                        checked: v.checked,
                        head: v.head().to_string(),
                        broken: Some(b),
                    });
                }
            }
            match page.last() {
                Some(e) if page.len() == 1000 => cursor = Some(e.seq),
                _ => {
                    return Ok(ChainReport {
                        checked: v.checked,
                        head: v.head().to_string(),
                        broken: None,
                    })
                }
            }
        }
    }
}
