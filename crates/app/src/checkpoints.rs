//! Signed checkpoints of the audit trail (ADR 8): the signing key kept in a file outside
//! the database, writing checkpoints (periodically while serving, at shutdown, on demand),
//! and the full check behind `sinergi audit verify` — the chain, every checkpoint, and
//! optionally each report's stored row against its latest audited content hash.
//!
//! Besides the database row, the newest checkpoint written on this host is kept in a
//! small file in the data folder (the witness). A holder of the database alone can delete
//! checkpoint rows; the witness still names what was signed, so deleting the newest
//! checkpoints and then cutting or rewriting the trail below them is seen too.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::RngCore;
use sinergi_core::access::Actor;
use sinergi_core::audit::{Action, AuditEntry, Broken, Verifier};
use sinergi_core::checkpoint::{AuditKey, Checkpoint, CheckpointProblem, PublicKey};
use sinergi_core::ids::ReportId;
use sinergi_store::AuditFilter;

use crate::{App, AppError, AppResult};

/// Default minutes between checkpoints while serving (written only when the trail grew).
pub const DEFAULT_INTERVAL_MIN: u64 = 5;

/// The witness file's name in the data folder.
pub const WITNESS_FILE: &str = "audit-checkpoint.json";

const PAGE: u32 = 1000;

/// A problem with the key file or the witness file, with the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the audit signing key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create the audit signing key {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the audit signing key {path} is not usable: {source}")]
    Malformed {
        path: PathBuf,
        source: sinergi_core::checkpoint::KeyError,
    },
    #[error("the checkpoint witness {path} is not readable: {reason}")]
    Witness { path: PathBuf, reason: String },
}

impl From<KeyFileError> for AppError {
    fn from(e: KeyFileError) -> Self {
        AppError::Internal(Box::new(e))
    }
}

/// Reads the key file; `None` when it does not exist.
fn read_key(path: &Path) -> Result<Option<AuditKey>, KeyFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            warn_if_readable_by_others(path);
            AuditKey::from_file_text(&text)
                .map(Some)
                .map_err(|source| KeyFileError::Malformed {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyFileError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(path) {
        if m.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                "the audit signing key is readable by other users; restrict it with chmod 600"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Writes `text` to a new file readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Reads the key file, or makes a new key and writes it (mode 0600) when there is none.
/// The file appears complete or not at all, and when two processes race, both end up
/// with the one that was linked first.
fn load_or_create_key(path: &Path) -> Result<AuditKey, KeyFileError> {
    if let Some(k) = read_key(path)? {
        return Ok(k);
    }
    let create = |source| KeyFileError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(create)?;
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let key = AuditKey::from_seed(seed);
    seed.fill(0);
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    write_private(&tmp, &key.to_file_text()).map_err(create)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), public_key = %key.public_key(), "created the audit signing key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(path)?.ok_or_else(|| create(std::io::Error::other("the key file vanished")))
        }
        Err(source) => Err(create(source)),
    }
}

/// What [`App::write_audit_checkpoint`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckpointOutcome {
    /// The trail is empty: there is nothing to sign.
    Empty,
    /// The newest checkpoint already covers the newest entry.
    Unchanged(Checkpoint),
    Written(Checkpoint),
}

/// How report rows compare with their latest audited state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordCheck {
    pub checked: u64,
    pub matching: u64,
    /// Reports whose latest audited write carries no content hash (written before
    /// content hashes were recorded) or that have no audited write (bulk loads).
    pub not_covered: u64,
    /// (report id, the sequence number of its latest audited write): the stored row
    /// differs from it.
    pub differing: Vec<(String, i64)>,
    /// Reports with audited writes that are no longer stored.
    pub missing: Vec<(String, i64)>,
}

/// The outcome of `sinergi audit verify`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditVerification {
    /// Entries that follow one another from the genesis (all of them when intact).
    pub checked: u64,
    /// The hash of the last intact entry.
    pub head: String,
    /// The first entry that does not fit, if any.
    pub broken: Option<Broken>,
    /// The highest sequence number stored.
    pub chain_end: i64,
    /// The keys checkpoints were checked with.
    pub keys: Vec<PublicKey>,
    /// Checkpoints checked (the database's and the witness).
    pub checkpoints: usize,
    /// The newest checkpoint that passed every check.
    pub newest_valid: Option<Checkpoint>,
    /// What is wrong with checkpoints, one sentence each.
    pub problems: Vec<String>,
    pub records: Option<RecordCheck>,
}

impl AuditVerification {
    pub fn is_ok(&self) -> bool {
        self.broken.is_none()
            && self.problems.is_empty()
            && self
                .records
                .as_ref()
                .is_none_or(|r| r.differing.is_empty() && r.missing.is_empty())
    }

