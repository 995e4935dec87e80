//! Shared by the server's tests: the API and the embedded object store served in-process on
//! loopback ports over a temporary directory, files put into them, and a metadata store whose
//! lookups can be held back to keep calls in flight.
#![allow(dead_code)] // each test file uses its own part of this module

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use attached_files::configuration::{AttachmentScope, ConfigurationUpdate, StoredConfiguration};
use attached_files::metadata::{Inserted, MetadataStore, Position, Quota, SqliteStore, StoreError};
use attached_files::{AttachedFiles, CreatedBy, FileRecord, FileStatus, Phase, StartRequest};
use attached_files_server::access::{ANY, AccessKey, KeyFile, KeyRing};
use attached_files_server::config::Limits;
use attached_files_server::config::{Config, Metadata, Objects};
use attached_files_server::server::{Handle, Server};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub const CASE_ARN: &str = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1";
pub const OTHER_CASE_ARN: &str = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-2";
pub const AGENT_ARN: &str = "arn:aws:connect:us-east-1:111122223333:instance/inst-1/agent/a-1";

/// The access key the tests' clients sign with: any operation on any instance.
pub const KEY_ID: &str = "AKIDTEST";
pub const SECRET: &str = "test-secret";

/// Adds the tests' access key to the key file of `data_dir`, unless it is there already.
pub fn allow_test_key(data_dir: &std::path::Path) {
    if std::fs::create_dir_all(data_dir).is_err() {
        return; // a test of a data directory that cannot be made
    }
    let file = KeyFile::in_dir(data_dir);
    if !file.read().unwrap().iter().any(|key| key.access_key_id == KEY_ID) {
        file.add(AccessKey {
            access_key_id: KEY_ID.into(),
            secret_access_key: SECRET.into(),
            instances: vec![ANY.into()],
            operations: vec![ANY.into()],
            identity_arn: None,
        })
        .unwrap();
    }
}

pub const LIMITS: Limits = Limits { max_concurrent_requests: 64, max_request_body_bytes: 1024 };

