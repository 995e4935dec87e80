//! Support shared by the generated (de)serializers: the error code and message of an error
//! answer. The same for every generated client; the generated code
//! in `protocol_serde.rs` calls it.

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::error::metadata::{Builder as ErrorMetadataBuilder, ErrorMetadata};

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
