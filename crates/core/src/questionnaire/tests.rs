//! A workbook in two languages with a group, a repeat, selects and a note, converted by
//! Sinergi and read back as questions; answers written as an instance and read back.

use rust_xlsxwriter::Workbook;
use serde_json::json;

use super::*;
use crate::submission::read_instance;

fn book(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("test value");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).expect("test value");
                }
            }
        }
    }
    wb.save_to_buffer().expect("test value")
}

fn xform() -> String {
    let b = book(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                    "hint::Bahasa Indonesia (id)",
                    "required",
                    "relevant",
                ],
                &[
                    "text",
                    "regu",
                    "Nama regu",
                    "Team",
                    "Tulis lengkap",
                    "yes",
                    "",
                ],
                &["begin group", "lokasi", "Lokasi", "Place", "", "", ""],
                &["geopoint", "titik", "Titik", "Point", "", "", ""],
                &["date", "tanggal", "Tanggal", "Date", "", "", ""],
                &["end group", "", "", "", "", "", ""],
                &["integer", "jumlah", "Jumlah temuan", "Findings", "", "", ""],
                &[
                    "begin repeat",
                    "temuan",
                    "Temuan",
                    "Finding",
                    "",
                    "",
                    "${jumlah} > 0",
                ],
                &["select_one jenis", "jenis", "Jenis", "Kind", "", "", ""],
                &[
                    "select_multiple tindakan",
                    "tindakan",
                    "Tindakan",
                    "Action",
                    "",
                    "",
                    "",
                ],
                &["end repeat", "", "", "", "", "", ""],
                &["note", "catatan", "Terima kasih", "Thank you", "", "", ""],
            ],
        ),
        (
            "choices",
            &[
                &[
                    "list_name",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                ],
                &["jenis", "jerat", "Jerat", "Snare"],
                &["jenis", "kamp", "Kamp", "Camp"],
                &["tindakan", "musnah", "Dimusnahkan", "Destroyed"],
                &["tindakan", "foto", "Difoto", "Photographed"],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version"],
                &["Laporan patroli", "patroli", "3"],
            ],
        ),
    ]);
    crate::xlsform::convert(&b, "patroli.xlsx")
        .expect("converts")
        .xml
}

#[test]
fn the_questions_are_read_in_the_readers_language_with_their_choices() {
    let x = xform();
    let q = Questionnaire::of_xform(&x, "id").expect("reads");
    assert_eq!(q.title, "Laporan patroli");
    assert_eq!(q.language.as_deref(), Some("Bahasa Indonesia (id)"));
    let top: Vec<(&str, &str)> = q
        .items
        .iter()
        .map(|i| (i.path.as_str(), i.label.as_str()))
        .collect();
    assert_eq!(
        top,
        [
            ("regu", "Nama regu"),
            ("lokasi", "Lokasi"),
            ("jumlah", "Jumlah temuan"),
            ("temuan", "Temuan"),
            ("catatan", "Terima kasih")
        ]
    );
    assert!(q.items[0].required);
    assert_eq!(q.items[0].hint.as_deref(), Some("Tulis lengkap"));
    assert_eq!(q.items[1].kind, Kind::Group);
    assert_eq!(
        q.items[1].children[0].kind,
        Kind::Input(FieldType::Geopoint)
    );
    assert_eq!(q.items[1].children[1].path, "lokasi/tanggal");
    let rep = &q.items[3];
    assert_eq!(rep.kind, Kind::Repeat);
    assert!(rep
        .relevant
        .as_deref()
        .is_some_and(|r| r.contains("/data/jumlah")));
    assert_eq!(rep.children[0].kind, Kind::SelectOne);
    assert_eq!(
        rep.children[0].choices,
        [
            ("jerat".to_string(), "Jerat".to_string()),
            ("kamp".to_string(), "Kamp".to_string())
        ]
    );
    assert_eq!(rep.children[1].kind, Kind::SelectMultiple);
    assert_eq!(q.items[4].kind, Kind::Note);
    // Notes take no answer; the repeat's questions are named with it.
    let asked: Vec<(&str, Option<&str>)> = q
        .questions()
        .iter()
        .map(|(i, r)| (i.path.as_str(), r.map(|r| r.path.as_str())))
        .collect();
    assert_eq!(
        asked,
        [
            ("regu", None),
            ("lokasi/titik", None),
            ("lokasi/tanggal", None),
            ("jumlah", None),
            ("temuan/jenis", Some("temuan")),
            ("temuan/tindakan", Some("temuan"))
        ]
    );

    let en = Questionnaire::of_xform(&x, "en").expect("reads");
    assert_eq!(en.items[0].label, "Team");
    assert_eq!(en.items[3].children[0].choices[1].1, "Camp");
}