/// A server started as production starts one ([`Server::start`]), over a temporary directory:
/// SQLite behind a gate that can hold lookups back, the embedded store on a port of its own,
/// signatures verified with the tests' key.
pub struct TestServer {
    /// `http://127.0.0.1:<port>` of the API.
    pub url: String,
    pub files: Arc<AttachedFiles>,
    /// The keys signatures are verified with: the tests' key, and those [`Self::add_key`] adds.
    pub keys: KeyRing,
    gate: Gate,
    pub dir: tempfile::TempDir,
    handle: Option<Handle>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(LIMITS).await
    }

    pub async fn start_with(limits: Limits) -> Self {
        Self::start_configured(limits, |_| {}).await
    }

    /// A server whose configuration is changed by `configure` (quotas, scan, default limits).
    pub async fn start_configured(limits: Limits, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let gate = Gate { open: Arc::new(watch::channel(true).0), arrived: Arc::default(), broken: Arc::default() };
        let sqlite = SqliteStore::open(&dir.path().join("metadata.sqlite3")).unwrap();
        let mut config = Config::new(dir.path());
        config.storage.metadata = Metadata::Store(Arc::new(GatedStore { inner: sqlite, gate: gate.clone() }));
        config.storage.objects = Objects::Embedded { listen: "127.0.0.1:0".parse().unwrap() };
        config.limits = limits;
        configure(&mut config);
        allow_test_key(dir.path());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let handle = Server::start(config, listener).await.unwrap();
        let url = format!("http://{}", handle.local_addr());
        let (files, keys) = (handle.files().clone(), handle.keys().expect("signatures are verified").clone());
        Self { url, files, keys, gate, dir, handle: Some(handle) }
    }

    /// Adds an access key, in effect at once.
    pub async fn add_key(&self, key: AccessKey) {
        KeyFile::in_dir(self.dir.path()).add(key).unwrap();
        self.keys.reload().await.unwrap();
    }

    /// Makes every metadata lookup wait until the returned guard is dropped.
    pub fn hold(&self) -> Held {
        self.gate.open.send_replace(false);
        Held(self.gate.open.clone())
    }

    /// Makes every metadata write fail from now on.
    pub fn break_writes(&self) {
        self.gate.broken.store(true, Ordering::SeqCst);
    }

    /// How many metadata lookups have begun (held back or not).
    pub fn lookups(&self) -> usize {
        self.gate.arrived.load(Ordering::SeqCst)
    }

    /// Shuts the server down: it stops accepting connections, and the returned task ends once
    /// the calls in flight are done and everything has stopped.
    pub fn stop(&mut self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        let handle = self.handle.take().expect("the server runs");
        handle.shutdown();
        tokio::spawn(handle.join())
    }

    /// Stores `bytes` as a new file of `instance_id` with `status`, tags and a creator.
    pub async fn ingest(&self, instance_id: &str, name: &str, bytes: &[u8], status: FileStatus) -> FileRecord {
        let path = self.dir.path().join(format!("upload-{}", uuid::Uuid::new_v4()));
        std::fs::write(&path, bytes).unwrap();
        let request = StartRequest {
            client_token: None,
            instance_id: instance_id.into(),
            file_name: name.into(),
            file_size_in_bytes: 0, // ingest measures the file
            url_expiry_in_seconds: None,
            file_use_case_type: "ATTACHMENT".into(),
            associated_resource_arn: CASE_ARN.into(),
            tags: BTreeMap::from([("team".into(), "blue".into()), ("case type".into(), "billing:2024/q2".into())]),
            created_by: Some(CreatedBy::ConnectUserArn(AGENT_ARN.into())),
            caller_identity_arn: None,
        };
        self.files.ingest(request, &path, Some(status)).await.unwrap()
    }

    /// Overwrites the stored record of `file_id` with text that is no record, as a damaged
    /// database would hold, then writes through the store (changing nothing), so that the server
    /// reads the record again instead of answering from its cache.
    pub async fn corrupt(&self, file_id: &str) {
        let path = self.dir.path().join("metadata.sqlite3");
        let db = rusqlite::Connection::open(&path).unwrap();
        let changed = db
            .execute("UPDATE attached_files SET record = '{\"damaged\": true}' WHERE file_id = ?1", [file_id])
            .unwrap();
        assert_eq!(changed, 1);
        assert!(!SqliteStore::open(&path).unwrap().remove("no-instance", "no-file").await.unwrap());
    }
}

/// While alive, metadata lookups wait.
pub struct Held(Arc<watch::Sender<bool>>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

#[derive(Clone)]
struct Gate {
    open: Arc<watch::Sender<bool>>,
    arrived: Arc<AtomicUsize>,
    /// Whether writes fail, as on a full or failing disk.
    broken: Arc<AtomicBool>,
}

impl Gate {
    fn write(&self) -> Result<(), StoreError> {
        match self.broken.load(Ordering::SeqCst) {
            true => Err(StoreError::new("disk I/O error (made by the test)")),
            false => Ok(()),
        }
    }
}

/// The SQLite store, whose lookups first pass a gate that tests can close.
struct GatedStore {
    inner: SqliteStore,
    gate: Gate,
}

#[async_trait]
impl MetadataStore for GatedStore {
    async fn insert(&self, record: &FileRecord, quota: Quota) -> Result<Inserted, StoreError> {
        self.gate.write()?;
        self.inner.insert(record, quota).await
    }

    async fn get(&self, instance_id: &str, file_id: &str) -> Result<Option<FileRecord>, StoreError> {
        self.gate.arrived.fetch_add(1, Ordering::SeqCst);
        let _ = self.gate.open.subscribe().wait_for(|open| *open).await;
        self.inner.get(instance_id, file_id).await
    }

    async fn advance(
        &self,
        instance_id: &str,
        file_id: &str,
        from: &[Phase],
        to: Phase,
        status: Option<FileStatus>,
    ) -> Result<bool, StoreError> {
        self.gate.write()?;
        self.inner.advance(instance_id, file_id, from, to, status).await
    }

    async fn remove(&self, instance_id: &str, file_id: &str) -> Result<bool, StoreError> {
        self.inner.remove(instance_id, file_id).await
    }

    async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, StoreError> {
        self.inner.list(instance_id).await
    }

    async fn in_phase(
        &self,
        phase: Phase,
        after: Position,
        limit: usize,
    ) -> Result<Vec<(Position, FileRecord)>, StoreError> {
        self.inner.in_phase(phase, after, limit).await
    }

    async fn configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
    ) -> Result<Option<StoredConfiguration>, StoreError> {
        self.inner.configuration(instance_id, scope).await
    }

    async fn configurations(&self, instance_id: &str) -> Result<Vec<StoredConfiguration>, StoreError> {
        self.inner.configurations(instance_id).await
    }

    async fn update_configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
        update: &ConfigurationUpdate,
        now: time::OffsetDateTime,
    ) -> Result<StoredConfiguration, StoreError> {
        self.gate.write()?;
        self.inner.update_configuration(instance_id, scope, update, now).await
    }
}

