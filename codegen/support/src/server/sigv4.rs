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
//! allocations, most of a verification's cost); the key derivation is `aws-sigv4`'s, the HMAC the
//! `hmac` crate's (which `aws-sigv4` uses too), written in hex without a `String`.
//! The body is read whole before the operation, since its hash is signed; but an operation whose
//! input is an event stream is called with the body as it streams in, once its first request is
//! checked: the caller signs `STREAMING-AWS4-HMAC-SHA256-EVENTS` as the payload's hash (and sends
//! it as `x-amz-content-sha256`), as AWS's clients do. Then each message is checked as it comes
//! in ([`SignedEvents`]): its `:chunk-signature` must follow the chain that starts at the first
//! request's signature, and the stream must end with the signed empty message. A message that
//! fails is the body's error, which the operation sees on its `Receiver`, as is a message whose
//! `:date` is more than [`CLOCK_SKEW`] from the server's time.

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
use hmac::{KeyInit as _, Mac as _};
use http::request::Parts;
use http_body_util::BodyExt;
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
            events: EVENT_STREAM_INPUTS.contains(&Op::ID.absolute()),
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
    /// The operation's input is an event stream.
    events: bool,
}

impl<S: Clone, K> Clone for SigV4Verify<S, K> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            keys: self.keys.clone(),
            region: self.region.clone(),
            derived: self.derived.clone(),
            requirement: self.requirement,
            events: self.events,
        }
    }
}

impl<S, K, B> tower::Service<http::Request<B>> for SigV4Verify<S, K>
where
    S: tower::Service<http::Request<SigV4Body<B>>, Response = http::Response<BoxBody>> + Clone + Send + 'static,
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
        let (keys, region, requirement, events) =
            (self.keys.clone(), self.region.clone(), self.requirement, self.events);
        let derived = self.derived.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let operation = Operation { requirement, events };
            match verify(&*keys, &derived, region.as_deref(), operation, &mut parts, body).await {
                Ok(body) => inner.call(http::Request::from_parts(parts, body)).await,
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

/// What [`verify`] needs to know of the operation.
#[derive(Clone, Copy)]
struct Operation {
    requirement: Requirement,
    /// Its input is an event stream: its callers sign the first request with
    /// [`STREAMING_EVENTS`] in place of the body's hash.
    events: bool,
}

/// What a caller sends as `x-amz-content-sha256`, and signs as the payload's hash, for a request
/// whose body is an event stream.
pub const STREAMING_EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// Checks the request's signature and puts the key's principal in `parts.extensions`; answers
/// the body for the operation: read whole when its hash is signed, else as it streams in.
async fn verify<K: Keys, B>(
    keys: &K,
    derived: &DerivedKeys,
    region: Option<&str>,
    operation: Operation,
    parts: &mut Parts,
    body: B,
) -> Result<SigV4Body<B>, Refusal>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    let claim = match operation.requirement {
        Requirement::None => None,
        Requirement::Signed => Some(Claim::read(parts)?.ok_or_else(Refusal::missing)?),
        Requirement::Optional => Claim::read(parts)?,
    };
    let Some(claim) = claim else {
        return Ok(if operation.events { SigV4Body::stream(body) } else { SigV4Body::Whole(Some(read(body).await?)) });
    };
    claim.check_scope(region)?;
    claim.check_time(SystemTime::now())?;
    let streaming = parts.headers.get("x-amz-content-sha256").is_some_and(|hash| hash == STREAMING_EVENTS);
    if streaming != operation.events {
        return Err(Refusal::invalid(if operation.events {
            format!("An event stream is signed with 'x-amz-content-sha256: {STREAMING_EVENTS}'.")
        } else {
            format!("'x-amz-content-sha256: {STREAMING_EVENTS}' is for event streams only.")
        }));
    }
    if streaming && !claim.signs("x-amz-content-sha256") {
        return Err(Refusal::invalid("'x-amz-content-sha256' must be a 'SignedHeader' in the AWS Authorization."));
    }
    let signer = keys.lookup(claim.scope().access_key_id).await.ok_or_else(Refusal::unrecognized)?;
    let key = derived.signing_key(&claim, &signer.secret_access_key);
    // The body read whole, or (an event stream) still to come.
    let (body, payload_hash): (Result<Bytes, B>, String) = if streaming {
        (Err(body), String::from(STREAMING_EVENTS))
    } else {
        let body = read(body).await?;
        let mut hash = String::with_capacity(64);
        push_sha256_hex(&mut hash, &body);
        (Ok(body), hash)
    };
    let expected = claim.sign_again(parts, &payload_hash, &key)?;
    if !bool::from(expected.ct_eq(claim.signature.as_bytes())) {
        return Err(Refusal::mismatch());
    }
    let body = match body {
        Ok(bytes) => SigV4Body::Whole(Some(bytes)),
        Err(body) => {
            let scope = claim.scope();
            let chain = Chain {
                prior: expected,
                secret: signer.secret_access_key,
                region: scope.region.to_owned(),
                service: scope.service.to_owned(),
                key: (scope.date.to_owned(), key),
            };
            SigV4Body::Events(Box::new(SignedEvents::new(body, chain)))
        }
    };
    parts.extensions.insert(signer.principal);
    Ok(body)
}

