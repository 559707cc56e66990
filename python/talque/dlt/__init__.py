"""A dlt source for the Talque Ticket API: ``pip install 'talque[dlt]'``.

    import dlt
    from talque.dlt import talque_source

    pipeline = dlt.pipeline("talque", destination="duckdb", dataset_name="talque")
    pipeline.run(talque_source(["orgA", "orgB"]))

One resource, ``tickets``, merged on ``orgTicketId``, loaded incrementally on ``mtime`` with
a high-water mark per organization (see the README's "Loading into a warehouse (dlt)").
dlt is imported here, so ``import talque`` never loads it.
"""

from ._source import talque_source

__all__ = ["talque_source"]
