import { Inject, Injectable } from '@nestjs/common';
import { newWebhookSecret, SecretBox } from '../../common/crypto/secrets';
import { AppConfig } from '../../config/app-config';
import { CustomHeader, openCustomHeaders } from './custom-headers';

/** How long the secret before a rotation keeps signing (a 48 h grace window: docs/webhooks.md, "Signing"). */
export const ROTATION_GRACE_MS = 48 * 60 * 60 * 1000;

/** Seals and opens subscription secrets (AES-GCM with APP_ENCRYPTION_KEY). */
@Injectable()
export class SubscriptionSecrets {
  private readonly box: SecretBox;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.box = new SecretBox(config.encryptionKey);
  }

  /** A fresh `whsec_` secret and its sealed form. */
  generate(): { plain: string; sealed: string } {
    const plain = newWebhookSecret();
    return { plain, sealed: this.box.seal(plain) };
  }

  seal(plain: string): string {
    return this.box.seal(plain);
  }

  open(sealed: string): string {
    return this.box.open(sealed);
  }

  /** Custom headers as the `headers` column keeps them: name → sealed value. */
  sealHeaders(headers: CustomHeader[]): Record<string, string> {
    return Object.fromEntries(headers.map((h) => [h.name, this.box.seal(h.value)]));
  }

  /** name → plain value, for the owning tenant's reads. */
  openHeaders(sealed: Record<string, string> | null | undefined): Record<string, string> {
    return openCustomHeaders(sealed, (value) => this.box.open(value));
  }
}
