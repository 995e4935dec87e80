//! The client generated from `codegen/tests/models/rpc-sink.smithy` calls the server generated from
//! the same model, over loopback, in one RPC protocol (awsJson1_0, awsJson1_1 or rpcv2Cbor, as
//! `codegen/tests/rpc_sink.rs` generated both): every body type round-trips, defaults are applied
//! by the server, a constraint violation and modeled errors (one bound to the service) arrive as
//! their variants, a paginator follows the token, and the server's SigV4 plugin refuses unsigned
//! and wrongly signed calls in the protocol's error format, except where the model allows them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rpc_sink_client::config::retry::RetryConfig;
use rpc_sink_client::config::{Credentials, Region};
use rpc_sink_client::error::ProvideErrorMetadata;
use rpc_sink_client::error::SdkError;
use rpc_sink_client::primitives::{Blob, DateTime};
use rpc_sink_client::types::{Color, Nested, Shape};
use rpc_sink_client::{Client, Config};
use rpc_sink_server_sdk as sdk;

async fn echo(input: sdk::input::EchoInput) -> Result<sdk::output::EchoOutput, sdk::error::EchoError> {
    Ok(sdk::output::EchoOutput {
        name: input.name,
        count: input.count,
        big: input.big,
        ratio: input.ratio,
        small: input.small,
        flag: input.flag,
        when: input.when,
        data: input.data,
        color: input.color,
        level: input.level,
        tags: input.tags,
        attributes: input.attributes,
        shape: input.shape,
        nested: input.nested,
        with_default: Some(input.with_default),
    })
}

async fn fail(input: sdk::input::FailInput) -> Result<sdk::output::FailOutput, sdk::error::FailError> {
    Err(match input.how.as_str() {
        "overloaded" => sdk::error::Overloaded { message: Some("slow down".to_owned()) }.into(),
        _ => sdk::error::Refused { message: "no".to_owned(), reason: Some(input.how) }.into(),
    })
}

/// Five items, `page_size` (2 by default) a page; the token is the next index.
async fn list_items(
    input: sdk::input::ListItemsInput,
) -> Result<sdk::output::ListItemsOutput, sdk::error::ListItemsError> {
    let start: usize = input.next_token.as_deref().map_or(0, |token| token.parse().unwrap());
    let end = (start + input.page_size.map_or(2, |size| size.into_inner() as usize)).min(5);
    let page: Vec<String> = (start..end).map(|i| format!("item-{i}")).collect();
    let items = sdk::model::ItemPage::try_from(page).expect("at most five items, within ItemPage's 100");
    Ok(sdk::output::ListItemsOutput { items: Some(items), next_token: (end < 5).then(|| end.to_string()) })
}

async fn nothing(_: sdk::input::NothingInput) -> Result<sdk::output::NothingOutput, sdk::error::NothingError> {
    Ok(sdk::output::NothingOutput {})
}

/// One access key, whose principal is its id, with a secret that can change.
struct OneKey(Arc<Mutex<String>>);

const KEY_ID: &str = "AKIDRPCSINK";
const SECRET: &str = "rpc-sink-secret";

impl sdk::sigv4::Keys for OneKey {
    type Principal = String;

    fn lookup(&self, access_key_id: &str) -> impl std::future::Future<Output = Option<sdk::sigv4::Signer<String>>> + Send {
        let secret = self.0.lock().unwrap().clone();
        let signer = (access_key_id == KEY_ID)
            .then(|| sdk::sigv4::Signer { secret_access_key: secret, principal: access_key_id.to_owned() });
        std::future::ready(signer)
    }
}

/// The server, and a client signing with the one key.
async fn start() -> Client {
    client(&serve().await, Some((KEY_ID, SECRET)))
}

/// The server on loopback, verifying signatures: its endpoint.
async fn serve() -> String {
    serve_with_secret(Arc::new(Mutex::new(SECRET.to_owned()))).await
}

/// The same, the key's secret being whatever `secret` holds at each request.
async fn serve_with_secret(secret: Arc<Mutex<String>>) -> String {
    let config = sdk::RpcSinkConfig::builder().http_plugin(sdk::sigv4::SigV4Plugin::new(OneKey(secret))).build();
    let app = sdk::RpcSink::builder(config)
        .echo(echo)
        .fail(fail)
        .list_items(list_items)
        .nothing(nothing)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { sdk::serve(listener, app.into_make_service()).await.unwrap() });
    endpoint
}

/// A client of `endpoint`, signing with `key` if there is one.
fn client(endpoint: &str, key: Option<(&str, &str)>) -> Client {
    let mut config =
        Config::builder().endpoint_url(endpoint).behavior_version_latest().retry_config(RetryConfig::disabled());
    if let Some((id, secret)) = key {
        config = config.region(Region::new("us-east-1")).credentials_provider(Credentials::new(id, secret, None, None, "test"));
    }
    Client::from_conf(config.build())
}

