//! What the letters API answers. What it reads are the domain's request bodies
//! (`sinergi_core::letter::body`).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::features::sharing::types::DocumentView;

/// An agency a letter went to, with its receipts.
#[derive(Serialize, ToSchema)]
pub struct RecipientView {
    /// The agency's code.
    pub agency: String,
    pub agency_name: String,
    /// `to` (*kepada*), `copy` (*tembusan*) or `forwarded` (passed up a reporting line).
    pub role: String,
    /// For `forwarded`: the code of the agency that passed the letter on, and its note.
    pub forwarded_from: Option<String>,
    pub forward_note: Option<String>,
    /// When it reached the agency's inbox.
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
    /// When someone of the agency first opened it.
    #[schema(format = DateTime)]
    pub read_at: Option<String>,
}

/// A letter.
#[derive(Serialize, ToSchema)]
pub struct LetterView {
    pub id: Uuid,
    /// The sending agency's code (for a registered letter, the agency that registered it).
    pub agency: String,
    pub agency_name: String,
    /// `draft`, `sent` or `registered` (from outside Sinergi).
    pub status: String,
    /// `out` for the caller's agency's own letters, `in` for letters sent to it.
    #[serde(rename = "box")]
    pub letter_box: String,
    /// Given when sent, from the agency's sequence and format.
    pub number: Option<String>,
    #[schema(format = Date)]
    pub date: Option<String>,
    pub subject: String,
    pub body: String,
    /// `biasa`, `segera`, `sangat_segera` or `rahasia`.
    pub nature: String,
    pub signatory: String,
    /// The office outside Sinergi that sent a registered letter.
    pub external_sender: Option<String>,
    pub recipients: Vec<RecipientView>,
    pub documents: Vec<DocumentView>,
    /// The date the addressees are asked to answer by (ADR 26).
    #[schema(format = Date)]
    pub reply_by: Option<String>,
    /// The letter this one answers.
    pub in_reply_to: Option<Uuid>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// Letters, the newest first.
#[derive(Serialize, ToSchema)]
pub struct LetterList {
    pub letters: Vec<LetterView>,
}

/// An agency's numbering format, with the number its next letter would have today.
#[derive(Serialize, ToSchema)]
pub struct LetterFormatView {
    pub format: String,
    /// The format applied to the number 1 and today's date.
    pub example: String,
}

/// A received letter passed on inside the agency (*disposisi*).
#[derive(Serialize, ToSchema)]
pub struct DispositionView {
    pub id: Uuid,
    pub letter: Uuid,
    pub letter_subject: String,
    pub letter_number: Option<String>,
    /// The user name of the person who is to act on it.
    pub to: String,
    pub instruction: String,
    #[schema(format = Date)]
    pub due: Option<String>,
    pub done: bool,
    pub note: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub done_at: Option<String>,
    pub version: i64,
}

/// Dispositions.
#[derive(Serialize, ToSchema)]
pub struct DispositionList {
    pub dispositions: Vec<DispositionView>,
}
