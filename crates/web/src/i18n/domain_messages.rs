//! Domain messages on pages: a validation message of the domain or a use case carries a
//! code, the key of its words in the catalogue (ADR 12).

use sinergi_core::Message;

use super::{k, tr, tr_values, Lang};

/// A message from the domain or the use cases: English words, and perhaps a code.
pub trait DomainMessage {
    fn english(&self) -> &str;
    /// The message's catalogue key and arguments, when it was written by code.
    fn coded(&self) -> Option<(&'static str, &[(&'static str, String)])> {
        None
    }
}

impl DomainMessage for str {
    fn english(&self) -> &str {
        self
    }
}

impl DomainMessage for String {
    fn english(&self) -> &str {
        self
    }
}

impl DomainMessage for Message {
    fn english(&self) -> &str {
        self.as_str()
    }
    fn coded(&self) -> Option<(&'static str, &[(&'static str, String)])> {
        Some((self.code()?, self.args()))
    }
}

/// Shows a domain message in `lang`: a message with a code from the catalogue, with its
/// arguments. Every validation message the domain and the use cases write has a code (a
/// test walks their sources); one without — a library's error text, say — is shown as it
/// is in English, and on an Indonesian page as the Indonesian "this value was refused",
/// with the English logged.
pub fn core_message(lang: Lang, msg: &(impl DomainMessage + ?Sized)) -> String {
    if let Some((code, args)) = msg.coded() {
        return tr_values(lang, code, args);
    }
    let msg = msg.english();
    if lang == Lang::En {
        return msg.to_string();
    }
    tracing::warn!(message = msg, "a domain message has no code");
    tr(Lang::Id, k!("err_value_refused"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::field_name;

    /// The string literal starting at `s[i]` (a `"`), unescaped, and where it ends.
    fn literal_at(s: &str, i: usize) -> Option<(String, usize)> {
        let mut out = String::new();
        let mut chars = s[i + 1..].char_indices();
        while let Some((j, c)) = chars.next() {
            match c {
                '"' => return Some((out, i + 1 + j + 1)),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => out.push(e),
                    None => return None,
                },
                c => out.push(c),
            }
        }
        None
    }

    /// The message argument of a call whose `(` is at `open`: the literal after the first
    /// top-level comma (`second`), or right after the parenthesis, perhaps in `format!(`.
    fn message_arg(s: &str, open: usize, second: bool) -> Option<String> {
        let mut i = open + 1;
        if second {
            let mut depth = 0i32;
            let bytes = s.as_bytes();
            loop {
                match *bytes.get(i)? {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' if depth == 0 => return None,
                    b')' | b']' | b'}' => depth -= 1,
                    b'"' => i = literal_at(s, i)?.1 - 1,
                    b',' if depth == 0 => break,
                    b';' => return None,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        }
        let rest = s[i..].trim_start();
        let rest = rest.strip_prefix("format!(").unwrap_or(rest).trim_start();
        if !rest.starts_with('"') {
            return None;
        }
        let at = s.len() - rest.len();
        literal_at(s, at).map(|(m, _)| m)
    }

    /// The messages written as plain text in `src`: the message argument of each
    /// `push(field, "…")`, `AppError::field(field, "…")` and `ValidationErrors::single`
    /// outside its tests, when it is words (has a space), not a key.
    fn plain_messages(src: &str) -> Vec<String> {
        let code = src.split("#[cfg(test)]").next().unwrap_or(src);
        let mut found = Vec::new();
        for pattern in [".push(", "AppError::field(", "ValidationErrors::single("] {
            for (i, _) in code.match_indices(pattern) {
                let open = i + pattern.len() - 1;
                if let Some(m) = message_arg(code, open, true) {
                    if m.contains(' ') {
                        found.push(m);
                    }
                }
            }
        }
        found
    }

    /// Every validation message of the domain and the use cases has a code, so every
    /// form can show it in both languages.
    #[test]
    fn every_domain_message_a_form_can_show_has_a_code() {
        // The scan sees a plain message where one is written.
        let sample = r#"errs.push("name", format!("required, 1 to {max} characters"));
            return Err(AppError::field("file", "the file is empty"));
            errs.push("kind", crate::msg!("kind-invalid", "must be one of: {choices}"));"#;
        assert_eq!(
            plain_messages(sample),
            ["required, 1 to {max} characters", "the file is empty"]
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        crate::i18n::tests::sources(&root.join("../core/src"), &["rs"], &mut files);
        crate::i18n::tests::sources(&root.join("../app/src"), &["rs"], &mut files);
        assert!(files.len() > 30, "the scan found {} files", files.len());
        let plain: Vec<String> = files
            .iter()
            .flat_map(|(name, src)| {
                plain_messages(src)
                    .into_iter()
                    .map(move |m| format!("{name}: {m:?}"))
            })
            .collect();
        assert!(plain.is_empty(), "messages without a code: {plain:#?}");
    }

    #[test]
    fn domain_messages_are_shown_from_the_catalogue() {
        // A message without a code is shown as it is in English, and as the generic
        // refusal on an Indonesian page.
        assert_eq!(
            core_message(Lang::Id, "something new"),
            "isian ini tidak dapat diterima"
        );
        assert_eq!(core_message(Lang::En, "something new"), "something new");
        assert_eq!(
            core_message(
                Lang::Id,
                &sinergi_core::msg!(
                    "password-too-common",
                    "this password is too common; choose another"
                )
            ),
            "kata sandi ini terlalu umum; pilih yang lain"
        );
        // A list of choices is an argument; the Indonesian says the choice is not offered.
        let choice = sinergi_core::msg!(
            "attribute-choice-invalid",
            "must be one of: {choices}",
            choices = "wire, rope"
        );
        assert_eq!(
            core_message(Lang::En, &choice),
            "must be one of: wire, rope"
        );
        assert_eq!(
            core_message(Lang::Id, &choice),
            "bukan salah satu pilihan yang tersedia"
        );
        assert_eq!(
            field_name(Lang::Id, "parties[1]").as_deref(),
            Some("Para pihak")
        );
        assert_eq!(field_name(Lang::Id, "body"), None);
        // A coded message is rendered from the catalogue, its value in its place.
        let coded = sinergi_core::msg!(
            "party-unknown",
            "{code} is not a party to the agreement",
            code = "POLDA-JAMBI"
        );
        assert_eq!(
            core_message(Lang::Id, &coded),
            "POLDA-JAMBI bukan pihak dalam perjanjian"
        );
        assert_eq!(
            core_message(Lang::En, &coded),
            "POLDA-JAMBI is not a party to the agreement"
        );
        let coded = sinergi_core::msg!(
            "referral-too-long",
            "a referral lasts at most {days} days",
            days = 366
        );
        assert_eq!(
            core_message(Lang::Id, &coded),
            "rujukan paling lama 366 hari"
        );
        assert_eq!(tr(Lang::En, "nav_map"), "Map");
        assert_eq!(tr(Lang::Id, "no-such-key"), "⟦no-such-key⟧");
    }
}
