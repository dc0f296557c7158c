//! Forms written as real `.xlsx` workbooks in memory, converted, and their XForms read
//! back with an XML reader.

use quick_xml::events::Event;
use quick_xml::Reader;
use rust_xlsxwriter::Workbook;

use super::*;

type SheetRows<'a> = (&'a str, &'a [&'a [&'a str]]);

fn book(sheets: &[SheetRows]) -> Vec<u8> {
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

/// Every element of a document: its name, attributes and direct text, in order.
#[derive(Debug)]
struct El {
    name: String,
    path: String,
    attrs: Vec<(String, String)>,
    text: String,
}

#[allow(deprecated)]
fn elements(xml: &str) -> Vec<El> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<El> = Vec::new();
    let mut stack: Vec<(String, usize)> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if true => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("test value");
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("test value");
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).expect("test value"),
                            a.unescape_value().expect("test value").into_owned(),
                        )
                    })
                    .collect();
                let path = stack
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .chain([name.as_str()])
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(El {
                    name: name.clone(),
                    path,
                    attrs,
                    text: String::new(),
                });
                // An empty element is not pushed: the reader gives no End for it.
                if xml[..reader.buffer_position() as usize].ends_with("/>") {
                    continue;
                }
                stack.push((name, out.len() - 1));
            }
            Event::Text(t) => {
                if let Some((_, i)) = stack.last() {
                    out[*i].text.push_str(&t.decode().expect("test value"));
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, i)) = stack.last() {
                    let s = match std::str::from_utf8(&r).expect("test value") {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "?",
                    };
                    out[*i].text.push_str(s);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn attr<'a>(e: &'a El, name: &str) -> Option<&'a str> {
    e.attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn bind<'a>(els: &'a [El], nodeset: &str) -> &'a El {
    els.iter()
        .find(|e| e.name == "bind" && attr(e, "nodeset") == Some(nodeset))
        .unwrap_or_else(|| panic!("no bind for {nodeset}"))
}

fn problems(sheets: &[SheetRows]) -> Vec<String> {
    match convert(&book(sheets), "form.xlsx") {
        Ok(_) => panic!("the form was accepted"),
        Err(ps) => ps.iter().map(|p| p.to_string()).collect(),
    }
}

fn ok(sheets: &[SheetRows]) -> (XForm, Vec<El>) {
    let x = convert(&book(sheets), "household.xlsx").unwrap_or_else(|ps| {
        panic!(
            "refused: {:?}",
            ps.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        )
    });
    let els = elements(&x.xml);
    (x, els)
}

#[test]
fn a_simple_form_becomes_an_xform_with_its_binds_and_meta() {
    let (x, els) = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "required",
                    "constraint",
                    "constraint_message",
                    "hint",
                ],
                &["start", "start", "", "", "", "", ""],
                &[
                    "text",
                    "village",
                    "Village",
                    "yes",
                    "",
                    "",
                    "As the sign says",
                ],
                &[
                    "integer",
                    "age",
                    "Age",
                    "true",
                    ". >= 0 and . < 120",
                    "Age from 0 to 119",
                    "",
                ],
                &["date", "visit", "Visit date", "", "", "", ""],
                &["note", "thanks", "Thank you, ${village}", "", "", "", ""],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version"],
                &["Household", "hh_2024", "2024061001"],
            ],
        ),
    ]);
    assert_eq!(x.form_id, "hh_2024");
    assert_eq!(x.version.as_deref(), Some("2024061001"));
    let data = els
        .iter()
        .find(|e| e.path.ends_with("model/instance/data"))
        .expect("test value");
    assert_eq!(attr(data, "id"), Some("hh_2024"));
    assert_eq!(attr(data, "version"), Some("2024061001"));
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:head/h:title" && e.text == "Household"));
    assert_eq!(
        attr(bind(&els, "/data/village"), "required"),
        Some("true()")
    );
    let age = bind(&els, "/data/age");
    assert_eq!(attr(age, "type"), Some("int"));
    assert_eq!(attr(age, "constraint"), Some(". >= 0 and . < 120"));
    assert_eq!(attr(age, "jr:constraintMsg"), Some("Age from 0 to 119"));
    assert_eq!(attr(bind(&els, "/data/visit"), "type"), Some("date"));
    assert_eq!(attr(bind(&els, "/data/thanks"), "readonly"), Some("true()"));
    let start = bind(&els, "/data/start");
    assert_eq!(attr(start, "jr:preload"), Some("timestamp"));
    assert_eq!(attr(start, "jr:preloadParams"), Some("start"));
    let meta = bind(&els, "/data/meta/instanceID");
    // A preload fills it once, when the submission is created, as pyxform writes it.
    assert_eq!(attr(meta, "jr:preload"), Some("uid"));
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:head/model/instance/data/meta/instanceID"));
    let inputs: Vec<_> = els
        .iter()
        .filter(|e| e.name == "input")
        .filter_map(|e| attr(e, "ref"))
        .collect();
    assert_eq!(
        inputs,
        vec!["/data/village", "/data/age", "/data/visit", "/data/thanks"]
    );
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:body/input/hint" && e.text == "As the sign says"));
    assert!(els
        .iter()
        .any(|e| e.name == "output" && attr(e, "value") == Some("/data/village")));
}

