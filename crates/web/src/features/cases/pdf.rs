//! A case's printable summary (A4, through the shared page writer): the case, its offence
//! and law, its stage and deadlines, the steps recorded with their documents, the
//! agencies on it, the persons by role and label (never a protected identity: a victim,
//! witness or informant is printed as the case shows them), and its transfers. Labels from
//! the catalogue in the reader's language.

use sinergi_app::cases::CaseView;
use sinergi_core::pdf::Font;

use super::ui::{deadline_label, offence_label, party_label, role_label, stage_label, urgency_label};
use crate::i18n::{k, tr, Lang};
use crate::print::Writer;

fn section(w: &mut Writer, lang: Lang, key: &'static str) {
    w.gap(10.0);
    w.room(40.0);
    w.text(11.0, Font::Bold, &tr(lang, key));
}

fn none(w: &mut Writer, lang: Lang) {
    w.text(10.0, Font::Regular, &tr(lang, k!("cs_pdf_none")));
}

/// The summary of a case as the reader sees it.
pub(crate) fn summary_pdf(v: &CaseView, lang: Lang) -> Vec<u8> {
    let c = &v.case;
    let title = tr(lang, k!("cs_pdf_title"));
    let mut w = Writer::new(&title, format!("Sinergi · {title} · {}", c.number));
    w.text(14.0, Font::Bold, &title.to_uppercase());
    w.text(12.0, Font::Bold, &c.number);
    w.text(12.0, Font::Regular, &c.title);
    w.gap(6.0);
    let cols = [0.0, 0.28, 0.31];
    let mut rows = vec![
        (k!("cs_owner"), format!("{} ({})", v.owner.name, v.owner.code)),
        (k!("cs_law"), c.law.citation().to_string()),
        (
            k!("cs_f_offence_kind"),
            format!("{} — {}, {}", offence_label(lang, c.offence.kind), c.offence.law, c.offence.article),
        ),
        (k!("cs_f_region"), c.region_code.clone()),
        (k!("cs_f_opened_on"), c.opened_on.to_string()),
        (
            k!("cs_f_stage"),
            format!("{} ({} {})", stage_label(lang, c.law, c.stage), tr(lang, k!("cs_since")), c.stage_since),
        ),
    ];
    if c.returns > 0 {
        rows.push((k!("cs_returns"), c.returns.to_string()));
    }
    for (key, value) in rows {
        w.row(10.0, Font::Regular, &cols, &[tr(lang, key), ":".into(), value]);
    }
    if let Some(s) = &c.summary {
        w.gap(4.0);
        w.text(10.0, Font::Regular, s);
    }

    section(&mut w, lang, k!("cs_deadlines"));
    if v.deadlines.is_empty() {
        none(&mut w, lang);
    }
    for (d, u) in &v.deadlines {
        w.text(
            10.0,
            Font::Regular,
            &format!("{}: {} ({}) — {}", deadline_label(lang, d.kind.as_str()), d.due_on, urgency_label(lang, *u), d.basis),
        );
    }

    section(&mut w, lang, k!("cs_steps_recorded"));
    if v.events.is_empty() {
        none(&mut w, lang);
    }
    for (i, e) in v.events.iter().enumerate() {
        w.text(
            10.0,
            Font::Bold,
            &format!("{}. {} → {}", i + 1, stage_label(lang, c.law, e.from), stage_label(lang, c.law, e.to)),
        );
        w.text(
            9.0,
            Font::Regular,
            &format!("    {} · {}", e.document.number.as_deref().unwrap_or("—"), e.document.date),
        );
        if let Some(n) = &e.document.notes {
            w.text(9.0, Font::Regular, &format!("    {n}"));
        }
    }

    section(&mut w, lang, k!("cs_f_parties"));
    if v.parties.is_empty() {
        none(&mut w, lang);
    }
    for (a, r) in &v.parties {
        w.text(10.0, Font::Regular, &format!("{} ({}) — {}", a.name, a.code, party_label(lang, *r)));
    }

    section(&mut w, lang, k!("cs_persons"));
    if v.persons.is_empty() {
        none(&mut w, lang);
    }
    for p in &v.persons {
        let x = &p.person;
        let label = match (&p.code, &p.suspect_name) {
            (Some(code), _) => code.clone(),
            (None, Some(name)) => format!("{} — {name}", role_label(lang, x.role)),
            (None, None) => format!("{} {}", role_label(lang, x.role), p.label.rsplit(' ').next().unwrap_or("")),
        };
        let mut line = label;
        if x.child {
            line = format!("{line} · {}", tr(lang, k!("cs_child")));
        }
        if x.sealed.as_ref().is_some_and(|s| s.is_shredded()) {
            line = format!("{line} · {}", tr(lang, k!("cs_erased")));
        }
        w.text(10.0, Font::Regular, &line);
    }

    section(&mut w, lang, k!("cs_transfers"));
    if v.transfers.is_empty() {
        none(&mut w, lang);
    }
    for (t, from, to) in &v.transfers {
        w.text(
            10.0,
            Font::Regular,
            &format!("{}: {} → {} ({})", t.requested_at.date_naive(), from.code, to.code, t.status.as_str()),
        );
    }
    w.gap(10.0);
    w.text(8.0, Font::Regular, &tr(lang, k!("cs_pdf_protected_note")));
    w.finish()
}
