## The phone app: installing, the outbox, Kawal Desa, recording a patrol

app_name = Sinergi — shared data across agencies
app_description = Reports, early warning and patrols, also without a signal.
offline_page_title = No signal
offline_page_text = This page has not been opened on this phone before, so it is not available without a signal. Pages opened before (the report form, Kawal Desa, patrols) still work.
offline_page_outbox = Open the outbox
outbox_badge = waiting to be sent ({ $n })
nav_kawal_desa = Kawal Desa
nav_outbox = Outbox

## The outbox (/kirim)

outbox_title = Outbox
outbox_intro = Reports, changes, patrol tracks and form answers made without a signal are kept on this phone and sent by themselves as soon as there is a signal, each once. What the server refuses stays here with its reason until you delete it.
outbox_needs_js = The outbox needs JavaScript.
outbox_sign_in = Your session has ended (for example, the phone restarted). What is waiting stays kept and is sent once you sign in again.
outbox_sign_in_link = Sign in again
outbox_send_now = Send now
outbox_empty = Nothing from this phone is waiting to be sent.
outbox_kind_report = new report
outbox_kind_patch = report change
outbox_kind_gpx = patrol track
outbox_kind_form = form answers
outbox_state_waiting = Waiting to be sent
outbox_state_failed = Refused by the server
outbox_state_sent = Sent
outbox_state_conflict = Someone else changed the report
outbox_photos = { $n } photos
outbox_open = Open
outbox_retry = Try again
outbox_delete = Delete
outbox_forget = Remove from the list
outbox_delete_confirm = Delete from this phone? Whatever was not sent is lost.
outbox_conflict = While you changed this report without a signal, someone else changed it on the server. Choose the version to keep.
outbox_field = Field
outbox_mine = My version
outbox_theirs = Server version
outbox_keep_mine = Keep my version
outbox_take_theirs = Take the server version

## The report form without a signal

offline_saved = No signal: the report is kept on this phone and sent by itself as soon as there is a signal. See the outbox.
offline_not_saved = The report could not be kept on this phone:
offline_need_type = Choose the report type.
offline_need_title = Fill in the title.
offline_need_location = Set the location (tap the map or use my location).

## Kawal Desa

kd_title = Kawal Desa
kd_intro = Report wildlife you saw or the damage it did. The report is kept on the phone first and sent as soon as there is a signal; early warning takes it when it arrives.
kd_needs_js = Kawal Desa needs JavaScript; without it use the ordinary report form:
kd_what = What did you see?
kd_what_elephant = Elephants
kd_what_tiger = Tiger
kd_what_damage = Damage by wildlife
kd_which_animal = Which animal?
kd_damaged = What was damaged?
kd_damaged_crops = Crops / garden
kd_damaged_house = House
kd_damaged_hut = Hut
kd_damaged_fence = Fence
kd_how_many = How many?
kd_where = Where?
kd_where_hint = Press the button to use the phone's GPS, or tap the place on the map.
kd_where_set = Location: { $lat }, { $lon }
kd_gps_wait = Finding the GPS position…
kd_gps_failed = No GPS position; tap the place on the map.
kd_note = Note (optional)
kd_send = Send
kd_saved = Saved. The report is sent as soon as there is a signal; see its state below.
kd_need_what = Choose what you saw.
kd_need_species = Choose the animal.
kd_need_where = Set the location.
kd_title_elephant = Elephants seen ({ $n })
kd_title_tiger = Tiger seen ({ $n })
kd_title_damage = Damage to { $what } by { $species }
kd_mine = Kawal Desa reports from this phone
kd_state_sent = sent
kd_state_waiting = waiting to be sent
kd_state_failed = refused by the server

## Recording a patrol on the phone

rec_open = Record the track on this phone
rec_title = Record the patrol's track
rec_intro = The track is recorded from the phone's GPS and kept on the phone point by point, also without a signal. Keep the screen on: the browser stops the GPS when the screen is off. When you stop, the track is sent to this patrol as soon as there is a signal.
rec_needs_js = Recording a track needs JavaScript; without it upload a GPX file on the patrol's page.
rec_state_idle = Not recording
rec_state_recording = Recording
rec_state_paused = Paused
rec_points = { $n } track points · { $w } waypoints
rec_no_gps = This phone gives no GPS position.
rec_gps_error = The GPS has no position yet; recording goes on once it has one.
rec_wake_lock = This browser cannot keep the screen on; do not turn the screen off while recording.
rec_start = Start
rec_pause = Pause
rec_stop = Stop
rec_queued = The track is in the outbox and is sent to this patrol as soon as there is a signal.
rec_empty = No point was recorded yet.
rec_waypoint = Waypoint
rec_waypoint_name = Name or note
rec_waypoint_type = Make it a report (for a photo)
rec_waypoint_no_report = Waypoint only
rec_waypoint_add = Mark this point
rec_waypoint_saved = Waypoint saved.
rec_no_position = The position is not known yet; wait for the GPS and try again.
rec_photo_needs_type = A photo is kept as a report: choose its type.
rec_outbox_label = Patrol track { $title }