#[test]
fn groups_repeats_relevance_and_calculations_use_absolute_paths() {
    let (_, els) = ok(&[(
        "survey",
        &[
            &[
                "type",
                "name",
                "label",
                "relevant",
                "calculation",
                "appearance",
            ],
            &["integer", "members", "How many members?", "", "", ""],
            &[
                "begin group",
                "head",
                "Head of household",
                "${members} > 0",
                "",
                "field-list",
            ],
            &["text", "head_name", "Name", "", "", ""],
            &["end group", "", "", "", "", ""],
            &["begin repeat", "member", "Member", "", "", ""],
            &["text", "member_name", "Name", "", "", ""],
            &["integer", "member_age", "Age", "", "", ""],
            &["end repeat", "", "", "", "", ""],
            &["calculate", "total_age", "", "", "sum(${member_age})", ""],
            &[
                "calculate",
                "mean_age",
                "",
                "",
                "if(${members} > 0, ${total_age} div ${members}, 0)",
                "",
            ],
        ],
    )]);
    assert_eq!(
        attr(bind(&els, "/data/head"), "relevant"),
        Some("/data/members > 0")
    );
    assert_eq!(
        attr(bind(&els, "/data/total_age"), "calculate"),
        Some("sum(/data/member/member_age)")
    );
    assert_eq!(
        attr(bind(&els, "/data/mean_age"), "calculate"),
        Some("if(/data/members > 0, /data/total_age div /data/members, 0)")
    );
    let group = els
        .iter()
        .find(|e| e.path == "h:html/h:body/group" && attr(e, "ref") == Some("/data/head"))
        .expect("test value");
    assert_eq!(attr(group, "appearance"), Some("field-list"));
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:body/group/input"
            && attr(e, "ref") == Some("/data/head/head_name")));
    let repeat = els
        .iter()
        .find(|e| e.path == "h:html/h:body/group/repeat")
        .expect("test value");
    assert_eq!(attr(repeat, "nodeset"), Some("/data/member"));
    let members: Vec<_> = els
        .iter()
        .filter(|e| e.path == "h:html/h:head/model/instance/data/member")
        .collect();
    assert_eq!(members.len(), 2, "a template and one instance");
    assert_eq!(attr(members[0], "jr:template"), Some(""));
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:head/model/instance/data/member/member_age"));
    // Calculations have no control.
    assert!(!els
        .iter()
        .any(|e| attr(e, "ref") == Some("/data/total_age")));
}

