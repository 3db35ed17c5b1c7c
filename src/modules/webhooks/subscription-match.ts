import { matchesFlexEngageSpec } from './dialects/flexengage/flexengage-filter';
import { matchesMarigoldSpec, MarigoldFilterSpec } from './dialects/marigold/marigold-filter';
import { matchesEventFilter } from './event-filter';

/** The columns fan-out reads to decide whether a subscription gets an event. */
export interface MatchableSubscription {
  event_filter: string;
  filter_spec: Record<string, unknown> | null;
  origin: string;
}

/** The event as matchers see it: its type, and its CloudEvents view (built on first use). */
export interface MatchableEvent {
  type: string;
  cloudEvent: () => Record<string, unknown>;
}

/**
 * Whether `sub` gets `event`: a dialect's `filter_spec` when set (by the dialect that created the subscription),
 * else the `/v1` `event_filter`. One switch, one case per dialect; a spec of an unknown dialect matches nothing.
 */
export function subscriptionMatches(sub: MatchableSubscription, event: MatchableEvent): boolean {
  if (!sub.filter_spec) return matchesEventFilter(sub.event_filter, event.type);
  switch (sub.origin) {
    case 'flexengage':
      return matchesFlexEngageSpec(sub.filter_spec, event.type);
    case 'marigold':
      return matchesMarigoldSpec(sub.filter_spec as unknown as MarigoldFilterSpec, event.cloudEvent());
    default:
      return false;
  }
}
