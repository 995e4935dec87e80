//! Who may call the API: the access keys callers sign with (SigV4, verified by the generated
//! SDK's plugin), each limited to some instances and operations.
//!
//! Keys live where the metadata does ([`KeyStore`]): beside SQLite, in the key file of the data
//! directory (`access-keys.json`, readable by its owner only); with PostgreSQL, in the database's
//! `access_keys` table, which every replica reads. The `keys` operator commands write them and
//! `serve` verifies with them ([`KeyRing`]): a new key works at once (a lookup of an unknown key
//! looks at the store again), a deleted one stops working within [`RELOAD_EVERY`].
//!
//! The secret itself is kept: a SigV4 signature is checked by signing again with a key derived
//! from the secret, the date, the region and the service, so no one-way form of it would do.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use attached_files::metadata::{StoreError, connect_postgres, with_causes};
use attached_files_server_sdk::error::AccessDeniedException;
use attached_files_server_sdk::server::AddExtension;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::server::plugin::{Either, HttpMarker, Plugin};
use attached_files_server_sdk::sigv4::{Keys, SigV4Plugin, SigV4Verify, Signer};
use deadpool_postgres::Pool;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio_postgres::types::ToSql;

use crate::config::{Metadata, StorageConfig};

/// The key file, in the data directory.
pub const KEY_FILE: &str = "access-keys.json";

/// How often `serve` reads the keys again (the key file only if it changed).
pub const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// In a key's instance or operation list: any.
pub const ANY: &str = "*";

/// One access key: its secret and what it may be used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Instance ids, or `*` for any.
    pub instances: Vec<String>,
    /// Operation names, or `*` for any.
    pub operations: Vec<String>,
    /// The identity a file started with this key is created by, when the Start names no
    /// creator; see [`AccessKey::identity_arn`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_arn: Option<String>,
}

impl AccessKey {
    /// A new key with a random id and secret, of AWS's shape (`AKIA` and 16 characters; 40).
    pub fn generate(instances: Vec<String>, operations: Vec<String>) -> std::io::Result<Self> {
        const ID_CHARS: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        const SECRET_CHARS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut random = [0u8; 56];
        getrandom::fill(&mut random).map_err(std::io::Error::other)?;
        // 256 is a multiple of 32 and of 64, so each character is uniform.
        let (id, secret) = random.split_at(16);
        Ok(Self {
            access_key_id: "AKIA"
                .bytes()
                .chain(id.iter().map(|b| ID_CHARS[usize::from(b % 32)]))
                .map(char::from)
                .collect(),
            secret_access_key: secret.iter().map(|b| char::from(SECRET_CHARS[usize::from(b % 64)])).collect(),
            instances,
            operations,
            identity_arn: None,
        })
    }

    /// The key's identity, recorded as a file's `CreatedBy.AWSIdentityArn` when its Start names
    /// no creator, as AWS records the caller's IAM identity: the one given at `keys create`, or
    /// by default an IAM user named after the key in the placeholder account 000000000000.
    pub fn identity_arn(&self) -> String {
        match &self.identity_arn {
            Some(arn) => arn.clone(),
            None => format!("arn:aws:iam::000000000000:user/{}", self.access_key_id),
        }
    }

    fn allows(list: &[String], name: &str) -> bool {
        list.iter().any(|allowed| allowed == ANY || allowed == name)
    }
}

/// Who is calling, as handlers see it (`Extension<Caller>`).
#[derive(Debug, Clone)]
pub enum Caller {
    /// Signature verification is off (`serve --no-verify-signatures`): anyone may call anything.
    Anyone,
    /// A request signed with this key.
    Key(Arc<AccessKey>),
}

impl Caller {
    /// The caller's identity, for files it creates; none when signatures are not verified.
    pub fn identity_arn(&self) -> Option<String> {
        match self {
            Caller::Anyone => None,
            Caller::Key(key) => Some(key.identity_arn()),
        }
    }

    /// Whether the caller may call the operation `Op` on `instance_id`; the modeled 403 if not.
    pub fn authorize<Op: OperationShape>(&self, instance_id: &str) -> Result<(), AccessDeniedException> {
        let Caller::Key(key) = self else { return Ok(()) };
        let operation = Op::ID.name();
        if AccessKey::allows(&key.operations, operation) && AccessKey::allows(&key.instances, instance_id) {
            return Ok(());
        }
        Err(AccessDeniedException {
            message: Some(format!(
                "The access key {} is not authorized to perform {operation} on instance {instance_id}",
                key.access_key_id
            )),
        })
    }
}

