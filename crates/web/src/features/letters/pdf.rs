//! A letter as a printable PDF (A4): the agency's heading, the number, nature, annexes
//! and subject, the addressees, the text, the signatory's position and the copies
//! (*tembusan*); a draft is marked as such, a letter registered from outside shows who
//! sent it. Labels come from the catalogue in the reader's language.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sinergi_core::agency::Agency;
use sinergi_core::ids::AgencyId;
use sinergi_core::letter::{Letter, LetterStatus, RecipientRole};
use sinergi_core::pdf::{Font, Rgb, PAGE_WIDTH};

use crate::i18n::{k, tr, Lang};
use crate::print::{Writer, MARGIN};

/// "3 November 2025" in the reader's language.
pub(crate) fn long_date(lang: Lang, d: NaiveDate) -> String {
    const KEYS: [&str; 12] = [
        k!("month_1"),
        k!("month_2"),
        k!("month_3"),
        k!("month_4"),
        k!("month_5"),
        k!("month_6"),
        k!("month_7"),
        k!("month_8"),
        k!("month_9"),
        k!("month_10"),
        k!("month_11"),
        k!("month_12"),
    ];
    let month = KEYS
        .get(d.month0() as usize)
        .map(|key| tr(lang, key))
        .unwrap_or_default();
    format!("{} {month} {}", d.day(), d.year())
}

/// The label of a letter's nature.
pub(crate) fn nature_label(lang: Lang, nature: &str) -> String {
    let key = match nature {
        "biasa" => k!("l_nature_biasa"),
        "segera" => k!("l_nature_segera"),
        "sangat_segera" => k!("l_nature_sangat_segera"),
        "rahasia" => k!("l_nature_rahasia"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

fn agency_name(all: &HashMap<AgencyId, Agency>, id: AgencyId) -> String {
    all.get(&id).map(|a| a.name.clone()).unwrap_or_default()
}

pub(crate) fn letter_pdf(l: &Letter, all: &HashMap<AgencyId, Agency>, lang: Lang) -> Vec<u8> {
    let sender = agency_name(all, l.agency_id);
    let title = l.number.clone().unwrap_or_else(|| l.subject.clone());
    let mut w = Writer::new(&title, format!("Sinergi · {title}"));
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    // The heading (*kop*): the agency that writes, or for a registered letter, its sender.
    let heading = match (&l.status, &l.external_sender) {
        (LetterStatus::Registered, Some(from)) => from.to_uppercase(),
        _ => sender.to_uppercase(),
    };
    w.text(13.0, Font::Bold, &heading);
    w.gap(6.0);
    let y = w.y;
    w.page.line(&[(MARGIN, y), (MARGIN + width, y)], 1.2, Rgb(0.0, 0.0, 0.0));
    w.gap(8.0);
    if l.status == LetterStatus::Draft {
        w.text(12.0, Font::Bold, &tr(lang, k!("l_pdf_draft")));
        w.gap(4.0);
    }
    if let Some(d) = l.letter_date {
        w.text(10.0, Font::Regular, &long_date(lang, d));
    }
    w.gap(4.0);
    let cols = [0.0, 0.16, 0.19];
    let dash = "-".to_string();
    let rows = [
        (k!("l_pdf_number"), l.number.clone().unwrap_or_else(|| dash.clone())),
        (k!("l_pdf_nature"), nature_label(lang, l.nature.as_str())),
        (
            k!("l_pdf_annex"),
            if l.documents.is_empty() {
                dash.clone()
            } else {
                format!("{} {}", l.documents.len(), tr(lang, k!("l_pdf_files")))
            },
        ),
        (k!("l_pdf_subject"), l.subject.clone()),
    ];
    for (key, value) in rows {
        w.row(10.0, Font::Regular, &cols, &[tr(lang, key), ":".into(), value]);
    }
    w.gap(12.0);
    match &l.external_sender {
        Some(from) if l.status == LetterStatus::Registered => {
            w.text(10.0, Font::Regular, &format!("{} {from}", tr(lang, k!("l_pdf_from"))));
            w.text(10.0, Font::Regular, &format!("{} {sender}", tr(lang, k!("l_pdf_registered_by"))));
        }
        _ => {
            w.text(10.0, Font::Regular, &tr(lang, k!("l_pdf_to")));
            for r in l.recipients.iter().filter(|r| r.role == RecipientRole::To) {
                w.text(10.0, Font::Bold, &agency_name(all, r.agency_id));
            }
        }
    }
    w.gap(12.0);
    for para in l.body.split('\n') {
        if para.trim().is_empty() {
            w.gap(6.0);
        } else {
            w.text(10.0, Font::Regular, para.trim_end());
        }
    }
    if !l.signatory.is_empty() {
        w.gap(28.0);
        w.room(60.0);
        w.y -= 14.0;
        let x = MARGIN + width * 0.55;
        w.page.text(x, w.y, 10.0, Font::Bold, &l.signatory);
        w.y -= 50.0;
        w.page.line(&[(x, w.y), (x + width * 0.4, w.y)], 0.5, Rgb(0.0, 0.0, 0.0));
    }
    let copies: Vec<String> = l
        .recipients
        .iter()
        .filter(|r| r.role == RecipientRole::Copy)
        .map(|r| agency_name(all, r.agency_id))
        .collect();
    if !copies.is_empty() {
        w.gap(24.0);
        w.text(10.0, Font::Regular, &tr(lang, k!("l_pdf_copies")));
        for (i, c) in copies.iter().enumerate() {
            w.text(10.0, Font::Regular, &format!("{}. {c}", i + 1));
        }
    }
    w.finish()
}
