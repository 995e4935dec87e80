//! Protocol support shared by the generated (de)serializers: HTTP bindings,
//! constraint-violation messages and the framework's error responses. The same for
//! every generated crate; the generated code in `protocol_serde.rs` calls it.

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;

use aws_smithy_http_server::body::BoxBody;
use aws_smithy_http_server::response::IntoResponse;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

pub(crate) type Response = http::Response<BoxBody>;

/// Deepest nesting of structures, unions, lists and maps a request body may have, so that no
/// request can exhaust the stack.
const MAX_DEPTH: usize = 128;

/// Why a request could not become an operation's input.
#[derive(Debug)]
pub enum RequestRejection {
    /// The request cannot be read as the input shape: 400 `SerializationException`.
    Serialization(Cow<'static, str>),
    /// A value breaks a constraint of the model: the crate's default validation exception.
    Validation(Violation),
    /// A value breaks a constraint of an operation whose validation exception is another one:
    /// answered by `respond`.
    ValidationAs(Violation, fn(&Violation) -> Response),
    /// 415 `UnsupportedMediaTypeException`.
    UnsupportedMediaType,
    /// 406 `NotAcceptableException`.
    NotAcceptable,
}

impl fmt::Display for RequestRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Serialization(reason) => write!(f, "request cannot be deserialized: {reason}"),
            Self::Validation(violation) | Self::ValidationAs(violation, _) => f.write_str(&violation.summary()),
            Self::UnsupportedMediaType => f.write_str("unexpected Content-Type"),
            Self::NotAcceptable => f.write_str("Accept does not allow the response's media type"),
        }
    }
}

impl std::error::Error for RequestRejection {}

impl IntoResponse<super::Protocol> for RequestRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Serialization(_) => framework_error(400, "SerializationException"),
            Self::Validation(violation) => super::validation_exception_response(&violation),
            Self::ValidationAs(violation, respond) => respond(&violation),
            Self::UnsupportedMediaType => framework_error(415, "UnsupportedMediaTypeException"),
            Self::NotAcceptable => framework_error(406, "NotAcceptableException"),
        }
    }
}

impl RequestRejection {
    /// Answers a constraint violation with `respond`: an operation's own validation exception.
    pub(crate) fn answered_by(self, respond: fn(&Violation) -> Response) -> Self {
        match self {
            Self::Validation(violation) => Self::ValidationAs(violation, respond),
            other => other,
        }
    }
}

pub(crate) fn serialization(reason: impl Into<Cow<'static, str>>) -> RequestRejection {
    RequestRejection::Serialization(reason.into())
}

impl From<aws_smithy_json::deserialize::error::DeserializeError> for RequestRejection {
    fn from(error: aws_smithy_json::deserialize::error::DeserializeError) -> Self {
        serialization(error.to_string())
    }
}

/// One broken constraint: where (a JSON-pointer-like path such as `/Tags/key`) and the
/// message that names the member and the constraint (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

impl Violation {
    /// A constraint broken at `path`; `length` is the value's length for `@length` violations.
    pub(crate) fn new(path: &Path<'_>, length: Option<usize>, constraint: &str) -> Self {
        let path = path.to_string();
        let message = match length {
            Some(length) => {
                format!("Value with length {length} at '{path}' failed to satisfy constraint: {constraint}")
            }
            None => format!("Value at '{path}' failed to satisfy constraint: {constraint}"),
        };
        Violation { path, message }
    }

    pub(crate) fn required(path: &Path<'_>) -> Self {
        Self::new(path, None, "Member must not be null")
    }

    /// The validation exception's message: how many constraints broke, then the first.
    pub fn summary(&self) -> String {
        format!("1 validation error detected. {}", self.message)
    }
}

impl From<Violation> for RequestRejection {
    fn from(violation: Violation) -> Self {
        RequestRejection::Validation(violation)
    }
}

