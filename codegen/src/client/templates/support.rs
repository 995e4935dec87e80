//! restJson1 support shared by the generated (de)serializers: header values, and the
//! error code and message of an error answer. The same for every generated client; the
//! generated code in `protocol_serde.rs` calls it.

// Each crate uses the parts its model needs.
#![allow(dead_code)]


use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::http::header_parse;
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::metadata::{Builder as ErrorMetadataBuilder, ErrorMetadata};
use aws_smithy_types::primitive::Parse;
use aws_smithy_types::DateTime;


// --- Errors ------------------------------------------------------------------------------------

/// The metadata of an error answer: the code from `X-Amzn-Errortype`, else the body's (`code` or
/// `__type`), without a namespace or a `:` suffix; the body's message; the request id from
/// `X-Amzn-Requestid`.
pub(crate) fn error_metadata(headers: &Headers, body_code: Option<String>, message: Option<String>) -> ErrorMetadata {
    let mut builder = ErrorMetadataBuilder::default();
    if let Some(code) = headers.get("x-amzn-errortype").map(str::to_owned).or(body_code) {
        let code = code.split(':').next().unwrap_or_default();
        builder = builder.code(code.rsplit('#').next().unwrap_or_default());
    }
    if let Some(message) = message {
        builder = builder.message(message);
    }
    if let Some(request_id) = headers.get("x-amzn-requestid") {
        builder = builder.custom("aws_request_id", request_id);
    }
    builder.build()
}

/// The metadata of an error answer from an `@awsQueryCompatible` service: its code is the one
/// `x-amzn-query-error` gives (`code;Sender`), when the answer has it.
pub(crate) fn query_error_metadata(meta: ErrorMetadata, headers: &Headers) -> ErrorMetadata {
    let Some(code) = headers.get("x-amzn-query-error").and_then(|value| value.split(';').next()) else {
        return meta;
    };
    let mut builder = ErrorMetadataBuilder::default().code(code);
    if let Some(message) = meta.message() {
        builder = builder.message(message);
    }
    if let Some(request_id) = headers.get("x-amzn-requestid") {
        builder = builder.custom("aws_request_id", request_id);
    }
    builder.build()
}

/// The format a timestamp header is read in: a client accepts RFC 3339 date-times with a UTC
/// offset (`2019-12-16T22:48:18-01:00`), though it sends only `Z`.
fn reading(format: Format) -> Format {
    match format {
        Format::DateTime => Format::DateTimeWithOffset,
        other => other,
    }
}

// --- Headers -----------------------------------------------------------------------------------

/// Sets the body's media type, unless a member bound to `Content-Type` already did.
pub(crate) fn content_type(request: http::request::Builder, media_type: &'static str) -> http::request::Builder {
    match request.headers_ref() {
        Some(headers) if headers.contains_key(http::header::CONTENT_TYPE) => request,
        _ => request.header(http::header::CONTENT_TYPE, media_type),
    }
}

/// The one value of a header, as text.
pub(crate) fn header_string(headers: &Headers, name: &str) -> Result<Option<String>, BoxError> {
    Ok(header_parse::one_or_none(headers.get_all(name))?)
}

/// The one value of a header, as a boolean or number.
pub(crate) fn header_primitive<T: Parse>(headers: &Headers, name: &str) -> Result<Option<T>, BoxError> {
    let mut values = header_parse::read_many_primitive::<T>(headers.get_all(name))?;
    if values.len() > 1 {
        return Err(format!("expected one value in header {name}, found {}", values.len()).into());
    }
    Ok(values.pop())
}

/// The one value of a header that carries a `@mediaType` string: base64 (restJson1).
pub(crate) fn header_base64(headers: &Headers, name: &str) -> Result<Option<String>, BoxError> {
    match header_string(headers, name)? {
        Some(encoded) => Ok(Some(String::from_utf8(aws_smithy_types::base64::decode(encoded)?)?)),
        None => Ok(None),
    }
}

/// The one value of a header, as a timestamp.
pub(crate) fn header_timestamp(headers: &Headers, name: &str, format: Format) -> Result<Option<DateTime>, BoxError> {
    let mut values = header_parse::many_dates(headers.get_all(name), reading(format))?;
    if values.len() > 1 {
        return Err(format!("expected one timestamp in header {name}, found {}", values.len()).into());
    }
    Ok(values.pop())
}

/// The items of a list-valued header of strings (`None` if the header is absent).
pub(crate) fn header_strings(headers: &Headers, name: &str) -> Result<Option<Vec<String>>, BoxError> {
    if !headers.contains_key(name) {
        return Ok(None);
    }
    Ok(Some(header_parse::read_many_from_str::<String>(headers.get_all(name))?))
}

/// The items of a list-valued header of booleans or numbers.
pub(crate) fn header_primitives<T: Parse>(headers: &Headers, name: &str) -> Result<Option<Vec<T>>, BoxError> {
    if !headers.contains_key(name) {
        return Ok(None);
    }
    Ok(Some(header_parse::read_many_primitive::<T>(headers.get_all(name))?))
}

/// The items of a list-valued header of timestamps.
pub(crate) fn header_timestamps(headers: &Headers, name: &str, format: Format) -> Result<Option<Vec<DateTime>>, BoxError> {
    if !headers.contains_key(name) {
        return Ok(None);
    }
    Ok(Some(header_parse::many_dates(headers.get_all(name), reading(format))?))
}
