//! SigV4 verification of callers, for a service with `@aws.auth#sigv4`.
//!
//! [`SigV4Plugin`] is an HTTP plugin: it checks each request's signature (in its `Authorization`
//! header, or in its query for a pre-signed URL) against the secret that a [`Keys`] lookup gives
//! for the request's access key, and refuses a request as AWS does: 403 with
//! `MissingAuthenticationTokenException`, `IncompleteSignatureException`,
//! `UnrecognizedClientException` or `InvalidSignatureException`, which AWS's clients know. A
//! verified request carries the key's principal in its extensions: handlers take it with
//! `Extension<K::Principal>`. Operations with `@optionalAuth` also let unsigned requests in
//! (without a principal); operations whose `@auth` leaves SigV4 out are not checked.
//!
//! The request is signed again with the key's secret, at the caller's time and over the headers
//! the caller signed, and the two signatures are compared in constant time. The canonical request
//! is written here, once per request (`aws-sigv4`'s own signer parses and re-encodes it in many
//! allocations, most of a verification's cost); the key derivation and the HMAC are `aws-sigv4`'s.
//! The body is read whole before the operation, since its hash is signed.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use aws_smithy_http_server::body::BoxBody;
use aws_smithy_http_server::operation::OperationShape;
use aws_smithy_http_server::plugin::{HttpMarker, Plugin};
use bytes::Bytes;
use http::request::Parts;
use http_body_util::{BodyExt, Full};
use sha2::Digest as _;
use subtle::ConstantTimeEq;

/// How far a signature's time may be from the server's clock, as AWS allows.
pub const CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The longest a pre-signed URL may be valid: seven days, as in SigV4.
pub const MAX_EXPIRES: u64 = 7 * 24 * 3600;

/// What a [`Keys`] lookup knows of an access key: its secret, and who it belongs to.
pub struct Signer<P> {
    pub secret_access_key: String,
    pub principal: P,
}

/// The access keys callers sign with.
pub trait Keys: Send + Sync + 'static {
    /// Who a key belongs to: put in the extensions of each request it verifies.
    type Principal: Clone + Send + Sync + 'static;

    /// The secret and principal of `access_key_id`, or `None` if there is no such key.
    fn lookup(&self, access_key_id: &str) -> impl Future<Output = Option<Signer<Self::Principal>>> + Send;
}

/// An HTTP plugin that lets in only requests signed with one of `keys`.
pub struct SigV4Plugin<K> {
    keys: Arc<K>,
    region: Option<Arc<str>>,
    derived: Arc<DerivedKeys>,
}

impl<K> Clone for SigV4Plugin<K> {
    fn clone(&self) -> Self {
        Self { keys: self.keys.clone(), region: self.region.clone(), derived: self.derived.clone() }
    }
}

impl<K: Keys> SigV4Plugin<K> {
    /// Verifies signatures made with `keys`, for any region.
    pub fn new(keys: K) -> Self {
        Self { keys: Arc::new(keys), region: None, derived: Arc::default() }
    }

    /// Accepts only signatures scoped to `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(Arc::from(region.into()));
        self
    }
}

impl<K> HttpMarker for SigV4Plugin<K> {}

impl<Ser, Op, T, K> Plugin<Ser, Op, T> for SigV4Plugin<K>
where
    Op: OperationShape,
{
    type Output = SigV4Verify<T, K>;

    fn apply(&self, inner: T) -> Self::Output {
        SigV4Verify {
            inner,
            keys: self.keys.clone(),
            region: self.region.clone(),
            derived: self.derived.clone(),
            requirement: requirement(Op::ID.absolute()),
        }
    }
}

/// Whether an operation's callers must sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // a service may have no operation of some kind
enum Requirement {
    Signed,
    /// `@optionalAuth`: signed or anonymous; a signature present must be valid.
    Optional,
    /// The operation's auth schemes leave SigV4 out.
    None,
}

fn requirement(operation: &str) -> Requirement {
    NOT_REQUIRED.iter().find(|(id, _)| *id == operation).map_or(Requirement::Signed, |(_, requirement)| *requirement)
}

/// The operation's service wrapped by [`SigV4Plugin`].
pub struct SigV4Verify<S, K> {
    inner: S,
    keys: Arc<K>,
    region: Option<Arc<str>>,
    derived: Arc<DerivedKeys>,
    requirement: Requirement,
}

