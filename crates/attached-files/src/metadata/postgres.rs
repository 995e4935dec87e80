//! The metadata store on PostgreSQL, for several stateless replicas of the server: everything
//! they must agree on (idempotency tokens, quotas, phases, statuses) is decided inside the
//! database, in transactions, so no replica holds state another could contradict.
//!
//! The same tables as the SQLite store, with the record as `jsonb`. Schema changes are applied on
//! start, under an advisory lock, so that replicas starting together apply each once. The schema
//! also holds the server's access keys (`access_keys`, read and written by the server crate over
//! [`connect`]'s pool), so that one migration sequence describes the whole database.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::replica_cache::{self, ReplicaCache};
use super::{Inserted, MetadataStore, Position, Quota, StoreError, signed, stored_configuration, update_columns};
use crate::configuration::{AttachmentScope, ConfigurationUpdate, StoredConfiguration};
use crate::record::{FileRecord, FileStatus, Phase};

/// The connections a server keeps open: enough for both cores' worth of calls in flight.
const POOL_SIZE: usize = 16;

/// The schema, in steps; `schema_version` holds how many have been applied.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE attached_files (
         seq          BIGSERIAL UNIQUE,
         file_id      TEXT PRIMARY KEY,
         instance_id  TEXT NOT NULL,
         record       JSONB NOT NULL,
         phase        TEXT NOT NULL,
         client_token TEXT,
         size         BIGINT NOT NULL
     );
     CREATE INDEX attached_files_by_instance ON attached_files (instance_id, seq);
     CREATE UNIQUE INDEX attached_files_by_token ON attached_files (instance_id, client_token)
         WHERE client_token IS NOT NULL;
     CREATE INDEX attached_files_by_phase ON attached_files (phase, seq) WHERE phase <> 'COMPLETE';
     -- What each instance holds, kept with every insert and removal: the quota check locks and
     -- reads one row, whatever the number of files.
     CREATE TABLE instance_usage (
         instance_id TEXT PRIMARY KEY,
         files       BIGINT NOT NULL,
         bytes       BIGINT NOT NULL
     );",
    // The instances' attached-files configurations: one row per scope an update named; see
    // `super::stored_configuration` for the columns.
    "CREATE TABLE attached_files_configurations (
         instance_id      TEXT NOT NULL,
         scope            TEXT NOT NULL,
         max_size_bytes   BIGINT,
         extensions       TEXT,
         last_modified_ms BIGINT NOT NULL,
         PRIMARY KEY (instance_id, scope)
     );",
    // The server's access keys, shared by every replica: what SigV4 verification needs, so the
    // secret itself (a SigV4 signing key is derived from it, per day, region and service).
    "CREATE TABLE access_keys (
         seq               BIGSERIAL UNIQUE,
         access_key_id     TEXT PRIMARY KEY,
         secret_access_key TEXT NOT NULL,
         instances         TEXT[] NOT NULL,
         operations        TEXT[] NOT NULL,
         identity_arn      TEXT
     );",
    // The replicas' record caches (`super::replica_cache`): the clock every write that changes a
    // record ticks, and each cache's lease and the last tick it has seen.
    "CREATE TABLE cache_clock (tick BIGINT NOT NULL);
     INSERT INTO cache_clock VALUES (0);
     CREATE TABLE record_caches (
         cache_id    TEXT PRIMARY KEY,
         seen        BIGINT NOT NULL,
         lease_until TIMESTAMPTZ NOT NULL
     );",
];

/// A statement that runs `change` (which returns the `file_id` it changed, if any) and, when it
/// changed a record, ticks the clock and notifies the replicas' caches
/// (`super::replica_cache`) in the same transaction: it answers a row `tick, (notification)`
/// and then the columns `also` selects, or no row when nothing changed.
fn ticking(change: &str, also: &str) -> String {
    format!(
        "WITH changed AS ({change}),
              ticked AS (UPDATE cache_clock SET tick = tick + 1 WHERE EXISTS (SELECT 1 FROM changed) RETURNING tick)
         SELECT tick, pg_notify('{}', tick || ' ' || (SELECT file_id FROM changed)){also} FROM ticked",
        replica_cache::CHANNEL
    )
}

