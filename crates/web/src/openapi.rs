//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`. It is generated:
//! every domain's route table (`features/<domain>/api.rs`) carries its operations, made by
//! `#[utoipa::path]` on the handlers, and the request and answer types derive their schemas.
//! This file adds what is common: the security schemes, the problem responses and the
//! shared schemas.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::path::{OperationBuilder, PathItem, Paths};
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, HttpMethod, OpenApi, Ref, RefOr, Response};
use utoipa::{Modify, ToSchema};

/// An RFC 9457 problem: every error answer of the API.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable identifier of the kind of problem, e.g. `validation_failed`.
    pub code: String,
    pub request_id: String,
    /// The fields at fault, for 400 and 422 answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

/// One field at fault and what is wrong with it.
#[derive(Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

/// Problem answers, each a reusable response under `components/responses`.
macro_rules! problem_responses {
    ($($name:ident => $desc:literal),* $(,)?) => {
        $(
            #[doc = $desc]
            pub struct $name;
            impl<'s> utoipa::ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<Response>) {
                    (stringify!($name), problem_response($desc).into())
                }
            }
        )*
        fn problem_components() -> Vec<(String, RefOr<Response>)> {
            vec![$((stringify!($name).to_string(), problem_response($desc).into())),*]
        }
    };
}

fn problem_response(desc: &str) -> Response {
    ResponseBuilder::new()
        .description(desc)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

problem_responses! {
    P400 => "Malformed request",
    P401 => "Not signed in",
    P403 => "Not allowed",
    P404 => "Not found, or not visible to the caller",
    P409 => "Conflict",
    P412 => "The If-Match version is stale",
    P413 => "Body too large",
    P415 => "Unsupported file type",
    P422 => "Invalid fields",
    P428 => "If-Match missing",
    P429 => "Too many failed sign-ins",
    P503 => "Passing condition; nothing was stored, send the request again (Retry-After)",
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Sinergi API",
        description = "Inter-agency coordination and data exchange. Errors are RFC 9457 problem details."
    ),
    servers((url = "/")),
    security(("bearer" = []), ("session" = [])),
    components(schemas(Problem, ProblemField)),
    modifiers(&Common)
)]
struct Base;

struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sinergi_session"))),
        );
        c.responses.extend(problem_components());
    }
}

/// An operation outside `/api/v1` that needs no credentials.
fn open_operation(summary: &str, responses: &[(&str, &str)]) -> PathItem {
    let mut r = ResponsesBuilder::new();
    for (status, desc) in responses {
        r = r.response(*status, ResponseBuilder::new().description(*desc).build());
    }
    let op = OperationBuilder::new()
        .summary(Some(summary))
        .tag("system")
        .security(utoipa::openapi::security::SecurityRequirement::default())
        .responses(r.build())
        .build();
    PathItem::new(HttpMethod::Get, op)
}

