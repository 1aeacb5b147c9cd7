"""Password hashing off the event loop, with bounded concurrency and a bounded queue.

Argon2id is deliberately expensive. Unbounded, a flood of sign-ins would queue thousands of
hashes and stall every request; here at most ``hash_concurrency`` run at once per process,
at most ``hash_queue`` wait, and the rest are told to come back (503 + Retry-After).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import anyio

from app.auth.passwords import (
    decoy_hash,
    hash_password,
    needs_rehash,
    password_hasher,
    verify_password,
)
from app.config import AuthSettings
from app.errors import ServiceUnavailable

T = TypeVar("T")


class HashingBusy(ServiceUnavailable):
    code, title = "busy", "Too many sign-ins at once; try again shortly"

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "2"})


class PasswordHashing:
    def __init__(self, settings: AuthSettings) -> None:
        self.hasher = password_hasher(settings)
        self._concurrency = settings.hash_concurrency
        self._queue_limit = settings.hash_queue
        self._semaphore: asyncio.Semaphore | None = None
        self._pending = 0
        # Verified against when the account does not exist, so that an unknown email costs
        # the same time as a wrong password.
        self._decoy = decoy_hash(self.hasher)

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        if self._pending >= self._concurrency + self._queue_limit:
            raise HashingBusy()
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._concurrency)
        self._pending += 1
        try:
            async with self._semaphore:
                return await anyio.to_thread.run_sync(fn, *args)
        finally:
            self._pending -= 1

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True only for an existing hash that matches; same cost when there is none."""
        matched = await self._run(
            verify_password, self.hasher, stored_hash or self._decoy, password
        )
        return bool(matched) and stored_hash is not None

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, self.hasher, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return needs_rehash(self.hasher, stored_hash)
