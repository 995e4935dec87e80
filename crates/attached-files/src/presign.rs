//! The URLs callers upload and download with: the [`Presigner`] trait, and its two
//! implementations, which [`S3Endpoint::presigner`] chooses between: aws-sdk-s3's
//! ([`SdkPresigner`]) for AWS's own S3, and ours ([`CachedKeyPresigner`]) for stores named by a
//! URL, with the SigV4 signing key cached for the day.
//!
//! A SigV4 signing key depends only on the secret key, the date, the region and the service, so
//! it is derived once a day (four HMAC-SHA256) and each URL then costs one SHA-256 of the
//! canonical request and one HMAC-SHA256, instead of a pass through aws-sdk-s3's request
//! pipeline. The URLs are byte-identical to aws-sdk-s3's for the same inputs and signing time
//! (`tests/presigner.rs` compares them): same host and path (path-style or virtual-hosted), same
//! percent-encoding, same query parameters in the same order.
//!
//! Only stores named by an endpoint URL are served this way (the embedded store, S3-compatible
//! stores, a public name in front of either): the endpoint rules of AWS's own S3 (partitions,
//! FIPS and dual-stack endpoints, bucket names with dots) stay with aws-sdk-s3's presigner.

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::presigning::PresigningConfig;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::objects::{ObjectError, S3Endpoint, sdk_error};
use crate::record::{ObjectLocation, push_digits};

/// A pre-signed download URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUrl {
    pub url: String,
    pub signed_at: SystemTime,
}

/// Makes download URLs. Behind a trait because its speed is its own concern: a faster
/// presigner can replace the SDK's without touching the handlers.
#[async_trait]
pub trait Presigner: Send + Sync + 'static {
    /// A GET URL for `at`, valid for `lifetime` from now; `content_disposition`, if given, is the
    /// Content-Disposition header the download will carry.
    async fn presign_get(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_disposition: Option<&str>,
    ) -> Result<SignedUrl, ObjectError>;

    /// A PUT URL for `at` that accepts exactly `content_length` bytes (the length is signed, so
    /// the store refuses any other), valid for `lifetime` from `signed_at` (a whole second).
    /// The same inputs give the same URL.
    async fn presign_put(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_length: u64,
        signed_at: SystemTime,
    ) -> Result<String, ObjectError>;
}

/// Presigns with `aws-sdk-s3`, using a client configured with the endpoint callers will use,
/// which is not always the one the server uses (a public name in front of a private store).
pub struct SdkPresigner {
    client: Client,
}

impl SdkPresigner {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl Presigner for SdkPresigner {
    async fn presign_get(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_disposition: Option<&str>,
    ) -> Result<SignedUrl, ObjectError> {
        let signed_at = SystemTime::now();
        let config = PresigningConfig::builder()
            .start_time(signed_at)
            .expires_in(lifetime)
            .build()
            .map_err(|e| ObjectError::new(format!("presigning config: {e}")))?;
        let request = self
            .client
            .get_object()
            .bucket(&at.bucket)
            .key(&at.key)
            .set_response_content_disposition(content_disposition.map(str::to_owned))
            .presigned(config)
            .await
            .map_err(|e| sdk_error("presigning", e))?;
        Ok(SignedUrl { url: request.uri().to_owned(), signed_at })
    }

