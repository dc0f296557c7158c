# OGC API – Features (/ogc): the parameter errors GIS clients receive.
ogc-limit-invalid = must be a whole number of at least 1
ogc-format-unknown = only json is served
ogc-crs-unknown = only { $crs } is served
ogc-parameter-unknown = is not a parameter of this request
ogc-datetime-untimed = this collection's features have no time
ogc-cursor-invalid = is not a cursor this server issued
