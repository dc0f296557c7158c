//! The request bodies of letters: a new letter (a draft), a change to a draft, a letter
//! from outside registered from its scan, and an agency's numbering format. Agencies are
//! named by their codes; the caller resolves them after the check.

use serde::Deserialize;

use crate::input::{Body, Field, Unknown};

/// A new outgoing letter, kept as a draft until it is sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewLetter))]
pub struct NewLetterBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// *Perihal*: 1 to 300 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub subject: Field<String>,
    /// The letter's text, at most 20,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub body: Field<String>,
    /// *Sifat*: biasa (the default), segera, sangat_segera or rahasia (seen by the
    /// sender and recipients only, not the agencies above them).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub nature: Field<String>,
    /// Who signs, by position.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub signatory: Field<String>,
    /// *Kepada*: the codes of the agencies addressed, at least one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, required = true))]
    pub to: Field<Vec<Field<String>>>,
    /// *Tembusan*: the codes of the agencies copied.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub copies: Field<Vec<Field<String>>>,
    /// The date (YYYY-MM-DD) by which the addressees are asked to answer; the letter then
    /// waits for an answer from each addressee until one of theirs names it in
    /// `in_reply_to`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub reply_by: Field<String>,
    /// The id of the letter this one answers: a letter sent to the caller's agency as an
    /// addressee.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub in_reply_to: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewLetterBody {}

/// Changes to a draft; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = LetterPatch))]
pub struct LetterPatchBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub subject: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub body: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub nature: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub signatory: Field<String>,
    /// The whole new list of addressees.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub to: Field<Vec<Field<String>>>,
    /// The whole new list of copies.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub copies: Field<Vec<Field<String>>>,
    /// The new date (YYYY-MM-DD; `null` for none) by which the addressees are asked to answer; the letter then
    /// waits for an answer from each addressee until one of theirs names it in
    /// `in_reply_to`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub reply_by: Field<String>,
    /// The letter this one answers (`null` for none): a letter sent to the caller's agency as an
    /// addressee.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub in_reply_to: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for LetterPatchBody {}

/// A letter that came from outside Sinergi, as written on it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RegisterLetter))]
pub struct RegisterLetterBody {
    /// The number written on the letter; a sender's number is registered once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub number: Field<String>,
    /// The office that sent it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub sender: Field<String>,
    /// The date written on it (YYYY-MM-DD), not after today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub date: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub subject: Field<String>,
    /// A summary or the text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub body: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub nature: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for RegisterLetterBody {}

/// An agency's numbering format.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = LetterFormat))]
pub struct LetterFormatBody {
    /// E.g. `B/{nomor}/{bulan}/{tahun}/{kode}`: `{nomor}` once; `{bulan}` the month in
    /// Roman numerals, `{tahun}` the year, `{kode}` the agency's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub format: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for LetterFormatBody {}

/// A disposition of a received letter inside the receiving agency (*disposisi*).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewDisposition))]
pub struct NewDispositionBody {
    /// The user name of the person of the agency who is to act on the letter.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub to: Field<String>,
    /// What they are to do, 1 to 1,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub instruction: Field<String>,
    /// By when (YYYY-MM-DD), not before today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewDispositionBody {}

/// A disposition done (or opened again), with a note.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DispositionPatch))]
pub struct DispositionPatchBody {
    /// `open` or `done`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub status: Field<String>,
    /// What was done, at most 1,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for DispositionPatchBody {}

/// A letter passed up the holding agency's reporting line, with a note (ADR 28).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ForwardLetter))]
pub struct ForwardLetterBody {
    /// Why it is passed on, or what is asked of the superior: 1 to 1,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ForwardLetterBody {}

/// Whom an agency reports to (ADR 28): the code of its superior on the reporting line, or
/// `null` to report to its parent again.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReportingLine))]
pub struct ReportingLineBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    pub superior: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ReportingLineBody {}
