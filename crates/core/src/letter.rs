//! Official letters (naskah dinas, ADR 22): an agency's outgoing letters, numbered from
//! the agency's own sequence in its own format when they are sent, delivered to the
//! addressed agencies (*kepada*) and the copies (*tembusan*) with a delivery and a read
//! receipt for each; and letters that came from outside Sinergi, registered by the
//! receiving agency from their scan.
//!
//! A letter is seen by its agency (the sender, or the agency that registered it) and, once
//! sent, by every addressee and copy, each as if it owned the letter (the one rule of
//! `access`); a draft only by its agency. A secret letter (`rahasia`) is seen by exactly
//! those agencies, not by the agencies above them.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::access::{ReportAccess, ViewScope};
use crate::error::{Message, ValidationErrors};
use crate::ids::{AgencyId, DispositionId, LetterId, UserId};
use crate::input::{short_text, Field};
use crate::sensitivity::Sensitivity;

pub mod body;

use body::{
    DispositionPatchBody, LetterPatchBody, NewDispositionBody, NewLetterBody, RegisterLetterBody,
};

/// The numbering format of an agency that has not chosen its own.
pub const DEFAULT_FORMAT: &str = "B/{nomor}/{bulan}/{tahun}/{kode}";
pub const MAX_SUBJECT: usize = 300;
pub const MAX_BODY: usize = 20_000;
pub const MAX_NAME: usize = 200;
pub const MAX_NUMBER: usize = 100;
/// Addressees and copies together.
pub const MAX_RECIPIENTS: usize = 50;

/// A file of a letter (an annex, the scan of a registered letter), stored by its hash
/// like every upload.
pub type LetterDocument = crate::agreement::AgreementDocument;

/// How a letter is to be handled (*sifat*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    Biasa,
    Segera,
    SangatSegera,
    Rahasia,
}

impl Nature {
    pub const ALL: [Nature; 4] = [
        Nature::Biasa,
        Nature::Segera,
        Nature::SangatSegera,
        Nature::Rahasia,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Nature::Biasa => "biasa",
            Nature::Segera => "segera",
            Nature::SangatSegera => "sangat_segera",
            Nature::Rahasia => "rahasia",
        }
    }

    pub fn parse(s: &str) -> Option<Nature> {
        Nature::ALL.into_iter().find(|n| n.as_str() == s)
    }

    /// A secret letter reaches exactly its agencies; any other, their lines too.
    pub fn sensitivity(self) -> Sensitivity {
        match self {
            Nature::Rahasia => Sensitivity::Restricted,
            _ => Sensitivity::Internal,
        }
    }
}

/// Where a letter is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterStatus {
    /// Being written; no number yet, seen by its agency only.
    Draft,
    /// Numbered and delivered to its recipients; never changed again.
    Sent,
    /// A letter from outside Sinergi, registered by the agency that received it.
    Registered,
}

impl LetterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LetterStatus::Draft => "draft",
            LetterStatus::Sent => "sent",
            LetterStatus::Registered => "registered",
        }
    }

    pub fn parse(s: &str) -> Option<LetterStatus> {
        [
            LetterStatus::Draft,
            LetterStatus::Sent,
            LetterStatus::Registered,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// How a recipient is named on the letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientRole {
    /// *Kepada*: the letter is for them to act on.
    To,
    /// *Tembusan*: a copy for their information.
    Copy,
    /// Passed up a reporting line by an agency that held the letter (ADR 28).
    Forwarded,
}

impl RecipientRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientRole::To => "to",
            RecipientRole::Copy => "copy",
            RecipientRole::Forwarded => "forwarded",
        }
    }

    pub fn parse(s: &str) -> Option<RecipientRole> {
        match s {
            "to" => Some(RecipientRole::To),
            "copy" => Some(RecipientRole::Copy),
            "forwarded" => Some(RecipientRole::Forwarded),
            _ => None,
        }
    }
}

