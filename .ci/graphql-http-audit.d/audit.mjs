// The GraphQL-over-HTTP audit of graphql-http against a running server.
//
//   node audit.mjs http://127.0.0.1:18300/graphql/
//
// Prints every audit with its result, then the counts. Exits 1 on any error (a failed
// MUST), any warning (a failed SHOULD) or any notice (a failed MAY) that is not listed
// in EXPECTED_NOTICES below with the reason it is left.
import { auditServer } from "graphql-http";

// A failed MAY that the server leaves on purpose, by audit id, with why. Empty: every
// MAY of the audit is met.
const EXPECTED_NOTICES = {};

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const unexpected = [];
for (const result of results) {
  counts[result.status] += 1;
  const mark = { ok: "ok    ", notice: "NOTICE", warn: "WARN  ", error: "ERROR " }[result.status];
  console.log(`${mark} ${result.id} ${result.name}`);
  if (result.status === "ok") continue;
  let detail = result.reason;
  if (result.response) {
    const body = await result.response.text().catch(() => "");
    const type = result.response.headers.get("content-type");
    detail += ` (status ${result.response.status}, content-type ${type}, body ${body.slice(0, 300)})`;
  }
  console.log(`       ${detail}`);
  if (result.status === "notice" && EXPECTED_NOTICES[result.id]) {
    console.log(`       left on purpose: ${EXPECTED_NOTICES[result.id]}`);
  } else {
    unexpected.push(result.id);
  }
}

console.log(
  `\n${results.length} audits: ${counts.ok} ok, ${counts.error} errors (MUST), ` +
    `${counts.warn} warnings (SHOULD), ${counts.notice} notices (MAY)`,
);
if (unexpected.length) {
  console.log(`FAILED: ${unexpected.join(", ")}`);
  process.exit(1);
}
console.log("PASSED");
