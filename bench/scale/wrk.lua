-- wrk script for `make bench`: every request carries the session cookie (or API token) of the
-- measured user; with BENCH_PAIRS_FILE each request POSTs a different (token, body) pair, so no
-- vote is sent twice; with BENCH_REQUESTS_FILE ("path<TAB>cookie" lines) each request GETs the next
-- line's path as the next line's user ("cold": many people, many pages, each in turn).
-- done() prints one JSON line (WRKJSON ...) that bench/scale/load.py reads.
local threads = {}
local pairs_list = {}
local requests_list = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  ok, bad, n = 0, 0, 0
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local file = os.getenv("BENCH_PAIRS_FILE")
  if file then
    for line in io.lines(file) do
      local token, body = line:match("^(%S+) (.*)$")
      table.insert(pairs_list, { token = token, body = body })
    end
  end
  local rfile = os.getenv("BENCH_REQUESTS_FILE")
  if rfile then
    for line in io.lines(rfile) do
      local path, cookie = line:match("^([^\t]+)\t(.*)$")
      table.insert(requests_list, { path = path, cookie = cookie })
    end
  end
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Host"] = "127.0.0.1"
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
end

function request()
  -- Thread i takes lines i, i + threads, i + 2 * threads, ...: disjoint across threads.
  local index = id + n * nthreads + 1
  if #requests_list > 0 then
    n = n + 1
    local item = requests_list[((index - 1) % #requests_list) + 1]
    return wrk.format("GET", item.path, {
      ["Cookie"] = item.cookie,
      ["X-Forwarded-Proto"] = "https",
      ["Host"] = "127.0.0.1",
    })
  end
  if #pairs_list == 0 then
    return wrk.format(nil)
  end
  n = n + 1
  local pair = pairs_list[((index - 1) % #pairs_list) + 1]
  return wrk.format("POST", nil, {
    ["Authorization"] = "Token " .. pair.token,
    ["Content-Type"] = "application/json",
    ["X-Forwarded-Proto"] = "https",
    ["Host"] = "127.0.0.1",
  }, pair.body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good, wrong = 0, 0
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    wrong = wrong + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"ok": %d, "not_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), good, wrong, e.connect + e.read + e.write + e.timeout))
end
