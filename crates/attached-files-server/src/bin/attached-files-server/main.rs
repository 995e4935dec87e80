//! The attached-files server and its operator commands. `main` parses the flags into the library's
//! configuration, sets up logging and signals, and runs the server (`attached_files_server::server`)
//! or a command (`operator.rs`); an error is printed as one line.

mod cli;
mod operator;

use std::io::IsTerminal;
use std::process::ExitCode;

use attached_files_server::log_writer::BatchedWriter;
use attached_files_server::server::Server;
use attached_files_server::storage::{Role, Storage};
use clap::Parser;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, ServeArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Log lines gather in memory and a thread of their own writes them to stderr in batches
    // (log_writer.rs); all are written before exit.
    let (writer, written) = match BatchedWriter::start(std::io::stderr()) {
        Ok(started) => started,
        Err(e) => return fail(format!("cannot start the log's writer thread: {e}")),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws=warn,s3s=warn,tokio_postgres=warn".into()),
        )
        .with_writer(writer)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => Err(format!("cannot start the async runtime: {e}")),
    };
    drop(written); // the log lines first, then the error line
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), String> {
    let storage = cli.storage.config();
    match cli.command {
        Command::Serve(args) => serve(args, storage).await,
        Command::Keys(command) => operator::keys(&storage.data_dir, command).map_err(|e| e.to_string()),
        command => {
            let storage = Storage::open(&storage, Role::Operator).await.map_err(|e| e.to_string())?;
            let result = operator::operate(&storage, command).await;
            storage.close().await;
            result.map_err(|e| e.to_string())
        }
    }
}

/// Serves until SIGTERM or Ctrl-C, then lets the calls, uploads and downloads in flight finish.
async fn serve(args: ServeArgs, storage: attached_files_server::config::StorageConfig) -> Result<(), String> {
    let listener =
        TcpListener::bind(args.listen).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let config = args.config(storage);
    let server = Server::start(config, listener).await.map_err(|e| e.to_string())?;
    let api = format!("API at http://{}", server.local_addr());
    let store = match server.embedded_store_url() {
        Some(url) => format!("embedded object store at {url}"),
        None => "external object store".to_owned(),
    };
    let callers = match server.keys().map(|keys| keys.key_count()) {
        None => "signatures NOT verified (--no-verify-signatures): anyone may call anything".to_owned(),
        Some(0) => "SigV4 verified, no access keys yet: make one with `keys create`".to_owned(),
        Some(n) => format!("SigV4 verified with {n} access keys"),
    };
    println!("ready: {api}, {store}, {callers}");
    let shutdown = server.shutdown_trigger();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down after the calls and downloads in flight");
        shutdown.trigger();
    });
    server.join().await.map_err(|e| format!("the API stopped: {e}"))
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch SIGTERM; only Ctrl-C stops the server");
            let _ = ctrl_c.await;
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}
