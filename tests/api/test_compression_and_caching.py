"""What travels over the wire (issue 14 item 7): gzip for large text, never for a PDF or a live event stream;
static files under versioned addresses kept for a year; the web app manifest and home-screen icons linked from
every page."""

from __future__ import annotations

import json
import re

from confirm.web.assets import LONG_LIVED, static_url, versions
from tests.support import issued, page_login

GZIP = {"Accept-Encoding": "gzip"}


def test_a_large_page_and_stylesheet_are_gzipped(client):
    page = client.get("/v", headers=GZIP)
    css = client.get(static_url("site.css"), headers=GZIP)
    for r in (page, css):
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip", r.url
        assert "Accept-Encoding" in r.headers["Vary"]
        assert int(r.headers["Content-Length"]) < len(r.content)  # httpx decoded it: the wire carried less
    assert page.headers["Cache-Control"] == "no-store"  # a page is still never cached, gzipped or not


def test_a_small_response_and_a_pdf_are_not_gzipped(client, passwords):
    assert "Content-Encoding" not in client.get("/healthz", headers=GZIP).headers
    m, app_id, _ = issued(client, passwords)
    pdf = m.get(f"/api/v1/applications/{app_id}/ruling.pdf", headers=GZIP)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 1024
    assert "Content-Encoding" not in pdf.headers  # its streams are compressed already


def test_a_versioned_static_file_is_kept_for_a_year_and_an_unversioned_one_is_revalidated(client):
    versioned = client.get(static_url("staff.css"))
    assert versioned.status_code == 200 and versioned.headers["Cache-Control"] == LONG_LIVED
    assert "immutable" in LONG_LIVED and "max-age=31536000" in LONG_LIVED
    for stale in ("/static/staff.css", "/static/staff.css?v=000000000000"):
        assert client.get(stale).headers["Cache-Control"] == "no-cache", stale
    assert client.get("/static/nothing.css?v=x").status_code == 404


def test_a_changed_file_gets_a_new_address():
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{12}", static_url("site.css"))
    assert versions()["site.css"] != versions()["staff.css"]


def test_every_page_links_the_versioned_assets_and_the_manifest(client, passwords):
    public = client.get("/v").text
    party = client.get("/p/not-a-link").text
    page_login(client, "mediator", passwords["mediator"])
    staff = client.get("/m").text
    for name, html in (("public", public), ("party", party), ("staff", staff)):
        assert f'<link rel="manifest" href="{static_url("manifest.webmanifest")}">' in html, name
        assert f'<link rel="apple-touch-icon" href="{static_url("apple-touch-icon.png")}">' in html, name
        assert f'href="{static_url("site.css")}"' in html, name
        assert '<meta name="theme-color" content="#8b0000">' in html, name
        assert not re.search(r'(?:href|src)="/static/[^"?]*"', html), name  # every asset carries its version
    assert f'src="{static_url("staff.js")}"' in staff


def test_the_manifest_names_the_service_in_chinese_with_its_icons(client):
    r = client.get(static_url("manifest.webmanifest"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(r.content)
    assert manifest["name"] == "就地·司法确认" and manifest["theme_color"] == "#8b0000"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    csp = r.headers["Content-Security-Policy"]
    assert "default-src" not in csp and "manifest-src" not in csp  # nothing in the policy refuses the manifest
    for icon in manifest["icons"] + [{"src": "/static/apple-touch-icon.png", "sizes": "180x180"}]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and len(png.content) < 20_000
        width, height = int.from_bytes(png.content[16:20], "big"), int.from_bytes(png.content[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
        assert "Content-Encoding" not in client.get(icon["src"], headers=GZIP).headers