    async fn presign_put(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_length: u64,
        signed_at: SystemTime,
    ) -> Result<String, ObjectError> {
        let config = PresigningConfig::builder()
            .start_time(signed_at)
            .expires_in(lifetime)
            .build()
            .map_err(|e| ObjectError::new(format!("presigning config: {e}")))?;
        let length = i64::try_from(content_length).map_err(|e| ObjectError::new(format!("content length: {e}")))?;
        let request = self
            .client
            .put_object()
            .bucket(&at.bucket)
            .key(&at.key)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(|e| sdk_error("presigning", e))?;
        Ok(request.uri().to_owned())
    }
}

impl S3Endpoint {
    /// The presigner of download URLs for this endpoint: URLs made here with a cached signing
    /// key for a store named by its URL, aws-sdk-s3's presigner for AWS's own S3 endpoints.
    pub async fn presigner(&self) -> Result<Arc<dyn Presigner>, ObjectError> {
        let Some(url) = &self.url else {
            return Ok(Arc::new(SdkPresigner::new(self.client().await)));
        };
        let credentials = match &self.credentials {
            Some((id, secret)) => {
                SharedCredentialsProvider::new(Credentials::new(id, secret, None, None, "attached-files-config"))
            }
            None => aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(self.region.clone()))
                .load()
                .await
                .credentials_provider()
                .ok_or_else(|| ObjectError::new("no AWS credentials found for presigning download URLs".into()))?,
        };
        Ok(Arc::new(CachedKeyPresigner::new(url, &self.region, self.force_path_style, credentials)?))
    }
}

/// RFC 3986's unreserved characters stay, everything else is percent-encoded: how aws-sdk-s3
/// (`aws-smithy-http`) writes query values and labels, and what SigV4 asks of a canonical request.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// The same for an object key, whose slashes separate path segments and stay as they are.
const KEY: &AsciiSet = &UNRESERVED.remove(b'/');

/// Credentials from a provider that may rotate them (instance roles, SSO) are refreshed this long
/// before they expire, as aws-sdk-s3's own identity cache does.
const CREDENTIALS_REFRESH_BUFFER: Duration = Duration::from_secs(300);

/// Makes pre-signed GET URLs for objects of a store named by an endpoint URL.
pub struct CachedKeyPresigner {
    /// `http` or `https`.
    scheme: String,
    /// `host[:port]` of the endpoint.
    authority: String,
    /// The endpoint's path, without a trailing slash (usually empty).
    base_path: String,
    /// Whether the host is an IP address, which rules out virtual-hosted addressing.
    host_is_ip: bool,
    force_path_style: bool,
    region: String,
    credentials: SharedCredentialsProvider,
    signing: RwLock<Option<Arc<SigningState>>>,
}

/// The credentials in use and the signing key of one day.
struct SigningState {
    credentials: Credentials,
    /// `yyyymmdd`, the day the key is for.
    date: String,
    key: [u8; 32],
    /// `<access key id>/<date>/<region>/s3/aws4_request`, percent-encoded for the query.
    credential_param: String,
    security_token_param: Option<String>,
}

