/** Inline icons (decorative: hidden from assistive technology; the control carries the label). Pass class="" when the parent styles the icon. */

const base = { 'aria-hidden': 'true', focusable: 'false', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8', viewBox: '0 0 24 24' };

export function SearchIcon({ class: className = 'h-5 w-5' }: { class?: string }): JSX.Element {
  return (
    <svg {...base} class={className || undefined}>
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" stroke-linecap="round" />
    </svg>
  );
}

export function BagIcon({ class: className = 'h-6 w-6' }: { class?: string }): JSX.Element {
  return (
    <svg {...base} class={className || undefined}>
      <path d="M5 8h14l-1.2 11.2a2 2 0 0 1-2 1.8H8.2a2 2 0 0 1-2-1.8z" stroke-linejoin="round" />
      <path d="M9 8V6.5a3 3 0 0 1 6 0V8" stroke-linecap="round" />
    </svg>
  );
}

export function MenuIcon({ class: className = 'h-6 w-6' }: { class?: string }): JSX.Element {
  return (
    <svg {...base} class={className || undefined}>
      <path d="M4 7h16M4 12h16M4 17h16" stroke-linecap="round" />
    </svg>
  );
}

export function ChevronIcon({ class: className = 'h-4 w-4', direction = 'right' }: { class?: string; direction?: 'left' | 'right' | 'down' }): JSX.Element {
  const path = { left: 'm15 6-6 6 6 6', right: 'm9 6 6 6-6 6', down: 'm6 9 6 6 6-6' }[direction];
  return (
    <svg {...base} class={className || undefined}>
      <path d={path} stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function FilterIcon({ class: className = 'h-5 w-5' }: { class?: string }): JSX.Element {
  return (
    <svg {...base} class={className || undefined}>
      <path d="M4 6h16M7 12h10M10 18h4" stroke-linecap="round" />
    </svg>
  );
}
