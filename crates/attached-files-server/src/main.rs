//! The attached-files server and its operator commands. `main` only parses, sets up logging
//! and reports errors as one line; the API is in this crate's library, the rest in `attached-files`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use attached_files::record::is_valid_arn;
use attached_files::{AttachedFile, FileRecord, FileStatus};
use attached_files_server::access::{self, AccessKey, KeyFile, KeyRing, Verification};
use attached_files_server::api;
use attached_files_server::app::{self, Limits};
use attached_files_server::log_writer::BatchedWriter;
use attached_files_server::storage::{Role, Storage, StorageArgs};
use attached_files_server_sdk::input::{GetAttachedFileInput, StartAttachedFileUploadInput};
use attached_files_server_sdk::model::{
    ContentDisposition, CreatedByInfo, FileId, FileName, FileSizeInBytes, FileUseCaseType, InstanceId, TagKey, TagMap,
    TagValue, UrlExpiryInSeconds,
};
use attached_files_server_sdk::server::protocol::rest_json_1::RestJson1;
use attached_files_server_sdk::server::response::IntoResponse;
use attached_files_server_sdk::sigv4::SigV4Plugin;
use clap::{Parser, Subcommand};
use http_body_util::BodyExt;
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the five attached-file operations, and a health check at /ping) and the
    /// embedded object store, to which uploads go and from which downloads come, until SIGTERM or
    /// Ctrl-C; then finish the calls, uploads and downloads in flight.
    Serve(ServeArgs),
    /// Store a local file as a new attached file, the way the API does (Start, PUT, Complete, then
    /// the scan), and print it as GetAttachedFile's JSON body.
    Ingest {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The resource the file is attached to, such as a case; must be an ARN.
        #[arg(long)]
        associated_resource_arn: String,
        /// The file to store.
        file: PathBuf,
        /// FileName to report; defaults to the file's own name.
        #[arg(long)]
        name: Option<String>,
        /// FileUseCaseType: ATTACHMENT, the one value the model has.
        #[arg(long, default_value = "ATTACHMENT")]
        use_case: String,
        /// An idempotency key: ingesting again with the same one gives the same file.
        #[arg(long)]
        client_token: Option<String>,
        /// A tag as KEY=VALUE; repeat for more.
        #[arg(long = "tag", value_parser = parse_tag)]
        tags: Vec<(String, String)>,
        /// The Connect user who created the file.
        #[arg(long)]
        connect_user_arn: Option<String>,
        /// The verdict to record instead of the scan's: APPROVED, REJECTED, PROCESSING or FAILED.
        #[arg(long)]
        status: Option<FileStatus>,
    },
    /// Manage the access keys callers sign their requests with (SigV4), kept in the data directory.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Set a completed file's status (the attachment scan's verdict) and print the file.
    SetStatus {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The FileId that `ingest` printed.
        #[arg(long)]
        file_id: String,
        /// APPROVED, REJECTED, PROCESSING or FAILED.
        #[arg(long)]
        status: FileStatus,
    },
    /// Print every file of an instance, one GetAttachedFile JSON body a line, oldest first.
    List {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
    },
    /// Print what GetAttachedFile answers for a file, as its JSON body: the metadata and, for an
    /// approved file, a download URL served by `serve`.
    Get {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The FileId that `ingest` printed.
        #[arg(long)]
        file_id: String,
        /// The resource the file is attached to; must match the one given at ingest.
        #[arg(long)]
        associated_resource_arn: String,
        /// Lifetime of the download URL, 5 to 300 seconds.
        #[arg(long, default_value_t = 300)]
        url_expiry_in_seconds: i32,
        /// Content-Disposition of the download: attachment or inline, with the file's name.
        #[arg(long, value_enum)]
        url_content_disposition: Option<DispositionArg>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Make a new access key and print it as the AWS CLI's environment variables.
    Create {
        /// An instance the key may be used on; repeat for more, or `*` for any.
        #[arg(long = "instance", required = true)]
        instances: Vec<String>,
        /// An operation the key may call (e.g. GetAttachedFile); repeat for more. Default: any.
        #[arg(long = "operation", default_value = access::ANY)]
        operations: Vec<String>,
        /// The ARN recorded as CreatedBy.AWSIdentityArn of files that calls signed with the key
        /// start without a CreatedBy. Default: arn:aws:iam::000000000000:user/<AccessKeyId>.
        #[arg(long)]
        identity_arn: Option<String>,
    },
    /// Print every access key (without its secret) and what it may be used for.
    List,
    /// Delete an access key: `serve` refuses its signatures within a second.
    Delete {
        /// The key's AccessKeyId.
        access_key_id: String,
    },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address of the API.
    #[arg(long, env = "ATTACHED_FILES_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Calls in flight beyond which callers are answered ThrottlingException (429) at once.
    #[arg(long, env = "ATTACHED_FILES_MAX_CONCURRENT_REQUESTS", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_concurrent_requests: u32,
    /// Longest request body accepted, in bytes; a longer one is answered 413.
    #[arg(long, env = "ATTACHED_FILES_MAX_REQUEST_BODY_BYTES", default_value_t = 64 * 1024)]
    max_request_body_bytes: u64,
    /// Let in every request without checking its signature, for local experiments only: anyone
    /// who reaches the API may then read and delete the files of every instance.
    #[arg(long, env = "ATTACHED_FILES_NO_VERIFY_SIGNATURES")]
    no_verify_signatures: bool,
    /// Accept only signatures scoped to this region (by default, any region).
    #[arg(long, env = "ATTACHED_FILES_REGION")]
    region: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DispositionArg {
    Attachment,
    Inline,
}

fn parse_tag(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))
}

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
    match cli.command {
        Command::Serve(args) => serve(&cli.storage, args).await,
        Command::Keys(command) => keys(&cli.storage, command),
        command => {
            let storage = Storage::open(&cli.storage, Role::Operator).await?;
            let result = operate(&storage, command).await;
            storage.close().await;
            result
        }
    }
}

