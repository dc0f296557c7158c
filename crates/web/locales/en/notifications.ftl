## Notifications.
nav_notifications = Notifications
notif_title = Notifications
notif_intro = Notices about your agency's reports: emergency access by other agencies and referrals to your agency.
notif_break_glass = { $by } ({ $by_agency }) opened the report "{ $report_title }" by emergency access until { $until }: { $why }
notif_referral = { $by_agency } referred the report "{ $report_title }" to your agency until { $until }: { $why }
notif_other = Notice ({ $kind }) about the report "{ $report_title }"
notif_unknown_agency = another agency
notif_unread = new
notif_kind_break_glass = emergency access
notif_kind_referral = referral
notif_open_report = Open the report
notif_mark_read = Mark as read
notif_mark_all = Mark all as read
notif_none = No notifications yet.