impl<S: Clone, K> Clone for SigV4Verify<S, K> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            keys: self.keys.clone(),
            region: self.region.clone(),
            derived: self.derived.clone(),
            requirement: self.requirement,
        }
    }
}

impl<S, K, B> tower::Service<http::Request<B>> for SigV4Verify<S, K>
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = http::Response<BoxBody>> + Clone + Send + 'static,
    S::Future: Send,
    K: Keys,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    type Response = http::Response<BoxBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let (keys, region, requirement) = (self.keys.clone(), self.region.clone(), self.requirement);
        let derived = self.derived.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match verify(&*keys, &derived, region.as_deref(), requirement, &mut parts, body).await {
                Ok(body) => inner.call(http::Request::from_parts(parts, Full::new(body))).await,
                Err(refusal) => Ok(refusal.into_response()),
            }
        })
    }
}

/// Why a request is refused: the error type AWS answers with, and its message.
#[derive(Debug)]
struct Refusal {
    status: u16,
    error: &'static str,
    message: String,
}

impl Refusal {
    fn missing() -> Self {
        Self {
            status: 403,
            error: "MissingAuthenticationTokenException",
            message: "Missing Authentication Token".into(),
        }
    }
    fn incomplete(message: impl Into<String>) -> Self {
        Self { status: 403, error: "IncompleteSignatureException", message: message.into() }
    }
    fn unrecognized() -> Self {
        Self {
            status: 403,
            error: "UnrecognizedClientException",
            message: "The security token included in the request is invalid.".into(),
        }
    }
    fn invalid(message: impl Into<String>) -> Self {
        Self { status: 403, error: "InvalidSignatureException", message: message.into() }
    }
    fn mismatch() -> Self {
        Self::invalid(
            "The request signature we calculated does not match the signature you provided. Check your AWS \
             Secret Access Key and signing method. Consult the service documentation for details.",
        )
    }
    fn into_response(self) -> http::Response<BoxBody> {
        crate::protocol_serde::error_with_message(self.status, self.error, &self.message)
    }
}

/// Checks the request's signature; answers its body, read whole, and puts the key's principal in
/// `parts.extensions`.
async fn verify<K: Keys, B>(
    keys: &K,
    derived: &DerivedKeys,
    region: Option<&str>,
    requirement: Requirement,
    parts: &mut Parts,
    body: B,
) -> Result<Bytes, Refusal>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    let claim = match requirement {
        Requirement::None => None,
        Requirement::Signed => Some(Claim::read(parts)?.ok_or_else(Refusal::missing)?),
        Requirement::Optional => Claim::read(parts)?,
    };
    let Some(claim) = claim else { return read(body).await };
    claim.check_scope(region)?;
    claim.check_time(SystemTime::now())?;
    let signer = keys.lookup(&claim.access_key_id).await.ok_or_else(Refusal::unrecognized)?;
    let body = read(body).await?;
    let key = derived.signing_key(&claim, &signer.secret_access_key);
    let expected = claim.sign_again(parts, &body, &key)?;
    if bool::from(expected.as_bytes().ct_eq(claim.signature.as_bytes())) {
        parts.extensions.insert(signer.principal);
        Ok(body)
    } else {
        Err(Refusal::mismatch())
    }
}

async fn read<B>(body: B) -> Result<Bytes, Refusal>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => Err(Refusal {
            status: 400,
            error: "SerializationException",
            message: format!("the request body cannot be read: {e}"),
        }),
    }
}

/// The pre-signed URL's parameters: the signature and what it was made with.
const QUERY_AUTH: [&str; 6] =
    ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Signing keys derived for a credential scope (access key, date, region, service), with the
/// secret each came from: after a scope's first request of the day, a verification saves the
/// four HMACs of the key's derivation. A changed secret derives its key anew.
#[derive(Default)]
struct DerivedKeys(std::sync::Mutex<std::collections::HashMap<String, (String, Arc<[u8]>)>>);

impl DerivedKeys {
    /// At most this many scopes are kept; a full cache starts over.
    const CAPACITY: usize = 1024;

