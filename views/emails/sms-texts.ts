/**
 * Texts are plain and short: one SMS segment is 160 GSM characters, and a long text costs
 * several. Nothing here is HTML, so nothing needs escaping; the provider sends it as typed.
 */
export function shippedText({ storeName, number, carrier, trackingNumber, url }: { storeName: string; number: string; carrier: string | null; trackingNumber: string | null; url: string }): string {
  const tracking = carrier && trackingNumber ? ` with ${carrier}, tracking ${trackingNumber}` : '';
  return `${storeName}: your order ${number} has shipped${tracking}. ${url}`;
}
