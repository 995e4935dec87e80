//! `server/sigv4.rs`: requests signed by `aws-sigv4`, as AWS's clients sign them, verified by the
//! plugin; `build.rs`'s stand-ins make `example` the signing name and let `example#OptionalAuth`
//! and `example#Unsigned` in without a signature.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_smithy_http_server::body::BoxBody;
use aws_smithy_http_server::operation::OperationShape;
use aws_smithy_http_server::plugin::Plugin;
use aws_smithy_http_server::shape_id::ShapeId;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tower::Service;

use crate::sigv4::{Keys, SigV4Plugin, Signer, SIGNING_NAME, STREAMING_EVENTS};

const KEY: (&str, &str) = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

/// One access key, whose principal is `alice`.
struct OneKey;

impl Keys for OneKey {
    type Principal = &'static str;

    fn lookup(&self, access_key_id: &str) -> impl Future<Output = Option<Signer<&'static str>>> + Send {
        let signer =
            (access_key_id == KEY.0).then(|| Signer { secret_access_key: KEY.1.to_owned(), principal: "alice" });
        std::future::ready(signer)
    }
}

macro_rules! operation {
    ($name:ident) => {
        struct $name;
        impl OperationShape for $name {
            const ID: ShapeId = ShapeId::new(concat!("example#", stringify!($name)), "example", stringify!($name));
            type Input = ();
            type Output = ();
            type Error = Infallible;
        }
    };
}
operation!(Signed);
operation!(OptionalAuth);
operation!(Unsigned);
operation!(Events);
operation!(OptionalEvents);

/// The operation: answers with the principal it was given and the body it read.
#[derive(Clone)]
struct Echo;

impl<B> Service<http::Request<B>> for Echo
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::fmt::Display,
{
    type Response = http::Response<BoxBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        Box::pin(async move {
            let principal = request.extensions().get::<&'static str>().copied();
            let text = match request.into_body().collect().await {
                Ok(body) => format!("{principal:?} {}", String::from_utf8_lossy(&body.to_bytes())),
                Err(e) => format!("{principal:?} body error: {e}"),
            };
            Ok(http::Response::new(aws_smithy_http_server::body::to_boxed(text)))
        })
    }
}

/// What the plugin answered: the status, the error type of a refusal, and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    error: Option<String>,
    body: String,
}

impl Answer {
    fn accepted(&self, principal: Option<&str>, body: &str) -> bool {
        self.status == 200 && self.body == format!("{principal:?} {body}")
    }

    fn refused(&self, error: &str) -> bool {
        self.status == 403 && self.error.as_deref() == Some(error)
    }
}

async fn send<Op: OperationShape>(
    plugin: &SigV4Plugin<OneKey>,
    request: http::Request<impl http_body::Body<Data = Bytes, Error: std::fmt::Display> + Send + 'static>,
) -> Answer {
    let mut service = Plugin::<(), Op, Echo>::apply(plugin, Echo);
    let response = service.call(request).await.unwrap_or_else(|never| match never {});
    let status = response.status().as_u16();
    let error = response.headers().get("x-amzn-errortype").map(|value| value.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, error, body: String::from_utf8(body.to_vec()).unwrap() }
}

/// How a test signs.
struct Signing {
    secret: &'static str,
    region: &'static str,
    name: &'static str,
    time: SystemTime,
    /// A pre-signed URL valid this long, instead of an `Authorization` header.
    presigned: Option<Duration>,
    /// An event stream's first request: `STREAMING-AWS4-HMAC-SHA256-EVENTS` signed as the
    /// payload's hash and sent as `x-amz-content-sha256`.
    events: bool,
}

impl Default for Signing {
    fn default() -> Self {
        Signing {
            secret: KEY.1,
            region: "us-east-1",
            name: SIGNING_NAME,
            time: SystemTime::now(),
            presigned: None,
            events: false,
        }
    }
}

/// An HTTP/1.1 request to `path_and_query` (with a `Host` header), signed as `signing` says.
fn request(
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> http::Request<Full<Bytes>> {
    let mut builder = http::Request::builder().method(method).uri(path_and_query).header("host", "example.com");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::from_static(body.as_bytes()))).unwrap()
}

fn signed(request: http::Request<Full<Bytes>>, body: &'static str, signing: Signing) -> http::Request<Full<Bytes>> {
    signed_with_signature(request, body, signing).0
}