/// Why the access keys could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Malformed { path: PathBuf, source: serde_json::Error },
    #[error("there is no access key {0}")]
    NoSuchKey(String),
    /// The database could not be reached, or its schema brought up to date.
    #[error(transparent)]
    Connect(#[from] StoreError),
    #[error("the access keys' database: {}", with_causes(.0))]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("the access keys' database: {}", with_causes(.0))]
    Database(#[from] tokio_postgres::Error),
    /// The thread that reads or writes the key file failed.
    #[error("the key file's thread: {0}")]
    Thread(#[from] tokio::task::JoinError),
}

impl KeyError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io { path: path.to_owned(), source }
    }
}

/// Where the access keys live: with the metadata, as [`KeyStore::open`] picks.
#[derive(Debug, Clone)]
pub enum KeyStore {
    /// The key file of a data directory, beside SQLite (or a store of the caller's own).
    File(KeyFile),
    /// The table of the PostgreSQL database that replicas share.
    Database(KeyTable),
}

impl KeyStore {
    /// The keys of a server on `storage`: in its PostgreSQL database if it has one (connected,
    /// its schema brought up to date), else in its data directory's key file.
    pub async fn open(storage: &StorageConfig) -> Result<Self, KeyError> {
        match &storage.metadata {
            Metadata::Postgres { url } => Ok(Self::Database(KeyTable::connect(url).await?)),
            Metadata::Sqlite | Metadata::Store(_) => Ok(Self::File(KeyFile::in_dir(&storage.data_dir))),
        }
    }

    /// Every key, oldest first.
    pub async fn read(&self) -> Result<Vec<AccessKey>, KeyError> {
        match self {
            Self::File(file) => blocking(file, KeyFile::read).await,
            Self::Database(table) => table.read().await,
        }
    }

    /// Adds `key`.
    pub async fn add(&self, key: AccessKey) -> Result<(), KeyError> {
        match self {
            Self::File(file) => blocking(file, move |file| file.add(key)).await,
            Self::Database(table) => table.add(&key).await,
        }
    }

    /// Removes the key `access_key_id`.
    pub async fn remove(&self, access_key_id: &str) -> Result<(), KeyError> {
        match self {
            Self::File(file) => {
                let access_key_id = access_key_id.to_owned();
                blocking(file, move |file| file.remove(&access_key_id)).await
            }
            Self::Database(table) => table.remove(access_key_id).await,
        }
    }
}

/// Runs `work` on the key file on a thread where blocking is fine.
async fn blocking<T: Send + 'static>(
    file: &KeyFile,
    work: impl FnOnce(&KeyFile) -> Result<T, KeyError> + Send + 'static,
) -> Result<T, KeyError> {
    let file = file.clone();
    tokio::task::spawn_blocking(move || work(&file)).await?
}

/// The key file: read, changed under a lock, and replaced whole.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Contents {
    access_keys: Vec<AccessKey>,
}

impl KeyFile {
    pub fn in_dir(data_dir: &Path) -> Self {
        Self { path: data_dir.join(KEY_FILE) }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Every key; none if there is no file yet.
    pub fn read(&self) -> Result<Vec<AccessKey>, KeyError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice::<Contents>(&bytes)
                .map(|contents| contents.access_keys)
                .map_err(|source| KeyError::Malformed { path: self.path.clone(), source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(KeyError::io(&self.path)(e)),
        }
    }

    /// Adds `key`.
    pub fn add(&self, key: AccessKey) -> Result<(), KeyError> {
        self.change(|keys| {
            keys.push(key);
            Ok(())
        })
    }

    /// Removes the key `access_key_id`.
    pub fn remove(&self, access_key_id: &str) -> Result<(), KeyError> {
        self.change(|keys| {
            let before = keys.len();
            keys.retain(|key| key.access_key_id != access_key_id);
            if keys.len() == before { Err(KeyError::NoSuchKey(access_key_id.to_owned())) } else { Ok(()) }
        })
    }

    /// Reads, changes and replaces the file, holding a lock so that two commands at once lose
    /// nothing; the new file is complete on disk before it takes the old one's place.
    fn change(&self, edit: impl FnOnce(&mut Vec<AccessKey>) -> Result<(), KeyError>) -> Result<(), KeyError> {
        use std::os::unix::fs::OpenOptionsExt;
        let lock_path = self.path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(KeyError::io(&lock_path))?;
        lock.lock().map_err(KeyError::io(&lock_path))?;
        let mut keys = self.read()?;
        edit(&mut keys)?;
        let text = serde_json::to_vec_pretty(&Contents { access_keys: keys })
            .map_err(|source| KeyError::Malformed { path: self.path.clone(), source })?;
        let partial = self.path.with_extension(format!("json.{}", uuid::Uuid::new_v4().simple()));
        crate::storage::write_private(&partial, &text).map_err(KeyError::io(&partial))?;
        std::fs::rename(&partial, &self.path).map_err(KeyError::io(&self.path))?;
        if let Some(dir) = self.path.parent() {
            std::fs::File::open(dir).and_then(|dir| dir.sync_all()).map_err(KeyError::io(dir))?;
        }
        Ok(())
    }
}

/// The `access_keys` table of the PostgreSQL database (made by the metadata store's migrations).
#[derive(Clone)]
pub struct KeyTable {
    pool: Pool,
    /// Lookups of unknown keys hold one of these while they query, so that however many
    /// arrive at once (a caller trying made-up key ids), the reload always has a connection.
    lookups: Arc<Semaphore>,
}

impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyTable").finish_non_exhaustive()
    }
}

