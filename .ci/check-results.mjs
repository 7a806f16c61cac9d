// Fails CI when any test was skipped, marked todo, or failed, and prints the closing summary
// line CI reads ("N passed, N failed").
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests;
const skipped = report.numPendingTests + report.numTodoTests;
if (skipped > 0) {
  const names = report.testResults
    .flatMap((f) => f.assertionResults.filter((a) => a.status === 'pending' || a.status === 'todo' || a.status === 'skipped').map((a) => `${f.name}: ${a.fullName}`));
  console.error(`Skipped or todo tests are not allowed:\n  ${names.join('\n  ')}`);
}
if (passed === 0) console.error('No test ran.');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipped > 0 || passed === 0 || !report.success ? 1 : 0);
