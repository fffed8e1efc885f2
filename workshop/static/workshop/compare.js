// The /compare/ page: switch scenarios, run one through both APIs, draw the figures.
(function () {
  "use strict";

  var root = document.querySelector(".compare");
  if (!root) return;
  var runUrl = root.getAttribute("data-run-url");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var ROWS = [
    ["round_trips", "HTTP round trips"],
    ["request_bytes", "request bytes"],
    ["request_gzip_bytes", "request bytes (gzip)"],
    ["response_bytes", "response bytes"],
    ["response_gzip_bytes", "response bytes (gzip)"],
    ["sql_queries", "SQL queries"],
    ["cache_sql_queries", "SQL queries of the database cache"],
    ["sql_ms", "SQL time (ms)"],
    ["server_ms", "server time (ms)"],
  ];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function show(slug) {
    root.querySelectorAll(".scenario").forEach(function (article) {
      article.hidden = article.getAttribute("data-slug") !== slug;
    });
    root.querySelectorAll(".scenario-list a").forEach(function (link) {
      link.classList.toggle("active", link.getAttribute("data-slug") === slug);
    });
  }

  root.querySelectorAll(".scenario-list a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var slug = link.getAttribute("data-slug");
      history.replaceState(null, "", "?scenario=" + encodeURIComponent(slug));
      show(slug);
    });
  });

  function format(value) {
    if (value === null || value === undefined) return "n/a";
    return typeof value === "number" && value % 1 ? value.toFixed(2) : String(value);
  }

  function bars(rest, graphql) {
    var max = Math.max(rest || 0, graphql || 0) || 1;
    return el("div", { class: "bars" }, [
      el("span", { class: "bar rest", style: "width:" + (100 * (rest || 0)) / max + "%", title: "REST " + format(rest) }),
      el("span", { class: "bar graphql", style: "width:" + (100 * (graphql || 0)) / max + "%", title: "GraphQL " + format(graphql) }),
    ]);
  }

  // The response headers that say what the server did with a read, in the order a reader wants them.
  var SHOWN_HEADERS = ["x-cache", "etag", "cache-control", "vary", "content-type", "x-db-queries"];

  function headerLines(title, headers, names) {
    var lines = [title];
    (names || Object.keys(headers)).forEach(function (name) {
      if (headers[name] !== undefined) lines.push("  " + name + ": " + headers[name]);
    });
    return lines.join("\n");
  }

  function exchanges(list, style) {
    return list.map(function (exchange) {
      var facts = exchange.facts || {};
      var request = style === "rest" ? exchange.method + " " + exchange.path : facts.request;
      var head = el("span", { class: "exchange-head" }, [
        el("span", { class: "step-name", text: exchange.step }),
        el("code", { class: "request", text: request + " → " + (facts.status || exchange.status) }),
        el("span", { class: "media-type", text: exchange.media_type || "" }),
      ]);
      if (facts.sends && facts.sends !== "-") head.appendChild(el("span", { class: "sends", text: "sends " + facts.sends }));
      if (exchange.cache) head.appendChild(el("span", { class: "x-cache " + exchange.cache, text: exchange.cache }));
      // The scenario's own header columns (Deprecation, Sunset, ...); the media type is shown already.
      var shown = facts.shown || {};
      Object.keys(shown).forEach(function (name) {
        if (shown[name] !== "-" && name.toLowerCase() !== "content-type") {
          head.appendChild(el("span", { class: "shown-header", text: name + ": " + shown[name] }));
        }
      });
      head.appendChild(el("span", { class: "cost", text: format(exchange.sql_queries) + (exchange.cache_sql_queries == null ? "" : "+" + exchange.cache_sql_queries) + " SQL · " + format(exchange.response_bytes) + " B · " + format(exchange.server_ms) + " ms" }));
      var link = style === "rest" ? exchange.browsable : exchange.graphiql;
      if (link) head.appendChild(el("a", { href: link, text: style === "rest" ? "browsable API" : "GraphiQL" }));
      var text = [
        exchange.method + " " + exchange.path + (exchange.request_body ? "\n" + exchange.request_body : ""),
        headerLines("Request headers:", exchange.request_headers || {}),
        headerLines("Response headers:", exchange.response_headers || {}, SHOWN_HEADERS.concat(
          Object.keys(shown).map(function (name) { return name.toLowerCase(); }).filter(function (name) {
            return SHOWN_HEADERS.indexOf(name) < 0;
          }))),
        exchange.response_body === null ? "(empty body)" : JSON.stringify(exchange.response_body, null, 2),
      ].join("\n\n");
      return el("details", {}, [el("summary", {}, [head]), el("pre", { class: "body", text: text })]);
    });
  }

  function render(article, data) {
    var results = article.querySelector(".results");
    var rest = data.styles.rest.totals;
    var graphql = data.styles.graphql.totals;
    var verdict = results.querySelector(".verdict");
    verdict.textContent = data.verdict + (data.optimized ? "" : " (query optimisation was off)");
    verdict.className = "verdict " + (data.equal ? "equal" : "different");
    var tbody = results.querySelector("tbody");
    tbody.textContent = "";
    ROWS.forEach(function (row) {
      // Only a server whose cache lives in the database reports its statements.
      if (row[0] === "cache_sql_queries" && rest[row[0]] == null && graphql[row[0]] == null) return;
      tbody.appendChild(el("tr", { "data-metric": row[0] }, [
        el("th", { text: row[1] }),
        el("td", { class: "rest", text: format(rest[row[0]]) }),
        el("td", { class: "graphql", text: format(graphql[row[0]]) }),
        el("td", {}, [bars(rest[row[0]], graphql[row[0]])]),
      ]));
    });
    ["rest", "graphql"].forEach(function (style) {
      var box = results.querySelector(".exchanges." + style);
      box.textContent = "";
      exchanges(data.styles[style].exchanges, style).forEach(function (node) { box.appendChild(node); });
    });
    results.hidden = false;
  }

  root.querySelectorAll(".scenario").forEach(function (article) {
    var button = article.querySelector(".run");
    var status = article.querySelector(".status");
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Running…";
      fetch(runUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify({
          scenario: article.getAttribute("data-slug"),
          optimize: !article.querySelector(".no-optimize").checked,
        }),
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (reply) {
          if (!reply.ok) throw new Error(reply.data.errors ? reply.data.errors[0].message : "The run failed.");
          render(article, reply.data);
          status.textContent = "Done.";
        })
        .catch(function (error) { status.textContent = "Error: " + error.message; })
        .finally(function () { button.disabled = false; });
    });
  });
})();
