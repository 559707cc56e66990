"""Apache Airflow integration: :class:`TalqueHook` and the ``talque`` connection type.

Needs Airflow 2.9 or later (``pip install 'talque[airflow]'``); ``import talque`` never
imports Airflow. Airflow finds the connection type through the package's
``apache_airflow_provider`` entry point (``talque._airflow_provider``).

A connection, here from an environment variable in Airflow's JSON form::

    AIRFLOW_CONN_TALQUE_DEFAULT='{"conn_type": "talque", "login": "your-client-id",
        "password": "your-secret", "host": "https://event.talque.com",
        "extra": {"org_id": "yourOrgId00000000001", "timeout": 30, "max_retries": 3}}'

- login: the API client id; password: the API secret (masked in Airflow's logs).
- host: the base URL, either in full (``https://event.talque.com``,
  ``http://127.0.0.1:8080``) or a host name that schema (``http``/``https``, default
  ``https``) and port complete. Empty means ``https://event.talque.com``.
- extra: ``org_id`` (the org :meth:`TalqueHook.test_connection` lists), ``timeout``
  (seconds per attempt), ``max_retries``, ``compression`` (``false`` turns compressed
  answers off; default on). Other keys are refused as typos.
"""

from ._hook import TalqueHook

__all__ = ["TalqueHook"]