/// The body an operation behind [`SigV4Plugin`] gets: read whole, since its hash was signed; a
/// signed event stream's messages, each checked as it comes in; or the caller's own body as it
/// streams in (an unsigned request of an operation with an event-stream input).
pub enum SigV4Body<B> {
    /// Taken by the first poll.
    Whole(Option<Bytes>),
    Events(Box<SignedEvents<B>>),
    Stream(Pin<Box<B>>),
}

impl<B> SigV4Body<B> {
    fn stream(body: B) -> Self {
        Self::Stream(Box::pin(body))
    }
}

/// A streamed body's error, as its text.
#[derive(Debug)]
pub struct SigV4BodyError(String);

impl std::fmt::Display for SigV4BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SigV4BodyError {}

impl<B> http_body::Body for SigV4Body<B>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    type Data = Bytes;
    type Error = SigV4BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, SigV4BodyError>>> {
        use bytes::Buf as _;
        match self.get_mut() {
            SigV4Body::Whole(bytes) => {
                Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(|b| Ok(http_body::Frame::data(b))))
            }
            SigV4Body::Events(events) => {
                events.poll_message(cx).map(|message| message.map(|m| m.map(http_body::Frame::data)))
            }
            SigV4Body::Stream(body) => body.as_mut().poll_frame(cx).map(|frame| {
                frame.map(|frame| match frame {
                    Ok(frame) => Ok(frame.map_data(|mut data| data.copy_to_bytes(data.remaining()))),
                    Err(e) => Err(SigV4BodyError(e.to_string())),
                })
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            SigV4Body::Whole(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
            SigV4Body::Events(events) => events.done,
            SigV4Body::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            SigV4Body::Whole(bytes) => http_body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            SigV4Body::Events(_) => http_body::SizeHint::default(),
            SigV4Body::Stream(body) => body.size_hint(),
        }
    }
}

/// Where a signed event stream's chain of signatures stands.
struct Chain {
    /// The last signature, in hex: the first request's, then each message's.
    prior: [u8; 64],
    secret: String,
    region: String,
    service: String,
    /// The signing key, and the day (`YYYYMMDD`) it is for.
    key: (String, Arc<[u8]>),
}

/// A signed event stream: each message comes wrapped in one whose headers are its
/// `:chunk-signature` (chained from the first request's signature) and its `:date`, as
/// `aws-sigv4`'s `sign_message` writes them; an empty one ends the stream. Each is checked, then
/// the message inside is handed on. A message whose signature does not follow the chain
/// (changed, moved, or from another stream), or a stream cut before its end, is an error.
pub struct SignedEvents<B> {
    body: Pin<Box<B>>,
    buffer: bytes::BytesMut,
    decoder: aws_smithy_eventstream::frame::MessageFrameDecoder,
    chain: Chain,
    /// The empty signed message has come.
    ended: bool,
    /// Nothing more will come: the end, or an error.
    done: bool,
}

impl<B> SignedEvents<B>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    fn new(body: B, chain: Chain) -> Self {
        Self {
            body: Box::pin(body),
            buffer: bytes::BytesMut::new(),
            decoder: Default::default(),
            chain,
            ended: false,
            done: false,
        }
    }

    /// The next message inside the stream, checked.
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, SigV4BodyError>>> {
        use bytes::Buf as _;
        while !self.done {
            let decoded = self.decoder.decode_frame(&mut self.buffer);
            let result = match decoded {
                Ok(aws_smithy_eventstream::frame::DecodedFrame::Complete(envelope)) => self.open(envelope),
                Ok(aws_smithy_eventstream::frame::DecodedFrame::Incomplete) => {
                    match self.body.as_mut().poll_frame(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Some(Ok(frame))) => {
                            if let Ok(mut data) = frame.into_data() {
                                let bytes = data.copy_to_bytes(data.remaining());
                                self.buffer.extend_from_slice(&bytes);
                            }
                            continue;
                        }
                        Poll::Ready(Some(Err(e))) => Err(e.to_string()),
                        Poll::Ready(None) if !self.ended => Err("the event stream ended without its signed end".into()),
                        Poll::Ready(None) if !self.buffer.is_empty() => {
                            Err("the event stream ended inside a message".into())
                        }
                        Poll::Ready(None) => {
                            self.done = true;
                            return Poll::Ready(None);
                        }
                    }
                }
                Err(e) => Err(format!("a message of the event stream cannot be read: {e}")),
            };
            match result {
                Ok(Some(message)) => return Poll::Ready(Some(Ok(message))),
                Ok(None) => {}
                Err(message) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(SigV4BodyError(message))));
                }
            }
        }
        Poll::Ready(None)
    }

    /// Checks one signed message: the message inside, or `None` for the end.
    fn open(&mut self, envelope: aws_smithy_types::event_stream::Message) -> Result<Option<Bytes>, String> {
        use aws_smithy_types::event_stream::{Header, HeaderValue};
        if self.ended {
            return Err("the event stream goes on after its signed end".into());
        }
        let header = |name: &str| envelope.headers().iter().find(|h| h.name().as_str() == name).map(Header::value);
        let (Some(HeaderValue::ByteArray(signature)), Some(HeaderValue::Timestamp(date))) =
            (header(":chunk-signature"), header(":date"))
        else {
            return Err("a message of the event stream has no :chunk-signature or :date".into());
        };
        let time = SystemTime::try_from(*date).map_err(|_| "a message's :date is out of range".to_owned())?;
        let now = SystemTime::now();
        if time.checked_add(CLOCK_SKEW).is_some_and(|latest| latest < now)
            || now.checked_add(CLOCK_SKEW).is_some_and(|latest| latest < time)
        {
            return Err("a message's :date is more than 15 minutes from the server's time".into());
        }
        let amz_date: String =
            date.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default().replace(['-', ':'], "");
        let Some(day) = amz_date.get(..8) else { return Err("a message's :date is out of range".into()) };
        if self.chain.key.0 != day {
            let key = aws_sigv4::sign::v4::generate_signing_key(
                &self.chain.secret,
                time,
                &self.chain.region,
                &self.chain.service,
            );
            self.chain.key = (day.to_owned(), Arc::from(key.as_ref()));
        }
        let mut date_header = Vec::new();
        aws_smithy_eventstream::frame::write_headers_to(
            &[Header::new(":date", HeaderValue::Timestamp(*date))],
            &mut date_header,
        )
        .map_err(|e| format!("a message's :date cannot be written: {e}"))?;
        let mut string_to_sign = String::with_capacity(320);
        for part in
            ["AWS4-HMAC-SHA256-PAYLOAD\n", &amz_date, "\n", day, "/", &self.chain.region, "/", &self.chain.service]
        {
            string_to_sign.push_str(part);
        }
        string_to_sign.push_str("/aws4_request\n");
        string_to_sign.push_str(std::str::from_utf8(&self.chain.prior).unwrap_or_default());
        string_to_sign.push('\n');
        push_sha256_hex(&mut string_to_sign, &date_header);
        string_to_sign.push('\n');
        push_sha256_hex(&mut string_to_sign, envelope.payload());
        let expected = hmac_sha256(&self.chain.key.1, string_to_sign.as_bytes());
        if !bool::from(expected.ct_eq(signature.as_ref())) {
            return Err(
                "a message of the event stream does not carry the signature its place in the stream needs".into()
            );
        }
        hex::encode_to_slice(expected, &mut self.chain.prior).map_err(|e| e.to_string())?;
        if envelope.payload().is_empty() {
            self.ended = true;
            return Ok(None);
        }
        Ok(Some(envelope.payload().clone()))
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

    fn signing_key(&self, claim: &Claim<'_>, secret: &str) -> Arc<[u8]> {
        let Ok(mut keys) = self.0.lock() else { return claim.derive_key(secret) };
        if let Some((_, key)) = keys.get(claim.credential.as_ref()).filter(|(known, _)| known == secret) {
            return key.clone();
        }
        let key = claim.derive_key(secret);
        if keys.len() >= Self::CAPACITY {
            keys.clear();
        }
        keys.insert(claim.credential.to_string(), (secret.to_owned(), key.clone()));
        key
    }
}

