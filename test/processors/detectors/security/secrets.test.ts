import { describe, expect, it } from 'vitest';
import { findSecrets } from '../../../../processors/detectors/security/secrets.ts';

// Test-only values assembled at run time, shaped like real credentials.
const OPENAI = `sk-proj-${'Zq7Lm2Xc9Vb4Nw8K'.repeat(3)}`;
const ANTHROPIC = `sk-ant-api03-${'Hd8sKq2Lp5Xz3Mv7'.repeat(4)}`;
const AWS = `AKIA${'QW7ERTY2UIOP3ASD'}`;
const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0'.repeat(2)}`;
const SLACK = `xoxb-${'1234567890-abcdefghij'}`;
const STRIPE = `sk_live_${'51Hq8dKb2Lx9Vm4Pz'.repeat(2)}`;
const AZURE_KEY = `${'Yk3Jd9Qw2Lm7Xc4Vb8Nz1Pa5Rs6Tu0'.repeat(2)}ab==`;
const GOOGLE = `AIza${'Sy7-abcdefghijklmnopqrstuvwxyz01234'}`;

describe('secrets', () => {
  it.each([
    [OPENAI, 'openai_api_key', 'sk-proj-'],
    [ANTHROPIC, 'anthropic_api_key', 'sk-ant-api03-'],
    [AWS, 'aws_access_key_id', 'AKIA'],
    [GITHUB, 'github_token', 'ghp_'],
    [SLACK, 'slack_token', 'xoxb-'],
    [GOOGLE, 'google_api_key', 'AIza'],
    [STRIPE, 'stripe_secret_key', 'sk_live_'],
  ])('finds %s as %s and keeps only its prefix and last characters', (value, type, prefix) => {
    const [hit] = findSecrets(`here: ${value} end`);
    expect(hit).toMatchObject({ type, rule: `secret:${type}`, offset: 6 });
    expect(hit.masked.startsWith(prefix)).toBe(true);
    expect(hit.masked).not.toContain(value.slice(prefix.length, prefix.length + 8));
    expect(hit.masked.length).toBe(value.length);
  });

  it('finds private-key headers, connection strings with a password, bearer tokens', () => {
    expect(findSecrets('-----BEGIN RSA PRIVATE KEY-----\nMIIE...')).toMatchObject([
      { type: 'private_key', masked: '-----BEGIN RSA PRIVATE KEY-----' },
    ]);
    const [conn] = findSecrets('DATABASE_URL=postgres://app:S3cr3tPassw0rd@db.internal:5432/app');
    expect(conn).toMatchObject({ type: 'connection_string' });
    expect(conn.masked).not.toContain('S3cr3tPassw0rd');
    expect(findSecrets(`Authorization: Bearer ${'eyJhbGciOiJIUzI1NiJ9x7'.repeat(2)}`)).toMatchObject([{ type: 'bearer_token' }]);
  });

  it('finds the shared key of an Azure storage or Service Bus connection string, keeping only the key name', () => {
    const [hit] = findSecrets(`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`);
    expect(hit).toMatchObject({ type: 'azure_shared_key', rule: 'secret:azure_shared_key' });
    expect(hit.masked.startsWith('AccountKey=')).toBe(true);
    expect(hit.masked).not.toContain(AZURE_KEY.slice(0, 8));
    expect(findSecrets('Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=<your-key>')).toEqual([]);
  });

  it('reports a provider key behind Bearer once, as the key', () => {
    expect(findSecrets(`Authorization: Bearer ${OPENAI}`).map((h) => h.type)).toEqual(['openai_api_key']);
  });

  it.each([
    'Set OPENAI_API_KEY=sk-... in your environment.',
    'Use postgres://user:password@localhost:5432/db or postgres://app:${DB_PASSWORD}@db/app',
    'The header is Authorization: Bearer <your-token-here>',
    'scikit-learn is imported as sk-learn-compatible-estimators-module',
    'The key begins with AKIA and has 20 characters.',
  ])('does not flag the placeholder in %j', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });
});
