## Layout and navigation.
switch_lang = English
nav_label = Menu utama
nav_home = Beranda
nav_reports = Laporan
nav_map = Peta
nav_new_report = Laporan baru
nav_agencies = Instansi
nav_users = Pengguna
sign_out = Keluar
footer = koordinasi antarinstansi

## Home.
home_title = Beranda
home_welcome = Selamat datang
summary = Ringkasan
reports_visible = laporan yang dapat Anda lihat
by_type = Menurut jenis dan status
total = Jumlah
no_reports_yet = Belum ada laporan yang dapat Anda lihat.
open_map = Buka peta