#[test]
fn answers_are_written_as_an_instance_that_reads_back_the_same() {
    let x = xform();
    let schema = Schema::of_xform(&x).expect("schema");
    let answers = json!({
        "regu": "Regu 3 <Sungai Manau>",
        "lokasi/titik": "-2.05 101.4 0 0",
        "lokasi/tanggal": "2021-08-03",
        "jumlah": 2,
        "temuan": [
            {"jenis": "jerat", "tindakan": ["musnah", "foto"]},
            {"jenis": "kamp"}
        ]
    });
    let xml = instance_xml(
        &schema,
        answers.as_object().expect("object"),
        "uuid:kertas-1",
    )
    .expect("writes");
    assert!(xml.starts_with("<data "), "{xml}");
    assert!(xml.contains("version=\"3\""), "{xml}");
    let inst = read_instance(&xml, &schema).expect("reads back");
    assert_eq!(inst.instance_id, "uuid:kertas-1");
    assert_eq!(inst.data["regu"], "Regu 3 <Sungai Manau>");
    assert_eq!(inst.data["jumlah"], "2");
    assert_eq!(inst.data["temuan"][0]["tindakan"], "musnah foto");
    assert_eq!(inst.data["temuan"][1]["jenis"], "kamp");
    assert_eq!(inst.point, Some((101.4, -2.05)));
}

#[test]
fn an_answer_to_no_question_or_of_the_wrong_kind_is_refused_naming_it() {
    let schema = Schema::of_xform(&xform()).expect("schema");
    let err = |v: Value| {
        instance_xml(&schema, v.as_object().expect("object"), "uuid:x")
            .expect_err("refused")
            .as_str()
            .to_string()
    };
    assert!(err(json!({"umur": "3"})).contains("umur"));
    assert!(err(json!({"temuan": [{"foto": "a.jpg"}]})).contains("temuan/foto"));
    assert!(err(json!({"temuan": "jerat"})).contains("temuan"));
    assert!(err(json!({"regu": {"a": 1}})).contains("regu"));
    assert!(err(json!({"meta/instanceID": "uuid:other"})).contains("meta/instanceID"));
    // A wrong type is caught when the instance is read, as a device's would be.
    let xml = instance_xml(
        &schema,
        json!({"jumlah": "dua"}).as_object().expect("object"),
        "uuid:x",
    )
    .expect("writes");
    assert!(read_instance(&xml, &schema)
        .expect_err("refused")
        .as_str()
        .to_string()
        .contains("jumlah"));
}

#[test]
fn constraints_their_messages_and_calculations_are_read_for_the_phone() {
    let b = book(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                    "constraint",
                    "constraint_message::Bahasa Indonesia (id)",
                    "constraint_message::English (en)",
                    "calculation",
                ],
                &[
                    "integer",
                    "umur",
                    "Umur",
                    "Age",
                    ". <= 120",
                    "Umur sampai 120",
                    "Age up to 120",
                    "",
                ],
                &[
                    "calculate",
                    "anak",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "if(${umur} < 18, 'ya', 'tidak')",
                ],
                &[
                    "begin repeat",
                    "anggota",
                    "Anggota",
                    "Members",
                    "",
                    "",
                    "",
                    "",
                ],
                &["text", "nama", "Nama", "Name", "", "", "", ""],
                &[
                    "calculate",
                    "panjang",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "string-length(../nama)",
                ],
                &["end repeat", "", "", "", "", "", "", ""],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version"],
                &["Anggota", "anggota", "1"],
            ],
        ),
    ]);
    let x = crate::xlsform::convert(&b, "anggota.xlsx")
        .expect("converts")
        .xml;
    let id = Questionnaire::of_xform(&x, "id").expect("reads");
    assert_eq!(id.root, "data");
    assert_eq!(id.items[0].constraint.as_deref(), Some(". <= 120"));
    assert_eq!(
        id.items[0].constraint_message.as_deref(),
        Some("Umur sampai 120")
    );
    let en = Questionnaire::of_xform(&x, "en").expect("reads");
    assert_eq!(
        en.items[0].constraint_message.as_deref(),
        Some("Age up to 120")
    );
    let calcs: Vec<&str> = id.calculations.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(calcs, ["anak", "anggota/panjang"]);
    assert!(id.calculations[0].1.contains("/data/umur < 18"));
}