/// Connections that lookups of unknown keys may use at once; the pool has one more, the reload's.
const LOOKUP_CONNECTIONS: usize = 2;

const KEY_COLUMNS: &str = "access_key_id, secret_access_key, instances, operations, identity_arn";

/// The key of a row of [`KEY_COLUMNS`].
fn decode_key(row: &tokio_postgres::Row) -> Result<AccessKey, KeyError> {
    Ok(AccessKey {
        access_key_id: row.try_get(0)?,
        secret_access_key: row.try_get(1)?,
        instances: row.try_get(2)?,
        operations: row.try_get(3)?,
        identity_arn: row.try_get(4)?,
    })
}

impl KeyTable {
    /// Connects to the database at `url`, bringing its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, KeyError> {
        let pool = connect_postgres(url, LOOKUP_CONNECTIONS + 1).await?;
        Ok(Self { pool, lookups: Arc::new(Semaphore::new(LOOKUP_CONNECTIONS)) })
    }

    /// Every key, oldest first.
    pub async fn read(&self) -> Result<Vec<AccessKey>, KeyError> {
        let client = self.pool.get().await?;
        let rows = client.query(&format!("SELECT {KEY_COLUMNS} FROM access_keys ORDER BY seq"), &[]).await?;
        rows.iter().map(decode_key).collect()
    }

    /// The key `access_key_id`, if there is one.
    pub async fn find(&self, access_key_id: &str) -> Result<Option<AccessKey>, KeyError> {
        // Never closed, so acquiring cannot fail.
        let _permit = self.lookups.acquire().await.ok();
        let client = self.pool.get().await?;
        let statement =
            client.prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM access_keys WHERE access_key_id = $1")).await?;
        client.query_opt(&statement, &[&access_key_id]).await?.as_ref().map(decode_key).transpose()
    }

    /// Adds `key`.
    pub async fn add(&self, key: &AccessKey) -> Result<(), KeyError> {
        self.pool
            .get()
            .await?
            .execute(
                &format!("INSERT INTO access_keys ({KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"),
                &[
                    &key.access_key_id as &(dyn ToSql + Sync),
                    &key.secret_access_key,
                    &key.instances,
                    &key.operations,
                    &key.identity_arn,
                ],
            )
            .await?;
        Ok(())
    }

    /// Removes the key `access_key_id`.
    pub async fn remove(&self, access_key_id: &str) -> Result<(), KeyError> {
        let client = self.pool.get().await?;
        match client.execute("DELETE FROM access_keys WHERE access_key_id = $1", &[&access_key_id]).await? {
            0 => Err(KeyError::NoSuchKey(access_key_id.to_owned())),
            _ => Ok(()),
        }
    }
}

/// The keys `serve` verifies signatures with: its [`KeyStore`]'s, as last read.
#[derive(Debug, Clone)]
pub struct KeyRing {
    store: KeyStore,
    keys: Arc<RwLock<Loaded>>,
}

#[derive(Debug, Default)]
struct Loaded {
    /// The key file's inode, modification time and length when read, to notice a change.
    stamp: Option<(u64, SystemTime, u64)>,
    /// How many times all the keys were read: a key that a lookup found in the database is kept
    /// only if no reading of all ended meanwhile, which may have seen it deleted.
    loads: u64,
    by_id: HashMap<String, Arc<AccessKey>>,
}

