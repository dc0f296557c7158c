//! The printable paper form (ADR 37): a version's questions with room to answer them on
//! A4, and on every page a header naming the form, the unit (region and agency) and the
//! period it is for, with the form code as text and as a QR code, so that a scanned page
//! is never mistaken for another unit's or period's. Labels from the form in the reader's
//! language; Sinergi's own words from the catalogue.

use sinergi_core::pdf::{Font, Page, Rgb, PAGE_HEIGHT, PAGE_WIDTH};
use sinergi_core::questionnaire::{Item, Kind, Questionnaire};
use sinergi_core::submission::FieldType;

use crate::i18n::{k, tr, Lang};
use crate::print::{Writer, MARGIN};

/// Whom and when a printed form is for.
#[derive(Debug, Clone, Default)]
pub(crate) struct PaperFor {
    /// `1501 Kab. Kerinci`
    pub unit: Option<String>,
    /// `Kesbangpol Kab. Kerinci`
    pub agency: Option<String>,
    /// `2021`, `2021-Q3`
    pub period: Option<String>,
}

/// The header band's height: the QR code and three lines beside it.
const HEADER: f64 = 100.0;
/// The QR code's side, in points (about 2.5 cm).
const QR_SIDE: f64 = 72.0;

/// The form code printed on every page: the form, its version, the unit and period.
pub(crate) fn form_code(form_id: &str, version: i32, f: &PaperFor, region: Option<&str>) -> String {
    format!(
        "SINERGI:{form_id}:{version}:{}:{}",
        region.unwrap_or("-"),
        f.period.as_deref().unwrap_or("-")
    )
}

fn qr(page: &mut Page, code: &str, x: f64, y: f64) {
    let Ok(q) = qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M)
    else {
        return;
    };
    let n = q.width();
    let colors = q.to_colors();
    // A quiet zone of two modules is inside the side.
    let m = QR_SIDE / (n as f64 + 4.0);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % n) as f64, (i / n) as f64);
            page.rect(
                x + (col + 2.0) * m,
                y + QR_SIDE - (row + 3.0) * m,
                m,
                m,
                Some(Rgb(0.0, 0.0, 0.0)),
                None,
            );
        }
    }
}

fn label_of(i: &Item, number: &mut usize) -> String {
    *number += 1;
    let mut s = format!("{}. {}", number, if i.label.is_empty() { &i.path } else { &i.label });
    if i.required {
        s.push_str(" *");
    }
    s
}

fn question(w: &mut Writer, lang: Lang, i: &Item, number: &mut usize, indent: f64) {
    let width = PAGE_WIDTH - 2.0 * MARGIN - indent;
    w.room(60.0);
    w.gap(4.0);
    let label = label_of(i, number);
    write_at(w, indent, 10.0, Font::Bold, &label);
    if let Some(h) = &i.hint {
        write_at(w, indent, 8.5, Font::Regular, h);
    }
    if i.relevant.is_some() {
        write_at(w, indent, 8.5, Font::Regular, &tr(lang, k!("fm_paper_if")));
    }
    match &i.kind {
        Kind::Input(FieldType::Date) => {
            write_at(
                w,
                indent,
                10.0,
                Font::Regular,
                &format!("____ / ____ / ________   {}", tr(lang, k!("fm_paper_date_format"))),
            );
        }
        Kind::Input(FieldType::Geopoint) => {
            write_at(
                w,
                indent,
                10.0,
                Font::Regular,
                &format!(
                    "{}: ____________________   {}: ____________________",
                    tr(lang, k!("fm_paper_lat")),
                    tr(lang, k!("fm_paper_lon"))
                ),
            );
        }
        Kind::Input(FieldType::Int | FieldType::Decimal) => w.answer_line(indent, 160.0),
        Kind::Input(FieldType::Geotrace | FieldType::Geoshape) => {
            write_at(w, indent, 8.5, Font::Regular, &tr(lang, k!("fm_paper_trace")));
            w.answer_line(indent, width);
            w.answer_line(indent, width);
        }
        Kind::Input(_) => {
            w.answer_line(indent, width);
            w.answer_line(indent, width);
        }
        Kind::SelectOne | Kind::SelectMultiple => {
            let many = i.kind == Kind::SelectMultiple;
            let how = if many { k!("fm_paper_choose_many") } else { k!("fm_paper_choose_one") };
            write_at(w, indent, 8.5, Font::Regular, &tr(lang, how));
            for (_, label) in &i.choices {
                w.room(16.0);
                w.y -= 15.0;
                let x = MARGIN + indent + 4.0;
                if many {
                    w.page.rect(x, w.y - 1.0, 9.0, 9.0, None, Some(Rgb(0.0, 0.0, 0.0)));
                } else {
                    // A round-ish mark: an octagon, drawn as a closed line.
                    let (cx, cy, r) = (x + 4.5, w.y + 3.5, 4.5);
                    let pts: Vec<(f64, f64)> = (0..=8)
                        .map(|j| {
                            let a = std::f64::consts::PI * 2.0 * f64::from(j) / 8.0;
                            (cx + r * a.cos(), cy + r * a.sin())
                        })
                        .collect();
                    w.page.line(&pts, 0.7, Rgb(0.0, 0.0, 0.0));
                }
                w.page.text(x + 16.0, w.y, 10.0, Font::Regular, label);
            }
        }
        Kind::Upload => write_at(w, indent, 9.0, Font::Regular, &tr(lang, k!("fm_paper_photo"))),
        Kind::Trigger => {
            w.room(16.0);
            w.y -= 15.0;
            let x = MARGIN + indent + 4.0;
            w.page.rect(x, w.y - 1.0, 9.0, 9.0, None, Some(Rgb(0.0, 0.0, 0.0)));
            w.page.text(x + 16.0, w.y, 10.0, Font::Regular, "OK");
        }
        Kind::Group | Kind::Repeat | Kind::Note => {}
    }
}

