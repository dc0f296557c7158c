//! Validation errors that name the offending field, so every edge (API, CLI, import)
//! can tell the user exactly what to fix.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// One problem with one input field. `field` uses a dotted path such as
/// `properties.attributes.species`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: Message,
}

/// A message for a person: its English words (the API's `detail` and `errors[].message`,
/// the CLI, the log) and, when it has one, its stable code, which is the key of its words
/// in both languages in the web catalogue (`crates/web/locales`), with the values the
/// words name as arguments. Build coded messages with [`msg!`](crate::msg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    text: String,
    code: Option<&'static str>,
    args: Vec<(&'static str, String)>,
}

impl Message {
    /// A message by code, with its English words and arguments.
    pub fn coded(code: &'static str, text: String, args: Vec<(&'static str, String)>) -> Self {
        Message {
            text,
            code: Some(code),
            args,
        }
    }

    /// The English words.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The catalogue key of the message, if it has one.
    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    /// The values the message names, by argument name.
    pub fn args(&self) -> &[(&'static str, String)] {
        &self.args
    }
}

/// A message by code: `msg!("title-required", "a title is required")`, or with
/// values, `msg!("report-type-unknown", "unknown report type {key}", key = k)`. The
/// English words are a format string over the named arguments, which become the Fluent
/// arguments of the catalogue's words (`{ $key }`); a test holds the two in step.
#[macro_export]
macro_rules! msg {
    ($code:literal, $en:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        $(let $name = $value;)*
        $crate::error::Message::coded(
            $code,
            format!($en $(, $name = $name)*),
            vec![$((stringify!($name), $name.to_string())),*],
        )
    }};
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message {
            text,
            code: None,
            args: Vec::new(),
        }
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::from(text.to_string())
    }
}

impl From<&String> for Message {
    fn from(text: &String) -> Self {
        Message::from(text.clone())
    }
}

impl From<Message> for String {
    fn from(m: Message) -> Self {
        m.text
    }
}

impl Deref for Message {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for Message {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

/// Serialized as its English words, as the API has always answered.
impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A non-empty list of field problems.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ValidationErrors {
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, message: impl Into<Message>) -> Self {
        let mut e = Self::new();
        e.push(field, message);
        e
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<Message>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Turns an accumulated list into a result: `Ok(value)` when nothing was pushed.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Prefixes every field path, used when a nested parser reports relative paths.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        for e in &mut self.errors {
            e.field = if e.field.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}.{}", e.field)
            };
        }
        self
    }

    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}
