//! The embedded default store: SQLite.
//!
//! SQLite rather than a single-process engine such as redb: the operator commands open the same
//! database while the server runs, and SQLite's WAL mode lets several processes read and write
//! one file safely. `synchronous=FULL` makes every commit wait for fsync of the WAL.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::cache::{RecordCache, WriteCount};
use super::{Inserted, MetadataStore, Position, Quota, StoreError, signed, stored_configuration, update_columns};
use crate::configuration::{AttachmentScope, ConfigurationUpdate, StoredConfiguration};
use crate::record::{FileRecord, FileStatus, Phase};

/// The embedded default: one SQLite file, the record kept as JSON beside its keys, its phase and
/// the columns that the idempotency and quota checks look up.
pub struct SqliteStore {
    /// Writes, and reads of many rows, go through this connection off the async threads: a
    /// commit waits for fsync.
    conn: Arc<Mutex<Connection>>,
    /// Lookups of one file run on the calling thread, on a connection of their own: in WAL mode
    /// a read waits for no writer, and a lookup by primary key in a cached page takes a few
    /// microseconds, less than a hop to the blocking pool and back, which under load made the
    /// threads spend more time switching than working.
    readers: Vec<Mutex<Connection>>,
    /// Every process's writes to the database, counted (see [`cache`]).
    writes: Arc<WriteCount>,
    /// Records read by [`MetadataStore::get`] since the last write.
    cache: RecordCache,
}

/// How long a lookup on the calling thread may wait when SQLite is busy (recovering the WAL
/// after a crash of another process), before it gives up with an error.
const READER_BUSY_TIMEOUT: Duration = Duration::from_millis(250);

/// The schema, as `PRAGMA user_version` numbers it. Version 1 (GetAttachedFile only) had the
/// table with its first three columns; version 2 adds what uploads and deletes need; version 3
/// the instances' attached-files configurations.
const SCHEMA_VERSION: i64 = 3;

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open = |busy_timeout| -> Result<Connection, StoreError> {
            let conn = Connection::open(path).map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
            conn.busy_timeout(busy_timeout).map_err(StoreError::from)?;
            Ok(conn)
        };
        // Another process (an operator command, a second server) may hold the write lock briefly.
        let mut conn = open(Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").map_err(StoreError::from)?;
        let writes = Arc::new(WriteCount::beside(path)?);
        write(&mut conn, &writes, migrate)?;
        // One reader per CPU, so that the async threads seldom wait for each other.
        let count = std::thread::available_parallelism().map_or(2, |n| n.get());
        let readers = (0..count).map(|_| open(READER_BUSY_TIMEOUT).map(Mutex::new)).collect::<Result<_, _>>()?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), readers, writes, cache: RecordCache::default() })
    }

    /// Runs `work` on the connection off the async threads: SQLite calls block.
    async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().map_err(|_| StoreError("connection lock poisoned".into()))?;
            work(&mut conn)
        })
        .await
        .map_err(StoreError::from)?
    }

    /// Runs `work` in a write transaction, committed if it succeeds, off the async threads.
    async fn with_write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let writes = self.writes.clone();
        self.with_conn(move |conn| write(conn, &writes, work)).await
    }

    /// Runs a short read on a free reader connection, on the calling thread.
    fn read<T>(&self, work: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let conn = match self.readers.iter().find_map(|reader| reader.try_lock().ok()) {
            Some(conn) => conn,
            None => self.readers[0].lock().map_err(|_| StoreError("connection lock poisoned".into()))?,
        };
        work(&conn)
    }
}

/// Runs `work` in a write transaction, committed if it succeeds, counted in `writes` (every
/// change to the database goes through here, so that no process's cache misses it).
fn write<T>(
    conn: &mut Connection,
    writes: &WriteCount,
    work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    // Holding SQLite's write lock, so that the numbers follow the order of the commits.
    let number = writes.begin()?;
    let result = work(&tx).and_then(move |value| tx.commit().map(|()| value).map_err(StoreError::from));
    // Committed, or rolled back when `tx` was dropped. Should the count fail to end, caches stay
    // off (never stale) until the next write: the write itself has happened.
    if let Err(e) = writes.end(number) {
        tracing::warn!("{e}: cached records are not used until the next write");
    }
    result
}

