"""Token bucket rate limiting, per client, with Redis."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

import redis

SCRIPT = """
local tokens = tonumber(redis.call('hget', KEYS[1], 'tokens') or ARGV[1])
return tokens
"""


@dataclass(frozen=True)
class Limit:
    rate: float  # tokens per second
    burst: int = 10
    tags: list[str] = field(default_factory=list)


class RateLimiter:
    def __init__(self, client: redis.Redis, limit: Limit, prefix: str = "rl") -> None:
        self._client = client
        self._limit = limit
        self._prefix = prefix
        self._script = client.register_script(SCRIPT)

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        bucket = f"{self._prefix}:{key}"
        tokens, last = self._client.hmget(bucket, "tokens", "last")
        tokens = float(tokens) if tokens is not None else float(self._limit.burst)
        elapsed = max(0.0, now - float(last or now))
        tokens = min(self._limit.burst, tokens + elapsed * self._limit.rate)
        if tokens < 1:
            return False
        self._client.hset(bucket, mapping={"tokens": tokens - 1, "last": now})
        return True


if __name__ == "__main__":
    limiter = RateLimiter(redis.Redis(), Limit(rate=5.0, burst=20))
    allowed = sum(1 for _ in range(100) if limiter.allow("client-42"))
    print(f"{allowed} of 100 requests allowed, {100 - allowed!r} rejected")
