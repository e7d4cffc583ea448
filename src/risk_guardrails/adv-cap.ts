import type { Guardrail, GuardrailInput, GuardrailResult, Weights } from './guardrail.js';

/**
 * ADV limit: no order's notional may exceed `orderCap` x the asset's 30-day ADV, and no position may exceed
 * `positionCap` x ADV. Oversized orders are cut to the limit (never dropped silently: the trip lists every cut);
 * an asset with unknown or zero ADV cannot be traded.
 */
export class AdvCap implements Guardrail {
  readonly name = 'adv-cap';

  constructor(private readonly s: { orderCap: number; positionCap: number }) {}

  describe(): string {
    return `ADV: order <= ${(100 * this.s.orderCap).toFixed(2)} % and position <= ${this.s.positionCap} x of 30-day ADV`;
  }

  check(i: GuardrailInput): GuardrailResult {
    const out: Weights = {};
    const cuts: string[] = [];
    for (const s of [...new Set([...Object.keys(i.current), ...Object.keys(i.proposed)])].sort()) {
      const cur = i.current[s] ?? 0;
      const want = i.proposed[s] ?? 0;
      const adv = i.advUsd[s] ?? 0;
      if (!(adv > 0)) {
        if (cur > 0) out[s] = cur; // cannot trade it: keep what is held
        if (want !== cur) cuts.push(`${s}: no ADV`);
        continue;
      }
      const maxOrder = (this.s.orderCap * adv) / i.navUsd;
      const maxPosition = (this.s.positionCap * adv) / i.navUsd;
      let target = Math.min(want, maxPosition); // no position above the cap, held ones included (sold down over time)
      const delta = target - cur;
      if (Math.abs(delta) > maxOrder) target = cur + Math.sign(delta) * maxOrder;
      if (target !== want) cuts.push(`${s}: ${(want * i.navUsd).toFixed(0)} -> ${(target * i.navUsd).toFixed(0)} USD (ADV ${adv.toFixed(0)})`);
      if (target > 0) out[s] = target;
    }
    return {
      weights: out,
      trip: cuts.length === 0 ? null : { guardrail: this.name, reason: `${cuts.length} order(s) cut to the ADV limits`, values: { cuts: cuts.join('; '), orderCap: this.s.orderCap, positionCap: this.s.positionCap } },
    };
  }
}
