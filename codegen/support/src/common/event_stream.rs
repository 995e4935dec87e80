//! Event streams (`application/vnd.amazon.eventstream`): the headers every message carries and
//! reading them back; the framing itself is `aws-smithy-eventstream`'s, and the streams are
//! `aws-smithy-http`'s `Receiver` and `EventStreamSender`. The generated marshallers and
//! unmarshallers of each `@streaming` union use these.

// A crate's streams may go one way only.
#![allow(dead_code)]

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use aws_smithy_eventstream::error::Error;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};

/// The media type of an event stream's HTTP body.
pub(crate) const MEDIA_TYPE: &str = "application/vnd.amazon.eventstream";

/// The headers that open an event message: `:message-type: event` and its `:event-type`.
pub(crate) fn event_headers(event_type: &'static str) -> Vec<Header> {
    vec![
        Header::new(":message-type", HeaderValue::String("event".into())),
        Header::new(":event-type", HeaderValue::String(event_type.into())),
    ]
}

/// A modeled error as an exception message: its `:exception-type` (the union member's name)
/// and its members as JSON.
pub(crate) fn exception(exception_type: &'static str, json: String) -> Message {
    Message::new_from_parts(
        vec![
            Header::new(":message-type", HeaderValue::String("exception".into())),
            Header::new(":exception-type", HeaderValue::String(exception_type.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
        ],
        json.into_bytes(),
    )
}

/// The payload of a message, and its `:content-type` (none for an empty payload).
pub(crate) fn with_payload(mut headers: Vec<Header>, content_type: &'static str, payload: Vec<u8>) -> Message {
    headers.push(Header::new(":content-type", HeaderValue::String(content_type.into())));
    Message::new_from_parts(headers, payload)
}

/// A JSON payload, as `write` writes it into a string (its error, a value that has no JSON form,
/// is the message's).
pub(crate) fn json_payload(write: impl FnOnce(&mut String) -> Result<(), String>) -> Result<Vec<u8>, Error> {
    let mut out = String::new();
    write(&mut out).map_err(Error::marshalling)?;
    Ok(out.into_bytes())
}

/// The value of the header `name`, if the message has it.
pub(crate) fn header<'a>(message: &'a Message, name: &str) -> Option<&'a HeaderValue> {
    message.headers().iter().find(|h| h.name().as_str() == name).map(Header::value)
}

/// The string value of the header `name`, if the message has it as a string.
pub(crate) fn string_header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    header(message, name).and_then(|value| value.as_string().ok()).map(|s| s.as_str())
}

/// What a message is: `(":message-type", ":event-type" or ":exception-type")`.
pub(crate) enum Kind<'a> {
    Event(&'a str),
    Exception(&'a str),
}

/// The kind of a message; an `error` message (an unmodeled error) or any other is the stream's
/// error, with its code and message. An event without a string `:event-type` (or an exception
/// without a string `:exception-type`) is malformed: an error too, not an unknown event.
pub(crate) fn kind(message: &Message) -> Result<Kind<'_>, Error> {
    let required = |name: &str| {
        string_header(message, name)
            .ok_or_else(|| Error::unmarshalling(format!("the message has no {name} header of type string")))
    };
    match string_header(message, ":message-type") {
        Some("event") => Ok(Kind::Event(required(":event-type")?)),
        Some("exception") => Ok(Kind::Exception(required(":exception-type")?)),
        Some("error") => Err(Error::unmarshalling(format!(
            "the stream ended with an error: {}: {}",
            string_header(message, ":error-code").unwrap_or("unknown"),
            string_header(message, ":error-message").unwrap_or_default()
        ))),
        other => Err(Error::unmarshalling(format!("unknown :message-type {other:?}"))),
    }
}

/// A header's value of the wrong type or missing where required.
pub(crate) fn bad_header(name: &str) -> Error {
    Error::unmarshalling(format!("the event header {name:?} has the wrong type"))
}

/// A payload or header that does not read as its shape.
pub(crate) fn unreadable(what: impl std::fmt::Display) -> Error {
    Error::unmarshalling(format!("the event could not be read: {what}"))
}

/// An event stream's HTTP body that stays ended once it has ended. `SdkBody` polls its body once
/// more after the last frame (for trailers), which `EventStreamSender`'s adapter passes on to the
/// caller's stream, and a stream need not bear being polled past its end (`stream::unfold` panics).
pub(crate) struct Fused<B>(Option<B>);

impl<B> Fused<B> {
    pub(crate) fn new(body: B) -> Self {
        Fused(Some(body))
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for Fused<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        let Some(body) = self.0.as_mut() else { return Poll::Ready(None) };
        let frame = ready!(Pin::new(body).poll_frame(cx));
        if frame.is_none() {
            self.0 = None;
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.0.as_ref().is_none_or(http_body::Body::is_end_stream)
    }
}