#[test]
fn selects_use_itemsets_and_choice_filters() {
    let (_, els) = ok(&[
        (
            "survey",
            &[
                &["type", "name", "label", "choice_filter"],
                &["select_one province", "province", "Province", ""],
                &[
                    "select_one regency",
                    "regency",
                    "Regency",
                    "province = ${province}",
                ],
                &["select_multiple drug", "drugs", "Drugs found", ""],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label", "province"],
                &["province", "15", "Jambi", ""],
                &["province", "16", "Sumatera Selatan", ""],
                &["regency", "1571", "Kota Jambi", "15"],
                &["regency", "1671", "Kota Palembang", "16"],
                &["drug", "meth", "Methamphetamine", ""],
                &["drug", "cannabis", "Cannabis", ""],
            ],
        ),
    ]);
    let regency = els
        .iter()
        .find(|e| e.name == "select1" && attr(e, "ref") == Some("/data/regency"))
        .expect("test value");
    let _ = regency;
    let itemsets: Vec<_> = els
        .iter()
        .filter(|e| e.name == "itemset")
        .filter_map(|e| attr(e, "nodeset"))
        .collect();
    assert_eq!(
        itemsets,
        vec![
            "instance('province')/root/item",
            "instance('regency')/root/item[province = /data/province]",
            "instance('drug')/root/item",
        ]
    );
    assert!(els
        .iter()
        .any(|e| e.name == "select" && attr(e, "ref") == Some("/data/drugs")));
    let regencies: Vec<_> = els
        .iter()
        .filter(|e| e.path.ends_with("instance/root/item/province"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(regencies, vec!["15", "16"]);
    assert!(els
        .iter()
        .any(|e| e.path.ends_with("instance/root/item/label") && e.text == "Kota Palembang"));
}

#[test]
fn two_languages_become_itext_translations() {
    let (x, els) = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                    "hint::Bahasa Indonesia (id)",
                    "constraint",
                    "constraint_message::Bahasa Indonesia (id)",
                    "constraint_message::English (en)",
                ],
                &[
                    "integer",
                    "patients",
                    "Jumlah pasien",
                    "Number of patients",
                    "Hari ini",
                    ". >= 0",
                    "Tidak boleh negatif",
                    "Cannot be negative",
                ],
                &[
                    "select_one yn",
                    "referred",
                    "Dirujuk?",
                    "Referred?",
                    "",
                    "",
                    "",
                    "",
                ],
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
                &["yn", "yes", "Ya", "Yes"],
                &["yn", "no", "Tidak", "No"],
            ],
        ),
        (
            "settings",
            &[&["default_language"], &["Bahasa Indonesia (id)"]],
        ),
    ]);
    assert_eq!(x.languages, vec!["Bahasa Indonesia (id)", "English (en)"]);
    let translations: Vec<_> = els.iter().filter(|e| e.name == "translation").collect();
    assert_eq!(attr(translations[0], "lang"), Some("Bahasa Indonesia (id)"));
    assert_eq!(attr(translations[0], "default"), Some("true()"));
    assert_eq!(attr(translations[1], "lang"), Some("English (en)"));
    let value = |lang: &str, id: &str| -> String {
        let xml = &x.xml;
        let t = xml
            .find(&format!("<translation lang=\"{lang}\""))
            .expect("test value");
        let start = t + xml[t..]
            .find(&format!("<text id=\"{id}\"><value>"))
            .expect("test value");
        let v = start + xml[start..].find("<value>").expect("test value") + 7;
        xml[v..v + xml[v..].find("</value>").expect("test value")].to_string()
    };
    assert_eq!(
        value("Bahasa Indonesia (id)", "/data/patients:label"),
        "Jumlah pasien"
    );
    assert_eq!(
        value("English (en)", "/data/patients:label"),
        "Number of patients"
    );
    assert_eq!(
        value("Bahasa Indonesia (id)", "/data/patients:hint"),
        "Hari ini"
    );
    // A text missing in a language is shown as "-", as pyxform does.
    assert_eq!(value("English (en)", "/data/patients:hint"), "-");
    assert_eq!(value("English (en)", "yn-1"), "No");
    assert_eq!(
        value("Bahasa Indonesia (id)", "/data/patients:jr:constraintMsg"),
        "Tidak boleh negatif"
    );
    assert_eq!(
        attr(bind(&els, "/data/patients"), "jr:constraintMsg"),
        Some("jr:itext('/data/patients:jr:constraintMsg')")
    );
    let label = els
        .iter()
        .find(|e| e.path == "h:html/h:body/input/label")
        .expect("test value");
    assert_eq!(attr(label, "ref"), Some("jr:itext('/data/patients:label')"));
    let itemset_label = els
        .iter()
        .find(|e| e.path == "h:html/h:body/select1/itemset/label")
        .expect("test value");
    assert_eq!(attr(itemset_label, "ref"), Some("jr:itext(itextId)"));
    assert!(els.iter().any(|e| e.name == "itextId" && e.text == "yn-0"));
}

