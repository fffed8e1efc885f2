/*
 * Hybrid Catalog - GraphiQL bootstrap (plain ES2015, no build step).
 *
 * Loaded by api_graphql/templates/graphene/graphiql.html after the vendored
 * React 18, ReactDOM 18, GraphiQL 3 and explorer-plugin UMD bundles, which
 * define window.React, window.ReactDOM, window.GraphiQL and
 * window.GraphiQLPluginExplorer. Nothing is fetched from a CDN.
 *
 * - Fetcher: POSTs JSON to this page's own path (window.location.pathname),
 *   same-origin credentials, X-CSRFToken from the csrftoken cookie (or the
 *   {% csrf_token %} hidden input), plus the headers typed in GraphiQL's
 *   header editor (e.g. {"Authorization": "Token <key>"}). It asks for
 *   application/graphql-response+json (GraphQL over HTTP), whose 4xx answers
 *   (a document that does not parse or validate) still carry the errors, and
 *   shows any JSON body whatever its status.
 * - URL sync: ?query=...&variables=...&operationName=... pre-fill the editors
 *   and are kept up to date while editing (graphene-django's legacy
 *   #query=... fragment form is read too).
 * - Settings come from data-* attributes on #editor, filled by the template
 *   from the context that graphene-django's GraphQLView passes.
 */
