-- wrk script for benches/endpoint.sh: the endpoint's token comes from the environment
-- (never wrk's command line, which `ps` shows to every user), and the summary is printed
-- as requests/s and p50/p99 latency in milliseconds.
wrk.headers["Authorization"] = os.getenv("ROLECALL_BENCH_TOKEN")

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests: %d in %.1f s\n", summary.requests, seconds))
  io.write(string.format("requests/s: %.0f\n", summary.requests / seconds))
  io.write(string.format("p50: %.3f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("p99: %.3f ms\n", latency:percentile(99) / 1000))
  io.write(string.format("non-200 answers: %d, socket errors: %d\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