/// The request signed, and its signature.
fn signed_with_signature(
    mut request: http::Request<Full<Bytes>>,
    body: &'static str,
    signing: Signing,
) -> (http::Request<Full<Bytes>>, String) {
    let identity = aws_credential_types::Credentials::new(KEY.0, signing.secret, None, None, "test").into();
    let mut settings = SigningSettings::default();
    if let Some(expires_in) = signing.presigned {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires_in);
    }
    if signing.events {
        settings.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
    }
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(signing.region)
        .name(signing.name)
        .time(signing.time)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let uri = format!("http://example.com{}", request.uri());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.iter().map(|(name, value)| (name.as_str(), value.as_str())),
        if signing.events {
            SignableBody::Precomputed(STREAMING_EVENTS.to_owned())
        } else {
            SignableBody::Bytes(body.as_bytes())
        },
    )
    .unwrap();
    let (instructions, signature) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    (request, signature)
}

fn plugin() -> SigV4Plugin<OneKey> {
    SigV4Plugin::new(OneKey)
}

#[tokio::test]
async fn a_signed_request_reaches_the_operation_with_its_principal() {
    let body = r#"{"name":"widget"}"#;
    let headers = [("content-type", "application/json"), ("x-amz-meta-note", "  two   spaces ")];
    let request =
        signed(request("POST", "/widgets/a%20b?z=1&a=x%20y&a=b+c&empty", &headers, body), body, Signing::default());
    let answer = send::<Signed>(&plugin(), request).await;
    assert!(answer.accepted(Some("alice"), body), "{answer:?}");
}

