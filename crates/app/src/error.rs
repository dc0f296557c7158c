//! The application error: what a use case can answer besides success. The web edge turns
//! each variant into one RFC 9457 problem with a stable code; the CLI prints it.

use sinergi_core::ValidationErrors;
use sinergi_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// The request could not be read at all (a JSON syntax error, a body that is not
    /// UTF-8): 400, where well-formed input failing validation is 422.
    #[error("malformed request: {0}")]
    Malformed(ValidationErrors),
    #[error("sign-in required")]
    Unauthenticated,
    /// The password was right and the account has a second factor: the code is needed.
    /// `pending` continues this sign-in with [`crate::App::complete_sign_in`] for a few
    /// minutes, so the password need not be sent again.
    #[error("the code from the authenticator app is required")]
    SecondFactorRequired { pending: String },
    /// A system administrator must enrol a second factor before doing anything else.
    #[error("a second factor must be set up first")]
    SecondFactorEnrolmentRequired,
    /// An administrator set the password: the user must choose their own first.
    #[error("choose your own password first")]
    PasswordChangeRequired,
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Also the answer for records the actor may not see, so that existence never leaks.
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the record changed since it was read (current version {current})")]
    PreconditionFailed { current: i64 },
    #[error("an If-Match header with the record's ETag is required")]
    PreconditionRequired,
    #[error("too many failed sign-ins; try again in {retry_after_s} s")]
    TooManyRequests { retry_after_s: u64 },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// A passing condition; the same request may be sent again (the answer carries
    /// `Retry-After`).
    #[error("try again: {0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<sinergi_core::Message>) -> Self {
        AppError::Validation(ValidationErrors::single(field, message))
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Validation(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(what) => AppError::Conflict(format!("{what} already exists")),
            StoreError::MissingReference(what) => {
                AppError::Conflict(format!("{what} does not exist"))
            }
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(Box::new(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;
