"""The pipelined connection the cache's hot lookups use: replies matched to calls in order, the
RESP replies the lookup script returns, reconnection, and a Redis that lost its scripts."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tally.cache.redis_pipe import RedisPipe, ReplyError, _Incomplete, pack, parse
from tests.cache.conftest import shared_redis_url


def test_parses_the_replies_of_the_lookup_script() -> None:
    reply = b"*2\r\n*3\r\n$5\r\nhello\r\n$2\r\n17\r\n:5\r\n*1\r\n$-1\r\n+OK\r\n"
    value, end = parse(reply, 0)
    assert value == [[b"hello", b"17", 5], [None]]
    assert parse(reply, end) == (b"OK", len(reply))
    error, _ = parse(b"-NOSCRIPT No matching script\r\n", 0)
    assert isinstance(error, ReplyError) and str(error).startswith("NOSCRIPT")


@pytest.mark.parametrize("cut", [1, 4, 10, 17])
def test_an_incomplete_reply_waits_for_more_bytes(cut: int) -> None:
    reply = b"*2\r\n$5\r\nhello\r\n:42\r\n"
    with pytest.raises(_Incomplete):
        parse(reply[:cut], 0)


async def test_concurrent_calls_get_their_own_replies_and_survive_a_reconnect() -> None:
    pipe = RedisPipe(shared_redis_url())
    key = f"test-pipe-{uuid.uuid4().hex}"
    try:
        await pipe.call("SET", key, b"value")
        replies = await asyncio.gather(*(pipe.call("ECHO", str(n)) for n in range(200)))
        assert replies == [str(n).encode() for n in range(200)]
        pipe.close()  # as when the circuit breaker opens
        assert await pipe.call("GET", key) == b"value"
        with pytest.raises(ReplyError):
            await pipe.call("NOT-A-COMMAND")
        assert await pipe.call("EVAL", "return {KEYS[1], ARGV[1]}", 1, key, 7) == [
            key.encode(),
            b"7",
        ]
        assert pack("GET", key) == b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key.encode())
    finally:
        await pipe.call("DEL", key)
        pipe.close()
