## Notifications.
nav_notifications = Notifikasi
notif_title = Notifikasi
notif_intro = Pemberitahuan tentang laporan instansi Anda: akses darurat oleh instansi lain dan rujukan kepada instansi Anda.
notif_break_glass = { $by } ({ $by_agency }) membuka laporan "{ $report_title }" dengan akses darurat sampai { $until }: { $why }
notif_referral = { $by_agency } merujuk laporan "{ $report_title }" kepada instansi Anda sampai { $until }: { $why }
notif_other = Pemberitahuan ({ $kind }) tentang laporan "{ $report_title }"
notif_unknown_agency = instansi lain
notif_unread = baru
notif_kind_break_glass = akses darurat
notif_kind_referral = rujukan
notif_open_report = Buka laporan
notif_mark_read = Tandai sudah dibaca
notif_mark_all = Tandai semua sudah dibaca
notif_none = Belum ada notifikasi.
