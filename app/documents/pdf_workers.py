"""PDFs rendered in helper processes beside the work that needs them (a billing run's invoices and
receipts): ReportLab is pure Python, so in the run's own process each PDF held the GIL for 10-20 ms
while the run waited; two worker processes render while the run writes the next invoices.

``PdfWorkers.render(kind, doc)`` returns a ``Future`` of the PDF's bytes; the document is the plain
value the renderer takes (``model.InvoiceDoc`` / ``ReceiptDoc``), so a worker needs no database. Where
the workers cannot start or die, the PDF is made in this process instead (the same bytes, only
slower); an error of the renderer itself is raised by the future's ``result()`` as it would be here.
The workers start on first use (spawned: never a fork of a process with Qt and database threads)
and run at a lower priority, so the process that writes keeps its core.
"""
from __future__ import annotations

import io
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

WORKERS = 2


def render_bytes(kind: str, doc) -> bytes:
    """The PDF of ``doc`` (``kind``: "invoice" or "receipt") as bytes, in this process."""
    if kind == "invoice":
        from . import invoice_pdf as module
    elif kind == "receipt":
        from . import receipt_pdf as module
    else:
        raise ValueError(f"unknown document kind {kind!r}")
    out = io.BytesIO()
    module.render(doc, out)
    return out.getvalue()


def _start_worker() -> None:
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    from . import invoice_pdf, receipt_pdf  # noqa: F401 - imported once, before the first document


class PdfWorkers:
    """A pool of ``workers`` rendering processes; ``close()`` (or ``with``) ends them."""

    def __init__(self, workers: int = WORKERS):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._broken = workers < 1

    def _started(self) -> ProcessPoolExecutor | None:
        if self._pool is None and not self._broken:
            try:
                import multiprocessing

                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker)
            except (OSError, ValueError, ImportError, NotImplementedError):
                self._broken = True
        return self._pool

    def render(self, kind: str, doc) -> Future:
        pool = self._started()
        if pool is not None:
            try:
                return _Fallback(pool.submit(render_bytes, kind, doc), kind, doc)
            except (BrokenProcessPool, RuntimeError, OSError):
                self._broken = True
        done: Future = Future()
        try:
            done.set_result(render_bytes(kind, doc))
        except Exception as exc:  # noqa: BLE001 - raised by result(), as the renderer raised it
            done.set_exception(exc)
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PdfWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Fallback:
    """A worker's future whose ``result()`` renders here when the worker process died or could not
    take the document (it never could: pickling); the renderer's own errors are raised as they are."""

    def __init__(self, future: Future, kind: str, doc):
        self._future, self._kind, self._doc = future, kind, doc

    def result(self, timeout: float | None = None) -> bytes:
        try:
            return self._future.result(timeout)
        except (BrokenProcessPool, OSError, EOFError):
            return render_bytes(self._kind, self._doc)
