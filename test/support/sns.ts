import { createHmac, createSign } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { canonicalString, SnsMessage } from '../../src/modules/ses-events/sns-message';

/** A key and self-signed certificate that stand in for an Amazon SNS signing certificate. */
export interface SnsKeyPair {
  certPem: string;
  keyPem: string;
}

export async function createSnsKeyPair(): Promise<SnsKeyPair> {
  const pems = await generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], { keySize: 2048, algorithm: 'sha256' });
  return { certPem: pems.cert, keyPem: pems.private };
}

export type UnsignedSnsMessage = Omit<SnsMessage, 'Signature'>;

/** Signs the message the way SNS does (RSA over the canonical string; SHA1 for version 1, SHA256 for 2). */
export function signSns(message: UnsignedSnsMessage, keyPem: string): SnsMessage {
  const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
  const draft = { ...message, Signature: '' } as SnsMessage;
  const Signature = createSign(algorithm).update(canonicalString(draft), 'utf8').sign(keyPem, 'base64');
  return { ...message, Signature };
}

/** The flat form's header value. */
export function flatSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * A local stand-in for Amazon's side: serves the signing certificate at `/SimpleNotificationService-<any>.pem`
 * (except the misbehaving `-redirect`, `-huge` and `-missing` names) and answers SubscribeURL GETs on `/confirm` (500 on `/unavailable`); records every request so tests can assert what was (not) fetched.
 */
export interface SnsStandIn {
  /** http://127.0.0.1:<port>/ — the prefix the app trusts through SNS_TRUSTED_CERT_URL_PREFIXES. */
  base: string;
  certUrl: string;
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

export async function startSnsStandIn(certPem: string): Promise<SnsStandIn> {
  const requests: { method: string; url: string }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    // Misbehaving certificate hosts, by name: a redirect elsewhere, an oversized body, a missing file.
    if (req.url?.startsWith('/SimpleNotificationService-redirect')) {
      res.writeHead(302, { location: '/SimpleNotificationService-target.pem' }).end();
    } else if (req.url?.startsWith('/SimpleNotificationService-huge')) {
      res.writeHead(200).end(certPem.repeat(64));
    } else if (req.url?.startsWith('/SimpleNotificationService-missing')) {
      res.writeHead(404).end();
    } else if (req.url?.startsWith('/SimpleNotificationService-')) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(certPem);
    } else if (req.url?.startsWith('/unavailable')) {
      res.writeHead(500).end();
    } else if (req.url?.startsWith('/confirm')) {
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    base,
    certUrl: `${base}SimpleNotificationService-test.pem`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
