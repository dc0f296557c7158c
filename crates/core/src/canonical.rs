//! The one canonical JSON text Sinergi hashes and stores: audit entries, the content hash of
//! a stored report, a report's create hash, and the geometry and attribute columns.
//!
//! It is compact JSON with every object's keys in the order of their UTF-8 bytes, numbers
//! as serde_json writes them (integers in full, other numbers in their shortest round-trip
//! form, always with a fraction or an exponent: `101.0`, `1e-7`, `1e+21`), and strings
//! escaped as serde_json escapes them (`"`, `\` and control characters only). That is
//! exactly the text `serde_json::Value::to_string` gave when every hash already stored was
//! computed; it is written out here so that it no longer depends on how serde_json orders
//! a map (its `preserve_order` feature keeps insertion order, and any crate in the build
//! can turn it on). See docs/adr/0015-core-modules-and-canonical-json.md.
//!
//! For objects with ASCII keys and no floating-point numbers this is also RFC 8785 (JCS)
//! text; it differs from JCS in how it writes floating-point numbers (`101.0` where JCS
//! writes `101`) and in the order of keys outside the Basic Multilingual Plane, which is
//! why the hashes already stored keep this form instead of switching.

use serde_json::{Number, Value};

/// The canonical text of `v`.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => number(n, out),
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

/// Integers in full; any other number as serde_json writes an `f64`. Taking the value
/// rather than the number's own text keeps the form when serde_json's
/// `arbitrary_precision` feature is on, which would otherwise echo the text as parsed.
fn number(n: &Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        // A non-finite number cannot be in a `Value`; serde_json would write it as null.
        out.push_str(&serde_json::to_string(&f).unwrap_or_else(|_| "null".into()));
    }
}

fn string(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    #[test]
    fn keys_are_sorted_by_their_bytes_whatever_the_insertion_order() {
        let mut inner = Map::new();
        inner.insert("b".into(), json!(1));
        inner.insert("a".into(), json!([true, null]));
        let mut m = Map::new();
        m.insert("é".into(), json!("x"));
        m.insert("Z".into(), Value::Object(inner));
        m.insert("_".into(), json!(-1));
        m.insert("10".into(), json!(0.5));
        m.insert("9".into(), json!(""));
        assert_eq!(
            to_string(&Value::Object(m)),
            r#"{"10":0.5,"9":"","Z":{"a":[true,null],"b":1},"_":-1,"é":"x"}"#
        );
    }

    #[test]
    fn numbers_and_strings_are_written_as_they_always_were() {
        let v = json!([
            0,
            -0.0,
            1.0,
            101.4521,
            1e-7,
            1e21,
            1.5e300,
            i64::MIN,
            u64::MAX,
            "\"\\/\u{0}\u{1f}\n\t é 🐅"
        ]);
        let text = r#"[0,-0.0,1.0,101.4521,1e-7,1e+21,1.5e+300,-9223372036854775808,18446744073709551615,"\"\\/\u0000\u001f\n\t é 🐅"]"#;
        assert_eq!(to_string(&v), text);
        // The same text serde_json wrote for every hash stored so far.
        assert_eq!(to_string(&v), v.to_string());
    }
}