fn service_error<E: std::fmt::Debug>(error: SdkError<E>) -> E {
    match error {
        SdkError::ServiceError(context) => context.into_err(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_body_type_round_trips() {
    let client = start().await;
    let nested = Nested::builder()
        .label("outer")
        .child(Nested::builder().label("inner").build().unwrap())
        .build()
        .unwrap();
    let when = DateTime::from_secs_f64(1_576_540_098.5);
    let output = client
        .echo()
        .name("widget")
        .count(-7)
        .big(9_007_199_254_740_993)
        .ratio(0.1)
        .small(1.5)
        .flag(false)
        .when(when)
        .data(Blob::new(b"\x00\xffbytes".to_vec()))
        .color(Color::Green)
        .level(2)
        .tags("a")
        .tags("b, c")
        .attributes("x", 1)
        .shape(Shape::Square(nested.clone()))
        .nested(nested.clone())
        .with_default("given")
        .send()
        .await
        .unwrap();
    assert_eq!(output.name(), "widget");
    assert_eq!((output.count(), output.big()), (Some(-7), Some(9_007_199_254_740_993)));
    assert_eq!((output.ratio(), output.small(), output.flag()), (Some(0.1), Some(1.5), Some(false)));
    assert_eq!(output.when(), Some(&when));
    assert_eq!(output.data(), Some(&Blob::new(b"\x00\xffbytes".to_vec())));
    assert_eq!((output.color(), output.level()), (Some(&Color::Green), Some(2)));
    assert_eq!(output.tags(), ["a", "b, c"]);
    assert_eq!(output.attributes(), Some(&HashMap::from([("x".to_owned(), 1)])));
    assert_eq!(output.shape(), Some(&Shape::Square(nested.clone())));
    assert_eq!(output.nested(), Some(&nested));
    assert_eq!(output.with_default(), Some("given"));

    // What is left out stays out; the server applies the default.
    let output = client.echo().name("bare").shape(Shape::Circle(2.5)).send().await.unwrap();
    assert_eq!((output.count(), output.when(), output.tags()), (None, None, &[][..]));
    assert_eq!(output.shape(), Some(&Shape::Circle(2.5)));
    assert_eq!(output.with_default(), Some("fallback"));

    client.nothing().send().await.unwrap();
}

#[tokio::test]
async fn errors_arrive_as_their_variants() {
    let client = start().await;
    let error = service_error(client.echo().name("").send().await.unwrap_err());
    assert!(error.is_validation_exception(), "{error:?}");
    // ListItems declares another validation exception: its constraint violations are answered
    // with that one.
    let error = service_error(client.list_items().page_size(0).send().await.unwrap_err());
    let rpc_sink_client::operation::list_items::ListItemsError::InvalidParameterException(invalid) = &error else {
        panic!("{error:?}")
    };
    let message = invalid.message().unwrap_or_default();
    assert!(message.starts_with("1 validation error detected.") && message.contains("/pageSize"), "{message}");

    let error = service_error(client.fail().how("refused").send().await.unwrap_err());
    let rpc_sink_client::operation::fail::FailError::Refused(refused) = &error else { panic!("{error:?}") };
    assert_eq!((refused.message(), refused.reason()), ("no", Some("refused")));

    // An error bound to the service.
    let error = service_error(client.fail().how("overloaded").send().await.unwrap_err());
    let rpc_sink_client::operation::fail::FailError::Overloaded(overloaded) = &error else { panic!("{error:?}") };
    assert_eq!(overloaded.message(), Some("slow down"));
}

#[tokio::test]
async fn paginators_follow_the_token() {
    let client = start().await;
    let items: Vec<String> = client.list_items().into_paginator().page_size(2).items().send().try_collect().await.unwrap();
    assert_eq!(items, ["item-0", "item-1", "item-2", "item-3", "item-4"]);
}

#[tokio::test]
async fn signatures_are_verified_where_the_model_asks() {
    let endpoint = serve().await;
    let code = |error: SdkError<rpc_sink_client::operation::echo::EchoError>| service_error(error).code().map(str::to_owned);
    let unsigned = client(&endpoint, None);
    assert_eq!(code(unsigned.echo().name("x").send().await.unwrap_err()).as_deref(), Some("MissingAuthenticationTokenException"));
    let unknown = client(&endpoint, Some(("AKIDOTHER", SECRET)));
    assert_eq!(code(unknown.echo().name("x").send().await.unwrap_err()).as_deref(), Some("UnrecognizedClientException"));
    let wrong = client(&endpoint, Some((KEY_ID, "not-the-secret")));
    assert_eq!(code(wrong.echo().name("x").send().await.unwrap_err()).as_deref(), Some("InvalidSignatureException"));

    // @optionalAuth: unsigned is let in, a wrong signature is not.
    unsigned.nothing().send().await.unwrap();
    let refused = service_error(wrong.nothing().send().await.unwrap_err());
    assert_eq!(refused.code(), Some("InvalidSignatureException"));
    // @auth([]): nothing is checked.
    unsigned.list_items().send().await.unwrap();
    wrong.list_items().send().await.unwrap();
}

#[tokio::test]
async fn a_new_secret_for_a_key_takes_effect_at_once() {
    let secret = Arc::new(Mutex::new(SECRET.to_owned()));
    let endpoint = serve_with_secret(secret.clone()).await;
    let (old, new) = (client(&endpoint, Some((KEY_ID, SECRET))), client(&endpoint, Some((KEY_ID, "rotated"))));
    old.echo().name("x").send().await.unwrap();
    *secret.lock().unwrap() = "rotated".to_owned();
    // The signing key derived from the old secret, for the same scope, is not used again.
    let refused = service_error(old.echo().name("x").send().await.unwrap_err());
    assert_eq!(refused.code(), Some("InvalidSignatureException"));
    new.echo().name("x").send().await.unwrap();
}

#[test]
fn a_page_only_ever_returned_is_a_constrained_newtype() {
    let full = vec!["item".to_owned(); 100];
    assert_eq!(sdk::model::ItemPage::try_from(full.clone()).unwrap().into_inner(), full);
    assert!(sdk::model::ItemPage::try_from(vec!["item".to_owned(); 101]).is_err());
}
