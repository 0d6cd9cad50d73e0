"""The load test (`make loadtest`, `python -m benchmarks.loadtest`): see __main__.py."""
