"""The job store in Redis (distributed mode): the same operations as :class:`~.store.SqliteStore`.

Every operation that must be atomic (create with an idempotency key, claim, renew, complete,
cancel) is one Lua script, so it runs as one step on the server whatever the number of workers
and hosts. Keys (all under ``sj:``): ``job:{id}`` (a hash: settings, counts, status, times),
``chunks:{id}`` (chunk -> documents), ``done:{id}`` (done chunks), ``lease:{id}`` (chunk ->
``worker|until``), ``res:{id}`` (document index -> result line), ``active`` (unfinished jobs),
``expiry`` and ``finished`` (sorted by time), ``rate`` (recent chunk completions), ``idem:...``.
A standalone Redis is assumed (the scripts build key names; not for Redis Cluster).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from .store import FINAL, IdempotencyConflict, NewJob, encode_line, translate_faults

PREFIX = "sj:"

_FINAL_LUA = "local final = {succeeded=true, partially_succeeded=true, failed=true, cancelled=true}\n"

_CREATE = """
local p, id, hash = ARGV[1], ARGV[2], ARGV[3]
local idem = KEYS[1]
if idem ~= '' then
  local prev = redis.call('GET', idem)
  if prev then
    local sep = string.find(prev, '|', 1, true)
    local pid = string.sub(prev, 1, sep - 1)
    if redis.call('EXISTS', p .. 'job:' .. pid) == 1 then
      if string.sub(prev, sep + 1) ~= hash then return 'conflict|' .. pid end
      return 'existing|' .. pid
    end
  end
  redis.call('SET', idem, id .. '|' .. hash, 'PX', ARGV[4])
end
local job = p .. 'job:' .. id
local fields = cjson.decode(ARGV[5])
for name, value in pairs(fields) do redis.call('HSET', job, name, value) end
local n = tonumber(ARGV[6])
for k = 0, n - 1 do redis.call('HSET', p .. 'chunks:' .. id, k, ARGV[7 + k]) end
redis.call('ZADD', p .. 'expiry', fields['expires_at'], id)
if n == 0 then
  redis.call('HSET', job, 'status', 'succeeded', 'finished_at', fields['created_at'])
  redis.call('ZADD', p .. 'finished', fields['created_at'], id)
else
  redis.call('SADD', p .. 'active', id)
end
return 'created|' .. id
"""

_CLAIM = _FINAL_LUA + """
local p, id, k, worker, untl, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local job = p .. 'job:' .. id
local status = redis.call('HGET', job, 'status')
if not status or final[status] then return 0 end
if redis.call('SISMEMBER', p .. 'done:' .. id, k) == 1 then return 0 end
local lease = redis.call('HGET', p .. 'lease:' .. id, k)
if lease then
  local sep = string.find(lease, '|', 1, true)
  if string.sub(lease, 1, sep - 1) ~= worker and tonumber(string.sub(lease, sep + 1)) > now then return 0 end
end
redis.call('HSET', p .. 'lease:' .. id, k, worker .. '|' .. ARGV[5])
if status == 'queued' then redis.call('HSET', job, 'status', 'running', 'started_at', ARGV[6]) end
return 1
"""

_RENEW = """
local p, id, k, worker = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local lease = redis.call('HGET', p .. 'lease:' .. id, k)
if lease and string.sub(lease, 1, string.len(worker) + 1) == worker .. '|' then
  redis.call('HSET', p .. 'lease:' .. id, k, worker .. '|' .. ARGV[5])
end
return 0
"""

_COMPLETE = _FINAL_LUA + """
local p, id, k, now, n, nfailed = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local job = p .. 'job:' .. id
local status = redis.call('HGET', job, 'status')
if not status or final[status] then return '' end
if redis.call('SADD', p .. 'done:' .. id, k) == 0 then return '' end
redis.call('HDEL', p .. 'lease:' .. id, k)
for i = 7, #ARGV, 2 do redis.call('HSETNX', p .. 'res:' .. id, ARGV[i], ARGV[i + 1]) end
local done = redis.call('HINCRBY', job, 'done', n - nfailed)
local failed = redis.call('HINCRBY', job, 'failed', nfailed)
local chunks_done = redis.call('HINCRBY', job, 'chunks_done', 1)
redis.call('ZADD', p .. 'rate', now, id .. ':' .. k .. ':' .. n)
if chunks_done >= tonumber(redis.call('HGET', job, 'chunks')) then
  local result = 'succeeded'
  if failed > 0 then
    if done == 0 then result = 'failed' else result = 'partially_succeeded' end
  end
  redis.call('HSET', job, 'status', result, 'finished_at', now)
  redis.call('SREM', p .. 'active', id)
  if redis.call('HEXISTS', job, 'webhook') == 1 then redis.call('SADD', p .. 'webhooks', id) end
  redis.call('ZADD', p .. 'finished', now, id)
  return result
