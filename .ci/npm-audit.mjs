// Reads `npm audit --json` on stdin and says what it means, for the supply-chain stage.
//
//   exit 0  audited: no known vulnerability in the UI's production dependencies
//   exit 1  audited: vulnerabilities (listed)
//   exit 3  NOT audited: npm could not ask the registry's advisory service (the error is
//           printed); the stage decides whether that fails (SHOMEI_REQUIRE_NPM_AUDIT=1)
//
// Anything that is not a version-2 audit report counts as "not audited", never as clean.
import { readFileSync } from "node:fs";

let report;
try {
  report = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  console.log(`npm audit printed no JSON (${e.message})`);
  process.exit(3);
}
const counts = report?.metadata?.vulnerabilities;
if (report?.auditReportVersion !== 2 || typeof counts?.total !== "number") {
  const why = report?.message ?? report?.error?.summary ?? JSON.stringify(report).slice(0, 300);
  console.log(`npm audit did not produce a report: ${why}`);
  process.exit(3);
}
const deps = report.metadata.dependencies ?? {};
if (counts.total === 0) {
  console.log(
    `npm audit: no known vulnerability in the UI's ${deps.prod ?? "?"} production dependencies`,
  );
  process.exit(0);
}
console.log(
  `npm audit: ${counts.total} vulnerable production dependencies ` +
    `(critical ${counts.critical}, high ${counts.high}, moderate ${counts.moderate}, low ${counts.low}, info ${counts.info}):`,
);
for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
  const via = (v.via ?? []).map((x) => (typeof x === "string" ? x : `${x.title} (${x.url})`));
  console.log(`  ${name} ${v.range ?? ""} [${v.severity}]: ${via.join("; ")}`);
}
process.exit(1);
