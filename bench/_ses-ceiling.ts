import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { randomUUID } from 'node:crypto';

/**
 * The SES ceiling: `concurrency` loops of bare `SESv2Client` SendEmail calls (Simple content + headers, the kind of
 * email the engine sends) to the same endpoint, for `seconds`.
 */
export async function sesCeiling(endpoint: string, seconds: number, concurrency: number): Promise<number> {
  const client = new SESv2Client({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
  const content = {
    Simple: {
      Subject: { Data: 'Bench Bench', Charset: 'UTF-8' },
      Body: {
        Html: { Data: '<p>Hello user@bench.example, <a href="https://e.example/unsubscribe/x">unsubscribe</a></p>', Charset: 'UTF-8' },
        Text: { Data: 'Hello user@bench.example, unsubscribe [https://e.example/unsubscribe/x]', Charset: 'UTF-8' },
      },
      Headers: [
        { Name: 'List-Unsubscribe', Value: '<https://e.example/unsubscribe/x>' },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
      ],
    },
  };
  let sent = 0;
  const until = Date.now() + seconds * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await client.send(
          new SendEmailCommand({
            FromEmailAddress: 'bench@bench.example',
            Destination: { ToAddresses: ['user@bench.example'] },
            Content: content,
            EmailTags: [{ Name: 'message_id', Value: randomUUID() }],
          }),
        );
        sent++;
      }
    }),
  );
  client.destroy();
  return sent / (Number(process.hrtime.bigint() - start) / 1e9);
}
