import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../agent/store/redact-url.ts';

describe('redactUrl', () => {
  it('hides the password of a postgres URL and keeps the rest', () => {
    expect(redactUrl('postgres://agent:s3cret@db.internal:5432/faultline?sslmode=require')).toBe(
      'postgres://agent:***@db.internal:5432/faultline?sslmode=require',
    );
  });

  it('hides a password that needed percent-encoding', () => {
    const redacted = redactUrl('postgresql://agent:p%40ss%3Aw0rd@localhost/faultline');
    expect(redacted).not.toContain('p%40ss');
    expect(redacted).toContain('agent:***@localhost');
  });

  it('hides a password given as a query parameter', () => {
    expect(redactUrl('postgres://agent@localhost/faultline?password=s3cret')).not.toContain('s3cret');
  });

  it('hides the password in a libpq keyword/value string', () => {
    expect(redactUrl("host=localhost user=agent password='s3 cret' dbname=faultline")).toBe(
      'host=localhost user=agent password=*** dbname=faultline',
    );
  });

  it('hides the password of a URL it cannot parse', () => {
    expect(redactUrl('postgres://agent:s3cret@bad host:99999/x')).not.toContain('s3cret');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(redactUrl('postgres://agent@localhost:5432/faultline')).toBe('postgres://agent@localhost:5432/faultline');
  });
});