#[tokio::test]
async fn paths_are_compared_without_dot_segments() {
    let request = signed(request("GET", "/a/./b/../c/", &[], ""), "", Signing::default());
    let answer = send::<Signed>(&plugin(), request).await;
    assert!(answer.accepted(Some("alice"), ""), "{answer:?}");
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_key_or_a_changed_request_is_refused() {
    let wrong_secret = Signing { secret: "not the secret", ..Signing::default() };
    let answer = send::<Signed>(&plugin(), signed(request("GET", "/", &[], ""), "", wrong_secret)).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    assert!(answer.body.contains("does not match the signature you provided"), "{answer:?}");

    let mut unknown = signed(request("GET", "/", &[], ""), "", Signing::default());
    let authorization = unknown.headers()["authorization"].to_str().unwrap().replace(KEY.0, "AKIDUNKNOWN");
    unknown.headers_mut().insert("authorization", authorization.parse().unwrap());
    let answer = send::<Signed>(&plugin(), unknown).await;
    assert!(answer.refused("UnrecognizedClientException"), "{answer:?}");

    let signed_body = signed(request("PUT", "/", &[], "signed"), "signed", Signing::default());
    let (parts, _) = signed_body.into_parts();
    let answer = send::<Signed>(&plugin(), http::Request::from_parts(parts, Full::new(Bytes::from("changed")))).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");

    let mut added_query = signed(request("GET", "/?a=1", &[], ""), "", Signing::default());
    *added_query.uri_mut() = "/?a=2".parse().unwrap();
    let answer = send::<Signed>(&plugin(), added_query).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
}

#[tokio::test]
async fn unsigned_requests_pass_only_where_the_model_lets_them() {
    let answer = send::<Signed>(&plugin(), request("GET", "/", &[], "")).await;
    assert!(answer.refused("MissingAuthenticationTokenException"), "{answer:?}");
    let answer = send::<OptionalAuth>(&plugin(), request("GET", "/", &[], "hi")).await;
    assert!(answer.accepted(None, "hi"), "{answer:?}");
    let answer = send::<Unsigned>(&plugin(), request("GET", "/", &[], "hi")).await;
    assert!(answer.accepted(None, "hi"), "{answer:?}");

    // A signature present must be valid under @optionalAuth; it is not read where SigV4 is not used.
    let wrong_secret = || Signing { secret: "not the secret", ..Signing::default() };
    let answer = send::<OptionalAuth>(&plugin(), signed(request("GET", "/", &[], ""), "", wrong_secret())).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    let answer = send::<Unsigned>(&plugin(), signed(request("GET", "/", &[], ""), "", wrong_secret())).await;
    assert!(answer.accepted(None, ""), "{answer:?}");
}

#[tokio::test]
async fn the_scope_must_name_this_service_and_region() {
    let other_service = Signing { name: "other", ..Signing::default() };
    let answer = send::<Signed>(&plugin(), signed(request("GET", "/", &[], ""), "", other_service)).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    assert!(answer.body.contains("scoped to correct service: 'example'"), "{answer:?}");

    let in_region = plugin().region("eu-west-1");
    let answer = send::<Signed>(&in_region, signed(request("GET", "/", &[], ""), "", Signing::default())).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    let eu = Signing { region: "eu-west-1", ..Signing::default() };
    let answer = send::<Signed>(&in_region, signed(request("GET", "/", &[], ""), "", eu)).await;
    assert!(answer.accepted(Some("alice"), ""), "{answer:?}");
}

#[tokio::test]
async fn signatures_are_current_within_the_clock_skew() {
    let minutes = |m: u64| Duration::from_secs(60 * m);
    let at = |time| Signing { time, ..Signing::default() };
    let cases = [
        (SystemTime::now() - minutes(10), None),
        (SystemTime::now() + minutes(10), None),
        (SystemTime::now() - minutes(20), Some("Signature expired")),
        (SystemTime::now() + minutes(20), Some("Signature not yet current")),
    ];
    for (time, refusal) in cases {
        let answer = send::<Signed>(&plugin(), signed(request("GET", "/", &[], ""), "", at(time))).await;
        match refusal {
            None => assert!(answer.accepted(Some("alice"), ""), "{answer:?}"),
            Some(message) => {
                assert!(answer.refused("InvalidSignatureException") && answer.body.contains(message), "{answer:?}")
            }
        }
    }
}

#[tokio::test]
async fn presigned_urls_are_valid_until_they_expire() {
    let presigned = |time, valid| Signing { time, presigned: Some(valid), ..Signing::default() };
    let fresh =
        signed(request("GET", "/files/1?part=2", &[], ""), "", presigned(SystemTime::now(), Duration::from_secs(300)));
    assert!(fresh.uri().query().unwrap().contains("X-Amz-Signature="), "{}", fresh.uri());
    let answer = send::<Signed>(&plugin(), fresh).await;
    assert!(answer.accepted(Some("alice"), ""), "{answer:?}");

    let ten_minutes_ago = SystemTime::now() - Duration::from_secs(600);
    let stale = signed(request("GET", "/files/1", &[], ""), "", presigned(ten_minutes_ago, Duration::from_secs(60)));
    let answer = send::<Signed>(&plugin(), stale).await;
    assert!(answer.refused("InvalidSignatureException") && answer.body.contains("has expired"), "{answer:?}");

    let mut both = signed(request("GET", "/", &[], ""), "", presigned(SystemTime::now(), Duration::from_secs(60)));
    both.headers_mut().insert("authorization", "AWS4-HMAC-SHA256 Credential=x".parse().unwrap());
    let answer = send::<Signed>(&plugin(), both).await;
    assert!(answer.refused("IncompleteSignatureException"), "{answer:?}");
}

#[tokio::test]
async fn malformed_signatures_are_incomplete() {
    let headers = [
        ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/example/aws4_request"),
        ("x-amz-date", "20240101T000000Z"),
    ];
    let answer = send::<Signed>(&plugin(), request("GET", "/", &headers, "")).await;
    assert!(answer.refused("IncompleteSignatureException") && answer.body.contains("'SignedHeaders'"), "{answer:?}");

    let answer = send::<Signed>(&plugin(), request("GET", "/", &[("authorization", "Basic dXNlcjpwYXNz")], "")).await;
    assert!(answer.refused("IncompleteSignatureException"), "{answer:?}");

    let mut bad_date = signed(request("GET", "/", &[], ""), "", Signing::default());
    bad_date.headers_mut().insert("x-amz-date", "2024-01-01T00:00:00Z".parse().unwrap());
    let answer = send::<Signed>(&plugin(), bad_date).await;
    assert!(answer.refused("IncompleteSignatureException") && answer.body.contains("ISO8601"), "{answer:?}");

    let answer = send::<Signed>(&plugin(), request("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", &[], "")).await;
    assert!(
        answer.refused("IncompleteSignatureException") && answer.body.contains("must include 'X-Amz-Expires'"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn queries_are_compared_in_their_canonical_form() {
    // Escapes a client may leave alone or write in lower case, `+` for a space, `=` in a value:
    // each is decoded and encoded again as the signer did.
    let query =
        "?associatedResourceArn=arn%3Aaws%3Acases%3Aus-west-2%3A1%3Adomain%2Fd&lower=%3a%7e&space=a+b&eq=a=b&tilde=~";
    let request = signed(request("GET", &format!("/files{query}"), &[], ""), "", Signing::default());
    let answer = send::<Signed>(&plugin(), request).await;
    assert!(answer.accepted(Some("alice"), ""), "{answer:?}");
}

#[test]
fn amz_dates_are_read_as_aws_smithy_types_reads_them() {
    use aws_smithy_types::date_time::Format;
    // Every day from 1970 to 2100 at a time that moves through the day, and the ends of a day.
    for day in 0..(131 * 366) {
        for seconds in [0, day * 7919 % 86_400, 86_399] {
            let time = aws_smithy_types::DateTime::from_secs(day * 86_400 + seconds);
            let text = time.fmt(Format::DateTime).unwrap().replace(['-', ':'], "");
            let expected = SystemTime::try_from(time).unwrap();
            assert_eq!(crate::sigv4::parse_amz_date(&text), Some(expected), "{text}");
        }
    }
    for invalid in ["20260229T000000Z", "20261301T000000Z", "20261200T000000Z", "20261231T240000Z", "20261231T236000Z"]
    {
        assert_eq!(crate::sigv4::parse_amz_date(invalid), None, "{invalid}");
    }
    assert!(crate::sigv4::parse_amz_date("20240229T120000Z").is_some());
}

/// A streamed body: its chunks, then the end, or nothing ever more.
struct Chunks {
    chunks: std::collections::VecDeque<Bytes>,
    then_pending: bool,
}

impl Chunks {
    fn new(chunks: &[&'static str], then_pending: bool) -> Self {
        Chunks { chunks: chunks.iter().map(|chunk| Bytes::from_static(chunk.as_bytes())).collect(), then_pending }
    }
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(http_body::Frame::data(chunk)))),
            None if self.then_pending => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}

/// An event stream's first request to `/events`, signed as `signing` says, with `body` as its body.
fn event_stream(signing: Signing, body: Chunks) -> http::Request<Chunks> {
    let request = request("POST", "/events", &[("content-type", "application/vnd.amazon.eventstream")], "");
    signed(request, "", Signing { events: true, ..signing }).map(|_| body)
}

#[tokio::test]
async fn an_event_streams_first_request_is_checked_before_its_body_is_read() {
    // Refused at once, though this body never ends.
    let wrong_secret = Signing { secret: "not the secret", ..Signing::default() };
    let request = event_stream(wrong_secret, Chunks::new(&["one"], true));
    let answer = tokio::time::timeout(Duration::from_secs(5), send::<Events>(&plugin(), request)).await.unwrap();
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
}

#[tokio::test]
async fn the_streaming_payload_hash_is_for_event_streams_only() {
    // On an operation whose input is no event stream: refused, not taken for the body's hash.
    let not_events = event_stream(Signing::default(), Chunks::new(&[], false));
    let answer = send::<Signed>(&plugin(), not_events).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    assert!(answer.body.contains("is for event streams only"), "{answer:?}");
    // An event stream signed with its body's hash: refused.
    let body_hash = signed(request("POST", "/events", &[], "body"), "body", Signing::default());
    let answer = send::<Events>(&plugin(), body_hash).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    assert!(answer.body.contains("An event stream is signed with"), "{answer:?}");
    // The header outside the signed headers.
    let mut unsigned_header = event_stream(Signing::default(), Chunks::new(&[], false));
    let authorization =
        unsigned_header.headers()["authorization"].to_str().unwrap().replace("x-amz-content-sha256;", "");
    unsigned_header.headers_mut().insert("authorization", authorization.parse().unwrap());
    let answer = send::<Events>(&plugin(), unsigned_header).await;
    assert!(answer.refused("InvalidSignatureException"), "{answer:?}");
    assert!(answer.body.contains("must be a 'SignedHeader'"), "{answer:?}");
}

#[tokio::test]
async fn an_anonymous_event_stream_reaches_an_operation_with_optional_auth() {
    let request = request("POST", "/events", &[], "").map(|_| Chunks::new(&["plain"], false));
    let answer = send::<OptionalEvents>(&plugin(), request).await;
    assert!(answer.accepted(None, "plain"), "{answer:?}");
}

/// An event stream of `messages` signed as a client signs it, chained from the first request's
/// signature, ending with the signed empty message when `end` says so: the first request, and the
/// signed messages as they go on the wire.
fn signed_events(messages: &[&'static str], end: bool) -> (http::Request<Full<Bytes>>, Vec<Vec<u8>>) {
    signed_events_at(messages, end, SystemTime::now())
}

/// The same, with the messages signed at `time`.
fn signed_events_at(
    messages: &[&'static str],
    end: bool,
    time: SystemTime,
) -> (http::Request<Full<Bytes>>, Vec<Vec<u8>>) {
    use aws_smithy_types::event_stream::Message;
    let request = request("POST", "/events", &[("content-type", "application/vnd.amazon.eventstream")], "");
    let (request, mut prior) = signed_with_signature(request, "", Signing { events: true, ..Signing::default() });
    let identity = aws_credential_types::Credentials::new(KEY.0, KEY.1, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(SIGNING_NAME)
        .time(time)
        .settings(())
        .build()
        .unwrap();
    let mut frames = Vec::new();
    for text in messages {
        let message = Message::new(Bytes::from_static(text.as_bytes()));
        let (envelope, signature) =
            aws_sigv4::event_stream::sign_message(&message, &prior, &params).unwrap().into_parts();
        let mut frame = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&envelope, &mut frame).unwrap();
        frames.push(frame);
        prior = signature;
    }
    if end {
        let (envelope, _) = aws_sigv4::event_stream::sign_empty_message(&prior, &params).unwrap().into_parts();
        let mut frame = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&envelope, &mut frame).unwrap();
        frames.push(frame);
    }
    (request, frames)
}

/// The messages inside a stream, as written by `aws_smithy_eventstream`.
fn inner(messages: &[&'static str]) -> String {
    let mut bytes = Vec::new();
    for text in messages {
        let message = aws_smithy_types::event_stream::Message::new(Bytes::from_static(text.as_bytes()));
        aws_smithy_eventstream::frame::write_message_to(&message, &mut bytes).unwrap();
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A body of `frames`, cut into pieces of `piece` bytes (so that messages span chunks).
fn pieces(frames: &[Vec<u8>], piece: usize) -> Chunks {
    let bytes: Vec<u8> = frames.concat();
    Chunks { chunks: bytes.chunks(piece).map(Bytes::copy_from_slice).collect(), then_pending: false }
}

#[tokio::test]
async fn each_message_of_a_signed_event_stream_is_checked_and_handed_on() {
    let texts = ["first", "second", "third"];
    let (request, frames) = signed_events(&texts, true);
    let answer = send::<Events>(&plugin(), request.map(|_| pieces(&frames, 7))).await;
    assert!(answer.accepted(Some("alice"), &inner(&texts)), "{answer:?}");
}

#[tokio::test]
async fn a_changed_moved_or_cut_event_stream_is_an_error() {
    let texts = ["first", "second"];
    let (request, frames) = signed_events(&texts, true);
    let (parts, _) = request.into_parts();
    let resend = |frames: Vec<Vec<u8>>| http::Request::from_parts(parts.clone(), pieces(&frames, 64));

    // The second message's text changed, its frame written again (with its signature).
    let mut envelope = aws_smithy_eventstream::frame::read_message_from(&frames[1][..]).unwrap();
    let forged = aws_smithy_types::event_stream::Message::new(Bytes::from_static(b"forged"));
    let mut forged_bytes = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&forged, &mut forged_bytes).unwrap();
    let headers = envelope.headers().to_vec();
    envelope = aws_smithy_types::event_stream::Message::new(Bytes::from(forged_bytes));
    for header in headers {
        envelope = envelope.add_header(header);
    }
    let mut changed = frames.clone();
    changed[1].clear();
    aws_smithy_eventstream::frame::write_message_to(&envelope, &mut changed[1]).unwrap();
    let answer = send::<Events>(&plugin(), resend(changed)).await;
    assert!(
        answer.body.contains("body error: a message of the event stream does not carry the signature"),
        "{answer:?}"
    );
    assert!(!answer.body.contains("forged"), "{answer:?}");

    let swapped = vec![frames[1].clone(), frames[0].clone(), frames[2].clone()];
    let answer = send::<Events>(&plugin(), resend(swapped)).await;
    assert!(answer.body.contains("does not carry the signature"), "{answer:?}");

    let cut = frames[..2].to_vec();
    let answer = send::<Events>(&plugin(), resend(cut)).await;
    assert!(answer.body.contains("ended without its signed end"), "{answer:?}");

    let mut after_end = frames.clone();
    after_end.push(frames[0].clone());
    let answer = send::<Events>(&plugin(), resend(after_end)).await;
    assert!(answer.body.contains("goes on after its signed end"), "{answer:?}");
}

#[tokio::test]
async fn a_message_signed_far_from_the_servers_time_is_an_error() {
    let twenty_minutes = Duration::from_secs(20 * 60);
    for time in [SystemTime::now() - twenty_minutes, SystemTime::now() + twenty_minutes] {
        let (request, frames) = signed_events_at(&["late"], true, time);
        let answer = send::<Events>(&plugin(), request.map(|_| pieces(&frames, 64))).await;
        assert!(answer.body.contains("more than 15 minutes from the server's time"), "{answer:?}");
    }
    // Within the window: accepted.
    let (request, frames) = signed_events_at(&["recent"], true, SystemTime::now() - Duration::from_secs(10 * 60));
    let answer = send::<Events>(&plugin(), request.map(|_| pieces(&frames, 64))).await;
    assert!(answer.accepted(Some("alice"), &inner(&["recent"])), "{answer:?}");
}
