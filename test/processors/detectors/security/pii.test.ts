import { describe, expect, it } from 'vitest';
import { findPii, ibanValid, luhnValid } from '../../../../processors/detectors/security/pii.ts';

const types = (text: string, min = 0.6) =>
  findPii(text)
    .filter((h) => h.confidence >= min)
    .map((h) => h.type);

describe('PII: weak pattern, then checksum, then context', () => {
  it('checks Luhn and mod-97', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
  });

  it('finds a card number that passes Luhn and masks it', () => {
    const [hit] = findPii('Your card 4111 1111 1111 1111 is on file.');
    expect(hit).toMatchObject({ type: 'credit_card', rule: 'pii:credit_card.luhn', offset: 10, masked: '4111********1111', confidence: 1 });
  });

  it('does not report a 16-digit number that fails Luhn', () => {
    expect(types('Order number 4111 1111 1111 1112 shipped.')).toEqual([]);
    expect(types('Tracking 1234567812345678 and 0000000000000000')).toEqual([]);
  });

  it('finds an IBAN with a valid checksum, not one with a wrong check digit, and stops before a trailing word', () => {
    expect(findPii('IBAN: DE89 3704 0044 0532 0130 00 THANKS')).toMatchObject([{ type: 'iban', masked: 'DE89****************00' }]);
    expect(types('IBAN: DE88 3704 0044 0532 0130 00')).toEqual([]);
  });

  it('applies the US SSN rules: area 000/666/9xx, group 00, serial 0000 and mixed delimiters are not SSNs', () => {
    expect(findPii('Her SSN is 536-22-1987.')).toMatchObject([{ type: 'us_ssn', masked: '***-**-**87', confidence: 0.95 }]);
    for (const n of [
      '000-12-3456',
      '666-12-3456',
      '912-12-3456',
      '536-00-1987',
      '536-22-0000',
      '536-22.1987',
      '123-45-6789',
      '111-11-1111',
    ])
      expect(types(`SSN ${n}`)).toEqual([]);
  });

  it('finds emails (not reserved example domains), E.164 phones, national phones only with context, public IPs with context', () => {
    expect(types('Write to jane.doe@acme-corp.com')).toEqual(['email']);
    expect(types('Write to jane@example.com')).toEqual([]);
    expect(types('Reach him on +14155550123')).toEqual(['phone']);
    expect(types('Call her at (415) 555-0123 today')).toEqual(['phone']);
    expect(types('The range 415-555-0123 is a part number')).toEqual([]);
  });

  it('leaves toll-free business lines alone, in national and E.164 form', () => {
    for (const text of [
      'Call our returns line at 800 555 0199.',
      'Call us at (888) 555-0142 any time.',
      'Phone +18005550199 for support',
      'Hotline: call +448005550123',
      'Ruf uns an: +498001234567',
    ])
      expect(types(text), text).toEqual([]);
    expect(types('Call her at (415) 555-0123 or +14155550123')).toEqual(['phone', 'phone']);
    expect(types('The user logged in from 81.2.69.160')).toEqual(['ip_address']);
    expect(types('Use DNS 8.8.8.8 or 192.168.1.1')).toEqual([]);
  });

  it('never returns the raw value in a hit', () => {
    const text = 'card 5500 0000 0000 0004, mail bob.smith@acme-corp.com, phone +442071838750';
    const hits = findPii(text);
    expect(hits.map((h) => h.type)).toEqual(['credit_card', 'email', 'phone']);
    const json = JSON.stringify(hits);
    for (const raw of ['5500 0000 0000 0004', '5500000000000004', 'bob.smith@acme-corp.com', 'bob.smith', '+442071838750'])
      expect(json).not.toContain(raw);
  });
});
