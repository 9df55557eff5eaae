// The store's only script of its own: small progressive enhancements.

// Pictures that fail to load (offline, removed upstream) are marked so CSS can show a caption
// instead of the browser's broken-image icon. Error events do not bubble, so listen in the
// capture phase; and look once for pictures that failed before this script ran.
document.addEventListener(
  'error',
  (event) => {
    if (event.target instanceof HTMLImageElement) event.target.dataset.broken = '';
  },
  true,
);
document.addEventListener('DOMContentLoaded', () => {
  for (const image of document.images) {
    if (image.complete && image.naturalWidth === 0 && image.getAttribute('src')) image.dataset.broken = '';
  }
});

// Alpine components, registered by name because the CSP build cannot evaluate inline expressions.
document.addEventListener('alpine:init', () => {
  // Product gallery: a thumbnail shows its picture in the large frame instead of opening it.
  window.Alpine.data('gallery', () => ({
    show(event) {
      const link = event.currentTarget;
      const main = this.$root.querySelector('.media-frame img');
      const picture = link.querySelector('img');
      if (!main || !picture) return;
      event.preventDefault();
      delete main.dataset.broken;
      main.src = link.href;
      main.alt = picture.alt.replace(/, picture \d+$/, '');
      for (const other of this.$root.querySelectorAll('[data-gallery-index]')) {
        other.setAttribute('aria-current', other === link ? 'true' : 'false');
      }
    },
  }));

  // Listing filters start open so they work without JavaScript; on a phone they fold away
  // so the products come first.
  window.Alpine.data('filters', () => ({
    init() {
      if (window.matchMedia('(max-width: 1023px)').matches) this.$el.open = false;
    },
  }));
});
