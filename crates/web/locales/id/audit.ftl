## Audit trail.
nav_audit = Jejak audit
audit_title = Jejak audit
audit_intro = Catatan berantai hash, terbaru di atas. Waktu dalam WIB.
audit_actor = Pelaku (nama pengguna)
audit_record = ID data
audit_action = Tindakan
all_actions = Semua tindakan
audit_seq = No.
audit_time = Waktu (WIB)
audit_detail = Rincian
audit_hash = Hash
download_csv = Unduh CSV
no_audit = Tidak ada catatan yang cocok.
act_sign_in = Masuk
act_sign_in_failed = Gagal masuk
act_sign_out = Keluar
act_report_create = Membuat laporan
act_report_update = Mengubah laporan
act_report_read = Membaca laporan rahasia
act_report_export = Mengekspor laporan
act_attachment_add = Menambah lampiran
act_attachment_read = Mengunduh lampiran
act_agency_create = Menambah instansi
act_user_create = Menambah pengguna
act_user_activate = Mengaktifkan pengguna
act_user_deactivate = Menonaktifkan pengguna
act_user_update = Mengubah data pengguna
pw_title = Kata sandi
pw_must_title = Pilih kata sandi Anda sendiri
pw_must_text = Kata sandi akun ini diatur oleh administrator. Gantilah dengan kata sandi yang hanya Anda ketahui sebelum melanjutkan.
pw_current = Kata sandi saat ini
pw_new = Kata sandi baru
pw_confirm = Ulangi kata sandi baru
pw_rules = Minimal 10 karakter; jangan memakai nama pengguna atau kata sandi yang umum.
pw_mismatch = Kedua kata sandi baru tidak sama.
pw_submit = Ganti kata sandi
pw_changed = Kata sandi diganti. Semua sesi telah berakhir; silakan masuk lagi dengan kata sandi baru.
pw_link = Ganti kata sandi
edit_user = Ubah pengguna
user_details = Data pengguna
own_role_fixed = Anda tidak dapat mengubah peran Anda sendiri.
role_not_grantable = Anda tidak boleh memberikan peran itu.
reset_password = Atur ulang kata sandi
reset_password_text = Untuk pengguna yang lupa kata sandinya. Semua sesinya berakhir, dan ia wajib memilih kata sandinya sendiri saat masuk berikutnya. Sampaikan kata sandi sementara ini lewat jalur yang aman.
notice_user_changed = Data pengguna disimpan.
notice_password_reset = Kata sandi sementara disimpan; pengguna wajib menggantinya saat masuk berikutnya.
act_password_change = Mengganti kata sandi sendiri
act_password_reset = Mengatur ulang kata sandi pengguna
act_agreement_create = Mengusulkan perjanjian
act_agreement_approve = Menyetujui perjanjian
act_agreement_revoke = Mencabut perjanjian
act_referral_create = Merujuk laporan
act_referral_revoke = Mencabut rujukan
act_break_glass = Akses darurat (break-glass)
act_setting_change = Mengubah pengaturan

## Audit actions and record kinds not named above.
act_warning_setup = Mengatur peringatan dini
act_alert_respond = Menanggapi peringatan
act_import = Mengimpor data
act_patrol_create = Membuat patroli
act_patrol_update = Mengubah patroli
act_patrol_track_add = Menambahkan jejak patroli
rt_report = laporan
rt_agreement = perjanjian
rt_user = pengguna
rt_agency = instansi
rt_setting = pengaturan
rt_alert = peringatan
rt_device = perangkat
rt_fence = area
rt_rule = aturan
rt_subject = satwa
rt_webhook = webhook
rt_patrol = patroli

## Agreement drafts and documents.
act_agreement_update = Mengubah perjanjian
act_sessions_revoke = Mengakhiri semua sesi
act_totp_enable = Mengaktifkan verifikasi dua langkah
act_totp_disable = Mematikan verifikasi dua langkah

# Coded domain messages (observations, ingest, audit …)

audit-time-invalid = harus berupa tanggal dan jam
audit-until-before-since = berakhir sebelum tanggal awal
audit-action-unknown = tindakan tidak dikenal: { $action }
