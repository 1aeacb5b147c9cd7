"""Recovery codes: ten single-use codes, stored only as encrypted digests, usable once each."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.factors.recovery_codes import generate_code, normalize_code
from app.models.identity import RecoveryCode
from app.models.users import PlatformRole
from tests.auth.conftest import signed_in_client
from tests.auth.factories import make_user
from tests.auth.test_totp import actions, mail_to, sign_in_as, user_with_totp

CODE_SHAPE = re.compile(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}")


class TestIssuedCodes:
    async def test_enrolment_gives_ten_distinct_codes(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        _, _, codes = await user_with_totp(client, session, clock)
        assert len(set(codes)) == 10
        assert all(CODE_SHAPE.fullmatch(code) for code in codes)
        remaining = await client.get("/api/auth/recovery-codes")
        assert remaining.json() == {"remaining": 10}

    async def test_only_encrypted_digests_of_the_codes_are_stored(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, _, codes = await user_with_totp(client, session, clock)
        rows = (await session.scalars(select(RecoveryCode))).all()
        assert len(rows) == 10
        # No keyed MAC (it would pin its key version); an encrypted Argon2id digest instead,
        # which `keys rotate` re-encrypts (tests/test_key_lifecycle.py).
        assert all(row.code_mac is None and row.code_digest_ct for row in rows)
        digests = [row.code_digest for row in rows]
        assert len(set(digests)) == 10
        assert all(digest.startswith("argon2id:8192:2:1:") for digest in digests)
        for code in codes:
            canonical = code.replace("-", "")
            for form in (code, canonical, code.upper()):
                assert all(form.encode() not in bytes(row.code_digest_ct) for row in rows)
                assert all(form not in digest for digest in digests)
        assert user.id.hex not in "".join(digests)

    async def test_counting_needs_a_full_session(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, _, _ = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, user.email)
        try:
            response = await laptop.get("/api/auth/recovery-codes")
            assert response.status_code == 403
            assert response.json()["code"] == "second_factor_required"
        finally:
            await laptop.aclose()


class TestUsingACode:
    async def test_a_code_signs_in_once(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, _, codes = await user_with_totp(client, session, clock)
        first = await signed_in_client(app, user.email)
        second = await signed_in_client(app, user.email)
        try:
            used = await first.post(
                "/api/auth/second-factor/recovery-code", json={"code": codes[0]}
            )
            assert used.status_code == 200, used.text
            assert used.json()["state"] == "full"
            assert used.json()["method"] == "recovery_code"
            assert used.json()["recovery_codes_remaining"] == 9
            first.headers["x-csrf-token"] = used.json()["csrf_token"]
            assert (await first.get("/api/auth/sessions")).status_code == 200

            again = await second.post(
                "/api/auth/second-factor/recovery-code", json={"code": codes[0]}
            )
            assert again.status_code == 400
            assert again.json()["code"] == "second_factor_invalid"
        finally:
            await first.aclose()
            await second.aclose()
        assert (await client.get("/api/auth/recovery-codes")).json() == {"remaining": 9}
        mail = await mail_to(session, user.email)
        assert "recovery code was used (9 left)" in mail[-1].body
        assert codes[0] not in mail[-1].body

    async def test_typing_is_forgiving(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, _, codes = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, user.email)
        try:
            typed = " " + codes[1].upper().replace("-", " ") + " "
            response = await laptop.post(
                "/api/auth/second-factor/recovery-code", json={"code": typed}
            )
            assert response.status_code == 200
        finally:
            await laptop.aclose()

    async def test_another_users_code_does_not_work(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        _, _, codes_of_a = await user_with_totp(client, session, clock)
        client.cookies.clear()
        b, _, _ = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, b.email)
        try:
            response = await laptop.post(
                "/api/auth/second-factor/recovery-code", json={"code": codes_of_a[0]}
            )
            assert response.status_code == 400
        finally:
            await laptop.aclose()
        assert "user.second_factor_failed" in await actions(session)

    async def test_a_code_cannot_stand_in_for_enrolment(self, client, session) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        response = await client.post(
            "/api/auth/second-factor/recovery-code", json={"code": generate_code()}
        )
        assert response.status_code == 409
        assert (await client.get("/api/auth/session")).json()["state"] == "enrolment_required"


class TestRegenerating:
    async def test_new_codes_replace_every_old_one(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, _, old = await user_with_totp(client, session, clock)
        response = await client.post("/api/auth/recovery-codes")
        assert response.status_code == 200
        new = response.json()["recovery_codes"]
        assert len(new) == 10 and not set(new) & set(old)
        laptop = await signed_in_client(app, user.email)
        try:
            stale = await laptop.post(
                "/api/auth/second-factor/recovery-code", json={"code": old[0]}
            )
            assert stale.status_code == 400
            fresh = await laptop.post(
                "/api/auth/second-factor/recovery-code", json={"code": new[0]}
            )
            assert fresh.status_code == 200
        finally:
            await laptop.aclose()
        assert "recovery_codes.regenerated" in await actions(session)
        bodies = [m.body for m in await mail_to(session, user.email)]
        assert any("new recovery codes" in body for body in bodies)

    async def test_regenerating_needs_a_fresh_step_up(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=6))
        response = await client.post("/api/auth/recovery-codes")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_a_user_without_a_second_factor_gets_none(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await sign_in_as(client, user)
        # No second factor, so no step-up ever happened.
        assert (await client.post("/api/auth/recovery-codes")).status_code == 403
        assert (await client.get("/api/auth/recovery-codes")).json() == {"remaining": 0}


class TestCodeFormat:
    def test_codes_are_sixty_random_bits_in_three_groups(self) -> None:
        codes = {generate_code() for _ in range(200)}
        assert len(codes) == 200
        assert all(CODE_SHAPE.fullmatch(code) for code in codes)

    @pytest.mark.parametrize(
        ("typed", "canonical"),
        [
            ("abcd-efgh-2345", "abcdefgh2345"),
            ("ABCD EFGH 2345", "abcdefgh2345"),
            (" abcdefgh2345 ", "abcdefgh2345"),
            ("abcd-efgh-234", None),
            ("abcd-efgh-2341", None),  # 1 is not in the alphabet
            ("abcd-efgh-23456", None),
            ("", None),
        ],
    )
    def test_normalization(self, typed: str, canonical: str | None) -> None:
        assert normalize_code(typed) == canonical