impl KeyRing {
    /// The keys of `store`, read now.
    pub async fn load(store: KeyStore) -> Result<Self, KeyError> {
        let ring = Self { store, keys: Arc::default() };
        ring.reload().await?;
        Ok(ring)
    }

    /// How many keys there are.
    pub fn key_count(&self) -> usize {
        self.keys.read().map_or(0, |keys| keys.by_id.len())
    }

    /// Reads the keys again (the key file only if it changed since it was last read).
    pub async fn reload(&self) -> Result<(), KeyError> {
        match &self.store {
            KeyStore::File(file) => {
                let ring = self.clone();
                blocking(file, move |file| ring.reload_file(file)).await
            }
            KeyStore::Database(table) => {
                let keys = table.read().await?;
                self.replace(None, keys);
                Ok(())
            }
        }
    }

    /// Reads `file` again if it changed since it was last read.
    fn reload_file(&self, file: &KeyFile) -> Result<(), KeyError> {
        use std::os::unix::fs::MetadataExt;
        let stamp = std::fs::metadata(file.path())
            .ok()
            .map(|m| (m.ino(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        if self.keys.read().is_ok_and(|keys| keys.stamp == stamp && stamp.is_some()) {
            return Ok(());
        }
        let keys = file.read()?;
        self.replace(stamp, keys);
        Ok(())
    }

    fn replace(&self, stamp: Option<(u64, SystemTime, u64)>, keys: Vec<AccessKey>) {
        let by_id = keys.into_iter().map(|key| (key.access_key_id.clone(), Arc::new(key))).collect();
        if let Ok(mut loaded) = self.keys.write() {
            *loaded = Loaded { stamp, loads: loaded.loads + 1, by_id };
        }
    }

    /// Reads the keys again every [`RELOAD_EVERY`], until dropped; keys that cannot be read
    /// leave the ones read before in effect.
    pub async fn reload_forever(self) {
        let mut every = tokio::time::interval(RELOAD_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = self.reload().await {
                tracing::error!(cause = %e, "cannot read the access keys; keeping the ones read before");
            }
        }
    }

    fn cached(&self, access_key_id: &str) -> Option<Arc<AccessKey>> {
        self.keys.read().ok().and_then(|keys| keys.by_id.get(access_key_id).cloned())
    }

    /// The key `access_key_id`: as last read, or, for a key made a moment ago, from the store.
    async fn find(&self, access_key_id: &str) -> Option<Arc<AccessKey>> {
        if let Some(key) = self.cached(access_key_id) {
            return Some(key);
        }
        match &self.store {
            // The file is looked at again: a `stat`, and a read only if it changed.
            KeyStore::File(file) => self.reload_file(file).ok().and_then(|()| self.cached(access_key_id)),
            KeyStore::Database(table) => {
                let loads = self.keys.read().map_or(0, |keys| keys.loads);
                let key = match table.find(access_key_id).await {
                    Ok(key) => Arc::new(key?),
                    Err(e) => {
                        tracing::error!(cause = %e, "cannot look an access key up; refusing it");
                        return None;
                    }
                };
                if let Ok(mut loaded) = self.keys.write()
                    && loaded.loads == loads
                {
                    loaded.by_id.insert(key.access_key_id.clone(), key.clone());
                }
                Some(key)
            }
        }
    }
}

impl Keys for KeyRing {
    type Principal = Caller;

    async fn lookup(&self, access_key_id: &str) -> Option<Signer<Caller>> {
        let key = self.find(access_key_id).await?;
        Some(Signer { secret_access_key: key.secret_access_key.clone(), principal: Caller::Key(key) })
    }
}

/// How the API learns who calls: from a SigV4 signature made with one of the ring's keys, or,
/// with verification off, not at all (every caller is [`Caller::Anyone`]).
#[derive(Clone)]
pub enum Verification {
    Signatures(SigV4Plugin<KeyRing>),
    Off,
}

impl HttpMarker for Verification {}

impl<Ser, Op, T> Plugin<Ser, Op, T> for Verification
where
    Op: OperationShape,
{
    type Output = Either<SigV4Verify<T, KeyRing>, AddExtension<T, Caller>>;

    fn apply(&self, inner: T) -> Self::Output {
        match self {
            Verification::Signatures(plugin) => Either::Left { value: Plugin::<Ser, Op, T>::apply(plugin, inner) },
            Verification::Off => Either::Right { value: AddExtension::new(inner, Caller::Anyone) },
        }
    }
}
