//! `sinergi campaign`: monitoring campaigns on the command line (ADR 35), acting as one
//! user (`--as USER`) through the same use cases as the API.

use anyhow::anyhow;
use clap::Subcommand;
use serde_json::json;
use sinergi_app::campaigns::{IndexCell, NewCampaign};
use sinergi_app::{App, AppError};
use sinergi_core::campaign::{CampaignId, Period};
use sinergi_core::index::IndexDef;

use crate::coordination_cli::{actor, fields, print_json, table, Out, Who};

#[derive(Subcommand)]
pub enum CampaignCmd {
    /// Set up a campaign: a form assigned to units (a region answered by an agency,
    /// `--unit 15.01=BNNK-KERINCI`, repeated) for the periods from `--from` to `--to`.
    Create {
        /// The form's id.
        #[arg(long)]
        form: String,
        #[arg(long)]
        title: String,
        /// monthly, quarterly or yearly.
        #[arg(long, default_value = "yearly")]
        periodicity: String,
        /// The first period: 2021, 2021-Q1 or 2021-01.
        #[arg(long = "from")]
        first: String,
        /// The last period.
        #[arg(long = "to")]
        last: String,
        /// Days after a period's end until answers are due.
        #[arg(long, default_value_t = 30)]
        due_days: i64,
        /// Days after the due date that answers are still accepted.
        #[arg(long, default_value_t = 30)]
        grace_days: i64,
        /// Days before the due date that units not yet answering are reminded (7).
        #[arg(long)]
        remind_days: Option<i64>,
        /// Days after the due date that a unit still missing is escalated to the agency
        /// above it (14).
        #[arg(long)]
        escalate_days: Option<i64>,
        /// The form's question holding the period.
        #[arg(long, default_value = "periode")]
        period_field: String,
        /// The form's question holding the region's code.
        #[arg(long)]
        region_field: Option<String>,
        /// A unit: REGION=AGENCY, e.g. 15.01=BNNK-KERINCI.
        #[arg(long = "unit", value_name = "REGION=AGENCY", required = true)]
        units: Vec<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// The campaigns the user sees.
    List {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A campaign's table: each unit's answer per period, the rates, who is late.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Define an index over a campaign's answers from a JSON file (`name`, `components`
    /// with `field` and `weight`, `bands` with `from`, `to`, `label`), or the KOTAN index
    /// with `--ikotan` and the five aspects' questions.
    AddIndex {
        id: String,
        /// The definition as JSON.
        #[arg(long, conflicts_with = "ikotan")]
        file: Option<std::path::PathBuf>,
        /// IKOTAN over these questions, in the order community resilience, territory,
        /// institutions, law, family resilience.
        #[arg(long, num_args = 5, value_name = "QUESTION")]
        ikotan: Option<Vec<String>>,
        #[command(flatten)]
        who: Who,
    },
    /// A campaign's indices: each unit's score and band per period, and the means.
    Indices {
        id: String,
        #[command(flatten)]
        who: Who,
    },
}

fn label(c: &sinergi_core::campaign::Campaign, start: chrono::NaiveDate) -> String {
    Period {
        periodicity: c.periodicity,
        start,
    }
    .label()
}

fn rate(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}%")).unwrap_or_else(|| "-".into())
}

pub async fn run(app: &App, cmd: CampaignCmd) -> anyhow::Result<()> {
    match cmd {
        CampaignCmd::Create {
            form,
            title,
            periodicity,
            first,
            last,
            due_days,
            grace_days,
            remind_days,
            escalate_days,
            period_field,
            region_field,
            units,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let mut pairs = Vec::new();
            for u in &units {
                let (r, ag) = u.split_once('=').ok_or_else(|| {
                    anyhow!("--unit {u}: write REGION=AGENCY, e.g. 15.01=BNNK-KERINCI")
                })?;
                pairs.push((r.to_string(), ag.to_string()));
            }
            let c = app
                .create_campaign(
                    &a,
                    &NewCampaign {
                        form,
                        title,
                        periodicity,
                        first_period: first,
                        last_period: last,
                        due_days,
                        grace_days,
                        remind_days,
                        escalate_days,
                        period_field,
                        region_field,
                        units: pairs,
                    },
                )
                .await?;
            if out.json {
                return print_json(
                    &json!({"id": c.id.to_string(), "title": c.title, "units": c.units.len()}),
                );
            }
            println!(
                "Campaign {} ({}, {} – {}, {} units): {}",
                c.title,
                c.periodicity.as_str(),
                label(&c, c.first_period),
                label(&c, c.last_period),
                c.units.len(),
                c.id
            );
            Ok(())
        }
        CampaignCmd::List { who, out } => {
            let a = actor(app, &who).await?;
            let list = app.campaigns(&a).await?;
            if out.json {
                return print_json(&json!({"campaigns": list.iter().map(|c| json!({
                    "id": c.id.to_string(), "title": c.title, "periodicity": c.periodicity.as_str(),
                    "first_period": label(c, c.first_period), "last_period": label(c, c.last_period),
                    "units": c.units.len(),
                })).collect::<Vec<_>>()}));
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        format!("{}–{}", label(c, c.first_period), label(c, c.last_period)),
                        c.units.len().to_string(),
                        c.title.clone(),
                    ]
                })
                .collect();
            table(&["ID", "PERIODS", "UNITS", "TITLE"], &rows);
            Ok(())
        }
        CampaignCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let cid = CampaignId::parse(&id)
                .ok_or_else(|| anyhow!("{id} is not a campaign id (a UUID)"))?;
            let v = app.campaign_view(&a, cid).await.map_err(|e| match e {
                AppError::NotFound => anyhow!("campaign {id}: not found"),
                e => e.into(),
            })?;
            let labels: Vec<String> = v.periods.iter().map(Period::label).collect();
            if out.json {
                return print_json(&json!({
                    "id": v.campaign.id.to_string(), "title": v.campaign.title,
                    "periods": labels,
                    "overall": {"expected": v.overall.expected, "received": v.overall.received,
                                "on_time": v.overall.on_time,
                                "reporting_rate": v.overall.reporting_rate(),
                                "on_time_rate": v.overall.on_time_rate()},
                    "units": v.rows.iter().map(|r| json!({
                        "region": r.unit.region_code, "region_name": r.region_name, "agency": r.agency_code,
                        "cells": r.cells.iter().map(|c| c.state.as_str()).collect::<Vec<_>>(),
                        "reporting_rate": r.rates.reporting_rate(), "on_time_rate": r.rates.on_time_rate(),
                    })).collect::<Vec<_>>(),
                }));
            }
            fields(&[
                ("Campaign", v.campaign.title.clone()),
                ("Form", v.form.title.clone()),
                ("Reporting rate", rate(v.overall.reporting_rate())),
                ("On time", rate(v.overall.on_time_rate())),
            ]);
            let mut head: Vec<&str> = vec!["REGION", "AGENCY"];
            head.extend(labels.iter().map(String::as_str));
            head.push("RATE");
            let rows: Vec<Vec<String>> = v
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        format!("{} {}", r.unit.region_code, r.region_name),
                        r.agency_code.clone(),
                    ];
                    row.extend(r.cells.iter().map(|c| c.state.as_str().to_string()));
                    row.push(rate(r.rates.reporting_rate()));
                    row
                })
                .collect();
            table(&head, &rows);
            Ok(())
        }
        CampaignCmd::AddIndex {
            id,
            file,
            ikotan,
            who,
        } => {
            let a = actor(app, &who).await?;
            let cid = CampaignId::parse(&id)
                .ok_or_else(|| anyhow!("{id} is not a campaign id (a UUID)"))?;
            let def: IndexDef = match (file, ikotan) {
                (Some(f), None) => {
                    let text = std::fs::read_to_string(&f)
                        .map_err(|e| anyhow!("cannot read {}: {e}", f.display()))?;
                    serde_json::from_str(&text)
                        .map_err(|e| anyhow!("{}: not an index definition: {e}", f.display()))?
                }
                (None, Some(q)) => {
                    let q: [&str; 5] = [&q[0], &q[1], &q[2], &q[3], &q[4]];
                    sinergi_core::index::ikotan(q)
                }
                _ => {
                    return Err(anyhow!(
                        "give --file DEF.json or --ikotan with five questions"
                    ))
                }
            };
            let i = app.create_campaign_index(&a, cid, def).await?;
            println!("Index {} defined on campaign {id}", i.def.name);
            Ok(())
        }
        CampaignCmd::Indices { id, who } => {
            let a = actor(app, &who).await?;
            let cid = CampaignId::parse(&id)
                .ok_or_else(|| anyhow!("{id} is not a campaign id (a UUID)"))?;
            let v = app.campaign_view(&a, cid).await.map_err(|e| match e {
                AppError::NotFound => anyhow!("campaign {id}: not found"),
                e => e.into(),
            })?;
            let labels: Vec<String> = v.periods.iter().map(Period::label).collect();
            for r in app.campaign_indices(&v).await? {
                println!("{}", r.index.def.name);
                let mut head: Vec<&str> = vec!["REGION"];
                head.extend(labels.iter().map(String::as_str));
                let band = |b: Option<usize>| {
                    b.and_then(|i| r.index.def.bands.get(i))
                        .map(|b| b.label.clone())
                        .unwrap_or_default()
                };
                let mut rows: Vec<Vec<String>> = v
                    .rows
                    .iter()
                    .zip(&r.cells)
                    .map(|(row, cells)| {
                        let mut out = vec![format!("{} {}", row.unit.region_code, row.region_name)];
                        out.extend(cells.iter().map(|c| match c {
                            Some(IndexCell::Scored { score, band: b }) => {
                                format!("{score:.2} {}", band(*b))
                            }
                            Some(IndexCell::NoScore(_)) => "incomplete".into(),
                            None => "-".into(),
                        }));
                        out
                    })
                    .collect();
                let mut mean = vec!["MEAN".to_string()];
                mean.extend(r.means.iter().map(|m| match m {
                    Some((x, _)) => format!("{x:.2} {}", band(r.index.def.band(*x))),
                    None => "-".into(),
                }));
                rows.push(mean);
                table(&head, &rows);
            }
            Ok(())
        }
    }
}