/// An arbitrary key for `pg_advisory_xact_lock`, held while the schema is brought up to date.
const MIGRATION_LOCK: i64 = 0x6174_7461_6368_6564; // "attached"

pub struct PostgresStore {
    pool: Pool,
    /// Answers only while the listener keeps it (never without one).
    cache: Arc<ReplicaCache>,
    listener: Option<tokio::task::AbortHandle>,
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

/// The error, with its causes ([`super::with_causes`]).
pub(super) fn store_error(cause: impl std::error::Error) -> StoreError {
    StoreError::new(format!("postgres: {}", super::with_causes(&cause)))
}

/// A pool of at most `size` connections to the database at `url`
/// (`postgres://user:password@host:port/database`, with
/// `?sslmode=require|verify-ca|verify-full[&sslrootcert=CA.pem]` for TLS, see [`super::tls`]),
/// whose schema it first brings up to date.
pub async fn connect(url: &str, size: usize) -> Result<Pool, StoreError> {
    let (config, tls) = super::tls::config(url)?;
    let recycling = ManagerConfig { recycling_method: RecyclingMethod::Fast };
    let manager = match tls {
        Some(tls) => Manager::from_config(config, tls, recycling),
        None => Manager::from_config(config, NoTls, recycling),
    };
    let pool = Pool::builder(manager).max_size(size).build().map_err(store_error)?;
    migrate(&pool).await?;
    Ok(pool)
}

async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(store_error)?;
    // A schema already up to date needs no lock and no write, so that a role without the right to
    // change the schema (a server's, granted only what it uses) can start on it.
    let exists =
        client.query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[]).await.map_err(store_error)?;
    if exists.get::<_, bool>(0) {
        let current = client.query_opt("SELECT version FROM schema_version", &[]).await.map_err(store_error)?;
        if current.is_some_and(|row| row.get::<_, i32>(0) == MIGRATIONS.len() as i32) {
            return Ok(());
        }
    }
    let tx = client.transaction().await.map_err(store_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(store_error)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .await
        .map_err(store_error)?;
    let applied: i32 = match tx.query_opt("SELECT version FROM schema_version", &[]).await.map_err(store_error)? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO schema_version VALUES (0)", &[]).await.map_err(store_error)?;
            0
        }
    };
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        return Err(StoreError::new(format!(
            "the database has schema version {applied}, newer than this program's {known}"
        )));
    }
    for migration in &MIGRATIONS[applied as usize..] {
        tx.batch_execute(migration).await.map_err(store_error)?;
    }
    tx.execute("UPDATE schema_version SET version = $1", &[&known]).await.map_err(store_error)?;
    tx.commit().await.map_err(store_error)
}

impl PostgresStore {
    /// Connects to the database at `url` and brings its schema up to date: a store without a
    /// record cache, for short-lived programs (the operator commands). Its writes still wait for
    /// the caches of the replicas.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = connect(url, POOL_SIZE).await?;
        Ok(Self { pool, cache: Arc::new(ReplicaCache::new()), listener: None })
    }

    /// [`PostgresStore::connect`], and starts the listener that keeps this replica's record cache
    /// true (`super::replica_cache`; it runs until the store is dropped): the store of a server.
    pub async fn connect_cached(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::connect(url).await?;
        let (mut config, tls) = super::tls::config(url)?;
        config.application_name("attached-files record cache");
        let cache = store.cache.clone();
        let listener = match tls {
            Some(tls) => tokio::spawn(replica_cache::listen(cache, config, tls)),
            None => tokio::spawn(replica_cache::listen(cache, config, NoTls)),
        };
        store.listener = Some(listener.abort_handle());
        Ok(store)
    }

    /// Returns once every other replica with a live lease has dropped what the write of `tick`
    /// (to `file_id`) changed from its cache, or its lease ran out; this replica's own cache
    /// forgets it at once.
    async fn acknowledged(&self, tick: i64, file_id: &str) -> Result<(), StoreError> {
        self.cache.invalidate(file_id);
        let client = self.client().await?;
        let waiting = client
            .prepare_cached(
                "SELECT count(*) FROM record_caches WHERE cache_id <> $1 AND seen < $2 AND lease_until > now()",
            )
            .await
            .map_err(store_error)?;
        let mut pause = Duration::from_micros(250);
        while client.query_one(&waiting, &[&self.cache.id, &tick]).await.map_err(store_error)?.get::<_, i64>(0) > 0 {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
        }
        Ok(())
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(store_error)
    }
}