/// One agency a letter is sent to, with its receipts.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub agency_id: AgencyId,
    pub role: RecipientRole,
    /// When the letter reached the agency's inbox (when it was sent).
    pub delivered_at: Option<DateTime<Utc>>,
    /// When someone of the agency first opened it, and who.
    pub read_at: Option<DateTime<Utc>>,
    pub read_by: Option<UserId>,
    /// For a recipient the letter was forwarded to (ADR 28): the agency that passed it on,
    /// and its note.
    pub forwarded_from: Option<AgencyId>,
    pub forward_note: Option<String>,
}

/// A letter passed up a reporting line (ADR 28): by which agency, to which, when, by
/// whom, with the forwarding note.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterForward {
    pub letter_id: LetterId,
    pub from_agency: AgencyId,
    pub to_agency: AgencyId,
    pub note: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub id: LetterId,
    /// The sending agency, or the agency that registered a letter from outside.
    pub agency_id: AgencyId,
    pub status: LetterStatus,
    /// The letter's number: issued when sent, as written on a registered letter.
    pub number: Option<String>,
    /// The year and place in the agency's sequence of a sent letter.
    pub sequence: Option<(i32, i64)>,
    /// The date on the letter: the local day it was sent, or as written on it.
    pub letter_date: Option<NaiveDate>,
    pub subject: String,
    pub body: String,
    pub nature: Nature,
    /// Who signs, by position (e.g. "Kepala Balai Besar TNKS").
    pub signatory: String,
    /// Who sent a registered letter (an office outside Sinergi).
    pub external_sender: Option<String>,
    pub recipients: Vec<Recipient>,
    pub documents: Vec<LetterDocument>,
    /// The date by which the addressees are asked to answer (ADR 26).
    pub reply_by: Option<NaiveDate>,
    /// The letter this one answers: one sent to this letter's agency as an addressee.
    pub in_reply_to: Option<LetterId>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Letter {
    /// The addressee agencies (*kepada*) of a sent letter that asks for an answer by a
    /// date, each with that date: those expected to answer it.
    pub fn awaited_answers(&self) -> Vec<(AgencyId, NaiveDate)> {
        match (self.status, self.reply_by) {
            (LetterStatus::Sent, Some(by)) => self
                .recipients
                .iter()
                .filter(|r| r.role == RecipientRole::To)
                .map(|r| (r.agency_id, by))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `agency` may answer this letter with one of its own: it was sent to the
    /// agency as an addressee.
    pub fn answerable_by(&self, agency: AgencyId) -> bool {
        self.recipient(agency)
            .is_some_and(|r| r.role == RecipientRole::To)
    }

    /// Every agency that sees the letter as its own: its agency, once sent each
    /// recipient, and each agency it was forwarded to.
    pub fn agencies(&self) -> Vec<AgencyId> {
        let mut out = vec![self.agency_id];
        for r in self.recipients.iter().filter(|r| self.delivered_to(r)) {
            if !out.contains(&r.agency_id) {
                out.push(r.agency_id);
            }
        }
        out
    }

    /// Whether the letter reached this recipient: every one once it was sent; one it was
    /// forwarded to (a registered letter too) from the forwarding.
    fn delivered_to(&self, r: &Recipient) -> bool {
        self.status == LetterStatus::Sent || r.role == RecipientRole::Forwarded
    }

    /// Whether `agency` holds the letter and may pass it up its reporting line: the
    /// letter's own agency once it was sent or registered, or an agency it reached.
    pub fn held_by(&self, agency: AgencyId) -> bool {
        if agency == self.agency_id {
            return self.status != LetterStatus::Draft;
        }
        self.recipient(agency).is_some()
    }

    /// The one visibility rule, applied as if each of [`Letter::agencies`] owned it.
    pub fn visible_to(&self, scope: &ViewScope) -> bool {
        self.agencies().into_iter().any(|agency| {
            scope.admits(&ReportAccess {
                owner_agency: agency,
                author: self.created_by,
                sensitivity: self.nature.sensitivity(),
            })
        })
    }

    /// What makes a registered letter the same letter again for the agency: its sender
    /// (letters and spaces as a person would compare them) and its number.
    pub fn external_key(&self) -> Option<String> {
        let sender = self.external_sender.as_deref()?;
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        Some(format!(
            "{}\n{}",
            norm(sender),
            norm(self.number.as_deref()?)
        ))
    }

    /// The recipient entry of `agency`, when the letter was sent to it.
    pub fn recipient(&self, agency: AgencyId) -> Option<&Recipient> {
        self.recipients
            .iter()
            .find(|r| r.agency_id == agency && self.delivered_to(r))
    }
}

/// A received letter passed on inside the receiving agency (*disposisi*): to whom, what
/// to do, by when, and whether it was done. Seen only by the people of that agency: the
/// sender never learns how a letter was handled inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Disposition {
    pub id: DispositionId,
    pub letter_id: LetterId,
    /// The receiving agency that disposed the letter.
    pub agency_id: AgencyId,
    pub to_user: UserId,
    pub instruction: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
    pub note: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub version: i64,
}

pub const MAX_INSTRUCTION: usize = 1_000;

/// A new disposition, checked; the person still by user name.
#[derive(Debug, Clone, PartialEq)]
pub struct DispositionInput {
    pub to: String,
    pub instruction: String,
    pub due: Option<NaiveDate>,
}

impl DispositionInput {
    /// `today` is the agency's local date: a due date cannot be earlier.
    pub fn from_body(
        b: &NewDispositionBody,
        today: NaiveDate,
    ) -> Result<DispositionInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let to = short_text("to", &b.to, MAX_NAME, &mut errs);
        let instruction = short_text("instruction", &b.instruction, MAX_INSTRUCTION, &mut errs);
        let due = match &b.due {
            Field::Absent | Field::Null => None,
            f => match f
                .given()
                .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
            {
                Some(d) if d < today => {
                    errs.push(
                        "due",
                        crate::msg!(
                            "disposition-due-past",
                            "cannot be before today ({today})",
                            today = today.to_string()
                        ),
                    );
                    None
                }
                Some(d) => Some(d),
                None => {
                    errs.push(
                        "due",
                        crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
                    );
                    None
                }
            },
        };
        match (to, instruction) {
            (Some(to), Some(instruction)) if errs.is_empty() => Ok(DispositionInput {
                to,
                instruction,
                due,
            }),
            _ => Err(errs),
        }
    }
}

