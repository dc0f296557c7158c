//! Domain validation messages in Bahasa Indonesia.

use sinergi_core::Message;

use super::{k, tr, tr_values, Lang};

/// Indonesian renderings of the domain's English validation messages: (English start,
/// English end, Indonesian start, Indonesian end). When the English start ends in a space
/// or ": ", the part between start and end is a value (a code, a list of choices) and is
/// kept; otherwise the rest is dropped. A message not listed is shown as it is: still
/// precise, if not translated.
const CORE_MESSAGES: &[(&str, &str, &str, &str)] = &[
    // Editing areas.
    (
        "another area of this agency already has this name",
        "",
        "area lain milik instansi ini sudah memakai nama ini",
        "",
    ),
    (
        "a cross rule watches this line; it must stay a line",
        "",
        "aturan melintasi memantau garis ini; bentuknya harus tetap garis",
        "",
    ),
    (
        "goes with a region code",
        "",
        "hanya dipakai bersama kode wilayah",
        "",
    ),
    ("this attribute is required", "", "wajib diisi", ""),
    ("a title is required", "", "judul wajib diisi", ""),
    (
        "the report type is required",
        "",
        "jenis laporan wajib dipilih",
        "",
    ),
    (
        "when it happened is required",
        "",
        "waktu kejadian wajib diisi",
        "",
    ),
    ("lies in the future", "", "tidak boleh di masa depan", ""),
    (
        "must be 1 to 200 characters",
        "",
        "harus 1 sampai 200 karakter",
        "",
    ),
    ("must not be negative", "", "tidak boleh negatif", ""),
    (
        "must not contain control characters",
        "",
        "tidak boleh berisi karakter kendali",
        "",
    ),
    (
        "must not be before the year ",
        "",
        "tidak boleh sebelum tahun ",
        "",
    ),
    ("a location is required", "", "lokasi wajib diisi", ""),
    (
        "must be a whole number from 1 to ",
        "",
        "harus bilangan bulat dari 1 sampai ",
        "",
    ),
    ("must be a whole number", "", "harus bilangan bulat", ""),
    (
        "must be a number from 0 to ",
        "",
        "harus angka dari 0 sampai ",
        "",
    ),
    ("must be a number", "", "harus berupa angka", ""),
    ("must be true or false", "", "harus ya atau tidak", ""),
    (
        "must be a date YYYY-MM-DD",
        "",
        "harus berupa tanggal TTTT-BB-HH",
        "",
    ),
    (
        "must be a date-time with",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    (
        "each choice must be one of:",
        "",
        "ada pilihan yang tidak tersedia",
        "",
    ),
    (
        "must be one of:",
        "",
        "bukan salah satu pilihan yang tersedia",
        "",
    ),
    (
        "must be text of 1 to ",
        " characters",
        "harus berupa teks sepanjang 1 sampai ",
        " karakter",
    ),
    (
        "must be text of at most ",
        " characters",
        "harus berupa teks paling banyak ",
        " karakter",
    ),
    (
        "text must be at most ",
        " characters",
        "teks paling banyak ",
        " karakter",
    ),
    ("must be text", "", "harus berupa teks", ""),
    (
        "must be a list of choices",
        "",
        "harus berupa daftar pilihan",
        "",
    ),
    ("choice ", " is repeated", "pilihan ", " berulang"),
    (
        "unknown attribute for type ",
        "",
        "rincian tidak dikenal untuk jenis ",
        "",
    ),
    (
        "the type of a report cannot be changed",
        "",
        "jenis laporan tidak dapat diubah",
        "",
    ),
    (
        "no region has the code ",
        "",
        "tidak ada wilayah dengan kode ",
        "",
    ),
    (
        "no agency has the code ",
        "",
        "tidak ada instansi dengan kode ",
        "",
    ),
    (
        "kind must be one of",
        "",
        "jenis instansi tidak dikenal",
        "",
    ),
    ("role must be one of", "", "peran tidak dikenal", ""),
    (
        "must be at most 200 characters",
        "",
        "paling banyak 200 karakter",
        "",
    ),
    ("must be a UUID", "", "harus berupa UUID", ""),
    ("unknown field", "", "isian tidak dikenal", ""),
    (
        "is not a cursor this server issued",
        "",
        "penanda halaman tidak sah",
        "",
    ),
    ("ends before since", "", "berakhir sebelum tanggal awal", ""),
    ("must be a list", "", "harus berupa daftar", ""),
    (
        "must be an RFC 3339 date-time",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    ("unknown action ", "", "tindakan tidak dikenal: ", ""),
    (
        "a MultiPolygon is a non-empty array of polygons",
        "",
        "MultiPolygon berupa daftar poligon yang tidak kosong",
        "",
    ),
    (
        "a MultiLineString is a non-empty array of lines",
        "",
        "MultiLineString berupa daftar garis yang tidak kosong",
        "",
    ),
    (
        "the shape's type is required",
        "",
        "jenis bentuk wajib diisi",
        "",
    ),
    (
        "a circle needs a center",
        "",
        "lingkaran perlu titik pusat [bujur, lintang]",
        "",
    ),
    (
        "the center is not a valid position",
        "",
        "titik pusat tidak sah",
        "",
    ),
    (
        "the radius must be more than 0 and at most 200000 metres",
        "",
        "jari-jari harus lebih dari 0 dan paling banyak 200000 meter",
        "",
    ),
    (
        "more than 0 and at most 200000 metres",
        "",
        "harus lebih dari 0 dan paling banyak 200000 meter",
        "",
    ),
    ("not a polygon", "", "bukan poligon", ""),
    ("not a line", "", "bukan garis", ""),
    (
        "required, 1 to ",
        " characters",
        "wajib diisi, 1 sampai ",
        " karakter",
    ),
    (
        "no boundary is shipped for ",
        "; give radius_m for a circle",
        "batas wilayah tidak tersedia untuk ",
        "; isi jari-jari untuk membuat lingkaran",
    ),
    (
        "give a shape, or a region code",
        "",
        "isi bentuk, atau kode wilayah (dengan jari-jari untuk lingkaran)",
        "",
    ),
    (
        "a line fence is a road, a river or other",
        "",
        "area berbentuk garis harus berjenis jalan, sungai atau lainnya",
        "",
    ),
    (
        "a species key: lower-case letters",
        "",
        "kunci spesies: huruf kecil, angka dan _ (mis. gajah_sumatera)",
        "",
    ),
    ("1 to 10080 minutes", "", "1 sampai 10080 menit", ""),
    (
        "a device with serial ",
        " already exists",
        "sudah ada perangkat dengan nomor seri ",
        "",
    ),
    (
        "a subject of your agency is required",
        "",
        "pilih satwa/subjek milik instansi Anda",
        "",
    ),
    (
        "an RFC 3339 time, e.g.",
        "",
        "harus berupa tanggal dan jam",
        "",
    ),
    (
        "a name of 1 to 200 characters is required",
        "",
        "nama wajib diisi, 1 sampai 200 karakter",
        "",
    ),
    ("must be a fence id", "", "harus berupa id area", ""),
    (
        "must be an array of fence ids",
        "",
        "harus berupa daftar id area",
        "",
    ),
    (
        "must be a subject id",
        "",
        "harus berupa id satwa/subjek",
        "",
    ),
    (
        "give \"any\"",
        "",
        "pilih semua, satu spesies atau satu satwa/subjek",
        "",
    ),
    (
        "proximity needs a distance of more than 0 and at most 100000 metres",
        "",
        "jarak harus lebih dari 0 dan paling banyak 100000 meter",
        "",
    ),
    (
        "dwell needs 1 to 10080 minutes",
        "",
        "lama bertahan harus 1 sampai 10080 menit",
        "",
    ),
    (
        "must be enter, exit, proximity",
        "",
        "pemicu tidak dikenal",
        "",
    ),
    ("a trigger is required", "", "pemicu wajib dipilih", ""),
    (
        "must be info, warning or critical",
        "",
        "tingkat tidak dikenal",
        "",
    ),
    (
        "give {\"from\"",
        "",
        "isi jam mulai dan jam selesai yang berbeda (JJ:MM)",
        "",
    ),
    ("must be an array", "", "harus berupa daftar", ""),
    ("a name is required", "", "nama wajib diisi", ""),
    (
        "a phone number is 8 to 15 digits",
        "",
        "nomor telepon 8 sampai 15 angka, boleh diawali +",
        "",
    ),
    ("not an e-mail address", "", "bukan alamat surel", ""),
    (
        "a contact needs a phone number or an e-mail address",
        "",
        "kontak perlu nomor telepon atau alamat surel",
        "",
    ),
    (
        "a rule needs recipients",
        "",
        "aturan perlu penerima: instansi, pengguna atau kontak",
        "",
    ),
    (
        "a rule needs at least one recipient",
        "",
        "aturan perlu paling sedikit satu penerima",
        "",
    ),
    (
        "must be board, webhook, email or sms",
        "",
        "saluran tidak dikenal",
        "",
    ),
    (
        "not a fence of your agency",
        "",
        "bukan area milik instansi Anda",
        "",
    ),
    (
        "SMS is not set up on this server",
        "",
        "SMS belum disiapkan di server ini",
        "",
    ),
    (
        "e-mail is not set up on this server",
        "",
        "surel belum disiapkan di server ini",
        "",
    ),
    (
        "a cross rule watches lines",
        "",
        "aturan melintasi hanya untuk area berbentuk garis (jalan, sungai)",
        "",
    ),
    ("a note needs text", "", "catatan perlu diisi", ""),
    // Messages found untranslated by `every_domain_message_a_form_can_show_is_translated`.
    (
        "the form could not be read",
        "",
        "formulir tidak dapat dibaca",
        "",
    ),
    ("the file is empty", "", "berkas kosong", ""),
    (
        "attributes must be an object",
        "",
        "rincian harus berupa objek",
        "",
    ),
    (
        "properties must be an object",
        "",
        "properties harus berupa objek",
        "",
    ),
    (
        "the body must be a GeoJSON Feature object",
        "",
        "isi permintaan harus berupa objek GeoJSON Feature",
        "",
    ),
    (
        "the body must be a JSON object",
        "",
        "isi permintaan harus berupa objek JSON",
        "",
    ),
    ("must be a JSON object", "", "harus berupa objek JSON", ""),
    ("must be \"Feature\"", "", "harus \"Feature\"", ""),
    (
        "must be public, internal, restricted or secret",
        "",
        "tingkat kerahasiaan tidak dikenal",
        "",
    ),
    ("not a valid address", "", "bukan alamat yang sah", ""),
    (
        "an http:// or https:// address",
        "",
        "harus alamat http:// atau https://",
        "",
    ),
    (
        "give {\"from\"",
        "",
        "isi dua jam setempat yang berbeda: dari (JJ:MM) dan sampai (JJ:MM)",
        "",
    ),
    (
        "analysts may not send fixes",
        "",
        "analis tidak mengirim posisi",
        "",
    ),
];

/// Indonesian renderings of domain messages that start with a value (an agency code, a
/// field key) and end in a fixed phrase: (English end, Indonesian end). The value is kept.
const CORE_SUFFIXES: &[(&str, &str)] = &[
    (" is not an agency", " bukan instansi yang terdaftar"),
    (
        " is not a fence shape; use Polygon, MultiPolygon, LineString, MultiLineString or Circle",
        " bukan bentuk area; gunakan Polygon, MultiPolygon, LineString, MultiLineString atau Circle",
    ),
    (" is not a Kemendagri region code", " bukan kode wilayah Kemendagri"),
    (" is not a user", " bukan pengguna yang terdaftar"),
];

/// A message from the domain or the use cases: English words, and perhaps a code.
pub trait DomainMessage {
    fn english(&self) -> &str;
    /// The message's catalogue key and arguments, when it was written by code.
    fn coded(&self) -> Option<(&'static str, &[(&'static str, String)])> {
        None
    }
}

