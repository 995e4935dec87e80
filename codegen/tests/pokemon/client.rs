//! The client generated from smithy-rs's pokemon model calls the server generated from it, over
//! loopback: the operations bound to the service and those bound through its resources
//! (`GetPokemonSpecies` is `PokemonSpecies`'s `read`, `GetStorage` is `Storage`'s), with their
//! labels, headers and modeled errors. It runs inside the generated client crate
//! (`codegen/tests/pokemon.rs` copies this file to its `tests/client.rs`).

use pokemon_client::config::retry::RetryConfig;
use pokemon_client::error::SdkError;
use pokemon_client::{Client, Config};
use pokemon_server_sdk as sdk;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;

async fn get_pokemon_species(
    input: sdk::input::GetPokemonSpeciesInput,
) -> Result<sdk::output::GetPokemonSpeciesOutput, sdk::error::GetPokemonSpeciesError> {
    if input.name != "pikachu" {
        return Err(sdk::error::ResourceNotFoundException { message: format!("no {}", input.name) }.into());
    }
    Ok(sdk::output::GetPokemonSpeciesOutput {
        name: input.name,
        flavor_text_entries: vec![sdk::model::FlavorText {
            flavor_text: "It keeps its tail raised to monitor its surroundings.".to_owned(),
            language: sdk::model::Language::English,
        }],
    })
}

async fn get_storage(
    input: sdk::input::GetStorageInput,
) -> Result<sdk::output::GetStorageOutput, sdk::error::GetStorageError> {
    if input.passcode != "pikachu123" {
        return Err(sdk::error::StorageAccessNotAuthorized {}.into());
    }
    Ok(sdk::output::GetStorageOutput { collection: vec![format!("{}'s pikachu", input.user)] })
}

async fn get_server_statistics(
    _: sdk::input::GetServerStatisticsInput,
) -> Result<sdk::output::GetServerStatisticsOutput, sdk::error::GetServerStatisticsError> {
    Ok(sdk::output::GetServerStatisticsOutput { calls_count: 7 })
}

async fn do_nothing(_: sdk::input::DoNothingInput) -> Result<sdk::output::DoNothingOutput, sdk::error::DoNothingError> {
    Ok(sdk::output::DoNothingOutput {})
}

async fn check_health(
    _: sdk::input::CheckHealthInput,
) -> Result<sdk::output::CheckHealthOutput, sdk::error::CheckHealthError> {
    Ok(sdk::output::CheckHealthOutput {})
}

async fn stream_pokemon_radio(
    _: sdk::input::StreamPokemonRadioInput,
) -> Result<sdk::output::StreamPokemonRadioOutput, sdk::error::StreamPokemonRadioError> {
    Ok(sdk::output::StreamPokemonRadioOutput { data: "pika pika".as_bytes().to_vec().into() })
}

/// Answers each capture attempt as it arrives: an event for a Master Ball (and for the client's
/// own modeled error), the modeled error `InvalidPokeballError` for any other ball.
async fn capture_pokemon(
    input: sdk::input::CapturePokemonInput,
) -> Result<sdk::output::CapturePokemonOutput, sdk::error::CapturePokemonError> {
    // A request's stream is always there (an empty body is an empty stream).
    let events = input.events;
    // The backpressure tests' regions (below).
    match input.region.as_str() {
        "Kanto" => {}
        "Flood" => return Ok(sdk::output::CapturePokemonOutput { events: flood().into() }),
        "Gated" => return Ok(sdk::output::CapturePokemonOutput { events: count_after_gate(events).into() }),
        _ => return Err(sdk::error::UnsupportedRegionError { region: input.region }.into()),
    }
    let answers = futures_util::stream::unfold(events, |mut events| async move {
        let answer = match events.recv().await {
            Ok(Some(sdk::model::AttemptCapturingPokemonEvent::Event(attempt))) => {
                let payload = attempt.payload.unwrap_or(sdk::model::CapturingPayload { name: None, pokeball: None });
                match payload.pokeball.as_deref() {
                    Some("Master Ball") => Ok(caught(payload.name, true)),
                    other => Err(sdk::error::CapturePokemonEventsError::InvalidPokeballError(
                        sdk::error::InvalidPokeballError { pokeball: other.unwrap_or_default().to_owned() },
                    )),
                }
            }
            Err(SdkError::ServiceError(error)) => match error.into_err() {
                sdk::error::AttemptCapturingPokemonEventError::MasterBallUnsuccessful(e) => Ok(caught(e.message, false)),
            },
            Ok(None) | Err(_) => return None,
        };
        Some((answer, events))
    });
    Ok(sdk::output::CapturePokemonOutput { events: answers.into() })
}

fn caught(name: Option<String>, captured: bool) -> sdk::model::CapturePokemonEvents {
    sdk::model::CapturePokemonEvents::Event(sdk::model::CaptureEvent {
        name,
        captured: Some(captured),
        shiny: Some(false),
        pokedex_update: Some(aws_smithy_types::Blob::new(vec![0, 1, 2, 255])),
    })
}

