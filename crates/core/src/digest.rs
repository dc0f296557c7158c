//! HTTP Digest authentication (RFC 7616 with MD5 and `qop=auth`, as RFC 2617 defined it)
//! for ODK Collect over plain http (ADR 34): the credentials never cross the network,
//! only a response computed from them and a nonce the server issued.
//!
//! Verifying needs HA1 = MD5(username:realm:password) per user, which is as good as the
//! password for this realm and fast to guess from: Sinergi keeps it only sealed
//! (XChaCha20-Poly1305) under a key the database does not hold, bound to the user's id,
//! and makes it from the password when the user signs in with it. Nonces carry their
//! time and an HMAC under the same key, so any server sharing the key accepts them
//! without shared state; a nonce older than [`NONCE_SECONDS`] is answered `stale`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use md5::{Digest as _, Md5};
use sha2::Sha256;

/// The realm ODK Collect is asked to sign in to.
pub const REALM: &str = "Sinergi";
/// How long a nonce is accepted, in seconds.
pub const NONCE_SECONDS: i64 = 300;

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

/// HA1 of a user name and password in Sinergi's realm.
pub fn ha1(username: &str, password: &str) -> String {
    md5_hex(&format!("{username}:{REALM}:{password}"))
}

/// The fields of an `Authorization: Digest …` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
    pub algorithm: Option<String>,
}

/// Reads an `Authorization` header's value if it is Digest credentials with every field
/// the check needs.
pub fn parse(header: &str) -> Option<Credentials> {
    let rest = header.trim();
    let (scheme, rest) = rest.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut c = Credentials::default();
    let mut s = rest.trim();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, after) = if let Some(q) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            value.push(next);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    ch => value.push(ch),
                }
            }
            (value, &q[end?..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        match key.as_str() {
            "username" => c.username = value,
            "realm" => c.realm = value,
            "nonce" => c.nonce = value,
            "uri" => c.uri = value,
            "response" => c.response = value.to_ascii_lowercase(),
            "qop" => c.qop = Some(value),
            "nc" => c.nc = Some(value),
            "cnonce" => c.cnonce = Some(value),
            "algorithm" => c.algorithm = Some(value),
            _ => {}
        }
        s = after.trim_start().trim_start_matches(',').trim_start();
    }
    let complete = !c.username.is_empty()
        && !c.nonce.is_empty()
        && !c.uri.is_empty()
        && !c.response.is_empty()
        && c.algorithm
            .as_deref()
            .is_none_or(|a| a.eq_ignore_ascii_case("MD5"));
    complete.then_some(c)
}

/// The response the client must have sent for `method`, given the user's HA1.
pub fn expected_response(ha1: &str, method: &str, c: &Credentials) -> String {
    let ha2 = md5_hex(&format!("{method}:{}", c.uri));
    match (c.qop.as_deref(), &c.nc, &c.cnonce) {
        (Some(qop), Some(nc), Some(cnonce)) => {
            md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", c.nonce))
        }
        _ => md5_hex(&format!("{ha1}:{}:{ha2}", c.nonce)),
    }
}

/// Whether two hex strings are equal, in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn mac(key: &[u8; 32], label: &str, data: &str) -> String {
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::new();
    };
    m.update(label.as_bytes());
    m.update(b"\0");
    m.update(data.as_bytes());
    hex::encode(&m.finalize().into_bytes()[..16])
}

/// A nonce issued at `now` (Unix seconds): the time and its HMAC.
pub fn nonce(key: &[u8; 32], now: i64) -> String {
    format!("{now:x}.{}", mac(key, "nonce", &format!("{now:x}")))
}

/// What a nonce sent back is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceState {
    Fresh,
    /// Issued by Sinergi but too long ago: the client asks again with a new one.
    Stale,
    /// Not issued by Sinergi.
    Forged,
}

