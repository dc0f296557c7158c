pub(crate) mod api;
pub(crate) mod types;

/// The warning API routes.
pub(crate) fn api_routes() -> Vec<crate::api_common::ApiRoute> {
    api::routes()
}
