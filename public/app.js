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

  // The header search as a WAI-ARIA combobox: htmx fills the listbox as one types; arrows move
  // the active option, Enter opens it, Escape or a click elsewhere closes the list.
  window.Alpine.data('combobox', () => ({
    active: -1,
    init() {
      this.input = this.$el.querySelector('[role=combobox]');
      this.list = this.$el.querySelector('[role=listbox]');
      this.status = this.$el.querySelector('[data-suggestion-status]');
      this.$el.addEventListener('htmx:after:swap', () => this.refresh());
      this.list.addEventListener('click', (event) => {
        const option = event.target.closest('[role=option]');
        if (option) window.location.assign(option.dataset.href);
      });
      document.addEventListener('click', (event) => {
        if (!this.$el.contains(event.target)) this.close();
      });
    },
    options() {
      return [...this.list.querySelectorAll('[role=option]')];
    },
    refresh() {
      const count = this.options().length;
      this.list.hidden = count === 0;
      this.input.setAttribute('aria-expanded', String(count > 0));
      this.select(-1);
      const typed = this.input.value.trim();
      this.status.textContent = count ? `${count} suggestions. Use the up and down arrows to choose.` : typed ? 'No suggestions.' : '';
    },
    select(index) {
      this.active = index;
      this.options().forEach((option, position) => option.setAttribute('aria-selected', String(position === index)));
      const chosen = this.options()[index];
      if (chosen) {
        this.input.setAttribute('aria-activedescendant', chosen.id);
        chosen.scrollIntoView({ block: 'nearest' });
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    },
    onKey(event) {
      const count = this.options().length;
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count) {
        event.preventDefault();
        this.list.hidden = false;
        this.input.setAttribute('aria-expanded', 'true');
        const next = event.key === 'ArrowDown' ? this.active + 1 : this.active - 1;
        this.select(next >= count ? 0 : next < 0 ? count - 1 : next);
      } else if (event.key === 'Enter' && this.active >= 0) {
        event.preventDefault();
        window.location.assign(this.options()[this.active].dataset.href);
      } else if (event.key === 'Escape') {
        this.close();
      }
    },
    close() {
      this.list.hidden = true;
      this.input.setAttribute('aria-expanded', 'false');
      this.select(-1);
    },
  }));

  // Listing filters start open so they work without JavaScript; on a phone they fold away
  // so the products come first.
  window.Alpine.data('filters', () => ({
    init() {
      if (window.matchMedia('(max-width: 1023px)').matches) this.$el.open = false;
    },
  }));

  // The header's mini-cart: the badge is a link to /cart; with JavaScript a click opens a panel
  // that htmx fills from /cart/mini. Escape or a click elsewhere closes it.
  window.Alpine.data('miniCart', () => ({
    init() {
      this.link = this.$el.querySelector('.cart-link');
      this.panel = this.$el.querySelector('#mini-cart');
      document.addEventListener('click', (event) => {
        if (!this.$el.contains(event.target)) this.close();
      });
      this.$el.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && !this.panel.hidden) {
          this.close();
          this.link.focus();
        }
      });
    },
    toggle(event) {
      event.preventDefault();
      if (this.panel.hidden) this.open();
      else this.close();
    },
    open() {
      this.panel.hidden = false;
      this.link.setAttribute('aria-expanded', 'true');
      this.panel.dispatchEvent(new window.CustomEvent('open-mini-cart'));
    },
    close() {
      this.panel.hidden = true;
      this.link.setAttribute('aria-expanded', 'false');
    },
  }));
});

// A cart action's message shows as a toast for a few seconds (screen readers have read it by then).
let clearCartStatus;
document.addEventListener('htmx:after:request', () => {
  window.clearTimeout(clearCartStatus);
  clearCartStatus = window.setTimeout(() => {
    const status = document.getElementById('cart-status');
    if (status) status.textContent = '';
  }, 5000);
});
