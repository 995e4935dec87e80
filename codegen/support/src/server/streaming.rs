//! `@streaming` payloads: a request's body handed to the handler as it arrives, and a
//! response's stream as the response body.

// A crate's streams may go one way only.
#![allow(dead_code)]

use aws_smithy_http_server::body::BoxBody;
use bytes::Bytes;

/// A request body as a `@streaming` payload's `SdkBody`: its frames as they arrive. (The
/// `Mutex` only makes the body `Sync`, as `SdkBody` needs; polling takes it mutably, unlocked.)
pub(crate) fn stream_body<B>(body: B) -> aws_smithy_types::body::SdkBody
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    struct StreamBody<B>(std::sync::Mutex<std::pin::Pin<Box<B>>>);

    impl<B> http_body::Body for StreamBody<B>
    where
        B: http_body::Body,
        B::Error: std::fmt::Display,
    {
        type Data = Bytes;
        type Error = aws_smithy_types::body::Error;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            let body = self.get_mut().0.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
            body.as_mut().poll_frame(cx).map(|frame| {
                frame.map(|frame| {
                    frame
                        .map(|frame| {
                            frame.map_data(|mut data| {
                                let length = bytes::Buf::remaining(&data);
                                bytes::Buf::copy_to_bytes(&mut data, length)
                            })
                        })
                        .map_err(|e| format!("failed to read the request body: {e}").into())
                })
            })
        }

        fn is_end_stream(&self) -> bool {
            self.0.lock().map(|body| body.is_end_stream()).unwrap_or(false)
        }

        fn size_hint(&self) -> http_body::SizeHint {
            self.0.lock().map(|body| body.size_hint()).unwrap_or_default()
        }
    }

    aws_smithy_types::body::SdkBody::from_body_1_x(StreamBody(std::sync::Mutex::new(Box::pin(body))))
}

/// A `@streaming` payload as the response body.
pub(crate) fn boxed_stream(body: aws_smithy_types::body::SdkBody) -> BoxBody {
    aws_smithy_http_server::body::boxed(body)
}