/// A disposition's new state: done or open, and the note (absent: kept).
pub fn disposition_patch(
    b: &DispositionPatchBody,
) -> Result<(bool, Option<Option<String>>), ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let done = match b.status.given().map(|s| s.trim()) {
        Some("done") => Some(true),
        Some("open") => Some(false),
        _ => {
            errs.push(
                "status",
                crate::msg!("disposition-status-invalid", "must be open or done"),
            );
            None
        }
    };
    let note = match &b.note {
        Field::Absent => None,
        Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        Field::Given(s)
            if s.chars().count() <= MAX_INSTRUCTION && !s.chars().any(char::is_control) =>
        {
            Some(Some(s.trim().to_string()))
        }
        _ => {
            errs.push(
                "note",
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = MAX_INSTRUCTION
                ),
            );
            None
        }
    };
    match done {
        Some(d) if errs.is_empty() => Ok((d, note)),
        _ => Err(errs),
    }
}

/// The Roman numeral of a month (1–12), as letter numbers write it.
pub fn roman_month(month: u32) -> &'static str {
    const R: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    R.get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("I")
}

/// The placeholders a numbering format may use.
const PLACEHOLDERS: [&str; 4] = ["{nomor}", "{bulan}", "{tahun}", "{kode}"];

/// Checks an agency's numbering format: 1 to 100 characters, `{nomor}` exactly once,
/// no other placeholder than `{bulan}` (Roman month), `{tahun}` and `{kode}` (the
/// agency's code).
pub fn check_format(format: &str) -> Result<String, Message> {
    let f = format.trim();
    if f.is_empty() || f.chars().count() > MAX_NUMBER || f.chars().any(char::is_control) {
        return Err(crate::msg!(
            "letter-format-length",
            "must be text of 1 to {max} characters",
            max = MAX_NUMBER
        ));
    }
    if f.matches("{nomor}").count() != 1 {
        return Err(crate::msg!(
            "letter-format-number",
            "must hold {{nomor}} exactly once"
        ));
    }
    let mut rest = f.to_string();
    for p in PLACEHOLDERS {
        rest = rest.replace(p, "");
    }
    if rest.contains('{') || rest.contains('}') {
        return Err(crate::msg!(
            "letter-format-placeholder",
            "only {{nomor}}, {{bulan}}, {{tahun}} and {{kode}} may be used"
        ));
    }
    Ok(f.to_string())
}

