//! What surrounds every call to the API: a request id and one log line per request, a limit on
//! request bodies, and a limit on calls in flight beyond which callers get ThrottlingException.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::{Future, Ready, ready};
use std::io::Write as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use attached_files_server_sdk::error::ThrottlingException;
use attached_files_server_sdk::server::body::{BoxBody, boxed};
use attached_files_server_sdk::server::extension::OperationExtension;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::server::plugin::{HttpMarker, Plugin};
use attached_files_server_sdk::server::protocol::rest_json_1::RestJson1;
use attached_files_server_sdk::server::response::IntoResponse;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Limited;
use tokio::sync::Semaphore;
use tower::{Layer, Service};
use tracing_subscriber::fmt::MakeWriter;

use crate::log_writer::BatchedWriter;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The header AWS services put their request id in, and clients read it from.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// The id of a request, a random UUID as AWS's are: sent back as `x-amzn-RequestId` and logged.
/// Handlers take it with `Extension<RequestId>`, to log it with what goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(uuid::Uuid);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Gives every request a [`RequestId`] (in its extensions, and `x-amzn-RequestId` on its
/// response), then logs one line when it is answered: request id, operation, method, path,
/// status, error type and latency. (No tracing span per request: under load a span cost the
/// server about a fifth of its CPU time per request, measured with the load benchmark.)
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLogLayer;

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLog { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RequestLog<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for RequestLog<S>
where
    S: Service<Request<B>, Response = Response<BoxBody>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response<BoxBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<BoxBody>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let started = Instant::now();
        let request_id = RequestId(uuid::Uuid::new_v4());
        let (method, path) = (request.method().clone(), request.uri().path().to_owned());
        request.extensions_mut().insert(request_id);
        let response = self.inner.call(request);
        Box::pin(async move {
            let Ok(mut response) = response.await;
            if tracing::enabled!(target: REQUEST_TARGET, tracing::Level::INFO) {
                let line = RequestLine {
                    request_id,
                    operation: response.extensions().get::<OperationExtension>().map_or("-", |op| op.0.name()),
                    method: &method,
                    path: &path,
                    status: response.status().as_u16(),
                    error: response.headers().get("x-amzn-errortype").and_then(|v| v.to_str().ok()).unwrap_or("-"),
                    latency_us: started.elapsed().as_micros() as u64,
                };
                match REQUEST_LINES.get() {
                    // A `Line` only copies into memory: it cannot fail.
                    Some(writer) => drop(writer.make_writer().write_all(line.text(SystemTime::now()).as_bytes())),
                    None => line.trace(),
                }
            }
            let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
            if let Ok(value) = HeaderValue::from_str(request_id.0.hyphenated().encode_lower(&mut text)) {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            Ok(response)
        })
    }
}

/// The target of the request log's lines.
const REQUEST_TARGET: &str = "attached_files_server::request";

/// Where the request log's lines go without tracing's formatter, when the program has said so.
static REQUEST_LINES: OnceLock<BatchedWriter> = OnceLock::new();

/// Writes the request log's lines straight to `writer`, as tracing-subscriber's `fmt` formats them
/// without colours (which the binary's subscriber then must not use) and outside any span, once
/// its filter lets them through: under load, tracing's formatting of the line was a twentieth of a
/// Get's CPU time. Without this, the lines are tracing events like any other. Only the first
/// writer counts.
pub fn write_request_lines_to(writer: BatchedWriter) {
    let _ = REQUEST_LINES.set(writer);
}

/// What the request log says of a request.
struct RequestLine<'a> {
    request_id: RequestId,
    operation: &'a str,
    method: &'a http::Method,
    path: &'a str,
    status: u16,
    error: &'a str,
    latency_us: u64,
}

impl RequestLine<'_> {
    /// The line as a tracing event.
    fn trace(&self) {
        tracing::info!(
            target: REQUEST_TARGET,
            request_id = %self.request_id,
            operation = %self.operation,
            method = %self.method,
            path = %self.path,
            status = self.status,
            error = %self.error,
            latency_us = self.latency_us,
        );
    }

    /// The line as tracing-subscriber's `fmt` (full format, no colours) writes the event at `now`.
    fn text(&self, now: SystemTime) -> String {
        let mut line = String::with_capacity(200 + self.path.len());
        push_timestamp(&mut line, now);
        line.push_str("  INFO ");
        line.push_str(REQUEST_TARGET);
        line.push_str(": request_id=");
        line.push_str(self.request_id.0.hyphenated().encode_lower(&mut [0; uuid::fmt::Hyphenated::LENGTH]));
        for (name, value) in [("operation", self.operation), ("method", self.method.as_str()), ("path", self.path)] {
            line.push(' ');
            line.push_str(name);
            line.push('=');
            line.push_str(value);
        }
        let _ = write!(line, " status={} error={} latency_us={}", self.status, self.error, self.latency_us);
        line.push('\n');
        line
    }
}

/// `now` as tracing-subscriber's default timer writes it: RFC 3339 in UTC, to the microsecond.
fn push_timestamp(line: &mut String, now: SystemTime) {
    let now = time::OffsetDateTime::from(now);
    let _ = write!(
        line,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.microsecond()
    );
}

