//! HTTP header values and the text of scalars outside bodies, written and read, for the generated
//! code of every crate, server and client alike. Values are read with aws-smithy-runtime-api's
//! `header_parse`, as smithy-rs's generated code reads them on both sides.

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use std::borrow::Cow;

#[allow(unused_imports)]
pub(crate) use aws_smithy_runtime_api::http::header_parse as parse;
use aws_smithy_runtime_api::http::header_parse::{quote_header_value, ParseError};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use http::HeaderValue;

/// A header value, or the reason HTTP cannot carry it.
pub(crate) fn header_value(value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value)
        .map_err(|_| format!("the header value {value:?} contains characters HTTP headers cannot carry"))
}

/// Says the body's media type, unless a member bound to `Content-Type` already did.
pub(crate) fn content_type(headers: &mut http::HeaderMap, media_type: &'static str) {
    headers.entry(http::header::CONTENT_TYPE).or_insert(HeaderValue::from_static(media_type));
}

/// A list-valued header: items joined by `, `, quoted when they contain a comma, a quote or a
/// parenthesis, or start or end with white space.
pub(crate) fn header_list_value<'a>(items: impl Iterator<Item = Cow<'a, str>>) -> Result<HeaderValue, String> {
    let items: Vec<Cow<'a, str>> = items.map(quote_header_value).collect();
    header_value(&items.join(", "))
}

/// A boolean or number as Smithy writes it outside bodies: for floats the shortest text that
/// reads back as the same `f32` or `f64` (`1.1`, not `1.100000023841858` for an `f32`), and `NaN`,
/// `Infinity`, `-Infinity`.
pub(crate) fn format_primitive(value: impl Into<aws_smithy_types::primitive::Encoder>) -> String {
    value.into().encode().to_owned()
}

pub(crate) fn format_timestamp(value: &DateTime, format: Format) -> Result<String, String> {
    value.fmt(format).map_err(|e| e.to_string())
}

/// The items of a list-valued header, over all its occurrences, as `read` parses them; `None`
/// when the header is absent.
pub(crate) fn items<'a, I, T>(
    values: I,
    read: impl FnOnce(std::iter::Peekable<I>) -> Result<Vec<T>, ParseError>,
) -> Result<Option<Vec<T>>, ParseError>
where
    I: Iterator<Item = &'a [u8]>,
{
    let mut values = values.peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    read(values).map(Some)
}

/// The text of a header that carries a `@mediaType` string: base64 (restJson1).
pub(crate) fn base64(value: Option<String>) -> Result<Option<String>, ParseError> {
    let Some(encoded) = value else { return Ok(None) };
    let decoded = aws_smithy_types::base64::decode(encoded)
        .map_err(|e| ParseError::new("a header with a media type is not valid base64").with_source(e))?;
    let text = String::from_utf8(decoded)
        .map_err(|e| ParseError::new("a header with a media type is not UTF-8 once decoded").with_source(e))?;
    Ok(Some(text))
}