/// The number of the `seq`-th letter of the year of `date`, in `format`.
pub fn render_number(format: &str, seq: i64, date: NaiveDate, agency_code: &str) -> String {
    format
        .replace("{nomor}", &seq.to_string())
        .replace("{bulan}", roman_month(date.month()))
        .replace("{tahun}", &date.year().to_string())
        .replace("{kode}", agency_code)
}

/// A new letter or a draft's new content, checked; agencies still by code.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterInput {
    pub id: Option<LetterId>,
    pub subject: String,
    pub body: String,
    pub nature: Nature,
    pub signatory: String,
    pub to: Vec<String>,
    pub copies: Vec<String>,
    /// The date the addressees are asked to answer by.
    pub reply_by: Option<NaiveDate>,
    /// The letter this one answers.
    pub in_reply_to: Option<LetterId>,
}

impl LetterInput {
    pub fn from_body(b: &NewLetterBody) -> Result<LetterInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = match &b.id {
            Field::Absent | Field::Null => None,
            Field::Given(s) => {
                let id = LetterId::parse(s);
                if id.is_none() {
                    errs.push("id", crate::msg!("uuid-invalid", "must be a UUID"));
                }
                id
            }
            Field::Wrong(_) => {
                errs.push(
                    "id",
                    crate::msg!("uuid-string-invalid", "must be a UUID string"),
                );
                None
            }
        };
        let subject = short_text("subject", &b.subject, MAX_SUBJECT, &mut errs);
        let text = body_text(&b.body, &mut errs);
        let nature = nature(&b.nature, &mut errs);
        let signatory = short_text("signatory", &b.signatory, MAX_NAME, &mut errs);
        let to = codes("to", &b.to, true, &mut errs);
        let copies = codes("copies", &b.copies, false, &mut errs);
        if let (Some(to), Some(copies)) = (&to, &copies) {
            check_recipients(to, copies, &mut errs);
        }
        let reply_by = optional_date("reply_by", &b.reply_by, &mut errs);
        let in_reply_to = optional_letter("in_reply_to", &b.in_reply_to, &mut errs);
        match (subject, text, nature, signatory, to, copies) {
            (Some(subject), Some(body), Some(nature), Some(signatory), Some(to), Some(copies))
                if errs.is_empty() =>
            {
                Ok(LetterInput {
                    id,
                    subject,
                    body,
                    nature,
                    signatory,
                    to,
                    copies,
                    reply_by: reply_by.flatten(),
                    in_reply_to: in_reply_to.flatten(),
                })
            }
            _ => Err(errs),
        }
    }

    /// A draft's content after a change (absent fields kept as in `current`).
    pub fn patched(
        b: &LetterPatchBody,
        current: &LetterInput,
    ) -> Result<LetterInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut next = current.clone();
        if b.subject.is_sent() {
            if let Some(s) = short_text("subject", &b.subject, MAX_SUBJECT, &mut errs) {
                next.subject = s;
            }
        }
        if b.body.is_sent() {
            if let Some(s) = body_text(&b.body, &mut errs) {
                next.body = s;
            }
        }
        if b.nature.is_sent() {
            if let Some(n) = nature(&b.nature, &mut errs) {
                next.nature = n;
            }
        }
        if b.signatory.is_sent() {
            if let Some(s) = short_text("signatory", &b.signatory, MAX_NAME, &mut errs) {
                next.signatory = s;
            }
        }
        if b.to.is_sent() {
            if let Some(to) = codes("to", &b.to, true, &mut errs) {
                next.to = to;
            }
        }
        if b.copies.is_sent() {
            if let Some(c) = codes("copies", &b.copies, false, &mut errs) {
                next.copies = c;
            }
        }
        if b.reply_by.is_sent() {
            if let Some(d) = optional_date("reply_by", &b.reply_by, &mut errs) {
                next.reply_by = d;
            }
        }
        if b.in_reply_to.is_sent() {
            if let Some(l) = optional_letter("in_reply_to", &b.in_reply_to, &mut errs) {
                next.in_reply_to = l;
            }
        }
        if errs.is_empty() {
            check_recipients(&next.to, &next.copies, &mut errs);
        }
        if errs.is_empty() {
            Ok(next)
        } else {
            Err(errs)
        }
    }
}