/// Refuses a request whose declared body is longer than `max_bytes` with 413, before routing,
/// and cuts any body an operation reads at `max_bytes` (a body sent without a length).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimitLayer {
    pub max_bytes: u64,
}

impl<S> Layer<S> for BodyLimitLayer {
    type Service = BodyLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyLimit { inner, max_bytes: self.max_bytes }
    }
}

#[derive(Debug, Clone)]
pub struct BodyLimit<S> {
    inner: S,
    max_bytes: u64,
}

impl<S, B> Service<Request<B>> for BodyLimit<S>
where
    S: Service<Request<Limited<B>>, Response = Response<BoxBody>, Error = Infallible>,
{
    type Response = Response<BoxBody>;
    type Error = Infallible;
    type Future = futures_util::future::Either<Ready<Result<Response<BoxBody>, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let declared = request.headers().get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse().ok());
        if declared.is_some_and(|length: u64| length > self.max_bytes) {
            let message = format!("the request body is longer than {} bytes", self.max_bytes);
            return futures_util::future::Either::Left(ready(Ok(json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeException",
                &message,
            ))));
        }
        let max = usize::try_from(self.max_bytes).unwrap_or(usize::MAX);
        futures_util::future::Either::Right(self.inner.call(request.map(|body| Limited::new(body, max))))
    }
}

/// A restJson1 error answer: status, `X-Amzn-Errortype` and `{"Message": ...}`.
fn json_error(status: StatusCode, error_type: &'static str, message: &str) -> Response<BoxBody> {
    let body = serde_json::json!({ "Message": message }).to_string();
    let mut response = Response::new(boxed(http_body_util::Full::new(bytes::Bytes::from(body))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    response
}

/// At most `max` calls of the API's operations in flight; one more is answered at once with the
/// operation's modeled ThrottlingException (429), written by the generated SDK, so that callers
/// never wait behind a saturated server nor see a 5xx. Clients retry 429 with back-off.
#[derive(Debug, Clone)]
pub struct ConcurrencyLimitPlugin {
    permits: Arc<Semaphore>,
}

impl ConcurrencyLimitPlugin {
    pub fn new(max: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS))) }
    }
}

impl HttpMarker for ConcurrencyLimitPlugin {}

impl<Ser, Op, T> Plugin<Ser, Op, T> for ConcurrencyLimitPlugin
where
    Op: OperationShape,
    Op::Error: From<ThrottlingException> + IntoResponse<RestJson1>,
{
    type Output = ConcurrencyLimit<T>;

    fn apply(&self, inner: T) -> Self::Output {
        ConcurrencyLimit {
            inner,
            permits: self.permits.clone(),
            throttled: || {
                let message = "Too many requests in flight; retry later".to_owned();
                Op::Error::from(ThrottlingException::builder().message(Some(message)).build()).into_response()
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    permits: Arc<Semaphore>,
    /// The operation's ThrottlingException, as an HTTP response.
    throttled: fn() -> Response<BoxBody>,
}

impl<S, B> Service<Request<B>> for ConcurrencyLimit<S>
where
    S: Service<Request<B>, Response = Response<BoxBody>>,
    S::Future: Send + 'static,
{
    type Response = Response<BoxBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<BoxBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => {
                let response = self.inner.call(request);
                Box::pin(async move {
                    let response = response.await;
                    drop(permit);
                    response
                })
            }
            Err(_) => {
                let response = (self.throttled)();
                Box::pin(async move { Ok(response) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// What a tracing subscriber wrote.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_request_line_is_the_text_tracing_writes_for_its_event() {
        let method = http::Method::DELETE;
        let line = RequestLine {
            request_id: RequestId(uuid::Uuid::new_v4()),
            operation: "DeleteAttachedFile",
            method: &method,
            path: "/attached-files/inst-1/f%20x",
            status: 404,
            error: "ResourceNotFoundException",
            latency_us: 1234,
        };
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let before = SystemTime::now();
        tracing::subscriber::with_default(subscriber, || line.trace());
        let traced = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let ours = line.text(before);

        // The same text after the timestamp, and timestamps of the same shape within a second.
        let stamp = "2026-12-08T00:58:14.082338Z".len();
        assert_eq!(traced[stamp..], ours[stamp..], "\ntracing: {traced}ours:    {ours}");
        let (traced_stamp, our_stamp) = (&traced[..stamp], &ours[..stamp]);
        let shape = |s: &str| s.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect::<String>();
        assert_eq!(shape(traced_stamp), shape(our_stamp));
        assert_eq!(traced_stamp[..17], our_stamp[..17], "the same minute (unless the test ran across one)");
    }

    #[test]
    fn timestamps_are_written_in_utc_to_the_microsecond() {
        let mut line = String::new();
        push_timestamp(&mut line, SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_733_617_094_082_338));
        assert_eq!(line, "2024-12-08T00:18:14.082338Z");
        line.clear();
        push_timestamp(&mut line, SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(951_782_400_000_007));
        assert_eq!(line, "2000-02-29T00:00:00.000007Z");
    }
}
