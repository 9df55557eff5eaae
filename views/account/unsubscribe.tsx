import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export function UnsubscribePage({ layout, action }: { layout: LayoutProps; action: string }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Stop cart reminders" meta={{ robots: 'noindex' }}>
      <section class="auth-card">
        <h1 class="page-title mb-4">Stop cart reminders?</h1>
        <p class="mb-6 text-slate-700">We e-mail you once when you leave things in your cart. You can turn that off.</p>
        <form method="post" action={action}>
          <button type="submit" class="btn-primary w-full">
            Stop cart reminders
          </button>
        </form>
      </section>
    </ShopLayout>
  );
}
