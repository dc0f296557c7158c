## The maps shared by every page: the base map, place names and the place search.
map_search_label = Find a place on the map
map_search_placeholder = Find a place…
map_search_button = Find
map_search_none = No place by that name.
map_search_failed = The search failed; try again.
map_layer_local = Base map (Sinergi server)
map_layer_online = Online base map
map_level_province = province
map_level_regency = regency/city
map_level_district = district
map_level_village = village
map_covers_villages = Villages inside this shape ({ $n }):
map_covers_centre = This shape lies in the village:
map_covers_none = Draw a shape on the map to see the villages it covers.
map_covers_more = …and { $n } more villages.