/// Events each backpressure test streams, and the size of each one's payload: 10,000 events of
/// 16 KiB, 160 MiB in all, far more than the sockets and HTTP buffers between the two sides hold.
const EVENTS: usize = 10_000;
const EVENT_BYTES: usize = 16 * 1024;

/// How many events `flood`'s stream has made so far (the handler's side).
static SERVED: AtomicUsize = AtomicUsize::new(0);
/// How many attempts `a_slow_handler_holds_the_clients_events_back` has made so far.
static SENT: AtomicUsize = AtomicUsize::new(0);
/// Lets `count_after_gate` start reading its request's events.
static GATE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// `EVENTS` events of `EVENT_BYTES` each, each made only when the response asks for it.
fn flood() -> impl futures_util::Stream<Item = Result<sdk::model::CapturePokemonEvents, sdk::error::CapturePokemonEventsError>>
{
    futures_util::stream::unfold(0, |i| async move {
        (i < EVENTS).then(|| {
            SERVED.fetch_add(1, SeqCst);
            let event = sdk::model::CapturePokemonEvents::Event(sdk::model::CaptureEvent {
                name: Some(i.to_string()),
                captured: Some(true),
                shiny: None,
                pokedex_update: Some(aws_smithy_types::Blob::new(vec![7; EVENT_BYTES])),
            });
            (Ok(event), i + 1)
        })
    })
}

/// One answer, once the gate opens: how many attempts the request then streamed.
fn count_after_gate(
    mut attempts: aws_smithy_http::event_stream::Receiver<
        sdk::model::AttemptCapturingPokemonEvent,
        sdk::error::AttemptCapturingPokemonEventError,
    >,
) -> impl futures_util::Stream<Item = Result<sdk::model::CapturePokemonEvents, sdk::error::CapturePokemonEventsError>>
{
    futures_util::stream::once(async move {
        GATE.notified().await;
        let mut count = 0;
        while let Some(attempt) = attempts.recv().await.expect("the attempts read") {
            let sdk::model::AttemptCapturingPokemonEvent::Event(attempt) = attempt;
            assert_eq!(attempt.payload.and_then(|p| p.pokeball).map(|ball| ball.len()), Some(EVENT_BYTES));
            count += 1;
        }
        Ok(caught(Some(count.to_string()), true))
    })
}

/// `counter` once it has stopped moving: the same over 200 ms.
async fn settled(counter: &AtomicUsize) -> usize {
    let mut last = counter.load(SeqCst);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let now = counter.load(SeqCst);
        if now == last {
            return now;
        }
        last = now;
    }
}

async fn start() -> Client {
    let app = sdk::PokemonService::builder(sdk::PokemonServiceConfig::builder().build())
        .get_pokemon_species(get_pokemon_species)
        .get_storage(get_storage)
        .get_server_statistics(get_server_statistics)
        .do_nothing(do_nothing)
        .check_health(check_health)
        .stream_pokemon_radio(stream_pokemon_radio)
        .capture_pokemon(capture_pokemon)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { sdk::serve(listener, app.into_make_service()).await.unwrap() });
    let config =
        Config::builder().endpoint_url(endpoint).behavior_version_latest().retry_config(RetryConfig::disabled()).build();
    Client::from_conf(config)
}

