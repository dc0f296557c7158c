//! Signed checkpoints of the audit trail. The hash chain ([`crate::audit`]) is unkeyed:
//! whoever can write the database can change an entry and recompute every later hash, or
//! cut off the newest entries, and the chain still verifies. A checkpoint closes that gap
//! up to a point: it is an Ed25519 signature, made with a key kept outside the database,
//! over the sequence number and hash of the newest entry at the time. Without the key
//! nobody can make one, so
//!
//! - every entry up to a checkpoint's `seq` is fixed: changing one and re-chaining changes
//!   the hash at `seq` ([`CheckpointProblem::Rechained`]);
//! - cutting the trail below a checkpoint leaves it naming an entry past the end
//!   ([`CheckpointProblem::Truncated`]).
//!
//! What a checkpoint cannot protect are the entries written after the newest one, and a
//! checkpoint row that is deleted outright proves nothing any more (see ADR 8).
//!
//! The signed message is plain text, so anyone with the public key can check a
//! checkpoint with any Ed25519 implementation: [`signed_message`].

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The first line of every signed message; also names the format's version.
pub const MESSAGE_TAG: &str = "sinergi-audit-checkpoint-v1";

/// Why a key, or a key given as text, is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a public key is 64 hexadecimal characters (as `sinergi audit public-key` prints)")]
    PublicKeyFormat,
    #[error("{0:?} is not a valid Ed25519 public key")]
    NotAPoint(String),
    #[error("the key file does not hold a Sinergi audit signing key (one line of 64 hexadecimal characters)")]
    KeyFileFormat,
}

/// The private signing key. Its `Debug` form shows only the public half.
pub struct AuditKey(SigningKey);

impl AuditKey {
    /// The key for 32 random bytes (the caller draws them: this crate does no I/O).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        AuditKey(SigningKey::from_bytes(&seed))
    }

    /// Reads the key file's text: comment lines starting with `#`, blank lines, and one
    /// line with the 32-byte secret in hexadecimal.
    pub fn from_file_text(text: &str) -> Result<Self, KeyError> {
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let (Some(line), None) = (lines.next(), lines.next()) else {
            return Err(KeyError::KeyFileFormat);
        };
        let bytes = hex::decode(line).map_err(|_| KeyError::KeyFileFormat)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| KeyError::KeyFileFormat)?;
        Ok(Self::from_seed(seed))
    }

    /// The key file's text, as [`AuditKey::from_file_text`] reads it.
    /// A 32-byte key for another purpose, derived from this secret under `label`
    /// (HMAC-SHA256): servers sharing the signing key share it without another file.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut out = [0u8; 32];
        if let Ok(mut m) = Hmac::<sha2::Sha256>::new_from_slice(&self.0.to_bytes()) {
            m.update(label.as_bytes());
            out.copy_from_slice(&m.finalize().into_bytes());
        }
        out
    }

    pub fn to_file_text(&self) -> String {
        format!(
            "# Sinergi audit signing key (Ed25519 secret, hexadecimal). Keep it secret, and\n\
             # keep it out of database backups: whoever holds it can sign a rewritten trail.\n\
             # Its public half: {}\n{}\n",
            self.public_key(),
            hex::encode(self.0.to_bytes())
        )
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// A checkpoint of the entry `seq` with hash `hash`, made at `at` (kept to the
    /// millisecond, as stored).
    pub fn sign(&self, seq: i64, hash: &str, at: DateTime<Utc>) -> Checkpoint {
        let at = DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at);
        let signature = self.0.sign(signed_message(seq, hash, at).as_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            public_key: self.public_key().to_string(),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey(public {})", self.public_key())
    }
}

/// The public half of an [`AuditKey`]; shown and parsed as 64 hexadecimal characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        let s = s.trim();
        let bytes = hex::decode(s).map_err(|_| KeyError::PublicKeyFormat)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::PublicKeyFormat)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::NotAPoint(s.to_string()))
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0.as_bytes()))
    }
}

/// The exact text a checkpoint signs (UTF-8): the tag, then `seq`, `hash` and `at` (Unix
/// milliseconds), one per line.
pub fn signed_message(seq: i64, hash: &str, at: DateTime<Utc>) -> String {
    format!(
        "{MESSAGE_TAG}\nseq {seq}\nhash {hash}\nat {}\n",
        at.timestamp_millis()
    )
}

