import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { version } from '../../../package.json';
import { SECURITY } from '../auth/auth.decorators';

/** Security schemes of every API dialect, under the names their clients know. */
export const SECURITY_SCHEMES = {
  ...SECURITY,
  webhookSignature: 'webhookSignature',
  webhookTimestamp: 'webhookTimestamp',
  webhookNonce: 'webhookNonce',
  webhookClientId: 'webhookClientId',
  sesSignature: 'sesSignature',
  oauth2: 'oauth2',
} as const;

export function buildOpenApi(app: NestFastifyApplication) {
  const config = new DocumentBuilder()
    .setTitle('Send Engine API')
    .setDescription('Email sending and webhook delivery for many tenants. Errors are application/problem+json.')
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Admin-client JWT' }, SECURITY.jwt)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API Key', description: 'Authorization: Bearer whk_live_…' }, SECURITY.apiKey)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Signature' }, SECURITY_SCHEMES.webhookSignature)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Timestamp' }, SECURITY_SCHEMES.webhookTimestamp)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Nonce' }, SECURITY_SCHEMES.webhookNonce)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Client-Id' }, SECURITY_SCHEMES.webhookClientId)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Amz-Sns-Signature' }, SECURITY_SCHEMES.sesSignature)
    .addOAuth2(
      {
        type: 'oauth2',
        flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { 'webhooks:read': 'read', 'webhooks:write': 'write' } } },
      },
      SECURITY_SCHEMES.oauth2,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the JSON at /docs-json (public: the API description is not a secret). */
export function mountSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
