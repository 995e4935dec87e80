//! smithy-rs's own example model (`../shared/models/pokemon/`, the folder `SMITHY_MODELS_DIR`
//! names, or absent: the test says so and passes, except under `CI=true`): its operations bound
//! through resources (`PokemonSpecies`, `Storage`) are the service's as much as those bound to it.
//! The server and the client are generated side by side, and `tests/pokemon/client.rs` calls every
//! operation through the client, `CapturePokemon`'s event streams both ways included.

mod common;

use std::path::PathBuf;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{Settings, client, server};
use common::{GeneratedCrate, describe};

const SERVICE: &str = "com.aws.example#PokemonService";

/// The client's tests run the server crate (written next to the client crate) on loopback.
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
pokemon-server-sdk = { path = "../server/crate" }
tokio = { version = "1.54.1", features = ["macros", "net", "rt-multi-thread", "sync", "time"] }
futures-util = { version = "0.3.31", default-features = false }
aws-smithy-types = "1.9.3"
aws-smithy-http = { version = "0.64.3", features = ["event-stream"] }
"#;

fn model_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SMITHY_MODELS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => common::workspace().join("../shared/models"),
    };
    let dir = dir.join("pokemon");
    dir.join("pokemon.json").exists().then_some(dir)
}

#[test]
fn pokemon_service_with_its_resources_is_generated_and_its_client_calls_its_server() {
    let Some(dir) = model_dir() else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the pokemon model is missing: set SMITHY_MODELS_DIR");
        eprintln!("pokemon: skipped, the model is missing (SMITHY_MODELS_DIR, ../shared/models/)");
        return;
    };
    let json = std::fs::read_to_string(dir.join("pokemon.json")).unwrap();
    let mut settings = Settings {
        service: SERVICE.to_owned(),
        module: "pokemon-server-sdk".to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exceptions: vec!["smithy.framework#ValidationException".to_owned()],
        source: "../shared/models/pokemon/pokemon.smithy".to_owned(),
        protocol: None,
    };
    let model = Ast::parse(&json).unwrap();
    let server_crate = server::generate(&model, &settings).expect("the pokemon server generates");
    let server = GeneratedCrate::write("pokemon/server", &settings.module, server_crate, "", &[]);

    settings.module = "pokemon-client".to_owned();
    settings.validation_exceptions = Vec::new();
    let client_crate = client::generate(&model, &settings).expect("the pokemon client generates");
    let tests = std::fs::read(common::workspace().join("codegen/tests/pokemon/client.rs")).unwrap();
    let client = GeneratedCrate::write(
        "pokemon",
        &settings.module,
        client_crate,
        DEV_DEPENDENCIES,
        &[("tests/client.rs", tests)],
    );
    let output = client.cargo_test(&["--quiet"]);
    assert!(
        output.status.success(),
        "the pokemon client's tests failed in {} {}",
        client.dir.display(),
        describe(&output)
    );
    server.assert_clippy_clean();
    client.assert_clippy_clean();
}
