## Joint patrols: the request bodies (by code, with arguments)

patrol-mandate-invalid = must be one of forest_security, fire_prevention, wildlife_protection, joint_operation
patrol-transport-invalid = must be one of foot, vehicle, boat, motorbike
patrol-status-invalid = must be one of planned, under_way, done
patrol-status-final = the patrol is done; its status cannot change
patrol-status-backwards = the patrol is under way; it cannot be planned again
patrol-too-long = a patrol lasts at most { $days } days
patrol-members-required = a patrol needs at least one member, its leader
patrol-members-too-many = a patrol has at most { $max } members
patrol-member-not-object = a member is an object
patrol-member-agency-required = give the code of the member's agency
patrol-member-name-required = give the member's name or user name
patrol-member-role-invalid = must be leader or member
patrol-member-repeated = { $user } is named twice
patrol-leader-required = one member must have the role leader
patrol-leader-repeated = a patrol has one leader
patrol-leader-account = the leader needs a user name: the leader answers for the patrol in Sinergi
patrol-track-duplicate = this track was already sent, as the leg of { $date }; it is not counted twice

## Tracks: what cleaning refuses or leaves out, by line in a file or by point

list-more = and { $count } more
track-empty = the track has no points
track-too-many-points = the track has { $count } points; at most { $max } are accepted, so send one track per day
track-position-invalid = point { $point } of segment { $segment }: { $lon }, { $lat } is not a position (longitude -180 to 180, latitude -90 to 90)
track-position-invalid-line = line { $line }: { $lon }, { $lat } is not a position (longitude -180 to 180, latitude -90 to 90)
track-time-too-early = point { $point } of segment { $segment }: the time { $time } is before { $year }; a receiver whose week counter rolled over writes such dates, so set its date and export the track again
track-time-too-early-line = line { $line }: the time { $time } is before { $year }; a receiver whose week counter rolled over writes such dates, so set its date and export the track again
track-time-future = point { $point } of segment { $segment }: the time { $time } lies in the future
track-time-future-line = line { $line }: the time { $time } lies in the future
track-time-order = point { $point } of segment { $segment }: the time { $time } is earlier than the point before ({ $previous }); the points of a segment must be in time order
track-time-order-line = line { $line }: the time { $time } is earlier than the point before ({ $previous }); the points of a segment must be in time order
track-point-dropped = point { $point } of segment { $segment }: the point is left out: reaching it takes { $speed } km/h, faster than { $max } km/h
track-point-dropped-line = line { $line }: the point is left out: reaching it takes { $speed } km/h, faster than { $max } km/h
track-jump = point { $point } of segment { $segment }: the track jumps { $km } km in { $minutes } minutes, faster than { $max } km/h; the points from here on are a new segment
track-jump-line = line { $line }: the track jumps { $km } km in { $minutes } minutes, faster than { $max } km/h; the points from here on are a new segment

## GPX files: what refuses a file, by line and column

gpx-xml-broken = line { $line }, column { $column }: the file is not well-formed XML: { $error }
gpx-not-gpx = line { $line }, column { $column }: the file is not GPX: its root element is <{ $name }>, not <gpx>
gpx-no-root = the file holds no XML element; it is not GPX
gpx-truncated = line { $line }: the file ends inside <{ $name }> begun at line { $open }; it was cut off
gpx-point-no-time = line { $line }: the track point has no time; a patrol's effort is counted from the time of every point
gpx-no-times = none of the { $count } track points has a time; export the recorded track, not a route or a drawn line
gpx-time-invalid = line { $line }: "{ $value }" is not a time such as 2025-05-27T01:30:00Z
gpx-elevation-invalid = line { $line }: "{ $value }" is not an elevation in metres
gpx-coordinate-missing = line { $line }, column { $column }: the point has no { $name } attribute
gpx-latitude-invalid = line { $line }, column { $column }: lat="{ $value }" is not a latitude from -90 to 90
gpx-longitude-invalid = line { $line }, column { $column }: lon="{ $value }" is not a longitude from -180 to 180
gpx-too-many-points = line { $line }: the file holds more than { $max } track points; send one file per day
gpx-too-many-waypoints = line { $line }: the file holds more than { $max } waypoints
gpx-no-track = the file holds no track point (trk, trkseg, trkpt); routes and waypoints alone are not a track

# Patrol pages
nav_patrols = Patrols
p_title = Patrols
p_new = New patrol
p_intro = Patrols your agency organises or takes part in. Distance, hours, patrol-days and the area covered are computed from the tracks.
p_none = No patrols yet.
p_organiser = Organiser
p_field_title = Title
p_field_mandate = Mandate
p_field_transport = Transport
p_field_status = Status
p_field_dates = Dates
p_field_start = Start
p_field_end = End
p_field_area = Area (Kemendagri code)
p_field_sensitivity = Sensitivity
p_members = Members
p_members_hint = Members may come from several agencies: give each one's agency code, and the user name of those with an account. Exactly one member leads.
p_member_agency = Agency code
p_member_user = User name
p_member_name = Name
p_member_role = Role
p_role_leader = Leader
p_role_member = Member
p_save = Save patrol
p_mandate_forest_security = Forest security
p_mandate_fire_prevention = Fire prevention
p_mandate_wildlife_protection = Wildlife protection
p_mandate_joint_operation = Joint operation
p_transport_foot = On foot
p_transport_vehicle = Vehicle
p_transport_boat = Boat
p_transport_motorbike = Motorbike
p_status_planned = Planned
p_status_under_way = Under way
p_status_done = Done
p_set_status = Mark as
p_effort = Effort
p_effort_summary = { $km } km walked over { $days } patrol-days, through { $cells } 1 km cells.
p_distance = Distance (km)
p_hours = Hours
p_patrol_days = Patrol-days
p_person_days = Person-days
p_cells = 1 km cells
p_tracks = Tracks
p_map_label = Map of the patrol's tracks
p_no_tracks = No track yet: upload the GPX file of a handheld GPS.
p_leg_date = Date
p_leg_source = Source
p_leg_points = Points
p_download_gpx = Download the tracks (GPX)
p_gpx_file = GPX file
p_import = Upload
p_import_new = New patrol from a GPX file
p_import_new_hint = Each track of the file becomes a leg of a new patrol of your agency, with you as its leader.
p_notice_imported = The tracks were stored.
p_notice_duplicate = These tracks were already stored; nothing was added.
p_notice_status = The status was changed.
p_export = Download these patrols with their tracks and effort
p_stale = Someone changed this patrol meanwhile; the page now shows their version.
## Joint patrols: the use cases

patrol-member-user-unknown = { $user } is not a user
patrol-member-other-agency = { $user } is not of { $agency }