/// Where a value sits in the input, built on the stack as deserialization descends and only
/// rendered (`/member/0/key`) when a constraint breaks.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
    depth: usize,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Member(&'static str),
    Index(usize),
    Key(&'a str),
}

impl<'a> Path<'a> {
    pub(crate) const ROOT: Path<'static> = Path { parent: None, segment: Segment::Root, depth: 0 };

    fn child(&'a self, segment: Segment<'a>) -> Path<'a> {
        Path { parent: Some(self), segment, depth: self.depth + 1 }
    }
    pub(crate) fn member(&'a self, name: &'static str) -> Path<'a> {
        self.child(Segment::Member(name))
    }
    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        self.child(Segment::Index(index))
    }
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        self.child(Segment::Key(key))
    }
    /// Refuses nesting deeper than [`MAX_DEPTH`].
    pub(crate) fn descend(&self) -> Result<(), RequestRejection> {
        if self.depth > MAX_DEPTH {
            return Err(serialization("the request body nests too deeply"));
        }
        Ok(())
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Member(name) => write!(f, "/{name}"),
            Segment::Index(index) => write!(f, "/{index}"),
            Segment::Key(key) => write!(f, "/{key}"),
        }
    }
}

/// `@uniqueItems` for items that hash (strings, numbers, enums, timestamps, blobs).
pub(crate) fn all_unique_hashable<T: Eq + std::hash::Hash>(items: &[T]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().all(|item| seen.insert(item))
}

/// `@uniqueItems` for items that only compare (structures, unions, lists): pairwise.
pub(crate) fn all_unique<T: PartialEq>(items: &[T]) -> bool {
    items.iter().enumerate().all(|(i, item)| !items[..i].contains(item))
}

// --- HTTP bindings -----------------------------------------------------------------------------

/// Refuses a request whose `Content-Type` is not the one the input's body needs (`None`: the
/// input has no body, so no `Content-Type` is expected either). A missing `Content-Type` is
/// judged once the body is read ([`check_body_has_content_type`]).
pub(crate) fn check_content_type(headers: &HeaderMap, expected: Option<&'static str>) -> Result<(), RequestRejection> {
    let Some(found) = headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = found.to_str().ok().and_then(|v| v.split(';').next()).map(str::trim);
    match (expected, essence) {
        (Some(expected), Some(essence)) if essence.eq_ignore_ascii_case(expected) => Ok(()),
        _ => Err(RequestRejection::UnsupportedMediaType),
    }
}

/// Refuses a body that comes without a `Content-Type` (an empty body needs none).
pub(crate) fn check_body_has_content_type(headers: &HeaderMap, body: &[u8]) -> Result<(), RequestRejection> {
    if !body.is_empty() && !headers.contains_key(CONTENT_TYPE) {
        return Err(RequestRejection::UnsupportedMediaType);
    }
    Ok(())
}

/// Refuses a request whose `Accept` allows none of `content_type` (e.g. `application/json`):
/// neither it, nor its `type/*`, nor `*/*`. No `Accept` allows everything.
pub(crate) fn check_accept(headers: &HeaderMap, content_type: &'static str) -> Result<(), RequestRejection> {
    let mut values = headers.get_all(http::header::ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return Ok(());
    }
    let type_ = content_type.split('/').next().unwrap_or(content_type);
    let accepts = |range: &str| {
        let range = range.split(';').next().unwrap_or(range).trim();
        match range.split_once('/') {
            Some(("*", "*")) => true,
            Some((t, "*")) => t.eq_ignore_ascii_case(type_),
            _ => range.eq_ignore_ascii_case(content_type),
        }
    };
    let allowed = values.any(|value| value.to_str().is_ok_and(|value| value.split(',').any(accepts)));
    if allowed {
        Ok(())
    } else {
        Err(RequestRejection::NotAcceptable)
    }
}

/// The `index`-th segment of a path (after its leading `/`), percent-decoded: a label's value.
/// The router has matched the path against the operation's pattern already.
pub(crate) fn label(path: &str, index: usize) -> Result<Cow<'_, str>, RequestRejection> {
    let raw = path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .nth(index)
        .ok_or_else(|| serialization("the URI does not match the operation's path"))?;
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| serialization("a URI label is not valid UTF-8 once percent-decoded"))
}

