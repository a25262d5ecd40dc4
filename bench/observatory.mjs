#!/usr/bin/env node
// Scores pages of a running site with the MDN HTTP Observatory's own tests and scoring table
// (npm @mdn/mdn-http-observatory, pinned in tools/observatory/), one verdict line per page.
//
//   node bench/observatory.mjs --base http://127.0.0.1:8000 [--header "Name: value"]... PATH...
//
// Why not its command line, `mdn-http-observatory-scan HOST`: that scans only `/` of a host on
// the default ports. Its library takes a port and a path, so this runs the same retrieval, the
// same ten tests and the same grading as `scan()` in its src/scanner/index.js, per path.
//
// Two tests need a real certificate: `redirection` (HTTP must redirect to HTTPS) and
// `strict-transport-security` (HSTS counts only over verified HTTPS). On loopback they can only
// fail (and the first reads the HSTS preload list, which the npm package does not ship: its
// `updateHsts` script downloads it), so they are not run and are reported as skipped; the
// other eight count as the Observatory counts them. Exit status 1 when a page scores below A+
// on those.

import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE = path.join(
  process.env.OBSERVATORY_DIR || path.join(ROOT, "tools", "observatory"),
  "node_modules",
  "@mdn",
  "mdn-http-observatory"
);
// The tests that need HTTPS, by the name of their function in ALL_TESTS and their own name.
const NEEDS_HTTPS = new Map([
  ["redirectionTest", "redirection"],
  ["strictTransportSecurityTest", "strict-transport-security"],
]);
// What the Observatory itself sends, plus any headers given with --header.
const ACCEPT = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** @param {string} file */
async function load(file) {
  return import(pathToFileURL(path.join(PACKAGE, "src", file)).href);
}

const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

/** A port nothing listens on, for the HTTPS half of the retrieval to fail fast. */
async function closedPort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(String(port)));
    });
  });
}

function parseArguments(argv) {
  const options = { base: "", headers: [ACCEPT], paths: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--base") options.base = argv[++i];
    else if (argv[i] === "--header") options.headers.push(argv[++i]);
    else options.paths.push(argv[i]);
  }
  if (!options.base || options.paths.length === 0) {
    console.error("usage: observatory.mjs --base http://HOST:PORT [--header 'N: v']... PATH...");
    process.exit(2);
  }
  return options;
}

/**
 * The Observatory's scoring (scan() in src/scanner/index.js) over the tests that count here:
 * 100 plus every modifier; bonuses only if the score without them is at least 90.
 */
function score(results) {
  let withBonuses = 100;
  let withoutBonuses = 100;
  for (const result of results) {
    withBonuses += result.scoreModifier;
    if (result.scoreModifier < 0) withoutBonuses += result.scoreModifier;
  }
  return getGradeForScore(
    withoutBonuses >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withBonuses : withoutBonuses
  );
}

async function scorePage(base, pagePath, headers, httpsPort) {
  const url = new URL(base);
  const requests = await retrieve(url.hostname, {
    httpPort: url.port,
    httpsPort,
    path: pagePath,
    headers,
  });
  const response = requests.responses.auto;
  if (!response) return { line: `${pagePath}: ERROR, no answer`, ok: false };
  // As scan(): 2xx, 3xx, 401 and 403 are scored, anything else is not a page to judge.
  if (response.status < 200 || (response.status >= 400 && ![401, 403].includes(response.status))) {
    return { line: `${pagePath}: ERROR, answered ${response.status}`, ok: false };
  }
  const counted = ALL_TESTS.filter((test) => !NEEDS_HTTPS.has(test.name))
    .map((test) => test(requests))
    .map((result) => ({
      result: result.result,
      pass: result.pass,
      scoreModifier: getScoreModifier(result.result),
    }));
  const { grade, score: points } = score(counted);
  const notes = counted
    .filter((r) => r.scoreModifier !== 0 || !r.pass)
    .map((r) => `${r.scoreModifier >= 0 ? "+" : ""}${r.scoreModifier} ${r.result}`);
  const passed = counted.filter((r) => r.pass).length;
  const line =
    `${pagePath}: ${grade} (${points}), ${passed}/${counted.length} tests passed` +
    `${notes.length ? "; " + notes.join(", ") : ""}` +
    `; not run, need HTTPS: ${[...NEEDS_HTTPS.values()].join(", ")}`;
  return { line, ok: grade === "A+" };
}

const options = parseArguments(process.argv.slice(2));
const httpsPort = await closedPort();
let allOk = true;
for (const pagePath of options.paths) {
  const { line, ok } = await scorePage(options.base, pagePath, options.headers, httpsPort);
  console.log(`observatory ${line}`);
  allOk &&= ok;
}
process.exit(allOk ? 0 : 1);
