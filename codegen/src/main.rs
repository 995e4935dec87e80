//! `attached-files-codegen server|client --service ID --module NAME ...`: reads a Smithy JSON AST
//! on standard input and writes a crate. Started by `smithy build` through a `run::` plugin (see
//! smithy-build.json), or by hand with `smithy ast --flatten` piped in.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use attached_files_codegen::{Settings, ast::Ast, client, server};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Generates Rust crates from a Smithy model (JSON AST on stdin)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A server SDK crate on aws-smithy-http-server.
    Server(Args),
    /// A client crate on aws-smithy-runtime.
    Client(ClientArgs),
}

#[derive(clap::Args)]
struct ClientArgs {
    /// Absolute shape id of the service, e.g. com.amazonaws.connect#AmazonConnectService.
    #[arg(long)]
    service: String,
    /// Name of the crate to write.
    #[arg(long)]
    module: String,
    /// Version of the crate to write.
    #[arg(long, default_value = "0.1.0")]
    module_version: String,
    /// Where the model comes from, named in each file's header.
    #[arg(long, default_value = "model/")]
    source: String,
    /// The protocol to generate for (restJson1, awsJson1_0, awsJson1_1), for a service with
    /// several (default: the first of those the service has).
    #[arg(long)]
    protocol: Option<String>,
    /// Output directory (default: $SMITHY_PLUGIN_DIR, where smithy build wants plugin output).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct Args {
    /// Absolute shape id of the service, e.g. com.amazonaws.connect#AmazonConnectService.
    #[arg(long)]
    service: String,
    /// Name of the crate to write.
    #[arg(long)]
    module: String,
    /// Version of the crate to write.
    #[arg(long, default_value = "0.1.0")]
    module_version: String,
    /// Structures that constraint violations are answered with, comma-separated or repeated:
    /// each operation's is the first of these it declares, else the first (default: smithy-rs's
    /// ValidationException wire format).
    #[arg(long, value_delimiter = ',')]
    validation_exception: Vec<String>,
    /// Where the model comes from, named in each file's header.
    #[arg(long, default_value = "model/")]
    source: String,
    /// The protocol to generate for (restJson1, awsJson1_0, awsJson1_1), for a service with
    /// several (default: the first of those the service has).
    #[arg(long)]
    protocol: Option<String>,
    /// Output directory (default: $SMITHY_PLUGIN_DIR, where smithy build wants plugin output).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Server(args) => {
            let settings = Settings {
                service: args.service,
                module: args.module,
                module_version: args.module_version,
                validation_exceptions: args.validation_exception,
                source: args.source,
                protocol: args.protocol,
            };
            run(args.out, &settings, server::generate)
        }
        Command::Client(args) => {
            let settings = Settings {
                service: args.service,
                module: args.module,
                module_version: args.module_version,
                validation_exceptions: Vec::new(),
                source: args.source,
                protocol: args.protocol,
            };
            run(args.out, &settings, client::generate)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("attached-files-codegen: error: {message}");
            ExitCode::FAILURE
        }
    }
}

type Generate = fn(&Ast, &Settings) -> Result<Vec<attached_files_codegen::File>, attached_files_codegen::Error>;

fn run(out: Option<PathBuf>, settings: &Settings, generate: Generate) -> Result<(), String> {
    let out = match out.or_else(|| std::env::var_os("SMITHY_PLUGIN_DIR").map(PathBuf::from)) {
        Some(out) => out,
        None => return Err("no output directory: pass --out DIR or run under smithy build".into()),
    };
    let mut json = String::new();
    std::io::stdin()
        .read_to_string(&mut json)
        .map_err(|e| format!("cannot read the model from standard input: {e}"))?;
    let model = Ast::parse(&json).map_err(|e| e.to_string())?;
    let files = generate(&model, settings).map_err(|e| e.to_string())?;
    for file in files {
        let path = out.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, file.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