#[test]
fn geopoint_image_and_meta_types_get_their_binds_and_controls() {
    let (_, els) = ok(&[(
        "survey",
        &[
            &["type", "name", "label", "read_only", "default"],
            &["today", "today", "", "", ""],
            &["deviceid", "deviceid", "", "", ""],
            &["geopoint", "location", "Location of the find", "", ""],
            &["geotrace", "route", "Route", "", ""],
            &["geoshape", "area", "Burnt area", "", ""],
            &["image", "photo", "Photo", "", ""],
            &["dateTime", "seen_at", "Seen at", "", ""],
            &["time", "seen_time", "Time", "", ""],
            &["decimal", "hectares", "Hectares", "yes", "0.5"],
            &["acknowledge", "ok", "I confirm", "", ""],
            &["end", "end", "", "", ""],
        ],
    )]);
    for (path, ty) in [
        ("/data/location", "geopoint"),
        ("/data/route", "geotrace"),
        ("/data/area", "geoshape"),
        ("/data/photo", "binary"),
        ("/data/seen_at", "dateTime"),
        ("/data/seen_time", "time"),
        ("/data/hectares", "decimal"),
        ("/data/today", "date"),
    ] {
        assert_eq!(attr(bind(&els, path), "type"), Some(ty), "{path}");
    }
    assert_eq!(
        attr(bind(&els, "/data/deviceid"), "jr:preloadParams"),
        Some("deviceid")
    );
    assert_eq!(
        attr(bind(&els, "/data/end"), "jr:preloadParams"),
        Some("end")
    );
    assert_eq!(
        attr(bind(&els, "/data/hectares"), "readonly"),
        Some("true()")
    );
    let upload = els.iter().find(|e| e.name == "upload").expect("test value");
    assert_eq!(attr(upload, "ref"), Some("/data/photo"));
    assert_eq!(attr(upload, "mediatype"), Some("image/*"));
    assert!(els
        .iter()
        .any(|e| e.name == "trigger" && attr(e, "ref") == Some("/data/ok")));
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:head/model/instance/data/hectares" && e.text == "0.5"));
    assert!(!els.iter().any(|e| attr(e, "ref") == Some("/data/deviceid")));
}

#[test]
fn the_file_name_gives_the_id_and_blank_rows_are_skipped() {
    let (x, els) = ok(&[(
        "survey",
        &[
            &["type", "name", "label"],
            &["text", "a", "A"],
            &["", "", ""],
            &["", "", ""],
            &["text", "b", "B"],
        ],
    )]);
    assert_eq!(x.form_id, "household");
    assert_eq!(x.title, "household");
    assert!(x.version.is_none());
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:head/model/instance/data/b"));
}

