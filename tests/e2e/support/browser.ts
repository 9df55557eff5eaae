import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export { launchChromium, newStoreContext, viewports } from '../../../scripts/support/chromium.js';

/** Runs axe on the page as it is now; any violation fails, listed so it can be fixed from the message. */
export async function checkA11y(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  if (!violations.length) return;
  const lines = violations.flatMap((violation) => [
    `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}`,
    ...violation.nodes.map((node) => `    ${node.target.join(' ')}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
  ]);
  throw new Error(`axe found ${violations.length} violation(s) on ${page.url()}:\n${lines.join('\n')}`);
}