const CONFIGURATION_COLUMNS: &str = "scope, max_size_bytes, extensions, last_modified_ms";

/// The configuration of a row of [`CONFIGURATION_COLUMNS`].
fn decode_configuration(row: &tokio_postgres::Row) -> Result<StoredConfiguration, StoreError> {
    stored_configuration(row.get(0), row.get(1), row.get(2), row.get(3))
}

/// The record of a row of `record::text, phase`.
fn decode(row: &tokio_postgres::Row) -> Result<FileRecord, StoreError> {
    let (json, phase): (String, String) = (row.get(0), row.get(1));
    let mut record: FileRecord =
        serde_json::from_str(&json).map_err(|e| StoreError::new(format!("corrupt record: {e}")))?;
    record.phase = Phase::parse(&phase).ok_or_else(|| StoreError::new(format!("corrupt record: phase {phase:?}")))?;
    Ok(record)
}

#[async_trait]
impl MetadataStore for PostgresStore {
    async fn insert(&self, record: &FileRecord, quota: Quota) -> Result<Inserted, StoreError> {
        let json = serde_json::to_string(record).map_err(store_error)?;
        let size = signed(record.file_size_in_bytes);
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(store_error)?;
        // The instance's usage row, locked: Starts of one instance take turns here, on every replica.
        tx.execute(
            "INSERT INTO instance_usage VALUES ($1, 0, 0) ON CONFLICT (instance_id) DO NOTHING",
            &[&record.instance_id],
        )
        .await
        .map_err(store_error)?;
        let usage = tx
            .query_one(
                "SELECT files, bytes FROM instance_usage WHERE instance_id = $1 FOR UPDATE",
                &[&record.instance_id],
            )
            .await
            .map_err(store_error)?;
        if let Some(token) = &record.client_token {
            let existing = tx
                .query_opt(
                    "SELECT record::text, phase FROM attached_files WHERE instance_id = $1 AND client_token = $2",
                    &[&record.instance_id, token],
                )
                .await
                .map_err(store_error)?;
            if let Some(row) = existing {
                return Ok(Inserted::Existing(Box::new(decode(&row)?)));
            }
        }
        let (files, bytes): (i64, i64) = (usage.get(0), usage.get(1));
        if let Some(exceeded) = quota.exceeded_by(files, bytes, size) {
            return Ok(Inserted::Refused(exceeded));
        }
        tx.execute(
            "INSERT INTO attached_files (file_id, instance_id, record, phase, client_token, size)
             VALUES ($1, $2, $3::text::jsonb, $4, $5, $6)",
            &[&record.file_id, &record.instance_id, &json, &record.phase.as_str(), &record.client_token, &size],
        )
        .await
        .map_err(store_error)?;
        tx.execute(
            "UPDATE instance_usage SET files = files + 1, bytes = bytes + $2 WHERE instance_id = $1",
            &[&record.instance_id, &size],
        )
        .await
        .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(Inserted::New)
    }

    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError> {
        if let Some(record) = self.cache.get(instance_id, file_id) {
            return Ok(Some(record));
        }
        let generation = self.cache.generation();
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT record::text, phase FROM attached_files WHERE file_id = $1 AND instance_id = $2")
            .await
            .map_err(store_error)?;
        let row = client.query_opt(&statement, &[&file_id, &instance_id]).await.map_err(store_error)?;
        let record = row.as_ref().map(decode).transpose()?;
        if let Some(record) = &record {
            self.cache.put(generation, record);
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
        let from: Vec<&str> = from.iter().map(|phase| phase.as_str()).collect();
        let status = status.map(FileStatus::as_str);
        let ticked = self
            .client()
            .await?
            .query_opt(
                &ticking(
                    "UPDATE attached_files
                     SET phase = $3,
                         record = CASE WHEN $5::text IS NULL THEN record
                                       ELSE jsonb_set(record, '{FileStatus}', to_jsonb($5::text)) END
                     WHERE file_id = $1 AND instance_id = $2 AND phase = ANY($4)
                     RETURNING file_id",
                    "",
                ),
                &[&file_id, &instance_id, &to.as_str(), &from, &status],
            )
            .await
            .map_err(store_error)?;
        let Some(ticked) = ticked else { return Ok(false) };
        self.acknowledged(ticked.get(0), file_id).await?;
        Ok(true)
    }

    async fn remove(&self, instance_id: &str, file_id: &str) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(store_error)?;
        let removed = tx
            .query_opt(
                &ticking(
                    "DELETE FROM attached_files WHERE file_id = $1 AND instance_id = $2 RETURNING file_id, size",
                    ", (SELECT size FROM changed)",
                ),
                &[&file_id, &instance_id],
            )
            .await
            .map_err(store_error)?;
        let Some(row) = removed else { return Ok(false) };
        let (tick, size): (i64, i64) = (row.get(0), row.get(2));
        tx.execute(
            "UPDATE instance_usage SET files = files - 1, bytes = bytes - $2 WHERE instance_id = $1",
            &[&instance_id, &size],
        )
        .await
        .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        self.acknowledged(tick, file_id).await?;
        Ok(true)
    }

    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT record::text, phase FROM attached_files WHERE instance_id = $1 ORDER BY seq",
                &[&instance_id],
            )
            .await
            .map_err(store_error)?;
        rows.iter().map(decode).collect()
    }

    async fn in_phase(
        &self,
        phase: Phase,
        after: Position,
        limit: usize,
    ) -> Result<Vec<(Position, FileRecord)>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT record::text, phase, seq FROM attached_files WHERE phase = $1 AND seq > $2
                 ORDER BY seq LIMIT $3",
                &[&phase.as_str(), &after.0, &limit],
            )
            .await
            .map_err(store_error)?;
        rows.iter().map(|row| Ok((Position(row.get(2)), decode(row)?))).collect()
    }

    async fn configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
    ) -> Result<Option<StoredConfiguration>, StoreError> {
        let client = self.client().await?;
        let sql = format!(
            "SELECT {CONFIGURATION_COLUMNS} FROM attached_files_configurations WHERE instance_id = $1 AND scope = $2"
        );
        let statement = client.prepare_cached(&sql).await.map_err(store_error)?;
        let row = client.query_opt(&statement, &[&instance_id, &scope.as_str()]).await.map_err(store_error)?;
        row.as_ref().map(decode_configuration).transpose()
    }

    async fn configurations(&self, instance_id: &str) -> Result<Vec<StoredConfiguration>, StoreError> {
        let sql = format!("SELECT {CONFIGURATION_COLUMNS} FROM attached_files_configurations WHERE instance_id = $1");
        let rows = self.client().await?.query(&sql, &[&instance_id]).await.map_err(store_error)?;
        rows.iter().map(decode_configuration).collect()
    }

    async fn update_configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
        update: &ConfigurationUpdate,
        now: time::OffsetDateTime,
    ) -> Result<StoredConfiguration, StoreError> {
        let (size, extensions, now) = update_columns(update, now);
        let sql = format!(
            "INSERT INTO attached_files_configurations AS stored VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (instance_id, scope) DO UPDATE SET
                 max_size_bytes = COALESCE(excluded.max_size_bytes, stored.max_size_bytes),
                 extensions = COALESCE(excluded.extensions, stored.extensions),
                 last_modified_ms = excluded.last_modified_ms
             RETURNING {CONFIGURATION_COLUMNS}"
        );
        let row = self
            .client()
            .await?
            .query_one(&sql, &[&instance_id, &scope.as_str(), &size, &extensions, &now])
            .await
            .map_err(store_error)?;
        decode_configuration(&row)
    }
}
