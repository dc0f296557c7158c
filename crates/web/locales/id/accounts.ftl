## Sign-in.
sign_in = Masuk
sign_in_title = Masuk ke Sinergi
sign_in_intro = Gunakan akun yang diberikan admin instansi Anda.
username = Nama pengguna
password = Kata sandi
login_failed = Nama pengguna atau kata sandi salah, atau akun tidak aktif.
login_throttled = Terlalu banyak percobaan gagal. Coba lagi dalam { $n } menit.
login_form_expired = Formulir masuk sudah kedaluwarsa. Silakan coba lagi.

## Administration.
agencies_title = Instansi
jurisdiction = wilayah
add_agency = Tambah instansi
agency_code = Kode instansi
agency_name = Nama instansi
agency_kind = Jenis instansi
parent_agency = Instansi induk
no_parent = — tanpa induk —
jurisdiction_codes = Kode wilayah kerja (pisahkan dengan koma)
notice_agency = Instansi ditambahkan.
users_title = Pengguna
display_name = Nama lengkap
role = Peran
state = Keadaan
actions = Tindakan
active = Aktif
inactive = Nonaktif
activate = Aktifkan
deactivate = Nonaktifkan
confirm_deactivate = Nonaktifkan pengguna ini? Semua sesinya akan diakhiri.
add_user = Tambah pengguna
username_hint = Huruf kecil, angka, titik, garis bawah atau tanda hubung.
initial_password = Kata sandi awal
password_hint = Paling sedikit 10 karakter.
notice_user = Pengguna ditambahkan.
notice_activated = Pengguna diaktifkan.
notice_deactivated = Pengguna dinonaktifkan.

## Emergency access (break-glass) and system settings.
nav_settings = Pengaturan
settings_title = Pengaturan sistem
settings_bg_legend = Peran yang boleh menggunakan akses darurat
settings_bg_hint = Akses darurat membuka satu laporan terbatas selama { $hours } jam dengan alasan tertulis. Bawaan: koordinator dan admin instansi.
settings_save = Simpan
settings_saved = Pengaturan disimpan.

## Account security: the second factor and signing out everywhere.
nav_security = Keamanan akun
code_title = Kode verifikasi
code_intro = Kata sandi Anda benar. Buka aplikasi autentikator di ponsel Anda dan ketik kode 6 angka untuk Sinergi dalam { $n } menit.
code_label = Kode 6 angka
code_hint = Kode berganti setiap 30 detik.
code_submit = Verifikasi
code_start_over = Masuk dengan akun lain atau mulai lagi
code_wrong = Kode salah. Periksa jam ponsel Anda lalu ketik kode yang sedang tampil.
code_format = Kode terdiri dari 6 angka.
code_expired = Waktu untuk mengetik kode sudah habis. Silakan masuk lagi.
signed_out_everywhere = Anda telah keluar dari semua perangkat.
sec_title = Keamanan akun
sec_2fa = Verifikasi dua langkah
sec_2fa_intro = Selain kata sandi, saat masuk Anda mengetik kode dari aplikasi autentikator di ponsel (misalnya Google Authenticator, Aegis atau FreeOTP).
sec_state_on = aktif
sec_state_off = tidak aktif
sec_on_since = sejak { $time }
sec_mandatory_title = Administrator sistem wajib memakai verifikasi dua langkah.
sec_mandatory_text = Siapkan verifikasi dua langkah di bawah ini sebelum melanjutkan; halaman lain terbuka setelah itu.
sec_admin_keeps = Administrator sistem tidak dapat mematikan verifikasi dua langkah. Jika ponsel hilang, minta administrator sistem lain mengatur ulang.
sec_disable_code = Kode saat ini untuk mematikan
sec_disable = Matikan verifikasi dua langkah
sec_confirm_disable = Matikan verifikasi dua langkah? Akun Anda hanya akan dilindungi kata sandi.
sec_start = Siapkan
sec_step_app = Pasang aplikasi autentikator di ponsel Anda.
sec_step_scan = Di aplikasi itu, tambahkan akun dengan memindai kode QR ini:
sec_qr_label = Kode QR untuk aplikasi autentikator
sec_manual = Tidak bisa memindai? Ketik kunci ini di aplikasi (berbasis waktu, 6 angka):
sec_new_qr_note = Setiap kali penyiapan dimulai, kode QR baru dibuat dan kode QR sebelumnya tidak berlaku lagi.
sec_step_confirm = Ketik kode 6 angka yang ditampilkan aplikasi untuk memastikan semuanya berfungsi:
sec_confirm = Aktifkan
sec_pending = Penyiapan sudah dimulai tetapi belum dikonfirmasi. Jika Anda sudah menambahkan akun di aplikasi, ketik kodenya di bawah. Jika belum, mulai lagi untuk kode QR baru; kode QR sebelumnya tidak berlaku lagi.
sec_restart_note = Kode QR sebelumnya tidak akan berlaku lagi.
sec_restart = Mulai lagi dengan kode QR baru
sec_notice_on = Verifikasi dua langkah aktif. Mulai sekarang Anda mengetik kode dari aplikasi saat masuk.
sec_notice_off = Verifikasi dua langkah dimatikan.
sec_already_on = Verifikasi dua langkah sudah aktif.
sec_confirm_conflict = Tidak ada penyiapan yang menunggu konfirmasi. Mulai penyiapan terlebih dahulu.
sec_code_wrong = Kode tidak cocok. Ketik kode yang sedang tampil di aplikasi.
sec_cannot_disable = Verifikasi dua langkah tidak dapat dimatikan untuk akun ini.
sec_sessions = Perangkat yang masuk
sec_sessions_intro = Keluar dari semua perangkat mengakhiri setiap sesi dan token API akun Anda, termasuk yang ini.
sec_sign_out_all = Keluar dari semua perangkat
sec_confirm_sign_out_all = Keluar dari semua perangkat sekarang?

