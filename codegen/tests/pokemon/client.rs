//! The client generated from smithy-rs's pokemon model calls the server generated from it, over
//! loopback: the operations bound to the service and those bound through its resources
//! (`GetPokemonSpecies` is `PokemonSpecies`'s `read`, `GetStorage` is `Storage`'s), with their
//! labels, headers and modeled errors. It runs inside the generated client crate
//! (`codegen/tests/pokemon.rs` copies this file to its `tests/client.rs`).

use pokemon_client::config::retry::RetryConfig;
use pokemon_client::error::SdkError;
use pokemon_client::{Client, Config};
use pokemon_server_sdk as sdk;

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

async fn start() -> Client {
    let app = sdk::PokemonService::builder(sdk::PokemonServiceConfig::builder().build())
        .get_pokemon_species(get_pokemon_species)
        .get_storage(get_storage)
        .get_server_statistics(get_server_statistics)
        .do_nothing(do_nothing)
        .check_health(check_health)
        .stream_pokemon_radio(stream_pokemon_radio)
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
