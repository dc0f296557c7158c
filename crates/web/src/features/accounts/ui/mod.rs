//! The accounts pages: sign-in (`sign_in.rs`), one's own password and second factor
//! (`account.rs`), agencies and the user list (`admin.rs`), one user (`users.rs`) and the
//! system settings (`settings.rs`).

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod settings;
pub(crate) mod sign_in;
pub(crate) mod users;

use axum::routing::{get, post, MethodRouter};

use crate::features::Limits;
use crate::AppState;

pub(crate) fn routes(_: &Limits) -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/masuk", get(sign_in::sign_in_form).post(sign_in::sign_in)),
        (
            "/masuk/kode",
            get(sign_in::code_form).post(sign_in::code_submit),
        ),
        ("/keluar", post(sign_in::sign_out)),
        (
            "/akun/kata-sandi",
            get(account::password_form).post(account::change_password),
        ),
        ("/akun/keamanan", get(account::security)),
        ("/akun/keamanan/mulai", post(account::start)),
        ("/akun/keamanan/konfirmasi", post(account::confirm)),
        ("/akun/keamanan/matikan", post(account::disable)),
        ("/akun/kalender", post(account::calendar_issue)),
        ("/akun/kalender/cabut", post(account::calendar_revoke)),
        ("/akun/surel", post(account::set_email)),
        (
            "/akun/keamanan/keluar-semua",
            post(account::sign_out_everywhere),
        ),
        (
            "/admin/pengaturan",
            get(settings::settings).post(settings::save_settings),
        ),
        (
            "/admin/instansi",
            get(admin::agencies).post(admin::create_agency),
        ),
        ("/admin/instansi/atasan", post(admin::set_reporting_line)),
        (
            "/admin/pengguna",
            get(admin::users).post(admin::create_user),
        ),
        ("/admin/pengguna/{username}/aktif", post(admin::set_active)),
        (
            "/admin/pengguna/{username}",
            get(users::edit).post(users::update),
        ),
        (
            "/admin/pengguna/{username}/kata-sandi",
            post(users::reset_password),
        ),
        (
            "/admin/pengguna/{username}/reset-2fa",
            post(admin::reset_second_factor),
        ),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path.starts_with("/akun/keamanan") || path.starts_with("/akun/kalender") {
        return Some("/akun/keamanan".into());
    }
    if path.starts_with("/admin/pengguna/") {
        return Some("/admin/pengguna".into());
    }
    None
}

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "masuk.html",
        include_str!("../../../../templates/accounts/masuk.html"),
    ),
    (
        "masuk_kode.html",
        include_str!("../../../../templates/accounts/masuk_kode.html"),
    ),
    (
        "akun_keamanan.html",
        include_str!("../../../../templates/accounts/akun_keamanan.html"),
    ),
    (
        "akun_kata_sandi.html",
        include_str!("../../../../templates/accounts/akun_kata_sandi.html"),
    ),
    (
        "admin_instansi.html",
        include_str!("../../../../templates/accounts/admin_instansi.html"),
    ),
    (
        "admin_pengguna.html",
        include_str!("../../../../templates/accounts/admin_pengguna.html"),
    ),
    (
        "admin_pengguna_ubah.html",
        include_str!("../../../../templates/accounts/admin_pengguna_ubah.html"),
    ),
    (
        "admin_pengaturan.html",
        include_str!("../../../../templates/accounts/admin_pengaturan.html"),
    ),
];
