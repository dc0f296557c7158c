//! Typed request bodies that report every field at fault at once.
//!
//! A write request (a report, an agreement, a fence, a rule …) is declared as a struct
//! deriving `serde::Deserialize`, whose fields are [`Field`]s and whose unknown keys are
//! caught by an [`Unknown`] field (`#[serde(flatten)]`). Reading such a struct never stops
//! at the first bad field, as plain serde would: each [`Field`] holds the typed value, or
//! the JSON value that did not fit its type, and the domain's parser turns every wrong,
//! missing or unknown field into a [`ValidationErrors`] entry naming it. The struct is the
//! one declaration of the body: the parser reads it, and with the `openapi` feature it
//! derives the body's schema in the API document, so the two cannot drift.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Message, ValidationErrors};

/// One field of a request body.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// The key was not sent.
    #[default]
    Absent,
    /// The key was sent as `null`.
    Null,
    /// The key was sent with a value of the field's type.
    Given(T),
    /// The key was sent with a value that is not of the field's type (kept as sent, so
    /// the parser can say what is wrong with it).
    Wrong(Value),
}

impl<T> Field<T> {
    /// The value when one of the right type was sent.
    pub fn given(&self) -> Option<&T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }

    /// Absent or `null`: nothing was said about this field.
    pub fn is_unset(&self) -> bool {
        matches!(self, Field::Absent | Field::Null)
    }

    /// The key was sent at all (with any value, `null` included).
    pub fn is_sent(&self) -> bool {
        !matches!(self, Field::Absent)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        if raw.is_null() {
            return Ok(Field::Null);
        }
        Ok(match T::deserialize(&raw) {
            Ok(v) => Field::Given(v),
            Err(_) => Field::Wrong(raw),
        })
    }
}

/// The keys of a body that its struct does not declare, in key order.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Unknown(pub BTreeMap<String, Value>);

impl Unknown {
    /// Names every unknown key as a field error ("unknown field"), under `prefix`.
    pub fn report(&self, prefix: &str, errs: &mut ValidationErrors) {
        for k in self.0.keys() {
            let field = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            errs.push(field, crate::msg!("field-unknown", "unknown field"));
        }
    }
}

/// A request body: a struct of [`Field`]s read from a JSON object.
pub trait Body: DeserializeOwned {
    /// What is said when the body is not a JSON object.
    fn not_an_object() -> Message {
        crate::msg!("body-not-object", "the body must be a JSON object")
    }

    /// Reads the body. Only a body that is not an object is refused here; every field's
    /// own faults are the parser's to name, all at once.
    fn read(v: &Value) -> Result<Self, ValidationErrors> {
        if !v.is_object() {
            return Err(ValidationErrors::single("", Self::not_an_object()));
        }
        Self::deserialize(v).map_err(|e| ValidationErrors::single("", e.to_string()))
    }
}

#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use utoipa::__dev::ComposeSchema;
    use utoipa::openapi::{RefOr, Schema};
    use utoipa::ToSchema;

    use super::Field;

    /// A field is documented as its type: what a client should send. (utoipa composes
    /// generic types through `ComposeSchema`; a field passes its type's schema on.)
    impl<T: ComposeSchema> ComposeSchema for Field<T> {
        fn compose(generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
            match generics.into_iter().next() {
                Some(given) => given,
                None => T::compose(Vec::new()),
            }
        }
    }

    impl<T: ToSchema + ComposeSchema> ToSchema for Field<T> {
        fn name() -> Cow<'static, str> {
            T::name()
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            T::schemas(schemas)
        }
    }
}

/// True when `s` has something a reader can see: not only spaces and invisible marks.
pub fn visible(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
            )
    })
}

/// A short text of 1 to `max` visible characters, trimmed.
pub fn short_text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<String> {
    match f.given().map(|s| s.trim()) {
        Some(s) if s.chars().any(char::is_control) => {
            errs.push(
                key,
                crate::msg!(
                    "text-control-characters",
                    "must not contain control characters"
                ),
            );
            None
        }
        Some(s) if visible(s) && s.chars().count() <= limit => Some(s.to_string()),
        _ => {
            errs.push(
                key,
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = limit
                ),
            );
            None
        }
    }
}

/// Whether `s` (trimmed) looks like an e-mail address a mail server accepts: one `@`
/// with something before it and a dotted domain after it, no spaces or control
/// characters, at most 254 characters.
pub fn email_address(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn email_addresses() {
        for ok in [
            "lurah@kotabambuselatan.go.id",
            " camat.palmerah@jakarta.go.id ",
        ] {
            assert!(super::email_address(ok), "{ok}");
        }
        for bad in [
            "",
            "lurah",
            "@go.id",
            "lurah@",
            "lurah@go",
            "a b@go.id",
            "a@b@go.id",
            "x@go.id.",
            "<a@go.id>",
            "a@go.id,b@go.id",
        ] {
            assert!(!super::email_address(bad), "{bad}");
        }
    }

    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Sample {
        #[serde(default)]
        name: Field<String>,
        #[serde(default)]
        count: Field<u32>,
        #[serde(default)]
        tags: Field<Vec<Field<String>>>,
        #[serde(flatten)]
        unknown: Unknown,
    }
    impl Body for Sample {}

    #[test]
    fn every_field_is_read_whatever_the_others_hold() {
        let s = Sample::read(&json!({
            "name": 5, "count": 3, "tags": ["a", 1], "zeta": true, "alpha": null
        }))
        .expect("an object");
        assert_eq!(s.name, Field::Wrong(json!(5)));
        assert_eq!(s.count, Field::Given(3));
        assert_eq!(
            s.tags,
            Field::Given(vec![Field::Given("a".into()), Field::Wrong(json!(1))])
        );
        let mut errs = ValidationErrors::new();
        s.unknown.report("", &mut errs);
        let fields: Vec<_> = errs.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["alpha", "zeta"]);
    }

    #[test]
    fn absent_null_and_wrong_are_told_apart() {
        let s = Sample::read(&json!({"name": null, "count": -1})).expect("an object");
        assert_eq!(s.name, Field::Null);
        assert_eq!(s.count, Field::Wrong(json!(-1)));
        assert_eq!(s.tags, Field::Absent);
        assert!(Sample::read(&json!([1])).is_err());
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::*;

    /// A sample body as the domains declare theirs (only its schema is looked at).
    #[derive(Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Sample {
        /// A name.
        #[serde(default)]
        #[schema(inline, required = true)]
        name: Field<String>,
        #[serde(default)]
        #[schema(inline)]
        tags: Field<Vec<Field<String>>>,
        #[serde(flatten)]
        #[schema(ignore)]
        unknown: Unknown,
    }

    #[test]
    fn a_field_is_documented_as_its_type() {
        use utoipa::PartialSchema;
        let s = serde_json::to_value(Sample::schema()).expect("a schema");
        // A described field is its type's schema, wrapped to carry the description.
        assert_eq!(s["properties"]["name"]["oneOf"][0]["type"], "string", "{s}");
        assert_eq!(s["properties"]["name"]["description"], "A name.", "{s}");
        assert_eq!(s["properties"]["tags"]["type"], "array", "{s}");
        assert_eq!(s["properties"]["tags"]["items"]["type"], "string", "{s}");
        assert_eq!(s["required"], serde_json::json!(["name"]), "{s}");
        assert!(s["properties"].get("unknown").is_none(), "{s}");
    }
}
