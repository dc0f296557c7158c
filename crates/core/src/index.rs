//! Composite indices over a campaign's answers (issue 12, ADR 36): a weighted mean of
//! questions scored 0–100, banded. The definition is data — its components (a question
//! and its weight in percent, the weights summing to 100) and its bands (from–to with a
//! label, covering 0 to 100 without gaps) — so an agency defines its own; the KOTAN index
//! (IKOTAN) ships as [`ikotan`].
//!
//! A unit's score for a period is Σ weight × answer / 100 over the components, rounded
//! to two decimals, when every component is answered with a number from 0 to 100;
//! otherwise it has no score (and the reason is shown). A score falls in the band whose
//! `from` it reaches and whose `to` it stays under; 100 falls in the last band.

use serde::{Deserialize, Serialize};

use crate::error::Message;
use crate::ValidationErrors;

pub use crate::ids::IndexId;

/// One component: a question of the form and its weight in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub field: String,
    pub weight: f64,
    /// What it measures, for people.
    #[serde(default)]
    pub label: String,
}

/// One band of scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

/// An index's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDef {
    pub name: String,
    pub components: Vec<Component>,
    pub bands: Vec<Band>,
}

/// Why a unit's period has no score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoScore {
    /// A component is not answered.
    Missing(String),
    /// A component's answer is not a number from 0 to 100.
    OutOfRange(String),
}

impl IndexDef {
    /// The weighted score of answers (`answer(field)` gives a component's text).
    pub fn score<'a>(&self, answer: impl Fn(&str) -> Option<&'a str>) -> Result<f64, NoScore> {
        let mut total = 0.0;
        for c in &self.components {
            let text = answer(&c.field)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| NoScore::Missing(c.field.clone()))?;
            let v: f64 = text
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && (0.0..=100.0).contains(v))
                .ok_or_else(|| NoScore::OutOfRange(c.field.clone()))?;
            total += c.weight * v;
        }
        Ok((total / 100.0 * 100.0).round() / 100.0)
    }

    /// The band a score falls in (its index).
    pub fn band(&self, score: f64) -> Option<usize> {
        let last = self.bands.len().checked_sub(1)?;
        self.bands
            .iter()
            .position(|b| score >= b.from && score < b.to)
            .or_else(|| {
                (score >= self.bands[last].from && score <= self.bands[last].to).then_some(last)
            })
    }

    /// Checks a definition, naming each field at fault: a name; at least one component,
    /// each a question of `columns` once, with a weight above 0, the weights summing to
    /// 100; bands in order from 0 to 100 without gaps or overlaps, each labelled.
    pub fn check(&self, columns: &[String]) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let text = |s: &str, max: usize| {
            !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
        };
        if !text(&self.name, 100) {
            errs.push(
                "name",
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = 100
                ),
            );
        }
        if self.components.is_empty() {
            errs.push(
                "components",
                crate::msg!(
                    "index-no-components",
                    "name at least one question and its weight"
                ),
            );
        }
        let mut sum = 0.0;
        for (i, c) in self.components.iter().enumerate() {
            if !columns.contains(&c.field) {
                errs.push(
                    format!("components[{i}].field"),
                    crate::msg!(
                        "campaign-field-unknown",
                        "{name} is not a question of the form (outside repeats)",
                        name = c.field.clone()
                    ),
                );
            } else if self.components[..i].iter().any(|o| o.field == c.field) {
                errs.push(
                    format!("components[{i}].field"),
                    crate::msg!(
                        "index-field-twice",
                        "{name} is a component already",
                        name = c.field.clone()
                    ),
                );
            }
            if !(c.weight.is_finite() && c.weight > 0.0 && c.weight <= 100.0) {
                errs.push(
                    format!("components[{i}].weight"),
                    crate::msg!(
                        "index-weight",
                        "must be a percentage above 0 and at most 100"
                    ),
                );
            }
            sum += c.weight;
        }
        if !self.components.is_empty() && (sum - 100.0).abs() > 1e-6 {
            errs.push(
                "components",
                crate::msg!(
                    "index-weights-sum",
                    "the weights add up to {sum} %, not 100 %",
                    sum = (sum * 100.0).round() / 100.0
                ),
            );
        }
        let mut at = 0.0;
        for (i, b) in self.bands.iter().enumerate() {
            if (b.from - at).abs() > 1e-9 || !b.to.is_finite() || b.to <= b.from || b.to > 100.0 {
                errs.push(
                    format!("bands[{i}]"),
                    crate::msg!(
                        "index-band-gap",
                        "must start where the band before ends ({at}) and end above its start, at most 100",
                        at = at
                    ),
                );
                break;
            }
            if !text(&b.label, 60) {
                errs.push(
                    format!("bands[{i}].label"),
                    crate::msg!(
                        "text-length",
                        "must be text of 1 to {max} characters",
                        max = 60
                    ),
                );
            }
            at = b.to;
        }
        if self.bands.is_empty()
            || (at - 100.0).abs() > 1e-9
                && errs.errors.iter().all(|e| !e.field.starts_with("bands["))
        {
            errs.push(
                "bands",
                crate::msg!("index-bands-cover", "the bands must cover 0 to 100"),
            );
        }
        errs.into_result(())
    }
}

