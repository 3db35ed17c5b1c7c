import { Principal } from './principal';

/** Turns a `whk_…` API key into a principal; provided by the tenants module, which owns the keys. */
export abstract class ApiKeyResolver {
  abstract resolve(key: string): Promise<Principal | null>;
}

export const API_KEY_PATTERN = /^whk_(sandbox|test|live)_[A-Za-z0-9_-]{20,128}$/;
