//! Who reaches which route: every API route and every page the router serves
//! (`sinergi_web::route_paths`, so a new route cannot be left out), with every method it
//! answers, is asked by a visitor who is not signed in and by a demo user of each role,
//! and the answer must be in the set the table below allows: refused (401, 403, 404, or
//! for pages the redirect to the sign-in page) for whom the route is not open, and not
//! refused for whom it is. A route the table does not name fails the test.
//!
//! Records are named by identifiers that do not exist, so a route that needs one answers
//! 404 to those allowed as well; what the matrix pins is who gets past the role checks
//! (lists, forms, creation, administration). Bodies are empty (`{}`, an empty form with
//! the session's CSRF token), so nothing is created; sign-outs are asked last.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use reqwest::{Client, Method, StatusCode};
use sinergi_app::auth::SessionKind;
use sinergi_app::App;
use sinergi_core::time::Clock;
use sinergi_core::totp::TotpSecret;

use crate::harness;

const PASSWORD: &str = "sinergi-demo-2025";

/// A visitor: not signed in, or a demo user of one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    FieldOfficer,
    Coordinator,
    Analyst,
    AgencyAdmin,
    SystemAdmin,
}

use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    FieldOfficer,
    Coordinator,
    Analyst,
    AgencyAdmin,
    SystemAdmin,
];
const SIGNED_IN: &[Who] = &[FieldOfficer, Coordinator, Analyst, AgencyAdmin, SystemAdmin];
const WRITERS: &[Who] = &[FieldOfficer, Coordinator, AgencyAdmin, SystemAdmin];
const MANAGERS: &[Who] = &[Coordinator, AgencyAdmin, SystemAdmin];
const ADMINS: &[Who] = &[AgencyAdmin, SystemAdmin];
const SYSTEM_ADMIN: &[Who] = &[SystemAdmin];
const NOBODY: &[Who] = &[];

