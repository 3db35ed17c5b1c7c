import { Inject, Injectable } from '@nestjs/common';
import { newWebhookSecret, SecretBox } from '../../common/crypto/secrets';
import { AppConfig } from '../../config/app-config';
import { CustomHeader } from './custom-headers';
import { WebhookSubscription } from './entities/webhook-subscription.entity';

/** How long the secret before a rotation keeps signing (DESIGN: 48 h grace window). */
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

  /** name → plain value, for the owning tenant's reads and for the request itself. */
  openHeaders(sealed: Record<string, string> | null | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(sealed ?? {}).map(([name, value]) => [name, this.box.open(value)]));
  }

  /** Secrets to sign with now, newest first: the current one, plus the previous one inside its grace window. */
  signingSecrets(sub: Pick<WebhookSubscription, 'sealedSecret' | 'sealedPreviousSecret' | 'previousSecretExpiresAt'>, now = new Date()): string[] {
    const secrets = [this.open(sub.sealedSecret)];
    if (sub.sealedPreviousSecret && sub.previousSecretExpiresAt && sub.previousSecretExpiresAt > now) {
      secrets.push(this.open(sub.sealedPreviousSecret));
    }
    return secrets;
  }
}