/// A greedy label's value: the path from its `index`-th segment on, but for the last `trailing`
/// segments (the literals after it), percent-decoded; it may hold slashes.
pub(crate) fn greedy_label(path: &str, index: usize, trailing: usize) -> Result<Cow<'_, str>, RequestRejection> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let mismatch = || serialization("the URI does not match the operation's path");
    // Where each segment starts, and where the path ends.
    let starts: Vec<usize> = std::iter::once(0).chain(path.match_indices('/').map(|(i, _)| i + 1)).collect();
    let start = *starts.get(index).ok_or_else(mismatch)?;
    let end = match trailing {
        0 => path.len(),
        _ => starts
            .len()
            .checked_sub(trailing)
            .filter(|first| *first > index)
            .map(|first| starts[first] - 1)
            .ok_or_else(mismatch)?,
    };
    percent_encoding::percent_decode_str(&path[start..end])
        .decode_utf8()
        .map_err(|_| serialization("a URI label is not valid UTF-8 once percent-decoded"))
}

/// The query string's pairs, percent-decoded as they are read (`+` is a space, as in forms).
pub(crate) fn query_pairs(query: Option<&str>) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
}

/// A label, query or header value as a boolean or number (Smithy's literal forms, so floats
/// also accept `NaN`, `Infinity`, `-Infinity`).
pub(crate) fn parse_primitive<T>(value: &str) -> Result<T, RequestRejection>
where
    T: aws_smithy_types::primitive::Parse,
{
    T::parse_smithy_primitive(value).map_err(|e| serialization(e.to_string()))
}

pub(crate) fn parse_timestamp(value: &str, format: Format) -> Result<DateTime, RequestRejection> {
    DateTime::from_str(value, format).map_err(|e| serialization(e.to_string()))
}

impl From<std::string::FromUtf8Error> for RequestRejection {
    fn from(_: std::string::FromUtf8Error) -> Self {
        serialization("the request body is not UTF-8")
    }
}

/// A header that cannot be read as its member's type.
impl From<aws_smithy_runtime_api::http::header_parse::ParseError> for RequestRejection {
    fn from(error: aws_smithy_runtime_api::http::header_parse::ParseError) -> Self {
        serialization(error.to_string())
    }
}

// --- Responses ---------------------------------------------------------------------------------

pub(crate) fn boxed(body: impl Into<Bytes>) -> BoxBody {
    aws_smithy_http_server::body::to_boxed(body.into())
}

/// The answer for an error the framework raises itself, with an empty object as its body.
pub(crate) fn framework_error(status: u16, name: &'static str) -> Response {
    framework_error_with_body(status, name, super::EMPTY_OBJECT)
}

/// The answer for an error the framework raises itself, with `body` (in the protocol's format).
pub(crate) fn framework_error_with_body(status: u16, name: &'static str, body: impl Into<Bytes>) -> Response {
    let mut response = http::Response::new(boxed(body));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(super::MEDIA_TYPE));
    headers.insert("x-amzn-errortype", HeaderValue::from_static(name));
    response.extensions_mut().insert(aws_smithy_http_server::extension::RuntimeErrorExtension::new(name.to_owned()));
    response
}

/// A response that could not be serialized (a header value that HTTP cannot carry, a
/// timestamp out of range): logged with its cause, answered 500 without it.
pub(crate) fn internal_failure(cause: impl fmt::Display) -> Response {
    tracing::error!(%cause, "failed to serialize the response");
    framework_error(500, "InternalFailureException")
}

#[cfg(test)]
mod tests {
    #[test]
    fn greedy_label_takes_the_segments_between_the_literals() {
        let label = |path, index, trailing| super::greedy_label(path, index, trailing).ok().map(|l| l.into_owned());
        assert_eq!(label("/files/a/b%2Fc/d", 1, 0).as_deref(), Some("a/b/c/d"));
        assert_eq!(label("/files/a/b/meta", 1, 1).as_deref(), Some("a/b"));
        assert_eq!(label("/files/a/meta", 1, 1).as_deref(), Some("a"));
        assert_eq!(label("/files/meta", 1, 1), None);
    }
}