    /// Entries after the newest valid checkpoint: not protected by a signature yet.
    pub fn uncovered(&self) -> i64 {
        self.chain_end - self.newest_valid.as_ref().map_or(0, |c| c.seq)
    }
}

/// The latest audited write of each report seen in the trail: (seq, content hash).
type LatestWrites = HashMap<String, (i64, Option<String>)>;

fn note_report_write(latest: &mut LatestWrites, e: &AuditEntry) {
    let is_write =
        e.action == Action::ReportCreate.as_str() || e.action == Action::ReportUpdate.as_str();
    if !is_write || e.record_type.as_deref() != Some("report") {
        return;
    }
    if let Some(id) = &e.record_id {
        let hash = e
            .detail
            .get("content_sha256")
            .and_then(|v| v.as_str())
            .map(String::from);
        latest.insert(id.clone(), (e.seq, hash));
    }
}

impl App {
    fn witness_path(&self) -> PathBuf {
        self.config.data_dir.join(WITNESS_FILE)
    }

    /// The signing key, read from its file or, on first use, made and written there.
    pub fn audit_key(&self) -> AppResult<Arc<AuditKey>> {
        let mut slot = self
            .audit_key
            .lock()
            .map_err(|_| AppError::Internal("audit key lock".into()))?;
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let k = Arc::new(load_or_create_key(&self.config.audit_signing_key)?);
        *slot = Some(k.clone());
        Ok(k)
    }

    /// The public half of the local key, without making a key when there is none.
    pub fn local_audit_public_key(&self) -> AppResult<Option<PublicKey>> {
        if let Ok(slot) = self.audit_key.lock() {
            if let Some(k) = slot.as_ref() {
                return Ok(Some(k.public_key()));
            }
        }
        Ok(read_key(&self.config.audit_signing_key)?.map(|k| k.public_key()))
    }