impl CachedKeyPresigner {
    /// A presigner for the store at `endpoint_url` (`scheme://host[:port][/path]`), signing for
    /// `region` with `credentials`.
    pub fn new(
        endpoint_url: &str,
        region: &str,
        force_path_style: bool,
        credentials: SharedCredentialsProvider,
    ) -> Result<Self, ObjectError> {
        let invalid = || ObjectError::new(format!("invalid endpoint URL {endpoint_url:?}"));
        let uri: http::Uri = endpoint_url.parse().map_err(|_| invalid())?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(invalid());
        };
        if uri.query().is_some() || !matches!(scheme, "http" | "https") {
            return Err(invalid());
        }
        let host = authority.host();
        let host_is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
        Ok(Self {
            scheme: scheme.to_owned(),
            authority: authority.as_str().to_owned(),
            base_path: uri.path().trim_end_matches('/').to_owned(),
            host_is_ip,
            force_path_style,
            region: region.to_owned(),
            credentials,
            signing: RwLock::new(None),
        })
    }

    /// The URL `presign_get` gives when signing at `now` (whole seconds count, as in X-Amz-Date).
    pub async fn presign_get_at(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_disposition: Option<&str>,
        now: SystemTime,
    ) -> Result<String, ObjectError> {
        let mut parameters = String::from("x-id=GetObject");
        if let Some(disposition) = content_disposition {
            parameters.push_str("&response-content-disposition=");
            parameters.extend(utf8_percent_encode(disposition, UNRESERVED));
        }
        self.presign("GET", at, &parameters, None, lifetime, now).await
    }

    /// The URL `presign_put` gives when signing at `now`: a PUT of exactly `content_length` bytes.
    pub async fn presign_put_at(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_length: u64,
        now: SystemTime,
    ) -> Result<String, ObjectError> {
        self.presign("PUT", at, "x-id=PutObject", Some(content_length), lifetime, now).await
    }

    /// A URL for `method` on `at` with the operation's query `parameters` (already encoded),
    /// signing `Content-Length` too when one is given, as aws-sdk-s3 does.
    async fn presign(
        &self,
        method: &str,
        at: &ObjectLocation,
        parameters: &str,
        content_length: Option<u64>,
        lifetime: Duration,
        now: SystemTime,
    ) -> Result<String, ObjectError> {
        let now = OffsetDateTime::from(now);
        // Written piece by piece into a few buffers: `format!` was half of a presign's time.
        let mut amz_date = String::with_capacity(16);
        push_digits(&mut amz_date, now.year().unsigned_abs(), 4);
        push_digits(&mut amz_date, u8::from(now.month()).into(), 2);
        push_digits(&mut amz_date, now.day().into(), 2);
        amz_date.push('T');
        for part in [now.hour(), now.minute(), now.second()] {
            push_digits(&mut amz_date, part.into(), 2);
        }
        amz_date.push('Z');
        let date = &amz_date[..8];
        let signing = self.signing_state(date, now).await?;

        // The URL: path-style `host/bucket/key`, or virtual-hosted `bucket.host/key` where the
        // bucket can be a host name label and the host is a name, as aws-sdk-s3's endpoint rules
        // decide; then the query as aws-sdk-s3 writes it: the operation's parameters, then the
        // signature's.
        let virtual_hosted = !self.force_path_style && !self.host_is_ip && is_dns_label(&at.bucket);
        let mut url = String::with_capacity(512);
        url.push_str(&self.scheme);
        url.push_str("://");
        let host_at = url.len();
        if virtual_hosted {
            url.push_str(&at.bucket);
            url.push('.');
        }
        url.push_str(&self.authority);
        let path_at = url.len();
        url.push_str(&self.base_path);
        if !virtual_hosted {
            url.push('/');
            url.push_str(&at.bucket);
        }
        url.push('/');
        url.extend(utf8_percent_encode(&at.key, KEY));
        let query_at = url.len() + 1;
        url.push('?');
        url.push_str(parameters);
        url.push_str("&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
        url.push_str(&signing.credential_param);
        url.push_str("&X-Amz-Date=");
        url.push_str(&amz_date);
        url.push_str("&X-Amz-Expires=");
        url.push_str(&lifetime.as_secs().to_string());
        url.push_str("&X-Amz-SignedHeaders=");
        let signed_headers = if content_length.is_some() { "content-length;host" } else { "host" };
        url.extend(utf8_percent_encode(signed_headers, UNRESERVED));

        // The canonical request: the query's parameters sorted (all are already encoded the
        // canonical way, and no two share a name), the signature's own one excepted.
        let (host, path, query) = (&url[host_at..path_at], &url[path_at..query_at - 1], &url[query_at..]);
        let mut params: Vec<&str> = query.split('&').collect();
        if let Some(token) = &signing.security_token_param {
            params.push(token);
        }
        params.sort_unstable();
        let mut canonical_request = String::with_capacity(url.len() + 128);
        for part in [method, "\n", path, "\n"] {
            canonical_request.push_str(part);
        }
        for (i, param) in params.iter().enumerate() {
            if i > 0 {
                canonical_request.push('&');
            }
            canonical_request.push_str(param);
        }
        canonical_request.push('\n');
        if let Some(length) = content_length {
            canonical_request.push_str("content-length:");
            canonical_request.push_str(&length.to_string());
            canonical_request.push('\n');
        }
        for part in ["host:", host, "\n\n", signed_headers, "\nUNSIGNED-PAYLOAD"] {
            canonical_request.push_str(part);
        }

        let mut string_to_sign = String::with_capacity(160);
        for part in ["AWS4-HMAC-SHA256\n", &amz_date, "\n", date, "/", &self.region, "/s3/aws4_request\n"] {
            string_to_sign.push_str(part);
        }
        push_hex(&mut string_to_sign, &Sha256::digest(canonical_request.as_bytes()).into());
        url.push_str("&X-Amz-Signature=");
        push_hex(&mut url, &hmac_sha256(&signing.key, string_to_sign.as_bytes()));
        if let Some(token) = &signing.security_token_param {
            url.push('&');
            url.push_str(token);
        }
        Ok(url)
    }

    /// The signing key for `date`, derived anew on a new day or when the credentials are about
    /// to expire.
    async fn signing_state(&self, date: &str, now: OffsetDateTime) -> Result<Arc<SigningState>, ObjectError> {
        let fresh = |state: &SigningState| {
            state.date == date
                && state
                    .credentials
                    .expiry()
                    .is_none_or(|expiry| OffsetDateTime::from(expiry) > now + CREDENTIALS_REFRESH_BUFFER)
        };
        if let Some(state) = self.signing.read().map_err(|_| poisoned())?.as_ref().filter(|s| fresh(s)) {
            return Ok(state.clone());
        }
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| ObjectError::new(format!("loading credentials for presigning: {e}")))?;
        let key =
            aws_sigv4::sign::v4::generate_signing_key(credentials.secret_access_key(), now.into(), &self.region, "s3");
        let key: [u8; 32] =
            key.as_ref().try_into().map_err(|_| ObjectError::new("a SigV4 signing key has 32 bytes".into()))?;
        let scope = format!("{}/{date}/{}/s3/aws4_request", credentials.access_key_id(), self.region);
        let state = Arc::new(SigningState {
            credential_param: utf8_percent_encode(&scope, UNRESERVED).to_string(),
            security_token_param: credentials
                .session_token()
                .map(|token| format!("X-Amz-Security-Token={}", utf8_percent_encode(token, UNRESERVED))),
            credentials,
            date: date.to_owned(),
            key,
        });
        *self.signing.write().map_err(|_| poisoned())? = Some(state.clone());
        Ok(state)
    }
}