end
return ''
"""

_CANCEL = """
local p, id, now = ARGV[1], ARGV[2], ARGV[3]
local job = p .. 'job:' .. id
local status = redis.call('HGET', job, 'status')
if status == 'queued' or status == 'running' then
  redis.call('HSET', job, 'status', 'cancelled', 'finished_at', now)
  redis.call('SREM', p .. 'active', id)
  if redis.call('HEXISTS', job, 'webhook') == 1 then redis.call('SADD', p .. 'webhooks', id) end
end
return 0
"""

_INTS = ("total", "done", "failed", "chunks", "chunks_done")
_FLOATS = ("created_at", "started_at", "finished_at", "expires_at")


class RedisStore:
    """Jobs in Redis at ``url`` (``redis://host:6379/0``)."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self._scripts = {name: self.redis.register_script(src) for name, src in
                         (("create", _CREATE), ("claim", _CLAIM), ("renew", _RENEW), ("complete", _COMPLETE),
                          ("cancel", _CANCEL))}

    @translate_faults
    def create(self, job: NewJob, chunks: Sequence[list[dict[str, Any]]]) -> str:
        fields = {"id": job.id, "owner": job.owner, "status": "queued", "settings": json.dumps(dict(job.settings)),
                  "total": job.total, "done": 0, "failed": 0, "chunks": job.chunks, "chunks_done": 0,
                  "created_at": repr(job.created_at), "expires_at": repr(job.expires_at), "bytes": job.bytes}
        if job.webhook:
            fields["webhook"] = job.webhook
        if job.idempotency_key is not None:
            fields["idempotency_key"] = job.idempotency_key
        idem = f"{PREFIX}idem:{job.owner}:{job.idempotency_key}" if job.idempotency_key is not None else ""
        ttl_ms = max(1, int((job.expires_at - job.created_at) * 1000))
        answer = self._scripts["create"](keys=[idem], args=[
            PREFIX, job.id, job.request_hash, ttl_ms, json.dumps(fields), len(chunks),
            *(json.dumps(items, ensure_ascii=False) for items in chunks)])
        kind, _, job_id = answer.partition("|")
        if kind == "conflict":
            raise IdempotencyConflict(job_id)
        return job_id

    @translate_faults
    def get(self, job_id: str) -> dict[str, Any] | None:
        raw = self.redis.hgetall(f"{PREFIX}job:{job_id}")
        if not raw:
            return None
        job: dict[str, Any] = {"idempotency_key": None, "webhook": None, "started_at": None, "finished_at": None,
                               **raw}
        job.pop("webhook_attempt", None)
        job.pop("bytes", None)
        for name in _INTS:
            job[name] = int(job[name])
        for name in _FLOATS:
            job[name] = None if job[name] is None else float(job[name])
        job["settings"] = json.loads(job["settings"])
        return job

    @translate_faults
    def chunk(self, job_id: str, k: int) -> list[dict[str, Any]]:
        raw = self.redis.hget(f"{PREFIX}chunks:{job_id}", str(k))
        return [] if raw is None else json.loads(raw)

    @translate_faults
    def claim(self, job_id: str, k: int, worker: str, until: float, now: float) -> bool:
        return bool(self._scripts["claim"](args=[PREFIX, job_id, k, worker, repr(until), repr(now)]))

    @translate_faults
    def renew(self, job_id: str, k: int, worker: str, until: float) -> None:
        self._scripts["renew"](args=[PREFIX, job_id, k, worker, repr(until)])

    @translate_faults
    def complete(self, job_id: str, k: int, records: Sequence[tuple[int, dict[str, Any]]],
                 now: float) -> str | None:
        failed = sum(1 for _, r in records if "error" in r)
        pairs: list[Any] = []
        for index, record in records:
            pairs += [index, encode_line(record)]
        answer = self._scripts["complete"](args=[PREFIX, job_id, k, repr(now), len(records), failed, *pairs])
        return answer or None

    @translate_faults
    def results(self, job_id: str, start: int, limit: int) -> list[tuple[int, str]]:
        total = int(self.redis.hget(f"{PREFIX}job:{job_id}", "total") or 0)
        out: list[tuple[int, str]] = []
        index = start
        while len(out) < limit and index < total:
            window = list(range(index, min(total, index + limit)))
            for i, body in zip(window, self.redis.hmget(f"{PREFIX}res:{job_id}", window), strict=True):
                if body is not None:
                    out.append((i, body))
                    if len(out) == limit:
                        break
            index = window[-1] + 1
        return out

    @translate_faults
    def cancel(self, job_id: str, now: float) -> None:
        self._scripts["cancel"](args=[PREFIX, job_id, repr(now)])

    @translate_faults
    def lost_chunks(self, now: float, *, unclaimed: bool) -> list[tuple[str, int]]:
        lost: list[tuple[str, int]] = []
        for job_id in self.redis.smembers(f"{PREFIX}active"):
            job = self.get(job_id)
            if job is None or job["status"] in FINAL:
                continue
            done = {int(k) for k in self.redis.smembers(f"{PREFIX}done:{job_id}")}
            leases = self.redis.hgetall(f"{PREFIX}lease:{job_id}")
            for k in range(job["chunks"]):
                if k in done:
                    continue
                lease = leases.get(str(k))
                if lease is not None and float(lease.rpartition("|")[2]) < now:
                    self.redis.hdel(f"{PREFIX}lease:{job_id}", str(k))
                    lost.append((job_id, k))
                elif lease is None and unclaimed:
                    lost.append((job_id, k))
        return lost

    @translate_faults
    def webhooks_due(self, now: float, retry_after: float) -> list[str]:
        due = []
        for job_id in self.redis.smembers(f"{PREFIX}webhooks"):
            attempt = self.redis.hget(f"{PREFIX}job:{job_id}", "webhook_attempt")
            if attempt is None or float(attempt) < now - retry_after:
                self.redis.hset(f"{PREFIX}job:{job_id}", "webhook_attempt", repr(now))
                due.append(job_id)
        return due

    @translate_faults
    def webhook_done(self, job_id: str) -> None:
        self.redis.srem(f"{PREFIX}webhooks", job_id)

    @translate_faults
    def expire(self, now: float) -> int:
        ids = self.redis.zrangebyscore(f"{PREFIX}expiry", "-inf", now)
        for job_id in ids:
            self.redis.delete(*(f"{PREFIX}{kind}:{job_id}" for kind in ("job", "chunks", "done", "lease", "res")))
            self.redis.srem(f"{PREFIX}active", job_id)
            self.redis.srem(f"{PREFIX}webhooks", job_id)
            self.redis.zrem(f"{PREFIX}expiry", job_id)
            self.redis.zrem(f"{PREFIX}finished", job_id)
        return len(ids)

    @translate_faults
    def stats(self, now: float, window: float) -> dict[str, Any]:
        depth = 0
        for job_id in self.redis.smembers(f"{PREFIX}active"):
            total, done, failed = self.redis.hmget(f"{PREFIX}job:{job_id}", "total", "done", "failed")
            depth += int(total or 0) - int(done or 0) - int(failed or 0)
        by_status: dict[str, int] = {}
        for job_id in self.redis.zrange(f"{PREFIX}expiry", 0, -1):
            status = self.redis.hget(f"{PREFIX}job:{job_id}", "status")
            if status is not None:
                by_status[status] = by_status.get(status, 0) + 1
        self.redis.zremrangebyscore(f"{PREFIX}rate", "-inf", now - max(window, 3600))
        recent = sum(int(m.rpartition(":")[2]) for m in self.redis.zrangebyscore(f"{PREFIX}rate", now - window, "+inf"))
        durations = []
        for job_id in self.redis.zrevrange(f"{PREFIX}finished", 0, 9999):
            created, finished, status = self.redis.hmget(f"{PREFIX}job:{job_id}", "created_at", "finished_at",
                                                         "status")
            if created and finished and status != "cancelled":
                durations.append(float(finished) - float(created))
        return {"queue_depth": depth, "jobs": by_status, "documents_recent": recent, "durations": durations}

    @translate_faults
    def find_idempotent(self, owner: str, key: str) -> str | None:
        """The id of ``owner``'s job submitted with idempotency ``key``, or ``None``."""
        prev = self.redis.get(f"{PREFIX}idem:{owner}:{key}")
        return None if prev is None else prev.partition("|")[0]

    @translate_faults
    def usage(self, owner: str, now: float) -> dict[str, Any]:
        # One pass over the jobs kept (the expiry index): fine for thousands of jobs.
        ids = self.redis.zrangebyscore(f"{PREFIX}expiry", now, "+inf", withscores=True)
        pipe = self.redis.pipeline(transaction=False)
        for job_id, _ in ids:
            pipe.hmget(f"{PREFIX}job:{job_id}", "owner", "status", "bytes")
        open_jobs, stored, first = 0, 0, None
        for (_, expiry), (job_owner, status, size) in zip(ids, pipe.execute(), strict=True):
            if job_owner != owner:
                continue
            open_jobs += status in ("queued", "running")
            stored += int(size or 0)
            first = expiry if first is None else min(first, expiry)
        return {"open": open_jobs, "bytes": stored, "next_expiry": first}

    @translate_faults
    def health(self) -> None:
        self.redis.set(f"{PREFIX}health", repr(time.time()), px=60_000)

    def close(self) -> None:
        self.redis.close()
