//! The embedded object store: a durable file-system backend served over the S3 API by s3s.
//!
//! Only what attached files need is implemented (buckets, put, get, head, delete); s3s answers
//! every other operation NotImplemented and refuses requests that are not SigV4-signed by the
//! configured key, whether in headers or in a pre-signed URL.
//!
//! Durability: an object is written to a temporary file in its bucket directory, fsynced, renamed
//! over its final name and the directory fsynced, so after a crash an object is either whole or
//! absent, and once PutObject answers it survives power loss. Processes sharing the directory (the
//! server and an operator command) never see a partial object.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use md5::{Digest, Md5};
use s3s::dto::{
    ContentLength, CreateBucketInput, CreateBucketOutput, DeleteObjectInput, DeleteObjectOutput, ETag, GetObjectInput,
    GetObjectOutput, HeadBucketInput, HeadBucketOutput, HeadObjectInput, HeadObjectOutput, PutObjectInput,
    PutObjectOutput, StreamingBlob, Timestamp,
};
use s3s::stream::{ByteStream, RemainingLength};
use s3s::{S3, S3Request, S3Response, S3Result, s3_error};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_util::io::ReaderStream;

/// A directory per bucket, a file per object named by the SHA-256 of its key, so that no key can
/// reach outside its bucket whatever characters it holds.
#[derive(Debug, Clone)]
pub struct DurableFs {
    root: PathBuf,
}

const PARTIAL_PREFIX: &str = ".partial-";

