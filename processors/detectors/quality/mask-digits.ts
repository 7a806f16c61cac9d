// Values copied into quality evidence (ungrounded numbers, schema paths) may hold an account or
// phone number: every run of six or more digits is starred, shorter numbers stay readable.

export function maskDigitRuns(text: string): string {
  return text.replace(/\d{6,}/g, (run) => '*'.repeat(run.length));
}