#[test]
fn unknown_types_are_refused_by_sheet_row_and_column() {
    let ps = problems(&[(
        "survey",
        &[
            &["type", "name", "label"],
            &["text", "a", "A"],
            &["text", "b", "B"],
            &["text", "c", "C"],
            &["text", "d", "D"],
            &["text", "e", "E"],
            &["foo", "f", "F"],
            &["select_one", "g", "G"],
        ],
    )]);
    assert_eq!(
        ps,
        vec![
            "survey row 7, column type: unknown type foo",
            "survey row 8, column type: select_one needs the name of a list of choices after it",
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let ps = problems(&[(
        "survey",
        &[
            &[
                "type",
                "name",
                "label",
                "relevant",
                "constraint",
                "calculation",
            ],
            &["text", "1st", "Bad name", "", "", ""],
            &["text", "a", "A", "${nowhere} = 'x'", "", ""],
            &["text", "a", "Again", "", "", ""],
            &["integer", "n", "N", "", "pulldata('x', 'y') > 1", ""],
            &["calculate", "p", "", "", "", "${q} + 1"],
            &["calculate", "q", "", "", "", "${r} + 1"],
            &["calculate", "r", "", "", "", "${p} * 2"],
            &["calculate", "s", "", "", "", ""],
            &["integer", "m", "M", "(. > 1", "", ""],
        ],
    )]);
    let supported = expr::SUPPORTED_FUNCTIONS.join(", ");
    assert_eq!(
        ps,
        vec![
            "survey row 2, column name: 1st is not a valid name: it must begin with a letter or _ and hold only letters, digits, _, - and .".to_string(),
            "survey row 3, column relevant: the reference to nowhere names no question of the form".into(),
            "survey row 4, column name: the name a is already used on row 3".into(),
            format!("survey row 5, column constraint: the function pulldata is not supported; the supported ones are {supported}"),
            "survey row 6, column calculation: the calculations refer to each other in a cycle: p → q → r → p".into(),
            "survey row 9, column calculation: a calculate row needs a calculation".into(),
            "survey row 10, column relevant: the parentheses do not pair up".into(),
        ]
    );
}

#[test]
fn groups_and_repeats_must_be_balanced() {
    let ps = problems(&[(
        "survey",
        &[
            &["type", "name", "label"],
            &["end group", "", ""],
            &["begin group", "g", "G"],
            &["text", "a", "A"],
            &["end repeat", "", ""],
            &["begin repeat", "r", "R"],
            &["text", "b", "B"],
        ],
    )]);
    assert_eq!(
        ps,
        vec![
            "survey row 2, column type: end group without a begin group before it",
            "survey row 5, column type: end repeat closes the group g begun on row 3",
            "survey row 6, column type: the repeat r begun here is never ended",
        ]
    );
}

#[test]
fn lists_must_exist_and_hold_distinct_choices() {
    let ps = problems(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["select_one yn", "a", "A"],
                &["select_multiple colours", "b", "B"],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["yn", "yes", "Yes"],
                &["yn", "yes", "Yes again"],
                &["yn", "", "No name"],
            ],
        ),
    ]);
    assert_eq!(
        ps,
        vec![
            "survey row 3, column type: the list colours is not in the choices sheet",
            "choices row 3, column name: the choice yes is already in the list yn on row 2",
            "choices row 4, column name: a choice needs a name",
        ]
    );
    let ps = problems(&[(
        "survey",
        &[&["type", "name", "label"], &["select_one yn", "a", "A"]],
    )]);
    assert_eq!(
        ps,
        vec!["survey row 2, column type: the list yn needs a choices sheet, and the workbook has none"]
    );
}

#[test]
fn missing_sheets_columns_and_bad_files_are_refused() {
    assert_eq!(
        problems(&[("choices", &[&["list_name", "name"]])]),
        vec!["the workbook has no survey sheet"]
    );
    assert_eq!(
        problems(&[("survey", &[&["name", "label"], &["a", "A"]])]),
        vec!["survey row 1: the survey sheet has no type column"]
    );
    let err = convert(b"not a workbook", "x.xlsx").expect_err("refused");
    assert_eq!(err.len(), 1);
    assert!(
        err[0]
            .to_string()
            .starts_with("the file is not an .xlsx workbook"),
        "{}",
        err[0]
    );
    assert_eq!(err[0].message.code(), Some("xlsform-not-xlsx"));
}

#[test]
fn problems_carry_sheet_row_column_and_code() {
    let err = convert(
        &book(&[(
            "survey",
            &[&["type", "name"], &["text", "a"], &["bogus", "b"]],
        )]),
        "f.xlsx",
    )
    .expect_err("refused");
    assert_eq!(err[0].sheet, "survey");
    assert_eq!(err[0].row, Some(3));
    assert_eq!(err[0].column.as_deref(), Some("type"));
    assert_eq!(err[0].message.code(), Some("xlsform-type-unknown"));
    assert_eq!(err[0].message.args(), &[("value", "bogus".to_string())]);
}

