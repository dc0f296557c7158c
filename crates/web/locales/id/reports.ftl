## Report list.
reports_title = Daftar laporan
filter = Saring
filter_invalid = Saringan tidak valid:
search_text = Cari kata
type = Jenis
all_types = Semua jenis
status = Status
all_statuses = Semua status
agency = Instansi
all_agencies = Semua instansi
region_code = Kode wilayah
date_from = Dari tanggal (WIB)
date_to = Sampai tanggal (WIB)
apply_filter = Terapkan
reset_filter = Hapus saringan
export = Ekspor
title = Judul
occurred_at = Waktu kejadian
region = Wilayah
no_matching_reports = Tidak ada laporan yang cocok.
pages = Halaman
first_page = Awal
next_page = Berikutnya
bad_date = Tanggal harus berbentuk TTTT-BB-HH.
bad_date_range = Tanggal akhir sebelum tanggal awal.

## Report detail.
location = Lokasi
owner_agency = Instansi pemilik
author = Pelapor
sensitivity = Tingkat kerahasiaan
version = Versi
created_at = Dibuat
updated_at = Diubah
description = Uraian
attributes = Rincian
no_attributes = Tidak ada rincian.
personal_data = data pribadi
no_region = Di luar wilayah yang dikenal
geom_line = Garis/jalur
geom_polygon = Area
points = titik
map_of_report = Peta lokasi laporan
edit = Ubah
change_status = Ubah status
new_status = Status baru
note = Catatan
save_status = Simpan status
attachments = Lampiran
no_attachments = Belum ada lampiran.
add_attachment = Tambah lampiran
upload = Unggah
attachment_hint = Foto (JPEG, PNG, WebP, GIF) atau PDF.
history = Riwayat
no_history = Belum ada riwayat perubahan (data impor).
back_to_list = Kembali ke daftar
stale_report = Laporan telah diubah orang lain sejak Anda membukanya.
reload = Muat ulang laporan
reload_form = Muat ulang formulir
ev_created = membuat laporan
ev_updated = mengubah laporan
ev_status = mengubah status
yes = Ya
no = Tidak
notice_created = Laporan tersimpan.
notice_updated = Perubahan tersimpan.
notice_status = Status diperbarui.
notice_attachment = Lampiran tersimpan.
no_file = Pilih berkas terlebih dahulu.
file_type_refused = Jenis berkas tidak diterima: hanya foto JPEG, PNG, WebP, GIF atau dokumen PDF.
file_too_large = Berkas terlalu besar.

## Photos with a new report and as thumbnails; the compact menu and the list's pages.
photos = Foto
photos_hint = Ambil dengan kamera atau pilih dari galeri; paling banyak { $n } foto, masing-masing sampai { $mb } MB (JPEG, PNG, WebP atau GIF).
photo_take = Ambil foto
photo_choose = Pilih dari galeri
photos_total_too_large = Foto yang dipilih terlalu besar untuk dikirim sekaligus (paling banyak { $n } MB). Pilih lebih sedikit foto; sisanya dapat ditambahkan di halaman laporan.
photos_too_many = Paling banyak { $n } foto sekali simpan; sisanya dapat ditambahkan di halaman laporan.
photo_too_large = terlalu besar (paling banyak { $n } MB per foto)
photo_unnamed = (foto tanpa nama)
photos_choose_again = Foto belum tersimpan karena formulir belum diterima: pilih fotonya lagi sebelum menyimpan.
photos_not_attached = Laporan tersimpan, tetapi foto berikut belum terlampir: { $files }. Unggah lagi di bawah.
photo_remove = Hapus
photo_open = Buka foto ukuran penuh
nav_menu = Menu
previous_page = Sebelumnya