    fn signing_key(&self, claim: &Claim, secret: &str) -> Arc<[u8]> {
        let Ok(mut keys) = self.0.lock() else { return claim.derive_key(secret) };
        if let Some((_, key)) = keys.get(&claim.credential).filter(|(known, _)| known == secret) {
            return key.clone();
        }
        let key = claim.derive_key(secret);
        if keys.len() >= Self::CAPACITY {
            keys.clear();
        }
        keys.insert(claim.credential.clone(), (secret.to_owned(), key.clone()));
        key
    }
}

/// What a signed request says of its signature.
#[derive(Debug)]
struct Claim {
    /// `<access key>/<date>/<region>/<service>/aws4_request`, as sent.
    credential: String,
    access_key_id: String,
    /// The credential scope's date, region and service.
    scope_date: String,
    region: String,
    service: String,
    /// `X-Amz-Date`, as sent and as a time.
    date: String,
    time: SystemTime,
    signed_headers: Vec<String>,
    signature: String,
    /// A pre-signed URL's `X-Amz-Expires`; `None` for a signature in the header.
    expires: Option<u64>,
}

impl Claim {
    /// The request's signature, from its `Authorization` header or its query; `None` if it has none.
    fn read(parts: &Parts) -> Result<Option<Self>, Refusal> {
        // Only a query with `X-Amz-` in it can be a pre-signed URL's (its parameter names are
        // written plain); the others are not parsed here.
        let query: Vec<(String, String)> = match parts.uri.query() {
            Some(query) if query.contains("X-Amz-") => form_urlencoded::parse(query.as_bytes()).into_owned().collect(),
            _ => Vec::new(),
        };
        let param = |name: &str| query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
        let header = parts.headers.get(http::header::AUTHORIZATION);
        let presigned = QUERY_AUTH.iter().any(|name| param(name).is_some());
        match (header, presigned) {
            (None, false) => Ok(None),
            (Some(_), true) => Err(Refusal::incomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")),
            (Some(header), false) => {
                let header = header.to_str().map_err(|_| Refusal::incomplete("The Authorization header is not ASCII"))?;
                Self::from_header(header, parts).map(Some)
            }
            (None, true) => Self::from_query(&param).map(Some),
        }
    }

    /// `AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<a;b>, Signature=<hex>`.
    fn from_header(header: &str, parts: &Parts) -> Result<Self, Refusal> {
        let Some(fields) = header.strip_prefix(ALGORITHM).filter(|rest| rest.starts_with(' ')) else {
            return Err(Refusal::incomplete(format!("Authorization header requires the {ALGORITHM} algorithm")));
        };
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for field in fields.split(',') {
            match field.trim().split_once('=') {
                Some(("Credential", value)) => credential = Some(value),
                Some(("SignedHeaders", value)) => signed_headers = Some(value),
                Some(("Signature", value)) => signature = Some(value),
                _ => {}
            }
        }
        let missing = |name: &str| {
            Refusal::incomplete(format!("Authorization header requires '{name}' parameter. Authorization={header}"))
        };
        let date = parts
            .headers
            .get("x-amz-date")
            .ok_or_else(|| Refusal::incomplete("Authorization header requires existence of a 'X-Amz-Date' header"))?
            .to_str()
            .map_err(|_| Refusal::incomplete("X-Amz-Date is not a date"))?;
        let claim = Self::new(
            credential.ok_or_else(|| missing("Credential"))?,
            date,
            signed_headers.ok_or_else(|| missing("SignedHeaders"))?,
            signature.ok_or_else(|| missing("Signature"))?,
            None,
        )?;
        if !claim.signed_headers.iter().any(|name| name == "x-amz-date") {
            return Err(Refusal::invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."));
        }
        Ok(claim)
    }

    /// The `X-Amz-*` query parameters of a pre-signed URL.
    fn from_query<'q>(param: &impl Fn(&str) -> Option<&'q str>) -> Result<Self, Refusal> {
        let required = |name: &str| {
            param(name).ok_or_else(|| {
                Refusal::incomplete(format!(
                    "AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."
                ))
            })
        };
        if required("X-Amz-Algorithm")? != ALGORITHM {
            return Err(Refusal::incomplete(format!("X-Amz-Algorithm only supports \"{ALGORITHM}\"")));
        }
        let expires = required("X-Amz-Expires")?
            .parse::<u64>()
            .ok()
            .filter(|expires| (1..=MAX_EXPIRES).contains(expires))
            .ok_or_else(|| Refusal::incomplete(format!("X-Amz-Expires must be a number of seconds from 1 to {MAX_EXPIRES}")))?;
        Self::new(
            required("X-Amz-Credential")?,
            required("X-Amz-Date")?,
            required("X-Amz-SignedHeaders")?,
            required("X-Amz-Signature")?,
            Some(expires),
        )
    }

    fn new(
        credential: &str,
        date: &str,
        signed_headers: &str,
        signature: &str,
        expires: Option<u64>,
    ) -> Result<Self, Refusal> {
        let mut scope = credential.split('/');
        let (Some(access_key_id), Some(scope_date), Some(region), Some(service), Some("aws4_request"), None) =
            (scope.next(), scope.next(), scope.next(), scope.next(), scope.next(), scope.next())
        else {
            return Err(Refusal::incomplete(format!(
                "Credential should be <access key>/<date>/<region>/<service>/aws4_request, not {credential}"
            )));
        };
        let time = parse_amz_date(date)
            .ok_or_else(|| Refusal::incomplete(format!("X-Amz-Date must be in the ISO8601 basic format, not {date}")))?;
        let signed_headers: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
        if !signed_headers.iter().any(|name| name == "host") {
            return Err(Refusal::invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."));
        }
        Ok(Self {
            credential: credential.to_owned(),
            access_key_id: access_key_id.to_owned(),
            scope_date: scope_date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            date: date.to_owned(),
            time,
            signed_headers,
            signature: signature.to_owned(),
            expires,
        })
    }

    /// The scope names this service, the configured region, and the date of `X-Amz-Date`.
    fn check_scope(&self, region: Option<&str>) -> Result<(), Refusal> {
        if self.service != SIGNING_NAME {
            return Err(Refusal::invalid(format!(
                "Credential should be scoped to correct service: '{SIGNING_NAME}'. "
            )));
        }
        if let Some(region) = region.filter(|region| *region != self.region) {
            return Err(Refusal::invalid(format!(
                "Credential should be scoped to a valid region, not '{}'; this endpoint is in '{region}'. ",
                self.region
            )));
        }
        if !self.date.starts_with(&self.scope_date) || self.scope_date.len() != 8 {
            return Err(Refusal::invalid(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                self.scope_date,
                &self.date[..8]
            )));
        }
        Ok(())
    }

    /// A header signature within [`CLOCK_SKEW`] of `now`; a pre-signed URL from its time (less
    /// the skew) until it expires.
    fn check_time(&self, now: SystemTime) -> Result<(), Refusal> {
        let (earliest, latest) = match self.expires {
            None => (self.time.checked_sub(CLOCK_SKEW), self.time.checked_add(CLOCK_SKEW)),
            Some(expires) => (self.time.checked_sub(CLOCK_SKEW), self.time.checked_add(Duration::from_secs(expires))),
        };
        if latest.is_some_and(|latest| now > latest) {
            return Err(Refusal::invalid(match self.expires {
                None => {
                    format!("Signature expired: {} is now earlier than the server's time less 15 minutes.", self.date)
                }
                Some(_) => format!("Signature expired: the URL signed at {} has expired.", self.date),
            }));
        }
        if earliest.is_some_and(|earliest| now < earliest) {
            return Err(Refusal::invalid(format!(
                "Signature not yet current: {} is still later than the server's time plus 15 minutes.",
                self.date
            )));
        }
        Ok(())
    }

    /// The signature the request would have if signed with `secret` as the claim says.
    fn sign_again(&self, parts: &Parts, body: &[u8], signing_key: &[u8]) -> Result<String, Refusal> {
        let canonical_request = self.canonical_request(parts, body)?;
        let mut string_to_sign = String::with_capacity(192);
        for part in [ALGORITHM, "\n", &self.date, "\n", &self.scope_date, "/", &self.region, "/", &self.service] {
            string_to_sign.push_str(part);
        }
        string_to_sign.push_str("/aws4_request\n");
        push_sha256_hex(&mut string_to_sign, canonical_request.as_bytes());
        Ok(aws_sigv4::sign::v4::calculate_signature(signing_key, string_to_sign.as_bytes()))
    }

    /// The key that signs this scope's requests for `secret` (`aws-sigv4`'s derivation).
    fn derive_key(&self, secret: &str) -> Arc<[u8]> {
        Arc::from(aws_sigv4::sign::v4::generate_signing_key(secret, self.time, &self.region, &self.service).as_ref())
    }

    /// SigV4's canonical request, as AWS's clients (`aws-sigv4`, botocore) write it for a service
    /// other than S3: the path without dot segments and percent-encoded once more, the query
    /// decoded, encoded again and sorted (a pre-signed URL's `X-Amz-Signature` left out), the
    /// signed headers sorted, each with its values trimmed of spaces and joined by commas, and the
    /// body's SHA-256.
    fn canonical_request(&self, parts: &Parts, body: &[u8]) -> Result<String, Refusal> {
        use percent_encoding::utf8_percent_encode;
        let mut out = String::with_capacity(1024);
        out.push_str(parts.method.as_str());
        out.push('\n');
        out.extend(utf8_percent_encode(&without_dot_segments(parts.uri.path()), CANONICAL_PATH));
        out.push('\n');
        let mut params: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .filter(|(key, _)| self.expires.is_none() || key != "X-Amz-Signature")
                .map(|(key, value)| (canonical_component(key), canonical_component(value)))
                .collect();
        params.sort_unstable();
        for (i, (key, value)) in params.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        }
        out.push('\n');
        let mut names: Vec<&str> = self.signed_headers.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        for name in &names {
            out.push_str(name);
            out.push(':');
            let mut values = parts.headers.get_all(*name).iter().peekable();
            if *name == "host" && values.peek().is_none() {
                // HTTP/2 names the host in the URI, not in a header.
                out.push_str(parts.uri.authority().ok_or_else(Refusal::mismatch)?.as_str());
            }
            for (i, value) in values.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let value = value.to_str().map_err(|_| Refusal::mismatch())?.trim_matches(' ');
                // Runs of spaces inside a value count as one.
                let mut after_space = false;
                out.extend(value.chars().filter(|&c| {
                    let keep = c != ' ' || !after_space;
                    after_space = c == ' ';
                    keep
                }));
            }
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&names.join(";"));
        out.push('\n');
        push_sha256_hex(&mut out, body);
        Ok(out)
    }
}

