## The maps shared by every page: the base map, place names and the place search.
map_search_label = Cari tempat di peta
map_search_placeholder = Cari tempat…
map_search_button = Cari
map_search_none = Tidak ada tempat bernama itu.
map_search_failed = Pencarian gagal; coba lagi.
map_layer_local = Peta dasar (server Sinergi)
map_layer_online = Peta dasar daring
map_level_province = provinsi
map_level_regency = kabupaten/kota
map_level_district = kecamatan
map_level_village = desa/kelurahan
map_covers_villages = Desa di dalam bentuk ini ({ $n }):
map_covers_centre = Bentuk ini ada di desa:
map_covers_none = Gambar bentuk di peta untuk melihat desa yang dicakupnya.
map_covers_more = …dan { $n } desa lainnya.