## Report form.
new_report = Laporan baru
edit_report = Ubah laporan
form_has_errors = Periksa isian berikut:
open_existing = Buka laporan yang sudah tersimpan
required = wajib
choose = — pilih —
choose_type = — pilih jenis laporan —
choose_type_first = Pilih jenis laporan untuk melihat rinciannya.
change_type = Ganti jenis
time_zone = Zona waktu
sensitivity_hint = Menentukan siapa yang boleh melihat laporan ini.
location_hint = Ketuk peta untuk memilih titik, atau ketik bujur dan lintang.
pick_on_map = Peta untuk memilih lokasi
longitude = Bujur (lon)
latitude = Lintang (lat)
use_my_location = Pakai lokasi saya
region_code_optional = Kode wilayah (boleh kosong)
region_code_hint = Jika kosong, wilayah ditentukan dari lokasi.
save_report = Simpan laporan
save_changes = Simpan perubahan
cancel = Batal
geometry_kept = Laporan ini berupa garis atau area; biarkan bujur/lintang kosong untuk mempertahankannya.
bad_datetime = Isi tanggal dan jam kejadian.
bad_coordinates = Bujur dan lintang harus berupa angka, keduanya diisi.
id_conflict = Formulir ini sudah pernah dikirim dengan isi lain.
zone_wib = WIB (+7)
zone_wita = WITA (+8)
zone_wit = WIT (+9)

## Map.
map_title = Peta laporan
map_loading = Memuat laporan…
map_shown = { $n } laporan di area ini.
map_limited = Menampilkan { $n } laporan terbaru; perbesar peta untuk melihat lainnya.
map_failed = Laporan gagal dimuat. Periksa sambungan lalu geser peta untuk mencoba lagi.
map_needs_js = Peta memerlukan JavaScript. Daftar laporan tetap dapat dipakai:
open_report = Buka laporan

## Field errors of a report (by code, with arguments)

location-required = lokasi wajib diisi
report-type-required = jenis laporan wajib dipilih
report-type-unknown = jenis laporan tidak dikenal: { $key }
report-type-unchangeable = jenis laporan tidak dapat diubah
report-status-invalid = status tidak dikenal
title-required = judul wajib diisi
occurred-at-required = waktu kejadian wajib diisi
occurred-at-future = tidak boleh di masa depan
occurred-at-too-early = tidak boleh sebelum tahun { $year }

## Field errors of a report query (by code, with arguments)

bbox-invalid = bbox harus berbentuk minLon,minLat,maxLon,maxLat atau minLon,minLat,minHeight,maxLon,maxLat,maxHeight
bbox-not-number = nilai bbox { $value } bukan angka
bbox-longitude-range = bujur bbox harus di antara -180 dan 180
bbox-latitude-range = lintang bbox harus di antara -90 dan 90
bbox-min-exceeds-max = nilai minimum bbox tidak boleh melebihi maksimumnya
datetime-not-rfc3339 = { $value } bukan tanggal dan jam RFC 3339
interval-reversed = selang waktu berakhir sebelum dimulai
region-prefix-invalid = harus kode wilayah Kemendagri, mis. 15 or 15.01
query-text-too-long = paling banyak 200 karakter
limit-invalid = harus bilangan bulat dari 1 sampai { $max }
cursor-invalid = penanda halaman tidak sah

# Coded domain messages (observations, ingest, audit …)

interval-instant-open = satu titik waktu tidak boleh terbuka
attributes-not-object = rincian harus berupa objek
attribute-unknown = rincian tidak dikenal untuk jenis { $key }
attribute-required = wajib diisi
attribute-text-too-long = teks paling banyak { $max } karakter
attribute-not-text = harus berupa teks
attribute-negative = tidak boleh negatif
attribute-not-integer = harus bilangan bulat
attribute-not-number = harus berupa angka
attribute-not-boolean = harus ya atau tidak
attribute-not-datetime = harus berupa tanggal dan jam
# The choices are keys, never shown on an Indonesian page; the argument is taken, not shown.
attribute-choice-invalid =
    { $choices ->
       *[other] bukan salah satu pilihan yang tersedia
    }
attribute-not-list = harus berupa daftar pilihan
attribute-choice-repeated = pilihan { $choice } berulang
# The choices are keys, never shown on an Indonesian page; the argument is taken, not shown.
attribute-choices-invalid =
    { $choices ->
       *[other] ada pilihan yang tidak tersedia
    }
batch-not-collection = Isi permintaan harus berupa FeatureCollection dengan daftar features
batch-size = Kirim antara 1 dan { $max } fitur sekaligus
