//! A meeting's printable documents (A4, `sinergi_core::pdf` through the shared page
//! writer): the minutes (*notulen*) — group, time in the zone of the place, place or link,
//! organiser, invited agencies, agenda, attendance, minutes, decisions, the meeting's
//! action items and those carried into it — and the attendance list to sign (*daftar
//! hadir*): the people recorded as present, then a blank row for each invited agency.
//! Labels come from the catalogue in the reader's language (ADR 24).

use std::collections::HashMap;

use sinergi_core::agency::Agency;
use sinergi_core::coordination::{ActionItem, Group, ItemStatus, Meeting};
use sinergi_core::ids::AgencyId;
use sinergi_core::pdf::{wrap, Font, Rgb, PAGE_WIDTH};

use crate::i18n::{k, tr, Lang};
use crate::print::{Writer, MARGIN};

const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);

fn agency_name(all: &HashMap<AgencyId, Agency>, id: AgencyId) -> String {
    all.get(&id)
        .map(|a| {
            if a.name == a.code.as_str() {
                a.name.clone()
            } else {
                format!("{} ({})", a.name, a.code)
            }
        })
        .unwrap_or_default()
}

fn status_label(lang: Lang, s: ItemStatus) -> String {
    tr(
        lang,
        match s {
            ItemStatus::Open => k!("co_status_open"),
            ItemStatus::Done => k!("co_status_done"),
            ItemStatus::Dropped => k!("co_status_dropped"),
        },
    )
}

/// The meeting's heading, shared by both documents: the title, the group, when and where.
fn heading(w: &mut Writer, lang: Lang, title: &str, g: &Group, m: &Meeting, all: &HashMap<AgencyId, Agency>) {
    w.text(14.0, Font::Bold, &title.to_uppercase());
    w.text(12.0, Font::Bold, &g.name);
    w.gap(4.0);
    let y = w.y;
    w.page.line(&[(MARGIN, y), (PAGE_WIDTH - MARGIN, y)], 1.0, BLACK);
    w.gap(6.0);
    let cols = [0.0, 0.24, 0.27];
    let mut rows = vec![(
        tr(lang, k!("co_field_starts_at")),
        m.zone().format(m.starts_at),
    )];
    if let Some(p) = &m.place {
        rows.push((tr(lang, k!("co_field_place")), p.clone()));
    }
    if let Some(l) = &m.online_link {
        rows.push((tr(lang, k!("co_field_online_link")), l.clone()));
    }
    rows.push((
        tr(lang, k!("co_field_organiser")),
        agency_name(all, m.organiser_agency_id),
    ));
    for (label, value) in rows {
        w.row(10.0, Font::Regular, &cols, &[label, ":".into(), value]);
    }
}

fn section(w: &mut Writer, lang: Lang, key: &'static str) {
    w.gap(10.0);
    w.room(40.0);
    w.text(11.0, Font::Bold, &tr(lang, key));
}

fn numbered(w: &mut Writer, lang: Lang, list: &[String]) {
    if list.is_empty() {
        w.text(10.0, Font::Regular, &tr(lang, k!("co_pdf_none")));
    }
    for (i, s) in list.iter().enumerate() {
        w.text(10.0, Font::Regular, &format!("{}. {s}", i + 1));
    }
}

fn items(w: &mut Writer, lang: Lang, list: &[ActionItem], all: &HashMap<AgencyId, Agency>) {
    if list.is_empty() {
        w.text(10.0, Font::Regular, &tr(lang, k!("co_pdf_none")));
        return;
    }
    for (i, item) in list.iter().enumerate() {
        w.text(10.0, Font::Bold, &format!("{}. {}", i + 1, item.what));
        let mut who = agency_name(all, item.agency_id);
        if let Some(p) = &item.person {
            who = format!("{who} — {p}");
        }
        w.text(
            9.0,
            Font::Regular,
            &format!(
                "    {}: {who} · {}: {} · {}: {}",
                tr(lang, k!("co_field_agency")),
                tr(lang, k!("co_field_due")),
                item.due,
                tr(lang, k!("co_field_status")),
                status_label(lang, item.status),
            ),
        );
    }
}

