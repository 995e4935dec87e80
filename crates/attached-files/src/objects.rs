//! The object store as seen through the S3 API (`aws-sdk-s3`): the same code talks to the
//! embedded store and to any S3-compatible service. The URLs callers upload and download with
//! are `presign`'s.

use std::path::Path;
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
    StalledStreamProtectionConfig,
};
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::primitives::ByteStream;

use crate::record::ObjectLocation;

/// Where an S3 API is and how to reach it.
#[derive(Debug, Clone)]
pub struct S3Endpoint {
    /// `None` means AWS's own endpoint for the region.
    pub url: Option<String>,
    pub region: String,
    /// Path-style addressing (`host/bucket/key`), which most S3-compatible servers want.
    pub force_path_style: bool,
    /// `None` means the standard AWS credential chain (environment, profile, instance role).
    pub credentials: Option<(String, String)>,
}

impl S3Endpoint {
    /// An `aws-sdk-s3` client for this endpoint: fails fast rather than keep a caller waiting
    /// on a store that is down, and sends no checksums that only AWS itself understands.
    pub async fn client(&self) -> Client {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(2))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            )
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::standard().with_max_attempts(2));
        if let Some((id, secret)) = &self.credentials {
            loader = loader.credentials_provider(Credentials::new(id, secret, None, None, "attached-files-config"));
        }
        let shared = loader.load().await;
        let mut config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(self.force_path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled());
        if let Some(url) = &self.url {
            config = config.endpoint_url(url);
        }
        Client::from_conf(config.build())
    }
}

/// A failure of the object store; the cause is for logs only.
#[derive(Debug, thiserror::Error)]
#[error("object store: {0}")]
pub struct ObjectError(String);

impl ObjectError {
    pub fn missing(at: &ObjectLocation) -> Self {
        Self(format!("object {}/{} is missing", at.bucket, at.key))
    }

    pub(crate) fn new(cause: String) -> Self {
        Self(cause)
    }
}

pub(crate) fn sdk_error<E: std::error::Error + 'static, R: std::fmt::Debug>(
    what: &str,
    e: SdkError<E, R>,
) -> ObjectError {
    ObjectError(format!("{what}: {}", DisplayErrorContext(e)))
}

/// The bucket that holds the attached files.
#[derive(Debug, Clone)]
pub struct ObjectStore {
    client: Client,
    bucket: String,
}

impl ObjectStore {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    /// Creates the bucket unless it exists.
    pub async fn ensure_bucket(&self) -> Result<(), ObjectError> {
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => {
                match self.client.create_bucket().bucket(&self.bucket).send().await {
                    Ok(_) => Ok(()),
                    // Another process made it first.
                    Err(e) if e.as_service_error().is_some_and(|e| e.is_bucket_already_owned_by_you()) => Ok(()),
                    Err(e) => Err(sdk_error("creating the bucket", e)),
                }
            }
            Err(e) => Err(sdk_error("looking for the bucket", e)),
        }
    }

    /// Where the object of `key` lives in this store.
    pub fn location(&self, key: String) -> ObjectLocation {
        ObjectLocation { bucket: self.bucket.clone(), key }
    }

    /// Uploads the file at `path` to `at`.
    pub async fn put_file(&self, at: &ObjectLocation, path: &Path) -> Result<(), ObjectError> {
        let body =
            ByteStream::from_path(path).await.map_err(|e| ObjectError(format!("reading {}: {e}", path.display())))?;
        self.client
            .put_object()
            .bucket(&at.bucket)
            .key(&at.key)
            .body(body)
            .send()
            .await
            .map_err(|e| sdk_error("uploading", e))?;
        Ok(())
    }

    /// Writes the object's bytes to the file at `path`.
    pub async fn download(&self, at: &ObjectLocation, path: &Path) -> Result<(), ObjectError> {
        let object = self
            .client
            .get_object()
            .bucket(&at.bucket)
            .key(&at.key)
            .send()
            .await
            .map_err(|e| sdk_error("downloading", e))?;
        let mut reader = object.body.into_async_read();
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| ObjectError(format!("creating {}: {e}", path.display())))?;
        tokio::io::copy(&mut reader, &mut file).await.map_err(|e| ObjectError(format!("downloading: {e}")))?;
        Ok(())
    }

    /// The size of the object, or `None` if it does not exist.
    pub async fn size(&self, at: &ObjectLocation) -> Result<Option<u64>, ObjectError> {
        match self.client.head_object().bucket(&at.bucket).key(&at.key).send().await {
            Ok(head) => Ok(head.content_length().and_then(|n| u64::try_from(n).ok())),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(sdk_error("looking up the object", e)),
        }
    }

    pub async fn delete(&self, at: &ObjectLocation) -> Result<(), ObjectError> {
        self.client
            .delete_object()
            .bucket(&at.bucket)
            .key(&at.key)
            .send()
            .await
            .map_err(|e| sdk_error("deleting the object", e))?;
        Ok(())
    }
}
