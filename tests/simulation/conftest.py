"""The simulator's tests' shared parts."""

from collections.abc import Iterator

import pytest
from dask.distributed import LocalCluster


@pytest.fixture(scope="session")
def scheduler() -> Iterator[str]:
    """A real local Dask cluster of two worker processes, shared by the tests
    through its address, as a planner's own cluster would be (started once per
    test process: a cluster takes seconds to start)."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address
