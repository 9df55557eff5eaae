import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

interface MessageSummary {
  id: number;
  sent_at: Date;
  to_address: string;
  subject: string;
}

export function DevMailboxPage({ layout, messages }: { layout: LayoutProps; messages: MessageSummary[] }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Development mailbox" meta={{ robots: 'noindex' }}>
      <h1 class="page-title mb-2">Development mailbox</h1>
      <p class="mb-6 text-slate-600">With no SMTP_URL set, mail is kept here instead of being sent. Newest first.</p>
      {messages.length === 0 ? (
        <p class="text-slate-700">No messages yet.</p>
      ) : (
        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
          {messages.map((message) => (
            <li class="p-4" data-mail-message={message.id}>
              <a href={`/dev/mail/${message.id}`} class="text-link" safe>
                {message.subject}
              </a>
              <p class="text-sm text-slate-600">
                To <span safe>{message.to_address}</span> · <time datetime={new Date(message.sent_at).toISOString()} safe>{new Date(message.sent_at).toUTCString()}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </ShopLayout>
  );
}

/** The plain-text part, with its links made clickable (the HTML part is not rendered here: no third-party markup on our origin). */
export function DevMessagePage({ layout, message }: { layout: LayoutProps; message: MessageSummary & { text_body: string } }): JSX.Element {
  const links = message.text_body.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  return (
    <ShopLayout layout={layout} title={message.subject} meta={{ robots: 'noindex' }}>
      <p class="mb-4">
        <a href="/dev/mail" class="text-link">
          ← All messages
        </a>
      </p>
      <h1 class="page-title mb-2" safe>
        {message.subject}
      </h1>
      <p class="mb-4 text-sm text-slate-600">
        To <span safe>{message.to_address}</span>
      </p>
      <pre class="panel text-sm whitespace-pre-wrap" data-mail-text safe>
        {message.text_body}
      </pre>
      {links.length ? (
        <ul class="mt-4 space-y-2" aria-label="Links in this message">
          {links.map((href) => (
            <li>
              <a href={href} class="text-link break-all" data-mail-link safe>
                {href}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </ShopLayout>
  );
}
