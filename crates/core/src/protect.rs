//! Protected persons' fields (ADR 27): envelope encryption with a per-agency key.
//!
//! Each agency has a key ring, read from its key file ([`KeyRing::parse`]): one or more
//! 32-byte agency keys, each with an id (the last is the one new records are sealed
//! with; older ones still open the records sealed with them), and a 32-byte pseudonym
//! secret. A record (a person) gets a fresh random data key; each protected field is
//! encrypted with it (XChaCha20-Poly1305, a random 24-byte nonce per field, the record
//! id and the field name as associated data), and the data key is wrapped by the agency
//! key with the key id and the record id as associated data, so a ciphertext or a
//! wrapped key copied to another record, another field or another key id does not open.
//! The [`SealedRecord`] is all the store holds.
//!
//! Erasing a person drops the wrapped key ([`SealedRecord::shred`]): the ciphertext
//! stays, and nothing can open it any more (crypto-shredding).
//!
//! Informants are shown by a code ([`KeyRing::informant_code`]): a keyed hash of the
//! record id with the pseudonym secret, stable for the record, never derived from the
//! name. No index of any protected field is ever built: a name cannot be searched.
//!
//! This crate does no I/O: the caller reads the key file and passes its text, or the
//! error reading it gave ([`KeyRing::load`]), and passes the random generator.

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::error::Message;

/// The length of agency keys, data keys and the pseudonym secret, in bytes.
pub const KEY_LEN: usize = 32;
/// The length of a nonce, in bytes.
pub const NONCE_LEN: usize = 24;
/// The version of the sealed form.
pub const SEALED_VERSION: u8 = 1;
/// The longest key id, in characters.
pub const MAX_KEY_ID: usize = 64;
/// The longest purpose of a decrypt, in characters.
pub const MAX_PURPOSE: usize = 500;

/// The protected fields of a person.
pub const FIELDS: [&str; 5] = ["name", "identity_number", "contact", "address", "photo"];

const WRAP_AAD: &[u8] = b"sinergi.protect.v1.key";
const FIELD_AAD: &[u8] = b"sinergi.protect.v1.field";
const INFORMANT_DOMAIN: &[u8] = b"sinergi.informant.v1";

/// A 32-byte secret, wiped when dropped, never printed.
#[derive(Clone)]
struct Secret(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// One agency key.
#[derive(Clone, Debug)]
pub struct AgencyKey {
    id: String,
    secret: Secret,
}

impl AgencyKey {
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.secret.0.as_slice().into())
    }
}

/// An agency's keys: the agency keys (the last seals new records) and the pseudonym
/// secret.
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<AgencyKey>,
    pseudonym: Secret,
}

/// Why a key file was refused. The server does not start without its keys: it never
/// writes a protected field in plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFileError {
    Missing { path: String },
    Unreadable { path: String, reason: String },
    NoKey,
    NoPseudonym,
    Line { line: usize, problem: LineProblem },
}

/// What is wrong with one line of a key file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    Unknown,
    KeyId,
    Base64,
    Length { len: usize },
    DuplicateId { id: String },
    DuplicatePseudonym,
}

impl KeyFileError {
    /// The error reading the file at `path` gave.
    pub fn from_io(path: &str, e: &std::io::Error) -> KeyFileError {
        if e.kind() == std::io::ErrorKind::NotFound {
            KeyFileError::Missing { path: path.into() }
        } else {
            KeyFileError::Unreadable {
                path: path.into(),
                reason: e.to_string(),
            }
        }
    }

    pub fn message(&self) -> Message {
        match self {
            KeyFileError::Missing { path } => crate::msg!(
                "keyfile-missing",
                "the key file {path} does not exist",
                path = path.as_str()
            ),
            KeyFileError::Unreadable { path, reason } => crate::msg!(
                "keyfile-unreadable",
                "the key file {path} cannot be read: {reason}",
                path = path.as_str(),
                reason = reason.as_str()
            ),
            KeyFileError::NoKey => {
                crate::msg!("keyfile-no-key", "the key file has no key line")
            }
            KeyFileError::NoPseudonym => {
                crate::msg!("keyfile-no-pseudonym", "the key file has no pseudonym line")
            }
            KeyFileError::Line { line, problem } => match problem {
                LineProblem::Unknown => crate::msg!(
                    "keyfile-line-unknown",
                    "line {line}: expected \"key ID BASE64\" or \"pseudonym BASE64\"",
                    line = *line
                ),
                LineProblem::KeyId => crate::msg!(
                    "keyfile-key-id",
                    "line {line}: a key id is 1 to 64 letters, digits, dots, dashes or underscores",
                    line = *line
                ),
                LineProblem::Base64 => crate::msg!(
                    "keyfile-base64",
                    "line {line}: the key is not base64",
                    line = *line
                ),
                LineProblem::Length { len } => crate::msg!(
                    "keyfile-length",
                    "line {line}: a key is 32 bytes, this one is {len}",
                    line = *line,
                    len = *len
                ),
                LineProblem::DuplicateId { id } => crate::msg!(
                    "keyfile-duplicate-id",
                    "line {line}: key id {id} appears twice",
                    line = *line,
                    id = id.as_str()
                ),
                LineProblem::DuplicatePseudonym => crate::msg!(
                    "keyfile-duplicate-pseudonym",
                    "line {line}: a second pseudonym line",
                    line = *line
                ),
            },
        }
    }
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_str())
    }
}

