//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps,
//! six digits — what every authenticator app (Google Authenticator, Aegis, FreeOTP,
//! Microsoft Authenticator) speaks. Pure: the caller passes the time.
//!
//! A code is accepted for the current step and one step either side (phone clocks drift),
//! and only for a step later than the last one used, so an overheard code cannot be
//! replayed.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted on either side of the current one.
pub const DRIFT_STEPS: i64 = 1;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared secret: 20 random bytes (160 bits, the RFC 4226 recommendation).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A secret from random bytes the caller drew (at least 16).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() < 16 {
            return Err("a TOTP secret needs at least 16 bytes".into());
        }
        Ok(TotpSecret(bytes.to_vec()))
    }

    /// Parses the base32 form (spaces, dashes and padding ignored, any case).
    pub fn parse_base32(s: &str) -> Result<Self, String> {
        let mut bits: u64 = 0;
        let mut n = 0u32;
        let mut out = Vec::new();
        for c in s.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
            let c = c.to_ascii_uppercase() as u8;
            let v = BASE32
                .iter()
                .position(|b| *b == c)
                .ok_or_else(|| format!("'{}' is not a base32 character", c as char))?;
            bits = (bits << 5) | v as u64;
            n += 5;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
                bits &= (1 << n) - 1;
            }
        }
        Self::from_bytes(&out)
    }

    /// The base32 form, unpadded, as authenticator apps expect it.
    pub fn to_base32(&self) -> String {
        let mut out = String::new();
        let mut bits: u64 = 0;
        let mut n = 0u32;
        for b in &self.0 {
            bits = (bits << 8) | *b as u64;
            n += 8;
            while n >= 5 {
                n -= 5;
                out.push(BASE32[((bits >> n) & 31) as usize] as char);
            }
            bits &= (1 << n) - 1;
        }
        if n > 0 {
            out.push(BASE32[((bits << (5 - n)) & 31) as usize] as char);
        }
        out
    }

    /// The `otpauth://` URI an authenticator app scans from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            uri_escape(issuer),
            uri_escape(account),
            self.to_base32(),
            uri_escape(issuer)
        )
    }

    /// The code for one step.
    pub fn code_at_step(&self, step: i64) -> u32 {
        hotp(&self.0, step as u64, DIGITS)
    }

    /// The code for a moment (Unix seconds), as an app shows it.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        format!(
            "{:0width$}",
            self.code_at_step(step_of(unix_seconds)),
            width = DIGITS as usize
        )
    }

    /// Checks a typed code at a moment. Returns the step it matched when it is valid and
    /// later than `last_used_step`; the caller records that step so the code cannot be used
    /// again.
    pub fn verify(&self, code: &str, unix_seconds: i64, last_used_step: i64) -> Option<i64> {
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let typed: u32 = digits.parse().ok()?;
        let now = step_of(unix_seconds);
        // Check every candidate so the time taken does not depend on which one matched.
        let mut matched = None;
        for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
            if self.code_at_step(step) == typed && step > last_used_step && matched.is_none() {
                matched = Some(step);
            }
        }
        matched
    }
}

/// The step a moment falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC accepts keys of any length; the error arm cannot happen.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let bin = ((h[offset] as u32 & 0x7f) << 24)
        | ((h[offset + 1] as u32) << 16)
        | ((h[offset + 2] as u32) << 8)
        | (h[offset + 3] as u32);
    bin % 10u32.pow(digits)
}

fn uri_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        // Appendix B of RFC 6238 (8 digits there; the last six are the 6-digit codes).
        for (t, code8) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(RFC_KEY, step_of(t) as u64, 8), code8, "t = {t}");
            let s = TotpSecret::from_bytes(RFC_KEY).expect("key");
            assert_eq!(s.code_at(t), format!("{:06}", code8 % 1_000_000));
        }
    }

    #[test]
    fn base32_round_trips_and_matches_the_known_encoding() {
        let s = TotpSecret::from_bytes(RFC_KEY).expect("key");
        assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let back = TotpSecret::parse_base32("gezd gnbv gy3t qojq-GEZDGNBVGY3TQOJQ").expect("b32");
        assert_eq!(back, s);
        assert!(TotpSecret::parse_base32("GEZDGNBVGY3TQOJ1").is_err());
        assert!(TotpSecret::parse_base32("GEZD").is_err(), "too short");
    }

    #[test]
    fn codes_are_accepted_within_one_step_of_drift_and_never_twice() {
        let s = TotpSecret::from_bytes(RFC_KEY).expect("key");
        let t = 1_763_600_000;
        let code = s.code_at(t);
        let step = s.verify(&code, t, 0).expect("valid now");
        assert_eq!(step, step_of(t));
        assert_eq!(s.verify(&code, t + 30, 0), Some(step), "phone 30 s behind");
        assert_eq!(s.verify(&code, t - 30, 0), Some(step), "phone 30 s ahead");
        assert_eq!(s.verify(&code, t + 90, 0), None, "too old");
        assert_eq!(s.verify(&code, t, step), None, "replayed");
        assert_eq!(s.verify("12345", t, 0), None);
        assert_eq!(s.verify("abcdef", t, 0), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(s.verify(&spaced, t, 0), Some(step));
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let s = TotpSecret::from_bytes(RFC_KEY).expect("key");
        let u = s.otpauth_uri("Sinergi", "admin sistem");
        assert!(u.starts_with("otpauth://totp/Sinergi:admin%20sistem?secret=GEZDGNBV"));
        assert!(u.contains("issuer=Sinergi"));
    }
}
