#!/bin/sh
# Render the proxy's configuration for an nginx outside the official image (Debian's package
# in CI, a bare host), the way the image's entrypoint does it:
#
#   PROXY_LISTEN=127.0.0.1:18080 WEB_UPSTREAM=127.0.0.1:18001 docker/nginx/render.sh OUT_DIR
#   (PROXY_FORWARDED_PROTO defaults to scheme; see the template)
#   nginx -p OUT_DIR -c OUT_DIR/nginx.conf -e stderr -g 'pid OUT_DIR/nginx.pid;'
#
# OUT_DIR/nginx.conf is docker/nginx/nginx.conf byte for byte, and OUT_DIR/conf.d/*.conf are
# docker/nginx/templates/*.template with its variables replaced: the files compose and
# Kubernetes run, not a copy kept for CI.
set -eu

out=${1:?usage: render.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
: "${PROXY_LISTEN:?set PROXY_LISTEN (a port, or address:port)}"
: "${WEB_UPSTREAM:?set WEB_UPSTREAM (gunicorn host:port)}"
PROXY_FORWARDED_PROTO=${PROXY_FORWARDED_PROTO:-scheme}
export PROXY_LISTEN WEB_UPSTREAM PROXY_FORWARDED_PROTO

command -v envsubst >/dev/null || { echo "render.sh: envsubst is missing (Debian: gettext-base)" >&2; exit 1; }

mkdir -p "$out/conf.d"
cp "$here/nginx.conf" "$out/nginx.conf"
for template in "$here"/templates/*.template; do
  # Only these names: every other dollar sign in the template is an nginx variable.
  envsubst '${PROXY_LISTEN} ${WEB_UPSTREAM} ${PROXY_FORWARDED_PROTO}' <"$template" >"$out/conf.d/$(basename "$template" .template)"
done
