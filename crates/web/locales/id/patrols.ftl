## Joint patrols: the request bodies (by code, with arguments)

patrol-mandate-invalid = harus salah satu dari forest_security, fire_prevention, wildlife_protection, joint_operation
patrol-transport-invalid = harus salah satu dari foot, vehicle, boat, motorbike
patrol-status-invalid = harus salah satu dari planned, under_way, done
patrol-status-final = patroli sudah selesai; statusnya tidak dapat diubah lagi
patrol-status-backwards = patroli sedang berlangsung; statusnya tidak dapat kembali menjadi direncanakan
patrol-too-long = patroli paling lama { $days } hari
patrol-members-required = patroli memerlukan paling sedikit satu anggota, yaitu pemimpinnya
patrol-members-too-many = patroli paling banyak beranggotakan { $max } orang
patrol-member-not-object = anggota harus berupa objek
patrol-member-agency-required = isi kode instansi anggota
patrol-member-name-required = isi nama atau nama pengguna anggota
patrol-member-role-invalid = harus leader atau member
patrol-member-repeated = { $user } disebut dua kali
patrol-leader-required = satu anggota harus berperan sebagai pemimpin (leader)
patrol-leader-repeated = satu patroli hanya punya satu pemimpin
patrol-leader-account = pemimpin patroli memerlukan nama pengguna: dialah yang bertanggung jawab atas patroli di Sinergi
patrol-track-duplicate = jejak ini sudah pernah dikirim, sebagai etape tanggal { $date }; jejak tidak dihitung dua kali

## Tracks: what cleaning refuses or leaves out, by line in a file or by point

list-more = dan { $count } lainnya
track-empty = jejak tidak memiliki titik
track-too-many-points = jejak memiliki { $count } titik; paling banyak { $max } titik yang diterima, jadi kirim satu jejak per hari
track-position-invalid = titik { $point } pada segmen { $segment }: { $lon }, { $lat } bukan posisi (bujur -180 sampai 180, lintang -90 sampai 90)
track-position-invalid-line = baris { $line }: { $lon }, { $lat } bukan posisi (bujur -180 sampai 180, lintang -90 sampai 90)
track-time-too-early = titik { $point } pada segmen { $segment }: waktu { $time } sebelum tahun { $year }; penerima GPS yang penghitung minggunya berputar ulang menulis tanggal seperti ini, jadi atur tanggalnya lalu ekspor jejaknya lagi
track-time-too-early-line = baris { $line }: waktu { $time } sebelum tahun { $year }; penerima GPS yang penghitung minggunya berputar ulang menulis tanggal seperti ini, jadi atur tanggalnya lalu ekspor jejaknya lagi
track-time-future = titik { $point } pada segmen { $segment }: waktu { $time } berada di masa depan
track-time-future-line = baris { $line }: waktu { $time } berada di masa depan
track-time-order = titik { $point } pada segmen { $segment }: waktu { $time } lebih awal daripada titik sebelumnya ({ $previous }); titik-titik dalam satu segmen harus urut menurut waktu
track-time-order-line = baris { $line }: waktu { $time } lebih awal daripada titik sebelumnya ({ $previous }); titik-titik dalam satu segmen harus urut menurut waktu
track-point-dropped = titik { $point } pada segmen { $segment }: titik ini tidak dipakai: untuk mencapainya diperlukan { $speed } km/jam, lebih cepat dari { $max } km/jam
track-point-dropped-line = baris { $line }: titik ini tidak dipakai: untuk mencapainya diperlukan { $speed } km/jam, lebih cepat dari { $max } km/jam
track-jump = titik { $point } pada segmen { $segment }: jejak melompat { $km } km dalam { $minutes } menit, lebih cepat dari { $max } km/jam; titik-titik mulai dari sini menjadi segmen baru
track-jump-line = baris { $line }: jejak melompat { $km } km dalam { $minutes } menit, lebih cepat dari { $max } km/jam; titik-titik mulai dari sini menjadi segmen baru

## GPX files: what refuses a file, by line and column

