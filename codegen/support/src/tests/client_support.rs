//! `client/support.rs`: the metadata of error answers.

use aws_smithy_runtime_api::http::Headers;

use crate::protocol_serde::client_support::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> Headers {
    let mut headers = Headers::new();
    for (name, value) in pairs {
        headers.insert(*name, *value);
    }
    headers
}

#[test]
fn the_code_comes_from_the_header_before_the_body_without_namespace_or_suffix() {
    let with_header = headers(&[
        ("x-amzn-errortype", "aws.example#Throttled:http://internal.amazon.com/coral/"),
        ("x-amzn-requestid", "req-1"),
    ]);
    let meta = error_metadata(&with_header, Some("BodyCode".to_owned()), Some("slow down".to_owned()));
    assert_eq!(meta.code(), Some("Throttled"));
    assert_eq!(meta.message(), Some("slow down"));
    assert_eq!(meta.extra("aws_request_id"), Some("req-1"));

    let meta = error_metadata(&headers(&[]), Some("aws.example#NotFound".to_owned()), None);
    assert_eq!(meta.code(), Some("NotFound"));
    assert_eq!(meta.message(), None);
    assert_eq!(meta.extra("aws_request_id"), None);

    let meta = error_metadata(&headers(&[]), None, None);
    assert_eq!(meta.code(), None);
}

#[test]
fn query_compatible_services_name_the_code_in_their_own_header() {
    let meta = error_metadata(&headers(&[]), Some("NonExistentQueue".to_owned()), Some("no queue".to_owned()));
    let answer = headers(&[
        ("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"),
        ("x-amzn-requestid", "req-2"),
    ]);
    let meta = query_error_metadata(meta, &answer);
    assert_eq!(meta.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert_eq!(meta.message(), Some("no queue"));
    assert_eq!(meta.extra("aws_request_id"), Some("req-2"));

    let meta = error_metadata(&headers(&[]), Some("Plain".to_owned()), None);
    assert_eq!(query_error_metadata(meta, &headers(&[])).code(), Some("Plain"));
}
