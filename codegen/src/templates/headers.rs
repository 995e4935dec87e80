//! Writing HTTP header values and the text of scalars outside bodies, for the generated code of
//! every crate, server and client alike.

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use std::borrow::Cow;

use http::HeaderValue;

/// A header value, or the reason HTTP cannot carry it.
pub(crate) fn header_value(value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value)
        .map_err(|_| format!("the header value {value:?} contains characters HTTP headers cannot carry"))
}

/// A list-valued header: items joined by `, `, quoted when they contain a comma or a quote.
pub(crate) fn header_list_value<'a>(items: impl Iterator<Item = Cow<'a, str>>) -> Result<HeaderValue, String> {
    let mut joined = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            joined.push_str(", ");
        }
        if item.contains([',', '"']) {
            joined.push('"');
            joined.push_str(&item.replace('\\', "\\\\").replace('"', "\\\""));
            joined.push('"');
        } else {
            joined.push_str(&item);
        }
    }
    header_value(&joined)
}

/// A boolean or number as Smithy writes it outside bodies: for floats the shortest text that
/// reads back as the same `f32` or `f64` (`1.1`, not `1.100000023841858` for an `f32`), and `NaN`,
/// `Infinity`, `-Infinity`.
pub(crate) fn format_primitive(value: impl Into<aws_smithy_types::primitive::Encoder>) -> String {
    value.into().encode().to_owned()
}