/// aws-sdk-connect for the API at `endpoint`, with test credentials and no retries.
pub fn connect_client(endpoint: &str) -> aws_sdk_connect::Client {
    connect_client_with(endpoint, (KEY_ID, SECRET))
}

/// aws-sdk-connect for the API at `endpoint`, signing with `key` (id, secret), without retries.
pub fn connect_client_with(endpoint: &str, key: (&str, &str)) -> aws_sdk_connect::Client {
    use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    let config = aws_sdk_connect::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key.0, key.1, None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_connect::Client::from_conf(config)
}

/// `aws connect <args>` against `endpoint` as the README runs it (us-east-1, one attempt, no
/// config files), signing with `key` (id, secret) unless `--no-sign-request` is among `args`:
/// whether it succeeded, its stdout and its stderr.
pub fn aws_connect(endpoint: &str, key: (&str, &str), args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new("aws")
        .args(["connect", "--endpoint-url", endpoint, "--region", "us-east-1"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("the AWS CLI (`aws`) is not on PATH: run the tests with scripts/test, which installs it");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.success(), text(output.stdout), text(output.stderr))
}

/// Bytes that are not all alike, so that a swapped or lost chunk shows.
pub fn sample_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// Waits until `condition` holds, checking every 10 ms for up to 5 s.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Sends `request` signed (SigV4, with the tests' key, for us-east-1), as AWS's clients sign.
pub async fn send_signed(request: reqwest::RequestBuilder) -> reqwest::Result<reqwest::Response> {
    send_signed_with(request, (KEY_ID, SECRET)).await
}

/// Sends `request` signed with `key` (id, secret), for us-east-1.
pub async fn send_signed_with(
    request: reqwest::RequestBuilder,
    key: (&str, &str),
) -> reqwest::Result<reqwest::Response> {
    let (client, request) = request.build_split();
    let mut request = request?;
    sign(&mut request, key.0, key.1, std::time::SystemTime::now());
    client.execute(request).await
}

/// Adds SigV4's headers to `request`, signed with `key_id` and `secret` at `time`.
pub fn sign(request: &mut reqwest::Request, key_id: &str, secret: &str, time: std::time::SystemTime) {
    let body = request.body().and_then(reqwest::Body::as_bytes).unwrap_or_default().to_vec();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    let signed =
        sigv4_headers(request.method().as_str(), request.url().as_str(), &headers, &body, (key_id, secret), time);
    for (name, value) in signed.expect("the request can be signed") {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
}

/// The headers SigV4 adds to a request (`X-Amz-Date`, `Authorization`), signed with `key` (id and
/// secret) at `time` for us-east-1 and `connect`, as AWS's clients sign; `None` if aws-sigv4
/// cannot sign it (a URL it does not parse).
pub fn sigv4_headers(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    key: (&str, &str),
    time: std::time::SystemTime,
) -> Option<Vec<(http::HeaderName, String)>> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = aws_credential_types::Credentials::new(key.0, key.1, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("connect")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = headers.iter().map(|(name, value)| (name.as_str(), value.as_str()));
    let signable = SignableRequest::new(method, url, headers, SignableBody::Bytes(body)).ok()?;
    let (instructions, _) = sign(signable, &params).ok()?.into_parts();
    let headers = instructions.headers().map(|(name, value)| (http::HeaderName::from_bytes(name.as_bytes()), value));
    headers.map(|(name, value)| Some((name.ok()?, value.to_owned()))).collect()
}
