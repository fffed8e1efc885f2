#!/usr/bin/env bash
# Smoke test of a running Hybrid Catalog with the demo data loaded (SEED_DEMO=1).
#
#   scripts/smoke.sh [BASE_URL]        default: http://127.0.0.1:8000
#
# Checks the website, the probes, a REST list, a GraphQL query and a signed-in cart round
# trip (token, add, read, remove: the cart ends as it started). Prints PASS or FAIL per
# check and exits 1 when any check fails. Needs bash, curl and python3.
set -uo pipefail

BASE_URL=${1:-http://127.0.0.1:8000}
BASE_URL=${BASE_URL%/}
SMOKE_USER=${SMOKE_USER:-alice}
SMOKE_PASSWORD=${SMOKE_PASSWORD:-alice-demo-pass}
DEMO_TITLE=${DEMO_TITLE:-Django for APIs}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
body=$work/body
failures=0
checks=0
token=""

pass() { checks=$((checks + 1)); printf 'PASS  %s\n' "$1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }

# request METHOD PATH [JSON_BODY]: the status goes to $status, the body to $body.
request() {
  local method=$1 path=$2 data=${3:-}
  local args=(-sS -o "$body" -w '%{http_code}' --max-time 15 -X "$method" -H 'Accept: application/json')
  if [ -n "$data" ]; then args+=(-H 'Content-Type: application/json' --data "$data"); fi
  if [ -n "$token" ]; then args+=(-H "Authorization: Token $token"); fi
  status=$(curl "${args[@]}" "$BASE_URL$path" 2>"$work/curl.err") || status=000
  if [ "$status" = 000 ]; then printf '%s' "$(head -c 200 "$work/curl.err")" >"$body"; fi
}

cat >"$work/json_eval.py" <<'PY'
import json
import sys


def book_ids(node):
    """Every book id mentioned in a cart document: `book_id` fields and nested `book` objects."""
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get("book_id"), int):
            found.add(node["book_id"])
        if isinstance(node.get("book"), dict) and isinstance(node["book"].get("id"), int):
            found.add(node["book"]["id"])
        for value in node.values():
            found |= book_ids(value)
    elif isinstance(node, list):
        for value in node:
            found |= book_ids(value)
    return found


with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
result = eval(sys.argv[2])
if result is None or result is False:
    sys.exit(1)
print(result)
PY

# py EXPRESSION: evaluate a Python expression on the last JSON body `d`; prints the result and
# fails when the body is not JSON or the result is None/False.
py() { python3 "$work/json_eval.py" "$body" "$1" 2>/dev/null; }

excerpt() { head -c 160 "$body" | tr '\n' ' '; }

check_status() {  # NAME EXPECTED...: PASS when $status is one of EXPECTED
  local name=$1; shift
  for expected in "$@"; do
    if [ "$status" = "$expected" ]; then pass "$name"; return 0; fi
  done
  fail "$name" "HTTP $status, expected $*: $(excerpt)"
  return 1
}

echo "Smoke test of $BASE_URL"

# Website
title_query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$DEMO_TITLE")
status=$(curl -sS -o "$body" -w '%{http_code}' --max-time 15 -H 'Accept: text/html' "$BASE_URL/?search=$title_query" 2>/dev/null) || status=000
if [ "$status" = 200 ] && grep -qF "$DEMO_TITLE" "$body"; then
  pass "website / lists the demo book \"$DEMO_TITLE\""
else
  fail "website / lists the demo book \"$DEMO_TITLE\"" "HTTP $status"
fi

# Probes
for probe in healthz readyz; do
  request GET "/$probe"
  check_status "/$probe answers 200" 200
done

# REST list
request GET "/api/books/?page_size=5"
if check_status "REST GET /api/books/?page_size=5" 200; then
  if count=$(py 'len(d["results"]) or None'); then
    pass "REST book list has results ($count)"
  else
    fail "REST book list has results" "$(excerpt)"
  fi
fi

# GraphQL
request POST /graphql/ '{"query": "{ books(first: 2) { edges { node { title } } } }"}'
if check_status "GraphQL POST /graphql/" 200; then
  if titles=$(py '", ".join(e["node"]["title"] for e in d["data"]["books"]["edges"]) if not d.get("errors") else None'); then
    pass "GraphQL books(first: 2) has data ($titles)"
  else
    fail "GraphQL books(first: 2) has data" "$(excerpt)"
  fi
fi

# Signed-in cart round trip
credentials=$(python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' \
  "$SMOKE_USER" "$SMOKE_PASSWORD")
request POST /api/auth/token/ "$credentials"
if check_status "REST POST /api/auth/token/ as $SMOKE_USER" 200 201 && token=$(py 'd["token"]'); then
  request GET /api/cart/
  in_cart=$(py 'json.dumps(sorted(book_ids(d)))') || in_cart="[]"
  # A book in stock that is not in the cart yet, so that removing the line restores the cart.
  request GET "/api/books/?page_size=50&in_stock=true"
  book_id=$(py "next((b['id'] for b in d['results'] if b.get('stock', 1) > 0 and b['id'] not in $in_cart), None)")
  if [ -z "$book_id" ]; then
    fail "pick a book in stock for the cart" "$(excerpt)"
  else
    request POST /api/cart/items/ "{\"book_id\": $book_id, \"quantity\": 1}"
    if check_status "REST POST /api/cart/items/ (book $book_id)" 201 200; then
      item_id=$(py 'd.get("id")')
      request GET /api/cart/
      if check_status "REST GET /api/cart/" 200 && py "$book_id in book_ids(d)" >/dev/null; then
        pass "cart contains book $book_id"
      else
        fail "cart contains book $book_id" "$(excerpt)"
      fi
      if [ -n "$item_id" ]; then
        request DELETE "/api/cart/items/$item_id/"
        check_status "REST DELETE /api/cart/items/$item_id/" 204
      else
        fail "REST DELETE /api/cart/items/<id>/" "the add response had no id"
      fi
    fi
  fi
else
  fail "cart round trip" "no token for $SMOKE_USER"
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
