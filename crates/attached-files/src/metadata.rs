//! Metadata storage: a small trait, and its embedded SQLite default.
//!
//! SQLite rather than a single-process engine such as redb: the operator commands open the same
//! database while the server runs, and SQLite's WAL mode lets several processes read and write
//! one file safely. `synchronous=FULL` makes every commit wait for fsync of the WAL.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use crate::record::{FileRecord, FileStatus};

/// Why the metadata store could not answer. The cause is for logs, never for callers.
#[derive(Debug, thiserror::Error)]
#[error("metadata store: {0}")]
pub struct StoreError(String);

impl StoreError {
    fn from(cause: impl std::fmt::Display) -> Self {
        Self(cause.to_string())
    }
}

#[async_trait]
pub trait MetadataStore: Send + Sync + 'static {
    /// Adds a new record; its FileId must not exist yet.
    async fn insert(&self, record: &FileRecord) -> Result<(), StoreError>;
    /// The record of `file_id` if it belongs to `instance_id`.
    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError>;
    /// Sets the status of a file of `instance_id`; false if there is no such file.
    async fn set_status(&self, instance_id: &str, file_id: &str, status: FileStatus) -> Result<bool, StoreError>;
    /// Every file of `instance_id`, oldest first.
    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError>;
}

/// The embedded default: one SQLite file, the record kept as JSON beside its keys.
pub struct SqliteStore {
    /// Writes, and reads of many rows, go through this connection off the async threads: a
    /// commit waits for fsync.
    conn: Arc<Mutex<Connection>>,
    /// Lookups of one file run on the calling thread, on a connection of their own: in WAL mode
    /// a read waits for no writer, and a lookup by primary key in a cached page takes a few
    /// microseconds, less than a hop to the blocking pool and back, which under load made the
    /// threads spend more time switching than working.
    readers: Vec<Mutex<Connection>>,
}

/// How long a lookup on the calling thread may wait when SQLite is busy (recovering the WAL
/// after a crash of another process), before it gives up with an error.
const READER_BUSY_TIMEOUT: Duration = Duration::from_millis(250);

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open = |busy_timeout| -> Result<Connection, StoreError> {
            let conn = Connection::open(path).map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
            conn.busy_timeout(busy_timeout).map_err(StoreError::from)?;
            Ok(conn)
        };
        // Another process (an operator command, a second server) may hold the write lock briefly.
        let conn = open(Duration::from_secs(5))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS attached_files (
                 file_id     TEXT PRIMARY KEY,
                 instance_id TEXT NOT NULL,
                 record      TEXT NOT NULL
             );
             -- An index entry ends with the rowid, so listing in insertion order needs no sort.
             CREATE INDEX IF NOT EXISTS attached_files_by_instance ON attached_files (instance_id);",
        )
        .map_err(StoreError::from)?;
        // One reader per CPU, so that the async threads seldom wait for each other.
        let count = std::thread::available_parallelism().map_or(2, |n| n.get());
        let readers = (0..count).map(|_| open(READER_BUSY_TIMEOUT).map(Mutex::new)).collect::<Result<_, _>>()?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), readers })
    }

    /// Runs `work` on the connection off the async threads: SQLite calls block.
    async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().map_err(|_| StoreError("connection lock poisoned".into()))?;
            work(&conn)
        })
        .await
        .map_err(StoreError::from)?
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

fn decode(json: String) -> Result<FileRecord, StoreError> {
    serde_json::from_str(&json).map_err(|e| StoreError(format!("corrupt record: {e}")))
}

#[async_trait]
impl MetadataStore for SqliteStore {
    async fn insert(&self, record: &FileRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(StoreError::from)?;
        let (file_id, instance_id) = (record.file_id.clone(), record.instance_id.clone());
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO attached_files (file_id, instance_id, record) VALUES (?1, ?2, ?3)",
                params![file_id, instance_id, json],
            )
            .map_err(StoreError::from)?;
            Ok(())
        })
        .await
    }

    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT record FROM attached_files WHERE file_id = ?1 AND instance_id = ?2")
                .and_then(|mut stmt| stmt.query_row(params![file_id, instance_id], |row| row.get(0)).optional())
                .map_err(StoreError::from)?
                .map(decode)
                .transpose()
        })
    }

    async fn set_status(&self, instance_id: &str, file_id: &str, status: FileStatus) -> Result<bool, StoreError> {
        let (instance_id, file_id) = (instance_id.to_owned(), file_id.to_owned());
        self.with_conn(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE attached_files SET record = json_set(record, '$.FileStatus', ?3)
                     WHERE file_id = ?1 AND instance_id = ?2",
                    params![file_id, instance_id, status.as_str()],
                )
                .map_err(StoreError::from)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError> {
        let instance_id = instance_id.to_owned();
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT record FROM attached_files WHERE instance_id = ?1 ORDER BY rowid")
                .map_err(StoreError::from)?;
            let rows = stmt.query_map(params![instance_id], |row| row.get(0)).map_err(StoreError::from)?;
            rows.map(|json| decode(json.map_err(StoreError::from)?)).collect()
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        }
    }

    #[tokio::test]
    async fn records_survive_reopening_and_are_scoped_to_their_instance() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.sqlite3");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert(&record("i1", "f1")).await.unwrap();
            store.insert(&record("i1", "f2")).await.unwrap();
            store.insert(&record("i2", "f3")).await.unwrap();
            assert!(store.insert(&record("i1", "f1")).await.is_err(), "a FileId is unique");
            assert!(store.set_status("i1", "f1", FileStatus::Approved).await.unwrap());
            assert!(!store.set_status("i2", "f1", FileStatus::Approved).await.unwrap());
        }
        let store = SqliteStore::open(&path).unwrap();
        let mut expected = record("i1", "f1");
        expected.file_status = FileStatus::Approved;
        assert_eq!(store.get("i1", "f1").await.unwrap(), Some(expected));
        assert_eq!(store.get("i2", "f1").await.unwrap(), None);
        assert_eq!(store.get("i1", "nope").await.unwrap(), None);
        let listed: Vec<_> = store.list("i1").await.unwrap().into_iter().map(|r| r.file_id).collect();
        assert_eq!(listed, ["f1", "f2"]);
    }

    #[tokio::test]
    async fn two_handles_on_one_file_see_each_others_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.sqlite3");
        let (server, operator) = (SqliteStore::open(&path).unwrap(), SqliteStore::open(&path).unwrap());
        operator.insert(&record("i", "f")).await.unwrap();
        assert_eq!(server.get("i", "f").await.unwrap().unwrap().file_status, FileStatus::Processing);
        operator.set_status("i", "f", FileStatus::Rejected).await.unwrap();
        assert_eq!(server.get("i", "f").await.unwrap().unwrap().file_status, FileStatus::Rejected);
    }
}
