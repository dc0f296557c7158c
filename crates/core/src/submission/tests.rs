use super::*;

/// The shape Sinergi's converter (and pyxform) writes: a group, a repeat with its
/// template copy, binds with types, and secondary instances that are not the record.
const XFORM: &str = r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>Patroli</h:title><model odk:xforms-version="1.0.0" xmlns:odk="http://www.opendatakit.org/xforms">
<instance><data id="patroli" version="3"><regu/><lokasi><desa/><titik/></lokasi><jumlah/>
<temuan jr:template=""><jenis/><foto/></temuan><temuan><jenis/><foto/></temuan>
<tanggal/><meta><instanceID/></meta></data></instance>
<instance id="jenis"><root><item><name>jerat</name></item></root></instance>
<bind nodeset="/data/regu" type="string"/>
<bind nodeset="/data/lokasi/desa" type="string"/>
<bind nodeset="/data/lokasi/titik" type="geopoint"/>
<bind nodeset="/data/jumlah" type="int"/>
<bind nodeset="/data/temuan/jenis" type="string"/>
<bind nodeset="/data/temuan/foto" type="binary"/>
<bind nodeset="/data/tanggal" type="date"/>
<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
</model></h:head><h:body/></h:html>"#;

fn schema() -> Schema {
    Schema::of_xform(XFORM).expect("schema")
}

fn instance(body: &str) -> String {
    format!(
        r#"<?xml version='1.0' ?><data id="patroli" version="3" xmlns:jr="http://openrosa.org/javarosa">{body}<meta><instanceID>uuid:6f1c</instanceID></meta></data>"#
    )
}

#[test]
fn the_schema_names_questions_groups_and_repeats_in_the_form_order() {
    let s = schema();
    assert_eq!((s.root.as_str(), s.id.as_str()), ("data", "patroli"));
    assert_eq!(s.version.as_deref(), Some("3"));
    assert_eq!(
        s.columns,
        ["regu", "lokasi/desa", "lokasi/titik", "jumlah", "tanggal"]
    );
    assert!(s.groups.contains("lokasi") && s.groups.contains("meta"));
    assert_eq!(s.repeats.iter().collect::<Vec<_>>(), ["temuan"]);
    assert_eq!(s.repeat_columns("temuan"), ["jenis", "foto"]);
    assert_eq!(s.fields["temuan/foto"], FieldType::Binary);
    assert_eq!(s.fields["jumlah"], FieldType::Int);
    assert!(
        !s.fields.contains_key("item"),
        "a list of choices is no question"
    );
}

#[test]
fn an_instance_is_read_with_its_repeats_files_and_place() {
    let xml = instance(
        "<regu>Regu 2</regu><lokasi><desa>Sungai Penuh</desa><titik>-2.05 101.4 800 5</titik></lokasi>\
         <jumlah>3</jumlah><temuan><jenis>jerat</jenis><foto>a.jpg</foto></temuan>\
         <temuan><jenis>jerat</jenis><foto>b.jpg</foto></temuan><tanggal>2026-11-30</tanggal>",
    );
    let h = head(&xml).expect("head");
    assert_eq!(
        (h.id.as_str(), h.version.as_deref()),
        ("patroli", Some("3"))
    );
    let i = read_instance(&xml, &schema()).expect("instance");
    assert_eq!(i.instance_id, "uuid:6f1c");
    assert_eq!(i.deprecated_id, None);
    assert_eq!(i.data["lokasi/desa"], "Sungai Penuh");
    assert_eq!(i.data["jumlah"], "3");
    assert_eq!(i.data["temuan"][1]["foto"], "b.jpg");
    assert_eq!(i.files, ["a.jpg", "b.jpg"]);
    assert_eq!(i.point, Some((101.4, -2.05)));
    assert!(!i.data.contains_key("meta/instanceID"));
}

#[test]
fn an_instance_that_does_not_match_its_form_is_refused_naming_the_element() {
    let s = schema();
    let code = |xml: &str| read_instance(xml, &s).expect_err("refused").to_string();
    assert!(code(&instance("<senjata>1</senjata>")).contains("senjata"));
    assert!(
        code(&instance("<lokasi><kecamatan>x</kecamatan></lokasi>")).contains("lokasi/kecamatan")
    );
    assert!(code(&instance("<jumlah>tiga</jumlah>")).contains("jumlah"));
    assert!(code(&instance("<tanggal>30/11/2026</tanggal>")).contains("tanggal"));
    assert!(code(&instance("<lokasi><titik>200 100</titik></lokasi>")).contains("lokasi/titik"));
    assert!(code(&instance("<temuan><foto>../x.jpg</foto></temuan>")).contains("temuan/foto"));
    let no_id = r#"<data id="patroli" version="3"><regu>x</regu></data>"#;
    assert!(code(no_id).contains("instanceID"));
    let other = r#"<data id="lain"><meta><instanceID>uuid:1</instanceID></meta></data>"#;
    assert!(code(other).contains("patroli"));
    assert!(head("<data>").is_err(), "not XML");
    assert!(head("<data/>").is_err(), "no form id");
    assert!(
        read_instance("<data id=\"patroli\"></data><x/>", &s).is_err(),
        "two roots"
    );
}

#[test]
fn an_edit_names_the_instance_it_replaces_and_empty_answers_are_kept_empty() {
    let xml = r#"<data id="patroli" version="3"><jumlah/><meta><instanceID>uuid:2</instanceID><deprecatedID>uuid:1</deprecatedID><audit>audit.csv</audit></meta></data>"#;
    let i = read_instance(xml, &schema()).expect("instance");
    assert_eq!(i.instance_id, "uuid:2");
    assert_eq!(i.deprecated_id.as_deref(), Some("uuid:1"));
    assert_eq!(i.data["jumlah"], "");
    assert!(i.data.keys().all(|k| !k.starts_with("meta")));
}

#[test]
fn review_states_and_sources_read_back() {
    for r in ReviewState::ALL {
        assert_eq!(ReviewState::parse(r.as_str()), Some(r));
    }
    assert_eq!(ReviewState::parse("done"), None);
    assert_eq!(Source::parse("paper"), Some(Source::Paper));
    assert_eq!(geopoint("-2.05 101.4"), Some((101.4, -2.05)));
    assert_eq!(geopoint("-2.05"), None);
}
