import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

const copy: Record<number, { title: string; text: string }> = {
  400: { title: 'That request did not make sense', text: 'Something in the address or the form was not right.' },
  403: { title: 'Not allowed', text: 'You do not have access to this page.' },
  404: { title: 'Page not found', text: 'We could not find that page. It may have moved, or the product is no longer sold.' },
  413: { title: 'Too large', text: 'What you sent is larger than we accept.' },
  429: { title: 'Slow down a little', text: 'Too many requests in a short time. Please wait a moment and try again.' },
  500: { title: 'Something went wrong on our side', text: 'The problem has been logged. Please try again in a moment.' },
  503: { title: 'Back in a moment', text: 'The shop is briefly unavailable. Please try again shortly.' },
};

/** One page for every error status; shows a reference number, never internals. */
export function ErrorPage({ layout, status, message, requestId }: { layout: LayoutProps; status: number; message?: string; requestId?: string }): JSX.Element {
  const fallback = status >= 500 ? copy[500]! : copy[400]!;
  const { title, text } = copy[status] ?? fallback;
  return (
    <ShopLayout layout={layout} title={title}>
      <section class="mx-auto max-w-xl py-16 text-center">
        <p class="text-sm font-bold tracking-widest text-brand-700 uppercase">Error {status}</p>
        <h1 class="mt-2 text-3xl font-bold tracking-tight text-slate-900" safe>
          {title}
        </h1>
        <p class="mt-3 text-slate-600" safe>
          {message ?? text}
        </p>
        {requestId && status >= 500 ? (
          <p class="mt-3 text-sm text-slate-500">
            Reference: <code safe>{requestId}</code>
          </p>
        ) : (
          ''
        )}
        <div class="mt-8 flex flex-wrap justify-center gap-3">
          <a href="/" class="btn-primary">
            Go to the home page
          </a>
          <a href="/products" class="btn-secondary">
            Browse products
          </a>
        </div>
      </section>
    </ShopLayout>
  );
}