#[test]
fn texts_defaults_and_list_names_are_checked_too() {
    let ps = problems(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::English (en)",
                    "hint::English (en)",
                    "default",
                ],
                &["text", "a", "Hello ${nobody}", "", ""],
                &["text", "b", "B", "", "${a}"],
                &["select_multiple drugs", "c", "C", "", ""],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label::English (en)"],
                &["drugs", "crystal meth", "Crystal meth"],
                &["drugs", "cannabis", "Cannabis"],
            ],
        ),
    ]);
    assert_eq!(
        ps,
        vec![
            "survey row 2, column label::English (en): the reference to nobody names no question of the form",
            "survey row 3, column default: a default taken from another answer is not supported; give a constant",
            "choices row 2, column name: the choice crystal meth of the list drugs has a space in its name, which a select_multiple cannot record",
        ]
    );
}

#[test]
fn a_kotan_style_questionnaire_converts_whole() {
    // Shaped like a regional questionnaire: a region chosen by province, a repeat of
    // programmes with a computed share, and a photo and location of the office.
    let (x, els) = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Bahasa Indonesia (id)",
                    "label::English (en)",
                    "required",
                    "relevant",
                    "constraint",
                    "calculation",
                    "choice_filter",
                    "appearance",
                ],
                &["start", "start", "", "", "", "", "", "", "", ""],
                &[
                    "select_one province",
                    "province",
                    "Provinsi",
                    "Province",
                    "yes",
                    "",
                    "",
                    "",
                    "",
                    "minimal",
                ],
                &[
                    "select_one regency",
                    "regency",
                    "Kabupaten/kota",
                    "Regency",
                    "yes",
                    "",
                    "",
                    "",
                    "province = ${province}",
                    "minimal",
                ],
                &[
                    "begin repeat",
                    "programme",
                    "Program",
                    "Programme",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "text",
                    "programme_name",
                    "Nama program",
                    "Name",
                    "yes",
                    "",
                    "string-length(.) <= 100",
                    "",
                    "",
                    "",
                ],
                &[
                    "decimal",
                    "budget",
                    "Anggaran (juta Rp)",
                    "Budget (million Rp)",
                    "",
                    "",
                    ". >= 0",
                    "",
                    "",
                    "",
                ],
                &[
                    "decimal",
                    "spent",
                    "Realisasi (juta Rp)",
                    "Spent (million Rp)",
                    "",
                    "${budget} > 0",
                    ". <= ${budget}",
                    "",
                    "",
                    "",
                ],
                &[
                    "calculate",
                    "share",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "if(${budget} > 0, round(${spent} div ${budget}, 2), 0)",
                    "",
                    "",
                ],
                &["end repeat", "", "", "", "", "", "", "", "", ""],
                &[
                    "geopoint",
                    "office",
                    "Lokasi kantor",
                    "Office location",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "image",
                    "office_photo",
                    "Foto kantor",
                    "Office photo",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &["end", "end", "", "", "", "", "", "", "", ""],
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
                    "province",
                ],
                &["province", "15", "Jambi", "Jambi", ""],
                &["regency", "1501", "Kerinci", "Kerinci", "15"],
                &["regency", "1571", "Kota Jambi", "Jambi City", "15"],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version", "default_language"],
                &["KOTAN 2024", "kotan_2024", "3", "Bahasa Indonesia (id)"],
            ],
        ),
    ]);
    assert_eq!(x.title, "KOTAN 2024");
    // Within a repeat, references to the same repeat's questions are relative, as
    // pyxform writes them: they name the answers of the same repeat instance.
    assert_eq!(
        attr(bind(&els, "/data/programme/spent"), "constraint"),
        Some(". <= ../budget")
    );
    assert_eq!(
        attr(bind(&els, "/data/programme/share"), "calculate"),
        Some("if(../budget > 0, round(../spent div ../budget, 2), 0)")
    );
    assert!(els
        .iter()
        .any(|e| e.path == "h:html/h:body/group/repeat/input"
            && attr(e, "ref") == Some("/data/programme/budget")));
    assert!(els
        .iter()
        .any(|e| e.name == "select1" && attr(e, "appearance") == Some("minimal")));
    assert_eq!(attr(bind(&els, "/data/office"), "type"), Some("geopoint"));
    assert_eq!(
        attr(bind(&els, "/data/office_photo"), "type"),
        Some("binary")
    );
    assert_eq!(els.iter().filter(|e| e.name == "translation").count(), 2);
}