/// The minutes of a meeting.
pub(crate) fn minutes_pdf(
    g: &Group,
    m: &Meeting,
    own: &[ActionItem],
    carried: &[ActionItem],
    all: &HashMap<AgencyId, Agency>,
    lang: Lang,
) -> Vec<u8> {
    let title = tr(lang, k!("co_pdf_minutes_title"));
    let mut w = Writer::new(&title, format!("Sinergi · {title} · {}", g.name));
    heading(&mut w, lang, &title, g, m, all);

    section(&mut w, lang, k!("co_field_invited"));
    let invited: Vec<String> = m.invited.iter().map(|a| agency_name(all, *a)).collect();
    numbered(&mut w, lang, &invited);

    section(&mut w, lang, k!("co_field_agenda"));
    numbered(&mut w, lang, &m.agenda);

    section(&mut w, lang, k!("co_field_attendance"));
    let present: Vec<String> = m
        .attendance
        .iter()
        .map(|a| {
            let mut s = format!("{} — {}", a.name, agency_name(all, a.agency_id));
            if !a.position.is_empty() {
                s = format!("{s}, {}", a.position);
            }
            s
        })
        .collect();
    numbered(&mut w, lang, &present);

    section(&mut w, lang, k!("co_field_minutes"));
    match m.minutes.as_deref().filter(|t| !t.trim().is_empty()) {
        None => w.text(10.0, Font::Regular, &tr(lang, k!("co_pdf_none"))),
        Some(text) => {
            for para in text.split('\n') {
                if para.trim().is_empty() {
                    w.gap(6.0);
                } else {
                    w.text(10.0, Font::Regular, para.trim_end());
                }
            }
        }
    }

    section(&mut w, lang, k!("co_field_decisions"));
    numbered(&mut w, lang, &m.decisions);

    section(&mut w, lang, k!("co_items"));
    items(&mut w, lang, own, all);

    section(&mut w, lang, k!("co_carried"));
    items(&mut w, lang, carried, all);
    w.finish()
}

/// One row of the attendance table: cells at `cols` (fractions of the text width), the
/// row `h` points high, framed.
fn table_row(w: &mut Writer, cols: &[f64], cells: &[String], h: f64, font: Font) {
    w.room(h);
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let top = w.y;
    w.y -= h;
    for (i, c) in cols.iter().enumerate() {
        let next = cols.get(i + 1).copied().unwrap_or(1.0);
        let x = MARGIN + c * width;
        w.page.rect(x, w.y, (next - c) * width, h, None, Some(BLACK));
        if let Some(text) = cells.get(i) {
            let line = wrap(text, 9.0, (next - c) * width - 6.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            w.page.text(x + 3.0, top - h / 2.0 - 3.0, 9.0, font, &line);
        }
    }
}

/// The attendance list to sign: a table of no., name, agency, position and signature,
/// with the people recorded as present and a blank row for each invited agency.
pub(crate) fn attendance_pdf(g: &Group, m: &Meeting, all: &HashMap<AgencyId, Agency>, lang: Lang) -> Vec<u8> {
    let title = tr(lang, k!("co_field_attendance"));
    let mut w = Writer::new(&title, format!("Sinergi · {title} · {}", g.name));
    heading(&mut w, lang, &title, g, m, all);
    w.gap(12.0);
    let cols = [0.0, 0.06, 0.33, 0.60, 0.80];
    table_row(
        &mut w,
        &cols,
        &[
            tr(lang, k!("co_pdf_no")),
            tr(lang, k!("co_person_name")),
            tr(lang, k!("co_pdf_agency")),
            tr(lang, k!("co_position")),
            tr(lang, k!("co_pdf_signature")),
        ],
        20.0,
        Font::Bold,
    );
    let mut rows: Vec<[String; 3]> = m
        .attendance
        .iter()
        .map(|a| {
            [
                a.name.clone(),
                all.get(&a.agency_id).map(|x| x.name.clone()).unwrap_or_default(),
                a.position.clone(),
            ]
        })
        .collect();
    for a in &m.invited {
        rows.push([
            String::new(),
            all.get(a).map(|x| x.name.clone()).unwrap_or_default(),
            String::new(),
        ]);
    }
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let (sign_col, sign_width) = (cols[4], 1.0 - cols[4]);
    for (i, [name, agency, position]) in rows.into_iter().enumerate() {
        let n = i + 1;
        let h = 28.0;
        table_row(
            &mut w,
            &cols,
            &[n.to_string(), name, agency, position, String::new()],
            h,
            Font::Regular,
        );
        // Signatures alternate left and right in their column, as on a paper list.
        let shift = if n % 2 == 0 { sign_width * width / 2.0 } else { 0.0 };
        let x = MARGIN + sign_col * width + 3.0 + shift;
        w.page
            .text(x, w.y + h / 2.0 - 3.0, 8.0, Font::Regular, &format!("{n}."));
    }
    w.finish()
}
