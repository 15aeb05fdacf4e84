"""Task runners: the default thread pool, or Dask (a scheduler address or a local cluster)."""

from __future__ import annotations

from prefect import Flow


def dask_task_runner(address: str | None):
    """A DaskTaskRunner on an existing scheduler, or a 2-worker local process cluster."""
    from prefect_dask import DaskTaskRunner

    if address and address != "local":
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})


def with_task_runner(flow: Flow, dask: str | None) -> Flow:
    """The flow itself, or a copy running its tasks on Dask when `dask` is given."""
    if not dask:
        return flow
    return flow.with_options(task_runner=dask_task_runner(dask))