    fn read_witness(&self) -> AppResult<Option<Checkpoint>> {
        let path = self.witness_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                KeyFileError::Witness {
                    path,
                    reason: e.to_string(),
                }
                .into()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(KeyFileError::Witness {
                path,
                reason: e.to_string(),
            }
            .into()),
        }
    }

    fn write_witness(&self, c: &Checkpoint) -> AppResult<()> {
        let path = self.witness_path();
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let text = serde_json::to_string_pretty(c).map_err(|e| AppError::Internal(Box::new(e)))?;
        let _ = std::fs::remove_file(&tmp);
        write_private(&tmp, &(text + "\n"))?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    }

    /// The hash stored for entry `seq`, if there is one.
    async fn stored_hash_at(&self, seq: i64) -> AppResult<Option<String>> {
        let page = self
            .store
            .audit_entries(&AuditFilter {
                ascending: true,
                cursor: Some(seq - 1),
                limit: 1,
                ..Default::default()
            })
            .await?;
        Ok(page.into_iter().find(|e| e.seq == seq).map(|e| e.hash))
    }

    /// Whether the trail still holds what `c` signed (the signature is not checked).
    async fn still_in_trail(&self, c: &Checkpoint) -> AppResult<Result<(), CheckpointProblem>> {
        let stored = self.stored_hash_at(c.seq).await?;
        let end = self.store.audit_head().await?.map_or(0, |h| h.0);
        Ok(match stored {
            None if c.seq > end => Err(CheckpointProblem::Truncated { chain_end: end }),
            None => Err(CheckpointProblem::EntryMissing),
            Some(h) if h != c.hash => Err(CheckpointProblem::Rechained { found: h }),
            Some(_) => Ok(()),
        })
    }

    /// Signs the newest entry, when the trail grew since the newest checkpoint. A
    /// checkpoint only ever extends what was signed before: the newest checkpoint and
    /// this host's witness must still be in the trail, and every entry after the newest
    /// checkpoint signed with this key must follow the one before it. Otherwise nothing
    /// is signed and the answer names the problem, so a running server never signs a
    /// trail that was cut or rewritten behind its back.
    pub async fn write_audit_checkpoint(&self) -> AppResult<CheckpointOutcome> {
        let _one_at_a_time = self.checkpoint_lock.lock().await;
        let key = self.audit_key()?;
        let own = [key.public_key()];
        let refuse = |what: String| {
            AppError::Conflict(format!(
                "{what}; no checkpoint was written (run `sinergi audit verify`)"
            ))
        };
        let witness = self.read_witness()?;
        let recent = self.store.audit_checkpoints(true, 100).await?;
        let newest = recent.first().cloned();
        for c in witness.iter().chain(newest.iter()) {
            if let Err(p) = self.still_in_trail(c).await? {
                return Err(refuse(c.describe(&p)));
            }
        }
        if let Some(w) = &witness {
            if newest.as_ref().is_none_or(|n| n.seq < w.seq) {
                return Err(refuse(format!(
                    "the checkpoint of {} (entry {}) that this host wrote is no longer in the database: checkpoints were deleted",
                    w.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    w.seq
                )));
            }
        }
        // Continue from the newest checkpoint this key signed (a valid witness, or a row).
        let start = witness
            .iter()
            .chain(recent.iter())
            .filter(|c| c.check_signature(&own).is_ok())
            .max_by_key(|c| c.seq)
            .cloned();
        let mut v = match &start {
            Some(c) => Verifier::after(c.seq, &c.hash),
            None => Verifier::default(),
        };
        let mut cursor = start.as_ref().map(|c| c.seq);
        let mut last: Option<(i64, String)> = None;
        loop {
            let page = self
                .store
                .audit_entries(&AuditFilter {
                    ascending: true,
                    cursor,
                    limit: PAGE,
                    ..Default::default()
                })
                .await?;
            for e in &page {
                if let Err(b) = v.check(e) {
                    return Err(refuse(format!(
                        "the audit trail is broken at entry {}: {}",
                        b.seq, b.reason
                    )));
                }
                last = Some((e.seq, e.hash.clone()));
            }
            match page.last() {
                Some(e) if page.len() == PAGE as usize => cursor = Some(e.seq),
                _ => break,
            }
        }
        let Some((seq, hash)) = last else {
            return Ok(match newest.or(start) {
                Some(c) => CheckpointOutcome::Unchanged(c),
                None => CheckpointOutcome::Empty,
            });
        };
        if let Some(n) = newest.filter(|n| n.seq >= seq) {
            return Ok(CheckpointOutcome::Unchanged(n));
        }
        let cp = key.sign(seq, &hash, self.now());
        self.store.insert_audit_checkpoint(&cp).await?;
        self.write_witness(&cp)?;
        tracing::info!(
            seq = cp.seq,
            hash = %cp.hash,
            signature = %cp.signature,
            public_key = %cp.public_key,
            "audit checkpoint written"
        );
        Ok(CheckpointOutcome::Written(cp))
    }

    /// A checkpoint on demand: system administrators, or the operator (`None`).
    pub async fn checkpoint_audit(&self, actor: Option<&Actor>) -> AppResult<CheckpointOutcome> {
        if actor.is_some_and(|a| !a.may(sinergi_core::permission::Action::ManageAuditCheckpoints)) {
            return Err(AppError::Forbidden(
                "only system administrators write audit checkpoints".into(),
            ));
        }
        self.write_audit_checkpoint().await
    }

    /// The newest checkpoints and the key this server signs with, for system admins.
    pub async fn audit_checkpoint_list(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> AppResult<(PublicKey, Vec<Checkpoint>)> {
        if !actor.may(sinergi_core::permission::Action::ManageAuditCheckpoints) {
            return Err(AppError::Forbidden(
                "only system administrators read audit checkpoints".into(),
            ));
        }
        let key = self.audit_key()?.public_key();
        Ok((key, self.store.audit_checkpoints(true, limit).await?))
    }

    /// Writes a checkpoint every `every` while the trail grows, the first at once (which
    /// covers what the command line appended while the server was down). Runs until the
    /// task is dropped.
    pub async fn run_audit_checkpoints(self: Arc<Self>, every: std::time::Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.write_audit_checkpoint().await {
                match e {
                    AppError::Conflict(m) => {
                        tracing::error!(problem = %m, "audit checkpoint refused")
                    }
                    other => tracing::error!(error = %other, "audit checkpoint"),
                }
            }
        }
    }

    /// Checks the whole trail: the chain from the genesis, every checkpoint (the
    /// database's and this host's witness) against `keys` (the local key when empty), and
    /// with `records` each report's stored row against its latest audited content hash.
    pub async fn verify_audit(
        &self,
        keys: Vec<PublicKey>,
        records: bool,
    ) -> AppResult<AuditVerification> {
        let keys = if keys.is_empty() {
            self.local_audit_public_key()?.into_iter().collect()
        } else {
            keys
        };
        // Checkpoints first: one written during the walk must not name an entry the walk
        // has not read.
        let mut checkpoints: Vec<(Checkpoint, bool)> = self
            .store
            .audit_checkpoints(false, u32::MAX)
            .await?
            .into_iter()
            .map(|c| (c, false))
            .collect();
        let witness = self.read_witness()?;
        let mut problems = Vec::new();
        if let Some(w) = witness {
            if !checkpoints.iter().any(|(c, _)| *c == w) {
                problems.push(format!(
                    "the checkpoint of {} (entry {}) that this host wrote ({}) is missing from the database: checkpoints were deleted",
                    w.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    w.seq,
                    self.witness_path().display()
                ));
                checkpoints.push((w, true));
            }
        }
        let wanted: std::collections::HashSet<i64> =
            checkpoints.iter().map(|(c, _)| c.seq).collect();

        let mut v = Verifier::default();
        let mut broken = None;
        let mut hashes: HashMap<i64, String> = HashMap::new();
        let mut latest = LatestWrites::new();
        let mut chain_end = 0;
        let mut cursor = None;
        loop {
            let page = self
                .store
                .audit_entries(&AuditFilter {
                    ascending: true,
                    cursor,
                    limit: PAGE,
                    ..Default::default()
                })
                .await?;
            for e in &page {
                if broken.is_none() {
                    broken = v.check(e).err();
                }
                if wanted.contains(&e.seq) {
                    hashes.insert(e.seq, e.hash.clone());
                }
                if records {
                    note_report_write(&mut latest, e);
                }
                chain_end = chain_end.max(e.seq);
            }
            match page.last() {
                Some(e) if page.len() == PAGE as usize => cursor = Some(e.seq),
                _ => break,
            }
        }

        if keys.is_empty() && !checkpoints.is_empty() {
            problems.push(format!(
                "there is no audit signing key at {} to check {} checkpoints with; give the public key with --public-key",
                self.config.audit_signing_key.display(),
                checkpoints.len()
            ));
        }
        let mut newest_valid: Option<Checkpoint> = None;
        if !keys.is_empty() {
            for (c, _) in &checkpoints {
                match c.check(&keys, hashes.get(&c.seq).map(String::as_str), chain_end) {
                    Ok(()) => {
                        if newest_valid.as_ref().is_none_or(|n| n.seq <= c.seq) {
                            newest_valid = Some(c.clone());
                        }
                    }
                    Err(p) => problems.push(c.describe(&p)),
                }
            }
        }
        let records = if records {
            Some(self.check_records(latest, chain_end).await?)
        } else {
            None
        };
        Ok(AuditVerification {
            checked: v.checked,
            head: v.head().to_string(),
            broken,
            chain_end,
            keys,
            checkpoints: checkpoints.len(),
            newest_valid,
            problems,
            records,
        })
    }

    /// Compares every stored report row with its latest audited write. Rows that do not
    /// match are checked once more against entries appended since the walk (a write that
    /// committed while the check ran is not a difference).
    async fn check_records(
        &self,
        mut latest: LatestWrites,
        walked_to: i64,
    ) -> AppResult<RecordCheck> {
        let mut out = RecordCheck::default();
        // Rows not matching what the walk saw: id → (the row's hash, latest audited seq).
        let mut pending: HashMap<String, (String, Option<(i64, bool)>)> = HashMap::new();
        let mut after: Option<ReportId> = None;
        loop {
            let page = self.store.stored_reports(after, PAGE).await?;
            for row in &page {
                out.checked += 1;
                let id = row.id.to_string();
                let hash = row.content_sha256();
                match latest.remove(&id) {
                    Some((_, Some(h))) if h == hash => out.matching += 1,
                    Some((seq, h)) => {
                        pending.insert(id, (hash, Some((seq, h.is_some()))));
                    }
                    None => {
                        pending.insert(id, (hash, None));
                    }
                }
            }
            match page.last() {
                Some(r) if page.len() == PAGE as usize => after = Some(r.id),
                _ => break,
            }
        }
        if !pending.is_empty() {
            let mut cursor = Some(walked_to);
            loop {
                let page = self
                    .store
                    .audit_entries(&AuditFilter {
                        ascending: true,
                        cursor,
                        limit: PAGE,
                        ..Default::default()
                    })
                    .await?;
                for e in &page {
                    let mut tail = LatestWrites::new();
                    note_report_write(&mut tail, e);
                    for (id, (_, h)) in tail {
                        if pending
                            .get(&id)
                            .is_some_and(|(row, _)| h.as_deref() == Some(row.as_str()))
                        {
                            pending.remove(&id);
                            out.matching += 1;
                        }
                    }
                }
                match page.last() {
                    Some(e) if page.len() == PAGE as usize => cursor = Some(e.seq),
                    _ => break,
                }
            }
        }
        for (id, (_, seen)) in pending {
            match seen {
                Some((seq, true)) => out.differing.push((id, seq)),
                _ => out.not_covered += 1,
            }
        }
        out.differing.sort();
        out.missing = latest.into_iter().map(|(id, (seq, _))| (id, seq)).collect();
        out.missing.sort();
        Ok(out)
    }
}
