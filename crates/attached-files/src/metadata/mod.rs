//! Metadata storage: a small trait ([`MetadataStore`]) and its two stores, the embedded SQLite
//! default ([`SqliteStore`], with its cache of records in `cache`) and PostgreSQL for several
//! replicas ([`PostgresStore`], whose database also holds the server's access keys: [`connect_postgres`]).

use async_trait::async_trait;

use time::OffsetDateTime;

use crate::configuration::{AttachmentScope, ConfigurationUpdate, StoredConfiguration};
use crate::record::{FileRecord, FileStatus, Phase};

mod cache;
mod postgres;
mod replica_cache;
mod sqlite;
mod tls;

pub use postgres::{PostgresStore, connect as connect_postgres};
pub use sqlite::SqliteStore;

/// Why the metadata store could not answer. The cause is for logs, never for callers.
#[derive(Debug, thiserror::Error)]
#[error("metadata store: {0}")]
pub struct StoreError(String);

impl StoreError {
    pub fn new(cause: impl Into<String>) -> Self {
        Self(cause.into())
    }

    fn from(cause: impl std::fmt::Display) -> Self {
        Self(cause.to_string())
    }
}

/// The most an instance may hold: its files (in any phase until they are gone) and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub max_files: u64,
    pub max_bytes: u64,
}

impl Quota {
    /// Which quota a new file of `size` bytes would exceed, with the instance's `files` and
    /// `bytes` so far (as the stores count them, in signed integers).
    pub(crate) fn exceeded_by(&self, files: i64, bytes: i64, size: i64) -> Option<QuotaExceeded> {
        if files >= signed(self.max_files) {
            Some(QuotaExceeded::FileCount)
        } else if bytes.saturating_add(size) > signed(self.max_bytes) {
            Some(QuotaExceeded::TotalSize)
        } else {
            None
        }
    }
}

/// Which quota an insert would have exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    FileCount,
    TotalSize,
}

/// What [`MetadataStore::insert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// A file of the instance already has the record's ClientToken: that file, unchanged.
    Existing(Box<FileRecord>),
    Refused(QuotaExceeded),
}

/// A file's place in the order the store keeps files in (the order they were added); the
/// [`Default`] is before the first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position(pub(crate) i64);

/// The files in one phase, a page at a time. There can be tens of thousands (every file deleted
/// within the last upload URL lifetime waits in `Deleting`): held all at once, they would be
/// memory the allocator keeps long after.
pub struct PhaseWalk {
    phase: Phase,
    after: Option<Position>,
}

impl PhaseWalk {
    /// Files per page.
    const PAGE: usize = 256;

    pub fn new(phase: Phase) -> Self {
        Self { phase, after: Some(Position::default()) }
    }

    /// The next page, or `None` once every file in the phase was seen (files that enter it
    /// during the walk are seen if they are added after its place).
    pub async fn next(&mut self, store: &dyn MetadataStore) -> Result<Option<Vec<FileRecord>>, StoreError> {
        let Some(after) = self.after else { return Ok(None) };
        let page = store.in_phase(self.phase, after, Self::PAGE).await?;
        self.after = if page.len() < Self::PAGE { None } else { page.last().map(|(position, _)| *position) };
        if page.is_empty() {
            return Ok(None);
        }
        Ok(Some(page.into_iter().map(|(_, record)| record).collect()))
    }
}

#[async_trait]
pub trait MetadataStore: Send + Sync + 'static {
    /// Adds a new record (its FileId must not exist yet) unless its instance already has a file
    /// with its ClientToken or the instance's quota would be exceeded, atomically.
    async fn insert(&self, record: &FileRecord, quota: Quota) -> Result<Inserted, StoreError>;
    /// The record of `file_id` if it belongs to `instance_id`, in whatever phase.
    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError>;
    /// Moves a file of `instance_id` that is in one of the phases `from` to `to`, setting its
    /// status if one is given; false if there is no such file in those phases.
    async fn advance(
        &self,
        instance_id: &str,
        file_id: &str,
        from: &[Phase],
        to: Phase,
        status: Option<FileStatus>,
    ) -> Result<bool, StoreError>;
    /// Removes a file's record for good; false if there was none.
    async fn remove(&self, instance_id: &str, file_id: &str) -> Result<bool, StoreError>;
    /// Every file of `instance_id`, oldest first, in whatever phase.
    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError>;
    /// Up to `limit` files of every instance in `phase`, oldest first, from those stored after
    /// `after`, each with its place: the work left by other processes or by a crash, walked a
    /// page at a time ([`PhaseWalk`]).
    async fn in_phase(
        &self,
        phase: Phase,
        after: Position,
        limit: usize,
    ) -> Result<Vec<(Position, FileRecord)>, StoreError>;

    /// The stored configuration of one scope of `instance_id`, if it was ever updated.
    async fn configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
    ) -> Result<Option<StoredConfiguration>, StoreError>;
    /// The stored configurations of `instance_id`, of the scopes that were ever updated.
    async fn configurations(&self, instance_id: &str) -> Result<Vec<StoredConfiguration>, StoreError>;
    /// Applies `update` to a scope's configuration (creating it if there is none) at `now`, in
    /// one atomic step, and answers what is stored after it.
    async fn update_configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
        update: &ConfigurationUpdate,
        now: OffsetDateTime,
    ) -> Result<StoredConfiguration, StoreError>;
}

/// The columns of a stored configuration, as both stores keep them: the size limit, the list of
/// extensions as a JSON array (each NULL until an update names it), and the time in Unix
/// milliseconds.
pub(crate) fn stored_configuration(
    scope: &str,
    max_size_bytes: Option<i64>,
    extensions: Option<&str>,
    last_modified_ms: i64,
) -> Result<StoredConfiguration, StoreError> {
    let corrupt = |what: &str| StoreError(format!("corrupt configuration: {what}"));
    Ok(StoredConfiguration {
        scope: AttachmentScope::parse(scope).ok_or_else(|| corrupt(scope))?,
        max_size_bytes: max_size_bytes.map(|size| u64::try_from(size).map_err(|_| corrupt("size"))).transpose()?,
        allowed_extensions: extensions
            .map(|json| serde_json::from_str(json).map_err(|_| corrupt("extensions")))
            .transpose()?,
        last_modified_time: OffsetDateTime::from_unix_timestamp_nanos(i128::from(last_modified_ms) * 1_000_000)
            .map_err(|_| corrupt("time"))?,
    })
}

/// An update's columns, in the order [`stored_configuration`] reads them.
pub(crate) fn update_columns(update: &ConfigurationUpdate, now: OffsetDateTime) -> (Option<i64>, Option<String>, i64) {
    let extensions = update.allowed_extensions.as_ref().map(|list| serde_json::Value::from(list.clone()).to_string());
    let now_ms = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    (update.max_size_bytes.map(signed), extensions, now_ms)
}

/// `error` and its causes: tokio-postgres's own text is only the kind ("db error"), the server's
/// message (such as "permission denied for table access_keys") or a refused TLS handshake's reason
/// is its source.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text = format!("{text}: {cause_text}"); // pool errors also print their source
        }
        source = cause.source();
    }
    text
}

pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