impl std::error::Error for KeyFileError {}

fn secret_from_base64(text: &str, line: usize) -> Result<Secret, KeyFileError> {
    let err = |problem| KeyFileError::Line { line, problem };
    let bytes = Zeroizing::new(B64.decode(text).map_err(|_| err(LineProblem::Base64))?);
    if bytes.len() != KEY_LEN {
        return Err(err(LineProblem::Length { len: bytes.len() }));
    }
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    out.copy_from_slice(&bytes);
    Ok(Secret(out))
}

fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_KEY_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl KeyRing {
    /// Reads a key file's text. The format, one entry a line (blank lines and lines
    /// starting with `#` are ignored):
    ///
    /// ```text
    /// # POLDA-JAMBI, made 2026-01-05
    /// key 2026-01 <32 bytes in standard base64>
    /// pseudonym <32 bytes in standard base64>
    /// ```
    ///
    /// One or more `key` lines with distinct ids (the last one seals new records), and
    /// exactly one `pseudonym` line.
    pub fn parse(text: &str) -> Result<KeyRing, KeyFileError> {
        let mut keys: Vec<AgencyKey> = Vec::new();
        let mut pseudonym = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = l.split_whitespace().collect();
            let err = |problem| KeyFileError::Line { line, problem };
            match parts.as_slice() {
                ["key", id, value] => {
                    if !valid_key_id(id) {
                        return Err(err(LineProblem::KeyId));
                    }
                    let secret = secret_from_base64(value, line)?;
                    if keys.iter().any(|k| k.id == *id) {
                        return Err(err(LineProblem::DuplicateId { id: id.to_string() }));
                    }
                    keys.push(AgencyKey {
                        id: id.to_string(),
                        secret,
                    });
                }
                ["pseudonym", value] => {
                    if pseudonym.is_some() {
                        return Err(err(LineProblem::DuplicatePseudonym));
                    }
                    pseudonym = Some(secret_from_base64(value, line)?);
                }
                ["key", ..] => return Err(err(LineProblem::KeyId)),
                _ => return Err(err(LineProblem::Unknown)),
            }
        }
        if keys.is_empty() {
            return Err(KeyFileError::NoKey);
        }
        let pseudonym = pseudonym.ok_or(KeyFileError::NoPseudonym)?;
        Ok(KeyRing { keys, pseudonym })
    }

    /// The key ring from the result of reading the file at `path`.
    pub fn load(path: &str, read: std::io::Result<String>) -> Result<KeyRing, KeyFileError> {
        match read {
            Ok(text) => KeyRing::parse(&text),
            Err(e) => Err(KeyFileError::from_io(path, &e)),
        }
    }

    /// The text of a new key file with one fresh key `id` and a fresh pseudonym secret.
    pub fn generate(id: &str, rng: &mut (impl RngCore + CryptoRng)) -> Option<String> {
        if !valid_key_id(id) {
            return None;
        }
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        let mut pseudonym = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(key.as_mut_slice());
        rng.fill_bytes(pseudonym.as_mut_slice());
        Some(format!(
            "# Sinergi agency key file: keep it outside the database and its backups.\n\
             key {id} {}\npseudonym {}\n",
            B64.encode(key.as_slice()),
            B64.encode(pseudonym.as_slice())
        ))
    }

    /// The key that seals new records.
    pub fn active(&self) -> &AgencyKey {
        // `parse` refuses a ring without keys.
        &self.keys[self.keys.len() - 1]
    }

    pub fn key(&self, id: &str) -> Option<&AgencyKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }

    /// The code an informant is shown by: a keyed hash of the record id, e.g.
    /// `INF-7K3Q-9XWD-M2PA`. Stable for the record under the same pseudonym secret; it
    /// reveals nothing of the person and cannot be computed without the secret.
    pub fn informant_code(&self, record_id: Uuid) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(self.pseudonym.0.as_slice()) else {
            return String::new();
        };
        mac.update(INFORMANT_DOMAIN);
        mac.update(record_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut bits = u64::from_be_bytes([
            digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
        ]) >> 4;
        const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut chars = [0u8; 12];
        for c in chars.iter_mut().rev() {
            *c = CROCKFORD[(bits & 31) as usize];
            bits >>= 5;
        }
        let s: String = chars.iter().map(|b| char::from(*b)).collect();
        format!("INF-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
    }
}

