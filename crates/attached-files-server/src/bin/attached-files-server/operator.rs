//! The operator commands: the access keys (`keys`), and the files (`ingest`, `set-status`,
//! `list`, `get`), which open the storage beside a running server and print files as
//! GetAttachedFile's JSON body.

use std::collections::HashMap;

use attached_files::record::is_valid_arn;
use attached_files::{AttachedFile, FileError, FileRecord};
use attached_files_server::access::{self, AccessKey, KeyError, KeyStore};
use attached_files_server::api::{self, OutputError};
use attached_files_server::config::{Metadata, StorageConfig};
use attached_files_server::storage::{Storage, StorageError};
use attached_files_server_sdk::input::{GetAttachedFileInput, StartAttachedFileUploadInput};
use attached_files_server_sdk::model::{
    ContentDisposition, CreatedByInfo, FileId, FileName, FileSizeInBytes, FileUseCaseType, InstanceId, TagKey, TagMap,
    TagValue, UrlExpiryInSeconds,
};
use attached_files_server_sdk::server::protocol::rest_json_1::RestJson1;
use attached_files_server_sdk::server::response::IntoResponse;
use http_body_util::BodyExt;

use crate::cli::{Command, DispositionArg, KeysCommand};

/// Why an operator command failed; printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A flag's value breaks the model (checked by the generated types, as the API checks it).
    #[error("{flag}: {message}")]
    Invalid { flag: &'static str, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("writing the answer: {0}")]
    Print(String),
}

fn invalid(flag: &'static str) -> impl FnOnce(&dyn std::fmt::Display) -> CommandError {
    move |e| CommandError::Invalid { flag, message: e.to_string() }
}

/// The `keys` commands: they change the keys where the metadata is (the data directory's key
/// file, or the PostgreSQL database), without opening the rest of the storage.
pub async fn keys(storage: &StorageConfig, command: KeysCommand) -> Result<(), CommandError> {
    if let Metadata::Sqlite = storage.metadata {
        let data_dir = &storage.data_dir;
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir { path: data_dir.clone(), source })?;
    }
    let store = KeyStore::open(storage).await?;
    match command {
        KeysCommand::Create { instances, operations, identity_arn } => {
            let known = api::operation_names();
            if let Some(unknown) = operations.iter().find(|op| *op != access::ANY && !known.contains(&op.as_str())) {
                return Err(invalid("--operation")(&format!("{unknown} is not one of {}", known.join(", "))));
            }
            if let Some(arn) = identity_arn.as_deref().filter(|arn| !is_valid_arn(arn)) {
                return Err(invalid("--identity-arn")(&format!("{arn} is not an ARN")));
            }
            let key = AccessKey::generate(instances, operations)
                .map_err(|source| CommandError::Io { path: "the random source".into(), source })?;
            let key = AccessKey { identity_arn, ..key };
            store.add(key.clone()).await?;
            println!("export AWS_ACCESS_KEY_ID={}", key.access_key_id);
            println!("export AWS_SECRET_ACCESS_KEY={}", key.secret_access_key);
            Ok(())
        }
        KeysCommand::List => {
            for key in store.read().await? {
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
        KeysCommand::Delete { access_key_id } => Ok(store.remove(&access_key_id).await?),
    }
}

/// The commands on the files, with the storage open.
pub async fn operate(storage: &Storage, command: Command) -> Result<(), CommandError> {
    let files = &storage.files;
    match command {
        Command::Serve(_) | Command::Keys(_) => unreachable!("not a command on the storage"),
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
                    .ok_or_else(|| invalid("--name")(&format!("{} has no usable file name", file.display())))?
                    .to_owned(),
            };
            let size = std::fs::metadata(&file)
                .map_err(|source| CommandError::Io { path: file.display().to_string(), source })?
                .len();
            let tags = if tags.is_empty() {
                None
            } else {
                let mut map = HashMap::new();
                for (key, value) in tags {
                    let key = TagKey::try_from(key).map_err(|e| invalid("--tag")(&e))?;
                    map.insert(key, TagValue::try_from(value).map_err(|e| invalid("--tag")(&e))?);
                }
                Some(TagMap::try_from(map).map_err(|e| invalid("--tag")(&e))?)
            };
            let input = StartAttachedFileUploadInput::builder()
                .client_token(
                    client_token.map(TryFrom::try_from).transpose().map_err(|e| invalid("--client-token")(&e))?,
                )
                .instance_id(InstanceId::try_from(instance_id).map_err(|e| invalid("--instance-id")(&e))?)
                .file_name(FileName::try_from(file_name).map_err(|e| invalid("--name")(&e))?)
                .file_size_in_bytes(
                    FileSizeInBytes::try_from(i64::try_from(size).unwrap_or(i64::MAX))
                        .map_err(|e| invalid("the file's size")(&e))?,
                )
                .file_use_case_type(FileUseCaseType::try_from(use_case).map_err(|e| invalid("--use-case")(&e))?)
                .associated_resource_arn(associated_resource_arn)
                .created_by(connect_user_arn.map(CreatedByInfo::ConnectUserArn))
                .tags(tags)
                .build()
                .map_err(|e| invalid("the request")(&e))?;
            let record = files.ingest(api::start_request(input), &file, status).await?;
            print_record(record).await
        }
        Command::SetStatus { instance_id, file_id, status } => {
            print_record(files.set_status(&instance_id, &file_id, status).await?).await
        }
        Command::List { instance_id } => {
            for record in files.list(&instance_id).await? {
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
            let input = GetAttachedFileInput::builder()
                .instance_id(InstanceId::try_from(instance_id).map_err(|e| invalid("--instance-id")(&e))?)
                .file_id(FileId::try_from(file_id).map_err(|e| invalid("--file-id")(&e))?)
                .associated_resource_arn(associated_resource_arn)
                .url_expiry_in_seconds(Some(
                    UrlExpiryInSeconds::try_from(url_expiry_in_seconds)
                        .map_err(|e| invalid("--url-expiry-in-seconds")(&e))?,
                ))
                .url_content_disposition(url_content_disposition.map(|d| match d {
                    DispositionArg::Attachment => ContentDisposition::Attachment,
                    DispositionArg::Inline => ContentDisposition::Inline,
                }))
                .build()
                .map_err(|e| invalid("the request")(&e))?;
            print_file(files.get(&api::get_request(input)).await?).await
        }
    }
}

/// Prints a file as GetAttachedFile's JSON body (without a download URL).
async fn print_record(record: FileRecord) -> Result<(), CommandError> {
    print_file(AttachedFile { record, download: None }).await
}

/// Prints GetAttachedFile's JSON body for `file`, written by the generated SDK as the API writes it.
async fn print_file(file: AttachedFile) -> Result<(), CommandError> {
    let output = api::get_output(file)?;
    let body = IntoResponse::<RestJson1>::into_response(output).into_body().collect().await;
    let body = body.map_err(|e| CommandError::Print(e.to_string()))?.to_bytes();
    println!("{}", String::from_utf8_lossy(&body));
    Ok(())
}
