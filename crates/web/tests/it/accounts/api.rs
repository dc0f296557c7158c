//! Accounts through the API: sign-in and sign-out, throttling, tokens and their scopes,
//! second factors, CSRF for cookie sessions, agencies, users and regions.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sinergi_core::totp::TotpSecret;

use crate::harness::jambi::*;

#[tokio::test]
async fn health_auth_and_sign_out() {
    let s = spawn().await;
    let r = s
        .http
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .http
        .get(format!("{}/api/v1/reports", s.url))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "petugas", "password": "wrong-password"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "nobody", "password": "wrong-password"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let t = s.token("petugas").await;
    let me: Value = s
        .get(&t, "/api/v1/me")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["agency"], "BNNK-BATANGHARI");
    assert_eq!(me["role"], "field_officer");
    let r = s
        .post(&t, "/api/v1/auth/logout")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s.get(&t, "/api/v1/me").send().await.expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled() {
    let s = spawn().await;
    for _ in 0..5 {
        let r = s
            .http
            .post(format!("{}/api/v1/auth/token", s.url))
            .json(&json!({"username": "polisi", "password": "bad-password"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "polisi", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert!(r.headers().contains_key("retry-after"));
    problem(r, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn agencies_users_and_regions() {
    let s = spawn().await;
    let admin = s.token("admin.bnnp").await;
    let r = s.post(&admin, "/api/v1/agencies").json(&json!({"code": "BNNK-TANJABTIM", "name": "BNNK Tanjung Jabung Timur", "kind": "narcotics_agency", "parent": "BNNP-JAMBI", "jurisdiction": ["15.07"]})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s.post(&admin, "/api/v1/agencies").json(&json!({"code": "POLRES-X", "name": "Polres", "kind": "police", "parent": "POLDA-JAMBI"})).send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .post(&admin, "/api/v1/agencies")
        .json(&json!({"code": "bad code", "name": "", "kind": "spaceship"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code", "name", "kind"]
    );
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru", "agency": "BNNK-TANJABTIM", "role": "field_officer", "password": "hutan-lindung-77"})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "raja", "agency": "BNNP-JAMBI", "role": "system_admin", "password": "hutan-lindung-77"})).send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru", "agency": "BNNP-JAMBI", "role": "analyst", "password": "short"})).send().await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["password"]
    );
    let users: Value = s
        .get(&admin, "/api/v1/users")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(
        names.contains(&"baru") && names.contains(&"petugas") && !names.contains(&"polisi"),
        "{names:?}"
    );

    let r: Value = s
        .get(&admin, "/api/v1/regions/31.73.07.1006")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["name"], "Kota Bambu Selatan");
    assert_eq!(r["parent"], "31.73.07");
    let r: Value = s
        .get(&admin, "/api/v1/regions/15")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["level"], "province");
    assert!(r["children_count"].as_u64().expect("n") >= 11);
    let r: Value = s
        .get(&admin, "/api/v1/regions?q=kapuas%20hulu")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["regions"][0]["code"], "61.06");
    let r: Value = s
        .get(&admin, "/api/v1/regions?lon=105.771172&lat=-5.047289")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let chain: Vec<&str> = r["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert_eq!(chain, ["18", "18.07", "18.07.21", "18.07.21.2011"]);
    let r = s
        .get(&admin, "/api/v1/regions?lon=95&lat=-8")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .get(&admin, "/api/v1/regions?lon=east&lat=-8")
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["lon"]
    );
}

/// The browser flow: sign in through the form, then every change made with the session
/// cookie needs the session's CSRF token, and signing out ends the session.
#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_for_changes() {
    let s = spawn().await;
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie_of = |r: &reqwest::Response, name: &str| -> String {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no {name} cookie"))
    };
    let form = http
        .get(format!("{}/masuk", s.url))
        .send()
        .await
        .expect("send");
    let login_cookie = cookie_of(&form, "sinergi_masuk");
    let html = form.text().await.expect("html");
    let login_csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("login csrf")
        .to_string();
    let r = http
        .post(format!("{}/masuk", s.url))
        .header("cookie", &login_cookie)
        .form(&[
            ("_csrf", login_csrf.as_str()),
            ("username", "petugas"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sinergi_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let session = cookie_of(&r, "sinergi_session");

    let me: Value = http
        .get(format!("{}/api/v1/me", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["username"], "petugas");
    let r = http
        .post(format!("{}/api/v1/reports", s.url))
        .header("cookie", &session)
        .json(&feature("Tanpa token", "internal"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let home = http
        .get(format!("{}/laporan/baru", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    let csrf = home
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let r = http
        .post(format!("{}/api/v1/reports", s.url))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .json(&feature("Dengan token", "internal"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(s.app.store.report_total().await.expect("total"), 1);

    let r = http
        .post(format!("{}/keluar", s.url))
        .header("cookie", &session)
        .form(&[("_csrf", "wrong")])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(format!("{}/keluar", s.url))
        .header("cookie", &session)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}/api/v1/me", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = http
        .get(format!("{}/laporan", s.url))
        .header("cookie", &session)
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "signed-out pages go to the sign-in form"
    );
}

/// Read-only tokens read but never change; tokens expire when asked; "sign out
/// everywhere" ends every session; weak passwords are refused.
#[tokio::test]
async fn token_scopes_revocation_and_password_rules() {
    let s = spawn().await;
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "read", "expires_in_days": 1})).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["scope"], "read");
    let read = v["token"].as_str().expect("token").to_string();
    assert_eq!(
        s.get(&read, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );
    let r = s
        .post(&read, "/api/v1/reports")
        .json(&feature("Lewat token baca", "internal"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "admin", "expires_in_days": 0})).send().await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["scope", "expires_in_days"]
    );

    let other = s.token("petugas").await;
    let r = s
        .post(&other, "/api/v1/users/me/sessions/revoke")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for t in [&read, &other] {
        assert_eq!(
            s.get(t, "/api/v1/me").send().await.expect("send").status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let k = s.token("koordinator").await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users/koordinator/sessions/revoke")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&k, "/api/v1/me").send().await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, "/api/v1/users/koordinator/sessions/revoke")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;

    for weak in ["password123!", "bismillah2025", "baru.sekali-2025"] {
        let r = s.post(&admin, "/api/v1/users").json(&json!({"username": "baru.sekali", "agency": "BNNP-JAMBI", "role": "analyst", "password": weak})).send().await.expect("send");
        assert_eq!(
            fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
            ["password"],
            "{weak}"
        );
    }
}

#[tokio::test]
async fn a_second_factor_guards_sign_in_and_system_admins_must_have_one() {
    let s = spawn().await;
    s.app
        .create_user(None, "root", "", "BNN", "system_admin", PASSWORD)
        .await
        .expect("user");
    let sign_in = |body: Value| {
        s.http
            .post(format!("{}/api/v1/auth/token", s.url))
            .json(&body)
            .send()
    };
    let root = s.token("root").await;
    let r = s.get(&root, "/api/v1/reports").send().await.expect("send");
    assert_eq!(
        problem(r, StatusCode::FORBIDDEN).await["code"],
        "totp_enrolment_required"
    );
    let me: Value = s
        .get(&root, "/api/v1/me/totp")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["enabled"], false);
    assert_eq!(me["mandatory"], true);
    let r = s.post(&root, "/api/v1/me/totp").send().await.expect("send");
    let v: Value = r.json().await.expect("json");
    let secret = TotpSecret::parse_base32(v["secret"].as_str().expect("secret")).expect("b32");
    let wrong = format!(
        "{:06}",
        (secret.code_at(now_s()).parse::<u32>().expect("n") + 1) % 1_000_000
    );
    let r = s
        .post(&root, "/api/v1/me/totp/confirm")
        .json(&json!({"code": wrong}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code"]
    );
    let r = s
        .post(&root, "/api/v1/me/totp/confirm")
        .json(&json!({"code": secret.code_at(now_s())}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = s.get(&root, "/api/v1/reports").send().await.expect("send");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "enrolled: the same session works"
    );
    let r = s.post(&root, "/api/v1/me/totp").send().await.expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // Signing in now needs the code.
    let r = sign_in(json!({"username": "root", "password": PASSWORD}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "totp_required"
    );
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": wrong}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated"
    );
    let r = sign_in(json!({"username": "root", "password": "wrong-password", "totp": secret.code_at(now_s() + 30)}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated"
    );
    // The next step's code (accepted for clock drift) is later than the one used to enrol.
    let code = secret.code_at(now_s() + 30);
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": code}))
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = sign_in(json!({"username": "root", "password": PASSWORD, "totp": code}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "unauthenticated",
        "a code works once"
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&root)
        .json(&json!({"code": secret.code_at(now_s())}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // Optional for others: a field officer turns it on, loses the phone, the agency's
    // administrator clears it and every session of theirs ends.
    let petugas = s.token("petugas").await;
    let lost = s.enrol(&petugas).await;
    let r = sign_in(json!({"username": "petugas", "password": PASSWORD}))
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::UNAUTHORIZED).await["code"],
        "totp_required"
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, "/api/v1/users/petugas/totp/reset")
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users/petugas/totp/reset")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s.get(&petugas, "/api/v1/me").send().await.expect("send");
    problem(r, StatusCode::UNAUTHORIZED).await;
    let petugas = s.token("petugas").await;
    // Turning it off oneself needs a current code.
    let again = s.enrol(&petugas).await;
    assert_ne!(again, lost, "a new secret each time");
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&petugas)
        .json(&json!({"code": "000000x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["code"]
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/me/totp", s.url))
        .bearer_auth(&petugas)
        .json(&json!({"code": again.code_at(now_s() + 30)}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    s.token("petugas").await;

    let v: Value = s
        .get(&root, "/api/v1/audit?action=totp_enable")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let who: Vec<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert_eq!(who, ["petugas", "petugas", "root"]);
}

/// Web pages are for browser sessions: an API token, above all a read-only one, can neither
/// open a form (and read its CSRF token) nor post one, nor with the token put in the cookie.
#[tokio::test]
async fn api_tokens_do_not_open_or_post_web_pages() {
    let s = spawn().await;
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = s.http.post(format!("{}/api/v1/auth/token", s.url)).json(&json!({"username": "petugas", "password": PASSWORD, "scope": "read", "expires_in_days": 1})).send().await.expect("send");
    let read = r.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let full = s.token("petugas").await;
    for token in [&read, &full] {
        let r = http
            .get(format!("{}/laporan/baru", s.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "the form needs a session"
        );
        assert_eq!(r.headers()["location"], "/masuk");
        let r = http
            .get(format!("{}/laporan/baru", s.url))
            .header("cookie", format!("sinergi_session={token}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "a token is no session");
        let r = http
            .post(format!("{}/laporan", s.url))
            .bearer_auth(token)
            .form(&[
                ("_csrf", "x"),
                ("type", "narcotics_arrest"),
                ("title", "Lewat halaman"),
            ])
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/masuk");
    }
    let list: Value = s
        .get(&full, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0);
}

/// A client connecting from another loopback address, as another office would.
fn client_from(addr: &str) -> Client {
    Client::builder()
        .local_address(addr.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client")
}

/// Guessing is slowed per address and overall, and cannot lock the owner out: five wrong
/// passwords from one address block that user name from that address only; an address that
/// keeps failing is answered 429 with Retry-After before any password is checked.
#[tokio::test]
async fn sign_in_limits_slow_guessers_without_locking_the_owner_out() {
    let s = spawn().await;
    let attempt = |http: Client, user: &'static str, password: &'static str| {
        let url = format!("{}/api/v1/auth/token", s.url);
        async move {
            http.post(url)
                .json(&json!({"username": user, "password": password}))
                .send()
                .await
                .expect("send")
        }
    };
    let stranger = client_from("127.0.0.2");
    for _ in 0..5 {
        let r = attempt(stranger.clone(), "polisi", "tebak-tebakan").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = attempt(stranger.clone(), "polisi", PASSWORD).await;
    problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    // The owner, elsewhere, still signs in.
    let owner = client_from("127.0.0.3");
    let r = attempt(owner.clone(), "polisi", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);

    // An address spraying many names runs out of attempts.
    let sprayer = client_from("127.0.0.4");
    let mut limited = None;
    for (i, user) in [
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12",
    ]
    .into_iter()
    .enumerate()
    {
        let r = attempt(sprayer.clone(), user, "tebak-tebakan").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .expect("header")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&retry), "{retry}");
            problem(r, StatusCode::TOO_MANY_REQUESTS).await;
            limited = Some(i);
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        limited,
        Some(10),
        "ten failed attempts per address, then 429"
    );
    // Refused attempts were never checked, so they left no audit entries.
    let failed = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "sign_in_failed")
        .count();
    assert_eq!(failed, 5 + 10);
    // Successful sign-ins from one address (an office behind one NAT) are not limited.
    for _ in 0..15 {
        assert_eq!(
            attempt(owner.clone(), "petugas", PASSWORD).await.status(),
            StatusCode::OK
        );
    }
}

/// An administrator adds a user (a capitalised name is lower-cased), edits them and resets
/// a lost password; a password an administrator typed must be replaced at first sign-in.
#[tokio::test]
async fn administrators_edit_users_and_reset_passwords() {
    let s = spawn().await;
    let admin = s.token("admin.bnnp").await;
    let r = s
        .post(&admin, "/api/v1/users")
        .json(&json!({"username": "Baru.Petugas", "agency": "BNNK-BATANGHARI", "role": "field_officer",
            "password": "sementara-dari-admin-1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let u: Value = r.json().await.expect("json");
    assert_eq!(u["username"], "baru.petugas");
    assert_eq!(u["must_change_password"], true);

    let sign_in = |password: &'static str| {
        let url = format!("{}/api/v1/auth/token", s.url);
        let http = s.http.clone();
        async move {
            let r = http
                .post(url)
                .json(&json!({"username": "BARU.petugas", "password": password}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::OK, "sign-in with {password}");
            r.json::<Value>().await.expect("json")["token"]
                .as_str()
                .expect("token")
                .to_string()
        }
    };
    let first = sign_in("sementara-dari-admin-1").await;
    let p = problem(
        s.get(&first, "/api/v1/reports").send().await.expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(p["code"], "password_change_required");
    assert_eq!(
        s.get(&first, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );
    for (body, field) in [
        (
            json!({"current_password": "salah-sama-sekali", "new_password": "milik-saya-sendiri-7"}),
            "current_password",
        ),
        (
            json!({"current_password": "sementara-dari-admin-1", "new_password": "pendek"}),
            "new_password",
        ),
    ] {
        let r = s
            .post(&first, "/api/v1/me/password")
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(
            fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
            [field]
        );
    }
    let r = s
        .post(&first, "/api/v1/me/password")
        .json(&json!({"current_password": "sementara-dari-admin-1", "new_password": "milik-saya-sendiri-7"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&first, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::UNAUTHORIZED,
        "every session ended"
    );
    let own = sign_in("milik-saya-sendiri-7").await;
    assert_eq!(
        s.get(&own, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::OK
    );

    // Editing: the administrator changes name and role; another agency's admin cannot see
    // the user; nobody grants a role above their own.
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"display_name": "Petugas Baru Batanghari", "role": "coordinator"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let edited: Value = r.json().await.expect("json");
    assert_eq!(edited["role"], "coordinator");
    assert_eq!(edited["display_name"], "Petugas Baru Batanghari");
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"role": "system_admin"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&admin)
        .json(&json!({"role": "kepala"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["role"]
    );
    s.app
        .create_user(
            None,
            "admin.polda",
            "",
            "POLDA-JAMBI",
            "agency_admin",
            PASSWORD,
        )
        .await
        .expect("user");
    let stranger = s.token("admin.polda").await;
    let r = s
        .http
        .patch(format!("{}/api/v1/users/baru.petugas", s.url))
        .bearer_auth(&stranger)
        .json(&json!({"role": "analyst"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;

    // A lost password: the administrator sets a temporary one; the user's sessions end and
    // the next sign-in must replace it again.
    let r = s
        .post(&admin, "/api/v1/users/baru.petugas/password")
        .json(&json!({"password": "sementara-kedua-22"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&own, "/api/v1/me")
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in("sementara-kedua-22").await;
    let me: Value = s
        .get(&again, "/api/v1/me")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(me["must_change_password"], true);
    let r = s
        .post(&stranger, "/api/v1/users/baru.petugas/password")
        .json(&json!({"password": "sementara-ketiga-33"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}