/// Text wrapped within the margins, `indent` points in from the left.
fn write_at(w: &mut Writer, indent: f64, size: f64, font: Font, text: &str) {
    for line in sinergi_core::pdf::wrap(text, size, PAGE_WIDTH - 2.0 * MARGIN - indent) {
        w.room(size * 1.4);
        w.y -= size * 1.4;
        w.page.text(MARGIN + indent, w.y, size, font, &line);
    }
}

/// How many blank entries a repeat gets on paper.
const REPEAT_ENTRIES: usize = 3;

fn items(w: &mut Writer, lang: Lang, list: &[Item], number: &mut usize, indent: f64) {
    for i in list {
        match i.kind {
            Kind::Group => {
                if !i.label.is_empty() {
                    w.gap(8.0);
                    w.room(40.0);
                    write_at(w, indent, 11.5, Font::Bold, &i.label);
                }
                items(w, lang, &i.children, number, indent);
            }
            Kind::Repeat => {
                w.gap(8.0);
                w.room(40.0);
                write_at(w, indent, 11.5, Font::Bold, &i.label);
                write_at(w, indent, 8.5, Font::Regular, &tr(lang, k!("fm_paper_repeat")));
                if i.relevant.is_some() {
                    write_at(w, indent, 8.5, Font::Regular, &tr(lang, k!("fm_paper_if")));
                }
                for e in 1..=REPEAT_ENTRIES {
                    w.gap(4.0);
                    w.room(40.0);
                    write_at(
                        w,
                        indent + 8.0,
                        10.0,
                        Font::Bold,
                        &format!("{} {e}", tr(lang, k!("fm_paper_entry"))),
                    );
                    let mut sub = 0;
                    items(w, lang, &i.children, &mut sub, indent + 16.0);
                }
            }
            Kind::Note => {
                w.gap(4.0);
                write_at(w, indent, 9.5, Font::Regular, &i.label);
            }
            _ => question(w, lang, i, number, indent),
        }
    }
}

/// The paper form of a version.
pub(crate) fn paper_pdf(
    q: &Questionnaire,
    form_xml_id: &str,
    version_label: &str,
    code: &str,
    f: &PaperFor,
    lang: Lang,
) -> Vec<u8> {
    let title = if q.title.is_empty() { form_xml_id.to_string() } else { q.title.clone() };
    let mut w = Writer::new(&title, format!("Sinergi · {title} · {code}")).with_top(MARGIN + HEADER);
    w.text(9.0, Font::Regular, &tr(lang, k!("fm_paper_instructions")));
    w.gap(4.0);
    let mut number = 0;
    items(&mut w, lang, &q.items, &mut number, 0.0);
    // Who filled it in and when: the date is what the reporting rate counts.
    w.gap(16.0);
    w.room(90.0);
    w.text(10.0, Font::Bold, &tr(lang, k!("fm_paper_signed_on")));
    w.text(10.0, Font::Regular, &format!("____ / ____ / ________   {}", tr(lang, k!("fm_paper_date_format"))));
    w.gap(6.0);
    w.text(10.0, Font::Bold, &tr(lang, k!("fm_paper_signature")));
    w.answer_line(0.0, 260.0);

    let unit = [f.unit.clone(), f.agency.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ");
    let lines = [
        (Font::Bold, 12.0, title.clone()),
        (
            Font::Regular,
            9.5,
            format!("{}: {}   {}: {}", tr(lang, k!("fm_form_id")), form_xml_id, tr(lang, k!("fm_version")), version_label),
        ),
        (
            Font::Regular,
            9.5,
            format!("{}: {}", tr(lang, k!("fm_paper_unit")), if unit.is_empty() { "______________________________".to_string() } else { unit }),
        ),
        (
            Font::Regular,
            9.5,
            format!(
                "{}: {}",
                tr(lang, k!("fm_paper_period")),
                f.period.clone().unwrap_or_else(|| "______________".to_string())
            ),
        ),
        (Font::Regular, 8.0, format!("{}: {code}", tr(lang, k!("fm_paper_code")))),
    ];
    let page_word = tr(lang, k!("fm_page"));
    w.finish_with(|page, n, count| {
        let top = PAGE_HEIGHT - MARGIN + 20.0;
        let qx = PAGE_WIDTH - MARGIN - QR_SIDE;
        qr(page, code, qx, top - QR_SIDE);
        let mut y = top - 12.0;
        for (font, size, text) in &lines {
            let room = qx - MARGIN - 8.0;
            let line = sinergi_core::pdf::wrap(text, *size, room)
                .into_iter()
                .next()
                .unwrap_or_default();
            page.text(MARGIN, y, *size, *font, &line);
            y -= size * 1.45;
        }
        page.text(MARGIN, y - 2.0, 8.0, Font::Regular, &format!("{page_word} {n} / {count}"));
        page.line(
            &[(MARGIN, top - QR_SIDE - 18.0), (PAGE_WIDTH - MARGIN, top - QR_SIDE - 18.0)],
            0.8,
            Rgb(0.0, 0.0, 0.0),
        );
    })
}
