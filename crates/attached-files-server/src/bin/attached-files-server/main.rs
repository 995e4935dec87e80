//! The attached-files server and its operator commands. `main` parses the flags into the library's
//! configuration, sets up logging and signals, and runs the server (`attached_files_server::server`)
//! or a command (`operator.rs`); an error is printed as one line.

mod cli;
mod operator;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use attached_files_server::config::StorageConfig;
use attached_files_server::log_writer::BatchedWriter;
use attached_files_server::operating::write_request_lines_to;
use attached_files_server::server::{Server, StartError};
use attached_files_server::storage::{Role, Storage, StorageError};
use clap::Parser;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, ServeArgs};
use crate::operator::CommandError;

/// Why the program failed; printed as one line.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("the API stopped: {0}")]
    Served(std::io::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Command(#[from] CommandError),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Log lines gather in memory and a thread of their own writes them to stderr in batches
    // (log_writer.rs); all are written before exit.
    let (writer, written) = match BatchedWriter::start(std::io::stderr()) {
        Ok(started) => started,
        Err(e) => return fail(format!("cannot start the log's writer thread: {e}")),
    };
    let colours = std::io::stderr().is_terminal();
    if !colours {
        // The request log's lines skip tracing's formatter: the same text, for less CPU.
        write_request_lines_to(writer.clone());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws=warn,s3s=warn,tokio_postgres=warn".into()),
        )
        .with_writer(writer)
        .with_ansi(colours)
        .init();
    let result = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => Err(Failure::Runtime(e)),
    };
    drop(written); // the log lines first, then the error line
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(failure.to_string()),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let storage = cli.storage.config();
    match cli.command {
        Command::Serve(args) => serve(args, storage).await,
        Command::Keys(command) => Ok(operator::keys(&storage, command).await?),
        command => {
            let storage = Storage::open(&storage, Role::Operator).await?;
            let result = operator::operate(&storage, command).await;
            storage.close().await;
            Ok(result?)
        }
    }
}

/// Serves until SIGTERM or Ctrl-C, then lets the calls, uploads and downloads in flight finish.
async fn serve(args: ServeArgs, storage: StorageConfig) -> Result<(), Failure> {
    let addr = args.listen;
    let listener = TcpListener::bind(addr).await.map_err(|source| Failure::Listen { addr, source })?;
    let server = Server::start(args.config(storage), listener).await?;
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
    server.join().await.map_err(Failure::Served)
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
