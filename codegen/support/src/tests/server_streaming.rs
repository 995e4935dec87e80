//! `server/streaming.rs`: request bodies handed over as `@streaming` payloads.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;

use crate::protocol_serde::streaming::*;

/// A request body that arrives in frames, or fails.
struct Frames(VecDeque<Result<&'static str, &'static str>>);

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = String;

    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, String>>> {
        let frame = self.get_mut().0.pop_front();
        Poll::Ready(frame.map(|frame| frame.map(|data| Frame::data(Bytes::from(data))).map_err(str::to_owned)))
    }
}

#[tokio::test]
async fn a_request_body_streams_as_it_arrives() {
    let body = stream_body(Frames(VecDeque::from([Ok("hello"), Ok(" "), Ok("world")])));
    assert_eq!(body.collect().await.unwrap().to_bytes(), "hello world");
}

#[tokio::test]
async fn a_failing_body_fails_the_stream_with_its_cause() {
    let error =
        stream_body(Frames(VecDeque::from([Ok("hello"), Err("connection reset")]))).collect().await.unwrap_err();
    assert!(error.to_string().contains("connection reset"), "{error}");
}

#[tokio::test]
async fn a_payload_becomes_the_response_body() {
    let body = boxed_stream(aws_smithy_types::body::SdkBody::from("payload"));
    assert_eq!(body.collect().await.unwrap().to_bytes(), "payload");
}
