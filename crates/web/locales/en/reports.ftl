## Report list.
reports_title = Reports
filter = Filter
filter_invalid = The filter is not valid:
search_text = Search words
type = Type
all_types = All types
status = Status
all_statuses = All statuses
agency = Agency
all_agencies = All agencies
region_code = Region code
date_from = From date (WIB)
date_to = To date (WIB)
apply_filter = Apply
reset_filter = Clear filter
export = Export
title = Title
occurred_at = When it happened
region = Region
no_matching_reports = No matching reports.
pages = Pages
first_page = First
next_page = Next
bad_date = The date must look like YYYY-MM-DD.
bad_date_range = The end date is before the start date.

## Report detail.
location = Location
owner_agency = Owning agency
author = Reported by
sensitivity = Sensitivity
version = Version
created_at = Created
updated_at = Updated
description = Description
attributes = Details
no_attributes = No details.
personal_data = personal data
no_region = Outside the known regions
geom_line = Line
geom_polygon = Area
points = points
map_of_report = Map of the report's location
edit = Edit
change_status = Change status
new_status = New status
note = Note
save_status = Save status
attachments = Attachments
no_attachments = No attachments yet.
add_attachment = Add an attachment
upload = Upload
attachment_hint = Photos (JPEG, PNG, WebP, GIF) or PDF.
history = History
no_history = No recorded changes yet (imported data).
back_to_list = Back to the list
stale_report = Someone else changed this report since you opened it.
reload = Reload the report
reload_form = Reload the form
ev_created = created the report
ev_updated = changed the report
ev_status = changed the status
yes = Yes
no = No
notice_created = The report was saved.
notice_updated = The changes were saved.
notice_status = The status was updated.
notice_attachment = The attachment was saved.
no_file = Choose a file first.
file_type_refused = That file type is not accepted: only JPEG, PNG, WebP or GIF photos or PDF documents.
file_too_large = The file is too large.

## Photos with a new report and as thumbnails; the compact menu and the list's pages.
photos = Photos
photos_hint = Take them with the camera or choose them from the gallery; at most { $n } photos of up to { $mb } MB each (JPEG, PNG, WebP or GIF).
photo_take = Take a photo
photo_choose = Choose from the gallery
photos_total_too_large = The chosen photos are too large to send at once (at most { $n } MB). Choose fewer photos and add the rest on the report's page.
photos_too_many = At most { $n } photos per save; add the rest on the report's page.
photo_too_large = too large (at most { $n } MB per photo)
photo_unnamed = (unnamed photo)
photos_choose_again = The photos were not saved because the form was not accepted: choose them again before saving.
photos_not_attached = The report was saved, but these photos were not attached: { $files }. Upload them again below.
photo_remove = Remove
photo_open = Open the full-size photo
nav_menu = Menu
previous_page = Previous

## Report form.
new_report = New report
edit_report = Edit report
form_has_errors = Please check these fields:
open_existing = Open the report already saved
required = required
choose = — choose —
choose_type = — choose a report type —
choose_type_first = Choose a report type to see its details.
change_type = Change type
time_zone = Time zone
sensitivity_hint = Decides who may see this report.
location_hint = Tap the map to choose the point, or type the longitude and latitude.
pick_on_map = Map to choose the location
longitude = Longitude
latitude = Latitude
use_my_location = Use my location
region_code_optional = Region code (optional)
region_code_hint = When empty, the region is found from the location.
save_report = Save report
save_changes = Save changes
cancel = Cancel
geometry_kept = This report is a line or an area; leave longitude/latitude empty to keep it.
bad_datetime = Enter the date and time it happened.
bad_coordinates = Longitude and latitude must both be numbers.
id_conflict = This form was already submitted with different content.
zone_wib = WIB (+7)
zone_wita = WITA (+8)
zone_wit = WIT (+9)

## Map.
map_title = Report map
map_loading = Loading reports…
map_shown = { $n } reports in this area.
map_limited = Showing the { $n } newest reports; zoom in to see the others.
map_failed = The reports could not be loaded. Check the connection, then move the map to try again.
map_needs_js = The map needs JavaScript. The report list works without it:
open_report = Open report

## Field errors of a report (by code, with arguments)

location-required = a location is required
report-type-required = the report type is required
report-type-unknown = unknown report type { $key }
report-type-unchangeable = the type of a report cannot be changed
report-status-invalid = must be one of new, verified, in_progress, closed
title-required = a title is required
occurred-at-required = when it happened is required
occurred-at-future = lies in the future
occurred-at-too-early = must not be before the year { $year }

## Field errors of a report query (by code, with arguments)

bbox-invalid = bbox must be minLon,minLat,maxLon,maxLat or minLon,minLat,minHeight,maxLon,maxLat,maxHeight
bbox-not-number = bbox value { $value } is not a number
bbox-longitude-range = bbox longitudes must be within -180..180
bbox-latitude-range = bbox latitudes must be within -90..90
bbox-min-exceeds-max = bbox minimum must not exceed its maximum
datetime-not-rfc3339 = { $value } is not an RFC 3339 date-time
interval-reversed = the interval ends before it starts
region-prefix-invalid = must be a Kemendagri code such as 15 or 15.01
query-text-too-long = must be at most 200 characters
limit-invalid = must be a whole number from 1 to { $max }
cursor-invalid = is not a cursor this server issued

# Coded domain messages (observations, ingest, audit …)

interval-instant-open = an instant cannot be open
attributes-not-object = attributes must be an object
attribute-unknown = unknown attribute for type { $key }
attribute-required = this attribute is required
attribute-text-too-long = text must be at most { $max } characters
attribute-not-text = must be text
attribute-negative = must not be negative
attribute-not-integer = must be a whole number
attribute-not-number = must be a number
attribute-not-boolean = must be true or false
attribute-not-datetime = must be a date-time with offset (RFC 3339)
attribute-choice-invalid = must be one of: { $choices }
attribute-not-list = must be a list of choices
attribute-choice-repeated = choice { $choice } is repeated
attribute-choices-invalid = each choice must be one of: { $choices }
batch-not-collection = the body must be a FeatureCollection with a list of features
batch-size = send between 1 and { $max } features at once
