#!/usr/bin/env bash
# Rebuild the vendored GraphiQL assets in api_graphql/static/graphiql/ from the
# exact versions pinned in package-lock.json, so /graphql/ works with no CDN.
#
#   bash frontend/graphiql/build.sh
#
# Needs Node + npm and access to the npm registry; nothing is left in the repo
# except the copied production files (npm runs in a throw-away temp directory).
# Our own files in the destination (hybrid-graphiql.js / .css) are not touched.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DEST="$ROOT/api_graphql/static/graphiql"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/graphiql-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
NM="$WORK/node_modules"

pkg_version() {
  node -p "require(process.argv[1]).version" "$NM/$1/package.json"
}
pkg_license() {
  node -p "require(process.argv[1]).license || 'UNKNOWN'" "$NM/$1/package.json"
}

STAGE="$WORK/out"
mkdir -p "$STAGE/licenses"

# copy SRC DEST_NAME: copy a file, dropping any "sourceMappingURL" comment
# (the .map files are not vendored; a dangling reference would make Django's
# ManifestStaticFilesStorage fail in collectstatic and devtools log 404s).
copy() {
  local src="$NM/$1" dst="$STAGE/$2"
  [[ -f "$src" ]] || { echo "build.sh: missing $src" >&2; exit 1; }
  sed -E '/^\s*(\/\/|\/\*)# sourceMappingURL=.*$/d' "$src" > "$dst"
}

copy react/umd/react.production.min.js               react.production.min.js
copy react-dom/umd/react-dom.production.min.js       react-dom.production.min.js
copy graphiql/graphiql.min.js                        graphiql.min.js
copy graphiql/graphiql.min.css                       graphiql.min.css
copy @graphiql/plugin-explorer/dist/index.umd.js     graphiql-plugin-explorer.umd.js
copy @graphiql/plugin-explorer/dist/style.css        graphiql-plugin-explorer.css

# Refuse to vendor anything that would pull a stylesheet/font from the network.
if grep -Eq '@import|url\((["'"'"']?)(https?:)?//' "$STAGE"/*.css; then
  echo "build.sh: a vendored stylesheet references a remote resource:" >&2
  grep -Eo '@import[^;]*;|url\((["'"'"']?)(https?:)?//[^)]*\)' "$STAGE"/*.css >&2
  exit 1
fi

# Licenses: one file per vendored package (plus graphiql-explorer, which is
# bundled inside the explorer plugin's UMD file, and graphql, bundled in
# graphiql.min.js).
license_file() {  # license_file PKG_DIR OUT_NAME [FALLBACK_PKG_DIR]
  local dir="$NM/$1" out="$STAGE/licenses/$2-LICENSE" f
  for f in LICENSE LICENSE.md LICENSE.txt license LICENCE; do
    if [[ -f "$dir/$f" ]]; then cp "$dir/$f" "$out"; return; fi
  done
  if [[ -n "${3:-}" ]]; then
    {
      echo "The npm package $1@$(pkg_version "$1") ships no LICENSE file; its package.json"
      echo "declares \"license\": \"$(pkg_license "$1")\". It is developed in the same repository"
      echo "(github.com/graphql/graphiql) as $3, whose LICENSE text follows."
      echo
      cat "$NM/$3/LICENSE"
    } > "$out"
    return
  fi
  echo "build.sh: no LICENSE file in $dir" >&2
  exit 1
}
license_file react                     react
license_file react-dom                 react-dom
license_file graphiql                  graphiql
license_file graphql                   graphql
license_file @graphiql/react           graphiql-react                graphiql
license_file @graphiql/plugin-explorer graphiql-plugin-explorer      graphiql
EXPLORER_DIR=@graphiql/plugin-explorer/node_modules/graphiql-explorer
[[ -d "$NM/$EXPLORER_DIR" ]] || EXPLORER_DIR=graphiql-explorer
license_file "$EXPLORER_DIR"           graphiql-explorer

{
  echo "# Vendored by frontend/graphiql/build.sh from frontend/graphiql/package-lock.json."
  echo "# Do not edit these files by hand; change package.json and rerun the script."
  for p in react react-dom graphiql @graphiql/plugin-explorer; do
    echo "$p@$(pkg_version "$p")"
  done
  echo "# bundled inside the files above:"
  echo "graphql@$(pkg_version graphql) (in graphiql.min.js)"
  echo "@graphiql/react@$(pkg_version @graphiql/react) (in graphiql.min.js)"
  echo "graphiql-explorer@$(pkg_version "$EXPLORER_DIR") (in graphiql-plugin-explorer.umd.js)"
} > "$STAGE/VERSIONS.txt"

# Install: replace only the vendored files; keep our own hybrid-graphiql.* files.
mkdir -p "$DEST"
rm -rf "$DEST/licenses"
cp -R "$STAGE/." "$DEST/"

echo "Vendored GraphiQL assets into ${DEST#"$ROOT"/}:"
(cd "$DEST" && ls -l -- *.js *.css VERSIONS.txt licenses/ | sed 's/^/  /')
