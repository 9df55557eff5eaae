import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message as the SMTP server received it: the envelope, the raw bytes, and mailparser's reading. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  readonly url: string;
  readonly messages: SinkMessage[];
  /** The messages whose envelope goes to this address. */
  to(address: string): SinkMessage[];
  /**
   * Refuses RCPT TO with this code: for one address, or (without one) for every recipient.
   * 451 is a passing refusal ("try again later"), 550 a permanent one. undefined accepts again.
   */
  refuse(code: 451 | 550 | undefined, address?: string): void;
  /** Stops listening: the port is closed, as when the mail server is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

class RecipientRefused extends Error {
  constructor(
    readonly responseCode: number,
    address: string,
  ) {
    super(responseCode >= 500 ? `<${address}>: Recipient address rejected: User unknown` : `<${address}>: Recipient address rejected: try again later`);
  }
}

/**
 * A real SMTP server in the test process (smtp-server, no TLS, no login) that keeps and parses
 * every message it is given, for end-to-end mail tests.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const refusals = new Map<string, 451 | 550>();
  let refuseAll: 451 | 550 | undefined;
  let port = 0;
  let server: SMTPServer | undefined;

  const create = () =>
    new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        const code = refusals.get(address.address.toLowerCase()) ?? refuseAll;
        callback(code ? new RecipientRefused(code, address.address) : undefined);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          };
          simpleParser(raw).then(
            (parsed) => {
              messages.push({ envelope, raw, parsed });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });

  const listen = async () => {
    if (server) return;
    server = create();
    server.on('error', () => {});
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  };
  const stop = async () => {
    if (!server) return;
    const closing = server;
    server = undefined;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    messages,
    to: (address) => messages.filter((message) => message.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase())),
    refuse(code, address) {
      if (address === undefined) refuseAll = code;
      else if (code === undefined) refusals.delete(address.toLowerCase());
      else refusals.set(address.toLowerCase(), code);
    },
    down: stop,
    up: listen,
    close: stop,
  };
}
