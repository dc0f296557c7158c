## The phone app: installing, the outbox, Kawal Desa, recording a patrol

app_name = Sinergi — data bersama lintas instansi
app_description = Laporan, peringatan dini dan patroli, juga tanpa sinyal.
offline_page_title = Tidak ada sinyal
offline_page_text = Halaman ini belum pernah dibuka di ponsel ini, jadi tidak tersedia tanpa sinyal. Halaman yang sudah pernah dibuka (formulir laporan, Kawal Desa, patroli) tetap bisa dipakai.
offline_page_outbox = Buka kotak keluar
outbox_badge = menunggu dikirim ({ $n })
nav_kawal_desa = Kawal Desa
nav_outbox = Kotak keluar

## The outbox (/kirim)

outbox_title = Kotak keluar
outbox_intro = Laporan, perubahan, jejak patroli dan isian formulir yang dibuat tanpa sinyal disimpan di ponsel ini dan dikirim sendiri begitu ada sinyal, masing-masing sekali. Yang ditolak server tetap di sini dengan alasannya sampai Anda menghapusnya.
outbox_needs_js = Kotak keluar memerlukan JavaScript.
outbox_sign_in = Sesi Anda sudah berakhir (misalnya ponsel dinyalakan ulang). Yang menunggu tetap tersimpan dan dikirim setelah Anda masuk lagi.
outbox_sign_in_link = Masuk lagi
outbox_send_now = Kirim sekarang
outbox_empty = Tidak ada yang menunggu dikirim dari ponsel ini.
outbox_kind_report = laporan baru
outbox_kind_patch = perubahan laporan
outbox_kind_gpx = jejak patroli
outbox_kind_form = isian formulir
outbox_state_waiting = Menunggu dikirim
outbox_state_failed = Ditolak server
outbox_state_sent = Terkirim
outbox_state_conflict = Laporan sudah diubah orang lain
outbox_photos = { $n } foto
outbox_open = Buka
outbox_retry = Coba kirim lagi
outbox_delete = Hapus
outbox_forget = Hapus dari daftar
outbox_delete_confirm = Hapus dari ponsel ini? Yang belum terkirim akan hilang.
outbox_conflict = Selagi Anda mengubah laporan ini tanpa sinyal, orang lain sudah mengubahnya di server. Pilih versi yang dipakai.
outbox_field = Isian
outbox_mine = Versi saya
outbox_theirs = Versi di server
outbox_keep_mine = Pakai versi saya
outbox_take_theirs = Pakai versi server

## The report form without a signal

offline_saved = Tidak ada sinyal: laporan disimpan di ponsel ini dan dikirim sendiri begitu ada sinyal. Lihat kotak keluar.
offline_not_saved = Laporan tidak dapat disimpan di ponsel ini:
offline_need_type = Pilih jenis laporan.
offline_need_title = Isi judul.
offline_need_location = Tentukan lokasi (ketuk peta atau pakai lokasi saya).

## Kawal Desa

kd_title = Kawal Desa
kd_intro = Laporkan satwa yang terlihat atau kerusakan yang ditimbulkannya. Laporan disimpan di ponsel dulu dan dikirim begitu ada sinyal; peringatan dini menerimanya saat laporan tiba.
kd_needs_js = Kawal Desa memerlukan JavaScript; tanpa itu pakai formulir laporan biasa:
kd_what = Apa yang terlihat?
kd_what_elephant = Gajah
kd_what_tiger = Harimau
kd_what_damage = Kerusakan oleh satwa
kd_which_animal = Satwa apa?
kd_damaged = Apa yang rusak?
kd_damaged_crops = Tanaman / kebun
kd_damaged_house = Rumah
kd_damaged_hut = Pondok
kd_damaged_fence = Pagar
kd_how_many = Berapa ekor?
kd_where = Di mana?
kd_where_hint = Tekan tombol untuk memakai GPS ponsel, atau ketuk tempatnya di peta.
kd_where_set = Lokasi: { $lat }, { $lon }
kd_gps_wait = Mencari lokasi dari GPS…
kd_gps_failed = Lokasi GPS tidak didapat; ketuk tempatnya di peta.
kd_note = Catatan (boleh kosong)
kd_send = Kirim
kd_saved = Tersimpan. Laporan dikirim begitu ada sinyal; lihat keadaannya di bawah.
kd_need_what = Pilih apa yang terlihat.
kd_need_species = Pilih satwanya.
kd_need_where = Tentukan lokasinya.
kd_title_elephant = Gajah terlihat ({ $n } ekor)
kd_title_tiger = Harimau terlihat ({ $n } ekor)
kd_title_damage = Kerusakan { $what } oleh { $species }
kd_mine = Laporan Kawal Desa dari ponsel ini
kd_state_sent = terkirim
kd_state_waiting = menunggu dikirim
kd_state_failed = ditolak server

## Recording a patrol on the phone

rec_open = Rekam jejak di ponsel
rec_title = Rekam jejak patroli
rec_intro = Jejak direkam dari GPS ponsel dan disimpan di ponsel setiap titik, juga tanpa sinyal. Biarkan layar menyala: peramban menghentikan GPS saat layar mati. Setelah selesai, jejak dikirim ke patroli ini begitu ada sinyal.
rec_needs_js = Merekam jejak memerlukan JavaScript; tanpa itu unggah berkas GPX dari halaman patroli.
rec_state_idle = Belum merekam
rec_state_recording = Sedang merekam
rec_state_paused = Dijeda
rec_points = { $n } titik jejak · { $w } titik penanda
rec_no_gps = Ponsel ini tidak memberi lokasi GPS.
rec_gps_error = GPS belum memberi lokasi; rekaman berjalan terus saat lokasi didapat.
rec_wake_lock = Peramban ini tidak dapat menjaga layar tetap menyala; jangan matikan layar selama merekam.
rec_start = Mulai
rec_pause = Jeda
rec_stop = Selesai
rec_queued = Jejak disimpan di kotak keluar dan dikirim ke patroli ini begitu ada sinyal.
rec_empty = Belum ada titik yang terekam.
rec_waypoint = Titik penanda
rec_waypoint_name = Nama atau keterangan
rec_waypoint_type = Jadikan laporan (untuk foto)
rec_waypoint_no_report = Hanya titik penanda
rec_waypoint_add = Tandai titik ini
rec_waypoint_saved = Titik penanda disimpan.
rec_no_position = Lokasi belum diketahui; tunggu GPS lalu coba lagi.
rec_photo_needs_type = Foto disimpan sebagai laporan: pilih jenis laporannya.
rec_outbox_label = Jejak patroli { $title }
