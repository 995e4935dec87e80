//! Shared by the integration tests: the embedded object store on a loopback port, and the
//! attached-file operations over it.
#![allow(dead_code)] // each test file uses its own part of this module

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use attached_files::embedded_s3::{self, AccessKey, DurableFs};
use attached_files::metadata::SqliteStore;
use attached_files::objects::{ObjectStore, S3Endpoint};
use attached_files::{AttachedFiles, StartRequest};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const BUCKET: &str = "attached-files";
pub const CASE_ARN: &str = "arn:aws:cases:us-west-2:111122223333:domain/d-1/case/c-1";

pub fn key() -> AccessKey {
    AccessKey { access_key_id: "AKIDTEST".into(), secret_access_key: "test-secret".into() }
}

/// The embedded object store serving `root`; dropping it stops the server.
pub struct EmbeddedStore {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl EmbeddedStore {
    pub async fn start(root: &Path, addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let fs = DurableFs::new(root).unwrap();
        let task = tokio::spawn(embedded_s3::serve(listener, fs, key(), async {
            let _ = stopped.await;
        }));
        Self { addr, stop: Some(stop), task }
    }

    pub fn endpoint(&self) -> S3Endpoint {
        endpoint(&format!("http://{}", self.addr))
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        (&mut self.task).await.unwrap();
    }
}

pub fn endpoint(url: &str) -> S3Endpoint {
    let key = key();
    S3Endpoint {
        url: Some(url.into()),
        region: "us-east-1".into(),
        force_path_style: true,
        credentials: Some((key.access_key_id, key.secret_access_key)),
    }
}

/// The embedded store over `dir/objects`, with its bucket, and the operations over it.
pub async fn start_files(dir: &Path) -> (EmbeddedStore, AttachedFiles) {
    let store = EmbeddedStore::start(&dir.join("objects"), "127.0.0.1:0".parse().unwrap()).await;
    let files = attached_files(dir, &store.endpoint()).await;
    ObjectStore::new(store.endpoint().client().await, BUCKET).ensure_bucket().await.unwrap();
    (store, files)
}

/// The operations over the metadata in `dir` and the store at `endpoint`, which may be down.
pub async fn attached_files(dir: &Path, endpoint: &S3Endpoint) -> AttachedFiles {
    let client = endpoint.client().await;
    let objects = ObjectStore::new(client.clone(), BUCKET);
    let metadata = SqliteStore::open(&dir.join("metadata.sqlite3")).unwrap();
    AttachedFiles::new(Arc::new(metadata), objects, endpoint.presigner().await.unwrap())
}

/// A file to ingest (`ingest` measures its size).
pub fn new_file(instance_id: &str, name: &str) -> StartRequest {
    StartRequest {
        client_token: None,
        instance_id: instance_id.into(),
        file_name: name.into(),
        file_size_in_bytes: 0,
        url_expiry_in_seconds: None,
        file_use_case_type: "ATTACHMENT".into(),
        associated_resource_arn: CASE_ARN.into(),
        created_by: None,
        tags: BTreeMap::from([("team".into(), "blue".into())]),
        caller_identity_arn: None,
    }
}

/// Writes `bytes` to a file in `dir` and returns its path.
pub fn local_file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Bytes that are not all alike, so that a swapped or lost chunk shows.
pub fn sample_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// GETs `url` with a plain HTTP client: status, Content-Disposition and body.
pub async fn download(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let disposition = response.headers().get("content-disposition").map(|v| v.to_str().unwrap().to_owned());
    (status, disposition, response.bytes().await.unwrap().to_vec())
}
