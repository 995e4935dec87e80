"""Calls GetAttachedFile with boto3 (botocore's own `connect` model) as the plan on stdin says,
and checks each answer: the fields of a success, the bytes behind its URL, or the error as
botocore's own exception class. Run by tests/official_clients.rs; exits 1 on any mismatch.

Plan: {"endpoint": URL, "calls": [{"params": {...}, "expect": {...}}]}, where expect is either
{"fields": {...}, "download": hex of the bytes or null} or {"error": "ResourceNotFoundException",
"message": text the message contains}. In "fields", DownloadUrlMetadata is {"Url": "<downloaded>",
"UrlExpiry": "<checked against the URL>"}: the URL must download the bytes, and UrlExpiry must
be its X-Amz-Date plus X-Amz-Expires.
"""

import datetime
import json
import sys
import urllib.parse
import urllib.request

import boto3
import botocore.config


def expiry_of(url):
    """X-Amz-Date plus X-Amz-Expires of a pre-signed URL, as the API writes times."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    signed = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
    expires = signed + datetime.timedelta(seconds=int(query["X-Amz-Expires"][0]))
    return expires.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def main():
    plan = json.load(sys.stdin)
    client = boto3.client(
        "connect",
        endpoint_url=plan["endpoint"],
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="test-secret",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    failures = []
    for number, call in enumerate(plan["calls"]):
        params, expect = call["params"], call["expect"]
        try:
            answer = client.get_attached_file(**params)
        except client.exceptions.ClientError as error:
            code = error.response["Error"]["Code"]
            wanted = expect.get("error")
            if wanted is None:
                failures.append(f"call {number} {params}: unexpected {code}: {error}")
                continue
            # The client's own exception class for the modeled error, not a generic ClientError.
            if not isinstance(error, getattr(client.exceptions, wanted)):
                failures.append(f"call {number}: {type(error).__name__} is not client.exceptions.{wanted}")
            if expect["message"] not in error.response["Error"]["Message"]:
                failures.append(f"call {number}: message {error.response['Error']['Message']!r}")
            if not error.response["ResponseMetadata"].get("RequestId"):
                failures.append(f"call {number}: no request id")
            continue
        if "error" in expect:
            failures.append(f"call {number} {params}: succeeded, expected {expect['error']}")
            continue
        metadata = answer.pop("ResponseMetadata")
        if not metadata.get("RequestId"):
            failures.append(f"call {number}: no request id")
        download = answer.get("DownloadUrlMetadata")
        if download is not None:
            if download["UrlExpiry"] != expiry_of(download["Url"]):
                failures.append(f"call {number}: UrlExpiry {download['UrlExpiry']} is not when {download['Url']} expires")
            answer["DownloadUrlMetadata"] = {"Url": "<downloaded>", "UrlExpiry": "<checked against the URL>"}
        if answer != expect["fields"]:
            failures.append(f"call {number}: fields differ:\n  got      {answer}\n  expected {expect['fields']}")
        if (download is None) != (expect["download"] is None):
            failures.append(f"call {number}: DownloadUrlMetadata is {download}")
        elif download is not None:
            with urllib.request.urlopen(download["Url"]) as response:
                if response.read().hex() != expect["download"]:
                    failures.append(f"call {number}: the URL downloads other bytes")
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}: {len(plan['calls'])} calls, "
          f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
