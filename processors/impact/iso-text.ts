// An event time's ISO text, kept with the time it was made for: a subject is put out again and
// again with the same first and last times, and toISOString was most of assessing it.

export interface IsoText {
  ms: number;
  text: string;
}

export const createIsoText = (): IsoText => ({ ms: NaN, text: '' });

/** The ISO text of ms, made again only when ms is not the time the text was made for. */
export function isoTextOf(kept: IsoText, ms: number): string {
  if (kept.ms !== ms) {
    kept.text = new Date(ms).toISOString();
    kept.ms = ms;
  }
  return kept.text;
}