/// A letter from outside Sinergi as written on it, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredInput {
    pub number: String,
    pub sender: String,
    pub letter_date: NaiveDate,
    pub subject: String,
    pub body: String,
    pub nature: Nature,
}

impl RegisteredInput {
    /// `today` is the receiving agency's local date: a letter cannot be dated later.
    pub fn from_body(
        b: &RegisterLetterBody,
        today: NaiveDate,
    ) -> Result<RegisteredInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let number = short_text("number", &b.number, MAX_NUMBER, &mut errs);
        let sender = short_text("sender", &b.sender, MAX_NAME, &mut errs);
        let subject = short_text("subject", &b.subject, MAX_SUBJECT, &mut errs);
        let text = body_text(&b.body, &mut errs);
        let nature = nature(&b.nature, &mut errs);
        let letter_date = b
            .date
            .given()
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
        match letter_date {
            None => errs.push(
                "date",
                crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
            ),
            Some(d) if d > today => errs.push(
                "date",
                crate::msg!(
                    "letter-date-future",
                    "a letter cannot be dated after today ({today})",
                    today = today.to_string()
                ),
            ),
            Some(_) => {}
        }
        match (number, sender, subject, text, nature, letter_date) {
            (Some(number), Some(sender), Some(subject), Some(body), Some(nature), Some(d))
                if errs.is_empty() =>
            {
                Ok(RegisteredInput {
                    number,
                    sender,
                    letter_date: d,
                    subject,
                    body,
                    nature,
                })
            }
            _ => Err(errs),
        }
    }
}

/// An optional date (YYYY-MM-DD): absent, `null` or empty is none. `None` when refused.
fn optional_date(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<NaiveDate>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        Field::Given(s) if NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").is_ok() => {
            Some(NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        }
        _ => {
            errs.push(
                key,
                crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
            );
            None
        }
    }
}

/// An optional letter id: absent, `null` or empty is none. `None` when refused.
fn optional_letter(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<LetterId>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        Field::Given(s) if LetterId::parse(s.trim()).is_some() => Some(LetterId::parse(s.trim())),
        _ => {
            errs.push(key, crate::msg!("uuid-invalid", "must be a UUID"));
            None
        }
    }
}

/// The letter's text: absent or `null` is empty; at most [`MAX_BODY`] characters.
fn body_text(f: &Field<String>, errs: &mut ValidationErrors) -> Option<String> {
    match f {
        Field::Absent | Field::Null => Some(String::new()),
        Field::Given(s) if s.chars().count() <= MAX_BODY => Some(s.trim().to_string()),
        _ => {
            errs.push(
                "body",
                crate::msg!(
                    "letter-body-length",
                    "must be text of at most {max} characters",
                    max = MAX_BODY
                ),
            );
            None
        }
    }
}

fn nature(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Nature> {
    match f {
        Field::Absent | Field::Null => Some(Nature::Biasa),
        Field::Given(s) => match Nature::parse(s.trim()) {
            Some(n) => Some(n),
            None => {
                errs.push(
                    "nature",
                    crate::msg!(
                        "letter-nature-invalid",
                        "must be biasa, segera, sangat_segera or rahasia"
                    ),
                );
                None
            }
        },
        Field::Wrong(_) => {
            errs.push(
                "nature",
                crate::msg!(
                    "letter-nature-invalid",
                    "must be biasa, segera, sangat_segera or rahasia"
                ),
            );
            None
        }
    }
}

/// A list of agency codes, trimmed; `required` asks for at least one.
fn codes(
    key: &str,
    f: &Field<Vec<Field<String>>>,
    required: bool,
    errs: &mut ValidationErrors,
) -> Option<Vec<String>> {
    let list = match f {
        Field::Absent | Field::Null => Vec::new(),
        Field::Given(l) => l.clone(),
        Field::Wrong(_) => {
            errs.push(key, crate::msg!("value-not-list", "must be a list"));
            return None;
        }
    };
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        match c.given().map(|s| s.trim()) {
            Some(s) if !s.is_empty() => out.push(s.to_string()),
            _ => errs.push(
                format!("{key}[{i}]"),
                crate::msg!("agency-code-invalid", "must be an agency code"),
            ),
        }
    }
    if required && list.is_empty() {
        errs.push(
            key,
            crate::msg!("letter-to-required", "name at least one addressee"),
        );
    }
    (errs.errors.len() == before).then_some(out)
}

