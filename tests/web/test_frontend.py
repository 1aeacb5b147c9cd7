"""The built frontend at / and /assets, and the API-only mode when it is not built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.keys import KeyMaterial
from app.main import create_app

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    return tmp_path / "dist"


@pytest.fixture
async def frontend_client(
    settings: Settings, test_keys: KeyMaterial, dist: Path
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), keys=test_keys)
    # Starlette re-raises after sending a 500: the client must see what a user sees.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as c:
            yield c
    finally:
        await app.state.engine.dispose()


def _build(dist: Path) -> None:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Accord</title>")
    (dist / "assets" / "app-1a2b3c.js").write_text("console.log('accord')")


def _assert_not_found_problem(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert (body["status"], body["code"], body["title"]) == (404, "not_found", "Not found")
    assert body["type"] == "urn:accord:problem:not_found"


@pytest.mark.parametrize(
    "layout", ["missing", "empty", "without-assets"], ids=lambda layout: f"dist-{layout}"
)
class TestApiOnly:
    """Without a built frontend the API works and /assets/* is 404, never a 500."""

    @pytest.fixture(autouse=True)
    def _layout(self, dist: Path, layout: str) -> None:
        if layout != "missing":
            dist.mkdir()
        if layout == "without-assets":
            (dist / "index.html").write_text("<!doctype html><title>Accord</title>")

    @pytest.mark.parametrize(
        "path", ["/assets/app-1a2b3c.js", "/assets/", "/assets/nested/style.css"]
    )
    async def test_assets_are_404_problems(
        self, frontend_client: httpx.AsyncClient, path: str
    ) -> None:
        _assert_not_found_problem(await frontend_client.get(path))

    async def test_a_head_request_for_an_asset_is_404(
        self, frontend_client: httpx.AsyncClient
    ) -> None:
        response = await frontend_client.head("/assets/app-1a2b3c.js")

        assert response.status_code == 404

    async def test_the_api_keeps_working(self, frontend_client: httpx.AsyncClient) -> None:
        await frontend_client.get("/assets/app-1a2b3c.js")

        health = await frontend_client.get("/healthz")
        ready = await frontend_client.get("/readyz")
        unknown = await frontend_client.get("/api/no-such-route")

        assert health.status_code == 200
        assert ready.status_code == 200, ready.text
        _assert_not_found_problem(unknown)


async def test_the_pages_say_the_frontend_is_not_built(
    frontend_client: httpx.AsyncClient,
) -> None:
    response = await frontend_client.get("/")

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "frontend_not_built"


async def test_a_built_frontend_serves_its_assets(
    frontend_client: httpx.AsyncClient, dist: Path
) -> None:
    _build(dist)

    asset = await frontend_client.get("/assets/app-1a2b3c.js")
    page = await frontend_client.get("/appeals/123")
    missing = await frontend_client.get("/assets/app-000000.js")

    assert asset.status_code == 200
    assert asset.text == "console.log('accord')"
    assert page.status_code == 200
    assert "<title>Accord</title>" in page.text
    _assert_not_found_problem(missing)


async def test_assets_built_after_start_are_served(
    frontend_client: httpx.AsyncClient, dist: Path
) -> None:
    _assert_not_found_problem(await frontend_client.get("/assets/app-1a2b3c.js"))

    _build(dist)

    assert (await frontend_client.get("/assets/app-1a2b3c.js")).status_code == 200