gpx-xml-broken = baris { $line }, kolom { $column }: berkas ini bukan XML yang tersusun dengan benar: { $error }
gpx-not-gpx = baris { $line }, kolom { $column }: berkas ini bukan GPX: elemen akarnya <{ $name }>, bukan <gpx>
gpx-no-root = berkas tidak memuat satu pun elemen XML; berkas ini bukan GPX
gpx-truncated = baris { $line }: berkas berakhir di dalam <{ $name }> yang dimulai di baris { $open }; berkas ini terpotong
gpx-point-no-time = baris { $line }: titik jejak ini tidak memiliki waktu; upaya patroli dihitung dari waktu setiap titik
gpx-no-times = tidak satu pun dari { $count } titik jejak memiliki waktu; ekspor jejak yang direkam, bukan rute atau garis yang digambar
gpx-time-invalid = baris { $line }: "{ $value }" bukan waktu seperti 2025-05-27T01:30:00Z
gpx-elevation-invalid = baris { $line }: "{ $value }" bukan ketinggian dalam meter
gpx-coordinate-missing = baris { $line }, kolom { $column }: titik ini tidak memiliki atribut { $name }
gpx-latitude-invalid = baris { $line }, kolom { $column }: lat="{ $value }" bukan lintang antara -90 dan 90
gpx-longitude-invalid = baris { $line }, kolom { $column }: lon="{ $value }" bukan bujur antara -180 dan 180
gpx-too-many-points = baris { $line }: berkas memuat lebih dari { $max } titik jejak; kirim satu berkas per hari
gpx-too-many-waypoints = baris { $line }: berkas memuat lebih dari { $max } titik penanda (waypoint)
gpx-no-track = berkas tidak memuat titik jejak (trk, trkseg, trkpt); rute dan titik penanda saja bukan jejak

# Patrol pages
nav_patrols = Patroli
p_title = Patroli
p_new = Patroli baru
p_intro = Patroli yang diselenggarakan atau diikuti instansi Anda. Jarak, jam, hari patroli, dan luas cakupan dihitung dari jejaknya.
p_none = Belum ada patroli.
p_organiser = Penyelenggara
p_field_title = Judul
p_field_mandate = Mandat
p_field_transport = Moda
p_field_status = Status
p_field_dates = Tanggal
p_field_start = Mulai
p_field_end = Selesai
p_field_area = Wilayah (kode Kemendagri)
p_field_sensitivity = Kerahasiaan
p_members = Anggota
p_members_hint = Anggota boleh berasal dari beberapa instansi: isi kode instansi masing-masing, dan nama pengguna bagi yang punya akun. Tepat satu anggota menjadi ketua.
p_member_agency = Kode instansi
p_member_user = Nama pengguna
p_member_name = Nama
p_member_role = Peran
p_role_leader = Ketua
p_role_member = Anggota
p_save = Simpan patroli
p_mandate_forest_security = Pengamanan hutan
p_mandate_fire_prevention = Pencegahan kebakaran
p_mandate_wildlife_protection = Perlindungan satwa
p_mandate_joint_operation = Operasi gabungan
p_transport_foot = Jalan kaki
p_transport_vehicle = Kendaraan
p_transport_boat = Perahu
p_transport_motorbike = Sepeda motor
p_status_planned = Direncanakan
p_status_under_way = Berlangsung
p_status_done = Selesai
p_set_status = Tandai
p_effort = Upaya
p_effort_summary = { $km } km ditempuh dalam { $days } hari patroli, melewati { $cells } sel 1 km.
p_distance = Jarak (km)
p_hours = Jam
p_patrol_days = Hari patroli
p_person_days = Hari orang
p_cells = Sel 1 km
p_tracks = Jejak
p_map_label = Peta jejak patroli
p_no_tracks = Belum ada jejak: unggah berkas GPX dari GPS genggam.
p_leg_date = Tanggal
p_leg_source = Sumber
p_leg_points = Titik
p_download_gpx = Unduh jejak (GPX)
p_gpx_file = Berkas GPX
p_import = Unggah
p_import_new = Patroli baru dari berkas GPX
p_import_new_hint = Setiap jejak dalam berkas menjadi satu leg patroli baru instansi Anda, dengan Anda sebagai ketuanya.
p_notice_imported = Jejak sudah disimpan.
p_notice_duplicate = Jejak ini sudah tersimpan sebelumnya; tidak ada yang ditambahkan.
p_notice_status = Status sudah diubah.
p_export = Unduh patroli ini beserta jejak dan upayanya
p_stale = Seseorang mengubah patroli ini sementara itu; halaman kini menampilkan versi mereka.
## Joint patrols: the use cases

patrol-member-user-unknown = { $user } bukan pengguna yang terdaftar
patrol-member-other-agency = { $user } bukan anggota { $agency }