#[test]
fn a_converted_form_s_schema_reads_its_groups_repeats_and_types() {
    let (x, _) = ok(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["integer", "members", "How many members?"],
                &["begin group", "head", "Head"],
                &["text", "head_name", "Name"],
                &["geopoint", "home", "Home"],
                &["end group", "", ""],
                &["begin repeat", "member", "Member"],
                &["text", "member_name", "Name"],
                &["image", "photo", "Photo"],
                &["end repeat", "", ""],
                &["select_one yn", "consent", "Consent?"],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["yn", "yes", "Yes"],
                &["yn", "no", "No"],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["household", "7"]]),
    ]);
    let s = crate::submission::Schema::of_xform(&x.xml).expect("schema");
    use crate::submission::FieldType;
    assert_eq!(
        (s.id.as_str(), s.version.as_deref()),
        ("household", Some("7"))
    );
    assert_eq!(
        s.columns,
        ["members", "head/head_name", "head/home", "consent"]
    );
    assert_eq!(s.repeat_columns("member"), ["member_name", "photo"]);
    assert_eq!(s.fields["members"], FieldType::Int);
    assert_eq!(s.fields["head/home"], FieldType::Geopoint);
    assert_eq!(s.fields["member/photo"], FieldType::Binary);
    assert!(s.fields.contains_key("meta/instanceID"));
}

#[test]
fn media_names_that_are_paths_are_refused_where_they_are_written() {
    let ps = problems(&[
        (
            "survey",
            &[
                &["type", "name", "label", "media::image", "audio"],
                &["text", "a", "A", "gambar/peta.png", ""],
                &["text", "b", "B", "", "../suara.mp3"],
                &["select_one yn", "c", "C", "", ""],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label", "image"],
                &["yn", "ya", "Ya", "ya?.png"],
                &["yn", "tidak", "Tidak", "tidak.png"],
            ],
        ),
    ]);
    assert_eq!(ps.len(), 3, "{ps:?}");
    assert!(
        ps[0].starts_with("survey row 2, column media::image: gambar/peta.png"),
        "{ps:?}"
    );
    assert!(
        ps[1].starts_with("survey row 3, column audio: ../suara.mp3"),
        "{ps:?}"
    );
    assert!(
        ps[2].starts_with("choices row 2, column image: ya?.png"),
        "{ps:?}"
    );
}

#[test]
fn a_form_without_languages_translates_only_the_labels_with_media() {
    let (x, els) = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "hint",
                    "media::image",
                    "media::video",
                ],
                &["text", "a", "Dengan gambar", "Petunjuk", "a.png", "a.mp4"],
                &["text", "b", "Tanpa gambar", "", "", ""],
                &["select_one yn", "c", "Pilih", "", "", ""],
                &["select_one ab", "d", "Pilih lagi", "", "", ""],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label", "media::image"],
                &["yn", "ya", "Ya", "ya.png"],
                &["yn", "tidak", "Tidak", ""],
                &["ab", "a", "A", ""],
            ],
        ),
    ]);
    assert!(x.languages.is_empty());
    assert!(
        x.xml
            .contains("<translation lang=\"default\" default=\"true()\">"),
        "{}",
        x.xml
    );
    assert!(x.xml.contains(
        "<text id=\"/data/a:label\"><value>Dengan gambar</value><value form=\"image\">jr://images/a.png</value><value form=\"video\">jr://video/a.mp4</value></text>"
    ), "{}", x.xml);
    assert!(x.xml.contains("<hint>Petunjuk</hint>"), "hints stay inline");
    assert!(
        x.xml.contains("<label>Tanpa gambar</label>"),
        "labels without media stay inline"
    );
    assert!(!x.xml.contains("/data/b:label"));
    // The list with a picture is translated, the other keeps its labels.
    let labels: Vec<Option<&str>> = els
        .iter()
        .filter(|e| e.name == "label" && e.path.ends_with("itemset/label"))
        .map(|e| attr(e, "ref"))
        .collect();
    assert_eq!(labels, [Some("jr:itext(itextId)"), Some("label")]);
}