/// A signed statement "entry `seq` of the audit trail had hash `hash` at `at`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// The signer's public key (hexadecimal). Informative only: a checkpoint counts when
    /// this key is one the verifier trusts.
    pub public_key: String,
    /// The Ed25519 signature over [`signed_message`] (hexadecimal).
    pub signature: String,
}

/// What is wrong with one checkpoint, or with the trail as the checkpoint saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// Signed by a key the verifier was not told to trust.
    UntrustedKey,
    /// The signature does not match: the checkpoint row was altered, or forged.
    BadSignature,
    /// The signed entry lies after the trail's last entry: newer entries were cut off.
    Truncated { chain_end: i64 },
    /// The signed entry is gone from the middle of the trail.
    EntryMissing,
    /// The signed entry has another hash now: it, or an entry before it, was changed and
    /// the chain recomputed.
    Rechained { found: String },
}

impl Checkpoint {
    /// Checks the signature against the trusted keys.
    pub fn check_signature(&self, trusted: &[PublicKey]) -> Result<(), CheckpointProblem> {
        let Some(key) = trusted.iter().find(|k| k.to_string() == self.public_key) else {
            return Err(CheckpointProblem::UntrustedKey);
        };
        let sig = hex::decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or(CheckpointProblem::BadSignature)?;
        key.0
            .verify_strict(
                signed_message(self.seq, &self.hash, self.at).as_bytes(),
                &sig,
            )
            .map_err(|_| CheckpointProblem::BadSignature)
    }

    /// Checks the checkpoint against the trusted keys and against the trail as stored:
    /// `stored_hash` is the hash stored for entry `self.seq` (`None` when there is no such
    /// entry) and `chain_end` the highest sequence number stored (0 when empty).
    pub fn check(
        &self,
        trusted: &[PublicKey],
        stored_hash: Option<&str>,
        chain_end: i64,
    ) -> Result<(), CheckpointProblem> {
        self.check_signature(trusted)?;
        match stored_hash {
            None if self.seq > chain_end => Err(CheckpointProblem::Truncated { chain_end }),
            None => Err(CheckpointProblem::EntryMissing),
            Some(h) if h != self.hash => Err(CheckpointProblem::Rechained {
                found: h.to_string(),
            }),
            Some(_) => Ok(()),
        }
    }

