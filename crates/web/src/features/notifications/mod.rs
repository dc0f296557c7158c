pub(crate) mod api;

/// The notifications API routes.
pub(crate) fn api_routes() -> Vec<crate::api_common::ApiRoute> {
    api::routes()
}
