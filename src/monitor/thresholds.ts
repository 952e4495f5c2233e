import type { Config } from '../config/schema.js';
import type { Thresholds } from './evaluate.js';
import { type CredentialMatch, describeMatch, type Matchable, matchesCredential } from './match.js';

export interface ThresholdRule {
  match: CredentialMatch;
  warn?: number | undefined;
  critical?: number | undefined;
  lapsed?: number | undefined;
}

/** The thresholds that apply to one credential, and which rule gave them (null: the top-level values). */
export interface AppliedThresholds {
  thresholds: Thresholds;
  /** Index into `thresholds.rules`, or null. */
  rule: number | null;
}

/**
 * The thresholds per credential: the first rule whose `match` fits wins, and any key it leaves out
 * is the top-level value. Built once per check; each credential's answer is then a short scan.
 */
export function thresholdsResolver(config: Pick<Config, 'thresholds' | 'usage'>): (c: Matchable) => AppliedThresholds {
  const { rules = [], ...top } = config.thresholds;
  const base: Thresholds = { warn: top.warn, critical: top.critical, lapsed: top.lapsed, usage: config.usage };
  const resolved = rules.map((rule, index) => ({ index, match: rule.match, thresholds: { ...base, ...defined(rule) } }));
  return (c) => {
    const rule = resolved.find((r) => matchesCredential(r.match, c));
    return rule ? { thresholds: rule.thresholds, rule: rule.index } : { thresholds: base, rule: null };
  };
}

function defined(rule: ThresholdRule): Partial<Thresholds> {
  return {
    ...(rule.warn === undefined ? {} : { warn: rule.warn }),
    ...(rule.critical === undefined ? {} : { critical: rule.critical }),
    ...(rule.lapsed === undefined ? {} : { lapsed: rule.lapsed }),
  };
}

/** `thresholds.rules[1] (provider=anthropic type=token)`, or `thresholds` for the top-level values. */
export function describeRule(rules: readonly ThresholdRule[] | undefined, index: number | null): string {
  if (index === null || !rules?.[index]) return 'thresholds';
  return `thresholds.rules[${index}] (${describeMatch(rules[index].match)})`;
}
