import { matchesTypePrefix } from '../../event-filter';

/** A flexEngage webhook's `filter_spec`: its type patterns, upper case as that API shows them. */
export interface FlexEngageFilterSpec {
  types: string[];
}

function isFlexEngageSpec(spec: Record<string, unknown>): spec is Record<string, unknown> & FlexEngageFilterSpec {
  return Array.isArray(spec.types) && spec.types.every((t) => typeof t === 'string');
}

/** Whether an event of `type` goes to a flexEngage webhook: any of its patterns, hierarchically, any case. */
export function matchesFlexEngageSpec(spec: Record<string, unknown>, type: string): boolean {
  return isFlexEngageSpec(spec) && spec.types.some((p) => matchesTypePrefix(p, type));
}
