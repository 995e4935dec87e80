//! `common/cbor.rs`: the CBOR readers.

use aws_smithy_cbor::Encoder;
use aws_smithy_types::{Blob, DateTime};

use crate::protocol_serde::cbor::*;

fn encoded(write: impl FnOnce(&mut Encoder)) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new());
    write(&mut encoder);
    encoder.into_writer()
}

#[test]
fn reads_a_definite_map_member_by_member() {
    let body = encoded(|e| {
        e.map(5);
        e.str("name").str("widget");
        e.str("count").integer(3);
        e.str("skipped").map(1).str("deep").array(2).long(1).null();
        e.str("tags").array(2).str("x").null();
        e.str("when").timestamp(&DateTime::from_secs_and_nanos(1_515_531_081, 500_000_000));
    });
    let dec = &mut decoder(&body);
    let mut remaining = start_map(dec).unwrap().expect("a map");
    let mut seen = Vec::new();
    while remaining.more(dec).unwrap() {
        let key = key(dec).unwrap().into_owned();
        match key.as_str() {
            "name" => assert_eq!(de_string(dec).unwrap().as_deref(), Some("widget")),
            "count" => assert_eq!(de_integer::<i32>(dec).unwrap(), Some(3)),
            "tags" => {
                let mut items = start_array(dec).unwrap().expect("an array");
                let mut tags = Vec::new();
                while items.more(dec).unwrap() {
                    tags.push(de_string(dec).unwrap());
                }
                assert_eq!(tags, [Some("x".to_owned()), None]);
            }
            "when" => {
                let when = de_timestamp(dec).unwrap();
                assert_eq!(when, Some(DateTime::from_secs_and_nanos(1_515_531_081, 500_000_000)));
            }
            _ => skip_value(dec).unwrap(),
        }
        seen.push(key);
    }
    assert_eq!(seen, ["name", "count", "skipped", "tags", "when"]);
    end_of_body(dec, &body).unwrap();
}

#[test]
fn reads_indefinite_maps_and_arrays_to_their_break() {
    let body = encoded(|e| {
        e.begin_map();
        e.str("list").begin_array().boolean(true).boolean(false).end();
        e.str("blob").blob(&Blob::new("hi"));
        e.end();
    });
    let dec = &mut decoder(&body);
    let mut remaining = start_map(dec).unwrap().expect("a map");
    assert!(remaining.more(dec).unwrap());
    assert_eq!(key(dec).unwrap(), "list");
    let mut items = start_array(dec).unwrap().expect("an array");
    let mut list = Vec::new();
    while items.more(dec).unwrap() {
        list.push(de_bool(dec).unwrap().unwrap());
    }
    assert_eq!(list, [true, false]);
    assert!(remaining.more(dec).unwrap());
    assert_eq!(key(dec).unwrap(), "blob");
    assert_eq!(de_blob(dec).unwrap(), Some(Blob::new("hi")));
    assert!(!remaining.more(dec).unwrap());
    end_of_body(dec, &body).unwrap();
}

#[test]
fn null_and_undefined_are_none() {
    // null, undefined (0xf7), null, null, null, null, null, null
    let body = [0xf6, 0xf7, 0xf6, 0xf6, 0xf6, 0xf6, 0xf6, 0xf6];
    let dec = &mut decoder(&body);
    assert!(start_map(dec).unwrap().is_none());
    assert!(start_array(dec).unwrap().is_none());
    assert_eq!(de_string(dec).unwrap(), None);
    assert_eq!(de_bool(dec).unwrap(), None);
    assert_eq!(de_integer::<i64>(dec).unwrap(), None);
    assert_eq!(de_float(dec).unwrap(), None);
    assert_eq!(de_timestamp(dec).unwrap(), None);
    assert_eq!(de_blob(dec).unwrap(), None);
    end_of_body(dec, &body).unwrap();
}

#[test]
fn numbers_are_read_from_any_narrower_encoding() {
    // An integer of any width that fits the member's type.
    let body = encoded(|e| {
        e.byte(-5).long(70_000).long(i64::from(i8::MAX) + 1);
    });
    let dec = &mut decoder(&body);
    assert_eq!(de_integer::<i64>(dec).unwrap(), Some(-5));
    assert_eq!(de_integer::<i32>(dec).unwrap(), Some(70_000));
    assert!(de_integer::<i8>(dec).is_err());

    // Floats from half (0xf9), single and double precision.
    let mut body = vec![0xf9, 0x3e, 0x00];
    body.extend(encoded(|e| {
        e.float(0.25).double(-1.0e300);
    }));
    let dec = &mut decoder(&body);
    assert_eq!(de_float(dec).unwrap(), Some(1.5));
    assert_eq!(de_float(dec).unwrap(), Some(0.25));
    assert_eq!(de_float(dec).unwrap(), Some(-1.0e300));
    end_of_body(dec, &body).unwrap();
}

#[test]
fn refuses_trailing_data_and_mismatched_types() {
    let body = encoded(|e| {
        e.map(0).map(0);
    });
    let dec = &mut decoder(&body);
    let mut remaining = start_map(dec).unwrap().expect("a map");
    assert!(!remaining.more(dec).unwrap());
    assert!(end_of_body(dec, &body).is_err());

    let body = encoded(|e| {
        e.str("text");
    });
    assert!(de_integer::<i32>(&mut decoder(&body)).is_err());
    assert!(start_map(&mut decoder(&body)).is_err());
}

#[test]
fn error_fields_read_the_code_and_the_message() {
    let body = encoded(|e| {
        e.map(3).str("__type").str("smithy.example#Invalid");
        e.str("ignored").array(1).long(1);
        e.str("Message").str("bad input");
    });
    assert_eq!(error_fields(&body).unwrap(), (Some("smithy.example#Invalid".to_owned()), Some("bad input".to_owned())));
    assert_eq!(error_fields(&[]).unwrap(), (None, None));
    assert_eq!(error_fields(&[0xf6]).unwrap(), (None, None));
    assert!(error_fields(&encoded(|e| {
        e.long(1);
    }))
    .is_err());
}
