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

// The few local behaviours, in plain JavaScript listening on the document, so markup that htmx
// swaps in works without being set up again. (They were Alpine components; Alpine alone weighed
// 21 KB compressed, which broke the 32 KB budget for a page's scripts: docs/decisions/0012.)

// Product gallery: a thumbnail shows its picture in the large frame instead of opening it.
document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-gallery] [data-gallery-index]');
  if (!link) return;
  const gallery = link.closest('[data-gallery]');
  const main = gallery.querySelector('.media-frame img');
  const picture = link.querySelector('img');
  if (!main || !picture) return;
  event.preventDefault();
  delete main.dataset.broken;
  main.src = link.href;
  main.alt = picture.alt.replace(/, picture \d+$/, '');
  for (const other of gallery.querySelectorAll('[data-gallery-index]')) {
    other.setAttribute('aria-current', other === link ? 'true' : 'false');
  }
});

// The header search as a WAI-ARIA combobox: htmx fills the listbox as one types; arrows move
// the active option, Enter opens it, Escape or a click elsewhere closes the list.
const combobox = {
  parts(form) {
    return { input: form.querySelector('[role=combobox]'), list: form.querySelector('[role=listbox]'), status: form.querySelector('[data-suggestion-status]') };
  },
  options(form) {
    return [...form.querySelectorAll('[role=listbox] [role=option]')];
  },
  active(form) {
    return this.options(form).findIndex((option) => option.getAttribute('aria-selected') === 'true');
  },
  refresh(form) {
    const { input, list, status } = this.parts(form);
    const count = this.options(form).length;
    list.hidden = count === 0;
    input.setAttribute('aria-expanded', String(count > 0));
    this.select(form, -1);
    const typed = input.value.trim();
    status.textContent = count ? `${count} suggestions. Use the up and down arrows to choose.` : typed ? 'No suggestions.' : '';
  },
  select(form, index) {
    const { input } = this.parts(form);
    const options = this.options(form);
    options.forEach((option, position) => option.setAttribute('aria-selected', String(position === index)));
    const chosen = options[index];
    if (chosen) {
      input.setAttribute('aria-activedescendant', chosen.id);
      chosen.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  },
  onKey(form, event) {
    const { input, list } = this.parts(form);
    const options = this.options(form);
    const active = this.active(form);
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && options.length) {
      event.preventDefault();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      const next = event.key === 'ArrowDown' ? active + 1 : active - 1;
      this.select(form, next >= options.length ? 0 : next < 0 ? options.length - 1 : next);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      window.location.assign(options[active].dataset.href);
    } else if (event.key === 'Escape') {
      this.close(form);
    }
  },
  close(form) {
    const { input, list } = this.parts(form);
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    this.select(form, -1);
  },
};
document.addEventListener('htmx:after:swap', (event) => {
  const form = event.target.closest?.('[data-combobox]');
  if (form) combobox.refresh(form);
});
document.addEventListener('keydown', (event) => {
  const form = event.target.closest?.('[data-combobox]');
  if (form && event.target.matches('[role=combobox]')) combobox.onKey(form, event);
});
document.addEventListener('click', (event) => {
  const option = event.target.closest('[data-combobox] [role=option]');
  if (option) window.location.assign(option.dataset.href);
  for (const form of document.querySelectorAll('[data-combobox]')) {
    if (!form.contains(event.target)) combobox.close(form);
  }
});

// Listing filters: the stylesheet folds them on a phone and shows them on a desktop, so no script
// touches them at load. A filter change morphs in the server's copy of the panel, which is closed
// (the server cannot know the shopper opened it): the incoming copy takes the open panel's state,
// so a phone's panel stays open while the shopper is using it.
document.addEventListener('htmx:before:swap', (event) => {
  const live = document.querySelector('details[data-filters]');
  if (!live?.open) return;
  for (const task of event.detail.tasks ?? []) {
    for (const incoming of task.fragment?.querySelectorAll?.('details[data-filters]') ?? []) incoming.open = true;
  }
});

// The header's mini-cart: the badge is a link to /cart; with JavaScript a click opens a panel
// that htmx fills from /cart/mini. Escape or a click elsewhere closes it.
const miniCart = {
  open(menu) {
    menu.querySelector('#mini-cart').hidden = false;
    menu.querySelector('.cart-link').setAttribute('aria-expanded', 'true');
    menu.querySelector('#mini-cart').dispatchEvent(new window.CustomEvent('open-mini-cart'));
  },
  close(menu) {
    menu.querySelector('#mini-cart').hidden = true;
    menu.querySelector('.cart-link').setAttribute('aria-expanded', 'false');
  },
};
document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-mini-cart] .cart-link');
  for (const menu of document.querySelectorAll('[data-mini-cart]')) {
    if (!menu.contains(event.target)) miniCart.close(menu);
  }
  if (!link) return;
  event.preventDefault();
  const menu = link.closest('[data-mini-cart]');
  if (menu.querySelector('#mini-cart').hidden) miniCart.open(menu);
  else miniCart.close(menu);
});
document.addEventListener('keydown', (event) => {
  const menu = event.target.closest?.('[data-mini-cart]');
  if (event.key !== 'Escape' || !menu || menu.querySelector('#mini-cart').hidden) return;
  miniCart.close(menu);
  menu.querySelector('.cart-link').focus();
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
