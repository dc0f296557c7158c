//! The UI's two languages: Bahasa Indonesia (the default) and English, chosen by the
//! `lang` cookie. Every text the UI shows comes from the one table below, so no page can
//! be English-only; templates read it as `t.key` and Rust code through [`tr`] with keys
//! written as `k!("key")`, which a test checks against the table.
//!
//! This module must never hold user data or anything but fixed UI text; validation
//! messages from the domain (English) are translated by prefix in [`core_message`].

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Object, Value};

/// Marks a dictionary key in Rust code, so the completeness test can find every key.
macro_rules! k {
    ($key:literal) => {
        $key
    };
}
pub(crate) use k;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// Picks the Indonesian or English one of two strings.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// (key, Bahasa Indonesia, English).
const ENTRIES: &[(&str, &str, &str)] = &[
    // Layout and navigation.
    ("switch_lang", "English", "Indonesia"),
    ("nav_label", "Menu utama", "Main menu"),
    ("nav_home", "Beranda", "Home"),
    ("nav_reports", "Laporan", "Reports"),
    ("nav_map", "Peta", "Map"),
    ("nav_new_report", "Laporan baru", "New report"),
    ("nav_agencies", "Instansi", "Agencies"),
    ("nav_users", "Pengguna", "Users"),
    ("sign_out", "Keluar", "Sign out"),
    (
        "footer",
        "koordinasi antarinstansi",
        "inter-agency coordination",
    ),
    // Sign-in.
    ("sign_in", "Masuk", "Sign in"),
    ("sign_in_title", "Masuk ke Sinergi", "Sign in to Sinergi"),
    (
        "sign_in_intro",
        "Gunakan akun yang diberikan admin instansi Anda.",
        "Use the account your agency's administrator gave you.",
    ),
    ("username", "Nama pengguna", "Username"),
    ("password", "Kata sandi", "Password"),
    (
        "login_failed",
        "Nama pengguna atau kata sandi salah, atau akun tidak aktif.",
        "Wrong username or password, or the account is inactive.",
    ),
    (
        "login_throttled",
        "Terlalu banyak percobaan gagal. Coba lagi dalam {n} menit.",
        "Too many failed attempts. Try again in {n} minutes.",
    ),
    (
        "login_form_expired",
        "Formulir masuk sudah kedaluwarsa. Silakan coba lagi.",
        "The sign-in form has expired. Please try again.",
    ),
    // Home.
    ("home_title", "Beranda", "Home"),
    ("home_welcome", "Selamat datang", "Welcome"),
    ("summary", "Ringkasan", "Summary"),
    (
        "reports_visible",
        "laporan yang dapat Anda lihat",
        "reports you can see",
    ),
    ("by_type", "Menurut jenis dan status", "By type and status"),
    ("total", "Jumlah", "Total"),
    (
        "no_reports_yet",
        "Belum ada laporan yang dapat Anda lihat.",
        "There are no reports you can see yet.",
    ),
    ("open_map", "Buka peta", "Open the map"),
    // Report list.
    ("reports_title", "Daftar laporan", "Reports"),
    ("filter", "Saring", "Filter"),
    (
        "filter_invalid",
        "Saringan tidak valid:",
        "The filter is not valid:",
    ),
    ("search_text", "Cari kata", "Search words"),
    ("type", "Jenis", "Type"),
    ("all_types", "Semua jenis", "All types"),
    ("status", "Status", "Status"),
    ("all_statuses", "Semua status", "All statuses"),
    ("agency", "Instansi", "Agency"),
    ("all_agencies", "Semua instansi", "All agencies"),
    ("region_code", "Kode wilayah", "Region code"),
    ("date_from", "Dari tanggal (WIB)", "From date (WIB)"),
    ("date_to", "Sampai tanggal (WIB)", "To date (WIB)"),
    ("apply_filter", "Terapkan", "Apply"),
    ("reset_filter", "Hapus saringan", "Clear filter"),
    ("export", "Ekspor", "Export"),
    ("title", "Judul", "Title"),
    ("occurred_at", "Waktu kejadian", "When it happened"),
    ("region", "Wilayah", "Region"),
    (
        "no_matching_reports",
        "Tidak ada laporan yang cocok.",
        "No matching reports.",
    ),
    ("pages", "Halaman", "Pages"),
    ("first_page", "Awal", "First"),
    ("next_page", "Berikutnya", "Next"),
    (
        "bad_date",
        "Tanggal harus berbentuk TTTT-BB-HH.",
        "The date must look like YYYY-MM-DD.",
    ),
    (
        "bad_date_range",
        "Tanggal akhir sebelum tanggal awal.",
        "The end date is before the start date.",
    ),
    // Report detail.
    ("location", "Lokasi", "Location"),
    ("owner_agency", "Instansi pemilik", "Owning agency"),
    ("author", "Pelapor", "Reported by"),
    ("sensitivity", "Tingkat kerahasiaan", "Sensitivity"),
    ("version", "Versi", "Version"),
    ("created_at", "Dibuat", "Created"),
    ("updated_at", "Diubah", "Updated"),
    ("description", "Uraian", "Description"),
    ("attributes", "Rincian", "Details"),
    ("no_attributes", "Tidak ada rincian.", "No details."),
    ("personal_data", "data pribadi", "personal data"),
    (
        "no_region",
        "Di luar wilayah yang dikenal",
        "Outside the known regions",
    ),
    ("geom_point", "Titik", "Point"),
    ("geom_line", "Garis/jalur", "Line"),
    ("geom_polygon", "Area", "Area"),
    ("points", "titik", "points"),
    (
        "map_of_report",
        "Peta lokasi laporan",
        "Map of the report's location",
    ),
    ("edit", "Ubah", "Edit"),
    ("change_status", "Ubah status", "Change status"),
    ("new_status", "Status baru", "New status"),
    ("note", "Catatan", "Note"),
    ("save_status", "Simpan status", "Save status"),
    ("attachments", "Lampiran", "Attachments"),
    (
        "no_attachments",
        "Belum ada lampiran.",
        "No attachments yet.",
    ),
    ("add_attachment", "Tambah lampiran", "Add an attachment"),
    ("upload", "Unggah", "Upload"),
    (
        "attachment_hint",
        "Foto (JPEG, PNG, WebP, GIF) atau PDF.",
        "Photos (JPEG, PNG, WebP, GIF) or PDF.",
    ),
    ("history", "Riwayat", "History"),
    (
        "no_history",
        "Belum ada riwayat perubahan (data impor).",
        "No recorded changes yet (imported data).",
    ),
    ("back_to_list", "Kembali ke daftar", "Back to the list"),
    (
        "stale_report",
        "Laporan telah diubah orang lain sejak Anda membukanya.",
        "Someone else changed this report since you opened it.",
    ),
    ("reload", "Muat ulang laporan", "Reload the report"),
    ("reload_form", "Muat ulang formulir", "Reload the form"),
    ("ev_created", "membuat laporan", "created the report"),
    ("ev_updated", "mengubah laporan", "changed the report"),
    ("ev_status", "mengubah status", "changed the status"),
    ("yes", "Ya", "Yes"),
    ("no", "Tidak", "No"),
    (
        "notice_created",
        "Laporan tersimpan.",
        "The report was saved.",
    ),
    (
        "notice_updated",
        "Perubahan tersimpan.",
        "The changes were saved.",
    ),
    (
        "notice_status",
        "Status diperbarui.",
        "The status was updated.",
    ),
    (
        "notice_attachment",
        "Lampiran tersimpan.",
        "The attachment was saved.",
    ),
    (
        "no_file",
        "Pilih berkas terlebih dahulu.",
        "Choose a file first.",
    ),
    (
        "file_type_refused",
        "Jenis berkas tidak diterima: hanya foto JPEG, PNG, WebP, GIF atau dokumen PDF.",
        "That file type is not accepted: only JPEG, PNG, WebP or GIF photos or PDF documents.",
    ),
    (
        "file_too_large",
        "Berkas terlalu besar.",
        "The file is too large.",
    ),
    // Photos with a new report and as thumbnails; the compact menu and the list's pages.
    ("photos", "Foto", "Photos"),
    (
        "photos_hint",
        "Ambil dengan kamera atau pilih dari galeri; paling banyak {n} foto, masing-masing sampai {mb} MB (JPEG, PNG, WebP atau GIF).",
        "Take them with the camera or choose them from the gallery; at most {n} photos of up to {mb} MB each (JPEG, PNG, WebP or GIF).",
    ),
    ("photo_take", "Ambil foto", "Take a photo"),
    ("photo_choose", "Pilih dari galeri", "Choose from the gallery"),
    (
        "photos_total_too_large",
        "Foto yang dipilih terlalu besar untuk dikirim sekaligus (paling banyak {n} MB). Pilih lebih sedikit foto; sisanya dapat ditambahkan di halaman laporan.",
        "The chosen photos are too large to send at once (at most {n} MB). Choose fewer photos and add the rest on the report's page.",
    ),
    (
        "photos_too_many",
        "Paling banyak {n} foto sekali simpan; sisanya dapat ditambahkan di halaman laporan.",
        "At most {n} photos per save; add the rest on the report's page.",
    ),
    (
        "photo_too_large",
        "terlalu besar (paling banyak {n} MB per foto)",
        "too large (at most {n} MB per photo)",
    ),
    ("photo_unnamed", "(foto tanpa nama)", "(unnamed photo)"),
    (
        "photos_choose_again",
        "Foto belum tersimpan karena formulir belum diterima: pilih fotonya lagi sebelum menyimpan.",
        "The photos were not saved because the form was not accepted: choose them again before saving.",
    ),
    (
        "photos_not_attached",
        "Laporan tersimpan, tetapi foto berikut belum terlampir: {files}. Unggah lagi di bawah.",
        "The report was saved, but these photos were not attached: {files}. Upload them again below.",
    ),
    ("photo_remove", "Hapus", "Remove"),
    ("photo_open", "Buka foto ukuran penuh", "Open the full-size photo"),
    ("nav_menu", "Menu", "Menu"),
    ("previous_page", "Sebelumnya", "Previous"),
    // Report form.
    ("new_report", "Laporan baru", "New report"),
    ("edit_report", "Ubah laporan", "Edit report"),
    (
        "form_has_errors",
        "Periksa isian berikut:",
        "Please check these fields:",
    ),
    (
        "open_existing",
        "Buka laporan yang sudah tersimpan",
        "Open the report already saved",
    ),
    ("required", "wajib", "required"),
    ("choose", "— pilih —", "— choose —"),
    (
        "choose_type",
        "— pilih jenis laporan —",
        "— choose a report type —",
    ),
    (
        "choose_type_first",
        "Pilih jenis laporan untuk melihat rinciannya.",
        "Choose a report type to see its details.",
    ),
    ("change_type", "Ganti jenis", "Change type"),
    ("time_zone", "Zona waktu", "Time zone"),
    (
        "sensitivity_hint",
        "Menentukan siapa yang boleh melihat laporan ini.",
        "Decides who may see this report.",
    ),
    (
        "location_hint",
        "Ketuk peta untuk memilih titik, atau ketik bujur dan lintang.",
        "Tap the map to choose the point, or type the longitude and latitude.",
    ),
    (
        "pick_on_map",
        "Peta untuk memilih lokasi",
        "Map to choose the location",
    ),
    ("longitude", "Bujur (lon)", "Longitude"),
    ("latitude", "Lintang (lat)", "Latitude"),
    ("use_my_location", "Pakai lokasi saya", "Use my location"),
    (
        "region_code_optional",
        "Kode wilayah (boleh kosong)",
        "Region code (optional)",
    ),
    (
        "region_code_hint",
        "Jika kosong, wilayah ditentukan dari lokasi.",
        "When empty, the region is found from the location.",
    ),
    ("save_report", "Simpan laporan", "Save report"),
    ("save_changes", "Simpan perubahan", "Save changes"),
    ("cancel", "Batal", "Cancel"),
    (
        "geometry_kept",
        "Laporan ini berupa garis atau area; biarkan bujur/lintang kosong untuk mempertahankannya.",
        "This report is a line or an area; leave longitude/latitude empty to keep it.",
    ),
    (
        "bad_datetime",
        "Isi tanggal dan jam kejadian.",
        "Enter the date and time it happened.",
    ),
    (
        "bad_coordinates",
        "Bujur dan lintang harus berupa angka, keduanya diisi.",
        "Longitude and latitude must both be numbers.",
    ),
    (
        "id_conflict",
        "Formulir ini sudah pernah dikirim dengan isi lain.",
        "This form was already submitted with different content.",
    ),
    ("zone_wib", "WIB (+7)", "WIB (+7)"),
    ("zone_wita", "WITA (+8)", "WITA (+8)"),
    ("zone_wit", "WIT (+9)", "WIT (+9)"),
    // Map.
    ("map_title", "Peta laporan", "Report map"),
    ("map_loading", "Memuat laporan…", "Loading reports…"),
    (
        "map_shown",
        "{n} laporan di area ini.",
        "{n} reports in this area.",
    ),
    (
        "map_limited",
        "Menampilkan {n} laporan terbaru; perbesar peta untuk melihat lainnya.",
        "Showing the {n} newest reports; zoom in to see the others.",
    ),
    (
        "map_failed",
        "Laporan gagal dimuat. Periksa sambungan lalu geser peta untuk mencoba lagi.",
        "The reports could not be loaded. Check the connection, then move the map to try again.",
    ),
    (
        "map_needs_js",
        "Peta memerlukan JavaScript. Daftar laporan tetap dapat dipakai:",
        "The map needs JavaScript. The report list works without it:",
    ),
    ("open_report", "Buka laporan", "Open report"),
    // Administration.
    ("agencies_title", "Instansi", "Agencies"),
    ("jurisdiction", "wilayah", "regions"),
    ("add_agency", "Tambah instansi", "Add an agency"),
    ("agency_code", "Kode instansi", "Agency code"),
    ("agency_name", "Nama instansi", "Agency name"),
    ("agency_kind", "Jenis instansi", "Kind of agency"),
    ("parent_agency", "Instansi induk", "Parent agency"),
    ("no_parent", "— tanpa induk —", "— no parent —"),
    (
        "jurisdiction_codes",
        "Kode wilayah kerja (pisahkan dengan koma)",
        "Region codes of its area (comma-separated)",
    ),
    (
        "notice_agency",
        "Instansi ditambahkan.",
        "The agency was added.",
    ),
    ("users_title", "Pengguna", "Users"),
    ("display_name", "Nama lengkap", "Full name"),
    ("role", "Peran", "Role"),
    ("state", "Keadaan", "State"),
    ("actions", "Tindakan", "Actions"),
    ("active", "Aktif", "Active"),
    ("inactive", "Nonaktif", "Inactive"),
    ("activate", "Aktifkan", "Activate"),
    ("deactivate", "Nonaktifkan", "Deactivate"),
    (
        "confirm_deactivate",
        "Nonaktifkan pengguna ini? Semua sesinya akan diakhiri.",
        "Deactivate this user? All their sessions will end.",
    ),
    ("add_user", "Tambah pengguna", "Add a user"),
    (
        "username_hint",
        "Huruf kecil, angka, titik, garis bawah atau tanda hubung.",
        "Lower-case letters, digits, dots, underscores or hyphens.",
    ),
    ("initial_password", "Kata sandi awal", "Initial password"),
    (
        "password_hint",
        "Paling sedikit 10 karakter.",
        "At least 10 characters.",
    ),
    (
        "notice_user",
        "Pengguna ditambahkan.",
        "The user was added.",
    ),
    (
        "notice_activated",
        "Pengguna diaktifkan.",
        "The user was activated.",
    ),
    (
        "notice_deactivated",
        "Pengguna dinonaktifkan.",
        "The user was deactivated.",
    ),
    // Statuses, sensitivities, roles and agency kinds.
    ("status_new", "Baru", "New"),
    ("status_verified", "Terverifikasi", "Verified"),
    ("status_in_progress", "Ditangani", "In progress"),
    ("status_closed", "Selesai", "Closed"),
    ("sens_public", "Publik", "Public"),
    ("sens_internal", "Internal", "Internal"),
    ("sens_restricted", "Terbatas", "Restricted"),
    ("sens_secret", "Rahasia", "Secret"),
    ("role_field_officer", "Petugas lapangan", "Field officer"),
    ("role_coordinator", "Koordinator", "Coordinator"),
    ("role_analyst", "Analis", "Analyst"),
    (
        "role_agency_admin",
        "Admin instansi",
        "Agency administrator",
    ),
    ("role_system_admin", "Admin sistem", "System administrator"),
    ("kind_police", "Kepolisian", "Police"),
    (
        "kind_park_authority",
        "Pengelola kawasan konservasi",
        "Park authority",
    ),
    (
        "kind_narcotics_agency",
        "Badan Narkotika",
        "Narcotics agency",
    ),
    (
        "kind_local_government",
        "Pemerintah daerah",
        "Local government",
    ),
    ("kind_military", "TNI", "Military"),
    ("kind_prosecutor", "Kejaksaan", "Prosecutor"),
    ("kind_court", "Pengadilan", "Court"),
    ("kind_immigration", "Imigrasi", "Immigration"),
    ("kind_village", "Desa/Kelurahan", "Village"),
    ("kind_ngo", "LSM", "NGO"),
    ("kind_other", "Lainnya", "Other"),
    // Error pages.
    ("request_id", "Nomor permintaan", "Request id"),
    ("back_home", "Kembali ke beranda", "Back to home"),
    ("err_404_title", "Tidak ditemukan", "Not found"),
    (
        "err_404_text",
        "Halaman atau data ini tidak ada, atau Anda tidak berhak melihatnya.",
        "This page or record does not exist, or you may not see it.",
    ),
    ("err_403_title", "Tidak diizinkan", "Not allowed"),
    (
        "err_403_text",
        "Peran Anda tidak mengizinkan tindakan ini.",
        "Your role does not allow this.",
    ),
    (
        "err_csrf_text",
        "Formulir ini tidak sah atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi.",
        "This form is not valid or has expired. Reload the page and try again.",
    ),
    ("err_500_title", "Terjadi kesalahan", "Something went wrong"),
    (
        "err_500_text",
        "Terjadi kesalahan di server. Sebutkan nomor permintaan saat melaporkannya.",
        "Something went wrong on the server. Quote the request id when reporting it.",
    ),
    (
        "err_503_text",
        "Server sedang sibuk memulihkan diri. Tidak ada yang tersimpan; kirim ulang sebentar lagi.",
        "The server is recovering. Nothing was saved; send it again in a moment.",
    ),
    ("err_400_title", "Permintaan tidak valid", "Invalid request"),
    (
        "err_400_text",
        "Isian yang dikirim tidak dapat diproses.",
        "The submitted data could not be processed.",
    ),
    ("err_409_title", "Bentrok", "Conflict"),
    (
        "err_409_text",
        "Data ini bentrok dengan data yang sudah ada.",
        "This conflicts with existing data.",
    ),
    (
        "err_413_text",
        "Kiriman terlalu besar.",
        "The upload is too large.",
    ),
    (
        "err_415_text",
        "Jenis berkas tidak diterima.",
        "That file type is not accepted.",
    ),
    (
        "err_429_text",
        "Terlalu banyak percobaan. Coba lagi nanti.",
        "Too many attempts. Try again later.",
    ),
    (
        "self_deactivate",
        "Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "You cannot deactivate your own account.",
    ),
    // A domain message without Indonesian words (see core_message).
    ("field_other", "Isian lain", "Another field"),
    (
        "err_value_refused",
        "isian ini tidak dapat diterima",
        "this value is not accepted",
    ),
    // Agreements.
    ("nav_agreements", "Perjanjian", "Agreements"),
    (
        "agreements_title",
        "Perjanjian berbagi data",
        "Data-sharing agreements",
    ),
    (
        "agreements_intro",
        "Perjanjian yang melibatkan instansi Anda. Data hanya mengalir selama perjanjian aktif dan masih berlaku.",
        "Agreements your agency is party to. Data flows only while an agreement is active and in force.",
    ),
    ("propose_agreement", "Usulkan perjanjian", "Propose an agreement"),
    ("submit_proposal", "Kirim usulan", "Submit the proposal"),
    ("agreement_number", "Nomor", "Number"),
    ("parties", "Para pihak", "Parties"),
    ("validity", "Masa berlaku", "Validity"),
    (
        "no_agreements",
        "Belum ada perjanjian yang melibatkan instansi Anda.",
        "There are no agreements your agency is party to yet.",
    ),
    ("ag_draft", "draf", "draft"),
    ("ag_proposed", "diusulkan", "proposed"),
    ("ag_active", "aktif", "active"),
    ("ag_expired", "kedaluwarsa", "expired"),
    ("ag_revoked", "dicabut", "revoked"),
    ("legal_basis", "Dasar hukum", "Legal basis"),
    (
        "legal_basis_optional",
        "Dasar hukum (boleh kosong)",
        "Legal basis (optional)",
    ),
    ("valid_from", "Berlaku mulai", "Valid from"),
    ("valid_until", "Berlaku sampai", "Valid until"),
    ("proposed_by", "Diusulkan oleh", "Proposed by"),
    ("approved", "sudah menyetujui", "approved"),
    ("not_approved", "belum menyetujui", "not yet approved"),
    ("what_flows", "Data apa mengalir ke mana", "What flows where"),
    ("clauses", "Klausul", "Clauses"),
    ("clause_n", "Klausul {n}", "Clause {n}"),
    ("clause_from", "Dari (pemilik data)", "From (data owner)"),
    ("clause_to", "Kepada", "To"),
    ("clause_what", "Jenis laporan", "Report types"),
    (
        "clause_max_sens",
        "Kerahasiaan tertinggi",
        "Highest sensitivity",
    ),
    ("clause_withheld", "Kolom disembunyikan", "Withheld fields"),
    ("clause_precision", "Ketepatan lokasi", "Location precision"),
    ("clause_sub", "Termasuk sub-instansi", "Including sub-agencies"),
    ("any_party", "Setiap pihak", "Any party"),
    ("category", "Kategori", "Category"),
    ("whole_category", "Seluruh kategori", "Whole category"),
    ("none_word", "tidak ada", "none"),
    ("prec_exact", "Tepat", "Exact"),
    ("prec_grid", "Dibulatkan {n} km", "Rounded to {n} km"),
    (
        "prec_region",
        "Hanya wilayah (titik tengah kecamatan)",
        "Region only (centre of the district)",
    ),
    (
        "approve_for_my_agency",
        "Setujui untuk instansi saya",
        "Approve for my agency",
    ),
    (
        "approve_hint",
        "Persetujuan Anda mewakili {agency}. Perjanjian menjadi aktif setelah semua pihak menyetujui.",
        "Your approval is given on behalf of {agency}. The agreement becomes active once every party has approved.",
    ),
    ("revoke", "Cabut", "Revoke"),
    ("revoke_agreement", "Cabut perjanjian", "Revoke the agreement"),
    (
        "revoke_statement",
        "Saya mengerti: setelah dicabut, tidak ada lagi data yang mengalir berdasarkan perjanjian ini, dan pencabutan tidak dapat dibatalkan.",
        "I understand: once revoked, no data flows under this agreement any more, and revoking cannot be undone.",
    ),
    (
        "revoke_tick_first",
        "Centang pernyataan di atas untuk mencabut.",
        "Tick the statement above to revoke.",
    ),
    (
        "confirm_revoke_agreement",
        "Cabut perjanjian ini sekarang?",
        "Revoke this agreement now?",
    ),
    (
        "notice_ag_proposed",
        "Perjanjian diusulkan. Setiap pihak perlu menyetujuinya.",
        "The agreement was proposed. Every party needs to approve it.",
    ),
    (
        "notice_ag_approved",
        "Persetujuan instansi Anda tercatat.",
        "Your agency's approval was recorded.",
    ),
    (
        "notice_ag_revoked",
        "Perjanjian dicabut.",
        "The agreement was revoked.",
    ),
    (
        "ag_not_proposed",
        "Perjanjian ini tidak sedang menunggu persetujuan.",
        "This agreement is not waiting for approval.",
    ),
    (
        "ag_already_revoked",
        "Perjanjian ini sudah dicabut.",
        "This agreement is already revoked.",
    ),
    (
        "ag_changed",
        "Perjanjian ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.",
        "Someone else just changed this agreement. Reload the page and try again.",
    ),
    (
        "back_to_agreements",
        "Kembali ke daftar perjanjian",
        "Back to the agreements",
    ),
    (
        "number_hint",
        "Nomor dokumen perjanjian, mis. PKS/01/2025.",
        "The document's number, e.g. PKS/01/2025.",
    ),
    (
        "parties_hint",
        "Pilih semua instansi yang menjadi pihak. Di komputer, tahan Ctrl untuk memilih lebih dari satu.",
        "Choose every agency that is a party. On a computer, hold Ctrl to choose several.",
    ),
    (
        "clause_to_hint",
        "Instansi penerima; harus termasuk para pihak.",
        "Receiving agencies; they must be parties.",
    ),
    (
        "clause_what_hint",
        "Centang seluruh kategori atau jenis laporan tertentu.",
        "Tick whole categories or single report types.",
    ),
    (
        "withheld_hint",
        "Centang kolom yang tidak ikut dibagikan (mis. nama terduga pelaku atau korban).",
        "Tick the fields that are not shared (e.g. names of suspects or victims).",
    ),
    ("add_clause", "Tambah klausul", "Add a clause"),
    (
        "empty_clauses_ignored",
        "Klausul yang dibiarkan kosong diabaikan.",
        "Clauses left empty are ignored.",
    ),
    (
        "need_clause",
        "Isi paling sedikit satu klausul: penerima dan jenis laporan.",
        "Fill in at least one clause: who receives, and which report types.",
    ),
    (
        "not_party_admin",
        "Anda hanya dapat mengusulkan perjanjian yang melibatkan instansi Anda.",
        "You can only propose agreements your own agency is party to.",
    ),
    ("cat_forestry_crime", "Kejahatan kehutanan", "Forestry crime"),
    ("cat_wildlife_crime", "Kejahatan satwa liar", "Wildlife crime"),
    ("cat_fire", "Kebakaran hutan dan lahan", "Forest and land fire"),
    (
        "cat_wildlife_conflict",
        "Konflik manusia–satwa",
        "Human–wildlife conflict",
    ),
    ("cat_wildlife", "Satwa liar", "Wildlife"),
    ("cat_trafficking", "Perdagangan orang", "Human trafficking"),
    ("cat_narcotics", "Narkotika", "Narcotics"),
    ("cat_community", "Kegiatan masyarakat", "Community"),
    ("cat_patrol", "Patroli", "Patrol"),
    // Sharing on the report page.
    (
        "shared_notice",
        "Dibagikan kepada instansi Anda berdasarkan perjanjian; kolom disembunyikan: {fields}; {place}.",
        "Shared with your agency under an agreement; withheld fields: {fields}; {place}.",
    ),
    (
        "sensitive_notice",
        "Jenis laporan ini peka lokasi: di luar instansi pemilik, {place}.",
        "This report type is location-sensitive: outside the owner agency, {place}.",
    ),
    (
        "shared_read_only",
        "Salinan bersama hanya untuk dibaca dan tidak menyertakan lampiran.",
        "Shared copies are read-only and carry no attachments.",
    ),
    ("place_exact", "lokasi tepat", "the exact location"),
    (
        "place_grid",
        "lokasi dibulatkan {n} km",
        "the location is rounded to {n} km",
    ),
    (
        "place_region",
        "lokasi hanya sampai wilayah",
        "the location is shown only by region",
    ),
    ("withheld_value", "(disembunyikan)", "(withheld)"),
    // Coarsened locations: never shown more precisely than delivered.
    ("loc_rounded", "{coords} (± {n} km)", "{coords} (± {n} km)"),
    (
        "loc_region_centre",
        "Pusat wilayah {name} (bukan lokasi kejadian; kejadian di dalam wilayah itu)",
        "Centre of {name} (not where it happened; it happened within that area)",
    ),
    (
        "loc_region_unknown",
        "Hanya pusat wilayah (bukan lokasi kejadian)",
        "Region centre only (not where it happened)",
    ),
    (
        "loc_map_grid",
        "Kotak pada peta adalah sel {n} km tempat kejadian berada, bukan titik kejadian.",
        "The box on the map is the {n} km cell the event lies in, not the point where it happened.",
    ),
    (
        "loc_map_region",
        "Lingkaran pada peta adalah perkiraan wilayah tempat kejadian berada, bukan titik kejadian.",
        "The circle on the map is the rough area the event lies in, not the point where it happened.",
    ),
    ("map_prec_grid", "Lokasi ± {n} km (dibulatkan)", "Location ± {n} km (rounded)"),
    (
        "map_prec_region",
        "Hanya pusat wilayah; lokasi sebenarnya di wilayah itu",
        "Region centre only; the real location is within that area",
    ),
    ("shared_with", "Dibagikan kepada", "Shared with"),
    ("referrals", "Rujukan", "Referrals"),
    (
        "no_referrals",
        "Laporan ini belum dirujuk ke instansi lain.",
        "This report has not been referred to another agency.",
    ),
    ("reason", "Alasan", "Reason"),
    ("until", "Sampai", "Until"),
    ("ref_active", "aktif", "active"),
    ("ref_ended", "berakhir", "ended"),
    ("ref_revoked", "dicabut", "revoked"),
    (
        "confirm_revoke_referral",
        "Cabut rujukan ini? Instansi tersebut tidak dapat melihat laporan ini lagi.",
        "Revoke this referral? That agency will no longer see this report.",
    ),
    ("refer_title", "Rujuk ke instansi lain", "Refer to another agency"),
    (
        "refer_hint",
        "Instansi tujuan dapat melihat laporan ini sampai waktu yang Anda tentukan (paling lama 366 hari).",
        "The agency can see this report until the time you set (at most 366 days).",
    ),
    ("until_zone", "Sampai (waktu {zone})", "Until ({zone} time)"),
    ("refer_submit", "Rujuk", "Refer"),
    (
        "notice_referred",
        "Laporan dirujuk.",
        "The report was referred.",
    ),
    (
        "notice_referral_revoked",
        "Rujukan dicabut.",
        "The referral was revoked.",
    ),
    (
        "referral_already_ended",
        "Rujukan ini sudah berakhir atau dicabut.",
        "This referral has already ended or been revoked.",
    ),
    (
        "refer_forbidden",
        "Hanya pelapor, koordinator atau admin instansi pemilik yang dapat merujuk laporan ini.",
        "Only the author, or the owner agency's coordinators and admins, may refer this report.",
    ),
    (
        "revoke_referral_forbidden",
        "Hanya pembuat rujukan, atau koordinator dan admin instansi pemilik, yang dapat mencabutnya.",
        "Only whoever made the referral, or the owner agency's coordinators and admins, may revoke it.",
    ),
    (
        "agreements_sharing",
        "Perjanjian yang membagikan laporan ini",
        "Agreements that share this report",
    ),
    (
        "no_agreements_sharing",
        "Tidak ada perjanjian berlaku yang membagikan laporan ini.",
        "No agreement in force shares this report.",
    ),
    ("word_agreement", "Perjanjian", "Agreement"),
    ("word_to", "ke", "to"),
    ("word_without", "tanpa", "without"),
    ("word_location", "lokasi", "location"),
    ("with_sub", "beserta sub-instansi", "with sub-agencies"),
    ("prec_short_exact", "tepat", "exact"),
    ("prec_short_region", "hanya wilayah", "region only"),
    // Audit trail.
    ("nav_audit", "Jejak audit", "Audit trail"),
    ("audit_title", "Jejak audit", "Audit trail"),
    (
        "audit_intro",
        "Catatan berantai hash, terbaru di atas. Waktu dalam WIB.",
        "Hash-chained entries, newest first. Times in WIB.",
    ),
    ("audit_actor", "Pelaku (nama pengguna)", "Actor (username)"),
    ("audit_record", "ID data", "Record id"),
    ("audit_action", "Tindakan", "Action"),
    ("all_actions", "Semua tindakan", "All actions"),
    ("audit_seq", "No.", "Seq"),
    ("audit_time", "Waktu (WIB)", "Time (WIB)"),
    ("audit_detail", "Rincian", "Detail"),
    ("audit_hash", "Hash", "Hash"),
    ("download_csv", "Unduh CSV", "Download CSV"),
    (
        "no_audit",
        "Tidak ada catatan yang cocok.",
        "No matching entries.",
    ),
    ("act_sign_in", "Masuk", "Signed in"),
    ("act_sign_in_failed", "Gagal masuk", "Failed sign-in"),
    ("act_sign_out", "Keluar", "Signed out"),
    ("act_report_create", "Membuat laporan", "Created a report"),
    ("act_report_update", "Mengubah laporan", "Changed a report"),
    ("act_report_read", "Membaca laporan rahasia", "Read a sensitive report"),
    ("act_report_export", "Mengekspor laporan", "Exported reports"),
    ("act_attachment_add", "Menambah lampiran", "Added an attachment"),
    ("act_attachment_read", "Mengunduh lampiran", "Downloaded an attachment"),
    ("act_agency_create", "Menambah instansi", "Added an agency"),
    ("act_user_create", "Menambah pengguna", "Added a user"),
    ("act_user_activate", "Mengaktifkan pengguna", "Activated a user"),
    ("act_user_deactivate", "Menonaktifkan pengguna", "Deactivated a user"),
    ("act_user_update", "Mengubah data pengguna", "Changed a user"),
    ("pw_title", "Kata sandi", "Password"),
    ("pw_must_title", "Pilih kata sandi Anda sendiri", "Choose your own password"),
    (
        "pw_must_text",
        "Kata sandi akun ini diatur oleh administrator. Gantilah dengan kata sandi yang hanya Anda ketahui sebelum melanjutkan.",
        "An administrator set this account's password. Replace it with one only you know before going on.",
    ),
    ("pw_current", "Kata sandi saat ini", "Current password"),
    ("pw_new", "Kata sandi baru", "New password"),
    ("pw_confirm", "Ulangi kata sandi baru", "New password again"),
    (
        "pw_rules",
        "Minimal 10 karakter; jangan memakai nama pengguna atau kata sandi yang umum.",
        "At least 10 characters; not your user name or a common password.",
    ),
    ("pw_mismatch", "Kedua kata sandi baru tidak sama.", "The two new passwords differ."),
    ("pw_submit", "Ganti kata sandi", "Change password"),
    (
        "pw_changed",
        "Kata sandi diganti. Semua sesi telah berakhir; silakan masuk lagi dengan kata sandi baru.",
        "Password changed. Every session has ended; sign in again with the new password.",
    ),
    ("pw_link", "Ganti kata sandi", "Change password"),
    ("edit_user", "Ubah pengguna", "Edit user"),
    ("user_details", "Data pengguna", "User details"),
    (
        "own_role_fixed",
        "Anda tidak dapat mengubah peran Anda sendiri.",
        "You cannot change your own role.",
    ),
    (
        "role_not_grantable",
        "Anda tidak boleh memberikan peran itu.",
        "You may not grant that role.",
    ),
    ("reset_password", "Atur ulang kata sandi", "Reset password"),
    (
        "reset_password_text",
        "Untuk pengguna yang lupa kata sandinya. Semua sesinya berakhir, dan ia wajib memilih kata sandinya sendiri saat masuk berikutnya. Sampaikan kata sandi sementara ini lewat jalur yang aman.",
        "For a user who forgot their password. Every session of theirs ends, and they must choose their own password at the next sign-in. Pass this temporary password on by a safe channel.",
    ),
    ("notice_user_changed", "Data pengguna disimpan.", "User details saved."),
    (
        "notice_password_reset",
        "Kata sandi sementara disimpan; pengguna wajib menggantinya saat masuk berikutnya.",
        "Temporary password saved; the user must replace it at the next sign-in.",
    ),
    ("act_password_change", "Mengganti kata sandi sendiri", "Changed their password"),
    ("act_password_reset", "Mengatur ulang kata sandi pengguna", "Reset a user's password"),
    ("act_agreement_create", "Mengusulkan perjanjian", "Proposed an agreement"),
    ("act_agreement_approve", "Menyetujui perjanjian", "Approved an agreement"),
    ("act_agreement_revoke", "Mencabut perjanjian", "Revoked an agreement"),
    ("act_referral_create", "Merujuk laporan", "Referred a report"),
    ("act_referral_revoke", "Mencabut rujukan", "Revoked a referral"),
    (
        "act_break_glass",
        "Akses darurat (break-glass)",
        "Emergency access (break-glass)",
    ),
    ("act_setting_change", "Mengubah pengaturan", "Changed a setting"),
    // Audit actions and record kinds not named above.
    ("act_warning_setup", "Mengatur peringatan dini", "Set up early warning"),
    ("act_alert_respond", "Menanggapi peringatan", "Responded to an alert"),
    ("act_import", "Mengimpor data", "Imported data"),
    ("rt_report", "laporan", "report"),
    ("rt_agreement", "perjanjian", "agreement"),
    ("rt_user", "pengguna", "user"),
    ("rt_agency", "instansi", "agency"),
    ("rt_setting", "pengaturan", "setting"),
    ("rt_alert", "peringatan", "alert"),
    ("rt_device", "perangkat", "device"),
    ("rt_fence", "area", "area"),
    ("rt_rule", "aturan", "rule"),
    ("rt_subject", "satwa", "animal"),
    ("rt_webhook", "webhook", "webhook"),
    // Emergency access (break-glass) and system settings.
    ("nav_settings", "Pengaturan", "Settings"),
    ("eg_title", "Akses darurat", "Emergency access"),
    (
        "eg_intro",
        "Dalam keadaan mendesak Anda dapat membuka satu laporan terbatas milik instansi lain yang tidak dibagikan kepada Anda, untuk Anda sendiri selama {hours} jam.",
        "In an emergency you may open one restricted report of another agency that is not shared with you, for yourself alone, for {hours} hours.",
    ),
    (
        "eg_rule_one",
        "Satu laporan saja, dan hanya laporan terbatas; akses berakhir sendiri setelah {hours} jam.",
        "One report only, and only a restricted one; access ends by itself after {hours} hours.",
    ),
    (
        "eg_rule_justification",
        "Anda wajib menulis alasan, paling sedikit 10 karakter.",
        "You must write a justification of at least 10 characters.",
    ),
    (
        "eg_rule_audit",
        "Setiap akses darurat dicatat dalam jejak audit instansi pemilik laporan, beserta alasannya, dan dapat dilihat oleh administratornya.",
        "Every emergency access is recorded, with its justification, in the audit trail of the agency that owns the report, where its administrators can see it.",
    ),
    (
        "eg_rule_secret",
        "Laporan rahasia tidak pernah dapat dibuka dengan akses darurat.",
        "Secret reports can never be opened by emergency access.",
    ),
    ("eg_report_id", "ID laporan", "Report id"),
    (
        "eg_report_id_hint",
        "ID berbentuk UUID, misalnya 0190f5a2-…, seperti pada alamat halaman laporan.",
        "A UUID such as 0190f5a2-…, as in the address of the report's page.",
    ),
    ("eg_justification", "Alasan", "Justification"),
    (
        "eg_justification_hint",
        "Jelaskan mengapa Anda memerlukan laporan ini sekarang (10–2000 karakter).",
        "Explain why you need this report now (10–2000 characters).",
    ),
    ("eg_submit", "Buka dengan akses darurat", "Open with emergency access"),
    (
        "eg_role_not_allowed",
        "Peran Anda ({role}) tidak diizinkan menggunakan akses darurat.",
        "Your role ({role}) may not use emergency access.",
    ),
    (
        "eg_not_found",
        "Tidak ada laporan dengan ID tersebut.",
        "There is no report with that id.",
    ),
    (
        "eg_already",
        "Anda sudah dapat melihat laporan ini; akses darurat tidak diperlukan.",
        "You can already see this report; emergency access is not needed.",
    ),
    ("eg_open_report", "Buka laporan", "Open the report"),
    ("eg_id_required", "wajib diisi", "required"),
    (
        "eg_bad_id",
        "bukan ID laporan yang sah (UUID)",
        "not a valid report id (UUID)",
    ),
    (
        "eg_justification_short",
        "tulis alasan antara 10 dan 2000 karakter",
        "write a justification of 10 to 2000 characters",
    ),
    (
        "eg_list_hint",
        "Tidak menemukan laporan yang Anda perlukan?",
        "Cannot find the report you need?",
    ),
    (
        "eg_404_hint",
        "Laporan ini mungkin milik instansi lain dan tidak dibagikan kepada Anda.",
        "This report may belong to another agency and not be shared with you.",
    ),
    ("eg_404_link", "Minta akses darurat", "Request emergency access"),
    ("settings_title", "Pengaturan sistem", "System settings"),
    (
        "settings_bg_legend",
        "Peran yang boleh menggunakan akses darurat",
        "Roles that may use emergency access",
    ),
    (
        "settings_bg_hint",
        "Akses darurat membuka satu laporan terbatas selama {hours} jam dengan alasan tertulis. Bawaan: koordinator dan admin instansi.",
        "Emergency access opens one restricted report for {hours} hours with a written justification. Default: coordinators and agency admins.",
    ),
    ("settings_save", "Simpan", "Save"),
    ("settings_saved", "Pengaturan disimpan.", "Settings saved."),    // Account security: the second factor and signing out everywhere.
    ("nav_security", "Keamanan akun", "Account security"),
    ("code_title", "Kode verifikasi", "Verification code"),
    (
        "code_intro",
        "Kata sandi Anda benar. Buka aplikasi autentikator di ponsel Anda dan ketik kode 6 angka untuk Sinergi dalam {n} menit.",
        "Your password is right. Open the authenticator app on your phone and type the 6-digit code for Sinergi within {n} minutes.",
    ),
    ("code_label", "Kode 6 angka", "6-digit code"),
    (
        "code_hint",
        "Kode berganti setiap 30 detik.",
        "The code changes every 30 seconds.",
    ),
    ("code_submit", "Verifikasi", "Verify"),
    (
        "code_start_over",
        "Masuk dengan akun lain atau mulai lagi",
        "Sign in with another account or start again",
    ),
    (
        "code_wrong",
        "Kode salah. Periksa jam ponsel Anda lalu ketik kode yang sedang tampil.",
        "Wrong code. Check your phone's clock and type the code shown now.",
    ),
    (
        "code_format",
        "Kode terdiri dari 6 angka.",
        "The code has 6 digits.",
    ),
    (
        "code_expired",
        "Waktu untuk mengetik kode sudah habis. Silakan masuk lagi.",
        "The time to type the code has run out. Please sign in again.",
    ),
    (
        "signed_out_everywhere",
        "Anda telah keluar dari semua perangkat.",
        "You have been signed out on every device.",
    ),
    ("sec_title", "Keamanan akun", "Account security"),
    ("sec_2fa", "Verifikasi dua langkah", "Two-step verification"),
    (
        "sec_2fa_intro",
        "Selain kata sandi, saat masuk Anda mengetik kode dari aplikasi autentikator di ponsel (misalnya Google Authenticator, Aegis atau FreeOTP).",
        "Besides the password, you type a code from an authenticator app on your phone when signing in (for example Google Authenticator, Aegis or FreeOTP).",
    ),
    ("sec_state_on", "aktif", "on"),
    ("sec_state_off", "tidak aktif", "off"),
    ("sec_on_since", "sejak {time}", "since {time}"),
    (
        "sec_mandatory_title",
        "Administrator sistem wajib memakai verifikasi dua langkah.",
        "System administrators must use two-step verification.",
    ),
    (
        "sec_mandatory_text",
        "Siapkan verifikasi dua langkah di bawah ini sebelum melanjutkan; halaman lain terbuka setelah itu.",
        "Set up two-step verification below before continuing; the other pages open after that.",
    ),
    (
        "sec_admin_keeps",
        "Administrator sistem tidak dapat mematikan verifikasi dua langkah. Jika ponsel hilang, minta administrator sistem lain mengatur ulang.",
        "System administrators cannot turn two-step verification off. If the phone is lost, ask another system administrator to reset it.",
    ),
    (
        "sec_disable_code",
        "Kode saat ini untuk mematikan",
        "Current code, to turn it off",
    ),
    ("sec_disable", "Matikan verifikasi dua langkah", "Turn two-step verification off"),
    (
        "sec_confirm_disable",
        "Matikan verifikasi dua langkah? Akun Anda hanya akan dilindungi kata sandi.",
        "Turn two-step verification off? Your account will be protected by the password only.",
    ),
    ("sec_start", "Siapkan", "Set up"),
    (
        "sec_step_app",
        "Pasang aplikasi autentikator di ponsel Anda.",
        "Install an authenticator app on your phone.",
    ),
    (
        "sec_step_scan",
        "Di aplikasi itu, tambahkan akun dengan memindai kode QR ini:",
        "In that app, add an account by scanning this QR code:",
    ),
    ("sec_qr_label", "Kode QR untuk aplikasi autentikator", "QR code for the authenticator app"),
    (
        "sec_manual",
        "Tidak bisa memindai? Ketik kunci ini di aplikasi (berbasis waktu, 6 angka):",
        "Cannot scan? Type this key into the app (time-based, 6 digits):",
    ),
    (
        "sec_new_qr_note",
        "Setiap kali penyiapan dimulai, kode QR baru dibuat dan kode QR sebelumnya tidak berlaku lagi.",
        "Each time the set-up starts, a new QR code is made and the previous QR code no longer works.",
    ),
    (
        "sec_step_confirm",
        "Ketik kode 6 angka yang ditampilkan aplikasi untuk memastikan semuanya berfungsi:",
        "Type the 6-digit code the app shows, to make sure everything works:",
    ),
    ("sec_confirm", "Aktifkan", "Turn on"),
    (
        "sec_pending",
        "Penyiapan sudah dimulai tetapi belum dikonfirmasi. Jika Anda sudah menambahkan akun di aplikasi, ketik kodenya di bawah. Jika belum, mulai lagi untuk kode QR baru; kode QR sebelumnya tidak berlaku lagi.",
        "The set-up was started but not confirmed. If you already added the account in the app, type its code below. If not, start again for a new QR code; the previous QR code no longer works.",
    ),
    (
        "sec_restart_note",
        "Kode QR sebelumnya tidak akan berlaku lagi.",
        "The previous QR code will no longer work.",
    ),
    ("sec_restart", "Mulai lagi dengan kode QR baru", "Start again with a new QR code"),
    (
        "sec_notice_on",
        "Verifikasi dua langkah aktif. Mulai sekarang Anda mengetik kode dari aplikasi saat masuk.",
        "Two-step verification is on. From now on you type a code from the app when signing in.",
    ),
    (
        "sec_notice_off",
        "Verifikasi dua langkah dimatikan.",
        "Two-step verification was turned off.",
    ),
    (
        "sec_already_on",
        "Verifikasi dua langkah sudah aktif.",
        "Two-step verification is already on.",
    ),
    (
        "sec_confirm_conflict",
        "Tidak ada penyiapan yang menunggu konfirmasi. Mulai penyiapan terlebih dahulu.",
        "No set-up is waiting for confirmation. Start the set-up first.",
    ),
    (
        "sec_code_wrong",
        "Kode tidak cocok. Ketik kode yang sedang tampil di aplikasi.",
        "The code does not match. Type the code the app shows now.",
    ),
    (
        "sec_cannot_disable",
        "Verifikasi dua langkah tidak dapat dimatikan untuk akun ini.",
        "Two-step verification cannot be turned off for this account.",
    ),
    ("sec_sessions", "Perangkat yang masuk", "Signed-in devices"),
    (
        "sec_sessions_intro",
        "Keluar dari semua perangkat mengakhiri setiap sesi dan token API akun Anda, termasuk yang ini.",
        "Signing out everywhere ends every session and API token of your account, this one included.",
    ),
    ("sec_sign_out_all", "Keluar dari semua perangkat", "Sign out on every device"),
    (
        "sec_confirm_sign_out_all",
        "Keluar dari semua perangkat sekarang?",
        "Sign out on every device now?",
    ),
    // Notifications.
    ("nav_notifications", "Notifikasi", "Notifications"),
    ("notif_title", "Notifikasi", "Notifications"),
    (
        "notif_intro",
        "Pemberitahuan tentang laporan instansi Anda: akses darurat oleh instansi lain dan rujukan kepada instansi Anda.",
        "Notices about your agency's reports: emergency access by other agencies and referrals to your agency.",
    ),
    (
        "notif_break_glass",
        "{by} ({by_agency}) membuka laporan \"{report_title}\" dengan akses darurat sampai {until}: {why}",
        "{by} ({by_agency}) opened the report \"{report_title}\" by emergency access until {until}: {why}",
    ),
    (
        "notif_referral",
        "{by_agency} merujuk laporan \"{report_title}\" kepada instansi Anda sampai {until}: {why}",
        "{by_agency} referred the report \"{report_title}\" to your agency until {until}: {why}",
    ),
    (
        "notif_other",
        "Pemberitahuan ({kind}) tentang laporan \"{report_title}\"",
        "Notice ({kind}) about the report \"{report_title}\"",
    ),
    ("notif_unknown_agency", "instansi lain", "another agency"),
    ("notif_unread", "baru", "new"),
    ("notif_kind_break_glass", "akses darurat", "emergency access"),
    ("notif_kind_referral", "rujukan", "referral"),
    ("notif_open_report", "Buka laporan", "Open the report"),
    ("notif_mark_read", "Tandai sudah dibaca", "Mark as read"),
    ("notif_mark_all", "Tandai semua sudah dibaca", "Mark all as read"),
    ("notif_none", "Belum ada notifikasi.", "No notifications yet."),
    // Second factor on the users page.
    ("second_factor", "Verifikasi dua langkah", "Two-step verification"),
    ("on", "aktif", "on"),
    ("off", "tidak", "off"),
    ("reset_2fa", "Atur ulang 2FA", "Reset 2FA"),
    (
        "confirm_reset_2fa",
        "Atur ulang verifikasi dua langkah {user}? Semua sesinya diakhiri dan ia harus menyiapkannya lagi.",
        "Reset two-step verification of {user}? All their sessions end and they must set it up again.",
    ),
    (
        "notice_2fa_reset",
        "Verifikasi dua langkah pengguna itu diatur ulang dan semua sesinya diakhiri. Ia menyiapkannya lagi setelah masuk.",
        "That user's two-step verification was reset and all their sessions ended. They set it up again after signing in.",
    ),
    (
        "no_2fa_to_reset",
        "Pengguna itu tidak memakai verifikasi dua langkah.",
        "That user does not use two-step verification.",
    ),
    // What an agreement shares, in words and as links; renewing an ended agreement.
    (
        "ag_flow",
        "{from} → {to}: {what}, sampai tingkat {level}{without}; {place}.",
        "{from} → {to}: {what}, up to {level}{without}; {place}.",
    ),
    ("ag_flow_any_party", "setiap pihak", "any party"),
    ("ag_flow_category", "kategori {name}", "the category {name}"),
    ("ag_flow_without", ", tanpa {fields}", ", without {fields}"),
    (
        "ag_shared_title",
        "Laporan yang dibagikan kepada instansi Anda",
        "Reports shared with your agency",
    ),
    (
        "ag_shared_hint",
        "Daftar laporan yang dapat Anda lihat, disaring menurut instansi pemilik dan jenis yang dibagikan perjanjian ini.",
        "The list of reports you can see, filtered by the owning agency and the types this agreement shares.",
    ),
    ("ag_reports_of", "Laporan {agency}", "{agency} reports"),
    (
        "ag_renew_title",
        "Perbarui perjanjian",
        "Renew the agreement",
    ),
    (
        "ag_renew_hint",
        "Membuat draf baru dengan pihak dan klausul yang sama, berlaku mulai hari ini selama jangka waktu yang sama. Perjanjian ini tetap seperti adanya; draf baru dapat diubah lalu diusulkan.",
        "Makes a new draft with the same parties and clauses, valid from today for the same length of time. This agreement stays as it is; the new draft can be edited, then proposed.",
    ),
    ("ag_renew_button", "Perbarui sebagai draf baru", "Renew as a new draft"),
    (
        "ag_renew_only_ended",
        "Hanya perjanjian yang sudah berakhir atau dicabut yang dapat diperbarui.",
        "Only an agreement that has ended or was revoked can be renewed.",
    ),
    (
        "ag_renew_failed",
        "Draf baru tidak dapat dibuat dari perjanjian ini:",
        "A new draft could not be made from this agreement:",
    ),
    (
        "notice_ag_renewed",
        "Draf baru dibuat dari perjanjian lama, berlaku mulai hari ini. Periksa dan ubah bila perlu, lalu usulkan.",
        "A new draft was made from the old agreement, valid from today. Check it, change what is needed, then propose it.",
    ),
    // Agreement drafts and documents.
    ("save_as_draft", "Simpan sebagai draf", "Save as a draft"),
    (
        "draft_hint",
        "Draf belum dikirim kepada para pihak; Anda dapat mengubahnya lalu mengusulkannya nanti.",
        "A draft is not sent to the parties yet; you can change it and propose it later.",
    ),
    ("edit_draft", "Ubah draf", "Edit the draft"),
    ("propose", "Usulkan", "Propose"),
    ("back_to_agreement", "Kembali ke perjanjian", "Back to the agreement"),
    ("draft_title", "Draf", "Draft"),
    (
        "draft_intro",
        "Perjanjian ini masih draf: belum dikirim kepada para pihak untuk disetujui.",
        "This agreement is still a draft: it has not been sent to the parties for approval.",
    ),
    (
        "notice_ag_draft",
        "Draf disimpan. Usulkan jika sudah siap.",
        "The draft was saved. Propose it when it is ready.",
    ),
    (
        "notice_ag_document",
        "Dokumen ditambahkan.",
        "The document was added.",
    ),
    (
        "ag_not_draft",
        "Perjanjian ini bukan draf lagi, sehingga tidak dapat diubah atau diusulkan.",
        "This agreement is no longer a draft, so it cannot be edited or proposed.",
    ),
    (
        "need_clause_draft",
        "Draf ini belum memiliki klausul. Ubah draf dan isi paling sedikit satu klausul sebelum mengusulkannya.",
        "This draft has no clause yet. Edit the draft and fill in at least one clause before proposing it.",
    ),
    (
        "ag_draft_changed",
        "Draf ini disimpan orang lain setelah Anda membukanya; isian Anda belum disimpan.",
        "Someone else saved this draft after you opened it; your entries were not saved.",
    ),
    ("ag_documents", "Dokumen", "Documents"),
    (
        "ag_no_documents",
        "Belum ada dokumen (naskah yang ditandatangani atau lampiran).",
        "No documents yet (the signed text or annexes).",
    ),
    (
        "ag_add_document",
        "Tambah dokumen",
        "Add a document",
    ),
    (
        "ag_document_hint",
        "Naskah yang ditandatangani atau lampiran: PDF atau foto (JPEG, PNG, WebP, GIF).",
        "The signed text or an annex: PDF or a photo (JPEG, PNG, WebP, GIF).",
    ),
    (
        "ag_revoked_no_documents",
        "Perjanjian ini sudah dicabut; dokumen tidak dapat ditambahkan.",
        "This agreement is revoked; documents cannot be added.",
    ),
    ("act_agreement_update", "Mengubah perjanjian", "Changed an agreement"),
    (
        "act_sessions_revoke",
        "Mengakhiri semua sesi",
        "Ended all sessions",
    ),
    (
        "act_totp_enable",
        "Mengaktifkan verifikasi dua langkah",
        "Turned on two-step verification",
    ),
    (
        "act_totp_disable",
        "Mematikan verifikasi dua langkah",
        "Turned off two-step verification",
    ),    // Early warning: navigation and the live board.
    ("nav_warning", "Peringatan dini", "Early warning"),
    ("w_board", "Papan peringatan", "Alert board"),
    ("w_areas", "Area", "Areas"),
    ("w_rules", "Aturan", "Rules"),
    ("w_wildlife", "Satwa & perangkat", "Wildlife & devices"),
    ("w_sub_nav", "Menu peringatan dini", "Early-warning menu"),
    ("w_board_intro", "Peringatan yang masih terbuka atau sedang ditanggapi: yang paling genting di atas (Kritis, Waspada, Info), lalu yang terbaru.", "Alerts still open or being handled: the most severe on top (Critical, Warning, Info), then the newest."),
    ("w_show_active", "Aktif", "Active"),
    ("w_show_closed", "Ditutup (7 hari)", "Closed (7 days)"),
    ("w_no_alerts", "Tidak ada peringatan aktif.", "There are no active alerts."),
    ("w_no_closed", "Tidak ada peringatan yang ditutup dalam 7 hari terakhir.", "No alerts were closed in the last 7 days."),
    ("w_live_connecting", "Menghubungkan ke siaran peringatan…", "Connecting to the alert stream…"),
    ("w_live_on", "Tersambung: peringatan baru muncul sendiri di sini.", "Connected: new alerts appear here by themselves."),
    ("w_live_off", "Sambungan terputus; mencoba lagi…", "Connection lost; trying again…"),
    ("w_live_new", "Peringatan baru: {text}", "New alert: {text}"),
    ("w_no_js_live", "Tanpa JavaScript, muat ulang halaman untuk melihat peringatan baru.", "Without JavaScript, reload the page to see new alerts."),
    ("w_map_title", "Peta peringatan, area dan jejak 24 jam terakhir", "Map of alerts, areas and tracks of the last 24 hours"),
    ("w_map_loading", "Memuat peta…", "Loading the map…"),
    ("w_map_failed", "Sebagian data peta gagal dimuat.", "Some map data could not be loaded."),
    ("w_map_legend", "Garis hijau: area. Garis biru: jejak satwa 24 jam terakhir. Titik: peringatan.", "Green outlines: areas. Blue lines: wildlife tracks of the last 24 hours. Dots: alerts."),
    ("w_wildlife_unknown", "Satwa", "Wildlife"),
    ("w_just_now", "baru saja", "just now"),
    ("w_minutes_ago", "{n} menit lalu", "{n} min ago"),
    ("w_hours_ago", "{n} jam lalu", "{n} h ago"),
    ("w_days_ago", "{n} hari lalu", "{n} days ago"),
    ("w_open_detail", "Rincian", "Details"),
    ("w_rule", "Aturan", "Rule"),
    ("w_area", "Area", "Area"),
    ("w_subject", "Satwa/subjek", "Subject"),
    ("w_species", "Spesies", "Species"),
    ("w_when", "Waktu", "When"),
    ("w_where", "Lokasi", "Where"),
    ("w_what", "Kejadian", "What happened"),
    ("w_distance", "Jarak", "Distance"),
    ("w_status", "Status", "Status"),
    ("w_severity", "Tingkat", "Severity"),
    ("w_outcome", "Hasil", "Outcome"),
    ("w_to_ack", "Waktu sampai ditanggapi", "Time to acknowledge"),
    ("w_to_close", "Waktu sampai ditutup", "Time to close"),
    ("w_minutes", "{n} menit", "{n} min"),
    ("w_under_minute", "kurang dari 1 menit", "under 1 minute"),
    ("w_not_yet", "belum", "not yet"),
    ("w_metres", "{n} m", "{n} m"),
    ("w_outside_regions", "di luar wilayah yang dikenal", "outside the known regions"),
    // Severity, status, kinds of alert.
    ("w_sev_info", "Info", "Info"),
    ("w_sev_warning", "Waspada", "Warning"),
    ("w_sev_critical", "Kritis", "Critical"),
    ("w_st_open", "Baru", "Open"),
    ("w_st_acknowledged", "Ditanggapi", "Acknowledged"),
    ("w_st_closed", "Ditutup", "Closed"),
    ("w_k_enter", "masuk", "entered"),
    ("w_k_exit", "keluar dari", "left"),
    ("w_k_proximity", "mendekati", "is near"),
    ("w_k_dwell", "bertahan di", "is staying in"),
    ("w_k_cross", "melintasi", "crossed"),
    ("w_k_hotspot_inside", "titik api di", "fire hotspot in"),
    ("w_k_sighting_inside", "terlihat di", "seen in"),
    ("w_k_sighting_proximity", "terlihat dekat", "seen near"),
    ("w_k_device_silent", "perangkat tidak mengirim data", "device not sending data"),
    ("w_k_battery_low", "baterai lemah", "battery low"),
    ("w_k_no_movement", "tidak bergerak", "not moving"),
    ("w_k_other", "peringatan", "alert"),
    // Responding.
    ("w_acknowledge", "Tanggapi", "Respond"),
    ("w_more_steps", "Catat tindakan atau tutup", "Log an action or close"),
    ("w_respond_title", "Tanggapan", "Response"),
    ("w_source_report", "Laporan asal", "Source report"),
    ("w_action", "Tindakan", "Action"),
    ("w_log_action", "Catat tindakan", "Log the action"),
    ("w_close", "Tutup", "Close"),
    ("w_close_alert", "Tutup peringatan", "Close the alert"),
    ("w_note_optional", "Catatan (boleh kosong)", "Note (optional)"),
    ("w_act_drive_away", "Penggiringan", "Driven away"),
    ("w_act_patrol_dispatched", "Patroli dikirim", "Patrol dispatched"),
    ("w_act_villagers_warned", "Warga diperingatkan", "Villagers warned"),
    ("w_act_false_alarm", "Alarm palsu", "False alarm"),
    ("w_act_fire_suppressed", "Api dipadamkan", "Fire put out"),
    ("w_act_note", "Catatan", "Note"),
    ("w_act_acknowledge", "Menanggapi", "Responded"),
    ("w_act_close", "Menutup: {outcome}", "Closed: {outcome}"),
    ("w_out_resolved", "Selesai", "Resolved"),
    ("w_out_no_damage", "Tanpa kerusakan", "No damage"),
    ("w_out_damage", "Ada kerusakan", "Damage"),
    ("w_out_false_alarm", "Alarm palsu", "False alarm"),
    ("w_out_casualty", "Ada korban", "Casualty"),
    ("w_notice_acknowledged", "Peringatan ditanggapi.", "The alert is being handled."),
    ("w_notice_action", "Tindakan dicatat.", "The action was logged."),
    ("w_notice_closed", "Peringatan ditutup.", "The alert was closed."),
    ("w_notice_changed", "Peringatan ini sudah diubah orang lain (ditanggapi atau ditutup). Keadaannya yang terbaru tampil di bawah.", "Someone else already changed this alert (acknowledged or closed it). Its current state is shown below."),
    ("w_respond_refused", "Tanggapan tidak dapat disimpan:", "The response could not be saved:"),
    ("w_analyst_view_only", "Analis dapat melihat peringatan, tetapi tidak menanggapinya.", "Analysts can see alerts but do not respond to them."),
    // Alert detail.
    ("w_alert_title", "Peringatan", "Alert"),
    ("w_response_log", "Catatan penanganan", "Response log"),
    ("w_no_log", "Belum ada yang menanggapi.", "Nobody has responded yet."),
    ("w_deliveries", "Pengiriman", "Deliveries"),
    ("w_no_deliveries", "Peringatan ini hanya tampil di papan (tidak ada pengiriman webhook atau SMS).", "This alert is shown on the board only (no webhook or SMS deliveries)."),
    ("w_channel", "Saluran", "Channel"),
    ("w_target", "Tujuan", "Destination"),
    ("w_attempts", "Percobaan", "Attempts"),
    ("w_last_error", "Galat terakhir", "Last error"),
    ("w_del_sent", "terkirim", "sent"),
    ("w_del_failed", "gagal", "failed"),
    ("w_del_retry", "menunggu dicoba lagi", "waiting to retry"),
    ("w_del_pending", "menunggu dikirim", "waiting to be sent"),
    ("w_ch_board", "Papan", "Board"),
    ("w_ch_webhook", "Webhook", "Webhook"),
    ("w_ch_email", "Surel", "E-mail"),
    ("w_ch_sms", "SMS", "SMS"),
    ("w_map_of_alert", "Peta lokasi peringatan", "Map of the alert's location"),
    ("w_back_to_board", "Kembali ke papan", "Back to the board"),
    // Alerts on the home and notification pages, the source report, sound and vibration.
    ("w_del_err_answered", "penerima menjawab dengan kode {code}", "the receiver answered with code {code}"),
    ("w_del_err_sms_answered", "gateway SMS menjawab dengan kode {code}", "the SMS gateway answered with code {code}"),
    ("w_del_err_hook_off", "webhook sedang dimatikan", "the webhook is switched off"),
    ("w_del_err_hook_removed", "webhook sudah dihapus", "the webhook was removed"),
    ("w_del_err_no_sms", "SMS belum disiapkan di server ini", "SMS is not set up on this server"),
    ("w_del_err_no_smtp", "surel belum disiapkan di server ini", "e-mail is not set up on this server"),
    ("w_del_err_channel", "saluran ini tidak tersedia di server ini", "this channel is not available on this server"),
    ("w_del_err_other", "penerima tidak dapat dihubungi (rinciannya di log server)", "the receiver could not be reached (details in the server log)"),
    ("w_source_report_hidden", "laporan instansi lain (tidak dapat Anda buka)", "another agency's report (you cannot open it)"),
    ("w_active_title", "Peringatan aktif", "Active alerts"),
    ("w_active_board", "Buka papan peringatan ({n} aktif)", "Open the alert board ({n} active)"),
    ("w_sound_option", "Bunyi dan getar saat ada peringatan baru", "Sound and vibrate when a new alert arrives"),
    ("w_sound_hint", "Pilihan ini diingat di perangkat ini.", "This choice is remembered on this device."),
    // Areas (fences).
    ("w_areas_title", "Area pantauan", "Watched areas"),
    ("w_areas_intro", "Area (geofence) yang dipantau aturan peringatan: desa, kawasan taman nasional, kebun, jalan atau sungai.", "Areas (geofences) that alert rules watch: villages, national park zones, plantations, roads or rivers."),
    ("w_no_areas", "Belum ada area.", "No areas yet."),
    ("w_name", "Nama", "Name"),
    ("w_kind", "Jenis", "Kind"),
    ("w_shape", "Bentuk", "Shape"),
    ("w_region", "Wilayah", "Region"),
    ("w_fk_village", "desa", "village"),
    ("w_fk_park", "taman nasional", "national park"),
    ("w_fk_plantation", "perkebunan", "plantation"),
    ("w_fk_concession", "konsesi", "concession"),
    ("w_fk_peatland", "gambut", "peatland"),
    ("w_fk_road", "jalan", "road"),
    ("w_fk_river", "sungai", "river"),
    ("w_fk_other", "lainnya", "other"),
    ("w_shape_area", "Area (poligon)", "Area (polygon)"),
    ("w_shape_line", "Garis", "Line"),
    ("w_shape_circle", "Lingkaran, jari-jari {r} m", "Circle, radius {r} m"),
    ("w_add_area", "Tambah area", "Add an area"),
    ("w_save_area", "Simpan area", "Save the area"),
    ("w_how", "Cara menentukan bentuk", "How to give the shape"),
    ("w_how_region", "Dari wilayah Kemendagri", "From a Kemendagri region"),
    ("w_how_draw", "Gambar di peta", "Draw on the map"),
    ("w_how_geojson", "Tempel atau unggah GeoJSON", "Paste or upload GeoJSON"),
    ("w_region_code", "Kode wilayah Kemendagri", "Kemendagri region code"),
    ("w_region_hint", "Ketik nama desa, kecamatan, kabupaten atau provinsi (atau kodenya, mis. 18.07.21.2011), lalu pilih dari hasilnya. Tanpa jari-jari, batas kecamatan, kabupaten atau provinsi dipakai; desa memerlukan jari-jari (lingkaran di sekitar pusat desa).", "Type the name of a village, district, regency or province (or its code, e.g. 18.07.21.2011), then pick from the matches. Without a radius the district, regency or province boundary is used; a village needs a radius (a circle around its centre)."),
    ("w_radius", "Jari-jari (meter)", "Radius (metres)"),
    ("w_draw_hint", "Ketuk peta untuk menambah titik; seret titik untuk memindahkannya. Area perlu paling sedikit 3 titik, garis 2 titik.", "Tap the map to add points; drag a point to move it. An area needs at least 3 points, a line 2."),
    ("w_draw_area", "Area", "Area"),
    ("w_draw_line", "Garis", "Line"),
    ("w_draw_undo", "Hapus titik terakhir", "Remove the last point"),
    ("w_draw_clear", "Mulai ulang", "Start over"),
    ("w_draw_points", "{n} titik", "{n} points"),
    ("w_draw_map", "Peta untuk menggambar area", "Map for drawing the area"),
    ("w_geojson", "Geometri GeoJSON", "GeoJSON geometry"),
    ("w_geojson_hint", "Polygon, MultiPolygon, LineString atau MultiLineString (juga Feature atau FeatureCollection), koordinat [bujur, lintang].", "Polygon, MultiPolygon, LineString or MultiLineString (a Feature or FeatureCollection works too), coordinates [longitude, latitude]."),
    ("w_geojson_file", "Atau pilih berkas .geojson", "Or choose a .geojson file"),
    ("w_draw_first", "gambar area di peta terlebih dahulu", "draw the area on the map first"),
    ("w_paste_first", "tempel geometri GeoJSON", "paste a GeoJSON geometry"),
    ("w_not_json_at", "bukan JSON yang sah (kesalahan pada baris {line}, kolom {column})", "not valid JSON (the mistake is at line {line}, column {column})"),
    ("w_mixed_collection", "FeatureCollection harus berisi area saja atau garis saja", "a FeatureCollection must hold only areas or only lines"),
    ("w_notice_area", "Area tersimpan.", "The area was saved."),
    ("w_notice_on", "Diaktifkan.", "Turned on."),
    ("w_notice_off", "Dinonaktifkan.", "Turned off."),
    ("w_configure_note", "Hanya koordinator dan admin instansi yang dapat mengubah pengaturan peringatan dini.", "Only coordinators and agency administrators can change the early-warning set-up."),
    ("w_confirm_off", "Nonaktifkan? Peringatan untuk ini berhenti.", "Turn off? Alerts for it stop."),
    // Editing areas and finding regions by name.
    ("w_edit_area", "Ubah", "Edit"),
    ("w_edit_area_title", "Ubah area", "Edit area"),
    ("w_save_changes", "Simpan perubahan", "Save the changes"),
    ("w_back_to_areas", "← Kembali ke daftar area", "← Back to the areas"),
    ("w_how_keep", "Pertahankan bentuk sekarang", "Keep the current shape"),
    ("w_current_shape", "Bentuk sekarang", "Current shape"),
    ("w_area_edit_note", "Peringatan yang sudah muncul untuk area ini tetap seperti adanya; bentuk baru berlaku untuk posisi yang masuk sesudah disimpan.", "Alerts already raised for this area stay as they are; the new shape applies to the positions that arrive after saving."),
    ("w_area_changed_meanwhile", "Area ini telah diubah orang lain setelah Anda membukanya. Peta menunjukkan yang tersimpan sekarang; periksa isian Anda lalu simpan lagi.", "Someone else changed this area after you opened it. The map shows what is stored now; check your entries and save again."),
    ("w_notice_area_changed", "Perubahan area tersimpan.", "The changes to the area were saved."),
    ("w_region_search", "Cari wilayah (nama atau kode)", "Find a region (name or code)"),
    ("w_region_search_button", "Cari", "Search"),
    ("w_region_chosen", "Wilayah terpilih", "Chosen region"),
    ("w_region_none", "Belum ada wilayah yang dipilih.", "No region chosen yet."),
    ("w_region_matches", "Wilayah yang cocok dengan “{q}” — pilih satu:", "Regions matching “{q}” — pick one:"),
    ("w_region_no_match", "tidak ada wilayah yang cocok dengan “{q}”", "no region matches “{q}”"),
    ("w_region_type_name", "ketik nama wilayah yang dicari", "type the name of the region to find"),
    ("w_region_pick", "pilih salah satu wilayah dari hasil pencarian", "pick one of the regions found"),
    ("w_region_choose_first", "cari dan pilih wilayah terlebih dahulu", "find and pick a region first"),
    ("w_region_results_count", "{n} wilayah ditemukan; pilih dengan panah dan Enter", "{n} regions found; pick one with the arrow keys and Enter"),
    ("w_region_searching", "Mencari…", "Searching…"),
    ("w_region_search_failed", "Pencarian gagal; tekan Cari untuk mencoba lewat server.", "The search failed; press Search to try through the server."),
    ("w_lvl_province", "provinsi", "province"),
    ("w_lvl_regency", "kabupaten/kota", "regency or city"),
    ("w_lvl_district", "kecamatan", "district"),
    ("w_lvl_village", "desa/kelurahan", "village"),
    // Rules.
    ("w_rules_title", "Aturan peringatan", "Alert rules"),
    ("w_rules_intro", "Aturan menentukan kapan peringatan dibuat dan siapa yang diberi tahu.", "Rules decide when an alert is raised and who is told."),
    ("w_no_rules", "Belum ada aturan.", "No rules yet."),
    ("w_add_rule", "Tambah aturan", "Add a rule"),
    ("w_save_rule", "Simpan aturan", "Save the rule"),
    ("w_rule_areas", "Area yang dipantau", "Areas watched"),
    ("w_rule_areas_hint", "Tidak memilih apa pun berarti semua area instansi Anda.", "Choosing none means every area of your agency."),
    ("w_all_areas", "Semua area instansi", "Every area of the agency"),
    ("w_who", "Siapa yang dipantau", "Who is watched"),
    ("w_any_subject", "Semua satwa/subjek", "Any subject"),
    ("w_one_species", "Satu spesies", "One species"),
    ("w_one_subject", "Satu satwa/subjek", "One subject"),
    ("w_trigger", "Pemicu", "Trigger"),
    ("w_tr_enter", "Masuk area", "Enters an area"),
    ("w_tr_exit", "Keluar area", "Leaves an area"),
    ("w_tr_proximity", "Mendekati area dalam jarak", "Comes within a distance"),
    ("w_tr_dwell", "Bertahan di area selama", "Stays in an area for"),
    ("w_tr_cross", "Melintasi garis (jalan, sungai)", "Crosses a line (road, river)"),
    ("w_tr_hotspot_inside", "Titik api di area", "Fire hotspot in an area"),
    ("w_distance_m", "Jarak (meter)", "Distance (metres)"),
    ("w_dwell_min", "Lama bertahan (menit)", "Time staying (minutes)"),
    ("w_hysteresis", "Histeresis (meter)", "Hysteresis (metres)"),
    ("w_hysteresis_hint", "Satwa harus masuk atau keluar sejauh ini sebelum dihitung, agar titik yang goyah di tepi area tidak memicu berulang.", "A subject must be this far in or out before it counts, so jittery fixes at the edge do not fire again and again."),
    ("w_quiet", "Jeda tenang (menit)", "Quiet period (minutes)"),
    ("w_quiet_hint", "Setelah peringatan, peringatan yang sama tidak diulang selama jeda ini.", "After an alert, the same alert is not repeated for this long."),
    ("w_hours", "Jam aktif (waktu setempat)", "Active hours (local time)"),
    ("w_hours_hint", "Kosongkan keduanya agar aktif sepanjang hari. Mis. 18:00 sampai 06:00 untuk malam hari.", "Leave both empty for all day. E.g. 18:00 to 06:00 for night time."),
    ("w_from", "Dari", "From"),
    ("w_to", "Sampai", "To"),
    ("w_all_day", "sepanjang hari", "all day"),
    ("w_recipient_agencies", "Instansi penerima", "Receiving agencies"),
    ("w_recipient_hint", "Pengguna instansi ini melihat peringatan di papan mereka.", "Users of these agencies see the alert on their board."),
    ("w_contacts", "Kontak di luar Sinergi", "Contacts outside Sinergi"),
    ("w_contacts_hint", "Satu per baris: nama, nomor telepon (mis. Kepala Desa Braja Harjosari, +6281234567890).", "One per line: name, phone number (e.g. Kepala Desa Braja Harjosari, +6281234567890)."),
    ("w_channels", "Saluran", "Channels"),
    ("w_channels_hint", "Papan peringatan selalu dipakai.", "The alert board is always used."),
    ("w_sms_off", "SMS belum disiapkan di server ini.", "SMS is not set up on this server."),
    ("w_quiet_short", "jeda {n} menit", "quiet {n} min"),
    ("w_hyst_short", "histeresis {n} m", "hysteresis {n} m"),
    ("w_recipients", "Penerima", "Recipients"),
    ("w_notice_rule", "Aturan tersimpan.", "The rule was saved."),
    ("w_unknown_fence", "area tidak dikenal", "unknown area"),
    // Wildlife and devices.
    ("w_subjects_title", "Satwa dan perangkat", "Wildlife and devices"),
    ("w_subjects", "Satwa/subjek yang dipantau", "Tracked subjects"),
    ("w_no_subjects", "Belum ada satwa/subjek.", "No subjects yet."),
    ("w_devices", "Perangkat", "Devices"),
    ("w_no_devices", "Belum ada perangkat.", "No devices yet."),
    ("w_serial", "Nomor seri", "Serial"),
    ("w_deployed_on", "Terpasang pada", "Deployed on"),
    ("w_not_deployed", "belum dipasang", "not deployed"),
    ("w_since", "sejak", "since"),
    ("w_last_fix", "Posisi terakhir", "Last fix"),
    ("w_battery", "Baterai", "Battery"),
    ("w_no_fix", "belum ada data", "no data yet"),
    ("w_add_subject", "Tambah satwa/subjek", "Add a subject"),
    ("w_other_species", "Atau kunci spesies lain", "Or another species key"),
    ("w_other_species_hint", "Huruf kecil, angka dan _ (mis. gajah_sumatera).", "Lower-case letters, digits and _ (e.g. gajah_sumatera)."),
    ("w_subject_kind", "Jenis", "Kind"),
    ("w_sk_individual", "individu", "individual"),
    ("w_sk_herd", "kawanan", "herd"),
    ("w_sk_team", "tim patroli", "patrol team"),
    ("w_sensitivity", "Kerahasiaan lokasi", "Location sensitivity"),
    ("w_notes", "Keterangan", "Notes"),
    ("w_save_subject", "Simpan satwa/subjek", "Save the subject"),
    ("w_add_device", "Tambah perangkat", "Add a device"),
    ("w_device_kind", "Jenis perangkat", "Device kind"),
    ("w_dk_collar", "kalung GPS", "GPS collar"),
    ("w_dk_tag", "tag", "tag"),
    ("w_dk_phone", "ponsel", "phone"),
    ("w_interval", "Selang pengiriman (menit)", "Reporting interval (minutes)"),
    ("w_interval_hint", "Perangkat yang diam lebih dari 3 kali selang ini memicu peringatan.", "A device silent for more than 3 intervals raises an alert."),
    ("w_save_device", "Simpan perangkat", "Save the device"),
    ("w_deploy", "Pasang perangkat pada satwa/subjek", "Deploy a device on a subject"),
    ("w_device", "Perangkat", "Device"),
    ("w_start", "Mulai dipasang (waktu setempat)", "Deployed from (local time)"),
    ("w_start_hint", "Kosongkan untuk memasang sejak awal: posisi yang tertahan untuk nomor seri ini ikut dipasangkan.", "Leave empty to deploy from the beginning: positions held for this serial are attached too."),
    ("w_save_deploy", "Pasang", "Deploy"),
    ("w_notice_subject", "Satwa/subjek tersimpan.", "The subject was saved."),
    ("w_notice_device", "Perangkat tersimpan.", "The device was saved."),
    ("w_notice_deployed", "Perangkat dipasang; {n} posisi tertahan ikut dipasangkan.", "The device was deployed; {n} held positions were attached."),
    ("w_held", "Posisi tertahan", "Held positions"),
    ("w_held_intro", "Posisi ini dikirim untuk perangkat yang belum dikenal, belum dipasang pada satwa/subjek, atau milik instansi lain, sehingga belum diperiksa aturan. Posisi dipasangkan sendiri saat instansi pemilik perangkat dengan nomor seri itu memasangnya, jika dikirim oleh instansi tersebut (atau instansi di atasnya); kiriman instansi lain tetap tertahan. Posisi kiriman instansi lain ditampilkan dibulatkan (sekitar 10 km) tanpa pengirimnya.", "These positions were sent for devices that are unknown, not deployed on a subject, or another agency's, so no rule has checked them. They are attached by themselves when the agency owning a device with that serial deploys it, if that agency (or one above it) sent them; what other agencies sent stays held. Positions sent by other agencies are shown rounded (about 10 km) without their sender."),
    ("w_sent_by", "Dikirim oleh", "Sent by"),
    ("w_sent_by_operator", "operator server (baris perintah atau MQTT)", "the server operator (command line or MQTT)"),
    ("w_sent_by_hidden", "tidak ditampilkan", "not shown"),
    ("w_no_held", "Tidak ada posisi tertahan.", "No held positions."),
    ("w_received", "Diterima", "Received"),
    ("w_position", "Posisi", "Position"),
    ("w_track_title", "Jejak 7 hari terakhir", "Track of the last 7 days"),
    ("w_no_track", "Tidak ada posisi dalam 7 hari terakhir.", "No positions in the last 7 days."),
    ("w_recent_alerts", "Peringatan terbaru", "Recent alerts"),
    ("w_no_recent_alerts", "Belum ada peringatan untuk satwa/subjek ini.", "No alerts for this subject yet."),
    ("w_last_positions", "Posisi terakhir", "Latest positions"),
    ("w_map_of_track", "Peta jejak", "Map of the track"),
    ("w_subject_devices", "Perangkat terpasang", "Deployed devices"),
    ("w_until", "sampai", "until"),
    ("w_sp_gajah_sumatera", "Gajah sumatera", "Sumatran elephant"),
    ("w_sp_harimau_sumatera", "Harimau sumatera", "Sumatran tiger"),
    ("w_sp_badak_sumatera", "Badak sumatera", "Sumatran rhinoceros"),
    ("w_sp_orangutan_sumatera", "Orangutan sumatera", "Sumatran orangutan"),
    ("w_sp_orangutan_kalimantan", "Orangutan kalimantan", "Bornean orangutan"),
    ("w_sp_beruang_madu", "Beruang madu", "Sun bear"),
    ("w_sp_trenggiling", "Trenggiling", "Sunda pangolin"),
    ("w_sp_tapir", "Tapir", "Malayan tapir"),
    ("w_sp_human", "Manusia (tim patroli)", "Human (patrol team)"),
    ("w_pick_device", "pilih perangkat milik instansi Anda", "choose a device of your agency"),
    ("w_wildlife_list_hint", "Ketuk nama untuk melihat jejak dan peringatannya.", "Tap a name to see its track and alerts."),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| ENTRIES.iter().map(|(k, id, en)| (*k, (*id, *en))).collect())
}

