//! Forms through the API and the pages: an XLSForm workbook published as a form and its
//! next versions, each version kept as published; the same workbook or version string
//! twice, another agency's form id, a workbook with a faulty expression or no workbook at
//! all refused, naming the sheet, row and column; the XForm downloaded per version.

pub(crate) mod api;
mod media;
pub(crate) mod openrosa;
mod pages;
mod paper;
mod shared;
mod submissions;

/// An XLSForm workbook: a short KOTAN questionnaire with `version` in its settings sheet,
/// a first question's label, and, when given, a `relevant` expression on row 3.
pub fn workbook(version: &str, label: &str, relevant: Option<&str>) -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label", "relevant"],
                vec!["text", "nama", label, ""],
                vec!["integer", "umur", "Umur", relevant.unwrap_or("")],
                vec![
                    "select_one ya_tidak",
                    "sosialisasi",
                    "Pernah ikut sosialisasi P4GN?",
                    "",
                ],
            ],
        ),
        (
            "choices",
            vec![
                vec!["list_name", "name", "label"],
                vec!["ya_tidak", "ya", "Ya"],
                vec!["ya_tidak", "tidak", "Tidak"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Kuesioner Ketahanan Keluarga", "kotan_jambi", version],
            ],
        ),
    ])
    .expect("workbook")
}
