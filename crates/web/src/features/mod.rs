//! Sinergi's domains, each in its own folder: its API handlers (`api.rs`) and the
//! requests and answers they exchange.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod notifications;
pub(crate) mod reports;
pub(crate) mod sharing;
pub(crate) mod warning;

use crate::api_common::ApiRoute;

/// Every domain's API routes, relative to `/api/v1`.
pub(crate) fn api_routes() -> Vec<ApiRoute> {
    [
        accounts::api_routes(),
        reports::api_routes(),
        sharing::api_routes(),
        audit::api_routes(),
        notifications::api_routes(),
        warning::api_routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
