//! Who may call the API: the access keys callers sign with (SigV4, verified by the generated
//! SDK's plugin), each limited to some instances and operations, kept in the data directory.
//!
//! The key file (`access-keys.json`, readable by its owner only) is written by the `keys`
//! operator commands and read by `serve`: a new key works at once, a deleted one stops working
//! within [`RELOAD_EVERY`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use attached_files_server_sdk::error::AccessDeniedException;
use attached_files_server_sdk::server::AddExtension;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::server::plugin::{Either, HttpMarker, Plugin};
use attached_files_server_sdk::sigv4::{Keys, SigV4Plugin, SigV4Verify, Signer};
use serde::{Deserialize, Serialize};

/// The key file, in the data directory.
pub const KEY_FILE: &str = "access-keys.json";

/// How often `serve` looks for a changed key file.
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

/// Why the key file could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Malformed { path: PathBuf, source: serde_json::Error },
    #[error("there is no access key {0}")]
    NoSuchKey(String),
}

impl KeyFileError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io { path: path.to_owned(), source }
    }
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
    pub fn read(&self) -> Result<Vec<AccessKey>, KeyFileError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice::<Contents>(&bytes)
                .map(|contents| contents.access_keys)
                .map_err(|source| KeyFileError::Malformed { path: self.path.clone(), source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(KeyFileError::io(&self.path)(e)),
        }
    }

    /// Adds `key`.
    pub fn add(&self, key: AccessKey) -> Result<(), KeyFileError> {
        self.change(|keys| {
            keys.push(key);
            Ok(())
        })
    }

    /// Removes the key `access_key_id`.
    pub fn remove(&self, access_key_id: &str) -> Result<(), KeyFileError> {
        self.change(|keys| {
            let before = keys.len();
            keys.retain(|key| key.access_key_id != access_key_id);
            if keys.len() == before { Err(KeyFileError::NoSuchKey(access_key_id.to_owned())) } else { Ok(()) }
        })
    }

    /// Reads, changes and replaces the file, holding a lock so that two commands at once lose
    /// nothing; the new file is complete on disk before it takes the old one's place.
    fn change(&self, edit: impl FnOnce(&mut Vec<AccessKey>) -> Result<(), KeyFileError>) -> Result<(), KeyFileError> {
        use std::os::unix::fs::OpenOptionsExt;
        let lock_path = self.path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(KeyFileError::io(&lock_path))?;
        lock.lock().map_err(KeyFileError::io(&lock_path))?;
        let mut keys = self.read()?;
        edit(&mut keys)?;
        let text = serde_json::to_vec_pretty(&Contents { access_keys: keys })
            .map_err(|source| KeyFileError::Malformed { path: self.path.clone(), source })?;
        let partial = self.path.with_extension(format!("json.{}", uuid::Uuid::new_v4().simple()));
        crate::storage::write_private(&partial, &text).map_err(KeyFileError::io(&partial))?;
        std::fs::rename(&partial, &self.path).map_err(KeyFileError::io(&self.path))?;
        if let Some(dir) = self.path.parent() {
            std::fs::File::open(dir).and_then(|dir| dir.sync_all()).map_err(KeyFileError::io(dir))?;
        }
        Ok(())
    }
}

/// The keys `serve` verifies signatures with: the key file as last read.
#[derive(Debug, Clone)]
pub struct KeyRing {
    file: KeyFile,
    keys: Arc<RwLock<Loaded>>,
}

#[derive(Debug, Default)]
struct Loaded {
    /// The file's inode, modification time and length when read, to notice a change.
    stamp: Option<(u64, SystemTime, u64)>,
    by_id: HashMap<String, Arc<AccessKey>>,
}

impl KeyRing {
    /// The keys of `file`, read now.
    pub fn load(file: KeyFile) -> Result<Self, KeyFileError> {
        let ring = Self { file, keys: Arc::default() };
        ring.reload()?;
        Ok(ring)
    }

    /// How many keys there are.
    pub fn key_count(&self) -> usize {
        self.keys.read().map_or(0, |keys| keys.by_id.len())
    }

    /// Reads the file again if it changed since it was last read.
    pub fn reload(&self) -> Result<(), KeyFileError> {
        use std::os::unix::fs::MetadataExt;
        let stamp = std::fs::metadata(self.file.path())
            .ok()
            .map(|m| (m.ino(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        if self.keys.read().is_ok_and(|keys| keys.stamp == stamp && stamp.is_some()) {
            return Ok(());
        }
        let by_id = self.file.read()?.into_iter().map(|key| (key.access_key_id.clone(), Arc::new(key))).collect();
        if let Ok(mut keys) = self.keys.write() {
            *keys = Loaded { stamp, by_id };
        }
        Ok(())
    }

    /// Reloads the key file every [`RELOAD_EVERY`], until dropped; a file that cannot be read
    /// leaves the keys as they were.
    pub async fn reload_forever(self) {
        let mut every = tokio::time::interval(RELOAD_EVERY);
        loop {
            every.tick().await;
            let ring = self.clone();
            match tokio::task::spawn_blocking(move || ring.reload()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(cause = %e, "cannot read the access keys; keeping the ones read before"),
                Err(e) => tracing::error!(cause = %e, "reloading the access keys failed"),
            }
        }
    }
}

impl Keys for KeyRing {
    type Principal = Caller;

    fn lookup(&self, access_key_id: &str) -> impl Future<Output = Option<Signer<Caller>>> + Send {
        let find = || self.keys.read().ok().and_then(|keys| keys.by_id.get(access_key_id).cloned());
        // A key made a moment ago works at once: an unknown key has the file looked at again (a
        // `stat`; it is read only if it changed).
        let key = find().or_else(|| self.reload().ok().and_then(|()| find()));
        std::future::ready(
            key.map(|key| Signer { secret_access_key: key.secret_access_key.clone(), principal: Caller::Key(key) }),
        )
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
