-- A wrk script: one request shape for the whole run, results as one JSON line.
-- Usage: wrk -s request.lua URL -- METHOD BODY_FILE
local method, body = "GET", nil

function init(args)
  method = args[1] or "GET"
  if args[2] and args[2] ~= "" then
    local file = assert(io.open(args[2], "rb"))
    body = file:read("*a")
    file:close()
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  return wrk.format(method, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