/// The KOTAN index (IKOTAN): community resilience 25 %, territory 20 %, institutions
/// 25 %, law 20 %, family resilience 10 %; banded Tidak Tanggap 0–25, Cukup Tanggap
/// 25–50, Tanggap 50–75, Sangat Tanggap 75–100. `fields` names the form's questions for
/// the five aspects in that order.
pub fn ikotan(fields: [&str; 5]) -> IndexDef {
    let parts = [
        (25.0, "Ketahanan masyarakat"),
        (20.0, "Wilayah"),
        (25.0, "Kelembagaan"),
        (20.0, "Hukum"),
        (10.0, "Ketahanan keluarga"),
    ];
    IndexDef {
        name: "IKOTAN".into(),
        components: fields
            .iter()
            .zip(parts)
            .map(|(f, (w, l))| Component {
                field: f.to_string(),
                weight: w,
                label: l.into(),
            })
            .collect(),
        bands: [
            (0.0, 25.0, "Tidak Tanggap"),
            (25.0, 50.0, "Cukup Tanggap"),
            (50.0, 75.0, "Tanggap"),
            (75.0, 100.0, "Sangat Tanggap"),
        ]
        .into_iter()
        .map(|(from, to, label)| Band {
            from,
            to,
            label: label.into(),
        })
        .collect(),
    }
}

/// The message for a period without a score.
pub fn no_score_message(n: &NoScore) -> Message {
    match n {
        NoScore::Missing(f) => {
            crate::msg!("index-missing", "{name} is not answered", name = f.clone())
        }
        NoScore::OutOfRange(f) => crate::msg!(
            "index-out-of-range",
            "{name} is not a number from 0 to 100",
            name = f.clone()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> IndexDef {
        ikotan(["m", "w", "k", "h", "kk"])
    }

    /// Hand-computed: 0.25·80 + 0.20·60 + 0.25·70 + 0.20·50 + 0.10·90 = 68.5 → Tanggap.
    #[test]
    fn ikotan_weighs_and_bands_as_the_hand_computed_table() {
        let d = def();
        let answers = [
            ("m", "80"),
            ("w", "60"),
            ("k", "70"),
            ("h", "50"),
            ("kk", "90"),
        ];
        let get = |f: &str| answers.iter().find(|(k, _)| *k == f).map(|(_, v)| *v);
        let s = d.score(get).expect("a score");
        assert_eq!(s, 68.5);
        assert_eq!(d.bands[d.band(s).expect("band")].label, "Tanggap");
        for (score, band) in [
            (0.0, "Tidak Tanggap"),
            (24.99, "Tidak Tanggap"),
            (25.0, "Cukup Tanggap"),
            (50.0, "Tanggap"),
            (74.99, "Tanggap"),
            (75.0, "Sangat Tanggap"),
            (100.0, "Sangat Tanggap"),
        ] {
            assert_eq!(d.bands[d.band(score).expect("band")].label, band, "{score}");
        }
        assert_eq!(d.band(100.5), None);
        let missing = |f: &str| if f == "h" { None } else { Some("50") };
        assert_eq!(d.score(missing), Err(NoScore::Missing("h".into())));
        let over = |f: &str| if f == "w" { Some("120") } else { Some("50") };
        assert_eq!(d.score(over), Err(NoScore::OutOfRange("w".into())));
        let columns: Vec<String> = ["m", "w", "k", "h", "kk"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(d.check(&columns).is_ok());
    }

    #[test]
    fn a_definition_is_checked_naming_each_field() {
        let columns: Vec<String> = ["m", "w"].iter().map(|s| s.to_string()).collect();
        let mut d = def();
        d.name = String::new();
        d.components.truncate(2);
        d.components[1].weight = 0.0;
        d.bands.remove(1);
        let e = d.check(&columns).expect_err("refused");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "components[1].weight", "components", "bands[1]"]
        );
        let mut d = def();
        d.components[0].field = "tidak_ada".into();
        d.components[1].field = "m".into();
        let columns: Vec<String> = ["m", "w", "k", "h", "kk"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let e = d.check(&columns).expect_err("refused");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["components[0].field"]);
        let mut d = def();
        d.bands.pop();
        let e = d.check(&columns).expect_err("refused");
        assert_eq!(e.errors[0].field, "bands");
    }
}