/// Checks a nonce sent back at `now`.
pub fn check_nonce(key: &[u8; 32], nonce: &str, now: i64) -> NonceState {
    let Some((time, tag)) = nonce.split_once('.') else {
        return NonceState::Forged;
    };
    let (Ok(t), true) = (
        i64::from_str_radix(time, 16),
        same(tag, &mac(key, "nonce", time)),
    ) else {
        return NonceState::Forged;
    };
    if now < t || now - t > NONCE_SECONDS {
        NonceState::Stale
    } else {
        NonceState::Fresh
    }
}

/// HA1 sealed for keeping: base64 of a random nonce and the ciphertext, bound to the
/// user's id.
pub fn seal_ha1(key: &[u8; 32], user: uuid::Uuid, ha1: &str, random: [u8; 24]) -> String {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XNonce::from(random);
    let Ok(ct) = cipher.encrypt(
        &nonce,
        Payload {
            msg: ha1.as_bytes(),
            aad: user.as_bytes(),
        },
    ) else {
        return String::new();
    };
    let mut out = random.to_vec();
    out.extend_from_slice(&ct);
    B64.encode(out)
}

/// HA1 opened from what [`seal_ha1`] made for this user; none if it was made under
/// another key or for another user.
pub fn open_ha1(key: &[u8; 32], user: uuid::Uuid, sealed: &str) -> Option<String> {
    let raw = B64.decode(sealed).ok()?;
    if raw.len() < 24 {
        return None;
    }
    let (nonce, ct) = raw.split_at(24);
    let cipher = XChaCha20Poly1305::new(key.into());
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: user.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// The challenge of a 401: `Digest realm=…, qop="auth", nonce=…, algorithm=MD5`, with
/// `stale=true` when the last nonce was only too old.
pub fn challenge(nonce: &str, stale: bool) -> String {
    format!(
        "Digest realm=\"{REALM}\", qop=\"auth\", nonce=\"{nonce}\", algorithm=MD5{}",
        if stale { ", stale=true" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_2617_example_computes_its_response() {
        let h = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        let c = parse(
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, \
             nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        )
        .expect("parses");
        assert_eq!(c.username, "Mufasa");
        assert_eq!(c.uri, "/dir/index.html");
        assert_eq!(c.nc.as_deref(), Some("00000001"));
        assert_eq!(expected_response(&h, "GET", &c), c.response);
        assert!(same(&expected_response(&h, "GET", &c), &c.response));
        assert!(!same(&expected_response(&h, "POST", &c), &c.response));
        assert_eq!(parse("Basic dXNlcjpwYXNz"), None);
        assert_eq!(
            parse(
                "Digest username=\"a\", algorithm=SHA-256, nonce=\"n\", uri=\"/\", response=\"r\""
            ),
            None
        );
    }

    #[test]
    fn nonces_expire_and_cannot_be_made_without_the_key() {
        let key = [7u8; 32];
        let n = nonce(&key, 1_000_000);
        assert_eq!(check_nonce(&key, &n, 1_000_100), NonceState::Fresh);
        assert_eq!(
            check_nonce(&key, &n, 1_000_000 + NONCE_SECONDS + 1),
            NonceState::Stale
        );
        assert_eq!(check_nonce(&[8u8; 32], &n, 1_000_100), NonceState::Forged);
        assert_eq!(check_nonce(&key, "f4240.00", 1_000_100), NonceState::Forged);
    }

    #[test]
    fn ha1_is_opened_only_with_its_key_and_for_its_user() {
        let key = [1u8; 32];
        let user = uuid::Uuid::from_u128(42);
        let sealed = seal_ha1(&key, user, &ha1("budi", "rahasia"), [3u8; 24]);
        assert!(!sealed.contains(&ha1("budi", "rahasia")));
        assert_eq!(open_ha1(&key, user, &sealed), Some(ha1("budi", "rahasia")));
        assert_eq!(open_ha1(&[2u8; 32], user, &sealed), None);
        assert_eq!(open_ha1(&key, uuid::Uuid::from_u128(43), &sealed), None);
    }
}
