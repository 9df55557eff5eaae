import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as Twilio's Messages resource received it. */
export interface FakeTwilioMessage {
  accountSid: string;
  authorization: string | undefined;
  to: string;
  from: string;
  body: string;
}

/**
 * Twilio's Messages endpoint (POST /2010-04-01/Accounts/:sid/Messages.json), on 127.0.0.1.
 * It checks HTTP Basic credentials as Twilio does, answers 201 with a message SID, refuses
 * numbers the test marks invalid with Twilio's 400 and error 21211, and can be made to fail
 * with a 503 for a while, like an outage.
 */
export async function startFakeTwilio(credentials: { accountSid: string; authToken: string }) {
  const received: FakeTwilioMessage[] = [];
  const invalidNumbers = new Set<string>();
  let outage = false;
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: object) => {
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match) return answer(404, { code: 20404, message: 'The requested resource was not found' });
      if (request.headers.authorization !== expectedAuth || decodeURIComponent(match[1]!) !== credentials.accountSid) {
        return answer(401, { code: 20003, message: 'Authenticate' });
      }
      if (outage) return answer(503, { code: 20503, message: 'Service unavailable' });
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const message = { accountSid: match[1]!, authorization: request.headers.authorization, to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '' };
      if (invalidNumbers.has(message.to)) return answer(400, { code: 21211, message: `The 'To' number ${message.to} is not a valid phone number.` });
      received.push(message);
      return answer(201, { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to: message.to });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refuseNumber: (number: string) => invalidNumbers.add(number),
    setOutage: (down: boolean) => {
      outage = down;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
