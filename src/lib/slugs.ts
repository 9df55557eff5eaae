/** URL-safe lower-case slugs: "Crème Brûlée 2 Go!" → "creme-brulee-2-go". */
export function slugify(text: string, maxLength = 80): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True for text that could be a slug we made; anything else cannot name a record. */
export function isSlug(text: string): boolean {
  return text.length <= 200 && slugPattern.test(text);
}

/** Returns `base`, or `base-2`, `base-3`… whichever `taken` does not hold yet, and records it. */
export function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}
