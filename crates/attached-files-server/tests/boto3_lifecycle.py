"""Drives the whole life of an attached file with boto3 (botocore's own `connect` model): Start,
the PUT of the bytes to the upload URL with the headers Start gave, Complete, Get (and the
download), BatchGet, Delete, then Get and Complete answered ResourceNotFoundException; and the
errors of Start (conflicting ClientToken, invalid ARN) and Complete (nothing uploaded) as
botocore's own exception classes. Run by tests/lifecycle.rs with the endpoint as argument; exits
1 on any mismatch.
"""

import sys
import urllib.request

import boto3
import botocore.config

CASE_ARN = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1"
AGENT_ARN = "arn:aws:connect:us-east-1:111122223333:instance/inst-1/agent/a-1"


def put(upload, data, headers=None):
    """PUTs `data` to the upload URL with the headers Start asked for (or `headers`); returns the
    status."""
    headers = upload["HeadersToInclude"] if headers is None else headers
    request = urllib.request.Request(upload["Url"], data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def expect_error(name, call, **params):
    try:
        call(**params)
    except Exception as e:  # botocore makes one class per modeled error
        code = getattr(e, "response", {}).get("Error", {}).get("Code")
        assert code == name and type(e).__name__ == name, f"{call.__name__}: {type(e).__name__} {code}"
        return
    raise AssertionError(f"{call.__name__} succeeded; expected {name}")


def main():
    client = boto3.client(
        "connect",
        endpoint_url=sys.argv[1],
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="test-secret",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    data = bytes(range(256)) * 41
    file = {"InstanceId": "inst-1", "AssociatedResourceArn": CASE_ARN}
    start = dict(
        file,
        FileName="relevé.pdf",
        FileSizeInBytes=len(data),
        FileUseCaseType="ATTACHMENT",
        CreatedBy={"ConnectUserArn": AGENT_ARN},
        Tags={"team": "blue"},
        ClientToken="boto3-token-1",
    )
    started = client.start_attached_file_upload(**start)
    assert started["FileStatus"] == "PROCESSING", started
    assert started["CreatedBy"] == {"ConnectUserArn": AGENT_ARN}, started
    again = client.start_attached_file_upload(**start)
    assert (again["FileId"], again["UploadUrlMetadata"]) == (started["FileId"], started["UploadUrlMetadata"])
    expect_error("ResourceConflictException", client.start_attached_file_upload, **dict(start, FileName="other.pdf"))
    expect_error("InvalidRequestException", client.start_attached_file_upload, **dict(start, AssociatedResourceArn="case-1"))

    file_id = started["FileId"]
    expect_error("InvalidRequestException", client.complete_attached_file_upload, FileId=file_id, **file)
    # urllib sends the true Content-Length, which the URL's signature does not cover.
    assert put(started["UploadUrlMetadata"], data[:-1], headers={}) == 403, "the store takes only the declared size"
    assert put(started["UploadUrlMetadata"], data) == 200
    client.complete_attached_file_upload(FileId=file_id, **file)

    got = client.get_attached_file(FileId=file_id, UrlExpiryInSeconds=60, **file)
    assert (got["FileStatus"], got["FileName"], got["FileSizeInBytes"]) == ("APPROVED", "relevé.pdf", len(data)), got
    assert got["Tags"] == {"team": "blue"}, got
    with urllib.request.urlopen(got["DownloadUrlMetadata"]["Url"]) as response:
        assert response.read() == data, "the download URL gives the uploaded bytes"

    batch = client.batch_get_attached_file_metadata(FileIds=[file_id, "no-such-file"], **file)
    assert [f["FileId"] for f in batch["Files"]] == [file_id], batch
    assert batch["Errors"] == [
        {"ErrorCode": "404", "ErrorMessage": "The attached file was not found", "FileId": "no-such-file"}
    ], batch

    client.delete_attached_file(FileId=file_id, **file)
    expect_error("ResourceNotFoundException", client.get_attached_file, FileId=file_id, **file)
    expect_error("ResourceNotFoundException", client.complete_attached_file_upload, FileId=file_id, **file)
    expect_error("ResourceNotFoundException", client.delete_attached_file, FileId=file_id, **file)
    print("boto3: the whole life passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"boto3 lifecycle: {e}", file=sys.stderr)
        sys.exit(1)
