## Sign-in.
sign_in = Sign in
sign_in_title = Sign in to Sinergi
sign_in_intro = Use the account your agency's administrator gave you.
username = Username
password = Password
login_failed = Wrong username or password, or the account is inactive.
login_throttled = Too many failed attempts. Try again in { $n } minutes.
login_form_expired = The sign-in form has expired. Please try again.

## Administration.
agencies_title = Agencies
jurisdiction = regions
add_agency = Add an agency
agency_code = Agency code
agency_name = Agency name
agency_kind = Kind of agency
parent_agency = Parent agency
no_parent = — no parent —
jurisdiction_codes = Region codes of its area (comma-separated)
notice_agency = The agency was added.
users_title = Users
display_name = Full name
role = Role
state = State
actions = Actions
active = Active
inactive = Inactive
activate = Activate
deactivate = Deactivate
confirm_deactivate = Deactivate this user? All their sessions will end.
add_user = Add a user
username_hint = Lower-case letters, digits, dots, underscores or hyphens.
initial_password = Initial password
password_hint = At least 10 characters.
notice_user = The user was added.
notice_activated = The user was activated.
notice_deactivated = The user was deactivated.

## Emergency access (break-glass) and system settings.
nav_settings = Settings
settings_title = System settings
settings_bg_legend = Roles that may use emergency access
settings_bg_hint = Emergency access opens one restricted report for { $hours } hours with a written justification. Default: coordinators and agency admins.
settings_save = Save
settings_saved = Settings saved.

## Account security: the second factor and signing out everywhere.
nav_security = Account security
code_title = Verification code
code_intro = Your password is right. Open the authenticator app on your phone and type the 6-digit code for Sinergi within { $n } minutes.
code_label = 6-digit code
code_hint = The code changes every 30 seconds.
code_submit = Verify
code_start_over = Sign in with another account or start again
code_wrong = Wrong code. Check your phone's clock and type the code shown now.
code_format = The code has 6 digits.
code_expired = The time to type the code has run out. Please sign in again.
signed_out_everywhere = You have been signed out on every device.
sec_title = Account security
sec_2fa = Two-step verification
sec_2fa_intro = Besides the password, you type a code from an authenticator app on your phone when signing in (for example Google Authenticator, Aegis or FreeOTP).
sec_state_on = on
sec_state_off = off
sec_on_since = since { $time }
sec_mandatory_title = System administrators must use two-step verification.
sec_mandatory_text = Set up two-step verification below before continuing; the other pages open after that.
sec_admin_keeps = System administrators cannot turn two-step verification off. If the phone is lost, ask another system administrator to reset it.
sec_disable_code = Current code, to turn it off
sec_disable = Turn two-step verification off
sec_confirm_disable = Turn two-step verification off? Your account will be protected by the password only.
sec_start = Set up
sec_step_app = Install an authenticator app on your phone.
sec_step_scan = In that app, add an account by scanning this QR code:
sec_qr_label = QR code for the authenticator app
sec_manual = Cannot scan? Type this key into the app (time-based, 6 digits):
sec_new_qr_note = Each time the set-up starts, a new QR code is made and the previous QR code no longer works.
sec_step_confirm = Type the 6-digit code the app shows, to make sure everything works:
sec_confirm = Turn on
sec_pending = The set-up was started but not confirmed. If you already added the account in the app, type its code below. If not, start again for a new QR code; the previous QR code no longer works.
sec_restart_note = The previous QR code will no longer work.
sec_restart = Start again with a new QR code
sec_notice_on = Two-step verification is on. From now on you type a code from the app when signing in.
sec_notice_off = Two-step verification was turned off.
sec_already_on = Two-step verification is already on.
sec_confirm_conflict = No set-up is waiting for confirmation. Start the set-up first.
sec_code_wrong = The code does not match. Type the code the app shows now.
sec_cannot_disable = Two-step verification cannot be turned off for this account.
sec_sessions = Signed-in devices
sec_sessions_intro = Signing out everywhere ends every session and API token of your account, this one included.
sec_sign_out_all = Sign out on every device
sec_confirm_sign_out_all = Sign out on every device now?

## Second factor on the users page.
second_factor = Two-step verification
on = on
off = off
reset_2fa = Reset 2FA
confirm_reset_2fa = Reset two-step verification of { $user }? All their sessions end and they must set it up again.
notice_2fa_reset = That user's two-step verification was reset and all their sessions ended. They set it up again after signing in.
no_2fa_to_reset = That user does not use two-step verification.

## Field errors of a user and an agency (by code, with arguments)

username-length = username must be 3 to 64 characters
username-characters = username may contain only lower-case letters, digits, '.', '_' and '-'
password-too-short = password must be at least 10 characters
password-too-long = password must be at most 200 characters
password-too-common = this password is too common; choose another
password-contains-username = the password must not contain the user name
password-one-character = the password must not be one character repeated
agency-code-length = agency code must be 2 to 40 characters
agency-code-characters = agency code may contain only upper-case letters, digits, '-', '_' and '.'
agency-name-length = name must be 1 to 200 characters
jurisdiction-invalid = not a Kemendagri region code (PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD)
username-taken = the username { $username } is taken
agency-code-unknown = no agency has the code { $code }
agency-code-taken = an agency with the code { $code } already exists
region-unknown = no region has the code { $code }
password-not-current = this is not your current password
code-mismatch = the code does not match
totp-code-mismatch = the code does not match; check the phone's clock and type the current code

# Coded domain messages (observations, ingest, audit …)

agency-kind-invalid = kind must be one of { $choices }
user-role-invalid = role must be one of { $choices }
display-name-length = must be 1 to 200 characters

# The private calendar address (account security page)
cal_title = Private calendar
cal_intro = A private address for calendar apps (Google Calendar, Outlook, a phone's calendar): the meetings of your agency's groups and the due dates of the action items your agency owes. Anyone who knows the address can read that calendar.
cal_copy_now = Copy this address now; it will not be shown again.
cal_active = Active since
cal_issue = Create a calendar address
cal_reissue = Create a new address (the old one stops working)
cal_revoke = Revoke the calendar address
cal_notice_issued = Your private calendar address was created.
cal_notice_revoked = Your private calendar address was revoked.

# E-mail for reminders and reporting lines (ADR 28)
email-invalid = not an e-mail address
reporting-superior-required = give the code of the superior agency, or null for the parent
reporting-line-self = an agency does not report to itself
reporting-line-cycle = { $code } already reports, directly or through others, to this agency
mail_title = E-mail for reminders
mail_intro = Reminders of action items that are due or overdue are also sent to this address, besides in the app.
mail_disabled = This server does not send e-mail yet; reminders appear in the app only.
mail_address = E-mail address
mail_clear_hint = Leave empty to stop receiving reminders by e-mail.
mail_save = Save e-mail address
mail_notice_saved = The e-mail address for reminders was saved.
reports_to = Reports to
reporting_line_title = Reporting line
reporting_line_intro = Whom an agency reports to and forwards letters up to (a kelurahan to its kecamatan, say). Without a setting, an agency reports to its parent.
reporting_line_agency = Agency
reporting_line_parent = Its parent agency (default)
reporting_line_save = Save the reporting line
notice_reporting_line = The reporting line was saved.
sec_devices_intro = The ODK Collect devices linked to your account by their QR code or private server address. Revoke a device that is lost or no longer used.
sec_devices_manage = Link or revoke devices