/// The whole document, from the route tables.
pub fn spec() -> OpenApi {
    use utoipa::OpenApi as _;
    let mut doc = Base::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut paths = Paths::new();
    paths.paths.insert(
        "/healthz".into(),
        open_operation(
            "Health",
            &[("200", "The database answers"), ("503", "It does not")],
        ),
    );
    paths.paths.insert(
        "/api/openapi.json".into(),
        open_operation("This document", &[("200", "OpenAPI 3.1")]),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    for route in crate::features::api_routes() {
        for (path, item) in route.doc.paths {
            paths.paths.insert(format!("/api/v1{path}"), item);
        }
        components.schemas.extend(route.schemas);
    }
    doc.paths = paths;
    doc
}

/// The served text, made once.
fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| spec().to_json().unwrap_or_default())
}

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], text())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use serde_json::Value;

    /// A fix is read from the bytes by the observation parser (for ingest speed), not
    /// through a request struct: its documented fields are exactly the ones it accepts.
    #[test]
    fn the_documented_fix_is_the_one_the_parser_reads() {
        let doc: Value = serde_json::from_str(super::text()).expect("the document");
        let props = doc["components"]["schemas"]["FixRequest"]["properties"]
            .as_object()
            .expect("FixRequest has properties");
        let mut documented: Vec<&str> = props.keys().map(String::as_str).collect();
        documented.sort_unstable();
        let mut read = sinergi_core::observation::FIX_FIELDS.to_vec();
        read.sort_unstable();
        assert_eq!(documented, read);
    }

    /// Every object schema says what it holds (properties, or typed additional properties),
    /// every array its items, and every `limit` is an integer.
    #[test]
    fn schemas_say_what_they_hold() {
        fn walk(v: &Value, at: &str, bare: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    let object = o.get("type").is_some_and(|t| {
                        t == "object" || t.as_array().is_some_and(|a| a.contains(&"object".into()))
                    });
                    let says = [
                        "properties",
                        "additionalProperties",
                        "allOf",
                        "oneOf",
                        "anyOf",
                    ]
                    .iter()
                    .any(|k| o.contains_key(*k));
                    if object && !says {
                        bare.push(at.to_string());
                    }
                    let array = o.get("type").is_some_and(|t| {
                        t == "array" || t.as_array().is_some_and(|a| a.contains(&"array".into()))
                    });
                    if array && !o.contains_key("items") {
                        bare.push(at.to_string());
                    }
                    if o.get("additionalProperties") == Some(&Value::Bool(true)) {
                        bare.push(at.to_string());
                    }
                    for (k, x) in o {
                        walk(x, &format!("{at}/{k}"), bare);
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, &format!("{at}/{i}"), bare);
                    }
                }
                _ => {}
            }
        }
        let doc: Value = serde_json::from_str(super::text()).expect("document");
        let mut bare = Vec::new();
        walk(&doc, "", &mut bare);
        assert!(
            bare.is_empty(),
            "schemas that do not say what they hold: {bare:#?}"
        );
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                for p in op["parameters"].as_array().into_iter().flatten() {
                    if p["name"] == "limit" {
                        assert_eq!(p["schema"]["type"], "integer", "{method} {path}");
                    }
                }
            }
        }
    }

    /// JSON media types whose answers a generated client parses into models.
    fn is_json(media: &str) -> bool {
        media == "application/json" || media.ends_with("+json")
    }

    /// `openapi-python-client` (PyPI) generates a client from the served document: every
    /// operation is generated, nothing is skipped with a warning, and every JSON request and
    /// answer that has a schema becomes a typed model, not `Any`. CI installs the tool and
    /// sets `SINERGI_OPENAPI_CLIENT` to it; then a missing tool fails the test.
    #[test]
    fn a_python_client_is_generated_with_typed_models() {
        let Ok(tool) = std::env::var("SINERGI_OPENAPI_CLIENT") else {
            eprintln!(
                "note: the Python client test did not run: set SINERGI_OPENAPI_CLIENT to an \
                 openapi-python-client executable (pip install openapi-python-client)"
            );
            return;
        };
        assert!(
            Path::new(&tool).is_file(),
            "SINERGI_OPENAPI_CLIENT={tool} is not there (pip install openapi-python-client)"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let doc_path = dir.path().join("openapi.json");
        std::fs::write(&doc_path, super::text()).expect("write document");
        // CSV imports are `text/csv`, which the generator reads as a file upload; its
        // formatting hooks (ruff) are not needed to check the client.
        let config = dir.path().join("config.yaml");
        std::fs::write(
            &config,
            "content_type_overrides:\n  text/csv: application/octet-stream\n  application/gpx+xml: application/octet-stream\n  application/pdf: application/octet-stream\n  application/zip: application/octet-stream\n  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream\npost_hooks: []\n",
        )
        .expect("write config");
        let out_dir = dir.path().join("client");
        let out = Command::new(&tool)
            .arg("generate")
            .arg("--path")
            .arg(&doc_path)
            .arg("--output-path")
            .arg(&out_dir)
            .arg("--meta")
            .arg("none")
            .arg("--config")
            .arg(&config)
            .output()
            .expect("run openapi-python-client");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "the generator failed:\n{log}");
        assert!(
            !log.to_lowercase().contains("warning"),
            "the generator warned:\n{log}"
        );

        let doc: Value = serde_json::from_str(super::text()).expect("document");
        let mut modules = Vec::new();
        collect_py(&out_dir.join("api"), &mut modules);
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            if !path.starts_with("/api/v1") {
                continue;
            }
            for (method, op) in item.as_object().expect("path item") {
                let id = op["operationId"].as_str().expect("operationId");
                let file = format!("{id}.py");
                let module = modules
                    .iter()
                    .find(|(name, _)| *name == file)
                    .map(|(_, text)| text.as_str())
                    .unwrap_or_else(|| panic!("{method} {path}: {file} was not generated"));
                let json_body = op["requestBody"]["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| is_json(k)));
                if json_body {
                    assert!(
                        module.contains("body: ") && !module.contains("body: Any"),
                        "{method} {path}: the request body is not a model"
                    );
                }
                let typed_answer = op["responses"]
                    .as_object()
                    .expect("responses")
                    .iter()
                    .filter(|(status, _)| status.starts_with('2'))
                    .any(|(_, r)| {
                        r["content"].as_object().is_some_and(|c| {
                            c.iter()
                                .any(|(k, m)| is_json(k) && m.get("schema").is_some())
                        })
                    });
                if typed_answer {
                    assert!(
                        module.contains(".from_dict("),
                        "{method} {path}: the answer is not parsed into a model"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 60, "only {checked} operations checked");
    }

    fn collect_py(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir)
            .expect("generated api folder")
            .flatten()
        {
            let p = entry.path();
            if p.is_dir() {
                collect_py(&p, out);
            } else if p.extension().is_some_and(|e| e == "py") {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                out.push((name, std::fs::read_to_string(&p).expect("read module")));
            }
        }
    }
}