fn poisoned() -> ObjectError {
    ObjectError::new("presigner state lock poisoned".into())
}

/// The HMAC-SHA256 of `data` under `key`, as SigV4 signs (`aws-sigv4`'s `calculate_signature`,
/// less its hex encoding).
fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Appends a 32-byte digest in lower-case hex. (`hex::encode` collects it a character at a time,
/// which took as long as the SHA-256 it encoded.)
fn push_hex(out: &mut String, digest: &[u8; 32]) {
    let mut text = [0; 64];
    if hex::encode_to_slice(digest, &mut text).is_ok() {
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

/// Whether a bucket name can be a DNS label of its own (3 to 63 lowercase letters, digits and
/// dashes, starting and ending with a letter or digit): the condition for virtual-hosted URLs.
fn is_dns_label(bucket: &str) -> bool {
    let bytes = bucket.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(|b| *b != b'-')
        && bytes.last().is_some_and(|b| *b != b'-')
}

#[async_trait]
impl Presigner for CachedKeyPresigner {
    async fn presign_get(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_disposition: Option<&str>,
    ) -> Result<SignedUrl, ObjectError> {
        // X-Amz-Date has whole seconds: sign at a whole second, so that the reported expiry is
        // exactly when the URL stops working.
        let since_epoch = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        let signed_at = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs());
        let url = self.presign_get_at(at, lifetime, content_disposition, signed_at).await?;
        Ok(SignedUrl { url, signed_at })
    }

    async fn presign_put(
        &self,
        at: &ObjectLocation,
        lifetime: Duration,
        content_length: u64,
        signed_at: SystemTime,
    ) -> Result<String, ObjectError> {
        self.presign_put_at(at, lifetime, content_length, signed_at).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_that_can_be_host_names() {
        for good in ["abc", "attached-files", "a1-b2", &"x".repeat(63)] {
            assert!(is_dns_label(good), "{good}");
        }
        for bad in ["ab", "-abc", "abc-", "with.dot", "Upper", "under_score", &"x".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
    }
}
