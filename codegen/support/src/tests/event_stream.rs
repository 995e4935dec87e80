//! `common/event_stream.rs`: the headers of event and exception messages, and reading them back
//! after `aws-smithy-eventstream`'s framing.

use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};

use crate::protocol_serde::event_stream::*;

/// A message through the wire format and back, as the other side reads it.
fn framed(message: &Message) -> Message {
    let mut bytes = Vec::new();
    write_message_to(message, &mut bytes).unwrap();
    read_message_from(&bytes[..]).unwrap()
}

fn error_message(headers: Vec<Header>) -> String {
    match kind(&framed(&Message::new_from_parts(headers, Vec::<u8>::new()))) {
        Ok(_) => panic!("the message is read as an event or an exception"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn an_event_carries_its_type_and_payload() {
    let mut headers = event_headers("greeting");
    headers.push(Header::new("count", HeaderValue::Int32(3)));
    let message = framed(&with_payload(headers, "application/json", br#"{"text":"hi"}"#.to_vec()));
    assert!(matches!(kind(&message), Ok(Kind::Event("greeting"))));
    assert_eq!(string_header(&message, ":content-type"), Some("application/json"));
    assert_eq!(header(&message, "count").and_then(|v| v.as_int32().ok()), Some(3));
    // A header of another type is not a string.
    assert_eq!(string_header(&message, "count"), None);
    assert_eq!(header(&message, "absent"), None);
    assert_eq!(message.payload().as_ref(), br#"{"text":"hi"}"#);
}

#[test]
fn a_modeled_error_is_an_exception_message() {
    let message = framed(&exception("throttled", r#"{"message":"slow down"}"#.to_owned()));
    assert!(matches!(kind(&message), Ok(Kind::Exception("throttled"))));
    assert_eq!(string_header(&message, ":content-type"), Some("application/json"));
    assert_eq!(message.payload().as_ref(), br#"{"message":"slow down"}"#);
}

#[test]
fn an_error_message_is_the_streams_error_with_its_code_and_message() {
    let error = error_message(vec![
        Header::new(":message-type", HeaderValue::String("error".into())),
        Header::new(":error-code", HeaderValue::String("InternalFailure".into())),
        Header::new(":error-message", HeaderValue::String("it broke".into())),
    ]);
    assert!(error.contains("InternalFailure: it broke"), "{error}");
}

#[test]
fn a_message_of_no_known_type_is_an_error() {
    let error = error_message(vec![Header::new(":message-type", HeaderValue::String("gossip".into()))]);
    assert!(error.contains("gossip"), "{error}");
    let error = error_message(Vec::new());
    assert!(error.contains("None"), "{error}");
}

#[test]
fn a_json_payload_is_what_its_writer_wrote_or_its_error() {
    let payload = json_payload(|out| {
        let mut object = aws_smithy_json::serialize::JsonObjectWriter::new(out);
        object.key("n").number(aws_smithy_types::Number::PosInt(1));
        object.finish();
        Ok(())
    });
    assert_eq!(payload.unwrap(), br#"{"n":1}"#);
    let error = json_payload(|_| Err("no JSON form".to_owned())).unwrap_err();
    assert!(error.to_string().contains("no JSON form"), "{error}");
}

#[test]
fn reading_errors_name_what_failed() {
    assert!(bad_header("count").to_string().contains(r#""count""#));
    assert!(unreadable("a missing field").to_string().contains("a missing field"));
}

/// A body of one frame that panics when polled again after it has ended, as the streams under
/// `EventStreamSender` may.
struct OneFrame(Option<&'static str>, bool);

impl http_body::Body for OneFrame {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(data) = this.0.take() {
            return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from(data)))));
        }
        assert!(!this.1, "polled past its end");
        this.1 = true;
        std::task::Poll::Ready(None)
    }
}

#[tokio::test]
async fn a_fused_body_is_not_polled_past_its_end() {
    use http_body::Body;
    use http_body_util::BodyExt;

    let mut body = Fused::new(OneFrame(Some("event"), false));
    assert!(!body.is_end_stream());
    let frame = body.frame().await.unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "event");
    assert!(body.frame().await.is_none());
    assert!(body.is_end_stream());
    // As `SdkBody` does, for trailers: the body it wraps is not asked again.
    assert!(body.frame().await.is_none());
}
