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
    // Counts and stream positions are integers; everything else arrives as text.
    let schema = match name {
        "limit" | "before" => json!({"type": "integer", "minimum": 1}),
        _ => json!({"type": "string"}),
    };
    json!({"name": name, "in": inn, "required": inn == "path", "description": desc, "schema": schema})
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
    token["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": "string", "description": "The six-digit authenticator code, for accounts with a second factor (a 401 `totp_required` asks for it)"}, "scope": {"type": "string", "enum": ["read_write", "read"]}, "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 30}}}}}});
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
                "Regions (code, name, level, parent, `parents`: the regions it lies in, nearest first), or the chain province → village for a point",
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
    let checkpoint = json!({"type": "object", "properties": {
        "seq": {"type": "integer", "description": "The newest entry when signed"},
        "hash": {"type": "string", "description": "That entry's hash"},
        "at": {"type": "string", "format": "date-time"},
        "public_key": {"type": "string", "description": "The signer's Ed25519 public key (hex)"},
        "signature": {"type": "string", "description": "Ed25519 signature (hex) over the text `sinergi-audit-checkpoint-v1\\nseq SEQ\\nhash HASH\\nat UNIX_MS\\n`"}}});
    let list_checkpoints = op(
        "The newest 100 signed checkpoints of the audit trail and this server's public key (system admins)",
        "audit",
        (
            "200",
            json_ok(
                "Checkpoints, newest first",
                json!({"type": "object", "properties": {"public_key": {"type": "string"}, "checkpoints": {"type": "array", "items": checkpoint}}}),
            ),
        ),
        &["401", "403"],
    );
    let mut write_checkpoint = op(
        "Sign the newest audit entry now (system admins); refused with 409 when the trail no longer matches an earlier checkpoint",
        "audit",
        (
            "201",
            json_ok(
                "A new checkpoint",
                json!({"type": "object", "properties": {"written": {"type": "boolean"}, "checkpoint": checkpoint}}),
            ),
        ),
        &["401", "403", "409"],
    );
    write_checkpoint["responses"]["200"] = json_ok(
        "The newest checkpoint already covers the newest entry; nothing was written",
        json!({"type": "object", "properties": {"written": {"type": "boolean"}, "checkpoint": checkpoint}}),
    );
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
    let code_body = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "pattern": "^[0-9]{6}$"}}}}}});
    let mut totp_confirm = op(
        "Confirm the second factor with the first code the app shows",
        "auth",
        ("200", json_ok("The second-factor state", obj.clone())),
        &["401", "409", "422"],
    );
    totp_confirm["requestBody"] = code_body.clone();
    let mut totp_disable = op(
        "Turn off your second factor (not allowed for system admins)",
        "auth",
        ("204", json!({"description": "Turned off"})),
        &["401", "409", "422"],
    );
    totp_disable["requestBody"] = code_body;
    let mut totp_reset = op(
        "Clear a user's second factor (lost phone) and end their sessions",
        "users",
        ("204", json!({"description": "Cleared"})),
        &["401", "404", "409"],
    );
    totp_reset["parameters"] = json!([param("username", "path", "User name")]);
    let mut update_user = op(
        "Change a user's display name or role",
        "users",
        ("200", json_ok("The user", obj.clone())),
        &["401", "403", "404", "409", "422"],
    );
    update_user["parameters"] = json!([param("username", "path", "User name")]);
    update_user["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"display_name": {"type": "string"}, "role": {"type": "string", "enum": ["field_officer", "coordinator", "analyst", "agency_admin", "system_admin"]}}}}}});
    let mut reset_password = op(
        "Set a new password for a user who lost theirs; they choose their own at the next sign-in, and their sessions end",
        "users",
        ("204", json!({"description": "Set"})),
        &["401", "404", "409", "422"],
    );
    reset_password["parameters"] = json!([param("username", "path", "User name")]);
    reset_password["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["password"], "properties": {"password": {"type": "string", "minLength": 10}}}}}});
    let mut change_password = op(
        "Replace your own password (every session ends; sign in again)",
        "auth",
        ("204", json!({"description": "Changed"})),
        &["401", "422"],
    );
    change_password["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["current_password", "new_password"], "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 10}}}}}});
    let mut notifications = op(
        "Your notifications, newest first, with the unread count",
        "notifications",
        ("200", json_ok("Notifications", obj.clone())),
        &["401", "422"],
    );
    notifications["parameters"] = json!([param("unread", "query", "true for unread only")]);
    let mut read_one = op(
        "Mark one notification read",
        "notifications",
        ("204", json!({"description": "Marked"})),
        &["401", "404"],
    );
    read_one["parameters"] = json!([id]);
    let mut put_agreement = op(
        "Replace a draft agreement's content (`status` draft keeps it a draft, proposed sends it)",
        "agreements",
        ("200", json_ok("The agreement", obj.clone())),
        &["401", "403", "404", "409", "412", "422"],
    );
    put_agreement["parameters"] = json!([
        id,
        param("If-Match", "header", "The version read, as an ETag")
    ]);
    put_agreement["requestBody"] = create_agreement["requestBody"].clone();
    let mut propose = op(
        "Send a draft to the parties for approval",
        "agreements",
        ("200", json_ok("The agreement", obj.clone())),
        &["401", "403", "404", "409"],
    );
    propose["parameters"] = json!([id]);
    let mut ag_upload = op(
        "Attach the signed text or an annex (PDF, JPEG, PNG, WebP, GIF)",
        "agreements",
        ("201", json_ok("The document", obj.clone())),
        &["401", "403", "404", "409", "413", "415", "422"],
    );
    ag_upload["parameters"] = json!([id]);
    ag_upload["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}});
    let mut ag_download = op(
        "Download a document of an agreement",
        "agreements",
        (
            "200",
            json!({"description": "The file", "content": {"application/octet-stream": {}}}),
        ),
        &["401", "404"],
    );
    ag_download["parameters"] = json!([id, param("document", "path", "The document's id")]);
    let problem_resp = |desc: &str| json!({"description": desc, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let mut doc = json!({
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
            "/api/v1/me/totp": {
                "get": op("Your second-factor state", "auth", ("200", json_ok("enabled, pending, mandatory", obj.clone())), &["401"]),
                "post": op("Start setting up a second factor: a new secret and otpauth URI", "auth", ("201", json_ok("secret and otpauth_uri", obj.clone())), &["401", "409"]),
                "delete": totp_disable
            },
            "/api/v1/me/totp/confirm": {"post": totp_confirm},
            "/api/v1/me/password": {"post": change_password},
            "/api/v1/users/{username}/totp/reset": {"post": totp_reset},
            "/api/v1/notifications": {"get": notifications},
            "/api/v1/notifications/read-all": {"post": op("Mark all your notifications read", "notifications", ("200", json_ok("How many were unread", obj.clone())), &["401"])},
            "/api/v1/notifications/{id}/read": {"post": read_one},
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
            "/api/v1/users/{username}": {"patch": update_user},
            "/api/v1/users/{username}/password": {"post": reset_password},
            "/api/v1/regions": {"get": regions},
            "/api/v1/regions/{code}": {"get": region},
            "/api/v1/audit": {"get": audit},
            "/api/v1/audit/checkpoints": {"get": list_checkpoints, "post": write_checkpoint},
            "/api/v1/agreements": {"get": op("Agreements your agency is party to (all for system admins)", "agreements", ("200", json_ok("Agreements", obj.clone())), &["401"]), "post": create_agreement},
            "/api/v1/agreements/{id}": {"get": get_agreement, "put": put_agreement},
            "/api/v1/agreements/{id}/propose": {"post": propose},
            "/api/v1/agreements/{id}/documents": {"post": ag_upload},
            "/api/v1/agreements/{id}/documents/{document}": {"get": ag_download},
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
                "P503": problem_resp("Passing condition; nothing was stored, send the request again (Retry-After)"),
            },
            "schemas": {
                "Problem": {"type": "object", "required": ["type", "title", "status", "code", "request_id"], "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "code": {"type": "string"}, "request_id": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {
                    "type": {"type": "string", "enum": ["Point", "LineString", "Polygon"]}, "coordinates": {"oneOf": [
                        {"$ref": "#/components/schemas/Position"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/Position"}},
                        {"type": "array", "items": {"type": "array", "items": {"$ref": "#/components/schemas/Position"}}}]}}},
                "Position": {"type": "array", "description": "[longitude, latitude] in WGS84", "items": {"type": "number"}, "minItems": 2, "maxItems": 3},
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
    });
    if let Some(paths) = doc["paths"].as_object_mut() {
        if let Value::Object(w) = warning_paths() {
            paths.extend(w);
        }
    }
    doc
}

/// The early-warning part of the document.
fn warning_paths() -> Value {
    let obj = json!({"type": "object"});
    let id = param("id", "path", "The record's UUID");
    let body = |desc: &str, schema: Value| json!({"required": true, "description": desc, "content": {"application/json": {"schema": schema}}});
    let csv_body = |desc: &str| json!({"required": true, "description": desc, "content": {"text/csv": {"schema": {"type": "string"}}}});
    let with = |mut o: Value, params: Value, req: Option<Value>| {
        o["parameters"] = params;
        if let Some(r) = req {
            o["requestBody"] = r;
        }
        o
    };
    let dry = json!([param(
        "dry_run",
        "query",
        "true: report what would change, the alerts it would raise included; write nothing"
    )]);
    let fix = json!({"type": "object", "required": ["device", "recorded_at", "lon", "lat"], "properties": {
        "device": {"type": "string"}, "recorded_at": {"type": "string", "format": "date-time"},
        "lon": {"type": "number"}, "lat": {"type": "number"}, "accuracy_m": {"type": "number"}, "battery": {"type": "number"}}});
    let step = |summary: &str, req: Option<Value>| {
        with(
            op(
                summary,
                "alerts",
                ("200", json_ok("The alert", obj.clone())),
                &["401", "404", "409", "422"],
            ),
            json!([id.clone()]),
            req,
        )
    };
    json!({
        "/api/v1/observations": {"post": with(op("Fixes in: a JSON array; per fix stored, held (a device that is unknown, not deployed, or another agency's: held for your agency, never joining another agency's animal), duplicate or refused with the reason; idempotent on (device, recorded_at, sender's claim). One audit entry per batch. 503 (with Retry-After) when an earlier batch could not be stored and the engine is being rebuilt: nothing of this batch was stored; send it again", "tracking", ("200", json_ok("Per-fix results and counts", obj.clone())), &["401", "403", "413", "422", "503"]), json!([]), Some(body("Up to 50,000 fixes", json!({"type": "array", "items": fix}))))},
        "/api/v1/observations/held": {"get": op("Fixes held for an unknown, undeployed or another agency's device: `{held: [...]}`, each with `submitted_by` (user name or `operator`) and `submitted_by_agency` where you may know them (your agency's, or below it); other agencies' held fixes rounded to 0.1° without their sender", "tracking", ("200", json_ok("Held fixes", obj.clone())), &["401", "403"])},
        "/api/v1/imports/movebank": {"post": with(op("Import a Movebank CSV export (hyphen or underscore column names); bad rows named by line", "tracking", ("200", json_ok("Counts and row errors", obj.clone())), &["401", "403", "413", "422"]), dry.clone(), Some(csv_body("Movebank CSV")))},
        "/api/v1/imports/firms": {"post": with(op("Import NASA FIRMS VIIRS/MODIS hotspots; each new one inside a watched area raises a fire alert", "tracking", ("200", json_ok("Counts and row errors", obj.clone())), &["401", "403", "413", "422"]), dry, Some(csv_body("FIRMS CSV")))},
        "/api/v1/subjects": {
            "get": op("Tracked subjects of your agency", "tracking", ("200", json_ok("Subjects", obj.clone())), &["401"]),
            "post": with(op("Add a subject (an elephant, a herd, a ranger team)", "tracking", ("201", json_ok("The subject", obj.clone())), &["401", "403", "422"]), json!([]), Some(body("Subject", json!({"type": "object", "required": ["name", "species"], "properties": {"name": {"type": "string"}, "species": {"type": "string"}, "kind": {"enum": ["individual", "herd", "team"]}, "sensitivity": {"type": "string"}, "notes": {"type": "string"}}}))))
        },
        "/api/v1/subjects/{id}/track": {"get": with(op("A subject's track as a GeoJSON LineString feature", "tracking", ("200", json_ok("Track", obj.clone())), &["401", "404", "422"]), json!([id.clone(), param("since", "query", "RFC 3339; default a week before until"), param("until", "query", "RFC 3339; default now"), param("limit", "query", "Fixes, at most 50,000")]), None)},
        "/api/v1/devices": {
            "get": op("Devices of your agency with their deployments", "tracking", ("200", json_ok("Devices", obj.clone())), &["401"]),
            "post": with(op("Add a device", "tracking", ("201", json_ok("The device", obj.clone())), &["401", "403", "422"]), json!([]), Some(body("Device", json!({"type": "object", "required": ["serial"], "properties": {"serial": {"type": "string"}, "kind": {"enum": ["collar", "tag", "phone"]}, "expected_interval_min": {"type": "integer"}}}))))
        },
        "/api/v1/devices/{serial}/deploy": {"post": with(op("Put a device on a subject from a time; held fixes since then are attached if the device's agency (or one above it) or the operator sent them", "tracking", ("201", json_ok("The deployment", obj.clone())), &["401", "403", "404", "422"]), json!([param("serial", "path", "The device's serial")]), Some(body("Deployment", json!({"type": "object", "required": ["subject"], "properties": {"subject": {"type": "string"}, "start": {"type": "string", "format": "date-time"}}}))))},
        "/api/v1/fences": {
            "get": op("Fences of your agency (GeoJSON)", "alerts", ("200", json!({"description": "FeatureCollection", "content": {"application/geo+json": {"schema": obj.clone()}}})), &["401"]),
            "post": with(op("Add a fence: a GeoJSON shape or circle, or a region code (with radius_m for a circle round its centre). The name must be new to your agency (case and spacing ignored; 422, field name)", "alerts", ("201", json!({"description": "The fence, with an ETag", "content": {"application/geo+json": {"schema": obj.clone()}}})), &["401", "403", "422"]), json!([]), Some(body("Fence", json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "shape": {"type": "object"}, "region": {"type": "string"}, "radius_m": {"type": "number"}}}))))
        },
        "/api/v1/fences/{id}": {
            "get": with(op("One fence of your agency (or one below it) as a GeoJSON Feature; `properties.version` is also the ETag", "alerts", ("200", json!({"description": "The fence, with an ETag", "content": {"application/geo+json": {"schema": obj.clone()}}})), &["401", "404"]), json!([id.clone()]), None),
            "patch": with(op("Edit a fence: any of name, kind, and shape or region (with radius_m for a circle round its centre), read as when adding one. If-Match names the version edited (428 without it, 412 when it is stale). A name another fence of the agency has (case and spacing ignored) is refused (422, field name); a line a cross rule watches stays a line (422, field shape). Audited; the engine is rebuilt with the new shape; alerts already raised for the fence stay as they are", "alerts", ("200", json!({"description": "The changed fence, with its new ETag", "content": {"application/geo+json": {"schema": obj.clone()}}})), &["401", "403", "404", "412", "422", "428"]), json!([id.clone(), {"name": "If-Match", "in": "header", "required": true, "schema": {"type": "string"}, "description": "The fence's ETag (its version), e.g. \"3\""}]), Some(body("Fence changes", json!({"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "shape": {"type": "object"}, "region": {"type": "string"}, "radius_m": {"type": "number"}}}))))
        },
        "/api/v1/fences/{id}/active": {"post": with(op("Switch a fence on or off", "alerts", ("204", json!({"description": "Done"})), &["401", "403", "404", "422"]), json!([id.clone()]), Some(body("Flag", json!({"type": "object", "properties": {"active": {"type": "boolean"}}}))))},
        "/api/v1/rules": {
            "get": op("Alert rules of your agency", "alerts", ("200", json_ok("Rules", obj.clone())), &["401"]),
            "post": with(op("Add a rule: fences, subjects, trigger (enter, exit, proximity, dwell, cross, hotspot_inside), severity, hysteresis, quiet period, active hours, recipients, channels", "alerts", ("201", json_ok("The rule", obj.clone())), &["401", "403", "422"]), json!([]), Some(body("Rule", obj.clone())))
        },
        "/api/v1/rules/{id}/active": {"post": with(op("Switch a rule on or off", "alerts", ("204", json!({"description": "Done"})), &["401", "403", "404", "422"]), json!([id.clone()]), Some(body("Flag", json!({"type": "object", "properties": {"active": {"type": "boolean"}}}))))},
        "/api/v1/webhooks": {
            "get": op("Webhooks of your agency", "alerts", ("200", json_ok("Webhooks", obj.clone())), &["401"]),
            "post": with(op("Register a webhook; the HMAC-SHA256 secret is returned once. A host in a private network (loopback, private, link-local, multicast, or a name resolving only to such) is refused (422, field url) unless the server allows it (webhook_allow_private); redirects are not followed", "alerts", ("201", json_ok("The webhook with its secret", obj.clone())), &["401", "403", "422"]), json!([]), Some(body("Webhook", json!({"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}))))
        },
        "/api/v1/alerts": {"get": with(op("Alerts you see, newest first: `{alerts, next_before}`; a full page gives `next_before`, the stream position to pass as `before` for the next page", "alerts", ("200", json_ok("Alerts", obj.clone())), &["401", "422"]), json!([param("since", "query", "RFC 3339"), param("status", "query", "open, acknowledged or closed"), param("area", "query", "A fence id"), param("subject", "query", "A subject id"), param("before", "query", "Stream position: the page after one that ended there"), param("limit", "query", "1–1000 (default 100)")]), None)},
        "/api/v1/alerts/stream": {"get": op("New alerts as Server-Sent Events (event `alert`, id = stream position; send Last-Event-ID to resume) and responses to them (event `update`)", "alerts", ("200", json!({"description": "text/event-stream", "content": {"text/event-stream": {}}})), &["401"])},
        "/api/v1/alerts/{id}": {"get": with(op("An alert with its response log and deliveries", "alerts", ("200", json_ok("The alert", obj.clone())), &["401", "404"]), json!([id.clone()]), None)},
        "/api/v1/alerts/{id}/acknowledge": {"post": step("Acknowledge: someone is responding", None)},
        "/api/v1/alerts/{id}/actions": {"post": step("Log a response action (drive_away, patrol_dispatched, villagers_warned, false_alarm, fire_suppressed, note)", Some(body("Action", json!({"type": "object", "required": ["action"], "properties": {"action": {"type": "string"}, "note": {"type": "string"}}}))))},
        "/api/v1/alerts/{id}/close": {"post": step("Close with an outcome (resolved, no_damage, damage, false_alarm, casualty)", Some(body("Outcome", json!({"type": "object", "required": ["outcome"], "properties": {"outcome": {"type": "string"}, "note": {"type": "string"}}}))))}
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
