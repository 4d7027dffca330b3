"""The process pool that validates, and the count of work admitted to it.

A request takes a slot when it arrives (before its body is read) and gives it back when its work is over:
when the worker has finished, not when the answer left, so a request that timed out still counts until
the worker that runs it is free. With every slot taken a request is refused at once (503, Retry-After).

A worker that dies breaks the whole ``ProcessPoolExecutor``; the pool is then replaced by a new one and
the request is tried once more (a worker killed while idle costs nothing), then answered 503.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..batch import _init_worker
from .errors import ServiceError
from .work import Answer, Work, answer, ready

__all__ = ["Slot", "ValidationPool"]


class Slot:
    """One admitted request's share of the pool; released once, by whoever holds it last."""

    def __init__(self, pool: ValidationPool) -> None:
        self.pool = pool
        self.held = True
        self.future: Future[Any] | None = None

    def release(self) -> None:
        if self.held:
            self.held = False
            self.pool.active -= 1

    def hand_over(self, future: Future[Any]) -> None:
        """The slot is now released when ``future`` is done (the worker's work, however the request ended);
        handed over again to a later attempt, it waits for that one."""
        self.future = future
        future.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        if future is self.future:
            self.pool.call_soon(self.release)

    def __enter__(self) -> Slot:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.future is None:
            self.release()


class ValidationPool:
    def __init__(self, workers: int, max_concurrent: int) -> None:
        self.workers = workers
        self.max_concurrent = max_concurrent
        self.active = 0
        self.restarts = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.executor = self._new()

    @staticmethod
    def _context() -> Any:
        # A fresh server process per worker (not a fork of the serving process with its threads and
        # sockets); the validator's modules are imported once, in the fork server.
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" not in methods:
            return multiprocessing.get_context("spawn")
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["budget_disclosure.api", "budget_disclosure.service.work"])
        return context

    def _new(self) -> ProcessPoolExecutor:
        """A new pool whose workers all start now (each builds the spec and the compiled rules), not on
        the first requests: one trivial task per worker makes the executor start them all."""
        executor = ProcessPoolExecutor(self.workers, mp_context=self._context(), initializer=_init_worker)
        self.warming = [executor.submit(ready) for _ in range(self.workers)]
        return executor

    async def start(self) -> None:
        """Wait for every worker to be ready before the first request is taken."""
        self.loop = asyncio.get_running_loop()
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self.warming))

    def call_soon(self, fn: Any) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn)

    def admit(self, lang: str) -> Slot:
        """A slot for one request, or the 503 ``overloaded`` error when all are taken."""
        if self.active >= self.max_concurrent:
            raise ServiceError("overloaded", lang, limit=self.max_concurrent)
        self.active += 1
        return Slot(self)

    async def run(self, work: Work, slot: Slot, timeout: float) -> Answer:
        """The worker's answer within ``timeout`` seconds (503 ``timeout`` otherwise; the work goes on
        in its worker, holding the slot, until it ends)."""
        for _attempt in (1, 2):
            executor = self.executor
            try:
                future = executor.submit(answer, work)
            except BrokenProcessPool:
                self._replace(executor)
                continue
            slot.hand_over(future)
            try:
                return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
            except TimeoutError:
                raise ServiceError("timeout", work.lang, limit=f"{timeout:g}") from None
            except BrokenProcessPool:
                self._replace(executor)
        raise ServiceError("worker-died", work.lang)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self.executor is broken:
            self.restarts += 1
            self.executor = self._new()
            broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop taking work, let the workers finish what they hold, and end them."""
        self.executor.shutdown(wait=True, cancel_futures=True)
