## Statuses, sensitivities, roles and agency kinds.
status_new = New
status_verified = Verified
status_in_progress = In progress
status_closed = Closed
sens_public = Public
sens_internal = Internal
sens_restricted = Restricted
sens_secret = Secret
role_field_officer = Field officer
role_coordinator = Coordinator
role_analyst = Analyst
role_agency_admin = Agency administrator
role_system_admin = System administrator
kind_police = Police
kind_park_authority = Park authority
kind_narcotics_agency = Narcotics agency
kind_local_government = Local government
kind_military = Military
kind_prosecutor = Prosecutor
kind_court = Court
kind_immigration = Immigration
kind_village = Village
kind_ngo = NGO
kind_other = Other

## Error pages.
request_id = Request id
back_home = Back to home
err_404_title = Not found
err_404_text = This page or record does not exist, or you may not see it.
err_403_title = Not allowed
err_403_text = Your role does not allow this.
err_csrf_text = This form is not valid or has expired. Reload the page and try again.
err_500_title = Something went wrong
err_500_text = Something went wrong on the server. Quote the request id when reporting it.
err_503_text = The server is recovering. Nothing was saved; send it again in a moment.
err_400_title = Invalid request
err_400_text = The submitted data could not be processed.
err_409_title = Conflict
err_409_text = This conflicts with existing data.
err_413_text = The upload is too large.
err_415_text = That file type is not accepted.
err_429_text = Too many attempts. Try again later.
self_deactivate = You cannot deactivate your own account.

## A domain message without Indonesian words (see core_message).
field_other = Another field
err_value_refused = this value is not accepted

## Field errors shared by every domain (by code, with arguments)

body-not-object = the body must be a JSON object
body-not-feature = the body must be a GeoJSON Feature object
field-unknown = unknown field
feature-type-invalid = must be "Feature"
uuid-invalid = must be a UUID
uuid-string-invalid = must be a UUID string
properties-not-object = properties must be an object
text-too-long = must be text of at most { $max } characters
text-length = must be text of 1 to { $max } characters
text-control-characters = must not contain control characters
date-time-invalid = must be a date-time with its offset, e.g. 2025-05-27T08:30:00+07:00
sensitivity-invalid = must be one of public, internal, restricted, secret
region-code-invalid = must be a Kemendagri code such as 15.01 or 31.73.07.1006

## Field errors of a geometry (by code, with arguments)

geometry-not-object = geometry must be a GeoJSON object
geometry-type-required = geometry type is required
geometry-type-unsupported = geometry type { $ty } is not supported; use Point, LineString or Polygon
coordinates-required = coordinates are required
position-null-island = 0,0 is what a receiver without a position fix sends; give the real location
position-invalid = a position is [longitude, latitude] (optionally altitude)
positions-not-array = expected an array of positions
positions-too-many = at most { $max } positions are accepted
longitude-not-number = longitude must be a number
latitude-not-number = latitude must be a number
longitude-out-of-range = longitude { $value } is out of range -180..180
latitude-out-of-range = latitude { $value } is out of range -90..90
linestring-too-short = a LineString needs at least 2 positions
polygon-not-array = a Polygon is an array of rings
polygon-no-outer-ring = a Polygon needs an outer ring
ring-too-short = a ring needs at least 4 positions
ring-not-closed = a ring must be closed (first and last positions equal)
ring-self-crossing = the ring crosses itself

date-invalid = must be a date YYYY-MM-DD
object-required = must be a JSON object

# Generic value checks of request bodies
value-not-text = must be text
value-not-list = must be a list
value-not-boolean = must be true or false
file-empty = the file is empty
form-unreadable = the form could not be read
