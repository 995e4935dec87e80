//! Stands for a generated crate's `protocol_serde.rs`: the readers and helpers that every crate
//! carries, and what a server's `protocol_serde.rs` has around them (its protocol, here restJson1,
//! and its validation exception, here `smithy.framework#ValidationException`). The generated
//! (de)serializers of each operation are left out.

#[path = "../common/cbor.rs"]
pub(crate) mod cbor;
/// Both sides' `protocol_serde/event_stream.rs`, in crates with an event stream.
#[path = "../common/event_stream.rs"]
pub(crate) mod event_stream;
#[path = "../common/headers.rs"]
pub(crate) mod headers;
#[path = "../common/json.rs"]
pub(crate) mod json;

#[path = "../server/streaming.rs"]
pub(crate) mod streaming;
#[path = "../server/support.rs"]
pub(crate) mod support;

/// The client's `protocol_serde/support.rs`, under another name than the server's here.
#[path = "../client/support.rs"]
pub(crate) mod client_support;

/// The protocol this crate speaks.
pub(crate) type Protocol = aws_smithy_http_server::protocol::rest_json_1::RestJson1;
/// The media type of its bodies.
pub(crate) const MEDIA_TYPE: &str = "application/json";
/// An empty object in the protocol's format.
pub(crate) const EMPTY_OBJECT: &[u8] = b"{}";

use support::{Response, Violation};

/// The validation exception for a request that breaks a constraint of the model.
pub(crate) fn validation_exception_response(violation: &Violation) -> Response {
    let mut body = String::new();
    let mut object = aws_smithy_json::serialize::JsonObjectWriter::new(&mut body);
    object.key("message").string(&violation.summary());
    let mut list = object.key("fieldList").start_array();
    let mut item = list.value().start_object();
    item.key("path").string(&violation.path);
    item.key("message").string(&violation.message);
    item.finish();
    list.finish();
    object.finish();
    let mut response = http::Response::new(support::boxed(body));
    *response.status_mut() = http::StatusCode::BAD_REQUEST;
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(MEDIA_TYPE));
    headers.insert("x-amzn-errortype", http::HeaderValue::from_static("ValidationException"));
    response
        .extensions_mut()
        .insert(aws_smithy_http_server::extension::ModeledErrorExtension::new("ValidationException"));
    response
}

/// An error the framework answers with a message, such as a refused signature.
pub(crate) fn error_with_message(status: u16, name: &'static str, message: &str) -> Response {
    let mut body = String::new();
    let mut object = aws_smithy_json::serialize::JsonObjectWriter::new(&mut body);
    object.key("message").string(message);
    object.finish();
    support::framework_error_with_body(status, name, body)
}