impl DomainMessage for str {
    fn english(&self) -> &str {
        self
    }
}

impl DomainMessage for String {
    fn english(&self) -> &str {
        self
    }
}

impl DomainMessage for Message {
    fn english(&self) -> &str {
        self.as_str()
    }
    fn coded(&self) -> Option<(&'static str, &[(&'static str, String)])> {
        Some((self.code()?, self.args()))
    }
}

/// Shows a domain validation message in `lang`: a message with a code from the
/// catalogue with its arguments; one without (not yet given a code) by the table of
/// English beginnings below. A message with no Indonesian words there is not shown in
/// English on an Indonesian page: it says in Indonesian that the value was refused, and
/// the English is logged so that its words can be added (a test keeps the known messages
/// complete).
pub fn core_message(lang: Lang, msg: &(impl DomainMessage + ?Sized)) -> String {
    if let Some((code, args)) = msg.coded() {
        return tr_values(lang, code, args);
    }
    let msg = msg.english();
    if lang == Lang::En {
        return msg.to_string();
    }
    core_message_id(msg).unwrap_or_else(|| {
        tracing::warn!(message = msg, "a domain message has no Indonesian words");
        tr(Lang::Id, k!("err_value_refused"))
    })
}

/// The Indonesian words of a domain message, if this table has them.
fn core_message_id(msg: &str) -> Option<String> {
    for (en_start, en_end, id_start, id_end) in CORE_MESSAGES {
        let Some(rest) = msg.strip_prefix(en_start) else {
            continue;
        };
        let Some(middle) = rest.strip_suffix(en_end) else {
            continue;
        };
        let keeps_value = en_start.ends_with(' ') || en_start.ends_with(": ");
        // A start that already says everything (a fixed phrase) drops the English tail;
        // a start followed by a value keeps the value, which needs no translation.
        return Some(if keeps_value {
            format!("{id_start}{middle}{id_end}")
        } else {
            format!("{id_start}{id_end}")
        });
    }
    for (en_end, id_end) in CORE_SUFFIXES {
        if let Some(value) = msg.strip_suffix(en_end) {
            return Some(format!("{value}{id_end}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::field_name;

    /// The domain and use-case sources whose validation messages reach the UI's forms.
    /// (Fix parsing, imports and deliveries answer the API, the broker and the log; the
    /// alert page words delivery errors itself.)
    const DOMAIN_SOURCES: &[(&str, &str, bool)] = &[
        // (name, source, whether its `Err("…")` strings are messages too)
        (
            "core/report.rs",
            include_str!("../../../core/src/report.rs"),
            true,
        ),
        (
            "core/report_types.rs",
            include_str!("../../../core/src/report_types.rs"),
            true,
        ),
        (
            "core/geometry.rs",
            include_str!("../../../core/src/geometry.rs"),
            true,
        ),
        (
            "core/agreement.rs",
            include_str!("../../../core/src/agreement.rs"),
            true,
        ),
        (
            "core/query.rs",
            include_str!("../../../core/src/query.rs"),
            true,
        ),
        (
            "core/warning.rs",
            include_str!("../../../core/src/warning.rs"),
            true,
        ),
        (
            "core/user.rs",
            include_str!("../../../core/src/user.rs"),
            true,
        ),
        (
            "core/agency.rs",
            include_str!("../../../core/src/agency.rs"),
            true,
        ),
        ("app/lib.rs", include_str!("../../../app/src/lib.rs"), false),
        (
            "app/reports.rs",
            include_str!("../../../app/src/reports.rs"),
            false,
        ),
        (
            "app/agreements.rs",
            include_str!("../../../app/src/agreements.rs"),
            false,
        ),
        (
            "app/auth.rs",
            include_str!("../../../app/src/auth.rs"),
            false,
        ),
        (
            "app/audit.rs",
            include_str!("../../../app/src/audit.rs"),
            false,
        ),
        (
            "app/warning/admin.rs",
            include_str!("../../../app/src/warning/admin.rs"),
            false,
        ),
        (
            "app/warning/alerts.rs",
            include_str!("../../../app/src/warning/alerts.rs"),
            false,
        ),
        ("web/ui/mod.rs", include_str!("../ui/mod.rs"), false),
    ];

    /// The string literal starting at `s[i]` (a `"`), unescaped, and where it ends.
    fn literal_at(s: &str, i: usize) -> Option<(String, usize)> {
        let mut out = String::new();
        let mut chars = s[i + 1..].char_indices();
        while let Some((j, c)) = chars.next() {
            match c {
                '"' => return Some((out, i + 1 + j + 1)),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => out.push(e),
                    None => return None,
                },
                c => out.push(c),
            }
        }
        None
    }

    /// The message argument of a call whose `(` is at `open`: the literal after the first
    /// top-level comma (`second`), or right after the parenthesis, perhaps in `format!(`.
    fn message_arg(s: &str, open: usize, second: bool) -> Option<String> {
        let mut i = open + 1;
        if second {
            let mut depth = 0i32;
            let bytes = s.as_bytes();
            loop {
                match *bytes.get(i)? {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' if depth == 0 => return None,
                    b')' | b']' | b'}' => depth -= 1,
                    b'"' => i = literal_at(s, i)?.1 - 1,
                    b',' if depth == 0 => break,
                    b';' => return None,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        }
        let rest = s[i..].trim_start();
        let rest = rest.strip_prefix("format!(").unwrap_or(rest).trim_start();
        if !rest.starts_with('"') {
            return None;
        }
        let at = s.len() - rest.len();
        literal_at(s, at).map(|(m, _)| m)
    }

    /// Every validation message a form can show has Indonesian words: the message of each
    /// `push(field, "…")`, `AppError::field(field, "…")` and `ValidationErrors::single`
    /// in the domain and the use cases, and each `Err("…")` of the domain's parsers
    /// (placeholders of `format!` stand for values).
    #[test]
    fn every_domain_message_a_form_can_show_is_translated() {
        let mut missing = Vec::new();
        let mut checked = 0;
        for (name, src, errs_are_messages) in DOMAIN_SOURCES {
            let code = src.split("#[cfg(test)]").next().unwrap_or(src);
            let mut found = Vec::new();
            for (pattern, second) in [
                (".push(", true),
                ("AppError::field(", true),
                ("ValidationErrors::single(", true),
                ("Err(", false),
            ] {
                if pattern == "Err(" && !errs_are_messages {
                    continue;
                }
                for (i, _) in code.match_indices(pattern) {
                    let open = i + pattern.len() - 1;
                    if let Some(m) = message_arg(code, open, second) {
                        found.push(m);
                    }
                }
            }
            for m in found {
                if !m.contains(' ') {
                    continue;
                }
                // `{…}` in a format string is a value; `{{`/`}}` are braces.
                let mut msg = String::new();
                let mut rest = m.replace("{{", "\u{1}").replace("}}", "\u{2}");
                while let Some(a) = rest.find('{') {
                    let Some(b) = rest[a..].find('}') else { break };
                    msg.push_str(&rest[..a]);
                    msg.push('X');
                    rest = rest[a + b + 1..].to_string();
                }
                msg.push_str(&rest);
                let msg = msg.replace('\u{1}', "{").replace('\u{2}', "}");
                checked += 1;
                // A plain string's braces are its own; only a format string has values.
                if core_message_id(&msg).is_none() && core_message_id(&m).is_none() {
                    missing.push(format!("{name}: {msg:?}"));
                }
            }
        }
        assert!(checked > 100, "the scan found only {checked} messages");
        assert!(
            missing.is_empty(),
            "messages without Indonesian words: {missing:#?}"
        );
    }

    #[test]
    fn core_messages_are_translated_by_prefix() {
        assert_eq!(
            core_message(Lang::Id, "this attribute is required"),
            "wajib diisi"
        );
        // Choices are keys: the Indonesian page says the choice is not offered.
        assert_eq!(
            core_message(Lang::Id, "must be one of: wire, rope"),
            "bukan salah satu pilihan yang tersedia"
        );
        assert_eq!(
            core_message(Lang::En, "must be a whole number"),
            "must be a whole number"
        );
        assert_eq!(
            core_message(Lang::Id, "something new"),
            "isian ini tidak dapat diterima"
        );
        assert_eq!(core_message(Lang::En, "something new"), "something new");
        assert_eq!(
            core_message(
                Lang::Id,
                &sinergi_core::msg!(
                    "password-too-common",
                    "this password is too common; choose another"
                )
            ),
            "kata sandi ini terlalu umum; pilih yang lain"
        );
        assert_eq!(
            field_name(Lang::Id, "parties[1]").as_deref(),
            Some("Para pihak")
        );
        assert_eq!(field_name(Lang::Id, "body"), None);
        // A coded message is rendered from the catalogue, its value in its place.
        let coded = sinergi_core::msg!(
            "party-unknown",
            "{code} is not a party to the agreement",
            code = "POLDA-JAMBI"
        );
        assert_eq!(
            core_message(Lang::Id, &coded),
            "POLDA-JAMBI bukan pihak dalam perjanjian"
        );
        assert_eq!(
            core_message(Lang::En, &coded),
            "POLDA-JAMBI is not a party to the agreement"
        );
        // An uncoded message ending in a known phrase keeps its leading value.
        assert_eq!(
            core_message(Lang::Id, "POLDA-JAMBI is not an agency"),
            "POLDA-JAMBI bukan instansi yang terdaftar"
        );
        let coded = sinergi_core::msg!(
            "referral-too-long",
            "a referral lasts at most {days} days",
            days = 366
        );
        assert_eq!(
            core_message(Lang::Id, &coded),
            "rujukan paling lama 366 hari"
        );
        assert_eq!(tr(Lang::En, "nav_map"), "Map");
        assert_eq!(tr(Lang::Id, "no-such-key"), "⟦no-such-key⟧");
    }
}
