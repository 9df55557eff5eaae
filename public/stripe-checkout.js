// The Stripe payment step: mounts Stripe's Payment Element (card data goes from the browser to
// Stripe, never to this store) and confirms the payment; Stripe then sends the shopper to the
// return URL, where the store asks Stripe how it went. Loaded only on /checkout/pay/….
const root = document.getElementById('payment-element');
const form = document.getElementById('payment-form');
const message = document.getElementById('payment-message');

if (root && form && typeof window.Stripe === 'function') {
  const stripe = window.Stripe(root.dataset.publishableKey);
  const elements = stripe.elements({ clientSecret: root.dataset.clientSecret });
  elements.create('payment').mount(root);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: root.dataset.returnUrl } });
    // Only reached when the payment could not be confirmed (otherwise Stripe redirects).
    if (message) message.textContent = error?.message ?? 'The payment did not go through.';
    button.disabled = false;
  });
} else if (message) {
  message.textContent = 'The payment form could not load. Check your connection, and that JavaScript is on, then reload this page.';
}
