"""A dlt source for the Talque Ticket API: ``pip install 'talque[dlt]'``.

    import dlt
    from talque.dlt import talque_source

    pipeline = dlt.pipeline("talque", destination="duckdb", dataset_name="talque")
    pipeline.run(talque_source(["orgA", "orgB"]))

One resource, ``tickets``, merged on ``orgTicketId``, loaded incrementally on ``mtime`` with
a high-water mark per organization (see the README's "Loading into a warehouse (dlt)").
dlt is imported here, so ``import talque`` never loads it.
"""

from .._extras import require

# Checked first, so a missing extra says what to install instead of a bare ModuleNotFoundError.
require("dlt", needed_by="talque.dlt", extra="dlt")
require("pyarrow", needed_by="talque.dlt", extra="dlt")

from ._source import talque_source  # noqa: E402

__all__ = ["talque_source"]