(function (window, document) {
  "use strict";

  var React = window.React;
  var ReactDOM = window.ReactDOM;
  var GraphiQL = window.GraphiQL;
  var container = document.getElementById("editor");

  if (!container) {
    return;
  }
  if (!React || !ReactDOM || !GraphiQL) {
    container.textContent =
      "GraphiQL could not start: the vendored scripts in static/graphiql/ did " +
      "not load (run `bash frontend/graphiql/build.sh` and collectstatic).";
    return;
  }

  var DEFAULT_QUERY = [
    "# Welcome to the Hybrid Catalog GraphQL API.",
    "# Press the run button (or Ctrl/Cmd+Enter) to execute the query.",
    "# To authenticate, open Headers below and enter",
    '#   {"Authorization": "Token <paste a token from seed_demo>"}',
    "",
    "query FirstBooks {",
    "  books(first: 5) {",
    "    totalCount",
    "    edges {",
    "      node {",
    "        databaseId",
    "        title",
    "        price",
    "        authors {",
    "          name",
    "        }",
    "      }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  var DEFAULT_HEADERS = "{}";
  // What the GraphQL-over-HTTP draft recommends that a client sends.
  var ACCEPT =
    "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8";
  var GRAPHQL_PARAMS = ["query", "variables", "operationName"];
  var GRAPHIQL_HEADERS_KEY = "graphiql:headers"; // GraphiQL's own key
  var LAST_HEADERS_KEY = "hybrid-graphiql:headers"; // ours, see below

  function flag(name, fallback) {
    var value = container.getAttribute("data-" + name);
    if (value === "true") return true;
    if (value === "false") return false;
    return fallback;
  }

  var settings = {
    headerEditorEnabled: flag("header-editor-enabled", true),
    shouldPersistHeaders: flag("should-persist-headers", true),
    inputValueDeprecation: flag("input-value-deprecation", false),
    explorer: flag("explorer", true),
  };

  // ---- URL parameters ------------------------------------------------------

  function readParams() {
    var search = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    // Prefer ?query=...; fall back to graphene-django's #query=... form.
    var source = search.has("query") || !hash.has("query") ? search : hash;
    var params = {};
    GRAPHQL_PARAMS.forEach(function (name) {
      var value = source.get(name);
      if (value !== null && value !== "") params[name] = value;
    });
    return params;
  }

  var parameters = readParams();
  var urlTimer = null;

  function writeURL() {
    urlTimer = null;
    var search = new URLSearchParams(window.location.search);
    GRAPHQL_PARAMS.forEach(function (name) {
      var value = parameters[name];
      if (value) search.set(name, value);
      else search.delete(name);
    });
    var qs = search.toString();
    var url = window.location.pathname + (qs ? "?" + qs : "");
    if (url !== window.location.pathname + window.location.search ||
        window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function setParam(name, value) {
    if (parameters[name] === (value || undefined)) return;
    if (value) parameters[name] = value;
    else delete parameters[name];
    // Debounced: browsers throttle very frequent history.replaceState calls.
    if (urlTimer !== null) window.clearTimeout(urlTimer);
    urlTimer = window.setTimeout(writeURL, 250);
  }

  // ---- Fetcher -------------------------------------------------------------

  function getCookie(name) {
    var parts = ("; " + document.cookie).split("; " + name + "=");
    if (parts.length < 2) return null;
    return decodeURIComponent(parts.pop().split(";").shift());
  }

  function getCsrfToken() {
    // Read at request time: Django rotates the token on login.
    var token = getCookie("csrftoken");
    if (token) return token;
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  function fetcher(graphQLParams, opts) {
    var headers = {
      Accept: ACCEPT,
      "Content-Type": "application/json",
    };
    var csrf = getCsrfToken();
    if (csrf) headers["X-CSRFToken"] = csrf;
    var extra = (opts && opts.headers) || {};
    Object.keys(extra).forEach(function (key) {
      headers[key] = String(extra[key]);
    });

    // Same path, no query string: GraphQLView reads ?query= before the body.
    return window
      .fetch(window.location.pathname, {
        method: "POST",
        credentials: "same-origin",
        headers: headers,
        body: JSON.stringify(graphQLParams),
      })
      .then(function (response) {
        return response.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (e) {
            // e.g. an HTML 403 (CSRF) or 500 page: show it as a GraphQL error.
            return {
              errors: [
                {
                  message:
                    "HTTP " + response.status + " " + response.statusText +
                    ": the server did not answer with JSON.",
                  extensions: { body: text.slice(0, 2000) },
                },
              ],
            };
          }
        });
      });
  }

  // ---- Headers default -----------------------------------------------------

  // New tabs (the "+" button, or a ?query= link that matches no open tab)
  // start with the most recent valid JSON-object headers, so a token entered
  // once is reused; "{}" when nothing was entered yet. GraphiQL 3 keeps the
  // last headers in localStorage "graphiql:headers" but blanks that key on
  // every start-up, so we keep our own copy and put it back before rendering.
  function asHeadersDefault(text) {
    if (!text) return null;
    try {
      var value = JSON.parse(text);
      return value && typeof value === "object" && !Array.isArray(value)
        ? text
        : null;
    } catch (e) {
      return null;
    }
  }

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* private mode / quota: persistence is best effort */
    }
  }

  var lastHeaders = DEFAULT_HEADERS;
  if (settings.shouldPersistHeaders) {
    lastHeaders =
      asHeadersDefault(storageGet(LAST_HEADERS_KEY)) ||
      asHeadersDefault(storageGet(GRAPHIQL_HEADERS_KEY)) ||
      DEFAULT_HEADERS;
    if (!storageGet(GRAPHIQL_HEADERS_KEY)) {
      storageSet(GRAPHIQL_HEADERS_KEY, lastHeaders);
    }
  }

  // ---- Component -----------------------------------------------------------

  var plugins = [];
  if (settings.explorer && window.GraphiQLPluginExplorer &&
      window.GraphiQLPluginExplorer.explorerPlugin) {
    plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
  }

  function HybridGraphiQL() {
    var state = React.useState(lastHeaders);
    var defaultHeaders = state[0];
    var setDefaultHeaders = state[1];

    var props = {
      fetcher: fetcher,
      plugins: plugins,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: defaultHeaders,
      isHeadersEditorEnabled: settings.headerEditorEnabled,
      shouldPersistHeaders: settings.shouldPersistHeaders,
      inputValueDeprecation: settings.inputValueDeprecation,
      defaultEditorToolsVisibility:
        settings.headerEditorEnabled && !parameters.variables
          ? "headers"
          : "variables",
      onEditQuery: function (value) {
        setParam("query", value);
      },
      onEditVariables: function (value) {
        setParam("variables", value);
      },
      onEditOperationName: function (value) {
        setParam("operationName", value);
      },
      onEditHeaders: function (value) {
        var usable = asHeadersDefault(value);
        if (usable === null) return;
        setDefaultHeaders(usable);
        if (settings.shouldPersistHeaders) storageSet(LAST_HEADERS_KEY, usable);
      },
    };
    // Only pass what the URL provides: otherwise GraphiQL restores the last
    // session from localStorage, or shows DEFAULT_QUERY on a first visit.
    if (parameters.query) {
      props.query = parameters.query;
      props.variables = parameters.variables || "";
    }
    if (parameters.operationName) {
      props.operationName = parameters.operationName;
    }
    return React.createElement(GraphiQL, props);
  }

  var element = React.createElement(HybridGraphiQL);
  if (ReactDOM.createRoot) {
    ReactDOM.createRoot(container).render(element);
  } else {
    ReactDOM.render(element, container);
  }

  if (window.location.hash && parameters.query) {
    writeURL(); // move a legacy #query=... link into the query string
  }
})(window, document);
