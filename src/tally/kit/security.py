"""Password hashing (argon2id) and opaque bearer tokens stored only as SHA-256 digests."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id at one of the configurations OWASP's Password Storage Cheat Sheet gives as equivalent
# (m=46 MiB, t=1, p=1): ~70 ms of one core. argon2-cffi's default (m=64 MiB, t=3, p=4) took
# ~130 ms in four threads, and on a 2-core server loading a 10M-row file beside it, sign-in's
# p99 rose to 345 ms (bench/ingest/WRITERS_10M_SQLITE_CHILD.md). Hashes made under other
# parameters still verify (each hash names its own) and are replaced at the next sign-in.
_hasher = PasswordHasher(time_cost=1, memory_cost=47_104, parallelism=1)
TOKEN_PREFIX = "tly_"  # noqa: S105 - a public prefix that makes leaked tokens greppable


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made under other parameters than today's (replace it at sign-in)."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


class PasswordPool:
    """Hash and verify passwords in a few threads of their own, off the event loop.

    argon2 spends ~50 ms of CPU and 64 MiB per call: on the loop, four parallel wrong-password
    logins pushed /healthz from 5 ms to 263 ms. The pool's size bounds the CPU and memory that
    logins can take at once; further logins queue here, never in front of other requests.
    """

    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="password")
        self._turns = asyncio.Semaphore(threads)

    def turn(self) -> asyncio.Semaphore:
        """``async with passwords.turn():`` around a sign-in's user lookup and its check: logins
        beyond the pool's threads wait here, before their lookup takes a database connection.
        Waiting for a thread with the lookup's connection held, a few slow checks a second (a
        guessing flood, or argon2 on a starved CPU) held every pooled connection and every other
        request got 503."""
        return self._turns

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; with no hash (unknown user) a dummy hash is verified,
        so an unknown email costs as long as a known one and says nothing about who exists."""
        loop = asyncio.get_running_loop()
        expected = password_hash if password_hash is not None else _dummy_hash()
        matches = await loop.run_in_executor(self._executor, verify_password, expected, password)
        return matches and password_hash is not None

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, hash_password, password
        )

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store; the token itself is shown to the user once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    # A plain hash suffices: tokens carry 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
