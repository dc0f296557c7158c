//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`. It is written
//! by hand beside the routes; a test checks that every route is described.

use axum::Json;
use serde_json::{json, Value};

fn problem_responses(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        m.insert(
            (*c).to_string(),
            json!({"$ref": format!("#/components/responses/P{c}")}),
        );
    }
    Value::Object(m)
}

fn op(summary: &str, tag: &str, ok: (&str, Value), errors: &[&str]) -> Value {
    let mut responses = problem_responses(errors);
    responses[ok.0] = ok.1;
    json!({"summary": summary, "tags": [tag], "responses": responses})
}

fn json_ok(desc: &str, schema: Value) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": schema}}})
}

fn geo_ok(desc: &str, schema: &str) -> Value {
    json!({"description": desc, "content": {"application/geo+json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn param(name: &str, inn: &str, desc: &str) -> Value {
    json!({"name": name, "in": inn, "required": inn == "path", "description": desc, "schema": {"type": "string"}})
}

pub fn spec() -> Value {
    let obj = json!({"type": "object"});
    let id = param("id", "path", "The record's UUID");
    let list_params = json!([
        param("bbox", "query", "minLon,minLat,maxLon,maxLat (WGS84)"),
        param(
            "datetime",
            "query",
            "An RFC 3339 instant or interval start/end; `..` for an open end"
        ),
        param("type", "query", "Report type key"),
        param(
            "region",
            "query",
            "Kemendagri code; matches the region and everything inside it"
        ),
        param("agency", "query", "Owner agency code"),
        param("status", "query", "new, verified, in_progress or closed"),
        param("q", "query", "Words in title or description"),
        param("limit", "query", "1–1000, default 50"),
        param("cursor", "query", "From a previous page's `next` link"),
    ]);
    let mut create_report = op(
        "Create a report (idempotent on a client-chosen id)",
        "reports",
        ("201", geo_ok("The stored report", "ReportFeature")),
        &["401", "403", "409", "413", "422"],
    );
    create_report["responses"]["200"] = geo_ok(
        "The same id and content were sent before; the stored report",
        "ReportFeature",
    );
    create_report["requestBody"] = json!({"required": true, "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/NewReport"}}, "application/json": {"schema": {"$ref": "#/components/schemas/NewReport"}}}});
    let mut patch_report = op(
        "Change a report",
        "reports",
        ("200", geo_ok("The changed report", "ReportFeature")),
        &["401", "403", "404", "412", "422", "428"],
    );
    patch_report["parameters"] = json!([id, {"name": "If-Match", "in": "header", "required": true, "schema": {"type": "string"}, "description": "The ETag from GET"}]);
    patch_report["requestBody"] =
        json!({"required": true, "content": {"application/json": {"schema": obj}}});
    let mut get_report = op(
        "A report",
        "reports",
        ("200", geo_ok("The report, with an ETag", "ReportFeature")),
        &["401", "404"],
    );
    get_report["parameters"] = json!([id]);
    let mut list = op(
        "List reports (OGC API – Features parameters)",
        "reports",
        ("200", geo_ok("A page", "ReportCollection")),
        &["401", "422"],
    );
    list["parameters"] = list_params.clone();
    let mut export = op(
        "Export every matching report",
        "reports",
        (
            "200",
            json!({"description": "GeoJSON or CSV, streamed", "content": {"application/geo+json": {}, "text/csv": {}}}),
        ),
        &["401", "422"],
    );
    let mut export_params = vec![param("format", "query", "geojson (default) or csv")];
    export_params.extend(
        list_params
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .take(7),
    );
    export["parameters"] = json!(export_params);
    let mut history = op(
        "A report's history",
        "reports",
        ("200", json_ok("Events, oldest first", obj.clone())),
        &["401", "404"],
    );
    history["parameters"] = json!([id]);
    let mut atts = op(
        "A report's attachments",
        "reports",
        ("200", json_ok("Attachments", obj.clone())),
        &["401", "404"],
    );
    atts["parameters"] = json!([id]);
    let mut upload = op(
        "Attach a photo or document (JPEG, PNG, WebP, GIF, PDF)",
        "reports",
        ("201", json_ok("The attachment", obj.clone())),
        &["401", "403", "404", "413", "415", "422"],
    );
    upload["parameters"] = json!([id]);
    upload["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}});
    let mut download = op(
        "An attachment's bytes",
        "reports",
        ("200", json!({"description": "The file"})),
        &["401", "404"],
    );
    download["parameters"] = json!([id]);
    let mut token = op(
        "Sign in and get an API token",
        "auth",
        (
            "200",
            json_ok(
                "A bearer token",
                json!({"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}),
            ),
        ),
        &["401", "422", "429"],
    );
    token["security"] = json!([]);
    token["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "scope": {"type": "string", "enum": ["read_write", "read"]}, "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 30}}}}}});
    let mut create_agency = op(
        "Add an agency",
        "agencies",
        ("201", json_ok("The agency", obj.clone())),
        &["401", "403", "409", "422"],
    );
    create_agency["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["code", "name", "kind"], "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string", "enum": ["police", "park_authority", "narcotics_agency", "local_government", "military", "prosecutor", "court", "immigration", "village", "ngo", "other"]}, "parent": {"type": "string"}, "jurisdiction": {"type": "array", "items": {"type": "string"}}}}}}});
    let mut create_user = op(
        "Add a user",
        "users",
        ("201", json_ok("The user", obj.clone())),
        &["401", "403", "409", "422"],
    );
    create_user["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "agency", "role", "password"], "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}, "agency": {"type": "string"}, "role": {"type": "string", "enum": ["field_officer", "coordinator", "analyst", "agency_admin", "system_admin"]}, "password": {"type": "string", "minLength": 10}}}}}});
    let mut regions = op(
        "Search regions by name, or find the regions containing a point",
        "regions",
        (
            "200",
            json_ok(
                "Regions, or the chain province → village for a point",
                obj.clone(),
            ),
        ),
        &["401", "404", "422"],
    );
    regions["parameters"] = json!([
        param("q", "query", "Name to search"),
        param("lon", "query", "Longitude"),
        param("lat", "query", "Latitude"),
        param("limit", "query", "At most this many (search)")
    ]);
    let mut region = op(
        "One region by Kemendagri code",
        "regions",
        ("200", json_ok("The region", obj.clone())),
        &["401", "404"],
    );
    region["parameters"] = json!([param("code", "path", "Kemendagri code, e.g. 15.01")]);

    let mut audit = op(
        "The audit trail, newest first (agency admins: their agencies; system admins: all)",
        "audit",
        (
            "200",
            json!({"description": "Entries with their hash chain, or CSV", "content": {"application/json": {"schema": obj}, "text/csv": {}}}),
        ),
        &["401", "403", "422"],
    );
    audit["parameters"] = json!([
        param("actor", "query", "User name"),
        param("record", "query", "Record id"),
        param("action", "query", "e.g. report_read, sign_in_failed"),
        param("since", "query", "RFC 3339"),
        param("until", "query", "RFC 3339"),
        param("limit", "query", "1–1000, default 100"),
        param("cursor", "query", "next_cursor from the previous page"),
        param("format", "query", "json (default) or csv")
    ]);
    let agreement_body = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["title", "number", "parties", "valid_from", "valid_until"], "properties": {
        "title": {"type": "string"}, "number": {"type": "string"}, "legal_basis": {"type": "string"},
        "parties": {"type": "array", "items": {"type": "string"}}, "valid_from": {"type": "string", "format": "date"}, "valid_until": {"type": "string", "format": "date"},
        "clauses": {"type": "array", "items": {"type": "object", "properties": {
            "from": {"type": "string", "description": "agency code, or * for any party"}, "to": {"type": "array", "items": {"type": "string"}},
            "report_types": {"type": "array", "items": {"type": "string"}}, "categories": {"type": "array", "items": {"type": "string"}},
            "max_sensitivity": {"type": "string", "enum": ["public", "internal", "restricted", "secret"]},
            "withheld_fields": {"type": "array", "items": {"type": "string"}},
            "location_precision_m": {"description": "0, 1000, 10000 or \"region\""}, "include_subagencies": {"type": "boolean"}}}}}}}}});
    let mut create_agreement = op(
        "Propose a data-sharing agreement (status proposed)",
        "agreements",
        (
            "201",
            json_ok("The agreement, with what flows where", obj.clone()),
        ),
        &["401", "403", "422"],
    );
    create_agreement["requestBody"] = agreement_body;
    let mut get_agreement = op(
        "An agreement, with what flows where",
        "agreements",
        ("200", json_ok("The agreement", obj.clone())),
        &["401", "404"],
    );
    get_agreement["parameters"] = json!([id]);
    let mut approve = op(
        "Approve for your agency (active once every party has)",
        "agreements",
        ("200", json_ok("The agreement", obj.clone())),
        &["401", "403", "404", "409"],
    );
    approve["parameters"] = json!([id]);
    let mut revoke = op(
        "Revoke: sharing stops at once",
        "agreements",
        ("200", json_ok("The agreement", obj.clone())),
        &["401", "403", "404", "409"],
    );
    revoke["parameters"] = json!([id]);
    let mut referrals = op(
        "A report's referrals",
        "referrals",
        ("200", json_ok("Referrals", obj.clone())),
        &["401", "404"],
    );
    referrals["parameters"] = json!([id]);
    let mut refer = op(
        "Share one report with an agency until a date",
        "referrals",
        ("201", json_ok("The referral", obj.clone())),
        &["401", "403", "404", "422"],
    );
    refer["parameters"] = json!([id]);
    refer["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["to", "reason", "until"], "properties": {"to": {"type": "string"}, "reason": {"type": "string"}, "until": {"type": "string", "format": "date-time"}}}}}});
    let mut unrefer = op(
        "End a referral",
        "referrals",
        ("204", json!({"description": "Ended"})),
        &["401", "403", "404", "409"],
    );
    unrefer["parameters"] = json!([id, param("referral", "path", "The referral's id")]);
    let mut glass = op("Emergency access to one restricted report for a few hours, with a justification; audited under the owner agency", "referrals", ("201", json_ok("The access granted", obj.clone())), &["401", "403", "404", "409", "422"]);
    glass["parameters"] = json!([id]);
    glass["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["justification"], "properties": {"justification": {"type": "string", "minLength": 10}}}}}});
    let mut glass_set = op(
        "Set the roles that may use emergency access (system admins)",
        "settings",
        ("200", json_ok("The setting", obj.clone())),
        &["401", "403", "422"],
    );
    glass_set["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["roles"], "properties": {"roles": {"type": "array", "items": {"type": "string"}}}}}}});
    let problem_resp = |desc: &str| json!({"description": desc, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Sinergi API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Inter-agency coordination and data exchange. Errors are RFC 9457 problem details."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/healthz": {"get": {"summary": "Health", "tags": ["system"], "security": [], "responses": {"200": {"description": "The database answers"}, "503": {"description": "It does not"}}}},
            "/api/openapi.json": {"get": {"summary": "This document", "tags": ["system"], "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/v1/auth/token": {"post": token},
            "/api/v1/auth/logout": {"post": op("Revoke the token or session used", "auth", ("204", json!({"description": "Revoked"})), &["401"])},
            "/api/v1/me": {"get": op("The signed-in user", "auth", ("200", json_ok("User", obj.clone())), &["401"])},
            "/api/v1/users/{username}/sessions/revoke": {"post": {"summary": "End every session and token of a user (`me` for yourself)", "tags": ["auth"], "parameters": [param("username", "path", "User name, or me")], "responses": problem_responses(&["401", "404"])}},
            "/api/v1/report-types": {"get": op("The report-type catalogue", "reports", ("200", json_ok("Types with their attribute fields", obj.clone())), &["401"])},
            "/api/v1/reports": {"get": list, "post": create_report},
            "/api/v1/reports/counts": {"get": op("Counts by type and status of the reports the caller may see", "reports", ("200", json_ok("Counts", obj.clone())), &["401"])},
            "/api/v1/reports/export": {"get": export},
            "/api/v1/reports/{id}": {"get": get_report, "patch": patch_report},
            "/api/v1/reports/{id}/history": {"get": history},
            "/api/v1/reports/{id}/attachments": {"get": atts, "post": upload},
            "/api/v1/attachments/{id}": {"get": download},
            "/api/v1/agencies": {"get": op("All agencies", "agencies", ("200", json_ok("Agencies", obj.clone())), &["401"]), "post": create_agency},
            "/api/v1/users": {"get": op("Users the caller administers", "users", ("200", json_ok("Users", obj.clone())), &["401"]), "post": create_user},
            "/api/v1/regions": {"get": regions},
            "/api/v1/regions/{code}": {"get": region},
            "/api/v1/audit": {"get": audit},
            "/api/v1/agreements": {"get": op("Agreements your agency is party to (all for system admins)", "agreements", ("200", json_ok("Agreements", obj.clone())), &["401"]), "post": create_agreement},
            "/api/v1/agreements/{id}": {"get": get_agreement},
            "/api/v1/agreements/{id}/approve": {"post": approve},
            "/api/v1/agreements/{id}/revoke": {"post": revoke},
            "/api/v1/reports/{id}/referrals": {"get": referrals, "post": refer},
            "/api/v1/reports/{id}/referrals/{referral}": {"delete": unrefer},
            "/api/v1/reports/{id}/break-glass": {"post": glass},
            "/api/v1/settings/break-glass": {"get": op("The roles that may use emergency access", "settings", ("200", json_ok("The setting", obj.clone())), &["401"]), "put": glass_set},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sinergi_session"}
            },
            "responses": {
                "P401": problem_resp("Not signed in"),
                "P403": problem_resp("Not allowed"),
                "P404": problem_resp("Not found, or not visible to the caller"),
                "P409": problem_resp("Conflict"),
                "P412": problem_resp("The If-Match version is stale"),
                "P413": problem_resp("Body too large"),
                "P415": problem_resp("Unsupported file type"),
                "P422": problem_resp("Invalid fields"),
                "P428": problem_resp("If-Match missing"),
                "P429": problem_resp("Too many failed sign-ins"),
            },
            "schemas": {
                "Problem": {"type": "object", "required": ["type", "title", "status", "code", "request_id"], "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "code": {"type": "string"}, "request_id": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {
                    "type": {"type": "string", "enum": ["Point", "LineString", "Polygon"]}, "coordinates": {"type": "array"}}},
                "NewReport": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
                    "type": {"const": "Feature"}, "id": {"type": "string", "format": "uuid"},
                    "geometry": {"$ref": "#/components/schemas/Geometry"},
                    "properties": {"type": "object", "required": ["type", "title", "occurred_at"], "properties": {
                        "type": {"type": "string"}, "title": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
                        "occurred_at": {"type": "string", "format": "date-time"},
                        "sensitivity": {"type": "string", "enum": ["public", "internal", "restricted", "secret"]},
                        "attributes": {"type": "object"}, "region_code": {"type": "string"}}}}},
                "ReportFeature": {"type": "object", "properties": {
                    "type": {"const": "Feature"}, "id": {"type": "string", "format": "uuid"},
                    "geometry": {"$ref": "#/components/schemas/Geometry"},
                    "properties": {"type": "object", "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                        "occurred_at": {"type": "string", "format": "date-time"}, "sensitivity": {"type": "string"},
                        "attributes": {"type": "object"}, "region_code": {"type": ["string", "null"]},
                        "owner_agency": {"type": "string"}, "author": {"type": "string"},
                        "status": {"type": "string", "enum": ["new", "verified", "in_progress", "closed"]},
                        "version": {"type": "integer"}, "created_at": {"type": "string"}, "updated_at": {"type": "string"}}}}},
                "ReportCollection": {"type": "object", "properties": {
                    "type": {"const": "FeatureCollection"}, "numberReturned": {"type": "integer"},
                    "features": {"type": "array", "items": {"$ref": "#/components/schemas/ReportFeature"}},
                    "links": {"type": "array", "items": {"type": "object", "properties": {"rel": {"type": "string"}, "href": {"type": "string"}}}}}}
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
