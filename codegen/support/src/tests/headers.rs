//! `common/headers.rs`: header values and the text of scalars outside bodies.

use std::borrow::Cow;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

use crate::protocol_serde::headers::*;

#[test]
fn header_values_refuse_what_http_cannot_carry() {
    assert_eq!(header_value("plain text").unwrap(), "plain text");
    let error = header_value("two\nlines").unwrap_err();
    assert!(error.contains(r#""two\nlines""#), "{error}");
}

#[test]
fn list_values_quote_the_items_that_need_it() {
    let items = ["a", "b,c", r#"say "hi""#, " padded", "(paren)", ""].map(Cow::Borrowed);
    let value = header_list_value(items.into_iter()).unwrap();
    assert_eq!(value, r#"a, "b,c", "say \"hi\"", " padded", "(paren)", "#);
    assert!(header_list_value(["ok", "not\r\nok"].map(Cow::Borrowed).into_iter()).is_err());
}

#[test]
fn the_content_type_of_a_member_wins() {
    let mut headers = http::HeaderMap::new();
    content_type(&mut headers, "application/json");
    assert_eq!(headers[http::header::CONTENT_TYPE], "application/json");

    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    content_type(&mut headers, "application/json");
    assert_eq!(headers.get_all(http::header::CONTENT_TYPE).iter().collect::<Vec<_>>(), ["text/plain"]);
}

#[test]
fn primitives_are_written_as_smithy_reads_them() {
    assert_eq!(format_primitive(1.1f32), "1.1");
    assert_eq!(format_primitive(1.1f64), "1.1");
    assert_eq!(format_primitive(f64::NAN), "NaN");
    assert_eq!(format_primitive(f32::INFINITY), "Infinity");
    assert_eq!(format_primitive(f64::NEG_INFINITY), "-Infinity");
    assert_eq!(format_primitive(-42i64), "-42");
    assert_eq!(format_primitive(true), "true");
}

#[test]
fn timestamps_are_written_in_the_member_format() {
    let time = DateTime::from_secs(1_515_531_081);
    assert_eq!(format_timestamp(&time, Format::HttpDate).unwrap(), "Tue, 09 Jan 2018 20:51:21 GMT");
    assert_eq!(format_timestamp(&time, Format::DateTime).unwrap(), "2018-01-09T20:51:21Z");
    assert_eq!(format_timestamp(&time, Format::EpochSeconds).unwrap(), "1515531081");
    assert!(format_timestamp(&DateTime::from_secs(i64::MAX), Format::HttpDate).is_err());
}

#[test]
fn list_items_over_all_occurrences_or_none_when_absent() {
    let read =
        |values: &[&'static str]| items(values.iter().map(|v| v.as_bytes()), parse::read_many_primitive_bytes::<i32>);
    assert_eq!(read(&[]).unwrap(), None);
    assert_eq!(read(&["1, 2", "3"]).unwrap(), Some(vec![1, 2, 3]));
    assert!(read(&["1, x"]).is_err());
    let strings = items([br#""a,b", c"#.as_slice()].into_iter(), parse::read_many_from_str_bytes::<String>);
    assert_eq!(strings.unwrap(), Some(vec!["a,b".to_owned(), "c".to_owned()]));
}

#[test]
fn media_type_headers_are_base64() {
    assert_eq!(base64(Some("aGVsbG8=".to_owned())).unwrap().as_deref(), Some("hello"));
    assert_eq!(base64(None).unwrap(), None);
    assert!(base64(Some("not base64!".to_owned())).is_err());
    // Valid base64 of bytes that are not UTF-8.
    assert!(base64(Some("/w==".to_owned())).is_err());
}
