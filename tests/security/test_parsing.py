"""Issue 17 item 12: numbers and headers from outside are parsed without a 500 — an id beyond the database's
integers is a 422 with the stable code, as every other bad input is."""

from __future__ import annotations

import pytest

from tests.support import Staff, issued


@pytest.mark.parametrize("document_id", [str(2**70), str(2**31), "0", "-1", "1e3", "٣"])
def test_an_out_of_range_or_foreign_document_id_is_refused_not_a_server_error(client, passwords, document_id):
    m, app_id, _ = issued(client, passwords)
    r = m.get(f"/api/v1/applications/{app_id}/documents/{document_id}")
    assert r.status_code in (404, 422), r.text
    if r.status_code == 422:
        assert r.json()["error"]["code"] == "request.invalid"


def test_a_party_s_document_id_beyond_64_bits_is_refused(client, passwords):
    m = Staff(client, "mediator", passwords["mediator"])
    r = client.get(f"/api/v1/party/me/documents/{2**70}", headers=m.headers)
    assert r.status_code in (401, 422), r.text  # a staff token is not a party session; never a 500
