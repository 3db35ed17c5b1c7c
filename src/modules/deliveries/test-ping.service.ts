import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { newWebhookSecret } from '../../common/crypto/secrets';
import { AppError } from '../../common/errors/app-error';
import { SafeHttpClient } from '../../common/outbound/safe-http';
import { classifyResponse, responseErrorCode } from './classify-response';
import { deliveryHeaders } from './delivery-request';
import { eventEnvelope, signDelivery } from './signing';
import { TestWebhookDto, TestWebhookResponse } from './test-ping.dto';

/** `POST /v1/webhooks/test`: one signed sample event, sent synchronously through the safe client; nothing stored. */
@Injectable()
export class TestPingService {
  constructor(private readonly http: SafeHttpClient) {}

  async ping(dto: TestWebhookDto): Promise<TestWebhookResponse> {
    const problem = this.http.urlProblem(dto.url);
    if (problem) throw AppError.validation({ url: [problem] });
    const secret = dto.secret ?? newWebhookSecret();
    const event = { id: uuidv7(), type: dto.event_type ?? 'test.ping', createdAt: new Date(), payload: dto.payload ?? { hello: 'from-webhook-relay' } };
    const body = eventEnvelope(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const signatures = signDelivery([secret], event.id, timestamp, body);
    const res = await this.http.post({ url: dto.url, body, headers: deliveryHeaders(event.id, timestamp, signatures) });
    // A name that resolves to a refused address is as invalid as a literal one (400, like a literal one).
    if (res.errorCode === 'ssrf_blocked') throw AppError.validation({ url: [res.errorDetail ?? 'refused by the SSRF guard'] });
    return {
      ok: classifyResponse(res).kind === 'ok',
      status: res.status,
      latency_ms: res.latencyMs,
      response_body_snippet: res.body,
      signature_sent: signatures.xWebhookSignature,
      secret_used: secret,
      error_code: responseErrorCode(res),
      error_detail: res.errorDetail,
    };
  }
}