#[cfg(test)]
fn has(key: &str) -> bool {
    table().contains_key(key)
}

/// The text of `key` in `lang`. A missing key shows as `⟦key⟧`, visible on the page
/// rather than silently empty, and the completeness test keeps that from shipping.
pub fn tr(lang: Lang, key: &str) -> String {
    match table().get(key) {
        Some((id, en)) => lang.pick(id, en).to_string(),
        None => format!("⟦{key}⟧"),
    }
}

/// The dictionary as templates see it: `{{ t.sign_in }}`.
#[derive(Debug)]
pub struct Dict(pub Lang);

impl Object for Dict {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(Value::from(tr(self.0, key.as_str()?)))
    }
}

/// Indonesian renderings of the domain's English validation messages: (English start,
/// English end, Indonesian start, Indonesian end). When the English start ends in a space
/// or ": ", the part between start and end is a value (a code, a list of choices) and is
/// kept; otherwise the rest is dropped. A message not listed is shown as it is: still
/// precise, if not translated.
const CORE_MESSAGES: &[(&str, &str, &str, &str)] = &[
    // Editing areas.
    (
        "another area of this agency already has this name",
        "",
        "area lain milik instansi ini sudah memakai nama ini",
        "",
    ),
    (
        "a cross rule watches this line; it must stay a line",
        "",
        "aturan melintasi memantau garis ini; bentuknya harus tetap garis",
        "",
    ),
    (
        "goes with a region code",
        "",
        "hanya dipakai bersama kode wilayah",
        "",
    ),
    ("this attribute is required", "", "wajib diisi", ""),
    (
        "the code does not match",
        "",
        "kode tidak cocok; periksa jam ponsel lalu ketik kode yang sedang tampil",
        "",
    ),
    ("a title is required", "", "judul wajib diisi", ""),
    (
        "the report type is required",
        "",
        "jenis laporan wajib dipilih",
        "",
    ),
    (
        "when it happened is required",
        "",
        "waktu kejadian wajib diisi",
        "",
    ),
    ("lies in the future", "", "tidak boleh di masa depan", ""),
    (
        "this is not your current password",
        "",
        "ini bukan kata sandi Anda saat ini",
        "",
    ),
    (
        "must be 1 to 200 characters",
        "",
        "harus 1 sampai 200 karakter",
        "",
    ),
    ("must not be negative", "", "tidak boleh negatif", ""),
    (
        "must not contain control characters",
        "",
        "tidak boleh berisi karakter kendali",
        "",
    ),
    (
        "must not be before the year ",
        "",
        "tidak boleh sebelum tahun ",
        "",
    ),
    (
        "0,0 is what a receiver without a position fix sends",
        "",
        "0,0 adalah posisi yang dikirim penerima GPS tanpa sinyal; isi lokasi yang sebenarnya",
        "",
    ),
    ("a location is required", "", "lokasi wajib diisi", ""),
    (
        "must be a whole number from 1 to ",
        "",
        "harus bilangan bulat dari 1 sampai ",
        "",
    ),
    ("must be a whole number", "", "harus bilangan bulat", ""),
    (
        "must be a number from 0 to ",
        "",
        "harus angka dari 0 sampai ",
        "",
    ),
    ("must be a number", "", "harus berupa angka", ""),
    ("must be true or false", "", "harus ya atau tidak", ""),
    (
        "must be a date YYYY-MM-DD",
        "",
        "harus berupa tanggal TTTT-BB-HH",
        "",
    ),
    (
        "must be a date-time with",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    (
        "each choice must be one of:",
        "",
        "ada pilihan yang tidak tersedia",
        "",
    ),
    (
        "must be one of:",
        "",
        "bukan salah satu pilihan yang tersedia",
        "",
    ),
    (
        "must be one of new, verified, in_progress, closed",
        "",
        "status tidak dikenal",
        "",
    ),
    (
        "must be one of public, internal, restricted, secret",
        "",
        "tingkat kerahasiaan tidak dikenal",
        "",
    ),
    (
        "must be text of 1 to ",
        " characters",
        "harus berupa teks sepanjang 1 sampai ",
        " karakter",
    ),
    (
        "must be text of at most ",
        " characters",
        "harus berupa teks paling banyak ",
        " karakter",
    ),
    (
        "text must be at most ",
        " characters",
        "teks paling banyak ",
        " karakter",
    ),
    ("must be text", "", "harus berupa teks", ""),
    (
        "must be a list of choices",
        "",
        "harus berupa daftar pilihan",
        "",
    ),
    ("choice ", " is repeated", "pilihan ", " berulang"),
    (
        "unknown attribute for type ",
        "",
        "rincian tidak dikenal untuk jenis ",
        "",
    ),
    (
        "unknown report type ",
        "",
        "jenis laporan tidak dikenal: ",
        "",
    ),
    (
        "the type of a report cannot be changed",
        "",
        "jenis laporan tidak dapat diubah",
        "",
    ),
    (
        "longitude ",
        " is out of range -180..180",
        "bujur ",
        " di luar rentang -180..180",
    ),
    (
        "latitude ",
        " is out of range -90..90",
        "lintang ",
        " di luar rentang -90..90",
    ),
    (
        "no region has the code ",
        "",
        "tidak ada wilayah dengan kode ",
        "",
    ),
    (
        "must be a Kemendagri code such as ",
        "",
        "harus kode wilayah Kemendagri, mis. ",
        "",
    ),
    (
        "no agency has the code ",
        "",
        "tidak ada instansi dengan kode ",
        "",
    ),
    (
        "an agency with the code ",
        " already exists",
        "sudah ada instansi dengan kode ",
        "",
    ),
    (
        "agency code must be 2 to 40 characters",
        "",
        "kode instansi harus 2 sampai 40 karakter",
        "",
    ),
    (
        "agency code may contain only",
        "",
        "kode instansi hanya boleh berisi huruf kapital, angka, '-', '_' dan '.'",
        "",
    ),
    (
        "name must be 1 to 200 characters",
        "",
        "nama harus 1 sampai 200 karakter",
        "",
    ),
    (
        "kind must be one of",
        "",
        "jenis instansi tidak dikenal",
        "",
    ),
    (
        "not a Kemendagri region code",
        "",
        "bukan kode wilayah Kemendagri",
        "",
    ),
    (
        "username must be 3 to 64 characters",
        "",
        "nama pengguna harus 3 sampai 64 karakter",
        "",
    ),
    (
        "username may contain only",
        "",
        "nama pengguna hanya boleh berisi huruf kecil, angka, '.', '_' dan '-'",
        "",
    ),
    (
        "the username ",
        " is taken",
        "nama pengguna ",
        " sudah dipakai",
    ),
    ("role must be one of", "", "peran tidak dikenal", ""),
    (
        "password must be at least 10 characters",
        "",
        "kata sandi paling sedikit 10 karakter",
        "",
    ),
    (
        "password must be at most 200 characters",
        "",
        "kata sandi paling banyak 200 karakter",
        "",
    ),
    (
        "must be at most 200 characters",
        "",
        "paling banyak 200 karakter",
        "",
    ),
    ("must be a UUID", "", "harus berupa UUID", ""),
    ("unknown field", "", "isian tidak dikenal", ""),
    (
        "is not a cursor this server issued",
        "",
        "penanda halaman tidak sah",
        "",
    ),
    (
        "an agreement needs at least one party",
        "",
        "perjanjian perlu paling sedikit satu pihak",
        "",
    ),
    (
        "ends before it starts",
        "",
        "berakhir sebelum mulai berlaku",
        "",
    ),
    ("ends before since", "", "berakhir sebelum tanggal awal", ""),
    (
        "name at least one receiving party",
        "",
        "pilih paling sedikit satu penerima",
        "",
    ),
    (
        "an agency cannot share with itself",
        "",
        "instansi tidak dapat berbagi dengan dirinya sendiri",
        "",
    ),
    ("unknown category ", "", "kategori tidak dikenal: ", ""),
    (
        "name the report types or categories that flow",
        "",
        "pilih jenis laporan atau kategori yang dibagikan",
        "",
    ),
    (
        "must be 0 (exact), 1000, 10000 or",
        "",
        "ketepatan lokasi tidak dikenal",
        "",
    ),
    ("must be a list", "", "harus berupa daftar", ""),
    (
        "must be an agency code or",
        "",
        "harus kode instansi atau \"*\" untuk setiap pihak",
        "",
    ),
    (
        "must be an RFC 3339 date-time",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    ("unknown action ", "", "tindakan tidak dikenal: ", ""),
    (
        "name the agency to share with",
        "",
        "pilih instansi tujuan",
        "",
    ),
    (
        "a report cannot be referred to its own agency",
        "",
        "laporan tidak dapat dirujuk ke instansinya sendiri",
        "",
    ),
    (
        "give a reason of 1 to 2000 characters",
        "",
        "isi alasan sepanjang 1 sampai 2000 karakter",
        "",
    ),
    ("lies in the past", "", "sudah lewat", ""),
    (
        "a referral lasts at most ",
        " days",
        "rujukan paling lama ",
        " hari",
    ),
    (
        "the ring crosses itself",
        "",
        "garis batas area memotong dirinya sendiri",
        "",
    ),
    (
        "a ring needs at least 4 positions",
        "",
        "area perlu paling sedikit 3 titik berbeda",
        "",
    ),
    (
        "a ring must be closed",
        "",
        "garis batas area harus tertutup (posisi pertama dan terakhir sama)",
        "",
    ),
    (
        "a LineString needs at least 2 positions",
        "",
        "garis perlu paling sedikit 2 titik",
        "",
    ),
    (
        "a position is [longitude, latitude]",
        "",
        "posisi ditulis [bujur, lintang]",
        "",
    ),
    (
        "longitude must be a number",
        "",
        "bujur harus berupa angka",
        "",
    ),
    (
        "latitude must be a number",
        "",
        "lintang harus berupa angka",
        "",
    ),
    (
        "expected an array of positions",
        "",
        "harus berupa daftar posisi",
        "",
    ),
    (
        "at most ",
        " positions are accepted",
        "paling banyak ",
        " posisi",
    ),
    (
        "geometry must be a GeoJSON object",
        "",
        "geometri harus berupa objek GeoJSON",
        "",
    ),
    (
        "geometry type is required",
        "",
        "jenis geometri wajib diisi",
        "",
    ),
    ("coordinates are required", "", "koordinat wajib diisi", ""),
    (
        "a Polygon is an array of rings",
        "",
        "Polygon berupa daftar garis batas",
        "",
    ),
    (
        "a Polygon needs an outer ring",
        "",
        "Polygon perlu garis batas luar",
        "",
    ),
    (
        "a MultiPolygon is a non-empty array of polygons",
        "",
        "MultiPolygon berupa daftar poligon yang tidak kosong",
        "",
    ),
    (
        "a MultiLineString is a non-empty array of lines",
        "",
        "MultiLineString berupa daftar garis yang tidak kosong",
        "",
    ),
    (
        "the shape's type is required",
        "",
        "jenis bentuk wajib diisi",
        "",
    ),
    (
        "a circle needs a center",
        "",
        "lingkaran perlu titik pusat [bujur, lintang]",
        "",
    ),
    (
        "the center is not a valid position",
        "",
        "titik pusat tidak sah",
        "",
    ),
    (
        "the radius must be more than 0 and at most 200000 metres",
        "",
        "jari-jari harus lebih dari 0 dan paling banyak 200000 meter",
        "",
    ),
    (
        "more than 0 and at most 200000 metres",
        "",
        "harus lebih dari 0 dan paling banyak 200000 meter",
        "",
    ),
    ("not a polygon", "", "bukan poligon", ""),
    ("not a line", "", "bukan garis", ""),
    (
        "required, 1 to ",
        " characters",
        "wajib diisi, 1 sampai ",
        " karakter",
    ),
    (
        "no boundary is shipped for ",
        "; give radius_m for a circle",
        "batas wilayah tidak tersedia untuk ",
        "; isi jari-jari untuk membuat lingkaran",
    ),
    (
        "give a shape, or a region code",
        "",
        "isi bentuk, atau kode wilayah (dengan jari-jari untuk lingkaran)",
        "",
    ),
    (
        "a line fence is a road, a river or other",
        "",
        "area berbentuk garis harus berjenis jalan, sungai atau lainnya",
        "",
    ),
    (
        "a species key: lower-case letters",
        "",
        "kunci spesies: huruf kecil, angka dan _ (mis. gajah_sumatera)",
        "",
    ),
    ("1 to 10080 minutes", "", "1 sampai 10080 menit", ""),
    (
        "a device with serial ",
        " already exists",
        "sudah ada perangkat dengan nomor seri ",
        "",
    ),
    (
        "a subject of your agency is required",
        "",
        "pilih satwa/subjek milik instansi Anda",
        "",
    ),
    (
        "an RFC 3339 time, e.g.",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    (
        "a name of 1 to 200 characters is required",
        "",
        "nama wajib diisi, 1 sampai 200 karakter",
        "",
    ),
    ("must be a fence id", "", "harus berupa id area", ""),
    (
        "must be an array of fence ids",
        "",
        "harus berupa daftar id area",
        "",
    ),
    (
        "must be a subject id",
        "",
        "harus berupa id satwa/subjek",
        "",
    ),
    (
        "give \"any\"",
        "",
        "pilih semua, satu spesies atau satu satwa/subjek",
        "",
    ),
    (
        "proximity needs a distance of more than 0 and at most 100000 metres",
        "",
        "jarak harus lebih dari 0 dan paling banyak 100000 meter",
        "",
    ),
    (
        "dwell needs 1 to 10080 minutes",
        "",
        "lama bertahan harus 1 sampai 10080 menit",
        "",
    ),
    (
        "must be enter, exit, proximity",
        "",
        "pemicu tidak dikenal",
        "",
    ),
    ("a trigger is required", "", "pemicu wajib dipilih", ""),
    (
        "must be info, warning or critical",
        "",
        "tingkat tidak dikenal",
        "",
    ),
    (
        "give {\"from\"",
        "",
        "isi jam mulai dan jam selesai yang berbeda (JJ:MM)",
        "",
    ),
    ("must be an array", "", "harus berupa daftar", ""),
    ("a name is required", "", "nama wajib diisi", ""),
    (
        "a phone number is 8 to 15 digits",
        "",
        "nomor telepon 8 sampai 15 angka, boleh diawali +",
        "",
    ),
    ("not an e-mail address", "", "bukan alamat surel", ""),
    (
        "a contact needs a phone number or an e-mail address",
        "",
        "kontak perlu nomor telepon atau alamat surel",
        "",
    ),
    (
        "a rule needs recipients",
        "",
        "aturan perlu penerima: instansi, pengguna atau kontak",
        "",
    ),
    (
        "a rule needs at least one recipient",
        "",
        "aturan perlu paling sedikit satu penerima",
        "",
    ),
    (
        "must be board, webhook, email or sms",
        "",
        "saluran tidak dikenal",
        "",
    ),
    (
        "not a fence of your agency",
        "",
        "bukan area milik instansi Anda",
        "",
    ),
    (
        "SMS is not set up on this server",
        "",
        "SMS belum disiapkan di server ini",
        "",
    ),
    (
        "e-mail is not set up on this server",
        "",
        "surel belum disiapkan di server ini",
        "",
    ),
    (
        "a cross rule watches lines",
        "",
        "aturan melintasi hanya untuk area berbentuk garis (jalan, sungai)",
        "",
    ),
    ("a note needs text", "", "catatan perlu diisi", ""),
    // Messages found untranslated by `every_domain_message_a_form_can_show_is_translated`.
    (
        "this password is too common",
        "",
        "kata sandi ini terlalu umum; pilih yang lain",
        "",
    ),
    (
        "the password must not contain the user name",
        "",
        "kata sandi tidak boleh memuat nama pengguna",
        "",
    ),
    (
        "the password must not be one character repeated",
        "",
        "kata sandi tidak boleh berupa satu karakter yang diulang",
        "",
    ),
    (
        "the form could not be read",
        "",
        "formulir tidak dapat dibaca",
        "",
    ),
    ("the file is empty", "", "berkas kosong", ""),
    (
        "the interval ends before it starts",
        "",
        "selang waktu berakhir sebelum dimulai",
        "",
    ),
    (
        "bbox must be minLon,minLat,maxLon,maxLat",
        "",
        "bbox harus berbentuk minLon,minLat,maxLon,maxLat",
        "",
    ),
    (
        "bbox value ",
        " is not a number",
        "nilai bbox ",
        " bukan angka",
    ),
    (
        "bbox latitudes must be within",
        "",
        "lintang bbox harus di antara -90 dan 90",
        "",
    ),
    (
        "bbox longitudes must be within",
        "",
        "bujur bbox harus di antara -180 dan 180",
        "",
    ),
    (
        "bbox minimum must not exceed its maximum",
        "",
        "nilai minimum bbox tidak boleh melebihi maksimumnya",
        "",
    ),
    (
        "geometry type ",
        " is not supported; use Point, LineString or Polygon",
        "jenis geometri ",
        " tidak didukung; gunakan Point, LineString atau Polygon",
    ),
    (
        "attributes must be an object",
        "",
        "rincian harus berupa objek",
        "",
    ),
    (
        "properties must be an object",
        "",
        "properties harus berupa objek",
        "",
    ),
    (
        "a clause is an object",
        "",
        "klausul harus berupa objek",
        "",
    ),
    (
        "the body must be a GeoJSON Feature object",
        "",
        "isi permintaan harus berupa objek GeoJSON Feature",
        "",
    ),
    (
        "the body must be a JSON object",
        "",
        "isi permintaan harus berupa objek JSON",
        "",
    ),
    ("must be a JSON object", "", "harus berupa objek JSON", ""),
    ("must be \"Feature\"", "", "harus \"Feature\"", ""),
    (
        "must be \"draft\" or \"proposed\"",
        "",
        "harus draf atau usulan",
        "",
    ),
    (
        "must be public, internal, restricted or secret",
        "",
        "tingkat kerahasiaan tidak dikenal",
        "",
    ),
    (
        "explain why, in 10 to 2000 characters",
        "",
        "jelaskan alasannya dalam 10 sampai 2000 karakter",
        "",
    ),
    ("give a list of roles", "", "berikan daftar peran", ""),
    ("not a role", "", "bukan peran yang dikenal", ""),
    ("not a valid address", "", "bukan alamat yang sah", ""),
    (
        "an http:// or https:// address",
        "",
        "harus alamat http:// atau https://",
        "",
    ),
    (
        "give {\"from\"",
        "",
        "isi dua jam setempat yang berbeda: dari (JJ:MM) dan sampai (JJ:MM)",
        "",
    ),
    (
        "analysts may not send fixes",
        "",
        "analis tidak mengirim posisi",
        "",
    ),
];

/// Indonesian renderings of domain messages that start with a value (an agency code, a
/// field key) and end in a fixed phrase: (English end, Indonesian end). The value is kept.
const CORE_SUFFIXES: &[(&str, &str)] = &[
    (
        " is not a party to the agreement",
        " bukan pihak dalam perjanjian",
    ),
    (
        " is not a field of the shared report types",
        " bukan rincian jenis laporan yang dibagikan",
    ),
    (" is not an agency", " bukan instansi yang terdaftar"),
    (" is named twice", " disebut dua kali"),
    (
        " is not a fence shape; use Polygon, MultiPolygon, LineString, MultiLineString or Circle",
        " bukan bentuk area; gunakan Polygon, MultiPolygon, LineString, MultiLineString atau Circle",
    ),
    (" is not a Kemendagri region code", " bukan kode wilayah Kemendagri"),
    (" is not a user", " bukan pengguna yang terdaftar"),
    (
        " is not an RFC 3339 date-time",
        " bukan tanggal dan jam RFC 3339",
    ),
];

/// Shows a domain validation message in `lang`. A message with no Indonesian words here
/// is not shown in English on an Indonesian page: it says in Indonesian that the value
/// was refused, and the English is logged so that its words can be added (a test keeps
/// the known messages complete).
pub fn core_message(lang: Lang, msg: &str) -> String {
    if lang == Lang::En {
        return msg.to_string();
    }
    core_message_id(msg).unwrap_or_else(|| {
        tracing::warn!(message = msg, "a domain message has no Indonesian words");
        tr(Lang::Id, k!("err_value_refused"))
    })
}

/// The Indonesian words of a domain message, if this table has them.
fn core_message_id(msg: &str) -> Option<String> {
    for (en_start, en_end, id_start, id_end) in CORE_MESSAGES {
        let Some(rest) = msg.strip_prefix(en_start) else {
            continue;
        };
        let Some(middle) = rest.strip_suffix(en_end) else {
            continue;
        };
        let keeps_value = en_start.ends_with(' ') || en_start.ends_with(": ");
        // A start that already says everything (a fixed phrase) drops the English tail;
        // a start followed by a value keeps the value, which needs no translation.
        return Some(if keeps_value {
            format!("{id_start}{middle}{id_end}")
        } else {
            format!("{id_start}{id_end}")
        });
    }
    for (en_end, id_end) in CORE_SUFFIXES {
        if let Some(value) = msg.strip_suffix(en_end) {
            return Some(format!("{value}{id_end}"));
        }
    }
    None
}

/// A form's label for a field its own labels do not cover: the catalogue's name for it,
/// else "another field", never the internal key.
pub fn field_or_other(lang: Lang, field: &str) -> String {
    field_name(lang, field).unwrap_or_else(|| tr(lang, k!("field_other")))
}

/// The name of a field an error names (`title`, `parties[1]`, `attributes.count`), for
/// pages that show errors away from their form; `None` when there is no name for it in
/// the catalogue, so the message is shown alone rather than with an internal key.
pub fn field_name(lang: Lang, field: &str) -> Option<String> {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let key = match base {
        "title" => k!("title"),
        "description" => k!("description"),
        "occurred_at" => k!("occurred_at"),
        "sensitivity" => k!("sensitivity"),
        "type" => k!("type"),
        "status" => k!("status"),
        "note" => k!("note"),
        "location" | "geometry" => k!("location"),
        "region_code" => k!("region_code"),
        "attributes" => k!("attributes"),
        "parties" => k!("parties"),
        "valid_from" => k!("valid_from"),
        "valid_until" => k!("valid_until"),
        "clauses" => k!("clauses"),
        "number" => k!("agreement_number"),
        "legal_basis" => k!("legal_basis"),
        "username" => k!("username"),
        "password" => k!("password"),
        "display_name" => k!("display_name"),
        "role" | "roles" => k!("role"),
        "agency" => k!("agency"),
        "reason" => k!("reason"),
        "until" => k!("until"),
        "justification" => k!("eg_justification"),
        "name" => k!("w_name"),
        "kind" => k!("w_kind"),
        "action" => k!("w_action"),
        "outcome" => k!("w_outcome"),
        "shape" => k!("w_shape"),
        "region" => k!("w_region_code"),
        "radius_m" => k!("w_radius"),
        _ => return None,
    };
    Some(tr(lang, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t.key` in a template and every `k!("key")` in the UI's Rust code must be
    /// in the table, in both languages.
    #[test]
    fn every_used_key_is_in_the_table() {
        let mut missing = Vec::new();
        for (name, src) in crate::ui::render::all_templates() {
            let bytes = src.as_bytes();
            for (i, _) in src.match_indices("t.") {
                let before = if i == 0 { b' ' } else { bytes[i - 1] };
                if before.is_ascii_alphanumeric() || before == b'_' || before == b'.' {
                    continue;
                }
                let key: String = src[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !key.is_empty() && !has(&key) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
        for (name, src) in RUST_SOURCES {
            for (i, _) in src.match_indices("k!(\"") {
                let key: String = src[i + 4..].chars().take_while(|c| *c != '"').collect();
                if key != "key" && !has(&key) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the dictionary: {missing:?}"
        );
    }

    const RUST_SOURCES: &[(&str, &str)] = &[
        ("ui/mod.rs", include_str!("mod.rs")),
        ("ui/render.rs", include_str!("render.rs")),
        ("ui/home.rs", include_str!("home.rs")),
        ("ui/format.rs", include_str!("format.rs")),
        ("ui/language.rs", include_str!("language.rs")),
        (
            "features/accounts/mod.rs",
            include_str!("../features/accounts/mod.rs"),
        ),
        (
            "features/accounts/ui/account.rs",
            include_str!("../features/accounts/ui/account.rs"),
        ),
        (
            "features/accounts/ui/admin.rs",
            include_str!("../features/accounts/ui/admin.rs"),
        ),
        (
            "features/accounts/ui/mod.rs",
            include_str!("../features/accounts/ui/mod.rs"),
        ),
        (
            "features/accounts/ui/settings.rs",
            include_str!("../features/accounts/ui/settings.rs"),
        ),
        (
            "features/accounts/ui/sign_in.rs",
            include_str!("../features/accounts/ui/sign_in.rs"),
        ),
        (
            "features/accounts/ui/users.rs",
            include_str!("../features/accounts/ui/users.rs"),
        ),
        (
            "features/audit/mod.rs",
            include_str!("../features/audit/mod.rs"),
        ),
        (
            "features/audit/ui.rs",
            include_str!("../features/audit/ui.rs"),
        ),
        ("features/mod.rs", include_str!("../features/mod.rs")),
        (
            "features/notifications/mod.rs",
            include_str!("../features/notifications/mod.rs"),
        ),
        (
            "features/notifications/ui.rs",
            include_str!("../features/notifications/ui.rs"),
        ),
        (
            "features/reports/mod.rs",
            include_str!("../features/reports/mod.rs"),
        ),
        (
            "features/reports/ui/detail.rs",
            include_str!("../features/reports/ui/detail.rs"),
        ),
        (
            "features/reports/ui/form.rs",
            include_str!("../features/reports/ui/form.rs"),
        ),
        (
            "features/reports/ui/list.rs",
            include_str!("../features/reports/ui/list.rs"),
        ),
        (
            "features/reports/ui/mod.rs",
            include_str!("../features/reports/ui/mod.rs"),
        ),
        (
            "features/reports/ui/values.rs",
            include_str!("../features/reports/ui/values.rs"),
        ),
        (
            "features/sharing/mod.rs",
            include_str!("../features/sharing/mod.rs"),
        ),
        (
            "features/sharing/ui/agreement_form.rs",
            include_str!("../features/sharing/ui/agreement_form.rs"),
        ),
        (
            "features/sharing/ui/agreements.rs",
            include_str!("../features/sharing/ui/agreements.rs"),
        ),
        (
            "features/sharing/ui/break_glass.rs",
            include_str!("../features/sharing/ui/break_glass.rs"),
        ),
        (
            "features/sharing/ui/mod.rs",
            include_str!("../features/sharing/ui/mod.rs"),
        ),
        (
            "features/sharing/ui/referrals.rs",
            include_str!("../features/sharing/ui/referrals.rs"),
        ),
        (
            "features/warning/mod.rs",
            include_str!("../features/warning/mod.rs"),
        ),
        (
            "features/warning/ui/alerts.rs",
            include_str!("../features/warning/ui/alerts.rs"),
        ),
        (
            "features/warning/ui/areas.rs",
            include_str!("../features/warning/ui/areas.rs"),
        ),
        (
            "features/warning/ui/board.rs",
            include_str!("../features/warning/ui/board.rs"),
        ),
        (
            "features/warning/ui/mod.rs",
            include_str!("../features/warning/ui/mod.rs"),
        ),
        (
            "features/warning/ui/rules.rs",
            include_str!("../features/warning/ui/rules.rs"),
        ),
        (
            "features/warning/ui/wildlife.rs",
            include_str!("../features/warning/ui/wildlife.rs"),
        ),
    ];

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, id, en) in ENTRIES {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!id.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    /// The domain and use-case sources whose validation messages reach the UI's forms.
    /// (Fix parsing, imports and deliveries answer the API, the broker and the log; the
    /// alert page words delivery errors itself.)
    const DOMAIN_SOURCES: &[(&str, &str, bool)] = &[
        // (name, source, whether its `Err("…")` strings are messages too)
        (
            "core/report.rs",
            include_str!("../../../core/src/report.rs"),
            true,
        ),
        (
            "core/report_types.rs",
            include_str!("../../../core/src/report_types.rs"),
            true,
        ),
        (
            "core/geometry.rs",
            include_str!("../../../core/src/geometry.rs"),
            true,
        ),
        (
            "core/agreement.rs",
            include_str!("../../../core/src/agreement.rs"),
            true,
        ),
        (
            "core/query.rs",
            include_str!("../../../core/src/query.rs"),
            true,
        ),
        (
            "core/warning.rs",
            include_str!("../../../core/src/warning.rs"),
            true,
        ),
        (
            "core/user.rs",
            include_str!("../../../core/src/user.rs"),
            true,
        ),
        (
            "core/agency.rs",
            include_str!("../../../core/src/agency.rs"),
            true,
        ),
        ("app/lib.rs", include_str!("../../../app/src/lib.rs"), false),
        (
            "app/reports.rs",
            include_str!("../../../app/src/reports.rs"),
            false,
        ),
        (
            "app/agreements.rs",
            include_str!("../../../app/src/agreements.rs"),
            false,
        ),
        (
            "app/auth.rs",
            include_str!("../../../app/src/auth.rs"),
            false,
        ),
        (
            "app/audit.rs",
            include_str!("../../../app/src/audit.rs"),
            false,
        ),
        (
            "app/warning/admin.rs",
            include_str!("../../../app/src/warning/admin.rs"),
            false,
        ),
        (
            "app/warning/alerts.rs",
            include_str!("../../../app/src/warning/alerts.rs"),
            false,
        ),
        ("web/ui/mod.rs", include_str!("mod.rs"), false),
    ];

    /// The string literal starting at `s[i]` (a `"`), unescaped, and where it ends.
    fn literal_at(s: &str, i: usize) -> Option<(String, usize)> {
        let mut out = String::new();
        let mut chars = s[i + 1..].char_indices();
        while let Some((j, c)) = chars.next() {
            match c {
                '"' => return Some((out, i + 1 + j + 1)),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => out.push(e),
                    None => return None,
                },
                c => out.push(c),
            }
        }
        None
    }

    /// The message argument of a call whose `(` is at `open`: the literal after the first
    /// top-level comma (`second`), or right after the parenthesis, perhaps in `format!(`.
    fn message_arg(s: &str, open: usize, second: bool) -> Option<String> {
        let mut i = open + 1;
        if second {
            let mut depth = 0i32;
            let bytes = s.as_bytes();
            loop {
                match *bytes.get(i)? {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' if depth == 0 => return None,
                    b')' | b']' | b'}' => depth -= 1,
                    b'"' => i = literal_at(s, i)?.1 - 1,
                    b',' if depth == 0 => break,
                    b';' => return None,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        }
        let rest = s[i..].trim_start();
        let rest = rest.strip_prefix("format!(").unwrap_or(rest).trim_start();
        if !rest.starts_with('"') {
            return None;
        }
        let at = s.len() - rest.len();
        literal_at(s, at).map(|(m, _)| m)
    }

    /// Every validation message a form can show has Indonesian words: the message of each
    /// `push(field, "…")`, `AppError::field(field, "…")` and `ValidationErrors::single`
    /// in the domain and the use cases, and each `Err("…")` of the domain's parsers
    /// (placeholders of `format!` stand for values).
    #[test]
    fn every_domain_message_a_form_can_show_is_translated() {
        let mut missing = Vec::new();
        let mut checked = 0;
        for (name, src, errs_are_messages) in DOMAIN_SOURCES {
            let code = src.split("#[cfg(test)]").next().unwrap_or(src);
            let mut found = Vec::new();
            for (pattern, second) in [
                (".push(", true),
                ("AppError::field(", true),
                ("ValidationErrors::single(", true),
                ("Err(", false),
            ] {
                if pattern == "Err(" && !errs_are_messages {
                    continue;
                }
                for (i, _) in code.match_indices(pattern) {
                    let open = i + pattern.len() - 1;
                    if let Some(m) = message_arg(code, open, second) {
                        found.push(m);
                    }
                }
            }
            for m in found {
                if !m.contains(' ') {
                    continue;
                }
                // `{…}` in a format string is a value; `{{`/`}}` are braces.
                let mut msg = String::new();
                let mut rest = m.replace("{{", "\u{1}").replace("}}", "\u{2}");
                while let Some(a) = rest.find('{') {
                    let Some(b) = rest[a..].find('}') else { break };
                    msg.push_str(&rest[..a]);
                    msg.push('X');
                    rest = rest[a + b + 1..].to_string();
                }
                msg.push_str(&rest);
                let msg = msg.replace('\u{1}', "{").replace('\u{2}', "}");
                checked += 1;
                // A plain string's braces are its own; only a format string has values.
                if core_message_id(&msg).is_none() && core_message_id(&m).is_none() {
                    missing.push(format!("{name}: {msg:?}"));
                }
            }
        }
        assert!(checked > 100, "the scan found only {checked} messages");
        assert!(
            missing.is_empty(),
            "messages without Indonesian words: {missing:#?}"
        );
    }

    #[test]
    fn core_messages_are_translated_by_prefix() {
        assert_eq!(
            core_message(Lang::Id, "this attribute is required"),
            "wajib diisi"
        );
        // Choices are keys: the Indonesian page says the choice is not offered.
        assert_eq!(
            core_message(Lang::Id, "must be one of: wire, rope"),
            "bukan salah satu pilihan yang tersedia"
        );
        assert_eq!(
            core_message(Lang::En, "must be a whole number"),
            "must be a whole number"
        );
        assert_eq!(
            core_message(Lang::Id, "something new"),
            "isian ini tidak dapat diterima"
        );
        assert_eq!(core_message(Lang::En, "something new"), "something new");
        assert_eq!(
            core_message(Lang::Id, "this password is too common; choose another"),
            "kata sandi ini terlalu umum; pilih yang lain"
        );
        assert_eq!(
            field_name(Lang::Id, "parties[1]").as_deref(),
            Some("Para pihak")
        );
        assert_eq!(field_name(Lang::Id, "body"), None);
        assert_eq!(
            core_message(Lang::Id, "POLDA-JAMBI is not a party to the agreement"),
            "POLDA-JAMBI bukan pihak dalam perjanjian"
        );
        assert_eq!(
            core_message(Lang::Id, "a referral lasts at most 366 days"),
            "rujukan paling lama 366 hari"
        );
        assert_eq!(tr(Lang::En, "nav_map"), "Map");
        assert_eq!(tr(Lang::Id, "no-such-key"), "⟦no-such-key⟧");
    }
}