impl DurableFs {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    /// Removes what uploads cut short by a crash left behind: temporary files older than
    /// `age`, so that uploads still running in another process are left alone. Returns how many.
    pub fn remove_stale_partials(&self, age: std::time::Duration) -> io::Result<usize> {
        let mut removed = 0;
        for bucket in std::fs::read_dir(&self.root)? {
            let bucket = bucket?;
            if !bucket.file_type()?.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(bucket.path())? {
                let entry = entry?;
                let stale = entry.metadata()?.modified()?.elapsed().is_ok_and(|elapsed| elapsed >= age);
                if entry.file_name().to_string_lossy().starts_with(PARTIAL_PREFIX) && stale {
                    std::fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    fn bucket_dir(&self, bucket: &str) -> PathBuf {
        // s3s has already checked the bucket name: lowercase letters, digits, dots and dashes.
        self.root.join(bucket)
    }

    fn object_path(&self, bucket: &str, key: &str) -> PathBuf {
        self.bucket_dir(bucket).join(hex::encode(Sha256::digest(key.as_bytes())))
    }

    /// The error for an object that is not there: its bucket may be missing too. Looked up only
    /// on this path, so that a hit costs a single file-system call.
    async fn missing_object(&self, bucket: &str) -> s3s::S3Error {
        match self.existing_bucket(bucket).await {
            Ok(_) => s3_error!(NoSuchKey),
            Err(e) => e,
        }
    }

    async fn existing_bucket(&self, bucket: &str) -> S3Result<PathBuf> {
        let dir = self.bucket_dir(bucket);
        match tokio::fs::metadata(&dir).await {
            Ok(meta) if meta.is_dir() => Ok(dir),
            Ok(_) => Err(s3_error!(NoSuchBucket)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(s3_error!(NoSuchBucket)),
            Err(e) => Err(internal(e)),
        }
    }
}

fn internal(cause: impl std::fmt::Display) -> s3s::S3Error {
    tracing::error!(%cause, "embedded object store failed");
    s3_error!(InternalError)
}

/// Makes a rename or removal in `dir` durable.
async fn sync_dir(dir: &Path) -> io::Result<()> {
    tokio::fs::File::open(dir).await?.sync_all().await
}

#[async_trait::async_trait]
impl S3 for DurableFs {
    async fn create_bucket(&self, req: S3Request<CreateBucketInput>) -> S3Result<S3Response<CreateBucketOutput>> {
        let dir = self.bucket_dir(&req.input.bucket);
        match tokio::fs::create_dir(&dir).await {
            Ok(()) => sync_dir(&self.root).await.map_err(internal)?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(s3_error!(BucketAlreadyOwnedByYou)),
            Err(e) => return Err(internal(e)),
        }
        Ok(S3Response::new(CreateBucketOutput::default()))
    }

    async fn head_bucket(&self, req: S3Request<HeadBucketInput>) -> S3Result<S3Response<HeadBucketOutput>> {
        self.existing_bucket(&req.input.bucket).await?;
        Ok(S3Response::new(HeadBucketOutput::default()))
    }

    async fn put_object(&self, req: S3Request<PutObjectInput>) -> S3Result<S3Response<PutObjectOutput>> {
        let input = req.input;
        let dir = self.existing_bucket(&input.bucket).await?;
        let Some(mut body) = input.body else {
            return Err(s3_error!(IncompleteBody));
        };

        let partial = dir.join(format!("{PARTIAL_PREFIX}{}", uuid::Uuid::new_v4()));
        let written = async {
            let mut file = tokio::fs::File::create(&partial).await.map_err(internal)?;
            let (mut md5, mut size) = (Md5::new(), 0u64);
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| s3_error!(IncompleteBody, "reading the request body: {e}"))?;
                md5.update(&chunk);
                size += chunk.len() as u64;
                file.write_all(&chunk).await.map_err(internal)?;
            }
            if input.content_length.is_some_and(|expected| u64::try_from(expected).ok() != Some(size)) {
                return Err(s3_error!(IncompleteBody, "the body does not have the declared length"));
            }
            file.sync_all().await.map_err(internal)?;
            tokio::fs::rename(&partial, self.object_path(&input.bucket, &input.key)).await.map_err(internal)?;
            sync_dir(&dir).await.map_err(internal)?;
            Ok(hex::encode(md5.finalize()))
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        let output = PutObjectOutput { e_tag: Some(ETag::Strong(written?)), ..Default::default() };
        Ok(S3Response::new(output))
    }

    async fn get_object(&self, req: S3Request<GetObjectInput>) -> S3Result<S3Response<GetObjectOutput>> {
        let input = req.input;
        let file = match tokio::fs::File::open(self.object_path(&input.bucket, &input.key)).await {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(self.missing_object(&input.bucket).await),
            Err(e) => return Err(internal(e)),
        };
        let meta = file.metadata().await.map_err(internal)?;
        let length = meta.len();
        let body = FileBody { inner: ReaderStream::with_capacity(file, 64 * 1024), remaining: length };
        let output = GetObjectOutput {
            body: Some(StreamingBlob::new(body)),
            content_length: Some(content_length(length)?),
            last_modified: meta.modified().ok().map(Timestamp::from),
            // A pre-signed URL may ask for these headers with response-content-* query parameters.
            content_disposition: input.response_content_disposition,
            content_type: input.response_content_type,
            ..Default::default()
        };
        Ok(S3Response::new(output))
    }

    async fn head_object(&self, req: S3Request<HeadObjectInput>) -> S3Result<S3Response<HeadObjectOutput>> {
        let input = req.input;
        let meta = match tokio::fs::metadata(self.object_path(&input.bucket, &input.key)).await {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(self.missing_object(&input.bucket).await),
            Err(e) => return Err(internal(e)),
        };
        let output = HeadObjectOutput {
            content_length: Some(content_length(meta.len())?),
            last_modified: meta.modified().ok().map(Timestamp::from),
            ..Default::default()
        };
        Ok(S3Response::new(output))
    }

    async fn delete_object(&self, req: S3Request<DeleteObjectInput>) -> S3Result<S3Response<DeleteObjectOutput>> {
        let input = req.input;
        let dir = self.existing_bucket(&input.bucket).await?;
        match tokio::fs::remove_file(self.object_path(&input.bucket, &input.key)).await {
            Ok(()) => sync_dir(&dir).await.map_err(internal)?,
            // S3 answers success for a key that does not exist.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(internal(e)),
        }
        Ok(S3Response::new(DeleteObjectOutput::default()))
    }
}

fn content_length(length: u64) -> S3Result<ContentLength> {
    ContentLength::try_from(length).map_err(internal)
}

/// A file's bytes with their exact length, so that s3s can send Content-Length.
struct FileBody {
    inner: ReaderStream<tokio::fs::File>,
    remaining: u64,
}

impl Stream for FileBody {
    type Item = Result<Bytes, s3s::StdError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.remaining = self.remaining.saturating_sub(chunk.len() as u64);
        }
        next.map(|item| item.map(|chunk| chunk.map_err(Into::into)))
    }
}

impl ByteStream for FileBody {
    fn remaining_length(&self) -> RemainingLength {
        RemainingLength::new_exact(usize::try_from(self.remaining).unwrap_or(usize::MAX))
    }
}

/// The key pair the embedded store accepts; callers sign with it like any S3 client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Serves `fs` over the S3 API on `listener` until `shutdown` completes, then lets the requests
/// in flight finish.
pub async fn serve(listener: TcpListener, fs: DurableFs, key: AccessKey, shutdown: impl Future<Output = ()>) {
    let service = {
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(key.access_key_id, key.secret_access_key));
        builder.build()
    };
    let http = ConnBuilder::new(TokioExecutor::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => socket,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "embedded object store: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "embedded object store: connection ended with an error");
            }
        });
    }
    // Requests in flight finish; a client that stalls cannot hold the process forever.
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("embedded object store: connections still open after {DRAIN_TIMEOUT:?}, closing them");
    }
}

/// How long a shutdown waits for the requests in flight.
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn only_stale_partial_uploads_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let fs = DurableFs::new(dir.path()).unwrap();
        let bucket = dir.path().join("bucket");
        std::fs::create_dir(&bucket).unwrap();
        let old = SystemTime::now() - Duration::from_secs(7200);
        for (name, modified) in [(".partial-old", old), (".partial-new", SystemTime::now()), ("0123abcd", old)] {
            std::fs::File::create(bucket.join(name)).unwrap().set_modified(modified).unwrap();
        }
        assert_eq!(fs.remove_stale_partials(Duration::from_secs(3600)).unwrap(), 1);
        let mut left: Vec<_> =
            std::fs::read_dir(&bucket).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, [".partial-new", "0123abcd"]);
    }
}
