## Audit trail.
nav_audit = Audit trail
audit_title = Audit trail
audit_intro = Hash-chained entries, newest first. Times in WIB.
audit_actor = Actor (username)
audit_record = Record id
audit_action = Action
all_actions = All actions
audit_seq = Seq
audit_time = Time (WIB)
audit_detail = Detail
audit_hash = Hash
download_csv = Download CSV
no_audit = No matching entries.
act_sign_in = Signed in
act_sign_in_failed = Failed sign-in
act_sign_out = Signed out
act_report_create = Created a report
act_report_update = Changed a report
act_report_read = Read a sensitive report
act_report_export = Exported reports
act_attachment_add = Added an attachment
act_attachment_read = Downloaded an attachment
act_agency_create = Added an agency
act_user_create = Added a user
act_user_activate = Activated a user
act_user_deactivate = Deactivated a user
act_user_update = Changed a user
pw_title = Password
pw_must_title = Choose your own password
pw_must_text = An administrator set this account's password. Replace it with one only you know before going on.
pw_current = Current password
pw_new = New password
pw_confirm = New password again
pw_rules = At least 10 characters; not your user name or a common password.
pw_mismatch = The two new passwords differ.
pw_submit = Change password
pw_changed = Password changed. Every session has ended; sign in again with the new password.
pw_link = Change password
edit_user = Edit user
user_details = User details
own_role_fixed = You cannot change your own role.
role_not_grantable = You may not grant that role.
reset_password = Reset password
reset_password_text = For a user who forgot their password. Every session of theirs ends, and they must choose their own password at the next sign-in. Pass this temporary password on by a safe channel.
notice_user_changed = User details saved.
notice_password_reset = Temporary password saved; the user must replace it at the next sign-in.
act_password_change = Changed their password
act_password_reset = Reset a user's password
act_agreement_create = Proposed an agreement
act_agreement_approve = Approved an agreement
act_agreement_revoke = Revoked an agreement
act_referral_create = Referred a report
act_referral_revoke = Revoked a referral
act_break_glass = Emergency access (break-glass)
act_setting_change = Changed a setting

## Audit actions and record kinds not named above.
act_warning_setup = Set up early warning
act_alert_respond = Responded to an alert
act_import = Imported data
act_patrol_create = Created a patrol
act_patrol_update = Changed a patrol
act_patrol_track_add = Added a patrol track
rt_report = report
rt_agreement = agreement
rt_user = user
rt_agency = agency
rt_setting = setting
rt_alert = alert
rt_device = device
rt_fence = area
rt_rule = rule
rt_subject = animal
rt_webhook = webhook
rt_patrol = patrol

## Agreement drafts and documents.
act_agreement_update = Changed an agreement
act_sessions_revoke = Ended all sessions
act_totp_enable = Turned on two-step verification
act_totp_disable = Turned off two-step verification

# Coded domain messages (observations, ingest, audit …)

audit-time-invalid = must be an RFC 3339 date-time
audit-until-before-since = ends before since
audit-action-unknown = unknown action { $action }
