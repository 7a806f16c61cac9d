// The extractors behind the grounding screen and the token check, on their own: what counts as a
// fact or an entity, how values are normalised, and what is left out.
import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../../processors/detectors/quality/entities.ts';
import { extractFacts } from '../../../../processors/detectors/quality/facts.ts';
import { buildGroundingContext, screenFacts } from '../../../../processors/detectors/quality/grounding.ts';
import { maskDigitRuns } from '../../../../processors/detectors/quality/mask-digits.ts';
import { estimateTokens } from '../../../../agent/core/model/token-estimate.ts';

const values = (text: string) => extractFacts(text).map((f) => `${f.kind}:${f.value}${f.approximate ? '~' : ''}`);

describe('extractFacts', () => {
  it('normalises numbers, amounts and percentages (1,200 = 1200, 1.2k = 1200, $3.5 million)', () => {
    expect(values('We sold 1,200 units, about 1.2k more, for $3.5 million, a 12% rise, or 40 percent of 2,000 EUR.')).toEqual([
      'number:1200',
      'number:1200~',
      'currency:3500000~',
      'percent:12',
      'percent:40',
      'currency:2000',
    ]);
  });

  it('reads ISO, US and written dates to one form, and does not read their digits again as numbers', () => {
    expect(values('Due 2024-03-05, or 03/05/2024, or March 5, 2024, or 5th of March 2024.')).toEqual([
      'date:2024-03-05',
      'date:2024-03-05',
      'date:2024-03-05',
      'date:2024-03-05',
    ]);
  });

  it('takes URLs, citation markers and identifiers out before numbers', () => {
    expect(values('See https://example.org/a/2023/report. [3] Ref 555-123-4567 and 123456789.')).toEqual([
      'url:example.org/a/2023/report',
      'citation:3',
      'identifier:5551234567',
      'identifier:123456789',
    ]);
  });

  it('ignores digits inside words (gpt4, H2O)', () => {
    expect(values('gpt4 and H2O')).toEqual([]);
  });
});

describe('screenFacts', () => {
  it('grounds a number written differently in the context, and skips small counts', () => {
    const ctx = buildGroundingContext('Revenue: 1,200,000 dollars. Opened on 2024-03-05.', 0);
    expect(screenFacts('Revenue was $1.2 million; it opened on March 5, 2024 with 3 stores.', ctx)).toEqual({
      checked: { currency: 1, date: 1 },
      ungrounded: {},
      examples: [],
    });
  });

  it('builds the context only when the answer has a fact to check', () => {
    let built = 0;
    screenFacts('Nothing to check here.', () => (built++, buildGroundingContext('x', 0)));
    expect(built).toBe(0);
    screenFacts('It costs $40.', () => (built++, buildGroundingContext('x', 0)));
    expect(built).toBe(1);
  });
});

describe('maskDigitRuns', () => {
  it('stars runs of six digits or more and keeps shorter numbers', () => {
    expect(maskDigitRuns('/items/12/acct/1234567')).toBe('/items/12/acct/*******');
  });
});

describe('extractEntities', () => {
  it('finds multi-word names, names joined by particles, and names mid-sentence', () => {
    expect(extractEntities('Yesterday we met Marie Curie at the University of Paris, then flew to Lyon.')).toEqual([
      'Marie Curie',
      'University of Paris',
      'Lyon',
    ]);
  });

  it('skips a lone capitalised word that starts a sentence or a line, pronouns and short acronyms', () => {
    expect(extractEntities('Sure. Here is the plan.\nFirst, I will call the API on Monday.')).toEqual([]);
  });

  it('keeps a multi-word name at the start of a sentence', () => {
    expect(extractEntities('Acme Robotics GmbH grew fast.')).toEqual(['Acme Robotics GmbH']);
  });

  it('reads no names in SQL keywords, fenced or inline code, or URLs, and still reads the prose around them', () => {
    expect(extractEntities('SELECT customer_id, SUM(amount) AS ltv FROM orders GROUP BY customer_id ORDER BY ltv DESC LIMIT 10;')).toEqual(
      [],
    );
    expect(
      extractEntities(
        'Here it is:\n```sql\nSELECT Name FROM Customers\n```\nRun it on the Reporting Replica, see `OrderService.Find` and https://Docs.Example.com/Api.',
      ),
    ).toEqual(['Reporting Replica']);
    // Outside code, an upper-case run that is not SQL is still a name.
    expect(extractEntities('The audit was done by KPMG Audit Services last week.')).toEqual(['KPMG Audit Services']);
  });

  it('reads no names in the greeting and sign-off of a polite reply, and keeps those in its body', () => {
    expect(extractEntities('Dear Ms Jones, thank you for your patience.\n\nKind regards,\nSarah Miller')).toEqual([]);
    expect(extractEntities('Hi Tom,\nyour parcel left the Rotterdam Hub today.\n\nBest regards,\nSarah Miller\nNorthwind Support')).toEqual(
      ['Rotterdam Hub'],
    );
  });
});

describe('estimateTokens', () => {
  it('counts about one token per English word and punctuation mark', () => {
    expect(estimateTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('counts digits in groups of three and each CJK character as one', () => {
    expect(estimateTokens('123456789')).toBe(3);
    expect(estimateTokens('東京都')).toBe(3);
  });
});