/// Brings the database to [`SCHEMA_VERSION`], whichever process gets there first.
fn migrate(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(StoreError::from)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "the database has schema version {version}, newer than this program's {SCHEMA_VERSION}"
        )));
    }
    if version < 1 {
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS attached_files (
                 file_id     TEXT PRIMARY KEY,
                 instance_id TEXT NOT NULL,
                 record      TEXT NOT NULL
             );
             -- An index entry ends with the rowid, so listing in insertion order needs no sort.
             CREATE INDEX IF NOT EXISTS attached_files_by_instance ON attached_files (instance_id);",
        )
        .map_err(StoreError::from)?;
    }
    if version < 2 {
        tx.execute_batch(
            "ALTER TABLE attached_files ADD COLUMN phase TEXT NOT NULL DEFAULT 'COMPLETE';
             ALTER TABLE attached_files ADD COLUMN client_token TEXT;
             ALTER TABLE attached_files ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
             UPDATE attached_files SET size = json_extract(record, '$.FileSizeInBytes');
             CREATE UNIQUE INDEX attached_files_by_token ON attached_files (instance_id, client_token)
                 WHERE client_token IS NOT NULL;
             CREATE INDEX attached_files_by_phase ON attached_files (phase) WHERE phase != 'COMPLETE';
             -- What each instance holds, kept with every insert and removal, so that the quota
             -- check costs one row whatever the number of files.
             CREATE TABLE instance_usage (
                 instance_id TEXT PRIMARY KEY,
                 files       INTEGER NOT NULL,
                 bytes       INTEGER NOT NULL
             );
             INSERT INTO instance_usage
                 SELECT instance_id, COUNT(*), SUM(size) FROM attached_files GROUP BY instance_id;",
        )
        .map_err(StoreError::from)?;
    }
    if version < 3 {
        tx.execute_batch(CONFIGURATIONS_TABLE).map_err(StoreError::from)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(StoreError::from)
}

/// One row per scope an update named; see [`super::stored_configuration`] for the columns.
const CONFIGURATIONS_TABLE: &str = "CREATE TABLE attached_files_configurations (
         instance_id      TEXT NOT NULL,
         scope            TEXT NOT NULL,
         max_size_bytes   INTEGER,
         extensions       TEXT,
         last_modified_ms INTEGER NOT NULL,
         PRIMARY KEY (instance_id, scope)
     );";

const CONFIGURATION_COLUMNS: &str = "scope, max_size_bytes, extensions, last_modified_ms";

