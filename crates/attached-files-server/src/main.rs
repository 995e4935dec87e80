//! The attached-files server and its operator commands. `main` only parses, sets up logging
//! and reports errors as one line; the work is in `attached-files`.

mod storage;

use std::path::PathBuf;
use std::process::ExitCode;

use attached_files::record::format_iso_millis;
use attached_files::{AttachedFile, CreatedBy, Disposition, FileRecord, FileStatus, GetRequest, NewFile};
use clap::{Parser, Subcommand};
use storage::{Role, Storage, StorageArgs};

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
    /// Serve the embedded object store, from which download URLs are fetched, until SIGTERM or
    /// Ctrl-C. (The GetAttachedFile API joins it once the generated server crate exists.)
    Serve,
    /// Store a local file as a new attached file and print its record as one JSON object.
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
        /// FileUseCaseType: ATTACHMENT, or one of the newer AWS values such as EMAIL_MESSAGE.
        #[arg(long, default_value = "ATTACHMENT")]
        use_case: String,
        /// A tag as KEY=VALUE; repeat for more.
        #[arg(long = "tag", value_parser = parse_tag)]
        tags: Vec<(String, String)>,
        /// The Connect user who created the file.
        #[arg(long, conflicts_with = "aws_identity_arn")]
        connect_user_arn: Option<String>,
        /// The AWS identity that created the file.
        #[arg(long)]
        aws_identity_arn: Option<String>,
        /// The initial status: APPROVED, REJECTED, PROCESSING or FAILED.
        #[arg(long, default_value = "PROCESSING")]
        status: FileStatus,
    },
    /// Set a file's status (the attachment scan's verdict) and print its record.
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
    /// Print the record of every file of an instance, one JSON object a line, oldest first.
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
        #[arg(long, default_value_t = attached_files::files::DEFAULT_URL_EXPIRY_SECONDS)]
        url_expiry_in_seconds: u64,
        /// Content-Disposition of the download: attachment or inline, with the file's name.
        #[arg(long, value_enum)]
        url_content_disposition: Option<DispositionArg>,
    },
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,aws=warn,s3s=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(cli)) {
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
        Command::Serve => {
            let storage = Storage::open(&cli.storage, Role::Server).await?;
            match storage.embedded_url() {
                Some(url) => println!("ready: embedded object store at {url}"),
                None => println!("ready: external object store"),
            }
            shutdown_signal().await;
            tracing::info!("shutting down after the requests in flight");
            storage.close().await;
            Ok(())
        }
        command => {
            let storage = Storage::open(&cli.storage, Role::Operator).await?;
            let result = operate(&storage, command).await;
            storage.close().await;
            result
        }
    }
}

async fn operate(storage: &Storage, command: Command) -> Result<(), String> {
    let files = &storage.files;
    match command {
        Command::Serve => unreachable!("handled by run"),
        Command::Ingest {
            instance_id,
            associated_resource_arn,
            file,
            name,
            use_case,
            tags,
            connect_user_arn,
            aws_identity_arn,
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
            let created_by =
                connect_user_arn.map(CreatedBy::ConnectUserArn).or(aws_identity_arn.map(CreatedBy::AwsIdentityArn));
            let new = NewFile {
                instance_id,
                associated_resource_arn,
                file_name,
                file_use_case_type: Some(use_case),
                tags: tags.into_iter().collect(),
                created_by,
                file_status: status,
            };
            print_record(&files.ingest(new, &file).await.map_err(|e| e.to_string())?)
        }
        Command::SetStatus { instance_id, file_id, status } => {
            print_record(&files.set_status(&instance_id, &file_id, status).await.map_err(|e| e.to_string())?)
        }
        Command::List { instance_id } => {
            for record in files.list(&instance_id).await.map_err(|e| e.to_string())? {
                print_record(&record)?;
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
            let request = GetRequest {
                instance_id,
                file_id,
                associated_resource_arn,
                url_expiry_in_seconds: Some(url_expiry_in_seconds),
                disposition: url_content_disposition.map(|d| match d {
                    DispositionArg::Attachment => Disposition::Attachment,
                    DispositionArg::Inline => Disposition::Inline,
                }),
            };
            let file = files.get(&request).await.map_err(|e| e.to_string())?;
            println!("{}", response_body(&file));
            Ok(())
        }
    }
}

/// The JSON body GetAttachedFile answers with, member for member.
fn response_body(file: &AttachedFile) -> serde_json::Value {
    let record = &file.record;
    let mut body = serde_json::json!({
        "FileArn": record.file_arn,
        "FileId": record.file_id,
        "CreationTime": format_iso_millis(record.creation_time),
        "FileStatus": record.file_status.as_str(),
        "FileName": record.file_name,
        "FileSizeInBytes": record.file_size_in_bytes,
        "AssociatedResourceArn": record.associated_resource_arn,
    });
    if !record.tags.is_empty() {
        body["Tags"] = serde_json::to_value(&record.tags).unwrap_or_default();
    }
    if let Some(use_case) = &record.file_use_case_type {
        body["FileUseCaseType"] = use_case.as_str().into();
    }
    if let Some(created_by) = &record.created_by {
        body["CreatedBy"] = serde_json::to_value(created_by).unwrap_or_default();
    }
    if let Some(download) = &file.download {
        body["DownloadUrlMetadata"] =
            serde_json::json!({ "Url": download.url, "UrlExpiry": format_iso_millis(download.expires_at) });
    }
    body
}

fn print_record(record: &FileRecord) -> Result<(), String> {
    println!("{}", serde_json::to_string(record).map_err(|e| e.to_string())?);
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
