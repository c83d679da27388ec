// Differential-test harness: score local test servers with the MDN HTTP Observatory's own code.
//
// Reads a JSON list of {hostname, httpPort, httpsPort} on stdin and prints a JSON list of
// {score, grade, error, tests: {name: {result, modifier}}} on stdout.
//
// Why not `scan()`: in @mdn/mdn-http-observatory 1.4.8 `scan(hostname)` calls `retrieve(hostname)`
// without options, so it can only reach ports 80/443. This is the same loop as
// src/scanner/index.js (status check, sum of modifiers, uncurved score, 90-point bonus rule,
// getGradeForScore), fed by `retrieve(hostname, {httpPort, httpsPort})`, which accepts ports.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, "node_modules", "@mdn", "mdn-http-observatory");

// The preload list is normally downloaded by a postinstall script, which --ignore-scripts skips.
const preload = path.join(pkg, "conf", "hsts-preload.json");
if (!fs.existsSync(preload)) {
  fs.mkdirSync(path.dirname(preload), { recursive: true });
  fs.writeFileSync(preload, "{}");
}

const src = (p) => new URL(`file://${path.join(pkg, "src", p)}`).href;
const { retrieve } = await import(src("retriever/retriever.js"));
const { ALL_TESTS } = await import(src("constants.js"));
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await import(src("grader/charts.js"));
const { getGradeForScore, getScoreModifier } = await import(src("grader/grader.js"));

async function score({ hostname, httpPort, httpsPort }) {
  const r = await retrieve(hostname, { httpPort, httpsPort });
  if (!r.responses.auto) {
    return { error: "The site seems to be down." };
  }
  const { status } = r.responses.auto;
  if (status < 200 || (status >= 400 && ![401, 403].includes(status))) {
    return { error: `Site did respond with an unexpected HTTP status code ${status}.` };
  }
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests = {};
  for (const test of ALL_TESTS) {
    const result = test(r);
    if (!result.result) continue;
    const modifier = getScoreModifier(result.result);
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    tests[result.constructor.name] = { result: result.result, modifier, pass: result.pass };
  }
  const raw = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
  const final = getGradeForScore(raw);
  return { score: final.score, grade: final.grade, error: null, tests };
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const target of input) {
  try {
    out.push(await score(target));
  } catch (e) {
    out.push({ error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(out));