/// Serves the API and the object store until SIGTERM or Ctrl-C, then drains both.
async fn serve(storage_args: &StorageArgs, args: ServeArgs) -> Result<(), String> {
    let listener =
        TcpListener::bind(args.listen).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let api_url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let storage = Storage::open(storage_args, Role::Server).await?;
    let limits = Limits {
        max_concurrent_requests: args.max_concurrent_requests as usize,
        max_request_body_bytes: args.max_request_body_bytes,
    };
    let files = Arc::new(storage.files.clone());
    let (verification, checked) = if args.no_verify_signatures {
        (Verification::Off, "signatures NOT verified (--no-verify-signatures): anyone may call anything".to_owned())
    } else {
        let ring = KeyRing::load(KeyFile::in_dir(&storage_args.data_dir))?;
        let checked = match ring.key_count() {
            0 => "SigV4 verified, no access keys yet: make one with `keys create`".to_owned(),
            n => format!("SigV4 verified with {n} access keys"),
        };
        tokio::spawn(ring.clone().reload_forever());
        let plugin = SigV4Plugin::new(ring);
        (
            Verification::Signatures(match args.region {
                Some(region) => plugin.region(region),
                None => plugin,
            }),
            checked,
        )
    };
    let api = app::api(files.clone(), limits, verification).map_err(|e| e.to_string())?;
    let background = tokio::spawn(app::background(files));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut served = tokio::spawn(app::run(listener, api, async {
        let _ = stopped.await;
    }));
    match storage.embedded_url() {
        Some(url) => println!("ready: API at {api_url}, embedded object store at {url}, {checked}"),
        None => println!("ready: API at {api_url}, external object store, {checked}"),
    }
    tokio::select! {
        () = shutdown_signal() => {}
        early = &mut served => {
            storage.close().await;
            return Err(format!("the API stopped: {}", describe(early)));
        }
    }
    tracing::info!("shutting down after the calls and downloads in flight");
    background.abort();
    let _ = stop.send(());
    let (served, ()) = tokio::join!(served, storage.close());
    match served {
        Ok(Ok(())) => Ok(()),
        other => Err(format!("the API stopped: {}", describe(other))),
    }
}

fn describe(outcome: Result<std::io::Result<()>, tokio::task::JoinError>) -> String {
    match outcome {
        Ok(Ok(())) => "without an error".into(),
        Ok(Err(e)) => e.to_string(),
        Err(e) => e.to_string(),
    }
}

/// The `keys` commands: they change the key file only, without opening the storage.
fn keys(storage: &StorageArgs, command: KeysCommand) -> Result<(), String> {
    std::fs::create_dir_all(&storage.data_dir)
        .map_err(|e| format!("cannot create data directory {}: {e}", storage.data_dir.display()))?;
    let file = KeyFile::in_dir(&storage.data_dir);
    match command {
        KeysCommand::Create { instances, operations, identity_arn } => {
            let known = api::operation_names();
            if let Some(unknown) = operations.iter().find(|op| *op != access::ANY && !known.contains(&op.as_str())) {
                return Err(format!("--operation {unknown}: not one of {}", known.join(", ")));
            }
            if let Some(arn) = identity_arn.as_deref().filter(|arn| !is_valid_arn(arn)) {
                return Err(format!("--identity-arn {arn}: not an ARN"));
            }
            let key = AccessKey::generate(instances, operations).map_err(|e| format!("cannot make a key: {e}"))?;
            let key = AccessKey { identity_arn, ..key };
            file.add(key.clone())?;
            println!("export AWS_ACCESS_KEY_ID={}", key.access_key_id);
            println!("export AWS_SECRET_ACCESS_KEY={}", key.secret_access_key);
            Ok(())
        }
        KeysCommand::List => {
            for key in file.read()? {
                println!(
                    "{}  instances: {}  operations: {}  identity: {}",
                    key.access_key_id,
                    key.instances.join(","),
                    key.operations.join(","),
                    key.identity_arn()
                );
            }
            Ok(())
        }
        KeysCommand::Delete { access_key_id } => file.remove(&access_key_id),
    }
}

