// What a deployment is sent (requests or tokens), counted from the calls themselves in slots of
// span time. Beside the remaining headers it tells two things apart that both make the remaining
// count fall: traffic heading for the limit, and a per-minute window still filling after a step in
// traffic (its drain stops once the window holds the new rate, below the limit). The pace is the
// share of the limit one window of traffic would use at the current rate plus its trend projected
// `lookaheadSecs` ahead; at a steady pace under 1 neither a sliding or fixed window nor a token
// bucket runs out.
const SLOT_MS = 5_000;
/** Slots averaged for the current rate (20 s). */
const RATE_SLOTS = 4;
/** Least share of the used count the calls must account for before their pace is trusted. */
const MIN_EXPLAINED = 2 / 3;

export class ArrivalRate {
  private readonly slots: Float64Array;
  /** Slots in one window of the limit. */
  private readonly windowSlots: number;
  /** Index (span time ÷ SLOT_MS) of the newest slot; the ring holds the ones before it. */
  private newest = -Infinity;

  constructor(
    private readonly windowSecs: number,
    private readonly lookaheadSecs: number,
  ) {
    this.windowSlots = Math.max(Math.round((windowSecs * 1000) / SLOT_MS), 2 * RATE_SLOTS);
    this.slots = new Float64Array(this.windowSlots + 1);
  }

  add(atMs: number, amount: number): void {
    const slot = Math.floor(atMs / SLOT_MS);
    if (slot > this.newest) {
      // Slots passed over since the newest are empty.
      const clear = Math.min(this.slots.length, slot - this.newest);
      for (let i = 1; i <= clear; i++) this.slots[(slot - clear + i) % this.slots.length] = 0;
      this.newest = slot;
    } else if (slot <= this.newest - this.slots.length) return; // older than the ring
    this.slots[slot % this.slots.length] += amount;
  }

  /**
   * The share of `limit` one window of traffic would use `lookaheadSecs` from now, at the current
   * rate (the last RATE_SLOTS slots) plus the trend of the last window (least-squares slope of the
   * slot rates), scaled up by what the headers count beyond these calls. null when the calls carry
   * nothing to count over the window, or account for less than MIN_EXPLAINED of the used count.
   */
  pace(used: number, limit: number): number | null {
    if (this.newest === -Infinity || limit <= 0) return null;
    const last = this.newest - 1; // complete slots only: the newest is still filling
    const n = this.windowSlots;
    const slotSecs = SLOT_MS / 1000;
    let inWindow = 0;
    let recent = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const y = this.at(last - (n - 1 - i));
      inWindow += y;
      if (i >= n - RATE_SLOTS) recent += y;
      const x = i * slotSecs;
      sx += x;
      sy += y / slotSecs;
      sxx += x * x;
      sxy += (x * y) / slotSecs;
    }
    if (inWindow <= 0) return null;
    const rate = recent / (RATE_SLOTS * slotSecs);
    const trendPerSec = Math.max(0, (n * sxy - sx * sy) / (n * sxx - sx * sx));
    // Calls that explain little of what the headers count (other senders share the key) cannot
    // tell how the rest will move: no pace, and the drain of the headers decides alone.
    if (used > inWindow / MIN_EXPLAINED) return null;
    return ((Math.max(used, inWindow) / inWindow) * ((rate + trendPerSec * this.lookaheadSecs) * this.windowSecs)) / limit;
  }

  private at(slot: number): number {
    return slot > this.newest - this.slots.length ? this.slots[slot % this.slots.length] : 0;
  }
}