/// (method, path, who gets past the role checks). Everyone else is refused.
const TABLE: &[(&str, &str, &[Who])] = &[
    ("GET", "/healthz", EVERYONE),
    // Only with the operator's metrics token (or `metrics_public`), never a user's session
    // or API token; the test server has neither set.
    ("GET", "/metrics", NOBODY),
    ("GET", "/api/openapi.json", EVERYONE),
    // ---- API: accounts
    ("POST", "/api/v1/auth/token", EVERYONE),
    ("POST", "/api/v1/auth/logout", SIGNED_IN),
    ("GET", "/api/v1/me", SIGNED_IN),
    ("GET", "/api/v1/me/totp", SIGNED_IN),
    ("POST", "/api/v1/me/totp", SIGNED_IN),
    ("DELETE", "/api/v1/me/totp", SIGNED_IN),
    ("POST", "/api/v1/me/totp/confirm", SIGNED_IN),
    ("GET", "/api/v1/me/email", SIGNED_IN),
    ("PUT", "/api/v1/me/email", SIGNED_IN),
    ("POST", "/api/v1/me/password", SIGNED_IN),
    ("POST", "/api/v1/users/{username}/totp/reset", ADMINS),
    ("POST", "/api/v1/users/{username}/sessions/revoke", ADMINS),
    ("GET", "/api/v1/agencies", SIGNED_IN),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/agencies", SIGNED_IN),
    // everyone signed in lists the users they may see
    ("GET", "/api/v1/users", SIGNED_IN),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/users", SIGNED_IN),
    ("PATCH", "/api/v1/users/{username}", ADMINS),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/users/{username}/password", SIGNED_IN),
    ("PUT", "/api/v1/users/{username}/email", SIGNED_IN),
    ("GET", "/api/v1/agencies/{code}/reporting-line", SIGNED_IN),
    ("PUT", "/api/v1/agencies/{code}/reporting-line", ADMINS),
    ("GET", "/api/v1/settings/break-glass", SIGNED_IN),
    ("PUT", "/api/v1/settings/break-glass", SYSTEM_ADMIN),
    // ---- API: notifications
    ("GET", "/api/v1/notifications", SIGNED_IN),
    ("POST", "/api/v1/notifications/read-all", SIGNED_IN),
    ("POST", "/api/v1/notifications/{id}/read", SIGNED_IN),
    // ---- API: reports
    ("GET", "/api/v1/report-types", SIGNED_IN),
    ("GET", "/api/v1/reports", SIGNED_IN),
    ("POST", "/api/v1/reports", WRITERS),
    ("POST", "/api/v1/reports/batch", WRITERS),
    ("GET", "/api/v1/reports/counts", SIGNED_IN),
    ("GET", "/api/v1/reports/export", SIGNED_IN),
    ("GET", "/api/v1/reports/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/reports/{id}", SIGNED_IN),
    ("GET", "/api/v1/reports/{id}/history", SIGNED_IN),
    ("GET", "/api/v1/reports/{id}/attachments", SIGNED_IN),
    ("POST", "/api/v1/reports/{id}/attachments", SIGNED_IN),
    ("GET", "/api/v1/attachments/{id}", SIGNED_IN),
    ("GET", "/api/v1/regions", SIGNED_IN),
    ("GET", "/api/v1/regions/{code}", SIGNED_IN),
    ("POST", "/api/v1/regions/covered", SIGNED_IN),
    // ---- API: audit
    ("GET", "/api/v1/audit", ADMINS),
    ("GET", "/api/v1/audit/checkpoints", SYSTEM_ADMIN),
    ("POST", "/api/v1/audit/checkpoints", SYSTEM_ADMIN),
    // ---- API: sharing
    ("GET", "/api/v1/agreements", SIGNED_IN),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/agreements", SIGNED_IN),
    ("GET", "/api/v1/agreements/{id}", SIGNED_IN),
    ("PUT", "/api/v1/agreements/{id}", ADMINS),
    ("POST", "/api/v1/agreements/{id}/propose", ADMINS),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/agreements/{id}/documents", SIGNED_IN),
    (
        "GET",
        "/api/v1/agreements/{id}/documents/{document}",
        SIGNED_IN,
    ),
    ("POST", "/api/v1/agreements/{id}/approve", ADMINS),
    ("POST", "/api/v1/agreements/{id}/revoke", ADMINS),
    ("GET", "/api/v1/reports/{id}/referrals", SIGNED_IN),
    ("POST", "/api/v1/reports/{id}/referrals", SIGNED_IN),
    (
        "DELETE",
        "/api/v1/reports/{id}/referrals/{referral}",
        SIGNED_IN,
    ),
    ("POST", "/api/v1/reports/{id}/break-glass", SIGNED_IN),
    // ---- API: early warning
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/observations", SIGNED_IN),
    ("GET", "/api/v1/observations/held", MANAGERS),
    ("POST", "/api/v1/imports/movebank", WRITERS),
    ("POST", "/api/v1/imports/firms", MANAGERS),
    ("GET", "/api/v1/subjects", SIGNED_IN),
    ("POST", "/api/v1/subjects", MANAGERS),
    ("GET", "/api/v1/subjects/{id}/track", SIGNED_IN),
    ("GET", "/api/v1/subjects/{id}/track.csv", SIGNED_IN),
    ("GET", "/api/v1/subjects/{id}/track.gpx", SIGNED_IN),
    ("GET", "/api/v1/devices", SIGNED_IN),
    ("POST", "/api/v1/devices", MANAGERS),
    ("POST", "/api/v1/devices/{serial}/deploy", MANAGERS),
    ("GET", "/api/v1/fences", SIGNED_IN),
    ("POST", "/api/v1/fences", MANAGERS),
    ("GET", "/api/v1/fences/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/fences/{id}", MANAGERS),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/fences/{id}/active", SIGNED_IN),
    ("GET", "/api/v1/rules", SIGNED_IN),
    ("POST", "/api/v1/rules", MANAGERS),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/api/v1/rules/{id}/active", SIGNED_IN),
    ("GET", "/api/v1/webhooks", SIGNED_IN),
    ("POST", "/api/v1/webhooks", ADMINS),
    ("GET", "/api/v1/alerts", SIGNED_IN),
    ("GET", "/api/v1/alerts/stream", SIGNED_IN),
    ("GET", "/api/v1/alerts/{id}", SIGNED_IN),
    ("POST", "/api/v1/alerts/{id}/acknowledge", WRITERS),
    ("POST", "/api/v1/alerts/{id}/actions", WRITERS),
    ("POST", "/api/v1/alerts/{id}/close", WRITERS),
    // ---- OGC API – Features (GET only; an unknown collection answers 404)
    ("GET", "/ogc", SIGNED_IN),
    ("GET", "/ogc/conformance", SIGNED_IN),
    ("GET", "/ogc/collections", SIGNED_IN),
    ("GET", "/ogc/collections/{id}", SIGNED_IN),
    ("GET", "/ogc/collections/{id}/items", SIGNED_IN),
    ("GET", "/ogc/collections/{id}/items/{fid}", SIGNED_IN),
    // ---- API: letters
    ("GET", "/api/v1/letters", SIGNED_IN),
    ("POST", "/api/v1/letters", MANAGERS),
    ("POST", "/api/v1/letters/incoming", MANAGERS),
    ("GET", "/api/v1/letters/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/letters/{id}", SIGNED_IN),
    ("POST", "/api/v1/letters/{id}/send", SIGNED_IN),
    ("POST", "/api/v1/letters/{id}/forward", SIGNED_IN),
    ("POST", "/api/v1/letters/{id}/documents", SIGNED_IN),
    (
        "GET",
        "/api/v1/letters/{id}/documents/{document}",
        SIGNED_IN,
    ),
    ("GET", "/api/v1/letters/{id}/letter.pdf", SIGNED_IN),
    ("GET", "/api/v1/letter-format", SIGNED_IN),
    ("PUT", "/api/v1/letter-format", ADMINS),
    ("GET", "/api/v1/letters/{id}/dispositions", SIGNED_IN),
    ("POST", "/api/v1/letters/{id}/dispositions", SIGNED_IN),
    ("GET", "/api/v1/dispositions", SIGNED_IN),
    ("PATCH", "/api/v1/dispositions/{id}", SIGNED_IN),
    // ---- API: coordination (working groups, meetings, action items)
    ("GET", "/api/v1/groups", SIGNED_IN),
    ("POST", "/api/v1/groups", MANAGERS),
    ("GET", "/api/v1/groups/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/groups/{id}", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/meetings", SIGNED_IN),
    ("POST", "/api/v1/groups/{id}/meetings", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/overdue", SIGNED_IN),
    ("GET", "/api/v1/meetings/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/meetings/{id}", SIGNED_IN),
    ("GET", "/api/v1/meetings/{id}/action-items", SIGNED_IN),
    ("POST", "/api/v1/meetings/{id}/action-items", SIGNED_IN),
    ("GET", "/api/v1/meetings/{id}/minutes.pdf", SIGNED_IN),
    ("GET", "/api/v1/meetings/{id}/attendance.pdf", SIGNED_IN),
    ("GET", "/api/v1/me/calendar.ics", SIGNED_IN),
    ("GET", "/api/v1/action-items/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/action-items/{id}", SIGNED_IN),
    // ---- API: plans (the role is asked once the group is found)
    ("GET", "/api/v1/groups/{id}/plans", SIGNED_IN),
    ("POST", "/api/v1/groups/{id}/plans", SIGNED_IN),
    ("GET", "/api/v1/plans/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/plans/{id}", SIGNED_IN),
    ("GET", "/api/v1/plans/{id}/nodes", SIGNED_IN),
    ("POST", "/api/v1/plans/{id}/nodes", SIGNED_IN),
    ("GET", "/api/v1/plan-nodes/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/plan-nodes/{id}", SIGNED_IN),
    // ---- API: area profiles (creating asks the role first; the rest find the area first)
    ("GET", "/api/v1/areas", SIGNED_IN),
    ("POST", "/api/v1/areas", MANAGERS),
    ("GET", "/api/v1/areas/{code}", SIGNED_IN),
    ("PATCH", "/api/v1/areas/{code}", SIGNED_IN),
    ("GET", "/api/v1/areas/{code}/history", SIGNED_IN),
    ("GET", "/api/v1/areas/{code}/posts", SIGNED_IN),
    ("POST", "/api/v1/areas/{code}/posts", SIGNED_IN),
    (
        "GET",
        "/api/v1/areas/{code}/posts/{post}/reports",
        SIGNED_IN,
    ),
    (
        "POST",
        "/api/v1/areas/{code}/posts/{post}/reports",
        SIGNED_IN,
    ),
    // ---- API: cases (ADR 31): bodies are read before the role is asked (an empty
    // body is a 422 for everyone); records are found before the role is asked
    ("GET", "/api/v1/cases", SIGNED_IN),
    ("GET", "/api/v1/forms", SIGNED_IN),
    ("POST", "/api/v1/forms", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}", SIGNED_IN),
    ("GET", "/api/v1/form-devices", SIGNED_IN),
    ("POST", "/api/v1/form-devices", SIGNED_IN),
    ("DELETE", "/api/v1/form-devices/{id}", SIGNED_IN),
    ("GET", "/api/v1/campaigns", SIGNED_IN),
    ("POST", "/api/v1/campaigns", SIGNED_IN),
    ("GET", "/api/v1/campaigns/{id}", SIGNED_IN),
    ("GET", "/api/v1/campaigns/{id}/indices", SIGNED_IN),
    ("GET", "/api/v1/campaigns/{id}/map", SIGNED_IN),
    ("POST", "/api/v1/campaigns/{id}/indices", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/submissions", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/submissions.csv", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/paper.pdf", SIGNED_IN),
    ("POST", "/api/v1/forms/{id}/paper", SIGNED_IN),
    ("POST", "/api/v1/forms/{id}/answers", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/submissions.geojson", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/submissions.zip", SIGNED_IN),
    ("GET", "/api/v1/forms/{id}/submissions.xlsx", SIGNED_IN),
    (
        "GET",
        "/api/v1/forms/{id}/versions/{number}/media",
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/forms/{id}/versions/{number}/media/{name}",
        SIGNED_IN,
    ),
    (
        "PUT",
        "/api/v1/forms/{id}/versions/{number}/media/{name}",
        SIGNED_IN,
    ),
    ("GET", "/api/v1/submissions/{id}", SIGNED_IN),
    ("POST", "/api/v1/submissions/{id}/review", SIGNED_IN),
    ("GET", "/api/v1/submissions/{id}/files/{name}", SIGNED_IN),
    (
        "GET",
        "/api/v1/forms/{id}/versions/{number}/form.xml",
        SIGNED_IN,
    ),
    ("POST", "/api/v1/cases", SIGNED_IN),
    ("GET", "/api/v1/cases/overdue", SIGNED_IN),
    ("GET", "/api/v1/cases/funnel", SIGNED_IN),
    ("GET", "/api/v1/cases/victims", SIGNED_IN),
    ("GET", "/api/v1/cases/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/cases/{id}", SIGNED_IN),
    ("GET", "/api/v1/cases/{id}/summary.pdf", SIGNED_IN),
    ("GET", "/api/v1/cases/{id}/steps", SIGNED_IN),
    ("POST", "/api/v1/cases/{id}/identities", SIGNED_IN),
    ("POST", "/api/v1/cases/{id}/steps", SIGNED_IN),
    ("GET", "/api/v1/cases/{id}/persons", SIGNED_IN),
    ("POST", "/api/v1/cases/{id}/persons", SIGNED_IN),
    (
        "POST",
        "/api/v1/cases/{id}/persons/{person}/open",
        SIGNED_IN,
    ),
    (
        "DELETE",
        "/api/v1/cases/{id}/persons/{person}/identity",
        SIGNED_IN,
    ),
    (
        "PUT",
        "/api/v1/cases/{id}/persons/{person}/services",
        SIGNED_IN,
    ),
    (
        "POST",
        "/api/v1/cases/{id}/persons/{person}/shares",
        SIGNED_IN,
    ),
    (
        "DELETE",
        "/api/v1/cases/{id}/persons/{person}/shares/{agency}",
        SIGNED_IN,
    ),
    ("POST", "/api/v1/cases/{id}/transfers", SIGNED_IN),
    ("GET", "/api/v1/cases/{id}/evidence", SIGNED_IN),
    ("POST", "/api/v1/cases/{id}/evidence", SIGNED_IN),
    (
        "POST",
        "/api/v1/cases/{id}/evidence/{item}/custody",
        SIGNED_IN,
    ),
    ("GET", "/api/v1/case-transfers", SIGNED_IN),
    ("POST", "/api/v1/cases/{id}/tasks", SIGNED_IN),
    ("GET", "/api/v1/case-tasks", SIGNED_IN),
    ("POST", "/api/v1/case-tasks/{id}/answer", SIGNED_IN),
    ("POST", "/api/v1/case-transfers/{id}/decision", SIGNED_IN),
    ("GET", "/api/v1/case-settings/decrypt-roles", SIGNED_IN),
    ("GET", "/api/v1/case-settings/number-format", SIGNED_IN),
    ("PUT", "/api/v1/case-settings/number-format", SIGNED_IN),
    ("PUT", "/api/v1/case-settings/decrypt-roles", SIGNED_IN),
    // ---- API: dashboards and exports (ADR 26)
    ("GET", "/api/v1/groups/{id}/dashboard", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/action-items", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/action-items/export", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/meetings/export", SIGNED_IN),
    ("GET", "/api/v1/groups/{id}/overdue/export", SIGNED_IN),
    ("GET", "/api/v1/plans/{id}/export", SIGNED_IN),
    ("GET", "/api/v1/me/obligations", SIGNED_IN),
    // ---- API: patrols
    ("GET", "/api/v1/patrols", SIGNED_IN),
    ("POST", "/api/v1/patrols", WRITERS),
    ("GET", "/api/v1/patrols/export", SIGNED_IN),
    ("GET", "/api/v1/patrols/{id}", SIGNED_IN),
    ("PATCH", "/api/v1/patrols/{id}", SIGNED_IN),
    ("GET", "/api/v1/patrols/{id}/track.gpx", SIGNED_IN),
    ("GET", "/api/v1/patrols/{id}/observations", SIGNED_IN),
    // The empty body is refused (422) before the role is asked.
    (
        "POST",
        "/api/v1/patrols/{id}/observations/{observation}",
        SIGNED_IN,
    ),
    ("GET", "/api/v1/patrols/{id}/findings", SIGNED_IN),
    ("POST", "/api/v1/patrols/{id}/findings", SIGNED_IN),
    ("GET", "/api/v1/patrols/summary", SIGNED_IN),
    ("GET", "/api/v1/patrols/coverage", SIGNED_IN),
    ("GET", "/api/v1/patrols/{id}/report.pdf", SIGNED_IN),
    ("POST", "/api/v1/imports/gpx", WRITERS),
    // ---- pages: the shell
    ("GET", "/", SIGNED_IN),
    ("GET", "/bahasa", EVERYONE),
    // ---- pages: accounts
    ("GET", "/masuk", EVERYONE),
    // without the sign-in form's own token (a cookie) every sign-in is refused
    ("POST", "/masuk", NOBODY),
    ("GET", "/masuk/kode", EVERYONE),
    ("POST", "/masuk/kode", NOBODY),
    ("POST", "/keluar", SIGNED_IN),
    ("GET", "/akun/kata-sandi", SIGNED_IN),
    ("POST", "/akun/kata-sandi", SIGNED_IN),
    ("GET", "/akun/keamanan", SIGNED_IN),
    ("POST", "/akun/keamanan/mulai", SIGNED_IN),
    ("POST", "/akun/keamanan/konfirmasi", SIGNED_IN),
    ("POST", "/akun/keamanan/matikan", SIGNED_IN),
    ("POST", "/akun/kalender", SIGNED_IN),
    ("POST", "/akun/kalender/cabut", SIGNED_IN),
    ("POST", "/akun/surel", SIGNED_IN),
    ("POST", "/akun/keamanan/keluar-semua", SIGNED_IN),
    ("GET", "/admin/pengaturan", SYSTEM_ADMIN),
    ("POST", "/admin/pengaturan", SYSTEM_ADMIN),
    ("GET", "/admin/instansi", ADMINS),
    ("POST", "/admin/instansi", ADMINS),
    ("POST", "/admin/instansi/atasan", ADMINS),
    ("GET", "/admin/pengguna", ADMINS),
    ("POST", "/admin/pengguna", ADMINS),
    ("POST", "/admin/pengguna/{username}/aktif", ADMINS),
    ("GET", "/admin/pengguna/{username}", ADMINS),
    ("POST", "/admin/pengguna/{username}", ADMINS),
    ("POST", "/admin/pengguna/{username}/kata-sandi", ADMINS),
    ("POST", "/admin/pengguna/{username}/reset-2fa", ADMINS),
    // ---- pages: cases (forms are checked before the role is asked)
    ("GET", "/perkara", SIGNED_IN),
    ("GET", "/formulir", SIGNED_IN),
    ("POST", "/formulir", SIGNED_IN),
    ("GET", "/formulir/{id}", SIGNED_IN),
    ("GET", "/formulir/perangkat", SIGNED_IN),
    ("POST", "/formulir/perangkat", SIGNED_IN),
    ("POST", "/formulir/perangkat/{id}/cabut", SIGNED_IN),
    // ODK Collect: the device's secret in the path is the credential; no session passes.
    ("GET", "/openrosa/key/{token}/formList", NOBODY),
    (
        "GET",
        "/openrosa/key/{token}/forms/{id}/{number}/form.xml",
        NOBODY,
    ),
    ("POST", "/openrosa/key/{token}/submission", NOBODY),
    (
        "GET",
        "/openrosa/key/{token}/forms/{id}/{number}/manifest",
        NOBODY,
    ),
    (
        "GET",
        "/openrosa/key/{token}/forms/{id}/{number}/media/{name}",
        NOBODY,
    ),
    // ODK Collect with a user name and password: HTTP Basic over https, Digest over
    // http, never a session or an API token (the test sends neither, so it refuses
    // everyone with a Digest challenge).
    ("GET", "/openrosa/formList", NOBODY),
    ("GET", "/openrosa/forms/{id}/{number}/form.xml", NOBODY),
    ("POST", "/openrosa/submission", NOBODY),
    ("GET", "/openrosa/forms/{id}/{number}/manifest", NOBODY),
    ("GET", "/openrosa/forms/{id}/{number}/media/{name}", NOBODY),
    ("GET", "/formulir/{id}/versi/{n}/form.xml", SIGNED_IN),
    ("GET", "/formulir/{id}/versi/{n}/media/{name}", SIGNED_IN),
    ("POST", "/formulir/{id}/versi/{n}/media", SIGNED_IN),
    ("GET", "/kampanye", SIGNED_IN),
    ("POST", "/kampanye", SIGNED_IN),
    ("GET", "/kampanye/{id}", SIGNED_IN),
    ("GET", "/formulir/{id}/kertas", SIGNED_IN),
    ("POST", "/formulir/{id}/kertas", SIGNED_IN),
    ("GET", "/formulir/{id}/kertas.pdf", SIGNED_IN),
    ("GET", "/formulir/{id}/isi", SIGNED_IN),
    ("GET", "/formulir/{id}/kiriman", SIGNED_IN),
    ("GET", "/formulir/{id}/kiriman.csv", SIGNED_IN),
    ("GET", "/formulir/{id}/kiriman.geojson", SIGNED_IN),
    ("GET", "/formulir/{id}/kiriman.zip", SIGNED_IN),
    ("GET", "/formulir/{id}/kiriman.xlsx", SIGNED_IN),
    ("GET", "/kiriman/{id}", SIGNED_IN),
    ("POST", "/kiriman/{id}/periksa", SIGNED_IN),
    ("GET", "/kiriman/{id}/berkas/{name}", SIGNED_IN),
    ("POST", "/perkara", SIGNED_IN),
    ("GET", "/perkara/tenggat", SIGNED_IN),
    ("GET", "/perkara/corong", SIGNED_IN),
    ("GET", "/perkara/corong.csv", SIGNED_IN),
    ("GET", "/perkara/korban", SIGNED_IN),
    ("GET", "/perkara/pelimpahan", SIGNED_IN),
    ("POST", "/perkara/pelimpahan/{id}", SIGNED_IN),
    ("GET", "/perkara/{id}", SIGNED_IN),
    ("GET", "/perkara/{id}/ringkasan.pdf", SIGNED_IN),
    ("POST", "/perkara/{id}/tahap", SIGNED_IN),
    ("POST", "/perkara/{id}/fakta", SIGNED_IN),
    ("POST", "/perkara/{id}/orang", SIGNED_IN),
    ("POST", "/perkara/{id}/orang/{orang}/buka", SIGNED_IN),
    ("POST", "/perkara/{id}/orang/{orang}/hapus", SIGNED_IN),
    ("POST", "/perkara/{id}/orang/{orang}/bagikan", SIGNED_IN),
    (
        "POST",
        "/perkara/{id}/orang/{orang}/bagikan/{kode}/cabut",
        SIGNED_IN,
    ),
    ("POST", "/perkara/{id}/limpah", SIGNED_IN),
    ("POST", "/perkara/{id}/tugas", SIGNED_IN),
    ("GET", "/perkara/tugas", SIGNED_IN),
    ("POST", "/perkara/pengaturan", ADMINS),
    ("POST", "/perkara/tugas/{id}", SIGNED_IN),
    ("POST", "/perkara/{id}/barang-bukti", SIGNED_IN),
    ("POST", "/perkara/{id}/barang-bukti/{bb}/riwayat", SIGNED_IN),
    // ---- pages: notifications
    ("GET", "/notifikasi", SIGNED_IN),
    ("POST", "/notifikasi/baca-semua", SIGNED_IN),
    ("POST", "/notifikasi/{id}/baca", SIGNED_IN),
    // ---- pages: reports
    ("GET", "/laporan", SIGNED_IN),
    ("POST", "/laporan", WRITERS),
    ("GET", "/laporan/baru", WRITERS),
    ("GET", "/laporan/{id}", SIGNED_IN),
    ("GET", "/laporan/{id}/ubah", SIGNED_IN),
    ("POST", "/laporan/{id}/ubah", SIGNED_IN),
    ("POST", "/laporan/{id}/status", SIGNED_IN),
    ("POST", "/laporan/{id}/lampiran", SIGNED_IN),
    ("POST", "/laporan/{id}/rujukan", SIGNED_IN),
    ("POST", "/laporan/{id}/rujukan/{referral}/cabut", SIGNED_IN),
    ("GET", "/peta", SIGNED_IN),
    // ---- pages: sharing
    ("GET", "/perjanjian", SIGNED_IN),
    ("POST", "/perjanjian", ADMINS),
    ("GET", "/perjanjian/baru", ADMINS),
    ("GET", "/perjanjian/{id}", SIGNED_IN),
    ("GET", "/perjanjian/{id}/ubah", SIGNED_IN),
    ("POST", "/perjanjian/{id}/ubah", ADMINS),
    ("POST", "/perjanjian/{id}/usulkan", SIGNED_IN),
    ("POST", "/perjanjian/{id}/dokumen", SIGNED_IN),
    ("POST", "/perjanjian/{id}/setujui", SIGNED_IN),
    ("POST", "/perjanjian/{id}/cabut", SIGNED_IN),
    ("POST", "/perjanjian/{id}/perbarui", SIGNED_IN),
    ("GET", "/akses-darurat", SIGNED_IN),
    ("POST", "/akses-darurat", SIGNED_IN),
    // ---- pages: audit
    ("GET", "/admin/audit", ADMINS),
    // ---- pages: early warning
    ("GET", "/peringatan", SIGNED_IN),
    ("GET", "/peringatan/area", SIGNED_IN),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/peringatan/area", SIGNED_IN),
    ("POST", "/peringatan/area/{id}/aktif", MANAGERS),
    ("GET", "/peringatan/area/{id}/ubah", MANAGERS),
    ("POST", "/peringatan/area/{id}/ubah", MANAGERS),
    ("GET", "/peringatan/aturan", SIGNED_IN),
    ("POST", "/peringatan/aturan", MANAGERS),
    ("POST", "/peringatan/aturan/{id}/aktif", MANAGERS),
    ("GET", "/peringatan/{id}", SIGNED_IN),
    ("GET", "/peringatan/{id}/kartu", SIGNED_IN),
    ("POST", "/peringatan/{id}/tanggapi", WRITERS),
    ("POST", "/peringatan/{id}/tindakan", WRITERS),
    ("POST", "/peringatan/{id}/tutup", WRITERS),
    ("GET", "/surat", SIGNED_IN),
    ("GET", "/surat/baru", MANAGERS),
    ("POST", "/surat/baru", MANAGERS),
    ("GET", "/surat/masuk-luar", MANAGERS),
    ("POST", "/surat/masuk-luar", MANAGERS),
    ("GET", "/surat/format", ADMINS),
    ("POST", "/surat/format", ADMINS),
    ("GET", "/surat/{id}", SIGNED_IN),
    ("POST", "/surat/{id}/kirim", SIGNED_IN),
    ("POST", "/surat/{id}/teruskan", SIGNED_IN),
    ("POST", "/surat/{id}/berkas", SIGNED_IN),
    ("GET", "/surat/{id}/surat.pdf", SIGNED_IN),
    ("POST", "/surat/{id}/disposisi", SIGNED_IN),
    ("POST", "/surat/disposisi/{id}/selesai", SIGNED_IN),
    ("GET", "/patroli", SIGNED_IN),
    ("GET", "/patroli/baru", WRITERS),
    ("POST", "/patroli/baru", WRITERS),
    ("POST", "/patroli/impor-gpx", SIGNED_IN),
    ("GET", "/patroli/{id}", SIGNED_IN),
    ("POST", "/patroli/{id}/status", SIGNED_IN),
    ("POST", "/patroli/{id}/gpx", SIGNED_IN),
    ("GET", "/patroli/{id}/jejak.gpx", SIGNED_IN),
    ("GET", "/patroli/ringkasan", SIGNED_IN),
    ("GET", "/patroli/{id}/laporan.pdf", SIGNED_IN),
    // An empty form dismisses, which analysts may not.
    ("POST", "/patroli/{id}/pengamatan/{observation}", WRITERS),
    // The empty report id is refused before the role is asked.
    ("POST", "/patroli/{id}/temuan", SIGNED_IN),
    ("GET", "/patroli/{id}/rekam", WRITERS),
    // ---- coordination pages
    ("GET", "/pokja", SIGNED_IN),
    ("GET", "/pokja/baru", MANAGERS),
    ("POST", "/pokja/baru", MANAGERS),
    ("GET", "/pokja/{id}", SIGNED_IN),
    ("POST", "/pokja/{id}/rapat", SIGNED_IN),
    ("GET", "/rapat/{id}", SIGNED_IN),
    ("GET", "/rapat/{id}/notulen.pdf", SIGNED_IN),
    ("GET", "/rapat/{id}/daftar-hadir.pdf", SIGNED_IN),
    // A private calendar address: the token is the credential; an unknown one is 404.
    ("GET", "/kalender/{file}", EVERYONE),
    ("POST", "/rapat/{id}/hadir", SIGNED_IN),
    ("POST", "/rapat/{id}/notulen", SIGNED_IN),
    ("POST", "/rapat/{id}/keputusan", SIGNED_IN),
    ("POST", "/rapat/{id}/tindak-lanjut", SIGNED_IN),
    ("POST", "/tindak-lanjut/{id}/status", SIGNED_IN),
    // ---- plans pages
    ("GET", "/pokja/{id}/rencana", SIGNED_IN),
    ("GET", "/pokja/{id}/dasbor", SIGNED_IN),
    ("GET", "/kewajiban", SIGNED_IN),
    ("POST", "/pokja/{id}/rencana", SIGNED_IN),
    ("GET", "/rencana/{id}", SIGNED_IN),
    ("POST", "/rencana/{id}/butir", SIGNED_IN),
    ("POST", "/butir-rencana/{id}/capaian", SIGNED_IN),
    ("POST", "/butir-rencana/{id}/bukti", SIGNED_IN),
    // ---- area profile pages
    ("GET", "/wilayah", SIGNED_IN),
    ("POST", "/wilayah", MANAGERS),
    ("GET", "/wilayah/{kode}", SIGNED_IN),
    ("POST", "/wilayah/{kode}/ubah", SIGNED_IN),
    ("POST", "/wilayah/{kode}/posko", SIGNED_IN),
    ("POST", "/wilayah/{kode}/posko/{id}/laporan", SIGNED_IN),
    // ---- the phone app's pages
    ("GET", "/kirim", SIGNED_IN),
    ("GET", "/kawal-desa", WRITERS),
    ("GET", "/satwa", SIGNED_IN),
    ("POST", "/satwa", MANAGERS),
    ("POST", "/satwa/perangkat", MANAGERS),
    // the body is read before the role check: the empty body is a 422 for everyone
    ("POST", "/satwa/pasang", SIGNED_IN),
    ("GET", "/satwa/{id}", SIGNED_IN),
];

/// Routes that end the caller's session: asked last, each with a session of its own.
const SIGN_OUTS: &[&str] = &[
    "/api/v1/auth/logout",
    "/keluar",
    "/akun/keamanan/keluar-semua",
];

/// A demo user of each role.
fn username(who: Who) -> Option<&'static str> {
    match who {
        Anonymous => None,
        FieldOfficer => Some("ranger.tnks"),
        Coordinator => Some("koordinator.tnks"),
        Analyst => Some("analis.polda.jambi"),
        AgencyAdmin => Some("admin.tnks"),
        SystemAdmin => Some("admin"),
    }
}

/// A value for a path parameter: one that names nothing.
fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closing brace") + start;
        out.push_str(match &rest[start + 1..end] {
            "username" => "tidak.ada",
            "serial" => "TIDAK-ADA",
            "code" => "99",
            _ => "01900000-0000-7000-8000-000000000000",
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The wall clock plus a shift the test moves on by one code step before each sign-in
/// of the system administrator, whose codes are each accepted once.
#[derive(Default)]
struct ShiftedClock(AtomicI64);

impl Clock for ShiftedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        sinergi_app::SystemClock.now() + chrono::Duration::seconds(self.0.load(Ordering::SeqCst))
    }
}

impl ShiftedClock {
    /// Moves on by one code step; answers the new time in Unix seconds.
    fn next_step(&self) -> i64 {
        self.0.fetch_add(30, Ordering::SeqCst);
        self.now().timestamp()
    }
}

struct Server {
    url: String,
    clock: Arc<ShiftedClock>,
    app: Arc<App>,
    http: Client,
    _dir: tempfile::TempDir,
    /// The system administrator's second factor (system administrators must have one).
    admin_totp: TotpSecret,
}

/// Sinergi with the demo data set, as `sinergi serve --demo` starts it; the system
/// administrator has set up a second factor.
async fn spawn() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ShiftedClock::default());
    let app = harness::app_with_clock(dir.path(), clock.clone(), |_| {}).await;
    sinergi_app::demo::load(&app).await.expect("demo");
    let issued = app
        .sign_in(None, "admin", PASSWORD, None, SessionKind::Browser)
        .await
        .expect("sign-in");
    let (user, actor, _) = app.authenticate(&issued.token).await.expect("session");
    let enrolment = app.start_enrolment(&user).await.expect("enrolment");
    let admin_totp = TotpSecret::parse_base32(&enrolment.secret).expect("secret");
    let code = admin_totp.code_at(clock.next_step());
    app.confirm_enrolment(&actor, &user, &code)
        .await
        .expect("confirm");
    let (url, _) = harness::listen(app.clone()).await;
    Server {
        url,
        clock,
        app,
        http: harness::browser(),
        _dir: dir,
        admin_totp,
    }
}

/// What a visitor holds: an API token and a browser session with its CSRF token.
struct Credentials {
    api: String,
    browser: String,
    csrf: String,
}

impl Server {
    async fn credentials(&self, who: Who) -> Option<Credentials> {
        let user = username(who)?;
        let mut tokens = Vec::new();
        for kind in [SessionKind::Api, SessionKind::Browser] {
            let code =
                (who == SystemAdmin).then(|| self.admin_totp.code_at(self.clock.next_step()));
            let issued = self
                .app
                .sign_in(None, user, PASSWORD, code.as_deref(), kind)
                .await
                .unwrap_or_else(|e| panic!("sign-in of {user}: {e:?}"));
            tokens.push(issued.token);
        }
        let browser = tokens.pop().expect("browser");
        let api = tokens.pop().expect("api");
        let home = self
            .http
            .get(format!("{}/", self.url))
            .header("cookie", format!("sinergi_session={browser}"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("html");
        let csrf = home
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("{user}: no CSRF token on the home page"))
            .to_string();
        Some(Credentials { api, browser, csrf })
    }

    /// Asks `method path` as `creds`; answers the status and the `Location` header.
    async fn ask(
        &self,
        method: &Method,
        path: &str,
        creds: Option<&Credentials>,
    ) -> (StatusCode, String) {
        let url = format!("{}{}", self.url, fill(path));
        let mut req = self.http.request(method.clone(), url);
        // GIS clients read `/ogc` with an API token, as the API.
        let api = path.starts_with("/api/") || path.starts_with("/ogc");
        if let Some(c) = creds {
            req = if api {
                req.bearer_auth(&c.api)
            } else {
                req.header("cookie", format!("sinergi_session={}", c.browser))
            };
        }
        if *method != Method::GET {
            req = if api {
                req.header("content-type", "application/json").body("{}")
            } else {
                let csrf = creds.map(|c| c.csrf.as_str()).unwrap_or("");
                req.form(&[("_csrf", csrf)])
            };
        }
        let r = req.send().await.expect("send");
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (r.status(), location)
    }
}

/// Whether an answer refuses the visitor: 401, 403, 404, or the way to the sign-in page.
fn refused(status: StatusCode, location: &str) -> bool {
    matches!(status.as_u16(), 401 | 403 | 404) || (status.is_redirection() && location == "/masuk")
}

/// Whether an answer lets the visitor past the role checks: anything but 401, 403 and
/// the way to the sign-in page (404 for a record that does not exist, 400 or 422 for the
/// empty body, 409, redirects after a form).
fn admitted(status: StatusCode, location: &str) -> bool {
    !(matches!(status.as_u16(), 401 | 403) || (status.is_redirection() && location == "/masuk"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_table_says() {
    let s = spawn().await;
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    // The routes and the methods each answers: a method a route does not have answers
    // 405 whoever asks.
    let mut routes = Vec::new();
    for path in sinergi_web::route_paths() {
        for m in &methods {
            let (status, _) = s.ask(m, &path, None).await;
            if status != StatusCode::METHOD_NOT_ALLOWED {
                routes.push((m.clone(), path.clone()));
            }
        }
    }
    let mut missing = Vec::new();
    for (m, path) in &routes {
        if !TABLE
            .iter()
            .any(|(tm, tp, _)| *tm == m.as_str() && tp == path)
        {
            missing.push(format!("{m} {path}"));
        }
    }
    assert!(
        missing.is_empty(),
        "routes the authorization table does not name: {missing:?}"
    );
    for (tm, tp, _) in TABLE {
        assert!(
            routes.iter().any(|(m, p)| m.as_str() == *tm && p == tp),
            "the table names {tm} {tp}, which is not routed"
        );
    }
    routes.sort_by_key(|(_, p)| SIGN_OUTS.contains(&p.as_str()));
    let mut wrong = Vec::new();
    for who in EVERYONE {
        let mut creds = s.credentials(*who).await;
        for (m, path) in &routes {
            let sign_out = SIGN_OUTS.contains(&path.as_str());
            if sign_out && who != &Anonymous {
                creds = s.credentials(*who).await;
            }
            let allowed = TABLE
                .iter()
                .find(|(tm, tp, _)| *tm == m.as_str() && tp == path)
                .map(|(_, _, w)| w.contains(who))
                .expect("named");
            let (status, location) = s.ask(m, path, creds.as_ref()).await;
            let ok = !status.is_server_error()
                && if allowed {
                    // A sign-out's own answer is the way to the sign-in page.
                    admitted(status, &location) || (sign_out && location == "/masuk")
                } else {
                    refused(status, &location)
                };
            if !ok {
                wrong.push(format!(
                    "{who:?} {m} {path}: {status} {location} (allowed: {allowed})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers outside the table:\n{}",
        wrong.join("\n")
    );
}