async fn operate(storage: &Storage, command: Command) -> Result<(), String> {
    let files = &storage.files;
    match command {
        Command::Serve(_) | Command::Keys(_) => Err("not a command on the storage".into()),
        Command::Ingest {
            instance_id,
            associated_resource_arn,
            file,
            name,
            use_case,
            client_token,
            tags,
            connect_user_arn,
            status,
        } => {
            let file_name = match name {
                Some(name) => name,
                None => file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| format!("{} has no usable file name: pass --name", file.display()))?
                    .to_owned(),
            };
            let size = std::fs::metadata(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?.len();
            // Checked by the generated types, as the API checks a StartAttachedFileUpload.
            let invalid = |flag: &str, e: &dyn std::fmt::Display| format!("{flag}: {e}");
            let tags = if tags.is_empty() {
                None
            } else {
                let mut map = std::collections::HashMap::new();
                for (key, value) in tags {
                    let key = TagKey::try_from(key).map_err(|e| invalid("--tag", &e))?;
                    map.insert(key, TagValue::try_from(value).map_err(|e| invalid("--tag", &e))?);
                }
                Some(TagMap::try_from(map).map_err(|e| invalid("--tag", &e))?)
            };
            let input = StartAttachedFileUploadInput::builder()
                .client_token(
                    client_token.map(TryFrom::try_from).transpose().map_err(|e| invalid("--client-token", &e))?,
                )
                .instance_id(InstanceId::try_from(instance_id).map_err(|e| invalid("--instance-id", &e))?)
                .file_name(FileName::try_from(file_name).map_err(|e| invalid("--name", &e))?)
                .file_size_in_bytes(
                    FileSizeInBytes::try_from(i64::try_from(size).unwrap_or(i64::MAX))
                        .map_err(|e| invalid("the file's size", &e))?,
                )
                .file_use_case_type(FileUseCaseType::try_from(use_case).map_err(|e| invalid("--use-case", &e))?)
                .associated_resource_arn(associated_resource_arn)
                .created_by(connect_user_arn.map(CreatedByInfo::ConnectUserArn))
                .tags(tags)
                .build()
                .map_err(|e| e.to_string())?;
            let record = files.ingest(api::start_request(input), &file, status).await.map_err(|e| e.to_string())?;
            print_record(record).await
        }
        Command::SetStatus { instance_id, file_id, status } => {
            print_record(files.set_status(&instance_id, &file_id, status).await.map_err(|e| e.to_string())?).await
        }
        Command::List { instance_id } => {
            for record in files.list(&instance_id).await.map_err(|e| e.to_string())? {
                print_record(record).await?;
            }
            Ok(())
        }
        Command::Get {
            instance_id,
            file_id,
            associated_resource_arn,
            url_expiry_in_seconds,
            url_content_disposition,
        } => {
            let invalid = |flag: &str, e: &dyn std::fmt::Display| format!("{flag}: {e}");
            let input = GetAttachedFileInput::builder()
                .instance_id(InstanceId::try_from(instance_id).map_err(|e| invalid("--instance-id", &e))?)
                .file_id(FileId::try_from(file_id).map_err(|e| invalid("--file-id", &e))?)
                .associated_resource_arn(associated_resource_arn)
                .url_expiry_in_seconds(Some(
                    UrlExpiryInSeconds::try_from(url_expiry_in_seconds)
                        .map_err(|e| invalid("--url-expiry-in-seconds", &e))?,
                ))
                .url_content_disposition(url_content_disposition.map(|d| match d {
                    DispositionArg::Attachment => ContentDisposition::Attachment,
                    DispositionArg::Inline => ContentDisposition::Inline,
                }))
                .build()
                .map_err(|e| e.to_string())?;
            let request = api::get_request(input);
            print_file(files.get(&request).await.map_err(|e| e.to_string())?).await
        }
    }
}

/// Prints a file as GetAttachedFile's JSON body (without a download URL).
async fn print_record(record: FileRecord) -> Result<(), String> {
    print_file(AttachedFile { record, download: None }).await
}

/// Prints GetAttachedFile's JSON body for `file`, written by the generated SDK as the API writes it.
async fn print_file(file: AttachedFile) -> Result<(), String> {
    let output = api::get_output(file).map_err(|e| e.to_string())?;
    let body = IntoResponse::<RestJson1>::into_response(output).into_body().collect().await;
    let body = body.map_err(|e| format!("writing the answer: {e}"))?.to_bytes();
    println!("{}", String::from_utf8_lossy(&body));
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
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
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
