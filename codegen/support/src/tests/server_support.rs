//! `server/support.rs`: HTTP bindings, constraint violations and the framework's error responses.

use aws_smithy_http_server::extension::{ModeledErrorExtension, RuntimeErrorExtension};
use aws_smithy_http_server::response::IntoResponse;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::HeaderMap;
use http_body_util::BodyExt;

use crate::protocol_serde::support::*;
use crate::protocol_serde::Protocol;

fn headers(pairs: &[(http::HeaderName, &'static str)]) -> HeaderMap {
    pairs.iter().map(|(name, value)| (name.clone(), http::HeaderValue::from_static(value))).collect()
}

async fn body_of(response: Response) -> String {
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

#[test]
fn paths_render_only_when_a_constraint_breaks() {
    let root = Path::ROOT;
    let tags = root.member("Tags");
    let first = tags.index(0);
    let key = first.key("color");
    assert_eq!(key.to_string(), "/Tags/0/color");
    assert_eq!(root.to_string(), "");

    let violation = Violation::new(&key, Some(0), "Member must have length greater than or equal to 1");
    assert_eq!(violation.path, "/Tags/0/color");
    assert_eq!(
        violation.message,
        "Value with length 0 at '/Tags/0/color' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    let required = Violation::required(&tags);
    assert_eq!(required.message, "Value at '/Tags' failed to satisfy constraint: Member must not be null");
    assert_eq!(
        required.summary(),
        "1 validation error detected. Value at '/Tags' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    fn descend_to(path: &Path<'_>, depth: usize) -> Result<(), RequestRejection> {
        path.descend()?;
        if depth == 0 {
            return Ok(());
        }
        descend_to(&path.index(depth), depth - 1)
    }
    assert!(descend_to(&Path::ROOT, 128).is_ok());
    let error = descend_to(&Path::ROOT, 129).unwrap_err();
    assert!(
        matches!(&error, RequestRejection::Serialization(reason) if reason.contains("nests too deeply")),
        "{error}"
    );
}

#[test]
fn content_type_must_be_the_one_the_body_needs() {
    let json = Some("application/json");
    assert!(check_content_type(&headers(&[]), json).is_ok());
    assert!(check_content_type(&headers(&[(CONTENT_TYPE, "application/json")]), json).is_ok());
    assert!(check_content_type(&headers(&[(CONTENT_TYPE, "Application/JSON; charset=utf-8")]), json).is_ok());
    let refused = [
        check_content_type(&headers(&[(CONTENT_TYPE, "application/cbor")]), json),
        check_content_type(&headers(&[(CONTENT_TYPE, "application/json-patch")]), json),
        check_content_type(&headers(&[(CONTENT_TYPE, "application/json")]), None),
    ];
    for rejection in refused {
        assert!(matches!(rejection, Err(RequestRejection::UnsupportedMediaType)), "{rejection:?}");
    }

    assert!(check_body_has_content_type(&headers(&[]), b"").is_ok());
    assert!(check_body_has_content_type(&headers(&[(CONTENT_TYPE, "application/json")]), b"{}").is_ok());
    assert!(matches!(check_body_has_content_type(&headers(&[]), b"{}"), Err(RequestRejection::UnsupportedMediaType)));
}

#[test]
fn accept_must_allow_the_response_media_type() {
    let accepts = |value: Option<&'static str>| {
        let headers = headers(&value.map(|value| (ACCEPT, value)).into_iter().collect::<Vec<_>>());
        check_accept(&headers, "application/json").is_ok()
    };
    assert!(accepts(None));
    assert!(accepts(Some("*/*")));
    assert!(accepts(Some("application/*")));
    assert!(accepts(Some("text/html, application/json;q=0.9")));
    assert!(accepts(Some("APPLICATION/JSON")));
    assert!(!accepts(Some("text/*")));
    assert!(!accepts(Some("application/cbor")));

    let two = headers(&[(ACCEPT, "text/plain"), (ACCEPT, "application/json")]);
    assert!(check_accept(&two, "application/json").is_ok());
    assert!(matches!(check_accept(&two, "application/cbor"), Err(RequestRejection::NotAcceptable)));
}

#[test]
fn labels_are_percent_decoded_segments() {
    assert_eq!(label("/widgets/a%20b/parts", 1).unwrap(), "a b");
    assert_eq!(label("widgets/x", 1).unwrap(), "x");
    assert!(label("/widgets", 3).is_err());
    assert!(label("/widgets/%FF", 1).is_err());
    assert_eq!(greedy_label("/files/a/b/c", 1, 0).unwrap(), "a/b/c");
    assert!(greedy_label("/files/%FF/meta", 1, 1).is_err());
}

#[test]
fn query_pairs_and_scalars() {
    let pairs: Vec<(String, String)> = query_pairs(Some("a=1&b=x+y%2Fz&a=2&flag")).into_owned().collect();
    assert_eq!(
        pairs,
        [("a", "1"), ("b", "x y/z"), ("a", "2"), ("flag", "")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(query_pairs(None).count(), 0);

    assert_eq!(parse_primitive::<i32>("-7").unwrap(), -7);
    assert!(parse_primitive::<f64>("-Infinity").unwrap().is_infinite());
    assert!(parse_primitive::<bool>("yes").is_err());
    assert!(parse_primitive::<i8>("300").is_err());
    assert_eq!(parse_timestamp("1515531081", Format::EpochSeconds).unwrap(), DateTime::from_secs(1_515_531_081));
    assert!(parse_timestamp("tomorrow", Format::DateTime).is_err());
}

#[test]
fn unique_items() {
    assert!(all_unique_hashable(&["a", "b", "c"]));
    assert!(!all_unique_hashable(&[1, 2, 1]));
    assert!(all_unique(&[vec![1], vec![1, 2]]));
    assert!(!all_unique(&[1.5, 2.0, 1.5]));
    assert!(all_unique::<f64>(&[]));
}

#[test]
fn reading_errors_become_serialization_rejections() {
    let json = crate::protocol_serde::json::de_string(&mut crate::protocol_serde::json::tokens(b"1")).unwrap_err();
    assert!(matches!(RequestRejection::from(json), RequestRejection::Serialization(_)));
    let utf8 = String::from_utf8(vec![0xff]).unwrap_err();
    assert!(
        matches!(RequestRejection::from(utf8), RequestRejection::Serialization(reason) if reason.contains("UTF-8"))
    );
    let header = aws_smithy_runtime_api::http::header_parse::ParseError::new("bad header");
    assert!(
        matches!(RequestRejection::from(header), RequestRejection::Serialization(reason) if reason.contains("bad header"))
    );
}

#[tokio::test]
async fn rejections_answer_as_the_protocol_says() {
    let answers = [
        (serialization("bad"), 400, "SerializationException"),
        (RequestRejection::UnsupportedMediaType, 415, "UnsupportedMediaTypeException"),
        (RequestRejection::NotAcceptable, 406, "NotAcceptableException"),
    ];
    for (rejection, status, error) in answers {
        let response = IntoResponse::<Protocol>::into_response(rejection);
        assert_eq!(response.status(), status);
        assert_eq!(response.headers()["x-amzn-errortype"], error);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert!(response.extensions().get::<RuntimeErrorExtension>().is_some());
        assert_eq!(body_of(response).await, "{}");
    }

    let violation = Violation::required(&Path::ROOT.member("Name"));
    let response = IntoResponse::<Protocol>::into_response(RequestRejection::from(violation));
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["x-amzn-errortype"], "ValidationException");
    assert!(response.extensions().get::<ModeledErrorExtension>().is_some());
    let body: String = body_of(response).await;
    assert!(body.contains(r#""path":"/Name""#), "{body}");
}

#[tokio::test]
async fn internal_failures_hide_their_cause() {
    let response = internal_failure("the secret cause");
    assert_eq!(response.status(), 500);
    assert_eq!(response.headers()["x-amzn-errortype"], "InternalFailureException");
    assert_eq!(body_of(response).await, "{}");

    let response = framework_error(999, "Odd");
    assert_eq!(response.status(), 999);
    let response = framework_error(42, "Invalid");
    assert_eq!(response.status(), 400);
}
