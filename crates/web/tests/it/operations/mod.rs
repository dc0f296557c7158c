//! Operations: request ids, the access log, metrics and the OpenAPI document.

mod observability;
mod openapi;
