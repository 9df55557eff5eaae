// The store's only script of its own: Alpine components for purely local behaviour.
// Registered by name because the CSP build of Alpine cannot evaluate inline expressions.
document.addEventListener('alpine:init', () => {
  // Product gallery: a thumbnail shows its picture in the large frame instead of opening it.
  window.Alpine.data('gallery', () => ({
    show(event) {
      const link = event.currentTarget;
      const main = this.$root.querySelector('.media-frame img');
      const picture = link.querySelector('img');
      if (!main || !picture) return;
      event.preventDefault();
      main.src = link.href;
      main.alt = picture.alt.replace(/, picture \d+$/, '');
      for (const other of this.$root.querySelectorAll('[data-gallery-index]')) {
        other.setAttribute('aria-current', other === link ? 'true' : 'false');
      }
    },
  }));
});