/// Why a protected record cannot be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtectError {
    /// The wrapped key was destroyed: the record is erased.
    Shredded,
    /// The record was sealed with a key the ring does not have.
    UnknownKey {
        id: String,
    },
    /// The wrapped key does not open with the agency key for this record (another
    /// agency's key, another record, or altered).
    Unwrap,
    /// The field does not open for this record (another record's, another field's, or
    /// altered).
    Field {
        name: String,
    },
    NoField {
        name: String,
    },
    FieldName {
        name: String,
    },
    DuplicateField {
        name: String,
    },
    Version {
        version: u8,
    },
}

impl ProtectError {
    pub fn message(&self) -> Message {
        match self {
            ProtectError::Shredded => {
                crate::msg!("protect-shredded", "the person's data was erased")
            }
            ProtectError::UnknownKey { id } => crate::msg!(
                "protect-unknown-key",
                "the record was sealed with key {id}, which the key file does not have",
                id = id.as_str()
            ),
            ProtectError::Unwrap => crate::msg!(
                "protect-unwrap",
                "the record's key does not open with the agency key"
            ),
            ProtectError::Field { name } => crate::msg!(
                "protect-field",
                "the field {name} does not open",
                name = name.as_str()
            ),
            ProtectError::NoField { name } => crate::msg!(
                "protect-no-field",
                "the record has no field {name}",
                name = name.as_str()
            ),
            ProtectError::FieldName { name } => crate::msg!(
                "protect-field-name",
                "{name} is not a protected field",
                name = name.as_str()
            ),
            ProtectError::DuplicateField { name } => crate::msg!(
                "protect-duplicate-field",
                "the field {name} is given twice",
                name = name.as_str()
            ),
            ProtectError::Version { version } => crate::msg!(
                "protect-version",
                "sealed form version {version} is not known",
                version = *version
            ),
        }
    }
}

impl fmt::Display for ProtectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_str())
    }
}

impl std::error::Error for ProtectError {}

/// Bytes written as standard base64 in JSON.
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(s.as_bytes())
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// One encrypted field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedField {
    pub nonce: Bytes,
    pub ciphertext: Bytes,
}

/// A person's protected fields as the store holds them: no plain text, no key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedRecord {
    pub version: u8,
    /// The agency key that wraps the data key.
    pub key_id: String,
    /// The data key: nonce, then the key encrypted by the agency key with its tag.
    /// `None` once the record was shredded.
    pub wrapped_key: Option<Bytes>,
    pub fields: BTreeMap<String, SealedField>,
}

/// A record's data key wrapped by another agency's key: that agency opens the record
/// with it and with nothing else. Dropping the grant ends its access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyGrant {
    pub key_id: String,
    pub wrapped_key: Bytes,
}

/// A data key, wiped when dropped.
struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_slice().into())
    }
}

fn wrap_aad(key_id: &str, record_id: Uuid) -> Vec<u8> {
    let mut aad = Vec::with_capacity(WRAP_AAD.len() + key_id.len() + 18);
    aad.extend_from_slice(WRAP_AAD);
    aad.push(0);
    aad.extend_from_slice(key_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(record_id.as_bytes());
    aad
}

fn field_aad(record_id: Uuid, name: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(FIELD_AAD.len() + name.len() + 17);
    aad.extend_from_slice(FIELD_AAD);
    aad.push(0);
    aad.extend_from_slice(record_id.as_bytes());
    aad.extend_from_slice(name.as_bytes());
    aad
}

fn nonce(rng: &mut (impl RngCore + CryptoRng)) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut n);
    n
}

fn check_name(name: &str) -> Result<(), ProtectError> {
    if FIELDS.contains(&name) {
        Ok(())
    } else {
        Err(ProtectError::FieldName { name: name.into() })
    }
}

fn wrap(
    key: &AgencyKey,
    record_id: Uuid,
    data_key: &DataKey,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Bytes, ProtectError> {
    let n = nonce(rng);
    let aad = wrap_aad(&key.id, record_id);
    let ct = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&n),
            Payload {
                msg: data_key.0.as_slice(),
                aad: &aad,
            },
        )
        .map_err(|_| ProtectError::Unwrap)?;
    let mut out = n.to_vec();
    out.extend_from_slice(&ct);
    Ok(Bytes(out))
}

