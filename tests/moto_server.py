"""moto's S3-compatible server as a real process on 127.0.0.1, for the object-store tests.

Not an in-process patch: docwitness talks HTTP to it through s3fs and botocore,
as it would to any S3-compatible endpoint, configured by the usual AWS
environment variables.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def aws_environment(endpoint: str) -> dict[str, str]:
    """The variables botocore reads: a made key pair and the local endpoint."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "made-access-key",
        "AWS_SECRET_ACCESS_KEY": "made-secret-key",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


@contextmanager
def moto_server() -> Iterator[str]:
    """Start ``moto_server`` on a free port; its endpoint URL until the block ends."""
    port = free_port()
    beside = os.path.join(os.path.dirname(sys.executable), "moto_server")
    exe = shutil.which("moto_server") or beside
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(endpoint + "/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_bucket(endpoint: str, name: str) -> None:
    import boto3

    env = aws_environment(endpoint)
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    ).create_bucket(Bucket=name)