/// What a signed request says of its signature, borrowed from the request where it can be (a
/// pre-signed URL's parameters are decoded first).
#[derive(Debug)]
struct Claim<'a> {
    /// `<access key>/<date>/<region>/<service>/aws4_request`, as sent.
    credential: Cow<'a, str>,
    /// `X-Amz-Date`, as sent and as a time.
    date: Cow<'a, str>,
    time: SystemTime,
    /// `SignedHeaders`: names separated by `;`.
    signed_headers: Cow<'a, str>,
    signature: Cow<'a, str>,
    /// A pre-signed URL's `X-Amz-Expires`; `None` for a signature in the header.
    expires: Option<u64>,
}

/// The parts of a credential: access key, then the scope's date, region and service.
struct Scope<'c> {
    access_key_id: &'c str,
    date: &'c str,
    region: &'c str,
    service: &'c str,
}

impl<'a> Claim<'a> {
    /// The request's signature, from its `Authorization` header or its query; `None` if it has none.
    fn read(parts: &'a Parts) -> Result<Option<Self>, Refusal> {
        // Only a query with `X-Amz-` in it can be a pre-signed URL's (its parameter names are
        // written plain); the others are not parsed here.
        let query: Vec<(Cow<'a, str>, Cow<'a, str>)> = match parts.uri.query() {
            Some(query) if query.contains("X-Amz-") => form_urlencoded::parse(query.as_bytes()).collect(),
            _ => Vec::new(),
        };
        let param = |name: &str| query.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
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
    fn from_header(header: &'a str, parts: &'a Parts) -> Result<Self, Refusal> {
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
            credential.ok_or_else(|| missing("Credential"))?.into(),
            date.into(),
            signed_headers.ok_or_else(|| missing("SignedHeaders"))?.into(),
            signature.ok_or_else(|| missing("Signature"))?.into(),
            None,
        )?;
        if !claim.signs("x-amz-date") {
            return Err(Refusal::invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."));
        }
        Ok(claim)
    }

    /// The `X-Amz-*` query parameters of a pre-signed URL.
    fn from_query(param: &impl Fn(&str) -> Option<Cow<'a, str>>) -> Result<Self, Refusal> {
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
        credential: Cow<'a, str>,
        date: Cow<'a, str>,
        signed_headers: Cow<'a, str>,
        signature: Cow<'a, str>,
        expires: Option<u64>,
    ) -> Result<Self, Refusal> {
        if Self::split_scope(&credential).is_none() {
            return Err(Refusal::incomplete(format!(
                "Credential should be <access key>/<date>/<region>/<service>/aws4_request, not {credential}"
            )));
        }
        let time = parse_amz_date(&date)
            .ok_or_else(|| Refusal::incomplete(format!("X-Amz-Date must be in the ISO8601 basic format, not {date}")))?;
        let claim = Self { credential, date, time, signed_headers, signature, expires };
        if !claim.signs("host") {
            return Err(Refusal::invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."));
        }
        Ok(claim)
    }

    /// Whether the header `name` is among the signed ones.
    fn signs(&self, name: &str) -> bool {
        self.signed_headers.split(';').any(|signed| signed == name)
    }

    fn split_scope(credential: &str) -> Option<Scope<'_>> {
        let mut parts = credential.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(access_key_id), Some(date), Some(region), Some(service), Some("aws4_request"), None) => {
                Some(Scope { access_key_id, date, region, service })
            }
            _ => None,
        }
    }

    /// The credential's parts, checked by [`new`](Self::new).
    fn scope(&self) -> Scope<'_> {
        Self::split_scope(&self.credential).unwrap_or(Scope { access_key_id: "", date: "", region: "", service: "" })
    }

    /// The scope names this service, the configured region, and the date of `X-Amz-Date`.
    fn check_scope(&self, region: Option<&str>) -> Result<(), Refusal> {
        let scope = self.scope();
        if scope.service != SIGNING_NAME {
            return Err(Refusal::invalid(format!(
                "Credential should be scoped to correct service: '{SIGNING_NAME}'. "
            )));
        }
        if let Some(region) = region.filter(|region| *region != scope.region) {
            return Err(Refusal::invalid(format!(
                "Credential should be scoped to a valid region, not '{}'; this endpoint is in '{region}'. ",
                scope.region
            )));
        }
        if !self.date.starts_with(scope.date) || scope.date.len() != 8 {
            return Err(Refusal::invalid(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                scope.date,
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

    /// The signature the request would have if signed with `secret` as the claim says, in hex.
    fn sign_again(&self, parts: &Parts, payload_hash: &str, signing_key: &[u8]) -> Result<[u8; 64], Refusal> {
        let canonical_request = self.canonical_request(parts, payload_hash)?;
        let scope = self.scope();
        let mut string_to_sign = String::with_capacity(192);
        for part in [ALGORITHM, "\n", &self.date, "\n", scope.date, "/", scope.region, "/", scope.service] {
            string_to_sign.push_str(part);
        }
        string_to_sign.push_str("/aws4_request\n");
        push_sha256_hex(&mut string_to_sign, canonical_request.as_bytes());
        let mut signature = [0; 64];
        hex::encode_to_slice(hmac_sha256(signing_key, string_to_sign.as_bytes()), &mut signature)
            .map_err(|_| Refusal::mismatch())?;
        Ok(signature)
    }

    /// The key that signs this scope's requests for `secret` (`aws-sigv4`'s derivation).
    fn derive_key(&self, secret: &str) -> Arc<[u8]> {
        let scope = self.scope();
        Arc::from(aws_sigv4::sign::v4::generate_signing_key(secret, self.time, scope.region, scope.service).as_ref())
    }

    /// SigV4's canonical request, as AWS's clients (`aws-sigv4`, botocore) write it for a service
    /// other than S3: the path without dot segments and percent-encoded once more, the query
    /// decoded, encoded again and sorted (a pre-signed URL's `X-Amz-Signature` left out), the
    /// signed headers sorted, each with its values trimmed of spaces and joined by commas, and the
    /// payload's hash (the body's SHA-256, or what an event stream signs in its place).
    fn canonical_request(&self, parts: &Parts, payload_hash: &str) -> Result<String, Refusal> {
        use percent_encoding::utf8_percent_encode;
        let mut out = String::with_capacity(1024);
        out.push_str(parts.method.as_str());
        out.push('\n');
        out.extend(utf8_percent_encode(&without_dot_segments(parts.uri.path()), CANONICAL_PATH));
        out.push('\n');
        let mut params: Vec<(Cow<'_, str>, Cow<'_, str>)> = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .filter(|(key, _)| self.expires.is_none() || *key != "X-Amz-Signature")
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
        let mut names: Vec<&str> = self.signed_headers.split(';').collect();
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
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(name);
        }
        out.push('\n');
        out.push_str(payload_hash);
        Ok(out)
    }
}

/// A query key or value as sent (form-encoded) written the canonical way: decoded, then every
/// byte but the unreserved ones percent-encoded in upper case. Borrowed when it is already so,
/// as the AWS clients send it.
fn canonical_component(raw: &str) -> Cow<'_, str> {
    if is_canonical(raw.as_bytes()) {
        return raw.into();
    }
    let decoded = percent_encoding::percent_decode(raw.replace('+', " ").as_bytes()).decode_utf8_lossy().into_owned();
    percent_encoding::utf8_percent_encode(&decoded, CANONICAL).to_string().into()
}

/// Whether `raw` is unreserved bytes and upper-case `%XX` escapes of the other bytes only.
fn is_canonical(raw: &[u8]) -> bool {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    let hex_digit = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'A'..=b'F' => Some(d - b'A' + 10),
        _ => None,
    };
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if unreserved(b) {
            i += 1;
            continue;
        }
        let escaped = match raw.get(i + 1..i + 3) {
            Some(&[high, low]) if b == b'%' => hex_digit(high).zip(hex_digit(low)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        if escaped.is_none_or(unreserved) {
            return false;
        }
        i += 3;
    }
    true
}

/// The HMAC-SHA256 of `data` under `key`.
fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Appends the SHA-256 of `bytes` in lowercase hex.
fn push_sha256_hex(out: &mut String, bytes: &[u8]) {
    let mut hex = [0; 64];
    if hex::encode_to_slice(sha2::Sha256::digest(bytes), &mut hex).is_ok() {
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
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

/// `YYYYMMDDTHHMMSSZ`, SigV4's time format (a valid date and time of day, UTC).
pub(crate) fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        b.get(range)?.iter().try_fold(0u64, |n, &d| d.is_ascii_digit().then(|| n * 10 + u64::from(d - b'0')))
    };
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let days_in_month = *month_days.get(usize::try_from(month).ok()?.checked_sub(1)?)?;
    if year < 1970 || day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01: whole years (with their leap days), then this year's months.
    let leap_days = |y: u64| y / 4 - y / 100 + y / 400;
    let days = (year - 1970) * 365 + leap_days(year - 1) - leap_days(1969)
        + month_days[..usize::try_from(month).ok()? - 1].iter().sum::<u64>()
        + day
        - 1;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(days * 86_400 + hour * 3600 + minute * 60 + second))
}
