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

dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")
