import { Injectable } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { request } from 'undici';

/** SNS signing certificates are ~2 KB; anything far larger is not one. */
export const CERTIFICATE_MAX_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 5000;
const CACHE_TTL_MS = 60 * 60 * 1000;
const CACHE_MAX_ENTRIES = 64;

/** Why a certificate could not be had: `unavailable` may pass (retry), `unusable` will not. */
export class CertificateError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'unusable',
    message: string,
  ) {
    super(message);
  }
}

/** Fetches a PEM by URL. Injectable so unit tests can count and fake fetches. */
export abstract class CertificateFetcher {
  abstract fetch(url: string): Promise<string>;
}

/**
 * GET with a timeout, a size cap and no redirects (undici's `request` follows none): the URL has passed the SNS
 * host check, and a redirect would leave it.
 */
@Injectable()
export class HttpCertificateFetcher extends CertificateFetcher {
  async fetch(url: string): Promise<string> {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, { method: 'GET', headersTimeout: FETCH_TIMEOUT_MS, bodyTimeout: FETCH_TIMEOUT_MS, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (e) {
      throw new CertificateError('unavailable', `certificate fetch failed: ${(e as Error).message}`);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new CertificateError(res.statusCode >= 500 ? 'unavailable' : 'unusable', `certificate fetch answered ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > CERTIFICATE_MAX_BYTES) {
        res.body.destroy();
        throw new CertificateError('unusable', 'certificate exceeds the size cap');
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

interface Cached {
  pem: Promise<string>;
  expiresAt: number;
}

/**
 * Signing certificates by URL, cached per process for an hour (SNS rotates them rarely and names each by a new
 * URL); one fetch serves concurrent requests. A failed fetch is not cached.
 */
@Injectable()
export class SnsCertificates {
  private readonly cache = new Map<string, Cached>();
  /** Overridable clock for unit tests. */
  now: () => number = Date.now;

  constructor(private readonly fetcher: CertificateFetcher) {}

  get(url: string): Promise<string> {
    const hit = this.cache.get(url);
    if (hit && hit.expiresAt > this.now()) return hit.pem;
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.evictOldest();
    const pem = this.load(url);
    this.cache.set(url, { pem, expiresAt: this.now() + CACHE_TTL_MS });
    pem.catch(() => this.cache.delete(url));
    return pem;
  }

  private async load(url: string): Promise<string> {
    const pem = await this.fetcher.fetch(url);
    try {
      new X509Certificate(pem);
    } catch {
      throw new CertificateError('unusable', 'the certificate is not an X.509 PEM');
    }
    return pem;
  }

  private evictOldest(): void {
    const first = this.cache.keys().next();
    if (!first.done) this.cache.delete(first.value);
  }
}
