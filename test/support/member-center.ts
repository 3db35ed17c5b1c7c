import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signMemberCenterRequest } from '../../src/modules/subscribers/member-center-signature';
import { TestApp } from './app';
import { adminTokenFor } from './auth';

export interface SignOptions {
  secret?: string;
  clientId?: string;
  timestamp?: string;
  nonce?: string;
  /** Overrides the computed signature header. */
  signature?: string;
  /** Sign these bytes but send `body` (to prove the raw bytes are what is checked). */
  signedBody?: string;
  omit?: ('x-client-id' | 'x-timestamp' | 'x-nonce' | 'x-signature')[];
}

/** A Member Center client of a tenant, created through the admin API, that signs requests like Member Center does. */
export class MemberCenterClient {
  constructor(
    private readonly t: TestApp,
    readonly clientId: string,
    public secret: string,
  ) {}

  static async create(t: TestApp, tenantId: string): Promise<MemberCenterClient> {
    const res = await request(t.url)
      .post(`/api/tenants/${tenantId}/member-center-clients`)
      .set('Authorization', `Bearer ${adminTokenFor(t)}`)
      .send({});
    if (res.status !== 201) throw new Error(`member center client: ${res.status} ${JSON.stringify(res.body)}`);
    return new MemberCenterClient(t, res.body.client_id, res.body.secret);
  }

  /** Headers for `body` exactly as given (a string is sent byte for byte). */
  headers(body: string, o: SignOptions = {}): Record<string, string> {
    const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = o.nonce ?? randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-client-id': o.clientId ?? this.clientId,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': o.signature ?? signMemberCenterRequest(o.secret ?? this.secret, timestamp, nonce, o.signedBody ?? body),
    };
    for (const h of o.omit ?? []) delete headers[h];
    return headers;
  }

  post(path: string, payload: unknown, o: SignOptions = {}): request.Test {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return request(this.t.url).post(path).set(this.headers(body, o)).send(body);
  }
}