#[test]
fn a_labels_media_are_read_in_the_readers_language_and_by_file_name() {
    let b = book(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                    "media::image::Bahasa Indonesia (id)",
                    "media::image::English (en)",
                    "media::audio::Bahasa Indonesia (id)",
                ],
                &[
                    "text",
                    "desa",
                    "Desa",
                    "Village",
                    "peta desa.png",
                    "village map.png",
                    "petunjuk.mp3",
                ],
                &["integer", "umur", "Umur", "Age", "", "", ""],
                &[
                    "note",
                    "catatan",
                    "Lihat gambar",
                    "See the picture",
                    "contoh.jpg",
                    "",
                    "",
                ],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["media_uji", "1"]]),
    ]);
    let x = crate::xlsform::convert(&b, "media_uji.xlsx").expect("converts");
    let q = Questionnaire::of_xform(&x.xml, "id").expect("reads");
    let media: Vec<Vec<(MediaKind, String)>> = q.items.iter().map(|i| i.media.clone()).collect();
    assert_eq!(
        media,
        vec![
            vec![
                (MediaKind::Audio, "petunjuk.mp3".to_string()),
                (MediaKind::Image, "peta desa.png".to_string())
            ],
            vec![],
            vec![(MediaKind::Image, "contoh.jpg".to_string())],
        ]
    );
    let q = Questionnaire::of_xform(&x.xml, "en").expect("reads");
    assert_eq!(
        q.items[0].media,
        vec![(MediaKind::Image, "village map.png".to_string())]
    );
    assert!(q.items[2].media.is_empty(), "no English picture");
    // The version names every file once, whatever the language.
    let names: Vec<String> = crate::form::media::references(&x.xml)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        names,
        [
            "contoh.jpg",
            "peta desa.png",
            "petunjuk.mp3",
            "village map.png"
        ]
    );
}

#[test]
fn a_choice_filter_is_read_with_each_choices_columns() {
    let b = book(&[
        (
            "survey",
            &[
                &["type", "name", "label", "choice_filter"],
                &["select_one kab", "kabupaten", "Kabupaten", ""],
                &[
                    "select_one kec",
                    "kecamatan",
                    "Kecamatan",
                    "kab = ${kabupaten}",
                ],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label", "kab"],
                &["kab", "tebo", "Tebo", ""],
                &["kab", "bungo", "Bungo", ""],
                &["kec", "sumay", "Sumay", "tebo"],
                &["kec", "pelepat", "Pelepat", "bungo"],
            ],
        ),
    ]);
    let x = crate::xlsform::convert(&b, "wilayah.xlsx").expect("converts");
    let q = Questionnaire::of_xform(&x.xml, "id").expect("reads");
    assert_eq!(q.items[0].choice_filter, None);
    let kec = &q.items[1];
    let filter = kec.choice_filter.as_deref().expect("a filter");
    assert_eq!(
        filter.split_whitespace().collect::<String>(),
        "kab=/data/kabupaten"
    );
    assert_eq!(
        kec.choice_columns,
        vec![
            vec![
                ("name".to_string(), "sumay".to_string()),
                ("kab".to_string(), "tebo".to_string())
            ],
            vec![
                ("name".to_string(), "pelepat".to_string()),
                ("kab".to_string(), "bungo".to_string())
            ],
        ]
    );
}
