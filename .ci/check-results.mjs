// Fails CI when any test was skipped, marked todo, or failed, and prints the closing summary
// line CI reads ("N passed, N failed"). Takes one or more vitest JSON reports (the unit suite,
// then the end-to-end suite) and judges them together.
import { readFileSync } from 'node:fs';

const reports = process.argv.slice(2).map((file) => ({ file, report: JSON.parse(readFileSync(file, 'utf8')) }));
let passed = 0;
let failed = 0;
let skipped = 0;
let success = reports.length > 0;
for (const { file, report } of reports) {
  const s = report.numPendingTests + report.numTodoTests;
  if (s > 0) {
    const names = report.testResults.flatMap((f) =>
      f.assertionResults
        .filter((a) => a.status === 'pending' || a.status === 'todo' || a.status === 'skipped')
        .map((a) => `${f.name}: ${a.fullName}`),
    );
    console.error(`Skipped or todo tests are not allowed:\n  ${names.join('\n  ')}`);
  }
  if (report.numPassedTests === 0) console.error(`No test ran (${file}).`);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += s;
  success &&= report.success && report.numPassedTests > 0;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipped > 0 || !success ? 1 : 0);