    /// A sentence for the operator naming this checkpoint and what is wrong.
    pub fn describe(&self, problem: &CheckpointProblem) -> String {
        let at = self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let seq = self.seq;
        match problem {
            CheckpointProblem::UntrustedKey => format!(
                "the checkpoint of {at} (entry {seq}) is signed by key {}, which is not a trusted key",
                self.public_key
            ),
            CheckpointProblem::BadSignature => format!(
                "the checkpoint of {at} (entry {seq}) does not match its signature: it was altered or forged"
            ),
            CheckpointProblem::Truncated { chain_end: 0 } => format!(
                "the audit trail was truncated: the checkpoint of {at} signed entry {seq}, but the trail is now empty"
            ),
            CheckpointProblem::Truncated { chain_end } => format!(
                "the audit trail was truncated: the checkpoint of {at} signed entry {seq}, but the trail now ends at entry {chain_end}"
            ),
            CheckpointProblem::EntryMissing => format!(
                "entry {seq}, signed by the checkpoint of {at}, is missing from the audit trail"
            ),
            CheckpointProblem::Rechained { found } => format!(
                "the audit trail was rewritten: entry {seq} has hash {found}, not the {} the checkpoint of {at} signed; \
                 it or an entry before it was changed and the later hashes recomputed",
                self.hash
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> AuditKey {
        AuditKey::from_seed([n; 32])
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_748_300_000_123).expect("ts")
    }

    const H: &str = "7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069";

    #[test]
    fn a_checkpoint_verifies_with_the_signers_public_key_only() {
        let k = key(1);
        let cp = k.sign(42, H, at());
        assert_eq!(cp.check_signature(&[k.public_key()]), Ok(()));
        assert_eq!(cp.check(&[k.public_key()], Some(H), 50), Ok(()));
        assert_eq!(
            cp.check_signature(&[key(2).public_key()]),
            Err(CheckpointProblem::UntrustedKey)
        );
        // Any of several trusted keys will do (a key that was replaced, several servers).
        assert_eq!(
            cp.check_signature(&[key(2).public_key(), k.public_key()]),
            Ok(())
        );
    }

    #[test]
    fn changing_any_signed_field_breaks_the_signature() {
        let k = key(1);
        let trusted = [k.public_key()];
        let cp = k.sign(42, H, at());
        let changed = [
            Checkpoint {
                seq: 41,
                ..cp.clone()
            },
            Checkpoint {
                hash: H.replace('7', "8"),
                ..cp.clone()
            },
            Checkpoint {
                at: at() + chrono::Duration::milliseconds(1),
                ..cp.clone()
            },
            Checkpoint {
                signature: "00".repeat(64),
                ..cp.clone()
            },
            Checkpoint {
                signature: "not hex".into(),
                ..cp.clone()
            },
        ];
        for c in changed {
            assert_eq!(
                c.check_signature(&trusted),
                Err(CheckpointProblem::BadSignature),
                "{c:?}"
            );
        }
        // A checkpoint made with another key and that key's name put in is untrusted,
        // not accepted.
        let forged = key(9).sign(42, H, at());
        assert_eq!(
            forged.check_signature(&trusted),
            Err(CheckpointProblem::UntrustedKey)
        );
        // Claiming the trusted key's name does not help the forger.
        let claimed = Checkpoint {
            public_key: k.public_key().to_string(),
            ..forged
        };
        assert_eq!(
            claimed.check_signature(&trusted),
            Err(CheckpointProblem::BadSignature)
        );
    }

    #[test]
    fn the_trail_is_checked_against_the_signed_entry() {
        let k = key(3);
        let trusted = [k.public_key()];
        let cp = k.sign(10, H, at());
        assert_eq!(
            cp.check(&trusted, None, 7),
            Err(CheckpointProblem::Truncated { chain_end: 7 })
        );
        assert_eq!(
            cp.check(&trusted, None, 12),
            Err(CheckpointProblem::EntryMissing)
        );
        assert_eq!(
            cp.check(&trusted, Some("abc"), 12),
            Err(CheckpointProblem::Rechained {
                found: "abc".into()
            })
        );
        let msg = cp.describe(&CheckpointProblem::Truncated { chain_end: 7 });
        assert!(
            msg.contains("truncated") && msg.contains("entry 10") && msg.contains("entry 7"),
            "{msg}"
        );
        let msg = cp.describe(&CheckpointProblem::Rechained {
            found: "abc".into(),
        });
        assert!(
            msg.contains("rewritten") && msg.contains("entry 10"),
            "{msg}"
        );
    }

    #[test]
    fn keys_round_trip_through_their_file_and_text_forms() {
        let k = key(7);
        let text = k.to_file_text();
        let back = AuditKey::from_file_text(&text).expect("parse");
        assert_eq!(back.public_key(), k.public_key());
        assert!(text.contains(&k.public_key().to_string()));
        assert!(!format!("{k:?}").contains(&hex::encode([7u8; 32])));
        assert_eq!(
            PublicKey::parse(&k.public_key().to_string()),
            Ok(k.public_key())
        );
        assert_eq!(PublicKey::parse("abcd"), Err(KeyError::PublicKeyFormat));
        assert!(AuditKey::from_file_text("").is_err());
        assert!(AuditKey::from_file_text("abcd\n").is_err());
        assert!(AuditKey::from_file_text(&format!("{0}\n{0}\n", "11".repeat(32))).is_err());
    }

    #[test]
    fn the_signed_message_is_stable() {
        // Pinned: verifiers outside Sinergi rely on this exact text.
        assert_eq!(
            signed_message(42, H, at()),
            format!("sinergi-audit-checkpoint-v1\nseq 42\nhash {H}\nat 1748300000123\n")
        );
        // RFC 8032 test vector 1: the seed 9d61…7f60 has the public key d75a…511a.
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .expect("hex")
                .try_into()
                .expect("32 bytes");
        assert_eq!(
            AuditKey::from_seed(seed).public_key().to_string(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
    }
}
