//! `sinergi area`: area profiles at the command line (ADR 25) — the profiles a user sees
//! (`--as USER`) or, without a user, every profile (the operator holds the database), and
//! one profile with its roadmap stage, needs assessment, posts and history.

use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use sinergi_app::areas::{AreaFilter, AreaView};
use sinergi_app::App;
use sinergi_core::access::Actor;
use sinergi_core::area::Aspect;

#[derive(Subcommand)]
pub enum AreaCmd {
    /// List area profiles by code, with their condition and roadmap stage.
    List {
        /// Only the profiles this user sees (default: every profile).
        #[arg(long = "as")]
        as_user: Option<String>,
        /// Only codes starting with this prefix, e.g. 31.73.
        #[arg(long)]
        region: Option<String>,
    },
    /// Show one profile: needs assessment, roadmap stage, posts and history.
    Show {
        /// The village's Kemendagri code, e.g. 31.73.07.1006.
        code: String,
        /// Show the profile as this user sees it (default: as the operator).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

async fn actor(app: &App, name: Option<String>) -> anyhow::Result<Option<Actor>> {
    let Some(name) = name else { return Ok(None) };
    let (u, _) = app
        .store
        .user_credentials(&name)
        .await?
        .with_context(|| format!("--as: there is no user {name}"))?;
    Ok(Some(app.actor_for(&u).await?))
}

fn stage_line(v: &AreaView) -> String {
    let (Some(stage), Some(r)) = (v.profile.stage_id, v.roadmap.as_ref()) else {
        return if v.profile.roadmap_id.is_some() && v.roadmap.is_none() {
            "(roadmap not visible)".into()
        } else {
            "-".into()
        };
    };
    match (
        r.stage_number(stage),
        r.stages.iter().find(|s| s.id == stage),
    ) {
        (Some(n), Some(s)) => format!("stage {n}/{}: {}", r.stages.len(), s.title),
        _ => "-".into(),
    }
}

pub async fn run(app: Arc<App>, cmd: AreaCmd) -> anyhow::Result<()> {
    match cmd {
        AreaCmd::List { as_user, region } => {
            let actor = actor(&app, as_user).await?;
            if let Some(r) = &region {
                if !r.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    anyhow::bail!(
                        "--region: {r} is not the start of a Kemendagri code (e.g. 31.73)"
                    );
                }
            }
            let areas = match &actor {
                Some(a) => {
                    let filter = AreaFilter {
                        region,
                        stage: None,
                    };
                    app.areas(a, &filter).await?
                }
                None => app.operator_areas(region.as_deref().unwrap_or("")).await?,
            };
            if areas.is_empty() {
                println!("No area profiles.");
            }
            for v in &areas {
                println!(
                    "{}\t{}\t{}\t{}",
                    v.profile.code,
                    v.name,
                    v.profile.condition.as_str(),
                    stage_line(v)
                );
            }
            Ok(())
        }
        AreaCmd::Show { code, as_user } => {
            let actor = actor(&app, as_user).await?;
            let (v, posts, history) = match app.area_overview(actor.as_ref(), &code).await {
                Ok(x) => x,
                Err(sinergi_app::AppError::NotFound) => {
                    anyhow::bail!("there is no area profile {code} (or the user cannot see it)")
                }
                Err(e) => return Err(e.into()),
            };
            let agencies = app.agencies().await?;
            let agency = |id| {
                agencies
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| a.code.to_string())
                    .unwrap_or_default()
            };
            let p = &v.profile;
            println!("{} {}", p.code, v.name);
            println!("Owner:     {}", agency(p.owner_agency_id));
            println!("Condition: {}", p.condition.as_str());
            println!("Version:   {}", p.version);
            if let Some(s) = &p.summary {
                println!("Summary:   {}", s.replace('\n', "\n           "));
            }
            println!("Stage:     {}", stage_line(&v));
            if let Some(r) = &v.roadmap {
                println!("Roadmap:   {}", r.plan.title);
                for (i, s) in r.stages.iter().enumerate() {
                    let mark = if Some(s.id) == p.stage_id { ">" } else { " " };
                    println!("  {mark} {}. {}", i + 1, s.title);
                }
            }
            println!("Needs assessment:");
            for a in Aspect::ALL {
                match p.needs.get(a) {
                    Some(x) => println!(
                        "  {}: {} {}",
                        a.as_str(),
                        x.rating.map(|r| r.as_str()).unwrap_or("-"),
                        x.note.as_deref().unwrap_or("")
                    ),
                    None => println!("  {}: -", a.as_str()),
                }
            }
            println!("Posts:");
            if posts.is_empty() {
                println!("  none");
            }
            for s in &posts {
                println!(
                    "  {} ({}, every {} days) last report: {}; next due {}{}",
                    s.post.name,
                    agency(s.post.responsible_agency_id),
                    s.post.cadence_days,
                    s.last
                        .as_ref()
                        .map(|r| format!("{} {}", r.reported_on, r.summary))
                        .unwrap_or_else(|| "none".into()),
                    s.due,
                    if s.overdue { " OVERDUE" } else { "" }
                );
            }
            println!("History:");
            for h in &history {
                let stage = match (&v.roadmap, h.profile.stage_id) {
                    (Some(r), Some(s)) => r
                        .stage_number(s)
                        .map(|n| format!("stage {n}"))
                        .unwrap_or_else(|| "-".into()),
                    _ => "-".into(),
                };
                println!(
                    "  v{} {} {} {}{}",
                    h.profile.version,
                    h.changed_at.format("%Y-%m-%d %H:%M UTC"),
                    h.profile.condition.as_str(),
                    stage,
                    h.profile
                        .stage_since
                        .map(|d| format!(" since {d}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::AreaCmd;

    #[derive(Parser)]
    struct Line {
        #[command(subcommand)]
        cmd: AreaCmd,
    }

    #[test]
    fn show_takes_a_code_and_list_a_user_and_a_region() {
        let l = Line::try_parse_from(["area", "show", "31.73.07.1006", "--as", "lurah.kbs"])
            .expect("show");
        assert!(matches!(
            l.cmd,
            AreaCmd::Show { ref code, ref as_user }
                if code == "31.73.07.1006" && as_user.as_deref() == Some("lurah.kbs")
        ));
        let l = Line::try_parse_from(["area", "list", "--region", "31.73"]).expect("list");
        assert!(matches!(
            l.cmd,
            AreaCmd::List { ref region, as_user: None } if region.as_deref() == Some("31.73")
        ));
        assert!(
            Line::try_parse_from(["area", "show"]).is_err(),
            "a code is required"
        );
    }
}
