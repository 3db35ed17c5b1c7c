/**
 * Whether a console session was ended server-side (logout, or every session of its tenant revoked). Provided by
 * the console module, which owns the links the sessions were opened from; the cookie itself stays stateless.
 */
export abstract class ConsoleSessionRevocations {
  abstract isRevoked(sid: string): Promise<boolean>;
}
