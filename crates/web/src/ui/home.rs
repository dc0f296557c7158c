//! The home page (beranda): the early-warning alerts still open for the user (most
//! severe first, each linking to the alert), then counts of the reports the user may see,
//! by type and status, with links into the filtered list. It must never count or show
//! anything the access policy hides; the counts come from the app's `count_reports` and
//! the alerts from `alerts_for`, which apply it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{context, Value};
use sinergi_core::report::Status;

use super::render::{page_ctx, render};
use super::{status_label, status_options, Page};
use crate::AppState;

/// Alerts shown in short on the home page; the board has them all.
const ACTIVE_ALERTS_SHOWN: usize = 5;

pub(super) async fn home(State(st): State<AppState>, page: Page) -> Response {
    let counts = match st.app.count_reports(&page.authed.actor).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    let (active, active_total) =
        match crate::features::warning::ui::board::active_summary(&st, &page, ACTIVE_ALERTS_SHOWN)
            .await
        {
            Ok(x) => x,
            Err(e) => return page.error(e),
        };
    let lang = page.lang;
    let types = st.app.report_types();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let status_totals: Vec<minijinja::Value> = Status::ALL
        .iter()
        .map(|s| {
            let n: i64 = counts
                .iter()
                .filter(|c| c.status == *s)
                .map(|c| c.count)
                .sum();
            context! { key => s.as_str(), label => status_label(lang, *s), count => n }
        })
        .collect();
    // Types in catalogue order, then any stored type the catalogue no longer lists, so
    // that no counted report disappears from the table.
    let mut keys: Vec<String> = types.iter().map(|t| t.key.clone()).collect();
    for c in &counts {
        if !keys.contains(&c.type_key) {
            keys.push(c.type_key.clone());
        }
    }
    let rows: Vec<minijinja::Value> = keys
        .iter()
        .filter_map(|key| {
            let of_type: Vec<_> = counts.iter().filter(|c| &c.type_key == key).collect();
            let row_total: i64 = of_type.iter().map(|c| c.count).sum();
            if row_total == 0 {
                return None;
            }
            let label = types
                .iter()
                .find(|t| &t.key == key)
                .map(|t| lang.pick(&t.label_id, &t.label_en).to_string())
                .unwrap_or_else(|| key.clone());
            let cells: Vec<minijinja::Value> = Status::ALL
                .iter()
                .map(|s| {
                    let n: i64 = of_type
                        .iter()
                        .filter(|c| c.status == *s)
                        .map(|c| c.count)
                        .sum();
                    context! { status => s.as_str(), count => n }
                })
                .collect();
            Some(context! { key => key, label => label, cells => cells, total => row_total })
        })
        .collect();
    render(
        StatusCode::OK,
        "beranda.html",
        context! {
            total => total,
            status_totals => status_totals,
            statuses => status_options(lang),
            rows => rows,
            active => Value::from_serialize(&active),
            active_total => active_total,
            ..page_ctx(&page, "home")
        },
    )
}
