//! `common/json.rs`: the JSON token readers.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime, Document, Number};

use crate::protocol_serde::json::*;

#[test]
fn reads_an_object_member_by_member() {
    let body =
        br#"{"name": "a\nb", "count": 3, "tags": ["x", null], "skipped": {"deep": [1, {"a": 2}]}, "flag": true}"#;
    let mut tokens = tokens(body);
    assert!(start_object(&mut tokens).unwrap());
    let mut seen = Vec::new();
    while let Some(key) = next_key(&mut tokens).unwrap() {
        match key.as_ref() {
            "name" => assert_eq!(de_string(&mut tokens).unwrap().as_deref(), Some("a\nb")),
            "count" => assert_eq!(de_integer::<i32>(&mut tokens).unwrap(), Some(3)),
            "tags" => {
                assert!(start_array(&mut tokens).unwrap());
                let mut items = Vec::new();
                while array_continues(&mut tokens).unwrap() {
                    items.push(de_string(&mut tokens).unwrap());
                }
                assert_eq!(items, [Some("x".to_owned()), None]);
            }
            "flag" => assert_eq!(de_bool(&mut tokens).unwrap(), Some(true)),
            _ => skip_value(&mut tokens).unwrap(),
        }
        seen.push(key.into_owned());
    }
    assert_eq!(seen, ["name", "count", "tags", "skipped", "flag"]);
    end_of_body(&mut tokens).unwrap();
}

#[test]
fn null_is_none_and_containers_report_it() {
    let mut tokens = tokens(b"[null, null, null, null]");
    assert!(start_array(&mut tokens).unwrap());
    assert!(!start_object(&mut tokens).unwrap());
    assert!(!start_array(&mut tokens).unwrap());
    assert_eq!(de_string(&mut tokens).unwrap(), None);
    assert!(take_null(&mut tokens));
    assert!(!take_null(&mut tokens));
    assert!(!array_continues(&mut tokens).unwrap());
    end_of_body(&mut tokens).unwrap();
}

#[test]
fn take_null_consumes_only_a_null() {
    let mut tokens = tokens(b"[1]");
    assert!(start_array(&mut tokens).unwrap());
    assert!(!take_null(&mut tokens));
    assert_eq!(de_integer::<u8>(&mut tokens).unwrap(), Some(1));
    assert!(!array_continues(&mut tokens).unwrap());
}

#[test]
fn integers_must_fit_the_member_type() {
    let read = |body: &[u8]| de_integer::<i8>(&mut tokens(body));
    assert_eq!(read(b"-128").unwrap(), Some(-128));
    assert_eq!(read(b"127").unwrap(), Some(127));
    assert_eq!(read(b"null").unwrap(), None);
    assert!(read(b"128").is_err());
    assert!(read(b"1.5").is_err());
    assert!(read(br#""NaN""#).is_err());
    assert!(read(br#""1""#).is_err());
    assert_eq!(de_integer::<i64>(&mut tokens(b"-9007199254740993")).unwrap(), Some(-9_007_199_254_740_993));
}

#[test]
fn floats_accept_numbers_and_the_non_finite_strings() {
    let read = |body: &[u8]| de_float(&mut tokens(body)).unwrap();
    assert_eq!(read(b"1.5"), Some(1.5));
    assert_eq!(read(b"-2"), Some(-2.0));
    assert_eq!(read(br#""Infinity""#), Some(f64::INFINITY));
    assert_eq!(read(br#""-Infinity""#), Some(f64::NEG_INFINITY));
    assert!(read(br#""NaN""#).is_some_and(f64::is_nan));
    assert_eq!(read(b"null"), None);
    assert!(de_float(&mut tokens(br#""one""#)).is_err());
}

#[test]
fn strings_refuse_other_types() {
    assert!(de_string(&mut tokens(b"1")).is_err());
    assert!(de_bool(&mut tokens(br#""true""#)).is_err());
    assert!(start_object(&mut tokens(b"[]")).is_err());
    assert!(start_array(&mut tokens(b"{}")).is_err());
}

#[test]
fn timestamps_blobs_and_documents() {
    let seconds = de_timestamp(&mut tokens(b"1515531081.125"), Format::EpochSeconds).unwrap();
    assert_eq!(seconds, Some(DateTime::from_secs_and_nanos(1_515_531_081, 125_000_000)));
    let date_time = de_timestamp(&mut tokens(br#""2018-01-09T20:51:21Z""#), Format::DateTime).unwrap();
    assert_eq!(date_time, Some(DateTime::from_secs(1_515_531_081)));
    assert!(de_timestamp(&mut tokens(br#""yesterday""#), Format::DateTime).is_err());

    assert_eq!(de_blob(&mut tokens(br#""aGk=""#)).unwrap(), Some(Blob::new("hi")));
    assert_eq!(de_blob(&mut tokens(b"null")).unwrap(), None);

    let document = de_document(&mut tokens(br#"{"a": [1, -2, 1.5, "s", true, null]}"#)).unwrap().unwrap();
    let Document::Object(object) = document else { panic!("an object: {document:?}") };
    assert_eq!(
        object["a"],
        Document::Array(vec![
            Document::Number(Number::PosInt(1)),
            Document::Number(Number::NegInt(-2)),
            Document::Number(Number::Float(1.5)),
            Document::String("s".into()),
            Document::Bool(true),
            Document::Null,
        ])
    );
    assert_eq!(de_document(&mut tokens(b"null")).unwrap(), Some(Document::Null));
}

#[test]
fn only_white_space_may_follow_the_body() {
    let mut tokens_ = tokens(b"{}  \n");
    assert!(start_object(&mut tokens_).unwrap());
    assert!(next_key(&mut tokens_).unwrap().is_none());
    end_of_body(&mut tokens_).unwrap();

    let mut tokens_ = tokens(b"{} {}");
    assert!(start_object(&mut tokens_).unwrap());
    assert!(next_key(&mut tokens_).unwrap().is_none());
    assert!(end_of_body(&mut tokens_).is_err());
}

#[test]
fn error_fields_read_the_code_and_the_message() {
    let fields = |body: &[u8]| error_fields(body).unwrap();
    assert_eq!(
        fields(br#"{"__type": "aws.example#NotFound", "other": [1], "Message": "gone"}"#),
        (Some("aws.example#NotFound".to_owned()), Some("gone".to_owned()))
    );
    // The first code wins; any of the message spellings is taken.
    assert_eq!(
        fields(br#"{"code": "First", "__type": "Second", "errorMessage": "m"}"#),
        (Some("First".to_owned()), Some("m".to_owned()))
    );
    assert_eq!(fields(b""), (None, None));
    assert_eq!(fields(b"null"), (None, None));
    assert!(error_fields(b"[1]").is_err());
}
