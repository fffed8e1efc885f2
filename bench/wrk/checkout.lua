-- Purchases under concurrent load. Run with as many threads as connections (-tN -cN):
-- each thread is one shopper on one connection, so its requests run in order.
-- Usage: wrk -tN -cN -s checkout.lua URL -- rest|graphql BOOK_ID TOKENS_FILE
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")

local shoppers = 0
function setup(thread)
  shoppers = shoppers + 1
  thread:set("shopper", shoppers)
end

local mode, add_body, buy_body, step

function init(args)
  mode = args[1]
  local book = args[2]
  local n, token = 0, nil
  for line in io.lines(args[3]) do
    n = n + 1
    if n == shopper then token = line end
  end
  assert(token, "no token for shopper " .. tostring(shopper))
  wrk.headers["Authorization"] = "Token " .. token
  wrk.headers["Content-Type"] = "application/json"
  add_body = string.format('{"book_id": %s, "quantity": 1}', book)
  buy_body = string.format(
    '{"query": "mutation Buy($book: ID!) { cartItemAdd(bookId: $book, quantity: 1) { errors { code } } ' ..
    'checkout { order { databaseId } errors { code } } }", "variables": {"book": "%s"}}', book)
  step = 0
end

function request()
  if mode == "graphql" then
    return wrk.format("POST", "/graphql/", nil, buy_body)
  end
  step = step + 1
  if step % 2 == 1 then
    return wrk.format("POST", "/api/cart/items/", nil, add_body)
  end
  return wrk.format("POST", "/api/cart/checkout/", nil, "")
end
