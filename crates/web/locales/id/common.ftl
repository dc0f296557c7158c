## Statuses, sensitivities, roles and agency kinds.
status_new = Baru
status_verified = Terverifikasi
status_in_progress = Ditangani
status_closed = Selesai
sens_public = Publik
sens_internal = Internal
sens_restricted = Terbatas
sens_secret = Rahasia
role_field_officer = Petugas lapangan
role_coordinator = Koordinator
role_analyst = Analis
role_agency_admin = Admin instansi
role_system_admin = Admin sistem
kind_police = Kepolisian
kind_park_authority = Pengelola kawasan konservasi
kind_narcotics_agency = Badan Narkotika
kind_local_government = Pemerintah daerah
kind_military = TNI
kind_prosecutor = Kejaksaan
kind_court = Pengadilan
kind_immigration = Imigrasi
kind_village = Desa/Kelurahan
kind_ngo = LSM
kind_other = Lainnya

## Error pages.
request_id = Nomor permintaan
back_home = Kembali ke beranda
err_404_title = Tidak ditemukan
err_404_text = Halaman atau data ini tidak ada, atau Anda tidak berhak melihatnya.
err_403_title = Tidak diizinkan
err_403_text = Peran Anda tidak mengizinkan tindakan ini.
err_csrf_text = Formulir ini tidak sah atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi.
err_500_title = Terjadi kesalahan
err_500_text = Terjadi kesalahan di server. Sebutkan nomor permintaan saat melaporkannya.
err_503_text = Server sedang sibuk memulihkan diri. Tidak ada yang tersimpan; kirim ulang sebentar lagi.
err_400_title = Permintaan tidak valid
err_400_text = Isian yang dikirim tidak dapat diproses.
err_409_title = Bentrok
err_409_text = Data ini bentrok dengan data yang sudah ada.
err_413_text = Kiriman terlalu besar.
err_415_text = Jenis berkas tidak diterima.
err_429_text = Terlalu banyak percobaan. Coba lagi nanti.
self_deactivate = Anda tidak dapat menonaktifkan akun Anda sendiri.

## A domain message without Indonesian words (see core_message).
field_other = Isian lain
err_value_refused = isian ini tidak dapat diterima

## Field errors shared by every domain (by code, with arguments)

body-not-object = isi permintaan harus berupa objek JSON
body-not-feature = isi permintaan harus berupa objek GeoJSON Feature
field-unknown = isian tidak dikenal
feature-type-invalid = harus "Feature"
uuid-invalid = harus berupa UUID
uuid-string-invalid = harus berupa UUID
properties-not-object = properties harus berupa objek
text-too-long = harus berupa teks paling banyak { $max } karakter
text-length = harus berupa teks sepanjang 1 sampai { $max } karakter
text-control-characters = tidak boleh berisi karakter kendali
date-time-invalid = harus berupa tanggal dan jam
sensitivity-invalid = tingkat kerahasiaan tidak dikenal
region-code-invalid = harus kode wilayah Kemendagri, mis. 15.01 or 31.73.07.1006

## Field errors of a geometry (by code, with arguments)

geometry-not-object = geometri harus berupa objek GeoJSON
geometry-type-required = jenis geometri wajib diisi
geometry-type-unsupported = jenis geometri { $ty } tidak didukung; gunakan Point, LineString atau Polygon
coordinates-required = koordinat wajib diisi
position-null-island = 0,0 adalah posisi yang dikirim penerima GPS tanpa sinyal; isi lokasi yang sebenarnya
position-invalid = posisi ditulis [bujur, lintang]
positions-not-array = harus berupa daftar posisi
positions-too-many = paling banyak { $max } posisi
longitude-not-number = bujur harus berupa angka
latitude-not-number = lintang harus berupa angka
longitude-out-of-range = bujur { $value } di luar rentang -180..180
latitude-out-of-range = lintang { $value } di luar rentang -90..90
linestring-too-short = garis perlu paling sedikit 2 titik
polygon-not-array = Polygon berupa daftar garis batas
polygon-no-outer-ring = Polygon perlu garis batas luar
ring-too-short = area perlu paling sedikit 3 titik berbeda
ring-not-closed = garis batas area harus tertutup (posisi pertama dan terakhir sama)
ring-self-crossing = garis batas area memotong dirinya sendiri

date-invalid = harus berupa tanggal TTTT-BB-HH
object-required = harus berupa objek JSON

# Generic value checks of request bodies
value-not-text = harus berupa teks
value-not-list = harus berupa daftar
value-not-boolean = harus ya atau tidak
file-empty = berkas kosong
form-unreadable = formulir tidak dapat dibaca