fn service_error<E: std::fmt::Debug>(error: SdkError<E>) -> E {
    match error {
        SdkError::ServiceError(context) => context.into_err(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn resource_operations_are_the_services() {
    let client = start().await;
    let species = client.get_pokemon_species().name("pikachu").send().await.unwrap();
    assert_eq!(species.name(), "pikachu");
    assert_eq!(species.flavor_text_entries()[0].language().as_str(), "en");
    let error = service_error(client.get_pokemon_species().name("missingno").send().await.unwrap_err());
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let storage = client.get_storage().user("ash").passcode("pikachu123").send().await.unwrap();
    assert_eq!(storage.collection(), ["ash's pikachu"]);
    let error = service_error(client.get_storage().user("ash").passcode("wrong").send().await.unwrap_err());
    assert!(error.is_storage_access_not_authorized(), "{error:?}");
}

#[tokio::test]
async fn operations_bound_to_the_service_answer_too() {
    let client = start().await;
    assert_eq!(client.get_server_statistics().send().await.unwrap().calls_count(), 7);
    client.do_nothing().send().await.unwrap();
    client.check_health().send().await.unwrap();
    let radio = client.stream_pokemon_radio().send().await.unwrap();
    let bytes = radio.data.collect().await.unwrap().into_bytes();
    assert_eq!(&bytes[..], b"pika pika");
}

/// `CapturePokemon` streams both ways over one HTTP exchange: each attempt is answered before the
/// next is sent, the client's modeled error reaches the handler, and the handler's modeled error
/// arrives as the stream's service error.
#[tokio::test]
async fn capture_pokemon_streams_events_both_ways() {
    use pokemon_client::types::error::{AttemptCapturingPokemonEventError, CapturePokemonEventsError, MasterBallUnsuccessful};
    use pokemon_client::types::{AttemptCapturingPokemonEvent, CapturingEvent, CapturingPayload};

    let client = start().await;
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let attempts = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let output = client.capture_pokemon().region("Kanto").events(attempts.into()).send().await.unwrap();
    let mut events = output.events;
    let attempt = |name: &str, ball: &str| {
        Ok(AttemptCapturingPokemonEvent::Event(
            CapturingEvent::builder().payload(CapturingPayload::builder().name(name).pokeball(ball).build()).build(),
        ))
    };
    for name in ["Pikachu", "Regieleki", "Mew"] {
        tx.send(attempt(name, "Master Ball")).await.unwrap();
        let answer = events.recv().await.unwrap().expect("an answer");
        let event = answer.as_event().unwrap();
        assert_eq!(event.name.as_deref(), Some(name));
        assert_eq!((event.captured, event.shiny), (Some(true), Some(false)));
        assert_eq!(event.pokedex_update.as_ref().map(|b| b.as_ref().to_vec()), Some(vec![0, 1, 2, 255]));
    }
    // The handler's modeled error ends the answers (an exception message ends its stream).
    tx.send(attempt("Snorlax", "Poke Ball")).await.unwrap();
    match events.recv().await {
        Err(SdkError::ServiceError(error)) => match error.into_err() {
            CapturePokemonEventsError::InvalidPokeballError(e) => assert_eq!(e.pokeball, "Poke Ball"),
            other => panic!("expected InvalidPokeballError, got {other:?}"),
        },
        other => panic!("expected the modeled error, got {other:?}"),
    }
    drop(tx);

    // The client's modeled error reaches the handler, and ends the attempts.
    let unsuccessful = MasterBallUnsuccessful::builder().message("Charizard").build();
    let attempts = futures_util::stream::iter([Err(AttemptCapturingPokemonEventError::MasterBallUnsuccessful(unsuccessful))]);
    let output = client.capture_pokemon().region("Kanto").events(attempts.into()).send().await.unwrap();
    let mut events = output.events;
    let answer = events.recv().await.unwrap().expect("an answer to the error");
    assert_eq!(answer.as_event().unwrap().name.as_deref(), Some("Charizard"));
    assert_eq!(answer.as_event().unwrap().captured, Some(false));
    assert!(events.recv().await.unwrap().is_none());
}

/// A client that reads slowly holds the handler's output stream back: while it pauses, the
/// handler's stream is asked for no more events than the buffers between them hold (then stalls),
/// rather than running ahead through all 10,000 into memory; reading on, the client gets them all.
#[tokio::test]
async fn a_slow_reader_holds_the_servers_events_back() {
    use pokemon_client::types::AttemptCapturingPokemonEvent;
    use pokemon_client::types::error::AttemptCapturingPokemonEventError;

    let client = start().await;
    let no_attempts = futures_util::stream::empty::<Result<AttemptCapturingPokemonEvent, AttemptCapturingPokemonEventError>>();
    let output = client.capture_pokemon().region("Flood").events(no_attempts.into()).send().await.unwrap();
    let mut events = output.events;
    assert!(events.recv().await.unwrap().is_some());
    let stalled = settled(&SERVED).await;
    eprintln!(
        "backpressure: the handler stalled after {stalled} of {EVENTS} events ({} KiB made) while the client paused",
        stalled * EVENT_BYTES / 1024
    );
    assert!(stalled < EVENTS / 10, "the handler ran ahead of the paused client: {stalled} events made");
    let mut received = 1;
    while let Some(event) = events.recv().await.unwrap() {
        assert_eq!(event.as_event().unwrap().pokedex_update.as_ref().map(|b| b.as_ref().len()), Some(EVENT_BYTES));
        received += 1;
    }
    assert_eq!((received, SERVED.load(SeqCst)), (EVENTS, EVENTS));
}

/// A handler that does not read holds the client's input stream back the same way: the client's
/// stream is asked for no more attempts than the buffers hold until the handler reads, and then
/// the handler reads all 10,000.
#[tokio::test]
async fn a_slow_handler_holds_the_clients_events_back() {
    use pokemon_client::types::{AttemptCapturingPokemonEvent, CapturingEvent, CapturingPayload};

    let client = start().await;
    let attempts = futures_util::stream::unfold(0, |i| async move {
        (i < EVENTS).then(|| {
            SENT.fetch_add(1, SeqCst);
            let payload = CapturingPayload::builder().pokeball("b".repeat(EVENT_BYTES)).build();
            (Ok(AttemptCapturingPokemonEvent::Event(CapturingEvent::builder().payload(payload).build())), i + 1)
        })
    });
    let output = client.capture_pokemon().region("Gated").events(attempts.into()).send().await.unwrap();
    let stalled = settled(&SENT).await;
    eprintln!(
        "backpressure: the client stalled after {stalled} of {EVENTS} attempts ({} KiB made) while the handler waited",
        stalled * EVENT_BYTES / 1024
    );
    assert!(stalled < EVENTS / 10, "the client ran ahead of the waiting handler: {stalled} attempts made");
    GATE.notify_one();
    let mut events = output.events;
    let answer = events.recv().await.unwrap().expect("the count");
    assert_eq!(answer.as_event().unwrap().name.as_deref(), Some("10000"));
    assert_eq!(SENT.load(SeqCst), EVENTS);
}
