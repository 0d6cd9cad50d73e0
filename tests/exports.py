"""Exporting a list as a user does: ask for it (a POST with the list's query), open the job's page, download."""

import io
from urllib.parse import urlencode

import openpyxl
from django.test import TestCase
from django.urls import reverse


def export(client, url_name: str, params: dict | None = None):
    """The download's response; with the eager worker of the tests the job is done when the POST returns (also
    when the test holds a transaction of its own open: the task then runs as that transaction's commit would)."""
    url = reverse(url_name) + (f"?{urlencode(params, doseq=True)}" if params else "")
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url)
    assert asked.status_code == 302, asked.status_code
    page = client.get(asked.url)
    assert page.status_code == 200 and page.context["ready"], page.content.decode()[:2000]
    response = client.get(reverse("children:export-download", args=[page.context["job"].pk]))
    assert response.status_code == 200
    return response


def sheet_of(response, **options):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), **options).active