fn encrypt_field(
    data_key: &DataKey,
    record_id: Uuid,
    name: &str,
    value: &[u8],
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<SealedField, ProtectError> {
    let n = nonce(rng);
    let aad = field_aad(record_id, name);
    let ct = data_key
        .cipher()
        .encrypt(
            XNonce::from_slice(&n),
            Payload {
                msg: value,
                aad: &aad,
            },
        )
        .map_err(|_| ProtectError::Field { name: name.into() })?;
    Ok(SealedField {
        nonce: Bytes(n.to_vec()),
        ciphertext: Bytes(ct),
    })
}

/// Unwraps a data key wrapped by key `key_id` of `ring` for record `record_id`.
fn unwrap_data_key(
    ring: &KeyRing,
    key_id: &str,
    wrapped: &Bytes,
    record_id: Uuid,
) -> Result<DataKey, ProtectError> {
    let key = ring.key(key_id).ok_or_else(|| ProtectError::UnknownKey {
        id: key_id.to_string(),
    })?;
    if wrapped.0.len() != NONCE_LEN + KEY_LEN + 16 {
        return Err(ProtectError::Unwrap);
    }
    let (n, ct) = wrapped.0.split_at(NONCE_LEN);
    let aad = wrap_aad(&key.id, record_id);
    let mut plain = key
        .cipher()
        .decrypt(XNonce::from_slice(n), Payload { msg: ct, aad: &aad })
        .map_err(|_| ProtectError::Unwrap)?;
    let mut dk = DataKey(Zeroizing::new([0u8; KEY_LEN]));
    dk.0.copy_from_slice(&plain);
    plain.zeroize();
    Ok(dk)
}

impl SealedRecord {
    /// Seals the fields of record `record_id` under a fresh data key wrapped by the
    /// ring's active key. Field names are among [`FIELDS`], each at most once.
    pub fn seal(
        ring: &KeyRing,
        record_id: Uuid,
        fields: &[(&str, &[u8])],
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<SealedRecord, ProtectError> {
        let mut data_key = DataKey(Zeroizing::new([0u8; KEY_LEN]));
        rng.fill_bytes(data_key.0.as_mut_slice());
        let key = ring.active();
        let mut out = SealedRecord {
            version: SEALED_VERSION,
            key_id: key.id.clone(),
            wrapped_key: Some(wrap(key, record_id, &data_key, rng)?),
            fields: BTreeMap::new(),
        };
        for (name, value) in fields {
            check_name(name)?;
            if out.fields.contains_key(*name) {
                return Err(ProtectError::DuplicateField {
                    name: name.to_string(),
                });
            }
            let f = encrypt_field(&data_key, record_id, name, value, rng)?;
            out.fields.insert(name.to_string(), f);
        }
        Ok(out)
    }

    fn data_key(&self, ring: &KeyRing, record_id: Uuid) -> Result<DataKey, ProtectError> {
        if self.version != SEALED_VERSION {
            return Err(ProtectError::Version {
                version: self.version,
            });
        }
        let wrapped = self.wrapped_key.as_ref().ok_or(ProtectError::Shredded)?;
        unwrap_data_key(ring, &self.key_id, wrapped, record_id)
    }

    /// A copy of the record's data key wrapped by another agency's active key, so that
    /// agency opens this record alone (a victim's identity shared under an agreement).
    /// `ring` is the ring that seals the record now.
    pub fn grant(
        &self,
        ring: &KeyRing,
        to: &KeyRing,
        record_id: Uuid,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<KeyGrant, ProtectError> {
        let dk = self.data_key(ring, record_id)?;
        let key = to.active();
        Ok(KeyGrant {
            key_id: key.id.clone(),
            wrapped_key: wrap(key, record_id, &dk, rng)?,
        })
    }

    /// Opens every field with a [`KeyGrant`] made for `ring`. A shredded record does not
    /// open, whatever grant is shown.
    pub fn open_granted(
        &self,
        grant: &KeyGrant,
        ring: &KeyRing,
        record_id: Uuid,
    ) -> Result<BTreeMap<String, Zeroizing<Vec<u8>>>, ProtectError> {
        if self.version != SEALED_VERSION {
            return Err(ProtectError::Version {
                version: self.version,
            });
        }
        if self.is_shredded() {
            return Err(ProtectError::Shredded);
        }
        let dk = unwrap_data_key(ring, &grant.key_id, &grant.wrapped_key, record_id)?;
        let mut out = BTreeMap::new();
        for name in self.fields.keys() {
            out.insert(name.clone(), self.decrypt_field(&dk, record_id, name)?);
        }
        Ok(out)
    }

    /// Opens one field of record `record_id`.
    pub fn open_field(
        &self,
        ring: &KeyRing,
        record_id: Uuid,
        name: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectError> {
        let dk = self.data_key(ring, record_id)?;
        self.decrypt_field(&dk, record_id, name)
    }

    fn decrypt_field(
        &self,
        dk: &DataKey,
        record_id: Uuid,
        name: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectError> {
        let f = self
            .fields
            .get(name)
            .ok_or_else(|| ProtectError::NoField { name: name.into() })?;
        if f.nonce.0.len() != NONCE_LEN {
            return Err(ProtectError::Field { name: name.into() });
        }
        let aad = field_aad(record_id, name);
        dk.cipher()
            .decrypt(
                XNonce::from_slice(&f.nonce.0),
                Payload {
                    msg: &f.ciphertext.0,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| ProtectError::Field { name: name.into() })
    }

    /// Opens every field of record `record_id`.
    pub fn open(
        &self,
        ring: &KeyRing,
        record_id: Uuid,
    ) -> Result<BTreeMap<String, Zeroizing<Vec<u8>>>, ProtectError> {
        let dk = self.data_key(ring, record_id)?;
        let mut out = BTreeMap::new();
        for name in self.fields.keys() {
            out.insert(name.clone(), self.decrypt_field(&dk, record_id, name)?);
        }
        Ok(out)
    }

    /// Sets one field (a new value under the record's data key, a fresh nonce);
    /// `None` removes it.
    pub fn set_field(
        &mut self,
        ring: &KeyRing,
        record_id: Uuid,
        name: &str,
        value: Option<&[u8]>,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(), ProtectError> {
        check_name(name)?;
        let dk = self.data_key(ring, record_id)?;
        match value {
            Some(v) => {
                let f = encrypt_field(&dk, record_id, name, v, rng)?;
                self.fields.insert(name.to_string(), f);
            }
            None => {
                self.fields.remove(name);
            }
        }
        Ok(())
    }

    /// Wraps the data key again under the ring's active key (after a key rotation, so
    /// the old agency key can be destroyed).
    pub fn rewrap(
        &mut self,
        ring: &KeyRing,
        record_id: Uuid,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(), ProtectError> {
        let dk = self.data_key(ring, record_id)?;
        let key = ring.active();
        self.wrapped_key = Some(wrap(key, record_id, &dk, rng)?);
        self.key_id = key.id.clone();
        Ok(())
    }

    /// Wraps the data key under another agency's active key: the record moves to the
    /// ring `to` (a case handed over); the fields are not touched and `from` no longer
    /// opens it.
    pub fn rewrap_to(
        &mut self,
        from: &KeyRing,
        to: &KeyRing,
        record_id: Uuid,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(), ProtectError> {
        let dk = self.data_key(from, record_id)?;
        let key = to.active();
        self.wrapped_key = Some(wrap(key, record_id, &dk, rng)?);
        self.key_id = key.id.clone();
        Ok(())
    }

    /// Destroys the data key: nothing opens the fields any more (crypto-shredding).
    pub fn shred(&mut self) {
        if let Some(mut w) = self.wrapped_key.take() {
            w.0.zeroize();
        }
    }

    pub fn is_shredded(&self) -> bool {
        self.wrapped_key.is_none()
    }
}

/// Why someone opens a protected field, as the audit records it: 3 to 500 visible
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecryptPurpose(String);

impl DecryptPurpose {
    pub fn parse(s: &str) -> Result<DecryptPurpose, Message> {
        let t = s.trim();
        let n = t.chars().filter(|c| !c.is_whitespace()).count();
        if n < 3 || t.chars().count() > MAX_PURPOSE || t.chars().any(char::is_control) {
            return Err(crate::msg!(
                "decrypt-purpose-required",
                "say why the protected data is opened (3 to {max} characters)",
                max = MAX_PURPOSE
            ));
        }
        Ok(DecryptPurpose(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a person is linked to a case or a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Suspect,
    Victim,
    Witness,
    Informant,
}

impl PersonRole {
    pub const ALL: [PersonRole; 4] = [
        PersonRole::Suspect,
        PersonRole::Victim,
        PersonRole::Witness,
        PersonRole::Informant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonRole::Suspect => "suspect",
            PersonRole::Victim => "victim",
            PersonRole::Witness => "witness",
            PersonRole::Informant => "informant",
        }
    }

    pub fn parse(s: &str) -> Option<PersonRole> {
        PersonRole::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Whether the person's identifying fields are sealed.
    pub fn is_protected(self) -> bool {
        !matches!(self, PersonRole::Suspect)
    }

    /// Whether others than the handler see the person by a code only.
    pub fn is_pseudonymous(self) -> bool {
        matches!(self, PersonRole::Informant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;

    const KEY_A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "HxwdHhscGRoXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";
    const PSEUDO: &str = "cHNldWRvbnltLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGU=";

    fn ring(text: &str) -> KeyRing {
        KeyRing::parse(text).expect("key file")
    }

    fn ring_a() -> KeyRing {
        ring(&format!("# test\nkey a-2026 {KEY_A}\npseudonym {PSEUDO}\n"))
    }

    fn ring_b() -> KeyRing {
        ring(&format!("key b-2026 {KEY_B}\npseudonym {PSEUDO}\n"))
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const NAME: &[u8] = b"Siti Aminah binti Abdullah";
    const NIK: &[u8] = b"6106014702990003";

    fn sealed(r: &KeyRing, rec: Uuid) -> SealedRecord {
        SealedRecord::seal(
            r,
            rec,
            &[
                ("name", NAME),
                ("identity_number", NIK),
                ("photo", &[0xff, 0xd8, 0x00, 0x01]),
            ],
            &mut OsRng,
        )
        .expect("seal")
    }

    #[test]
    fn a_record_moved_to_another_ring_opens_there_only() {
        let a = ring(&format!("key a1 {KEY_A}\npseudonym {PSEUDO}\n"));
        let b = ring(&format!("key b1 {KEY_B}\npseudonym {PSEUDO}\n"));
        let id = Uuid::from_u128(42);
        let mut r =
            SealedRecord::seal(&a, id, &[("name", b"Siti Aminah")], &mut OsRng).expect("seal");
        r.rewrap_to(&a, &b, id, &mut OsRng).expect("move");
        assert_eq!(r.key_id, "b1");
        assert_eq!(
            &r.open_field(&b, id, "name").expect("open")[..],
            b"Siti Aminah"
        );
        assert!(r.open_field(&a, id, "name").is_err());
    }

    #[test]
    fn a_grant_opens_its_record_for_the_other_agency_only_until_shredded() {
        let a = ring_a();
        let b = ring_b();
        let mut r = sealed(&a, id(7));
        let g = r.grant(&a, &b, id(7), &mut OsRng).expect("grant");
        assert_eq!(g.key_id, "b-2026");
        assert_eq!(
            r.open_granted(&g, &b, id(7)).expect("open")["name"].as_slice(),
            NAME
        );
        // The owner still opens it; the grant opens nothing for another record or ring.
        assert!(r.open(&a, id(7)).is_ok());
        assert!(r.open(&b, id(7)).is_err());
        let other = sealed(&a, id(8));
        assert!(other.open_granted(&g, &b, id(8)).is_err());
        assert!(r.open_granted(&g, &a, id(7)).is_err());
        // A grant survives JSON; a shredded record opens with no grant.
        let back: KeyGrant =
            serde_json::from_str(&serde_json::to_string(&g).expect("json")).expect("back");
        assert_eq!(back, g);
        r.shred();
        assert_eq!(r.open_granted(&g, &b, id(7)), Err(ProtectError::Shredded));
    }

    #[test]
    fn fields_round_trip_and_each_record_has_its_own_key() {
        let r = ring_a();
        let a = sealed(&r, id(1));
        let opened = a.open(&r, id(1)).expect("open");
        assert_eq!(opened["name"].as_slice(), NAME);
        assert_eq!(opened["identity_number"].as_slice(), NIK);
        assert_eq!(opened["photo"].as_slice(), &[0xff, 0xd8, 0x00, 0x01]);
        assert_eq!(
            a.open_field(&r, id(1), "name").expect("field").as_slice(),
            NAME
        );
        assert_eq!(a.key_id, "a-2026");
        // The same values sealed again give other bytes: a fresh data key and nonces.
        let b = sealed(&r, id(1));
        assert_ne!(a.wrapped_key, b.wrapped_key);
        assert_ne!(a.fields["name"], b.fields["name"]);
        // The sealed form survives JSON, as the store keeps it.
        let json = serde_json::to_string(&a).expect("json");
        let back: SealedRecord = serde_json::from_str(&json).expect("back");
        assert_eq!(back, a);
        assert_eq!(back.open(&r, id(1)).expect("open")["name"].as_slice(), NAME);
    }

    #[test]
    fn the_stored_bytes_hold_no_plain_text() {
        let r = ring_a();
        let a = sealed(&r, id(1));
        let json = serde_json::to_string(&a).expect("json");
        let mut all: Vec<u8> = json.as_bytes().to_vec();
        for f in a.fields.values() {
            all.extend_from_slice(&f.ciphertext.0);
        }
        for needle in [&b"Siti"[..], b"Aminah", NIK, b"6106014"] {
            assert!(
                !all.windows(needle.len()).any(|w| w == needle),
                "{:?} found",
                String::from_utf8_lossy(needle)
            );
        }
        assert!(!format!("{r:?}").contains(KEY_A));
    }

    #[test]
    fn a_wrong_key_a_moved_record_or_a_changed_byte_does_not_open() {
        let r = ring_a();
        let a = sealed(&r, id(1));
        // Another agency's ring, even with a key of the same id.
        assert_eq!(
            a.open(&ring_b(), id(1)),
            Err(ProtectError::UnknownKey {
                id: "a-2026".into()
            })
        );
        let impostor = ring(&format!("key a-2026 {KEY_B}\npseudonym {PSEUDO}\n"));
        assert_eq!(a.open(&impostor, id(1)).err(), Some(ProtectError::Unwrap));
        // The whole sealed record moved to another record.
        assert_eq!(a.open(&r, id(2)).err(), Some(ProtectError::Unwrap));
        // One field's ciphertext moved into another record sealed by the same agency.
        let mut b = sealed(&r, id(2));
        b.fields.insert("name".into(), a.fields["name"].clone());
        assert_eq!(
            b.open_field(&r, id(2), "name").err(),
            Some(ProtectError::Field {
                name: "name".into()
            })
        );
        // A field moved to another field of the same record.
        let mut c = a.clone();
        c.fields
            .insert("contact".into(), a.fields["identity_number"].clone());
        assert!(c.open_field(&r, id(1), "contact").is_err());
        // A changed ciphertext byte, a changed wrapped key byte, a changed key id.
        let mut d = a.clone();
        if let Some(f) = d.fields.get_mut("name") {
            f.ciphertext.0[0] ^= 1;
        }
        assert!(d.open_field(&r, id(1), "name").is_err());
        assert!(d.open_field(&r, id(1), "identity_number").is_ok());
        let mut e = a.clone();
        if let Some(w) = e.wrapped_key.as_mut() {
            w.0[30] ^= 0x80;
        }
        assert_eq!(e.open(&r, id(1)).err(), Some(ProtectError::Unwrap));
        let mut g = a.clone();
        if let Some(w) = g.wrapped_key.as_mut() {
            w.0.truncate(10);
        }
        assert_eq!(g.open(&r, id(1)).err(), Some(ProtectError::Unwrap));
        let mut h = a.clone();
        h.version = 2;
        assert_eq!(
            h.open(&r, id(1)).err().map(|e| e.message().code()),
            Some(Some("protect-version"))
        );
    }

    #[test]
    fn a_shredded_record_never_opens_again() {
        let r = ring_a();
        let mut a = sealed(&r, id(1));
        let kept = a.fields.clone();
        a.shred();
        assert!(a.is_shredded());
        assert_eq!(a.open(&r, id(1)).err(), Some(ProtectError::Shredded));
        assert_eq!(
            a.open_field(&r, id(1), "name").err(),
            Some(ProtectError::Shredded)
        );
        // The ciphertext is still there and still useless: another record's key does not
        // open it, nor does a fresh key wrapped for this record.
        assert_eq!(a.fields, kept);
        let other = sealed(&r, id(1));
        let mut grafted = a.clone();
        grafted.wrapped_key = other.wrapped_key.clone();
        assert!(grafted.open_field(&r, id(1), "name").is_err());
        assert!(a
            .set_field(&r, id(1), "name", Some(b"x"), &mut OsRng)
            .is_err());
        assert_eq!(
            ProtectError::Shredded.message().as_str(),
            "the person's data was erased"
        );
    }

    #[test]
    fn fields_change_and_keys_rotate() {
        let r = ring_a();
        let mut a = sealed(&r, id(1));
        a.set_field(&r, id(1), "contact", Some(b"0812-5555-0101"), &mut OsRng)
            .expect("set");
        a.set_field(&r, id(1), "photo", None, &mut OsRng)
            .expect("remove");
        let opened = a.open(&r, id(1)).expect("open");
        assert_eq!(opened["contact"].as_slice(), b"0812-5555-0101");
        assert!(!opened.contains_key("photo"));
        assert_eq!(
            a.set_field(&r, id(1), "religion", Some(b"x"), &mut OsRng),
            Err(ProtectError::FieldName {
                name: "religion".into()
            })
        );
        // A new key is added last: it seals new records and rewraps old ones; the
        // ring without the old key still opens them.
        let rotated = ring(&format!(
            "key a-2026 {KEY_A}\nkey b-2027 {KEY_B}\npseudonym {PSEUDO}\n"
        ));
        assert_eq!(rotated.active().id(), "b-2027");
        assert_eq!(rotated.ids(), vec!["a-2026", "b-2027"]);
        assert!(a.open(&rotated, id(1)).is_ok());
        a.rewrap(&rotated, id(1), &mut OsRng).expect("rewrap");
        assert_eq!(a.key_id, "b-2027");
        let only_new = ring(&format!("key b-2027 {KEY_B}\npseudonym {PSEUDO}\n"));
        assert_eq!(
            a.open(&only_new, id(1)).expect("open")["name"].as_slice(),
            NAME
        );
        assert!(a.open(&r, id(1)).is_err());
        // Seal refuses unknown and repeated fields.
        assert!(matches!(
            SealedRecord::seal(&r, id(3), &[("name", b"a"), ("name", b"b")], &mut OsRng),
            Err(ProtectError::DuplicateField { .. })
        ));
    }

    #[test]
    fn key_files_are_refused_with_the_reason() {
        let code = |text: &str| KeyRing::parse(text).err().and_then(|e| e.message().code());
        assert_eq!(code(""), Some("keyfile-no-key"));
        assert_eq!(code(&format!("pseudonym {PSEUDO}")), Some("keyfile-no-key"));
        assert_eq!(
            code(&format!("key k {KEY_A}")),
            Some("keyfile-no-pseudonym")
        );
        // A short key: 16 bytes.
        let e = KeyRing::parse(&format!(
            "key k AAECAwQFBgcICQoLDA0ODw==\npseudonym {PSEUDO}"
        ))
        .expect_err("short");
        assert_eq!(
            e.message().as_str(),
            "line 1: a key is 32 bytes, this one is 16"
        );
        assert_eq!(
            code(&format!("key k not*base64\npseudonym {PSEUDO}")),
            Some("keyfile-base64")
        );
        assert_eq!(
            code(&format!("key k/1 {KEY_A}\npseudonym {PSEUDO}")),
            Some("keyfile-key-id")
        );
        assert_eq!(
            code(&format!("key {KEY_A}\npseudonym {PSEUDO}")),
            Some("keyfile-key-id")
        );
        assert_eq!(
            code(&format!("key k {KEY_A}\nkey k {KEY_B}\npseudonym {PSEUDO}")),
            Some("keyfile-duplicate-id")
        );
        assert_eq!(
            code(&format!(
                "key k {KEY_A}\npseudonym {PSEUDO}\npseudonym {PSEUDO}"
            )),
            Some("keyfile-duplicate-pseudonym")
        );
        assert_eq!(
            code(&format!("secret {KEY_A}")),
            Some("keyfile-line-unknown")
        );
        // What reading the file said: a missing file, an unreadable one.
        let missing = std::fs::read_to_string("/nonexistent/sinergi/agency.key");
        let e = KeyRing::load("/nonexistent/sinergi/agency.key", missing).expect_err("missing");
        assert_eq!(
            e.to_string(),
            "the key file /nonexistent/sinergi/agency.key does not exist"
        );
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = KeyRing::load("/etc/sinergi/agency.key", Err(denied)).expect_err("denied");
        assert_eq!(e.message().code(), Some("keyfile-unreadable"));
        // A generated file loads, with a fresh key each time.
        let text = KeyRing::generate("polda-jambi-2026", &mut OsRng).expect("generate");
        let g = KeyRing::parse(&text).expect("generated file loads");
        assert_eq!(g.active().id(), "polda-jambi-2026");
        assert_ne!(
            Some(text),
            KeyRing::generate("polda-jambi-2026", &mut OsRng)
        );
        assert_eq!(KeyRing::generate("bad id", &mut OsRng), None);
    }

    #[test]
    fn informants_are_shown_by_a_stable_code_from_the_record_id() {
        let r = ring_a();
        let c1 = r.informant_code(id(42));
        assert_eq!(c1, r.informant_code(id(42)));
        assert_ne!(c1, r.informant_code(id(43)));
        assert_eq!(c1.len(), "INF-XXXX-XXXX-XXXX".len());
        assert!(c1.starts_with("INF-"));
        assert!(c1[4..]
            .chars()
            .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)));
        // Another agency's secret gives another code for the same record.
        let other = ring(&format!("key a-2026 {KEY_A}\npseudonym {KEY_B}\n"));
        assert_ne!(c1, other.informant_code(id(42)));
        // The code does not depend on the agency key (a rotation keeps it).
        let rotated = ring(&format!("key b {KEY_B}\npseudonym {PSEUDO}\n"));
        assert_eq!(c1, rotated.informant_code(id(42)));
        assert!(PersonRole::Informant.is_pseudonymous());
        assert!(!PersonRole::Victim.is_pseudonymous());
        assert!(PersonRole::Witness.is_protected() && !PersonRole::Suspect.is_protected());
        for role in PersonRole::ALL {
            assert_eq!(PersonRole::parse(role.as_str()), Some(role));
        }
    }

    proptest::proptest! {
        /// Any value of any field comes back as it went in, and its ciphertext is the
        /// value's length plus the 16-byte tag: nothing else is stored with it.
        #[test]
        fn any_value_round_trips(
            value in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
            field in 0usize..FIELDS.len(),
            rec in proptest::num::u128::ANY,
        ) {
            let r = ring_a();
            let name = FIELDS[field];
            let s = SealedRecord::seal(&r, id(rec), &[(name, &value)], &mut OsRng).expect("seal");
            proptest::prop_assert_eq!(s.fields[name].ciphertext.0.len(), value.len() + 16);
            let back = s.open_field(&r, id(rec), name).expect("open");
            proptest::prop_assert_eq!(back.as_slice(), value.as_slice());
        }
    }

    #[test]
    fn a_decrypt_needs_a_purpose() {
        assert!(DecryptPurpose::parse("").is_err());
        assert!(DecryptPurpose::parse("  ok ").is_err());
        assert!(DecryptPurpose::parse(&"x".repeat(MAX_PURPOSE + 1)).is_err());
        assert!(DecryptPurpose::parse("a\u{7}bc").is_err());
        let p = DecryptPurpose::parse("  Pemanggilan saksi untuk BAP  ").expect("purpose");
        assert_eq!(p.as_str(), "Pemanggilan saksi untuk BAP");
    }
}