/// A decoded query key or value encoded the canonical way: borrowed from the URI where decoding
/// and encoding again change nothing.
fn canonical_component(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => percent_encoding::utf8_percent_encode(text, CANONICAL).into(),
        Cow::Owned(text) => percent_encoding::utf8_percent_encode(&text, CANONICAL).to_string().into(),
    }
}

/// Appends the SHA-256 of `bytes` in lowercase hex.
fn push_sha256_hex(out: &mut String, bytes: &[u8]) {
    let mut hex = [0; 64];
    if hex::encode_to_slice(sha2::Sha256::digest(bytes), &mut hex).is_ok() {
        out.extend(hex.iter().map(|&digit| char::from(digit)));
    }
}

/// What a canonical request percent-encodes: every byte but RFC 3986's unreserved characters.
const CANONICAL: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The same for a path, whose slashes stay.
const CANONICAL_PATH: &percent_encoding::AsciiSet = &CANONICAL.remove(b'/');

/// `path` with its `.` and `..` segments and empty segments removed (RFC 3986's section 5.2.4, as
/// SigV4 asks), keeping a final slash.
fn without_dot_segments(path: &str) -> Cow<'_, str> {
    if !path.starts_with('/') || path.contains("//") || path.contains("/.") {
        let mut segments: Vec<&str> = Vec::new();
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                segment => segments.push(segment),
            }
        }
        let mut normalized = format!("/{}", segments.join("/"));
        let ends_in_slash = ["/", "/.", "/.."].iter().any(|end| path.ends_with(end));
        if ends_in_slash && !normalized.ends_with('/') {
            normalized.push('/');
        }
        return normalized.into();
    }
    path.into()
}

/// `YYYYMMDDTHHMMSSZ`, SigV4's time format.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !digits(0..8) || !digits(9..15) {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let time = aws_smithy_types::DateTime::from_str(&rfc3339, aws_smithy_types::date_time::Format::DateTime).ok()?;
    SystemTime::try_from(time).ok()
}