fn decode_configuration(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<StoredConfiguration, StoreError>> {
    let (scope, size, extensions, time): (String, Option<i64>, Option<String>, i64) =
        (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
    Ok(stored_configuration(&scope, size, extensions.as_deref(), time))
}

fn decode(json: String, phase: String) -> Result<FileRecord, StoreError> {
    let mut record: FileRecord = serde_json::from_str(&json).map_err(|e| StoreError(format!("corrupt record: {e}")))?;
    record.phase = Phase::parse(&phase).ok_or_else(|| StoreError(format!("corrupt record: phase {phase:?}")))?;
    Ok(record)
}

fn decode_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String)> {
    Ok((row.get(0)?, row.get(1)?))
}

/// SQLite's and PostgreSQL's integers are signed; sizes and quotas beyond i64 are clamped, which
/// no file reaches.
#[async_trait]
impl MetadataStore for SqliteStore {
    async fn insert(&self, record: &FileRecord, quota: Quota) -> Result<Inserted, StoreError> {
        let json = serde_json::to_string(record).map_err(StoreError::from)?;
        let record = record.clone();
        self.with_write(move |tx| {
            if let Some(token) = &record.client_token {
                let existing = tx
                    .query_row(
                        "SELECT record, phase FROM attached_files WHERE instance_id = ?1 AND client_token = ?2",
                        params![record.instance_id, token],
                        decode_row,
                    )
                    .optional()
                    .map_err(StoreError::from)?;
                if let Some((json, phase)) = existing {
                    return Ok(Inserted::Existing(Box::new(decode(json, phase)?)));
                }
            }
            let (files, bytes): (i64, i64) = tx
                .query_row(
                    "SELECT files, bytes FROM instance_usage WHERE instance_id = ?1",
                    params![record.instance_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(StoreError::from)?
                .unwrap_or((0, 0));
            let size = signed(record.file_size_in_bytes);
            if let Some(exceeded) = quota.exceeded_by(files, bytes, size) {
                return Ok(Inserted::Refused(exceeded));
            }
            tx.execute(
                "INSERT INTO attached_files (file_id, instance_id, record, phase, client_token, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![record.file_id, record.instance_id, json, record.phase.as_str(), record.client_token, size],
            )
            .map_err(StoreError::from)?;
            tx.execute(
                "INSERT INTO instance_usage (instance_id, files, bytes) VALUES (?1, 1, ?2)
                 ON CONFLICT (instance_id) DO UPDATE SET files = files + 1, bytes = bytes + ?2",
                params![record.instance_id, size],
            )
            .map_err(StoreError::from)?;
            Ok(Inserted::New)
        })
        .await
    }

    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError> {
        let version = self.writes.settled();
        if let Some(record) = version.and_then(|version| self.cache.get(version, instance_id, file_id)) {
            return Ok(Some(record));
        }
        let record = self.read(|conn| {
            conn.prepare_cached("SELECT record, phase FROM attached_files WHERE file_id = ?1 AND instance_id = ?2")
                .and_then(|mut stmt| stmt.query_row(params![file_id, instance_id], decode_row).optional())
                .map_err(StoreError::from)?
                .map(|(json, phase)| decode(json, phase))
                .transpose()
        })?;
        // Kept only if no write began while it was read.
        if let (Some(record), Some(version)) = (&record, version)
            && self.writes.settled() == Some(version)
        {
            self.cache.put(version, record);
        }
        Ok(record)
    }

    async fn advance(
        &self,
        instance_id: &str,
        file_id: &str,
        from: &[Phase],
        to: Phase,
        status: Option<FileStatus>,
    ) -> Result<bool, StoreError> {
        let (instance_id, file_id) = (instance_id.to_owned(), file_id.to_owned());
        let from: Vec<&'static str> = from.iter().map(|phase| phase.as_str()).collect();
        self.with_write(move |tx| {
            // `from` is at most the four phases: `phase IN (?4, ?5, ...)` with a placeholder each.
            let placeholders: Vec<String> = (0..from.len()).map(|i| format!("?{}", i + 4)).collect();
            let sql = format!(
                "UPDATE attached_files
                 SET phase = ?3, record = CASE WHEN ?{status} IS NULL THEN record
                                               ELSE json_set(record, '$.FileStatus', ?{status}) END
                 WHERE file_id = ?1 AND instance_id = ?2 AND phase IN ({})",
                placeholders.join(", "),
                status = from.len() + 4,
            );
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&file_id, &instance_id];
            let to = to.as_str();
            values.push(&to);
            for phase in &from {
                values.push(phase);
            }
            let status = status.map(FileStatus::as_str);
            values.push(&status);
            let changed = tx.execute(&sql, values.as_slice()).map_err(StoreError::from)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn remove(&self, instance_id: &str, file_id: &str) -> Result<bool, StoreError> {
        let (instance_id, file_id) = (instance_id.to_owned(), file_id.to_owned());
        self.with_write(move |tx| {
            let size: Option<i64> = tx
                .query_row(
                    "DELETE FROM attached_files WHERE file_id = ?1 AND instance_id = ?2 RETURNING size",
                    params![file_id, instance_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::from)?;
            let Some(size) = size else { return Ok(false) };
            tx.execute(
                "UPDATE instance_usage SET files = files - 1, bytes = bytes - ?2 WHERE instance_id = ?1",
                params![instance_id, size],
            )
            .map_err(StoreError::from)?;
            Ok(true)
        })
        .await
    }

    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError> {
        let instance_id = instance_id.to_owned();
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT record, phase FROM attached_files WHERE instance_id = ?1 ORDER BY rowid")
                .map_err(StoreError::from)?;
            let rows = stmt.query_map(params![instance_id], decode_row).map_err(StoreError::from)?;
            rows.map(|row| row.map_err(StoreError::from).and_then(|(json, phase)| decode(json, phase))).collect()
        })
        .await
    }

    async fn in_phase(
        &self,
        phase: Phase,
        after: Position,
        limit: usize,
    ) -> Result<Vec<(Position, FileRecord)>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT rowid, record, phase FROM attached_files WHERE phase = ?1 AND rowid > ?2
                     ORDER BY rowid LIMIT ?3",
                )
                .map_err(StoreError::from)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt
                .query_map(params![phase.as_str(), after.0, limit], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
                })
                .map_err(StoreError::from)?;
            rows.map(|row| {
                let (rowid, json, phase) = row.map_err(StoreError::from)?;
                Ok((Position(rowid), decode(json, phase)?))
            })
            .collect()
        })
        .await
    }

    async fn configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
    ) -> Result<Option<StoredConfiguration>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {CONFIGURATION_COLUMNS} FROM attached_files_configurations WHERE instance_id = ?1 AND scope = ?2"
            );
            conn.prepare_cached(&sql)
                .and_then(|mut stmt| stmt.query_row(params![instance_id, scope.as_str()], decode_configuration).optional())
                .map_err(StoreError::from)?
                .transpose()
        })
    }

    async fn configurations(&self, instance_id: &str) -> Result<Vec<StoredConfiguration>, StoreError> {
        self.read(|conn| {
            let sql =
                format!("SELECT {CONFIGURATION_COLUMNS} FROM attached_files_configurations WHERE instance_id = ?1");
            let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::from)?;
            let rows = stmt.query_map(params![instance_id], decode_configuration).map_err(StoreError::from)?;
            rows.map(|row| row.map_err(StoreError::from)?).collect()
        })
    }

    async fn update_configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
        update: &ConfigurationUpdate,
        now: time::OffsetDateTime,
    ) -> Result<StoredConfiguration, StoreError> {
        let instance_id = instance_id.to_owned();
        let (size, extensions, now) = update_columns(update, now);
        self.with_write(move |tx| {
            let sql = format!(
                "INSERT INTO attached_files_configurations VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (instance_id, scope) DO UPDATE SET
                     max_size_bytes = COALESCE(excluded.max_size_bytes, max_size_bytes),
                     extensions = COALESCE(excluded.extensions, extensions),
                     last_modified_ms = excluded.last_modified_ms
                 RETURNING {CONFIGURATION_COLUMNS}"
            );
            tx.query_row(&sql, params![instance_id, scope.as_str(), size, extensions, now], decode_configuration)
                .map_err(StoreError::from)?
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    //! What only SQLite has; the contract both stores keep is in tests/metadata_stores.rs.
    use std::os::unix::fs::FileExt;

    use super::*;
    use crate::metadata::QuotaExceeded;
    use crate::record::{CreatedBy, ObjectLocation};

    fn record(instance_id: &str, file_id: &str) -> FileRecord {
        FileRecord {
            instance_id: instance_id.into(),
            file_id: file_id.into(),
            file_arn: format!("arn:aws:connect:us-east-1:111122223333:instance/{instance_id}/file/{file_id}"),
            file_name: "notes.txt".into(),
            file_size_in_bytes: 5,
            file_status: FileStatus::Processing,
            file_use_case_type: Some("ATTACHMENT".into()),
            created_by: Some(CreatedBy::ConnectUserArn("arn:aws:connect:us-east-1:111122223333:user/u".into())),
            creation_time: time::macros::datetime!(2024-05-03 02:41:28.172 UTC),
            associated_resource_arn: "arn:aws:cases:us-east-1:111122223333:domain/d/case/c".into(),
            tags: [("team".to_string(), "blue".to_string())].into(),
            object: ObjectLocation { bucket: "b".into(), key: format!("files/{file_id}") },
            client_token: None,
            upload_url_expiry_in_seconds: Some(300),
            phase: Phase::Complete,
        }
    }

    /// Changes a record's status behind the stores' back, as a program that does not count its
    /// writes would.
    fn set_status_uncounted(path: &Path, file_id: &str, status: FileStatus) {
        let conn = Connection::open(path).unwrap();
        let changed = conn
            .execute(
                "UPDATE attached_files SET record = json_set(record, '$.FileStatus', ?2) WHERE file_id = ?1",
                params![file_id, status.as_str()],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }

    async fn status(store: &SqliteStore, file_id: &str) -> FileStatus {
        store.get("i", file_id).await.unwrap().unwrap().file_status
    }

    #[tokio::test]
    async fn a_cached_record_is_read_again_after_any_counted_write_by_any_store_on_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.sqlite3");
        let (server, operator) = (SqliteStore::open(&path).unwrap(), SqliteStore::open(&path).unwrap());
        let quota = Quota { max_files: 10, max_bytes: 100 };
        assert_eq!(server.insert(&record("i", "f"), quota).await.unwrap(), Inserted::New);
        assert_eq!(status(&server, "f").await, FileStatus::Processing);

        // The record is answered from the cache: an uncounted change is not seen...
        set_status_uncounted(&path, "f", FileStatus::Rejected);
        assert_eq!(status(&server, "f").await, FileStatus::Processing);
        assert_eq!(status(&operator, "f").await, FileStatus::Rejected, "a store with a cold cache reads SQLite");
        // ...but any counted write, by the other store, on another record, is.
        assert_eq!(operator.insert(&record("i", "g"), quota).await.unwrap(), Inserted::New);
        assert_eq!(status(&server, "f").await, FileStatus::Rejected);
        assert!(
            operator.advance("i", "f", &[Phase::Complete], Phase::Complete, Some(FileStatus::Approved)).await.unwrap()
        );
        assert_eq!(status(&server, "f").await, FileStatus::Approved);
        assert!(operator.remove("i", "f").await.unwrap());
        assert_eq!(server.get("i", "f").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_write_that_never_ended_turns_the_cache_off_until_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        let quota = Quota { max_files: 10, max_bytes: 100 };
        store.insert(&record("i", "f"), quota).await.unwrap();
        assert_eq!(status(&store, "f").await, FileStatus::Processing);

        // A writer in another process counts its write as begun, then dies.
        WriteCount::beside(&path).unwrap().begin().unwrap();
        set_status_uncounted(&path, "f", FileStatus::Rejected);
        assert_eq!(status(&store, "f").await, FileStatus::Rejected, "read from SQLite, not the cache");
        set_status_uncounted(&path, "f", FileStatus::Approved);
        assert_eq!(status(&store, "f").await, FileStatus::Approved, "nothing is cached while a write is under way");

        // The next write settles the count again, and the cache is used again.
        store.insert(&record("i", "g"), quota).await.unwrap();
        assert_eq!(status(&store, "f").await, FileStatus::Approved);
        set_status_uncounted(&path, "f", FileStatus::Rejected);
        assert_eq!(status(&store, "f").await, FileStatus::Approved);
    }

    #[test]
    fn a_torn_count_reads_as_a_write_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("writes");
        let count = WriteCount::open(&path).unwrap();
        assert_eq!(count.settled(), Some(0), "a new file counts no write");
        let number = count.begin().unwrap();
        assert_eq!(count.settled(), None);
        count.end(number).unwrap();
        assert_eq!(count.settled(), Some(1));
        // Half of a later `pwrite` of `ended`: its count without its check.
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().write_all_at(&7u64.to_le_bytes(), 16).unwrap();
        assert_eq!(count.settled(), None);
        let number = count.begin().unwrap();
        assert_eq!(number, 2, "numbering goes on above the readable count");
        count.end(number).unwrap();
        assert_eq!(count.settled(), Some(2));
    }

    #[tokio::test]
    async fn a_version_1_database_is_migrated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.sqlite3");
        let old = record("i", "f");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE attached_files (file_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, record TEXT NOT NULL);
                 CREATE INDEX attached_files_by_instance ON attached_files (instance_id);",
            )
            .unwrap();
            let mut json: serde_json::Value = serde_json::to_value(&old).unwrap();
            json.as_object_mut().unwrap().remove("UploadUrlExpiryInSeconds");
            conn.execute("INSERT INTO attached_files VALUES ('f', 'i', ?1)", params![json.to_string()]).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let migrated = store.get("i", "f").await.unwrap().unwrap();
        assert_eq!(migrated, FileRecord { upload_url_expiry_in_seconds: None, ..old });
        let quota = Quota { max_files: 2, max_bytes: 9 };
        let big = FileRecord { file_size_in_bytes: 5, ..record("i", "g") };
        assert_eq!(store.insert(&big, quota).await.unwrap(), Inserted::Refused(QuotaExceeded::TotalSize));
        drop(store);
        SqliteStore::open(&path).expect("opening a migrated database again");
    }
}