## Second factor on the users page.
second_factor = Verifikasi dua langkah
on = aktif
off = tidak
reset_2fa = Atur ulang 2FA
confirm_reset_2fa = Atur ulang verifikasi dua langkah { $user }? Semua sesinya diakhiri dan ia harus menyiapkannya lagi.
notice_2fa_reset = Verifikasi dua langkah pengguna itu diatur ulang dan semua sesinya diakhiri. Ia menyiapkannya lagi setelah masuk.
no_2fa_to_reset = Pengguna itu tidak memakai verifikasi dua langkah.

## Field errors of a user and an agency (by code, with arguments)

username-length = nama pengguna harus 3 sampai 64 karakter
username-characters = nama pengguna hanya boleh berisi huruf kecil, angka, '.', '_' dan '-'
password-too-short = kata sandi paling sedikit 10 karakter
password-too-long = kata sandi paling banyak 200 karakter
password-too-common = kata sandi ini terlalu umum; pilih yang lain
password-contains-username = kata sandi tidak boleh memuat nama pengguna
password-one-character = kata sandi tidak boleh berupa satu karakter yang diulang
agency-code-length = kode instansi harus 2 sampai 40 karakter
agency-code-characters = kode instansi hanya boleh berisi huruf kapital, angka, '-', '_' dan '.'
agency-name-length = nama harus 1 sampai 200 karakter
jurisdiction-invalid = bukan kode wilayah Kemendagri
username-taken = nama pengguna { $username } sudah dipakai
agency-code-unknown = tidak ada instansi dengan kode { $code }
agency-code-taken = sudah ada instansi dengan kode { $code }
region-unknown = tidak ada wilayah dengan kode { $code }
password-not-current = ini bukan kata sandi Anda saat ini
code-mismatch = kode tidak cocok; periksa jam ponsel lalu ketik kode yang sedang tampil
totp-code-mismatch = kode tidak cocok; periksa jam ponsel lalu ketik kode yang sedang tampil

# Coded domain messages (observations, ingest, audit …)

# The choices are keys, never shown on an Indonesian page; the argument is taken, not shown.
agency-kind-invalid =
    { $choices ->
       *[other] jenis instansi tidak dikenal
    }
# The choices are keys, never shown on an Indonesian page; the argument is taken, not shown.
user-role-invalid =
    { $choices ->
       *[other] peran tidak dikenal
    }
display-name-length = harus 1 sampai 200 karakter

# The private calendar address (account security page)
cal_title = Kalender pribadi
cal_intro = Alamat pribadi untuk aplikasi kalender (Google Calendar, Outlook, kalender ponsel): rapat Pokja instansi Anda dan tenggat tindak lanjut yang menjadi tanggung jawab instansi Anda. Siapa pun yang tahu alamat ini dapat membaca kalender tersebut.
cal_copy_now = Salin alamat ini sekarang; alamat ini tidak akan ditampilkan lagi.
cal_active = Aktif sejak
cal_issue = Buat alamat kalender
cal_reissue = Buat alamat baru (alamat lama berhenti berlaku)
cal_revoke = Cabut alamat kalender
cal_notice_issued = Alamat kalender pribadi telah dibuat.
cal_notice_revoked = Alamat kalender pribadi telah dicabut.

# Surel untuk pengingat dan atasan pelaporan (ADR 28)
email-invalid = bukan alamat surel
reporting-superior-required = isi kode instansi atasan, atau null untuk kembali ke induknya
reporting-line-self = instansi tidak melapor kepada dirinya sendiri
reporting-line-cycle = { $code } sudah melapor, langsung atau melalui instansi lain, kepada instansi ini
mail_title = Surel untuk pengingat
mail_intro = Pengingat tindak lanjut yang jatuh tempo atau terlambat juga dikirim ke alamat ini, selain di aplikasi.
mail_disabled = Server ini belum mengatur pengiriman surel; pengingat hanya tampil di aplikasi.
mail_address = Alamat surel
mail_clear_hint = Kosongkan untuk berhenti menerima pengingat lewat surel.
mail_save = Simpan alamat surel
mail_notice_saved = Alamat surel untuk pengingat disimpan.
reports_to = Melapor kepada
reporting_line_title = Atasan pelaporan
reporting_line_intro = Kepada siapa instansi melapor dan meneruskan surat ke atas (misalnya kelurahan kepada kecamatan). Tanpa pengaturan, instansi melapor kepada induknya.
reporting_line_agency = Instansi
reporting_line_parent = Induk instansi (bawaan)
reporting_line_save = Simpan atasan pelaporan
notice_reporting_line = Atasan pelaporan disimpan.
sec_devices_intro = Perangkat ODK Collect yang ditautkan ke akun Anda dengan kode QR atau alamat server pribadinya. Cabut perangkat yang hilang atau tidak dipakai lagi.
sec_devices_manage = Tautkan atau cabut perangkat
