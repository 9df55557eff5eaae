import type { Children } from '@kitajs/html';

/** Who the mail is from: the store's name and its address (APP_URL), for the header, footer and every link. */
export interface Brand {
  storeName: string;
  appUrl: string;
}

/**
 * A simple table layout with inline styles: what common mail clients (Outlook included) render
 * reliably. No images, web fonts or tracking pixels; every text from a user or the database is
 * escaped by the caller with `safe`.
 */
export function EmailFrame({ brand, children, footer }: { brand: Brand; children: Children; footer?: Children }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
        </head>
        <body style="margin:0;padding:24px 12px;background:#f1f5f9;font-family:Arial,Helvetica,sans-serif;color:#0f172a;line-height:1.5">
          <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px">
            <tr>
              <td style="padding:24px">
                <p style="font-size:18px;font-weight:bold;margin:0 0 16px">
                  <a href={brand.appUrl} style="color:#0f172a;text-decoration:none" safe>
                    {brand.storeName}
                  </a>
                </p>
                {children}
              </td>
            </tr>
            <tr>
              <td style="padding:16px 24px;border-top:1px solid #e2e8f0;color:#475569;font-size:12px">
                {footer ?? ''}
                <p style="margin:0" safe>
                  {`${brand.storeName} · ${brand.appUrl.replace(/^https?:\/\//, '')}`}
                </p>
              </td>
            </tr>
          </table>
        </body>
      </html>
    </>
  );
}

/** The message's one call to action, as a button-like link (with the plain URL in the text part). */
export function ActionLink({ href, label }: { href: string; label: string }): JSX.Element {
  return (
    <p style="margin:24px 0">
      <a href={href} style="background:#4338ca;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold;display:inline-block" safe>
        {label}
      </a>
    </p>
  );
}

/** A paragraph of small print. */
export function SmallPrint({ children }: { children: Children }): JSX.Element {
  return <p style="color:#475569;font-size:13px">{children}</p>;
}

/** The plain-text part: paragraphs, then the store's name and address as a signature. */
export function plainText(brand: Brand, paragraphs: string[]): string {
  return `${paragraphs.join('\n\n')}\n\n-- \n${brand.storeName}\n${brand.appUrl}\n`;
}
