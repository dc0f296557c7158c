## Layout and navigation.
switch_lang = Indonesia
nav_label = Main menu
nav_home = Home
nav_reports = Reports
nav_map = Map
nav_new_report = New report
nav_agencies = Agencies
nav_users = Users
sign_out = Sign out
footer = inter-agency coordination

## Home.
home_title = Home
home_welcome = Welcome
summary = Summary
reports_visible = reports you can see
by_type = By type and status
total = Total
no_reports_yet = There are no reports you can see yet.
open_map = Open the map
