// Hides the password in a database URL (or libpq key=value string) before it reaches a log line
// or an error message. Never throws: a string it cannot parse is redacted wholesale.

const REDACTED = '***';

export function redactUrl(url: string): string {
  if (!url.includes('://')) {
    // libpq keyword/value form: host=… user=… password=…
    return url.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, `$1${REDACTED}`);
  }
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    for (const key of [...parsed.searchParams.keys()]) {
      if (key.toLowerCase() === 'password') parsed.searchParams.set(key, REDACTED);
    }
    return parsed.toString();
  } catch {
    // Unparseable URL: strip anything between "scheme://user:" and "@" so a typo never leaks a secret.
    return url.replace(/(\/\/[^/:@]*:)[^@]*@/, `$1${REDACTED}@`).replace(/(password=)[^&\s]*/gi, `$1${REDACTED}`);
  }
}
