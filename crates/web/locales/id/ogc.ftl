# OGC API – Features (/ogc): galat parameter yang diterima klien GIS.
ogc-limit-invalid = harus bilangan bulat paling sedikit 1
ogc-format-unknown = hanya json yang dilayani
ogc-crs-unknown = hanya { $crs } yang dilayani
ogc-parameter-unknown = bukan parameter permintaan ini
ogc-datetime-untimed = fitur koleksi ini tidak memiliki waktu
ogc-cursor-invalid = bukan kursor yang diterbitkan server ini