/// No agency twice among the addressees and copies, and not too many of them.
fn check_recipients(to: &[String], copies: &[String], errs: &mut ValidationErrors) {
    if to.len() + copies.len() > MAX_RECIPIENTS {
        errs.push(
            "to",
            crate::msg!(
                "letter-recipients-many",
                "at most {max} addressees and copies together",
                max = MAX_RECIPIENTS
            ),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for (key, list) in [("to", to), ("copies", copies)] {
        for (i, c) in list.iter().enumerate() {
            if seen.iter().any(|s| s.eq_ignore_ascii_case(c)) {
                errs.push(
                    format!("{key}[{i}]"),
                    crate::msg!(
                        "letter-recipient-repeated",
                        "{code} is named twice",
                        code = c.as_str()
                    ),
                );
            }
            seen.push(c);
        }
    }
}

/// The note of a forwarding: 1 to 1,000 visible characters, and no other field.
pub fn forward_note(b: &body::ForwardLetterBody) -> Result<String, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    let note = short_text("note", &b.note, 1000, &mut errs);
    b.unknown.report("", &mut errs);
    match note {
        Some(n) if errs.is_empty() => Ok(n),
        _ => Err(errs),
    }
}

/// The superior named by a reporting-line body: `Some(code)`, or `None` for "the parent
/// again" (`null`). A missing key or anything but a code is refused.
pub fn reporting_superior(b: &body::ReportingLineBody) -> Result<Option<String>, ValidationErrors> {
    let mut errs = ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let out = match &b.superior {
        crate::input::Field::Null => None,
        crate::input::Field::Given(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => {
            errs.push(
                "superior",
                crate::msg!(
                    "reporting-superior-required",
                    "give the code of the superior agency, or null for the parent"
                ),
            );
            None
        }
    };
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_agency_format() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 3).expect("date");
        assert_eq!(
            render_number(DEFAULT_FORMAT, 27, d, "BBTNKS"),
            "B/27/XI/2025/BBTNKS"
        );
        assert_eq!(
            render_number("{kode}.{nomor}/PPTPPO/{tahun}", 4, d, "DP3A"),
            "DP3A.4/PPTPPO/2025"
        );
        assert_eq!(roman_month(4), "IV");
        assert_eq!(roman_month(12), "XII");
    }

    #[test]
    fn formats_are_checked() {
        assert!(check_format(DEFAULT_FORMAT).is_ok());
        assert!(check_format("B/{tahun}").is_err(), "no number");
        assert!(check_format("{nomor}/{nomor}").is_err(), "twice");
        assert!(
            check_format("{nomor}/{hari}").is_err(),
            "unknown placeholder"
        );
        assert!(check_format("   ").is_err());
    }

    #[test]
    fn recipients_are_named_once() {
        let b: NewLetterBody = serde_json::from_value(serde_json::json!({
            "subject": "Undangan rapat koordinasi",
            "signatory": "Kepala Balai",
            "to": ["POLDA-JAMBI", "polda-jambi"],
            "copies": ["BNN", ""],
            "nature": "kilat",
        }))
        .expect("body");
        let e = LetterInput::from_body(&b).expect_err("refused");
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["nature", "copies[1]"]);
        let b: NewLetterBody = serde_json::from_value(serde_json::json!({
            "subject": "Undangan", "signatory": "Kepala Balai",
            "to": ["POLDA-JAMBI", "polda-jambi"], "copies": ["BNN"],
        }))
        .expect("body");
        let e = LetterInput::from_body(&b).expect_err("refused");
        assert_eq!(e.errors[0].field, "to[1]");
    }
}
