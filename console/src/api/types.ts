/**
 * Response shapes for the routes whose schema in the generated document is missing, empty or loose (response
 * classes the document describes only when the Nest Swagger plugin compiles them; the drift test boots the app
 * without it). They mirror the engine's response code (src/modules/**); every other route is typed by its schema.
 */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Subscription {
  id: string;
  name: string | null;
  url: string;
  event_filter: string;
  state: 'active' | 'paused' | 'disabled';
  consecutive_failures: number;
  paused_at: string | null;
  secret_rotated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionWithSecret extends Subscription {
  signing_secret: string;
}

export interface EngineEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  created_at: string;
  deliveries_summary: { total: number; succeeded: number; failed: number; pending: number };
}

export interface Attempt {
  attempt_number: number;
  request_signature: string;
  request_headers: Record<string, string> | null;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body_snippet: string | null;
  latency_ms: number | null;
  error_code: string | null;
  attempted_at: string;
}

export interface Delivery {
  id: string;
  event_id: string | null;
  subscription_id: string | null;
  status: 'pending' | 'success' | 'failed' | 'dead';
  attempts_made: number;
  next_attempt_at: string | null;
  final_status_code: number | null;
  completed_at: string | null;
  created_at: string;
  attempts?: Attempt[];
}

export interface TestPing {
  ok: boolean;
  status: number | null;
  latency_ms: number;
  response_body_snippet: string | null;
  signature_sent: string;
  secret_used: string;
  error_code: string | null;
  error_detail: string | null;
}

/** A send job; the progress counts come with GET /api/send-jobs/{id} only. */
export interface SendJob {
  id: string;
  name: string | null;
  subject: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  created_at: string;
  total?: number;
  sent?: number;
  failed?: number;
  skipped?: number;
  unknown?: number;
  pending?: number;
}

export interface Recovery {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  replayed: number;
  dry_run: boolean;
  rate_per_second: number;
}

/** Response shape per route and method, in place of the generated document's. */
export interface Fallbacks {
  '/v1/subscriptions': { get: Page<Subscription>; post: SubscriptionWithSecret };
  '/v1/subscriptions/{id}': { get: Subscription; patch: Subscription };
  '/v1/subscriptions/{id}/pause': { post: Subscription };
  '/v1/subscriptions/{id}/resume': { post: Subscription };
  '/v1/subscriptions/{id}/rotate-secret': { post: SubscriptionWithSecret };
  '/v1/webhooks/test': { post: TestPing };
  '/v1/events': { get: Page<EngineEvent> };
  '/v1/deliveries': { get: Page<Delivery> };
  '/v1/deliveries/{id}': { get: Delivery };
  '/v1/dead-letters': { get: Page<Delivery> };
  '/v1/dead-letters/{id}/replay': { post: Delivery };
  '/api/send-jobs': { get: Page<SendJob> };
  '/api/send-jobs/{id}': { get: SendJob };
  '/api/send-jobs/{id}/cancel': { post: { id: string; status: string } };
}
